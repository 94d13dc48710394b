"""Delphi rounds (`POST .../rounds`, `?round=N`), weighting presets (`POST .../weights`) and the CSV/JSON round trip
of every activity type and every round."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import API, activity_url, assert_problem, count_rows, counts, csv_rows, results
from tests.support.builders import new_types_definition
from tests.support.database import BACKENDS

pytestmark = BACKENDS


@pytest.fixture
def ws(api: Any) -> dict[str, Any]:
    response = api.post(f"{API}/workshops", json=new_types_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _put(api: Any, wid: int, key: str, token: str, body: Any) -> None:
    response = api.put(activity_url(wid, key, "responses"), json=body, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)


# --- Delphi rounds ------------------------------------------------------------------------------------------

def test_rounds_keep_earlier_responses(api: Any, ws: dict[str, Any], join: Callable[..., str],
                                       live_pushes: list[tuple[str, int]]) -> None:
    wid = ws["id"]
    assert_problem(api.post(activity_url(wid, "severity", "rounds")), 409)  # pending: no round to close yet
    assert api.post(activity_url(wid, "severity", "open")).status_code == 200
    tokens = [join(ws["join_code"], group) for group in ("gov",) * 3 + ("employers",) * 3]
    first = [4, 4, 3, 0, 1, 0]
    for token, value in zip(tokens, first, strict=True):
        _put(api, wid, "severity", token, {"ratings": [{"item": "finance", "value": value}]})

    live_pushes.clear()
    response = api.post(activity_url(wid, "severity", "rounds"))
    assert response.status_code == 200, response.get_data(as_text=True)
    activity = response.get_json()
    assert (activity["key"], activity["round"], activity["state"]) == ("severity", 2, "open")
    assert any(kind == "results" for kind, _ in live_pushes)  # screens hear of the new round

    second = [3, 3, 3, 2, 2, 1]
    for token, value in zip(tokens[:5], second, strict=False):  # one participant does not re-rate
        _put(api, wid, "severity", token, {"ratings": [{"item": "finance", "value": value}]})

    # Both rounds are stored; the CSV has one row per saved value of every round.
    values = sorted(int(r["value"]) for r in csv_rows(api, wid) if r["activity"] == "severity")
    assert values == sorted(first + second[:5])

    def finance(doc: dict[str, Any]) -> dict[str, Any]:
        return next(i for i in doc["items"] if i["item"] == "finance")

    current = results(api, wid, "severity", "per_head")
    assert current["respondents"] == 5
    assert finance(current)["value"]["mean"] == pytest.approx(sum(second[:5]) / 5)
    assert current["round"] == 2 and current["previous"]["round"] == 1
    earlier = api.get(activity_url(wid, "severity", "results") + "?weighting=per_head&round=1").get_json()
    assert earlier["respondents"] == 6
    assert finance(earlier)["value"]["mean"] == pytest.approx(sum(first) / 6)
    explicit = api.get(activity_url(wid, "severity", "results") + "?weighting=per_head&round=2").get_json()
    assert explicit == current

    assert_problem(api.get(activity_url(wid, "severity", "results") + "?round=3"), 404)
    for bad in ("0", "-1", "two", "1.5", "²"):
        assert_problem(api.get(activity_url(wid, "severity", "results") + f"?round={bad}"), 422, "round")

    # A third round may follow a closed second one; the activity opens again.
    assert api.post(activity_url(wid, "severity", "close")).status_code == 200
    third = api.post(activity_url(wid, "severity", "rounds")).get_json()
    assert (third["round"], third["state"]) == (3, "open")


def test_rounds_need_the_owner(api: Any, other_api: Any, ws: dict[str, Any], join: Callable[..., str]) -> None:
    wid = ws["id"]
    assert api.post(activity_url(wid, "order", "open")).status_code == 200
    assert_problem(api.post(activity_url(wid, "order", "rounds"), token=""), 401)
    assert_problem(api.post(activity_url(wid, "order", "rounds"), token=join(ws["join_code"], "gov")), 401)
    assert_problem(api.post(activity_url(wid, "nope", "rounds")), 404)
    assert_problem(other_api.post(activity_url(wid, "order", "rounds")), 403)
    doc = api.get(f"{API}/workshops/{wid}").get_json()
    assert next(a for a in doc["activities"] if a["key"] == "order")["round"] == 1


# --- weighting presets ----------------------------------------------------------------------------------------

def _group_weights(api: Any, wid: int) -> dict[str, float]:
    return {g["key"]: g["weight"] for g in api.get(f"{API}/workshops/{wid}").get_json()["groups"]}


def test_weight_presets(api: Any, ws: dict[str, Any], live_pushes: list[tuple[str, int]]) -> None:
    url = f"{API}/workshops/{ws['id']}/weights"
    live_pushes.clear()
    response = api.post(url, json={"preset": "ilo"})
    assert response.status_code == 200, response.get_data(as_text=True)
    expected = {"gov": 2.0, "employers": 1.0, "workers": 1.0, "academia": 0.0}
    assert {g["key"]: g["weight"] for g in response.get_json()["groups"]} == expected
    assert _group_weights(api, ws["id"]) == expected
    # Every activity's screens get results under the new weights.
    assert len({i for kind, i in live_pushes if kind == "results"}) == len(ws["activities"])

    assert api.post(url, json={"preset": "equal"}).status_code == 200
    assert _group_weights(api, ws["id"]) == {"gov": 1.0, "employers": 1.0, "workers": 1.0, "academia": 0.0}

    assert api.post(url, json={"preset": "custom", "weights": {"academia": 0.5, "gov": 3}}).status_code == 200
    assert _group_weights(api, ws["id"]) == {"gov": 3.0, "employers": 1.0, "workers": 1.0, "academia": 0.5}


def test_equal_preset_knows_observers_by_key(api: Any) -> None:
    body = new_types_definition()
    body["groups"] = [{"key": "government", "name": "G", "weight": 0.2}, {"key": "firms", "name": "F"},
                      {"key": "wrk", "name": "W"}, {"key": "other", "name": "O"}, {"key": "observers", "name": "B"},
                      {"key": "youth", "name": "Y", "weight": 0}]
    wid = api.post(f"{API}/workshops", json=body).get_json()["id"]
    assert api.post(f"{API}/workshops/{wid}/weights", json={"preset": "equal"}).status_code == 200
    assert _group_weights(api, wid) == {"government": 1.0, "firms": 1.0, "wrk": 1.0, "other": 0.0,
                                        "observers": 0.0, "youth": 1.0}
    assert api.post(f"{API}/workshops/{wid}/weights", json={"preset": "ilo"}).status_code == 200
    assert _group_weights(api, wid) == {"government": 2.0, "firms": 1.0, "wrk": 1.0, "other": 0.0,
                                        "observers": 0.0, "youth": 0.0}


@pytest.mark.parametrize("body,fields", [
    ({"preset": "custom", "weights": {"gov": -1}}, ["weights.gov"]),
    ({"preset": "custom", "weights": {"gov": 0, "employers": 0, "workers": 0, "academia": 0}}, ["weights"]),
    ({"preset": "custom", "weights": {"gov": "2"}}, ["weights.gov"]),
    ({"preset": "custom", "weights": {"gov": True}}, ["weights.gov"]),
    ({"preset": "custom", "weights": {"nobody": 1}}, ["weights.nobody"]),
    ({"preset": "custom", "weights": {"gov": 2, "workers": -0.1}}, ["weights.workers"]),
    ({"preset": "custom"}, ["weights"]),
    ({"preset": "custom", "weights": {}}, ["weights"]),
    ({"preset": "equal", "weights": {"gov": 2}}, ["weights"]),
    ({"preset": "parity"}, ["preset"]),
    ({}, ["preset"]),
    ([], ["preset"]),
])
def test_bad_weights_422_change_nothing(api: Any, ws: dict[str, Any], body: Any, fields: list[str]) -> None:
    before = _group_weights(api, ws["id"])
    assert_problem(api.post(f"{API}/workshops/{ws['id']}/weights", json=body), 422, *fields)
    assert _group_weights(api, ws["id"]) == before


def test_ilo_preset_without_tripartite_groups_is_422(api: Any) -> None:
    body = new_types_definition()
    body["groups"] = [{"key": "north", "name": "N"}, {"key": "south", "name": "S"}, {"key": "east", "name": "E"}]
    wid = api.post(f"{API}/workshops", json=body).get_json()["id"]
    assert_problem(api.post(f"{API}/workshops/{wid}/weights", json={"preset": "ilo"}), 422, "preset")
    assert _group_weights(api, wid) == {"north": 1.0, "south": 1.0, "east": 1.0}


def test_weights_need_the_owner(api: Any, other_api: Any, ws: dict[str, Any]) -> None:
    url = f"{API}/workshops/{ws['id']}/weights"
    assert_problem(api.post(url, json={"preset": "ilo"}, token=""), 401)
    assert_problem(api.post(f"{API}/workshops/{ws['id'] + 99}/weights", json={"preset": "ilo"}), 404)
    assert_problem(other_api.post(url, json={"preset": "ilo"}), 403)
    assert_problem(api.post(url, data="preset=ilo", content_type="text/plain"), 422)
    assert _group_weights(api, ws["id"]) == {"gov": 1.0, "employers": 1.0, "workers": 1.0, "academia": 1.0}


def test_equal_groups_results_use_the_weights_in_force(api: Any, ws: dict[str, Any],
                                                       join: Callable[..., str]) -> None:
    """Independent check: with k = 3, the equal_groups mean is sum(W_g * mean_g) / sum(W_g)."""
    wid = ws["id"]
    assert api.post(activity_url(wid, "severity", "open")).status_code == 200
    votes = {"gov": [4, 4, 4], "employers": [0, 1, 2], "workers": [3, 3, 2], "academia": [0, 0, 0]}
    for group, values in votes.items():
        for value in values:
            _put(api, wid, "severity", join(ws["join_code"], group),
                 {"ratings": [{"item": "finance", "value": value}]})

    def mean_under(preset: dict[str, Any]) -> float:
        assert api.post(f"{API}/workshops/{wid}/weights", json=preset).status_code == 200
        doc = results(api, wid, "severity", "equal_groups")
        return next(i for i in doc["items"] if i["item"] == "finance")["value"]["mean"]

    means = {g: sum(v) / len(v) for g, v in votes.items()}
    ilo = (2 * means["gov"] + means["employers"] + means["workers"]) / 4
    equal = (means["gov"] + means["employers"] + means["workers"]) / 3
    custom = (1 * means["gov"] + 1 * means["employers"] + 1 * means["workers"] + 3 * means["academia"]) / 6
    assert mean_under({"preset": "ilo"}) == pytest.approx(ilo, abs=0.005)
    assert mean_under({"preset": "equal"}) == pytest.approx(equal, abs=0.005)
    assert mean_under({"preset": "custom", "weights": {"academia": 3}}) == pytest.approx(custom, abs=0.005)


# --- exports and the archive round trip -------------------------------------------------------------------

def _vote_everything(api: Any, ws: dict[str, Any], join: Callable[..., str]) -> None:
    """Two rounds of scale votes; points, ranking and criteria ballots; a closed activity."""
    wid = ws["id"]
    for activity in ws["activities"]:
        assert api.post(activity_url(wid, activity["key"], "open")).status_code == 200
    tokens = [join(ws["join_code"], g) for g in ("gov", "gov", "employers", "workers", "academia")]
    for n, token in enumerate(tokens):
        _put(api, wid, "severity", token, {"ratings": [{"item": "finance", "value": n % 5},
                                                       {"item": "skills", "value": None}]})
        _put(api, wid, "dots", token, {"points": {"finance": 2, "land": 2} if n % 2 else {"power": 1}})
        _put(api, wid, "order", token, {"ranking": ["power", "land", "finance"][: 1 + n % 3]})
        _put(api, wid, "mcda", token, {"scores": [{"item": "agro", "criterion": "jobs", "value": 1 + n},
                                                  {"item": "tourism", "criterion": "risk", "value": None}]})
    assert api.post(activity_url(wid, "severity", "rounds")).status_code == 200
    for n, token in enumerate(tokens[:3]):
        _put(api, wid, "severity", token, {"ratings": [{"item": "finance", "value": 4 - n}]})
    assert api.post(activity_url(wid, "order", "close")).status_code == 200


def test_csv_axis_column_names_each_type_s_dimension(api: Any, ws: dict[str, Any], join: Callable[..., str]) -> None:
    _vote_everything(api, ws, join)
    rows = csv_rows(api, ws["id"])
    axes = {(r["activity"], r["axis"]) for r in rows}
    assert axes == {("severity", "value"), ("dots", "points"), ("order", "rank"), ("mcda", "jobs"),
                    ("mcda", "risk")}
    # One row per saved value: scale 5*2 + 3 (round 2); points 5*5; ranking 1+2+3+1+2; criteria 5*2.
    per_activity = {key: sum(1 for r in rows if r["activity"] == key) for key in ("severity", "dots", "order", "mcda")}
    assert per_activity == {"severity": 13, "dots": 25, "order": 9, "mcda": 10}
    dots = [r for r in rows if r["activity"] == "dots" and r["participant"] == "P002"]
    assert {r["item"]: r["value"] for r in dots} == {"finance": "2", "skills": "0", "power": "0", "roads": "0",
                                                     "land": "2"}


def _comparable(archive: dict[str, Any]) -> tuple[Any, ...]:
    workshop = {k: v for k, v in archive["workshop"].items() if k != "id"}
    responses = sorted((r["activity"], r["round"], r["participant"], r["item"], r["dimension"],
                        r["value"] is None, r["value"] or 0, r["submitted_at"]) for r in archive["responses"])
    participants = sorted((p["pseudonym"], p["group"], p["channel"]) for p in archive["participants"])
    return workshop, responses, participants


def test_archive_round_trip_of_every_type_and_round(app: Any, api: Any, other_api: Any, ws: dict[str, Any],
                                                    join: Callable[..., str]) -> None:
    _vote_everything(api, ws, join)
    assert api.post(f"{API}/workshops/{ws['id']}/weights", json={"preset": "ilo"}).status_code == 200
    archive = api.get(f"{API}/workshops/{ws['id']}/export?format=json").get_json()
    assert {(r["activity"], r["round"]) for r in archive["responses"]} >= {("severity", 1), ("severity", 2)}

    imported = other_api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    copy = imported.get_json()
    assert copy["id"] != ws["id"] and copy["join_code"] != ws["join_code"]
    again = other_api.get(f"{API}/workshops/{copy['id']}/export?format=json").get_json()
    assert _comparable(again) == _comparable(archive)
    states = {a["key"]: (a["state"], a["round"]) for a in copy["activities"]}
    assert states == {"severity": ("open", 2), "dots": ("open", 1), "order": ("closed", 1), "mcda": ("open", 1)}

    # The imported workshop's results equal the original's, for every type and both rounds.
    for activity in ws["activities"]:
        for weighting in ("per_head", "equal_groups"):
            original = results(api, ws["id"], activity["key"], weighting)
            rebuilt = results(other_api, copy["id"], activity["key"], weighting)
            assert rebuilt == original, activity["key"]
    first = api.get(activity_url(ws["id"], "severity", "results") + "?round=1").get_json()
    assert other_api.get(activity_url(copy["id"], "severity", "results") + "?round=1").get_json() == first
    # The copy is live: its phones may re-vote in the open second round.
    _put(other_api, copy["id"], "severity", join(copy["join_code"], "workers"),
         {"ratings": [{"item": "finance", "value": 0}]})


@pytest.mark.parametrize("edit,field", [
    (lambda r: r.update(dimension="x"), "dimension"),           # a scale value on a matrix axis
    (lambda r: r.update(value=7), "value"),                      # off the 0..4 scale / over the points cap
    (lambda r: r.update(value=None), "value"),
])
@pytest.mark.parametrize("activity", ["severity", "dots", "order", "mcda"])
def test_import_checks_each_type_s_values(app: Any, api: Any, other_api: Any, ws: dict[str, Any],
                                          join: Callable[..., str], activity: str, edit: Any, field: str) -> None:
    _vote_everything(api, ws, join)
    archive = api.get(f"{API}/workshops/{ws['id']}/export?format=json").get_json()
    index = next(n for n, r in enumerate(archive["responses"]) if r["activity"] == activity
                 and r["value"] is not None)
    edit(archive["responses"][index])
    if field == "value" and archive["responses"][index]["value"] is None and activity in ("severity", "mcda"):
        return  # null is "don't know" for ratings and scores: valid
    before = counts(app)
    response = other_api.post(f"{API}/workshops/import", json=archive)
    assert_problem(response, 422, f"responses[{index}].{field}")
    assert counts(app) == before


def test_import_refuses_a_value_from_a_round_that_has_not_started(app: Any, api: Any, other_api: Any,
                                                                  ws: dict[str, Any],
                                                                  join: Callable[..., str]) -> None:
    _vote_everything(api, ws, join)
    archive = api.get(f"{API}/workshops/{ws['id']}/export?format=json").get_json()
    index = next(n for n, r in enumerate(archive["responses"]) if r["activity"] == "mcda")
    archive["responses"][index]["round"] = 2  # mcda is still in round 1
    before = counts(app)
    assert_problem(other_api.post(f"{API}/workshops/import", json=archive), 422, f"responses[{index}].round")
    assert counts(app) == before


def test_import_refuses_a_ballot_over_budget_or_with_repeated_places(app: Any, api: Any, other_api: Any,
                                                                     ws: dict[str, Any],
                                                                     join: Callable[..., str]) -> None:
    _vote_everything(api, ws, join)
    archive = api.get(f"{API}/workshops/{ws['id']}/export?format=json").get_json()
    for response in archive["responses"]:
        if response["activity"] == "dots" and response["participant"] == "P002":
            response["value"] = 2  # five items at 2 points: 10 > the budget of 4
    before = count_rows(app, "Workshop")
    assert_problem(other_api.post(f"{API}/workshops/import", json=archive), 422)
    assert count_rows(app, "Workshop") == before

    archive = api.get(f"{API}/workshops/{ws['id']}/export?format=json").get_json()
    for response in archive["responses"]:
        if response["activity"] == "order" and response["participant"] == "P003":
            response["value"] = 1  # places 1, 1, 1
    assert_problem(other_api.post(f"{API}/workshops/import", json=archive), 422)
    assert count_rows(app, "Workshop") == before
