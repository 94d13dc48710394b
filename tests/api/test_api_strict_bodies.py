"""Strict JSON command bodies: a field the server does not read is a 422 naming it, a wrong JSON type is a 422,
nothing is changed; and every documented request schema says so (additionalProperties false)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import API, activity_url, assert_problem
from tests.support.database import BACKENDS

pytestmark = BACKENDS

#: The vote path reads its ballots itself (ballot schemas stay as they are).
NOT_STRICT = {("put", "/workshops/{id}/activities/{key}/responses")}


@pytest.fixture
def ws(api: Any, workshop: dict[str, Any], join: Any) -> dict[str, Any]:
    """The small workshop, its activity open and shown on reveal, a participant and a pending proposal."""
    wid = workshop["id"]
    assert api.post(activity_url(wid, "constraints", "open")).status_code == 200
    assert api.call("PATCH", f"{API}/workshops/{wid}/activities/constraints",
                    json={"reveal_mode": "on_reveal"}).status_code == 200
    token = join(workshop["join_code"], "gov")
    proposal = api.post(f"{API}/workshops/{wid}/proposals", json={"kind": "constraint", "title": "Roads"},
                        token=token).get_json()
    action = api.post(activity_url(wid, "constraints", "actions"), json={"item": "finance", "owner": "Ana"})
    card = api.post(f"{API}/workshops/{wid}/seat-codes", json={"count": 1}).get_json()[0]
    return {**workshop, "participant": token, "pid": proposal["id"], "action_id": action.get_json()["id"],
            "seat_id": card["id"]}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = spec
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _write_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and (method, path) not in NOT_STRICT:
                found.append((method, path, body["schema"]))
    return found


def test_every_request_schema_lists_exactly_its_fields(api: Any) -> None:
    spec = api.get(f"{API}/openapi.json", token="").get_json()
    loose = []
    for method, path, schema in _write_operations(spec):
        schema = _resolve(spec, schema)
        shapes = [s for s in (_resolve(spec, s) for s in schema.get("oneOf", [])) if "properties" in s] or [schema]
        loose += [f"{method} {path}" for s in shapes if s.get("additionalProperties") is not False]
    assert not loose, loose
    assert len(_write_operations(spec)) >= 25


def test_every_write_operation_names_an_unknown_field(api: Any, ws: dict[str, Any]) -> None:
    """The server agrees with the schemas: each documented JSON body refuses a field it does not list."""
    spec = api.get(f"{API}/openapi.json", token="").get_json()
    ids = {"id": ws["id"], "key": "constraints", "pid": ws["pid"], "action_id": ws["action_id"],
           "seat_id": ws["seat_id"]}
    for method, path, _schema in _write_operations(spec):
        url = API + path.format(**ids)
        operation = spec["paths"][path][method]
        token = ws["participant"] if operation.get("security") == [{"participant": []}] else None
        token = "" if operation.get("security") == [] else token
        response = api.call(method.upper(), url, json={"surplus": True}, token=token)
        assert_problem(response, 422, "surplus")


def test_a_patch_with_a_field_it_does_not_read_changes_nothing(api: Any, workshop: dict[str, Any]) -> None:
    url = f"{API}/workshops/{workshop['id']}/activities/constraints"
    body = assert_problem(api.call("PATCH", url, json={"reveal_mode": "on_reveal", "weights": {"x": 1}}), 422,
                          "weights")
    assert "weights" in body["detail"]
    assert "reveal" not in api.get(f"{API}/workshops/{workshop['id']}").get_json()["activities"][0]


def test_wrong_json_types_are_named(api: Any, workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    assert_problem(api.post(activity_url(wid, "constraints", "open"), json={"close_others": "yes"}), 422,
                   "close_others")
    assert_problem(api.put(f"{API}/workshops/{wid}/pace", json={"mode": 1}), 422, "mode")
    assert_problem(api.post(f"{API}/workshops/{wid}/weights", json={"preset": "custom", "weights": [1, 2]}), 422,
                   "weights")
    assert_problem(api.post(activity_url(wid, "constraints", "open"), data="close_others",
                            content_type="text/plain"), 422)
    assert api.get(f"{API}/workshops/{wid}").get_json()["activities"][0]["state"] == "pending"


def test_whole_numbers_are_written_without_a_fraction(api: Any, workshop: dict[str, Any]) -> None:
    """As for a definition's min_group_size: 4.0 is refused where a whole number is read, everywhere alike."""
    wid = workshop["id"]
    for value in (4.0, 4.5, "4", True):
        assert_problem(api.put(f"{API}/workshops/{wid}/proposal-settings", json={"limit": value}), 422, "limit")
        assert_problem(api.put(f"{API}/workshops/{wid}/admission", json={"expected": {"gov": value}}), 422,
                       "expected.gov")
    assert api.put(f"{API}/workshops/{wid}/proposal-settings", json={"limit": 4}).get_json()["limit"] == 4


def test_templates_and_definitions_keep_their_shapes(api: Any) -> None:
    made = api.post(f"{API}/workshops", json={"template": "regional", "title": None})
    assert made.status_code == 201, made.get_data(as_text=True)
    assert_problem(api.post(f"{API}/workshops", json={"template": "regional", "groups": []}), 422, "groups")
    from tests.support.builders import small_definition

    assert_problem(api.post(f"{API}/workshops", json={**small_definition(), "template_key": "x"}), 422,
                   "template_key")
    assert api.post(f"{API}/workshops", json={**small_definition(), "method_note": "Why.", "consent_text": None,
                                               "consent_required": False}).status_code == 201
