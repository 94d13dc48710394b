"""Delphi rounds on the items without consensus (preview, start, 422 for a dropped item, carried figures,
per-round report), Kendall's W through the API against scipy, and resetting an activity's answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy.stats import friedmanchisquare

from tests.support.api import API, activity_url, assert_problem, csv_rows, results
from tests.support.builders import NEW_TYPES_CONSTRAINTS as CONSTRAINTS
from tests.support.builders import new_types_definition
from tests.support.database import BACKENDS
from tests.support.reference import RefScale, tastle_wierman

pytestmark = BACKENDS

SEVERITY = RefScale(0, 4)
# Six voters (k = 3): finance unanimous, power nearly so, skills split down the middle, roads and land unrated.
VOTES = {"finance": [4, 4, 4, 4, 4, 4], "power": [3, 3, 3, 3, 3, 2], "skills": [0, 4, 0, 4, 0, 4]}


@pytest.fixture
def ws(api: Any) -> dict[str, Any]:
    response = api.post(f"{API}/workshops", json=new_types_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def voters(api: Any, ws: dict[str, Any], join: Callable[..., str]) -> list[str]:
    for key in ("severity", "order", "dots"):
        assert api.post(activity_url(ws["id"], key, "open")).status_code == 200
    return [join(ws["join_code"], group) for group in ("gov",) * 3 + ("employers",) * 3]


def _rate(api: Any, wid: int, tokens: list[str], votes: dict[str, list[int]]) -> None:
    for n, token in enumerate(tokens):
        body = {"ratings": [{"item": item, "value": values[n]} for item, values in votes.items()]}
        response = api.put(activity_url(wid, "severity", "responses"), json=body, token=token)
        assert response.status_code == 200, response.get_data(as_text=True)


def test_preview_start_and_only_kept_items_accepted(api: Any, ws: dict[str, Any], voters: list[str],
                                                    other_api: Any) -> None:
    wid = ws["id"]
    _rate(api, wid, voters, VOTES)
    power = tastle_wierman(VOTES["power"], SEVERITY)
    assert 0.7 < power < 0.99  # the fixture sits between the two thresholds used below

    preview = api.get(activity_url(wid, "severity", "rounds/preview") + "?min_consensus=0.7")
    assert preview.status_code == 200, preview.get_data(as_text=True)
    plan = preview.get_json()
    assert (plan["criterion"], plan["threshold"], plan["round"]) == ("consensus", 0.7, 1)
    assert plan["dropped"] == ["finance", "power"]
    assert plan["kept"] == ["skills", "roads", "land"]
    figures = {e["item"]: e["figure"] for e in plan["items"]}
    assert figures["finance"] == pytest.approx(1.0)
    assert figures["power"] == pytest.approx(power)
    assert figures["skills"] == pytest.approx(tastle_wierman(VOTES["skills"], SEVERITY), abs=1e-12)
    assert figures["roads"] is None  # no answers: cannot have converged
    stricter = api.get(activity_url(wid, "severity", "rounds/preview") + "?min_consensus=0.99").get_json()
    assert stricter["dropped"] == ["finance"]

    for bad in ("1.5", "abc", "-0.1"):
        assert_problem(api.get(activity_url(wid, "severity", "rounds/preview") + f"?min_consensus={bad}"), 422,
                       "min_consensus")
    assert_problem(other_api.get(activity_url(wid, "severity", "rounds/preview")), 403)
    assert_problem(api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": True,
                                                                          "min_consensus": 2}), 422)
    assert_problem(api.post(activity_url(wid, "dots", "rounds"), json={"drop_converged": True}), 422)
    assert_problem(api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": "yes"}), 422)
    assert results(api, wid, "severity").get("round") is None  # nothing of that started a round

    started = api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": True, "min_consensus": 0.7})
    assert started.status_code == 200, started.get_data(as_text=True)
    assert started.get_json()["round"] == 2 and started.get_json()["round_items"] == ["skills", "roads", "land"]

    dropped = api.put(activity_url(wid, "severity", "responses"), json={"ratings": [
        {"item": "skills", "value": 2}, {"item": "finance", "value": 1}]}, token=voters[0])
    assert_problem(dropped, 422, "ratings[1].item")
    assert len([r for r in csv_rows(api, wid) if r["activity"] == "severity"]) == 6 * 3  # round 1's only
    second = {"skills": [1, 2, 2, 2, 2, 3]}
    _rate(api, wid, voters, second)

    now = results(api, wid, "severity", "per_head")
    assert now["round"] == 2 and now["asked_items"] == ["skills", "roads", "land"]
    assert now["round_rule"] == {"criterion": "consensus", "threshold": 0.7}
    by_item = {e["item"]: e for e in now["items"]}
    assert by_item["skills"]["value"]["mean"] == pytest.approx(np.mean(second["skills"]))
    assert "converged_in_round" not in by_item["skills"]
    assert by_item["finance"]["converged_in_round"] == 1
    assert by_item["finance"]["value"]["mean"] == pytest.approx(4.0)  # round 1's figures, carried over
    assert by_item["power"]["value"]["consensus"] == pytest.approx(power)
    first = api.get(activity_url(wid, "severity", "results") + "?round=1&weighting=per_head").get_json()
    assert first["converged_items"] == ["finance", "power"] and first["round_rule"] is None

    report = api.get(activity_url(wid, "severity", "rounds")).get_json()
    assert [(r["round"], r["asked"], r["converged"]) for r in report["rounds"]] == [
        (1, CONSTRAINTS, ["finance", "power"]), (2, ["skills", "roads", "land"], [])]

    # A plain next round asks every item again.
    assert api.post(activity_url(wid, "severity", "rounds")).get_json()["round_items"] == CONSTRAINTS


def test_the_room_keeps_converged_items_with_their_released_figures(api: Any, ws: dict[str, Any],
                                                                    voters: list[str]) -> None:
    """The screen's document (screen token: the released figures) of a round that no longer asks some items
    still holds them, marked with the round they converged in, with that round's released figures."""
    wid, screen = ws["id"], ws["screen_token"]
    _rate(api, wid, voters, VOTES)
    started = api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": True, "min_consensus": 0.7})
    assert started.status_code == 200, started.get_data(as_text=True)
    room = api.get(activity_url(wid, "severity", "results"), token=screen).get_json()
    first = api.get(activity_url(wid, "severity", "results") + "?round=1", token=screen).get_json()
    by_item = {e["item"]: e for e in room["items"]}
    before = {e["item"]: e for e in first["items"]}
    assert room["round"] == 2 and room["asked_items"] == ["skills", "roads", "land"]
    assert {k for k, e in by_item.items() if "converged_in_round" in e} == {"finance", "power"}
    assert by_item["finance"]["converged_in_round"] == by_item["power"]["converged_in_round"] == 1
    assert by_item["finance"]["value"]["mean"] == pytest.approx(4.0)
    assert by_item["power"]["value"] == before["power"]["value"]  # round 1's released figures, as they were
    assert by_item["power"]["value"]["mean"] == pytest.approx(np.mean([3, 3, 3]) / 2 + np.mean([3, 3, 2]) / 2)
    assert "converged_in_round" not in by_item["skills"]


def _w_reference(ballots: list[list[str]], items: list[str]) -> float:
    table = np.array([[b.index(i) + 1.0 if i in b else (len(b) + 1 + len(items)) / 2 for i in items]
                      for b in ballots])
    return friedmanchisquare(*table.T).statistic / (len(ballots) * (len(items) - 1))


def test_ranking_rounds_use_position_spread_and_report_kendall_w(api: Any, ws: dict[str, Any],
                                                                 voters: list[str]) -> None:
    wid = ws["id"]
    ballots = [["finance", "skills", "power"]] * 3 + [["power", "skills", "finance"], ["skills", "power", "finance"],
                                                      ["finance", "power", "skills"]]
    for token, ballot in zip(voters, ballots, strict=True):
        assert api.put(activity_url(wid, "order", "responses"), json={"ranking": ballot},
                       token=token).status_code == 200
    doc = results(api, wid, "order", "per_head")
    assert doc["kendall_w"] == pytest.approx(_w_reference(ballots, CONSTRAINTS), abs=1e-12)
    assert doc["by_group"]["gov"]["kendall_w"] == pytest.approx(_w_reference(ballots[:3], CONSTRAINTS), abs=1e-12)
    assert doc["by_group"]["workers"] is None  # no ballots: never a figure

    plan = api.get(activity_url(wid, "order", "rounds/preview") + "?max_iqr=0").get_json()
    assert plan["criterion"] == "iqr"
    spreads = {e["item"]: e["figure"] for e in plan["items"]}
    for i, item in enumerate(CONSTRAINTS):
        column = [b.index(item) + 1.0 if item in b else (len(b) + 1 + 5) / 2 for b in ballots]
        assert spreads[item] == pytest.approx(np.percentile(column, 75) - np.percentile(column, 25)), i
    assert set(plan["dropped"]) == {item for item, s in spreads.items() if s == 0}
    assert_problem(api.post(activity_url(wid, "order", "rounds"), json={"drop_converged": True,
                                                                       "min_consensus": 0.7}), 422)
    assert_problem(api.post(activity_url(wid, "order", "rounds"), json={"drop_converged": True,
                                                                       "max_iqr": 4}), 409)  # all converged
    started = api.post(activity_url(wid, "order", "rounds"), json={"drop_converged": True, "max_iqr": 0})
    assert started.status_code == 200, started.get_data(as_text=True)
    kept = started.get_json()["round_items"]
    assert kept == plan["kept"] == ["finance", "power"]  # spreads 1.5 and 1 places; the rest 0
    assert_problem(api.put(activity_url(wid, "order", "responses"), json={"ranking": ["roads"]},
                           token=voters[0]), 422, "ranking[0]")
    assert api.put(activity_url(wid, "order", "responses"), json={"ranking": kept[::-1]},
                   token=voters[0]).status_code == 200
    now = results(api, wid, "order", "per_head")
    assert [e["item"] for e in now["items"] if "converged_in_round" not in e] == kept
    assert {e["item"] for e in now["items"] if e.get("converged_in_round") == 1} == set(plan["dropped"])
    assert sorted(now["schulze"]) == sorted(kept)
    assert now["kendall_w"] is None  # one ballot: no agreement to measure


def test_reset_removes_every_round_and_starts_afresh(api: Any, ws: dict[str, Any], voters: list[str],
                                                     other_api: Any, caplog: pytest.LogCaptureFixture,
                                                     live_pushes: list[tuple[str, int]]) -> None:
    wid = ws["id"]
    _rate(api, wid, voters, VOTES)
    api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": True})
    _rate(api, wid, voters, {"skills": [1, 1, 1, 1, 1, 1]})
    assert_problem(other_api.post(activity_url(wid, "severity", "reset")), 403)
    assert_problem(api.post(activity_url(wid, "nothing", "reset")), 404)
    assert_problem(api.post(activity_url(wid, "severity", "reset"), token=""), 401)
    assert len([r for r in csv_rows(api, wid) if r["activity"] == "severity"]) == 6 * 3 + 6

    live_pushes.clear()
    with caplog.at_level(logging.INFO, logger="prioritas.audit"):
        response = api.post(activity_url(wid, "severity", "reset"))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["removed"], body["rounds"], body["state"], body["round"]) == (24, 2, "pending", 1)
    assert body["activity_document"]["state"] == "pending"
    audit = [r for r in caplog.records if r.name == "prioritas.audit"]
    assert audit and audit[-1].audit["activity"] == "severity" and audit[-1].audit["values"] == 24
    assert any(kind == "results" for kind, _ in live_pushes)  # screens get fresh (empty) results at once
    assert not [r for r in csv_rows(api, wid) if r["activity"] == "severity"]
    doc = results(api, wid, "severity", "per_head")
    assert doc["respondents"] == 0 and "round" not in doc and "asked_items" not in doc
    assert [r for r in csv_rows(api, wid) if r["activity"] == "order"] == []  # others untouched (none here)

    # Round 1 again, every item asked; the rehearsal's round-1 figures are not served from any cache.
    assert api.post(activity_url(wid, "severity", "open")).status_code == 200
    assert api.put(activity_url(wid, "severity", "responses"), json={"ratings": [{"item": "roads", "value": 1}]},
                   token=voters[0]).status_code == 200
    again = api.post(activity_url(wid, "severity", "rounds")).get_json()
    assert again["round"] == 2 and again["round_items"] == CONSTRAINTS
    before = api.get(activity_url(wid, "severity", "results") + "?round=1&weighting=per_head").get_json()
    assert before["respondents"] == 1


def test_phone_and_paper_ballot_show_only_the_kept_items(api: Any, app: Any, ws: dict[str, Any],
                                                         voters: list[str]) -> None:
    from tests.support.pages import Browser, csrf, join_group, text

    wid = ws["id"]
    _rate(api, wid, voters, VOTES)
    assert api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": True}).status_code == 200
    phone = app.test_client()
    assert join_group(phone, ws["join_code"], "workers").status_code == 302
    page = text(phone.get("/p/severity"))
    assert [k for k in CONSTRAINTS if f'id="item-{k}"' in page] == ["skills", "roads", "land"]
    # A form that still names a dropped item (sent from a stale page) saves nothing.
    token = csrf(page)
    refused = phone.post("/p/severity", data={"csrf_token": token, "round": "2", "finance": "1"})
    assert refused.status_code == 422  # the dropped item is not read: nothing to save
    assert len([r for r in csv_rows(api, wid) if r["activity"] == "severity"]) == 6 * 3

    desk = Browser(app.test_client())
    assert desk.login("facilitator@example.org").status_code == 302
    paper = desk.text(f"/facilitator/workshops/{wid}/activities/severity/paper")
    assert 'name="skills' in paper and 'name="finance' not in paper


def test_json_archive_keeps_which_items_each_round_asked(api: Any, ws: dict[str, Any], voters: list[str]) -> None:
    wid = ws["id"]
    _rate(api, wid, voters, VOTES)
    assert api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": True}).status_code == 200
    _rate(api, wid, voters, {"skills": [2, 2, 2, 2, 2, 2]})
    archive = api.get(f"{API}/workshops/{wid}/export?format=json").get_json()
    assert archive["delphi_rounds"] == [{"activity": "severity", "round": 2, "items": ["skills", "roads", "land"],
                                         "criterion": "consensus", "threshold": 0.7}]
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    new_id = imported.get_json()["id"]
    again = results(api, new_id, "severity", "per_head")
    original = results(api, wid, "severity", "per_head")
    assert again["asked_items"] == original["asked_items"] == ["skills", "roads", "land"]
    assert again["items"] == original["items"]

    broken = {**archive, "delphi_rounds": [{"activity": "severity", "round": 9, "items": ["nope"],
                                            "criterion": "vibes", "threshold": "high"}]}
    problem = assert_problem(api.post(f"{API}/workshops/import", json=broken), 422)
    assert {e["field"] for e in problem["errors"]} == {"delphi_rounds[0].round", "delphi_rounds[0].items",
                                                       "delphi_rounds[0].criterion", "delphi_rounds[0].threshold"}
