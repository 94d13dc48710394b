"""Contract, "Other activity types": definitions and responses of scale, points, ranking and criteria.

Every bad input of the issue ("points over budget or over the cap, repeated or unknown items in a ranking, a
criterion that does not exist...") must be a problem+json 422 that saves nothing; the saved values are read
back through the CSV export (one row per stored value), never through our own service code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import API, activity_url, assert_problem, count_rows, csv_rows
from tests.support.builders import NEW_TYPES_CONSTRAINTS as CONSTRAINTS
from tests.support.builders import new_types_definition
from tests.support.database import BACKENDS

pytestmark = BACKENDS

@pytest.fixture
def ws(api: Any) -> dict[str, Any]:
    response = api.post(f"{API}/workshops", json=new_types_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    for activity in doc["activities"]:
        assert api.post(activity_url(doc["id"], activity["key"], "open")).status_code == 200
    return api.get(f"{API}/workshops/{doc['id']}").get_json()


@pytest.fixture
def put(api: Any, ws: dict[str, Any]) -> Callable[..., Any]:
    def _put(token: str, key: str, body: Any) -> Any:
        return api.put(activity_url(ws["id"], key, "responses"), json=body, token=token)
    return _put


def stored(api: Any, workshop_id: int, activity: str | None = None) -> list[tuple[str, str, str, str]]:
    """(participant, item, axis, value) of every stored value, from the CSV export."""
    return sorted((r["participant"], r["item"], r["axis"], r["value"]) for r in csv_rows(api, workshop_id)
                  if activity is None or r["activity"] == activity)


# --- definitions ------------------------------------------------------------------------------------------

def test_definitions_of_every_type_in_the_workshop_document(api: Any, ws: dict[str, Any]) -> None:
    activities = {a["key"]: a for a in ws["activities"]}
    assert activities["severity"]["scale"] == {"label": "Severity", "min": 0, "max": 4}
    assert (activities["dots"]["budget"], activities["dots"]["max_per_item"]) == (4, 2)
    assert activities["order"]["top"] == 3
    mcda = activities["mcda"]
    assert [(c["key"], c["axis"], c["direction"], c["weight"]) for c in mcda["criteria"]] == [
        ("jobs", "y", 1, 2.0), ("demand", "y", 1, 1.0), ("skills", "x", 1, 1.0), ("risk", "x", -1, 0.5)]
    assert mcda["scale"]["min"] == 1 and mcda["scale"]["max"] == 5
    assert mcda["x"] == {"label": "Feasibility"} and mcda["y"] == {"label": "Attractiveness"}
    for activity in ws["activities"]:
        assert activity["round"] == 1 and activity["state"] == "open"
        assert set(activity) >= {"key", "type", "title", "items", "state"}
    assert [g["observer"] for g in ws["groups"]] == [False, False, False, True]
    again = api.get(f"{API}/workshops/{ws['id']}").get_json()
    assert again["activities"] == ws["activities"]


def test_points_default_budget_and_cap(api: Any) -> None:
    body = new_types_definition()
    seven = [*CONSTRAINTS, "agro", "tourism"]
    body["activities"] = [{"key": "dots", "type": "points", "title": "Dots", "items": seven},
                          {"key": "two", "type": "points", "title": "Two", "items": ["agro", "tourism"]}]
    doc = api.post(f"{API}/workshops", json=body).get_json()
    assert (doc["activities"][0]["budget"], doc["activities"][0]["max_per_item"]) == (round(7 / 3), 3)
    assert doc["activities"][1]["budget"] == 1  # round(2 / 3) = 1, and never below 1


@pytest.mark.parametrize("activity,fields", [
    ({"type": "scale", "scale": {"label": "S", "min": 3, "max": 3}}, ["activities[0].scale.max"]),
    ({"type": "scale", "scale": {"label": "S", "min": 0, "max": 11}}, ["activities[0].scale.max"]),
    ({"type": "scale", "scale": {"label": "S", "min": 1.0, "max": 5}}, ["activities[0].scale.min"]),
    ({"type": "scale"}, ["activities[0].scale"]),
    ({"type": "points", "budget": 0}, ["activities[0].budget"]),
    ({"type": "points", "budget": 2, "max_per_item": "3"}, ["activities[0].max_per_item"]),
    ({"type": "points", "budget": 2, "max_per_item": 5}, ["activities[0].max_per_item"]),
    ({"type": "ranking", "top": 6}, ["activities[0].top"]),
    ({"type": "ranking", "top": 0}, ["activities[0].top"]),
    ({"type": "criteria", "scale": {"min": 1, "max": 5}}, ["activities[0].criteria"]),
    ({"type": "criteria", "scale": {"min": 1, "max": 5},
      "criteria": [{"key": "a", "label": "A", "axis": "z"}]}, ["activities[0].criteria[0].axis"]),
    ({"type": "criteria", "scale": {"min": 1, "max": 5},
      "criteria": [{"key": "a", "label": "A", "axis": "x"}, {"key": "a", "label": "B", "axis": "y"}]},
     ["activities[0].criteria[1].key"]),
    ({"type": "criteria", "scale": {"min": 1, "max": 5},
      "criteria": [{"key": "a", "label": "A", "axis": "x", "direction": 2}]},
     ["activities[0].criteria[0].direction"]),
    ({"type": "criteria", "scale": {"min": 1, "max": 5},
      "criteria": [{"key": "a", "label": "A", "axis": "x", "weight": -1}]}, ["activities[0].criteria[0].weight"]),
    ({"type": "criteria", "scale": {"min": 1, "max": 5},
      "criteria": [{"key": "a", "label": "A", "axis": "x", "weight": 0}, {"key": "b", "label": "B", "axis": "y"}]},
     ["activities[0].criteria"]),
    ({"type": "criteria", "criteria": [{"key": "a", "label": "A", "axis": "x"}]}, ["activities[0].scale"]),
    ({"type": "vote"}, ["activities[0].type"]),
])
def test_invalid_activity_definitions_422_create_nothing(app: Any, api: Any, activity: dict[str, Any],
                                                         fields: list[str]) -> None:
    body = new_types_definition()
    body["activities"] = [{"key": "a", "title": "A", "items": CONSTRAINTS, **activity}]
    before = count_rows(app, "Workshop")
    assert_problem(api.post(f"{API}/workshops", json=body), 422, *fields)
    assert count_rows(app, "Workshop") == before


def test_observer_must_be_a_boolean(app: Any, api: Any) -> None:
    body = new_types_definition()
    body["groups"][3]["observer"] = "yes"
    assert_problem(api.post(f"{API}/workshops", json=body), 422, "groups[3].observer")
    assert count_rows(app, "Workshop") == 0


# --- responses: scale ---------------------------------------------------------------------------------------

def test_scale_ratings(api: Any, ws: dict[str, Any], join: Callable[..., str], put: Callable[..., Any]) -> None:
    token = join(ws["join_code"], "gov")
    response = put(token, "severity", {"ratings": [{"item": "finance", "value": 4}, {"item": "skills", "value": 0},
                                                   {"item": "power", "value": None}]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"saved": 3}
    # A later request replaces only the values it sends.
    assert put(token, "severity", {"ratings": [{"item": "finance", "value": 2}]}).get_json() == {"saved": 1}
    assert stored(api, ws["id"]) == [("P001", "finance", "value", "2"), ("P001", "power", "value", ""),
                                     ("P001", "skills", "value", "0")]


@pytest.mark.parametrize("body,fields", [
    ({"ratings": []}, ["ratings"]),
    ({"ratings": "finance"}, ["ratings"]),
    ({"scores": [{"item": "finance", "value": 1}]}, ["ratings"]),
    ({"ratings": [{"item": "finance", "value": 5}]}, ["ratings[0].value"]),
    ({"ratings": [{"item": "finance", "value": -1}]}, ["ratings[0].value"]),
    ({"ratings": [{"item": "finance", "value": 3.0}]}, ["ratings[0].value"]),
    ({"ratings": [{"item": "finance", "value": "3"}]}, ["ratings[0].value"]),
    ({"ratings": [{"item": "finance", "value": True}]}, ["ratings[0].value"]),
    ({"ratings": [{"item": "finance"}]}, ["ratings[0].value"]),
    ({"ratings": [{"item": "agro", "value": 1}]}, ["ratings[0].item"]),
    ({"ratings": [{"item": "finance", "value": 1}, {"item": "finance", "value": 2}]}, ["ratings[1].item"]),
    ({"ratings": [{"item": "finance", "value": 1}, {"item": "skills", "value": 9}]}, ["ratings[1].value"]),
    ([1, 2], ["ratings"]),
])
def test_bad_scale_ratings_422_nothing_saved(api: Any, ws: dict[str, Any], join: Callable[..., str],
                                             put: Callable[..., Any], body: Any, fields: list[str]) -> None:
    token = join(ws["join_code"], "gov")
    assert_problem(put(token, "severity", body), 422, *fields)
    assert stored(api, ws["id"]) == []


# --- responses: criteria ------------------------------------------------------------------------------------

def test_criteria_scores(api: Any, ws: dict[str, Any], join: Callable[..., str], put: Callable[..., Any]) -> None:
    token = join(ws["join_code"], "workers")
    scores = [{"item": "agro", "criterion": "jobs", "value": 5}, {"item": "agro", "criterion": "risk", "value": 1},
              {"item": "tourism", "criterion": "jobs", "value": None}]
    response = put(token, "mcda", {"scores": scores})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"saved": 3}
    assert put(token, "mcda", {"scores": [{"item": "agro", "criterion": "jobs", "value": 3}]}).status_code == 200
    assert stored(api, ws["id"]) == [("P001", "agro", "jobs", "3"), ("P001", "agro", "risk", "1"),
                                     ("P001", "tourism", "jobs", "")]


@pytest.mark.parametrize("scores,fields", [
    ([], ["scores"]),
    ([{"item": "agro", "criterion": "beauty", "value": 3}], ["scores[0].criterion"]),
    ([{"item": "finance", "criterion": "jobs", "value": 3}], ["scores[0].item"]),
    ([{"item": "agro", "criterion": "jobs", "value": 6}], ["scores[0].value"]),
    ([{"item": "agro", "criterion": "jobs", "value": 0}], ["scores[0].value"]),
    ([{"item": "agro", "criterion": "jobs", "value": 2.5}], ["scores[0].value"]),
    ([{"item": "agro", "criterion": "jobs"}], ["scores[0].value"]),
    ([{"item": "agro", "criterion": "jobs", "value": 3}, {"item": "agro", "criterion": "jobs", "value": 4}],
     ["scores[1].criterion"]),
    ([{"item": "agro", "criterion": "jobs", "value": 3}, {"item": "tourism", "criterion": "x", "value": 4}],
     ["scores[1].criterion"]),
])
def test_bad_criteria_scores_422_nothing_saved(api: Any, ws: dict[str, Any], join: Callable[..., str],
                                               put: Callable[..., Any], scores: Any, fields: list[str]) -> None:
    token = join(ws["join_code"], "workers")
    assert_problem(put(token, "mcda", {"scores": scores}), 422, *fields)
    assert stored(api, ws["id"]) == []


# --- responses: points --------------------------------------------------------------------------------------

def test_points_ballot_replaces_the_whole_ballot(api: Any, ws: dict[str, Any], join: Callable[..., str],
                                                 put: Callable[..., Any]) -> None:
    token = join(ws["join_code"], "employers")
    response = put(token, "dots", {"points": {"finance": 2, "skills": 2}})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"saved": 1}
    expected = {"finance": "2", "skills": "2", "power": "0", "roads": "0", "land": "0"}
    assert stored(api, ws["id"]) == sorted(("P001", k, "points", v) for k, v in expected.items())
    # The second ballot replaces the first one entirely: finance and skills go back to 0.
    assert put(token, "dots", {"points": {"land": 1}}).get_json() == {"saved": 1}
    expected = {"finance": "0", "skills": "0", "power": "0", "roads": "0", "land": "1"}
    assert stored(api, ws["id"]) == sorted(("P001", k, "points", v) for k, v in expected.items())
    # {} is a valid ballot that gives no points: every item stored with 0.
    assert put(token, "dots", {"points": {}}).get_json() == {"saved": 1}
    assert stored(api, ws["id"]) == sorted(("P001", k, "points", "0") for k in CONSTRAINTS)


@pytest.mark.parametrize("points,fields", [
    ({"finance": 2, "skills": 2, "power": 1}, ["points"]),       # over the budget of 4
    ({"finance": 3}, ["points.finance"]),                        # over the cap of 2
    ({"finance": -1}, ["points.finance"]),
    ({"finance": 1.0}, ["points.finance"]),
    ({"finance": "1"}, ["points.finance"]),
    ({"finance": None}, ["points.finance"]),
    ({"finance": True}, ["points.finance"]),
    ({"agro": 1}, ["points.agro"]),                              # not an item of this activity
    ({"nonsense": 1, "finance": 1}, ["points.nonsense"]),
    ([["finance", 1]], ["points"]),
    (None, ["points"]),
])
def test_bad_points_422_nothing_saved(api: Any, ws: dict[str, Any], join: Callable[..., str],
                                      put: Callable[..., Any], points: Any, fields: list[str]) -> None:
    token = join(ws["join_code"], "employers")
    assert put(token, "dots", {"points": {"roads": 1}}).status_code == 200
    before = stored(api, ws["id"])
    assert_problem(put(token, "dots", {"points": points}), 422, *fields)
    assert stored(api, ws["id"]) == before  # the earlier ballot stands, untouched


# --- responses: ranking -------------------------------------------------------------------------------------

def test_ranking_ballot(api: Any, ws: dict[str, Any], join: Callable[..., str], put: Callable[..., Any]) -> None:
    token = join(ws["join_code"], "gov")
    response = put(token, "order", {"ranking": ["power", "finance", "roads"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"saved": 1}
    assert stored(api, ws["id"]) == [("P001", "finance", "rank", "2"), ("P001", "power", "rank", "1"),
                                     ("P001", "roads", "rank", "3")]
    # A shorter ballot replaces the whole earlier one: roads is no longer ranked.
    assert put(token, "order", {"ranking": ["skills"]}).status_code == 200
    assert stored(api, ws["id"]) == [("P001", "skills", "rank", "1")]


@pytest.mark.parametrize("ranking,fields", [
    ([], ["ranking"]),
    (["power", "power"], ["ranking[1]"]),
    (["power", "agro"], ["ranking[1]"]),
    (["power", "unknown"], ["ranking[1]"]),
    (["power", 3], ["ranking[1]"]),
    (["power", "finance", "roads", "land"], ["ranking"]),        # more than top = 3
    ("power", ["ranking"]),
])
def test_bad_rankings_422_nothing_saved(api: Any, ws: dict[str, Any], join: Callable[..., str],
                                        put: Callable[..., Any], ranking: Any, fields: list[str]) -> None:
    token = join(ws["join_code"], "gov")
    assert_problem(put(token, "order", {"ranking": ranking}), 422, *fields)
    assert stored(api, ws["id"]) == []


# --- responses: state and ownership ---------------------------------------------------------------------------

@pytest.mark.parametrize("key,body", [
    ("severity", {"ratings": [{"item": "finance", "value": 1}]}),
    ("dots", {"points": {"finance": 1}}),
    ("order", {"ranking": ["finance"]}),
    ("mcda", {"scores": [{"item": "agro", "criterion": "jobs", "value": 1}]}),
])
def test_closed_activity_409_and_other_workshop_403(api: Any, ws: dict[str, Any], join: Callable[..., str],
                                                    put: Callable[..., Any], key: str, body: Any) -> None:
    token = join(ws["join_code"], "gov")
    other = api.post(f"{API}/workshops", json=new_types_definition()).get_json()
    stranger = join(other["join_code"], "gov")
    assert_problem(put(stranger, key, body), 403)
    assert api.post(activity_url(ws["id"], key, "close")).status_code == 200
    assert_problem(put(token, key, body), 409)
    assert_problem(put(token, key, {"nonsense": True}), 409)  # the state is checked before the body
    assert stored(api, ws["id"]) == []


# --- PATCH criterion weights ------------------------------------------------------------------------------

def _weights(api: Any, workshop_id: int) -> dict[str, float]:
    doc = api.get(f"{API}/workshops/{workshop_id}").get_json()
    mcda = next(a for a in doc["activities"] if a["key"] == "mcda")
    return {c["key"]: c["weight"] for c in mcda["criteria"]}


def test_patch_criterion_weights(api: Any, ws: dict[str, Any], live_pushes: list[tuple[str, int]]) -> None:
    url = f"{API}/workshops/{ws['id']}/activities/mcda"
    live_pushes.clear()
    response = api.call("PATCH", url, json={"criteria": [{"key": "risk", "weight": 0},
                                                         {"key": "demand", "weight": 3.5}]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["key"] == "mcda"
    assert {c["key"]: c["weight"] for c in response.get_json()["criteria"]} == {
        "jobs": 2.0, "demand": 3.5, "skills": 1.0, "risk": 0.0}
    assert _weights(api, ws["id"]) == {"jobs": 2.0, "demand": 3.5, "skills": 1.0, "risk": 0.0}
    assert [kind for kind, _ in live_pushes] == ["results"]  # screens get the new results at once
    # Any state: also once closed.
    assert api.post(activity_url(ws["id"], "mcda", "close")).status_code == 200
    assert api.call("PATCH", url, json={"criteria": [{"key": "risk", "weight": 1}]}).status_code == 200
    assert _weights(api, ws["id"])["risk"] == 1.0


@pytest.mark.parametrize("body,fields", [
    ({"criteria": []}, ["criteria"]),
    ({"criteria": [{"key": "beauty", "weight": 1}]}, ["criteria[0].key"]),
    ({"criteria": [{"key": "jobs", "weight": 1}, {"key": "jobs", "weight": 2}]}, ["criteria[1].key"]),
    ({"criteria": [{"key": "jobs", "weight": -0.5}]}, ["criteria[0].weight"]),
    ({"criteria": [{"key": "jobs", "weight": "2"}]}, ["criteria[0].weight"]),
    ({"criteria": [{"key": "jobs", "weight": True}]}, ["criteria[0].weight"]),
    ({"criteria": [{"key": "jobs"}]}, ["criteria[0].weight"]),
    ({"criteria": [{"key": "skills", "weight": 0}, {"key": "risk", "weight": 0}]}, ["criteria"]),
    ({"criteria": [{"key": "jobs", "weight": 5}, {"key": "skills", "weight": 0}, {"key": "risk", "weight": 0}]},
     ["criteria"]),
    ({"weights": {"jobs": 1}}, ["weights"]),  # a field PATCH does not read is named, not ignored
    ([], ["criteria"]),
])
def test_patch_bad_weights_422_change_nothing(api: Any, ws: dict[str, Any], body: Any, fields: list[str]) -> None:
    before = _weights(api, ws["id"])
    response = api.call("PATCH", f"{API}/workshops/{ws['id']}/activities/mcda", json=body)
    assert_problem(response, 422, *fields)
    assert _weights(api, ws["id"]) == before


def test_patch_checks_credentials_existence_and_type(api: Any, other_api: Any, ws: dict[str, Any],
                                                     join: Callable[..., str]) -> None:
    url = f"{API}/workshops/{ws['id']}/activities/mcda"
    body = {"criteria": [{"key": "jobs", "weight": 9}]}
    assert_problem(api.call("PATCH", url, json=body, token=""), 401)
    assert_problem(api.call("PATCH", url, json=body, token=join(ws["join_code"], "gov")), 401)
    assert_problem(api.call("PATCH", f"{API}/workshops/{ws['id']}/activities/nope", json=body), 404)
    assert_problem(api.call("PATCH", f"{API}/workshops/{ws['id'] + 99}/activities/mcda", json=body), 404)
    assert_problem(other_api.call("PATCH", url, json=body), 403)
    assert_problem(api.call("PATCH", f"{API}/workshops/{ws['id']}/activities/severity", json=body), 422, "criteria")
    assert_problem(api.call("PATCH", url, data="jobs=9", content_type="text/plain"), 422)
    assert _weights(api, ws["id"])["jobs"] == 2.0
