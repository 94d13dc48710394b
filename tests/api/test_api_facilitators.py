"""Contract, "Facilitators": tokens, templates, creating and reading workshops, opening and closing activities."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, count_rows
from tests.support.database import BACKENDS

pytestmark = BACKENDS

EMAIL, PASSWORD = "facilitator@example.org", "correct horse"
WORKSHOP_FIELDS = ("id", "title", "language", "join_code", "join_url", "screen_url", "screen_token",
                   "min_group_size", "groups", "items", "activities")


def full_definition() -> dict[str, Any]:
    """Two matrix activities, a sector item, a weight-0 group: the shapes of the contract, every field given."""
    return builders.definition(
        "Eastern Cape constraints and sectors", language="fr", min_group_size=4,
        groups=[builders.group("gov", "Government", 2.0), builders.group("firms", "Employers", 1.0),
                builders.group("obs", "Observers", 0)],
        items=[builders.item("finance", "Access to finance", description="Credit for small firms", category="macro"),
               builders.item("agro-processing", "Agro-processing", kind="sector", description="",
                             category="manufacturing")],
        activities=[builders.matrix("constraints", ["finance"], "Rate the constraints"),
                    builders.matrix("sectors", ["agro-processing", "finance"], "Rate the sectors",
                                    builders.axis("Feasibility", 0, 10), builders.axis("Attractiveness", -3, 3))])


def assert_workshop_document(doc: dict[str, Any]) -> None:
    for name in WORKSHOP_FIELDS:
        assert name in doc, name
    assert isinstance(doc["id"], int) and not isinstance(doc["id"], bool)
    assert isinstance(doc["join_code"], str) and doc["join_code"]
    assert f"/j/{doc['join_code']}" in doc["join_url"]
    assert doc["join_url"].startswith(("http://", "https://"))
    assert doc["screen_url"].startswith(("http://", "https://"))
    assert isinstance(doc["screen_token"], str) and len(doc["screen_token"]) >= 16
    assert isinstance(doc["min_group_size"], int) and doc["min_group_size"] >= 3
    for activity in doc["activities"]:
        assert activity["state"] == "pending"


# --- POST /auth/token ---------------------------------------------------------------------------------------

def test_token_issued_for_good_credentials_and_works(api: Any) -> None:
    response = api.post(f"{API}/auth/token", json={"email": EMAIL, "password": PASSWORD}, token="")
    assert response.status_code == 200
    token = response.get_json()["token"]
    assert isinstance(token, str) and token
    assert api.get(f"{API}/templates", token=token).status_code == 200


def test_token_email_is_case_insensitive(api: Any) -> None:
    response = api.post(f"{API}/auth/token", json={"email": EMAIL.upper(), "password": PASSWORD}, token="")
    assert response.status_code == 200


@pytest.mark.parametrize("body", [{"email": EMAIL, "password": "wrong horse"},
                                  {"email": "nobody@example.org", "password": PASSWORD},
                                  {"email": EMAIL, "password": ""}],
                         ids=["bad-password", "unknown-email", "empty-password"])
def test_token_bad_credentials_401(api: Any, body: dict[str, str]) -> None:
    assert_problem(api.post(f"{API}/auth/token", json=body, token=""), 401)


@pytest.mark.parametrize("body", [{"email": EMAIL}, {"password": PASSWORD}, {"email": 7, "password": PASSWORD},
                                  [EMAIL, PASSWORD], "token please", None],
                         ids=["no-password", "no-email", "email-not-string", "list", "string", "not-json"])
def test_token_malformed_body_422(api: Any, body: Any) -> None:
    if body is None:
        response = api.post(f"{API}/auth/token", token="", data="email=x&password=y",
                            content_type="application/x-www-form-urlencoded")
    else:
        response = api.post(f"{API}/auth/token", json=body, token="")
    assert_problem(response, 422)


# --- GET /templates --------------------------------------------------------------------------------------

def test_templates_need_a_token(api: Any) -> None:
    assert_problem(api.get(f"{API}/templates", token=""), 401)
    assert_problem(api.get(f"{API}/templates", token="not-a-token"), 401)


def test_templates_list_regional(api: Any) -> None:
    response = api.get(f"{API}/templates")
    assert response.status_code == 200
    templates = response.get_json()
    assert isinstance(templates, list) and templates
    for template in templates:
        for name in ("key", "title", "description"):
            assert isinstance(template[name], str) and template[name].strip(), template
    assert len({t["key"] for t in templates}) == len(templates)
    assert "regional" in {t["key"] for t in templates}


# --- POST /workshops --------------------------------------------------------------------------------------

def test_create_from_template(api: Any) -> None:
    response = api.post(f"{API}/workshops", json={"template": "regional", "title": "Eastern Cape 2025"})
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert_workshop_document(doc)
    assert doc["title"] == "Eastern Cape 2025"
    assert doc["language"] == "en"
    # Every template defines at least three groups and one activity.
    assert len(doc["groups"]) >= 3 and doc["activities"]
    item_keys = {i["key"] for i in doc["items"]}
    for group in doc["groups"]:
        assert set(group) >= {"key", "name", "weight"} and group["weight"] >= 0
    for item in doc["items"]:
        assert set(item) >= {"key", "kind", "title", "description", "category"}
        assert item["kind"] in ("constraint", "sector")
    for activity in doc["activities"]:
        assert activity["type"] == "matrix"
        assert set(activity["items"]) <= item_keys and activity["items"]
        for axis in ("x", "y"):
            assert set(activity[axis]) >= {"label", "min", "max"}
            assert activity[axis]["min"] < activity[axis]["max"]
    # The document is the one GET returns.
    assert api.get(f"{API}/workshops/{doc['id']}").get_json() == doc


def test_two_workshops_get_distinct_ids_codes_and_tokens(api: Any) -> None:
    first = api.post(f"{API}/workshops", json={"template": "regional", "title": "One"}).get_json()
    second = api.post(f"{API}/workshops", json={"template": "regional", "title": "Two"}).get_json()
    for name in ("id", "join_code", "screen_token"):
        assert first[name] != second[name]


@pytest.mark.parametrize("body,field", [({"template": "no-such-template", "title": "X"}, "template"),
                                        ({"template": 3, "title": "X"}, "template"),
                                        ({"template": "regional", "title": ""}, "title")])
def test_create_from_bad_template_422(app: Any, api: Any, body: dict[str, Any], field: str) -> None:
    assert_problem(api.post(f"{API}/workshops", json=body), 422, field)
    assert count_rows(app, "Workshop") == 0


def test_create_from_full_definition(api: Any) -> None:
    definition = full_definition()
    response = api.post(f"{API}/workshops", json=definition)
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert_workshop_document(doc)
    assert doc["title"] == definition["title"]
    assert doc["language"] == "fr"
    assert doc["min_group_size"] == 4
    assert [(g["key"], g["name"], g["weight"]) for g in doc["groups"]] == [
        ("gov", "Government", 2.0), ("firms", "Employers", 1.0), ("obs", "Observers", 0.0)]
    for sent, got in zip(definition["items"], doc["items"], strict=True):
        for name in ("key", "kind", "title", "description", "category"):
            assert got[name] == sent[name]
    for sent, got in zip(definition["activities"], doc["activities"], strict=True):
        for name in ("key", "type", "title", "items", "x", "y"):
            assert got[name] == sent[name], name
        assert got["state"] == "pending"


def test_create_applies_defaults(api: Any) -> None:
    definition = full_definition()
    del definition["min_group_size"], definition["language"]
    for group in definition["groups"]:
        del group["weight"]
    doc = api.post(f"{API}/workshops", json=definition).get_json()
    assert doc["min_group_size"] == 5
    assert doc["language"] == "en"
    assert [g["weight"] for g in doc["groups"]] == [1.0, 1.0, 1.0]


def test_create_refuses_client_chosen_ids_and_tokens_and_ignores_states(app: Any, api: Any) -> None:
    definition = full_definition()
    definition.update(id=999, join_code="AAAAAA", screen_token="chosen-by-client")
    assert_problem(api.post(f"{API}/workshops", json=definition), 422, "id", "join_code", "screen_token")
    assert count_rows(app, "Workshop") == 0
    definition = full_definition()
    definition["activities"][0]["state"] = "open"
    doc = api.post(f"{API}/workshops", json=definition).get_json()
    assert [a["state"] for a in doc["activities"]] == ["pending", "pending"]


def test_create_needs_a_token(app: Any, api: Any) -> None:
    assert_problem(api.post(f"{API}/workshops", json=full_definition(), token=""), 401)
    assert_problem(api.post(f"{API}/workshops", json=full_definition(), token="forged"), 401)
    assert count_rows(app, "Workshop") == 0


def _edit(change: Any) -> dict[str, Any]:
    definition = copy.deepcopy(full_definition())
    change(definition)
    return definition


def _set(path: list[Any], value: Any) -> Any:
    def change(definition: dict[str, Any]) -> None:
        target: Any = definition
        for part in path[:-1]:
            target = target[part]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


_DELETE = object()

INVALID_DEFINITIONS = [
    ("group-key-upper-case", _set(["groups", 0, "key"], "Gov"), "groups[0].key"),
    ("group-key-space", _set(["groups", 1, "key"], "big firms"), "groups[1].key"),
    ("item-key-leading-dash", _set(["items", 0, "key"], "-finance"), "items[0].key"),
    ("item-key-formula", _set(["items", 0, "key"], "=cmd"), "items[0].key"),
    ("activity-key-too-long", _set(["activities", 0, "key"], "a" * 41), "activities[0].key"),
    ("group-key-missing", _set(["groups", 2, "key"], _DELETE), "groups[2].key"),
    ("group-key-empty", _set(["groups", 2, "key"], ""), "groups[2].key"),
    ("duplicate-group-key", _set(["groups", 1, "key"], "gov"), "groups[1].key"),
    ("duplicate-item-key", _set(["items", 1, "key"], "finance"), "items[1].key"),
    ("duplicate-activity-key", _set(["activities", 1, "key"], "constraints"), "activities[1].key"),
    ("min-group-size-2", _set(["min_group_size"], 2), "min_group_size"),
    ("min-group-size-string", _set(["min_group_size"], "5"), "min_group_size"),
    ("min-group-size-float", _set(["min_group_size"], 5.0), "min_group_size"),
    ("min-group-size-bool", _set(["min_group_size"], True), "min_group_size"),
    ("negative-weight", _set(["groups", 1, "weight"], -0.5), "groups[1].weight"),
    ("weight-not-number", _set(["groups", 1, "weight"], "1"), "groups[1].weight"),
    ("unknown-item", _set(["activities", 1, "items"], ["agro-processing", "mining"]), "activities[1].items[1]"),
    ("scale-min-equals-max", _set(["activities", 0, "x", "max"], 1), "activities[0].x.max"),
    ("scale-min-above-max", _set(["activities", 1, "y", "min"], 4), "activities[1].y.max"),
    ("scale-min-float", _set(["activities", 0, "x", "min"], 1.5), "activities[0].x.min"),
    ("scale-max-string", _set(["activities", 0, "y", "max"], "5"), "activities[0].y.max"),
    ("scale-min-integral-float", _set(["activities", 0, "y", "min"], 1.0), "activities[0].y.min"),
    ("unknown-activity-type", _set(["activities", 0, "type"], "wordcloud"), "activities[0].type"),
    ("scale-activity-without-its-scale", _set(["activities", 1, "type"], "scale"), "activities[1].scale"),
    ("missing-title", _set(["title"], _DELETE), "title"),
    ("empty-title", _set(["title"], "   "), "title"),
    ("no-groups", _set(["groups"], []), "groups"),
]


@pytest.mark.parametrize("change,field", [(c, f) for _, c, f in INVALID_DEFINITIONS],
                         ids=[name for name, _, _ in INVALID_DEFINITIONS])
def test_invalid_definition_422_with_field_path(app: Any, api: Any, change: Any, field: str) -> None:
    response = api.post(f"{API}/workshops", json=_edit(change))
    assert_problem(response, 422, field)
    assert count_rows(app, "Workshop") == 0


def test_invalid_definition_lists_every_problem(app: Any, api: Any) -> None:
    definition = full_definition()
    definition["min_group_size"] = 1
    definition["groups"][0]["weight"] = -1
    definition["activities"][0]["type"] = "poll"
    body = assert_problem(api.post(f"{API}/workshops", json=definition), 422,
                          "min_group_size", "groups[0].weight", "activities[0].type")
    assert len(body["errors"]) >= 3
    assert count_rows(app, "Workshop") == 0


@pytest.mark.parametrize("kind", ["not-json", "list", "string", "number", "empty-object"])
def test_definition_body_not_json_or_not_an_object_422(app: Any, api: Any, kind: str) -> None:
    if kind == "not-json":
        response = api.post(f"{API}/workshops", data="{'title': 'single quotes'}", content_type="application/json")
    else:
        body = {"list": [full_definition()], "string": "workshop", "number": 7, "empty-object": {}}[kind]
        response = api.post(f"{API}/workshops", json=body)
    assert_problem(response, 422)
    assert count_rows(app, "Workshop") == 0


# --- GET /workshops/{id} ----------------------------------------------------------------------------------

def test_get_workshop(api: Any, workshop: dict[str, Any]) -> None:
    response = api.get(f"{API}/workshops/{workshop['id']}")
    assert response.status_code == 200
    assert response.get_json() == workshop


def test_get_workshop_errors(api: Any, other_api: Any, workshop: dict[str, Any]) -> None:
    path = f"{API}/workshops/{workshop['id']}"
    assert_problem(api.get(f"{API}/workshops/{workshop['id'] + 1000}"), 404)
    assert_problem(other_api.get(path), 403)
    assert_problem(api.get(path, token=""), 401)
    assert_problem(api.get(path, token="not-a-token"), 401)
    # A screen token or a participant token is not a facilitator's.
    assert_problem(api.get(path, token=workshop["screen_token"]), 401)
    # Order: 401 before 404, 404 before 403.
    assert_problem(api.get(f"{API}/workshops/{workshop['id'] + 1000}", token="bad"), 401)
    assert_problem(other_api.get(f"{API}/workshops/{workshop['id'] + 1000}"), 404)


# --- open / close -----------------------------------------------------------------------------------------

def test_open_and_close(api: Any) -> None:
    doc = api.post(f"{API}/workshops", json=full_definition()).get_json()
    wid = doc["id"]

    opened = api.post(activity_url(wid, "constraints", "open"))
    assert opened.status_code == 200
    activity = opened.get_json()
    assert activity["key"] == "constraints" and activity["state"] == "open"
    for name in ("type", "title", "items", "x", "y"):
        assert activity[name] == doc["activities"][0][name]

    # Opening another activity does not close the first.
    assert api.post(activity_url(wid, "sectors", "open")).get_json()["state"] == "open"
    states = {a["key"]: a["state"] for a in api.get(f"{API}/workshops/{wid}").get_json()["activities"]}
    assert states == {"constraints": "open", "sectors": "open"}

    closed = api.post(activity_url(wid, "constraints", "close"))
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    states = {a["key"]: a["state"] for a in api.get(f"{API}/workshops/{wid}").get_json()["activities"]}
    assert states == {"constraints": "closed", "sectors": "open"}

    # Opening is idempotent; a closed activity can be reopened.
    assert api.post(activity_url(wid, "sectors", "open")).get_json()["state"] == "open"
    assert api.post(activity_url(wid, "constraints", "open")).get_json()["state"] == "open"


def test_open_closes_others_only_when_asked(api: Any) -> None:
    wid = api.post(f"{API}/workshops", json=full_definition()).get_json()["id"]
    api.post(activity_url(wid, "constraints", "open"))
    response = api.post(activity_url(wid, "sectors", "open"), json={"close_others": True})
    assert response.status_code == 200 and response.get_json()["state"] == "open"
    states = {a["key"]: a["state"] for a in api.get(f"{API}/workshops/{wid}").get_json()["activities"]}
    assert states == {"constraints": "closed", "sectors": "open"}


@pytest.mark.parametrize("action", ["open", "close"])
def test_open_close_errors(api: Any, other_api: Any, workshop: dict[str, Any], action: str) -> None:
    wid = workshop["id"]
    assert_problem(api.post(activity_url(wid, "nope", action)), 404)
    assert_problem(api.post(activity_url(wid + 1000, "constraints", action)), 404)
    assert_problem(other_api.post(activity_url(wid, "constraints", action)), 403)
    assert_problem(api.post(activity_url(wid, "constraints", action), token=""), 401)
    assert_problem(api.post(activity_url(wid, "constraints", action), token=workshop["screen_token"]), 401)
    # Order: 401 before 404, 404 before 403.
    assert_problem(api.post(activity_url(wid, "nope", action), token="bad"), 401)
    assert_problem(other_api.post(activity_url(wid, "nope", action)), 404)
    # None of these changed the state.
    assert api.get(f"{API}/workshops/{wid}").get_json()["activities"][0]["state"] == "pending"
