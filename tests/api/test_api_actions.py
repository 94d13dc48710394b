"""Actions through the API: create, list with the item's current quadrant, edit, delete; every bad input is a
problem+json that changes nothing; the contract's 401/404/403/422 order."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, rating
from tests.support.builders import small_definition
from tests.support.database import BACKENDS

pytestmark = BACKENDS


def _definition() -> dict[str, Any]:
    definition = small_definition()
    definition["activities"][0]["quadrants"] = {"top_right": "Act now", "top_left": "Advocate",
                                                "bottom_right": "If cheap", "bottom_left": "Park"}
    definition["activities"].append(builders.scale("imp", ["finance"], "Importance"))
    return definition


@pytest.fixture
def voted(api: Any, join: Any) -> dict[str, Any]:
    """finance high on both axes (top right), power low on both (bottom left), skills unrated."""
    doc = api.post(f"{API}/workshops", json=_definition()).get_json()
    wid = doc["id"]
    assert api.post(activity_url(wid, "constraints", "open")).status_code == 200
    for group in ("gov", "firms", "workers"):
        for n in range(3):
            token = join(doc["join_code"], group)
            body = {"ratings": [rating("finance", 4 + n % 2, 5), rating("power", 1, 2 - n % 2)]}
            assert api.put(activity_url(wid, "constraints", "responses"), token=token, json=body).status_code == 200
    return doc


def _count(api: Any, wid: int) -> int:
    response = api.get(f"{API}/workshops/{wid}/actions")
    assert response.status_code == 200
    return len(response.get_json())


def test_create_list_edit_delete(api: Any, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    url = activity_url(wid, "constraints", "actions")
    created = api.post(url, json={"item": "finance", "owner": "Provincial treasury", "due_date": "2027-03-31",
                                  "note": "Map the credit guarantee schemes."})
    assert created.status_code == 201, created.get_data(as_text=True)
    action = created.get_json()
    assert action["item"] == "finance" and action["activity"] == "constraints"
    assert action["quadrant"] == "top_right" and action["quadrant_name"] == "Act now"
    assert action["due_date"] == "2027-03-31"
    second = api.post(url, json={"item": "finance", "owner": "Chamber"}).get_json()
    assert second["due_date"] is None and second["note"] == ""
    low = api.post(url, json={"item": "power", "owner": "Utility"}).get_json()
    assert low["quadrant"] == "bottom_left" and low["quadrant_name"] == "Park"
    listed = api.get(f"{API}/workshops/{wid}/actions").get_json()
    assert [a["id"] for a in listed] == [action["id"], second["id"], low["id"]]
    changed = api.call("PATCH", f"{API}/workshops/{wid}/actions/{second['id']}",
                       json={"owner": " Chamber of commerce ", "due_date": None, "note": "Call members."})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["owner"] == "Chamber of commerce" and changed.get_json()["note"] == "Call members."
    assert api.call("DELETE", f"{API}/workshops/{wid}/actions/{low['id']}").status_code == 204
    assert _count(api, wid) == 2
    assert_problem(api.call("DELETE", f"{API}/workshops/{wid}/actions/{low['id']}"), 404)


@pytest.mark.parametrize(("body", "fields"), [
    ({"item": "finance"}, ["owner"]),
    ({"item": "finance", "owner": "   "}, ["owner"]),
    ({"item": "finance", "owner": "x" * 121}, ["owner"]),
    ({"item": "finance", "owner": "A", "note": "n" * 2001}, ["note"]),
    ({"item": "finance", "owner": "A", "due_date": "31/12/2026"}, ["due_date"]),
    ({"item": "finance", "owner": "A", "due_date": "2026-02-30"}, ["due_date"]),
    ({"item": "finance", "owner": 7}, ["owner"]),
    ({"item": "nope", "owner": "A"}, ["item"]),
    ({"owner": "A"}, ["item"]),
    ({"item": "finance", "owner": "A", "colour": "red"}, ["colour"]),
    (["finance"], []),
])
def test_invalid_create_writes_nothing(api: Any, voted: dict[str, Any], body: Any, fields: list[str]) -> None:
    wid = voted["id"]
    assert_problem(api.post(activity_url(wid, "constraints", "actions"), json=body), 422, *fields)
    assert _count(api, wid) == 0


def test_invalid_patch_changes_nothing(api: Any, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    action = api.post(activity_url(wid, "constraints", "actions"), json={"item": "finance", "owner": "A",
                                                                         "note": "keep"}).get_json()
    url = f"{API}/workshops/{wid}/actions/{action['id']}"
    assert_problem(api.call("PATCH", url, json={"owner": "B", "due_date": "soon"}), 422, "due_date")
    assert_problem(api.call("PATCH", url, json={"item": "skillz"}), 422, "item")
    assert_problem(api.call("PATCH", url, data="not json", content_type="application/json"), 422)
    again = api.get(f"{API}/workshops/{wid}/actions").get_json()[0]
    assert (again["owner"], again["due_date"], again["note"], again["item"]) == ("A", None, "keep", "finance")


def test_not_from_a_scale_activity(api: Any, voted: dict[str, Any]) -> None:
    assert_problem(api.post(activity_url(voted["id"], "imp", "actions"), json={"item": "finance", "owner": "A"}),
                   422, "activity")


def test_order_of_checks(api: Any, voted: dict[str, Any], client: Any, app: Any) -> None:
    from tests.support.api import create_facilitator

    wid = voted["id"]
    action = api.post(activity_url(wid, "constraints", "actions"), json={"item": "finance", "owner": "A"}).get_json()
    create_facilitator(app, "other@example.org", "another password", "Another facilitator")
    token = api.post(f"{API}/auth/token", json={"email": "other@example.org", "password": "another password"},
                     token="").get_json()["token"]
    assert_problem(api.get(f"{API}/workshops/{wid}/actions", token="bad"), 401)
    assert_problem(api.get(f"{API}/workshops/99999/actions"), 404)
    assert_problem(api.get(f"{API}/workshops/{wid}/actions", token=token), 403)
    assert_problem(api.post(activity_url(wid, "nope", "actions"), json={}, token=token), 404)
    assert_problem(api.post(activity_url(wid, "constraints", "actions"), json={}, token=token), 403)
    assert_problem(api.call("PATCH", f"{API}/workshops/{wid}/actions/99999", json={}, token=token), 404)
    assert_problem(api.call("PATCH", f"{API}/workshops/{wid}/actions/{action['id']}", json={"owner": "X"},
                            token=token), 403)
    assert_problem(api.call("DELETE", f"{API}/workshops/{wid}/actions/{action['id']}", token=token), 403)
    assert api.get(f"{API}/workshops/{wid}/actions").get_json()[0]["owner"] == "A"


def test_openapi_describes_actions_and_comparisons(api: Any) -> None:
    paths = api.get(f"{API}/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/workshops/{id}/actions"])
    assert {"post"} <= set(paths["/workshops/{id}/activities/{key}/actions"])
    assert {"patch", "delete"} <= set(paths["/workshops/{id}/actions/{action_id}"])
    assert "get" in paths["/comparisons"]
