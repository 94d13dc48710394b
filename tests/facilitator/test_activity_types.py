"""Editor forms for the scale, points, ranking and criteria activities, weighting presets, and the console's
criterion weights, Delphi rounds and results tables, all through real requests with real CSRF tokens."""

from __future__ import annotations

import html as htmlmod
import re
from typing import Any

import numpy as np
import pytest

from tests.support.builders import SMALL_ITEMS as ITEMS
from tests.support.builders import typed_definition
from tests.support.database import BACKENDS
from tests.support.pages import Browser, assert_rejected, body, document, url

BASE = {"key": "act", "title": "New activity", "items": ITEMS}
#: Both databases: PostgreSQL at 127.0.0.1:5432 (skipped with a reason when absent, failed under CI).
pytestmark = BACKENDS


def activity(api: Any, workshop: dict[str, Any], key: str) -> dict[str, Any]:
    return next(a for a in document(api, workshop)["activities"] if a["key"] == key)


def add(owner: Browser, workshop: dict[str, Any], kind: str, data: dict[str, Any]) -> Any:
    page = url(workshop, f"/activities/new?type={kind}")
    return owner.submit(page, data={**BASE, **data})


def criteria_rows(rows: list[tuple[str, str, str, str, str]]) -> dict[str, str]:
    data: dict[str, str] = {}
    for n, (key, label, axis, direction, weight) in enumerate(rows):
        data.update({f"criteria-{n}-key": key, f"criteria-{n}-label": label, f"criteria-{n}-axis": axis,
                     f"criteria-{n}-direction": direction, f"criteria-{n}-weight": weight})
    return data


@pytest.fixture
def typed(api: Any) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=typed_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# --- the editor: one form per type ----------------------------------------------------------------------------

def test_editor_offers_every_type(owner: Browser, workshop: dict[str, Any]) -> None:
    page = body(owner.get(url(workshop)))
    for kind in ("scale", "points", "ranking", "criteria"):
        assert url(workshop, f"/activities/new?type={kind}") in page
    assert owner.get(url(workshop, "/activities/new?type=poll")).status_code == 404


def test_add_a_scale_activity(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    form = body(owner.get(url(workshop, "/activities/new?type=scale")))
    assert 'name="scale_label"' in form and 'name="x_label"' not in form
    response = add(owner, workshop, "scale", {"scale_label": "Urgency", "scale_min": "0", "scale_max": "10"})
    assert response.status_code == 302, body(response)[:3000]
    created = activity(api, workshop, "act")
    assert created["type"] == "scale" and created["items"] == ITEMS
    assert created["scale"] == {"label": "Urgency", "min": 0, "max": 10}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"scale_label": "Urgency", "scale_min": "3", "scale_max": "3"}, "scale_max", "greater than its minimum"),
    ({"scale_label": "Urgency", "scale_min": "1", "scale_max": "12"}, "scale_max", "at most 11 points"),
    ({"scale_label": "", "scale_min": "1", "scale_max": "5"}, "scale_label", "required"),
    ({"scale_label": "Urgency", "scale_min": "one", "scale_max": "5"}, "scale_min", "Not a valid integer"),
])
def test_invalid_scale_activity(api: Any, owner: Browser, workshop: dict[str, Any], data: dict[str, str],
                                field: str, message: str) -> None:
    before = document(api, workshop)
    assert_rejected(add(owner, workshop, "scale", data), 422, field, message)
    assert document(api, workshop) == before


def test_add_points_with_and_without_a_budget(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    assert add(owner, workshop, "points", {"budget": "4", "max_per_item": "2"}).status_code == 302
    assert {k: activity(api, workshop, "act")[k] for k in ("type", "budget", "max_per_item")} == {
        "type": "points", "budget": 4, "max_per_item": 2}
    response = add(owner, workshop, "points", {"key": "dots2", "budget": "", "max_per_item": "1"})
    assert response.status_code == 302
    assert activity(api, workshop, "dots2")["budget"] == 1  # max(1, round(3 items / 3))


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"budget": "0", "max_per_item": "1"}, "budget", "At least 1"),
    ({"budget": "2", "max_per_item": "3"}, "max_per_item", "nobody could reach it"),
    ({"budget": "2", "max_per_item": ""}, "max_per_item", "whole number"),
])
def test_invalid_points_activity(api: Any, owner: Browser, workshop: dict[str, Any], data: dict[str, str],
                                 field: str, message: str) -> None:
    before = document(api, workshop)
    assert_rejected(add(owner, workshop, "points", data), 422, field, message)
    assert document(api, workshop) == before


def test_add_ranking_and_refuse_too_many_places(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    before = document(api, workshop)
    assert_rejected(add(owner, workshop, "ranking", {"top": "4"}), 422, "top", "At most the number of items")
    assert_rejected(add(owner, workshop, "ranking", {"top": "0"}), 422, "top", "At least 1")
    assert document(api, workshop) == before
    assert add(owner, workshop, "ranking", {"top": "2"}).status_code == 302
    created = activity(api, workshop, "act")
    assert (created["type"], created.get("top")) == ("ranking", 2)
    assert add(owner, workshop, "ranking", {"key": "all", "top": ""}).status_code == 302
    assert "top" not in activity(api, workshop, "all")


CRITERIA_OK = {"scale_min": "1", "scale_max": "5", "x_label": "Feasibility", "y_label": "Attractiveness",
               **criteria_rows([("jobs", "Employment potential", "y", "1", "0.6"),
                                ("demand", "Demand", "y", "1", "0.4"),
                                ("risk", "Risk", "x", "-1", "1")])}


def test_add_a_criteria_activity(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    form = body(owner.get(url(workshop, "/activities/new?type=criteria")))
    assert form.count('name="criteria-') >= 5 * 4  # a table of rows: key, label, axis, direction, weight
    assert "Priority sectors" in form  # docs/methods.md's sector names as the default quadrants
    response = add(owner, workshop, "criteria", {**CRITERIA_OK, "criteria-9-key": "", "criteria-9-label": ""})
    assert response.status_code == 302, body(response)[:3000]
    created = activity(api, workshop, "act")
    assert created["type"] == "criteria"
    assert created["criteria"] == [
        {"key": "jobs", "label": "Employment potential", "axis": "y", "direction": 1, "weight": 0.6},
        {"key": "demand", "label": "Demand", "axis": "y", "direction": 1, "weight": 0.4},
        {"key": "risk", "label": "Risk", "axis": "x", "direction": -1, "weight": 1.0}]
    assert created["scale"]["min"] == 1 and created["scale"]["max"] == 5
    assert created["x"] == {"label": "Feasibility"} and created["y"] == {"label": "Attractiveness"}


@pytest.mark.parametrize(("rows", "message"), [
    ([("jobs", "", "y", "1", "1")], "Give this criterion a label."),
    ([("", "Jobs", "y", "1", "1")], "Give this criterion a key."),
    ([("jobs", "Jobs", "y", "1", "1"), ("jobs", "Jobs again", "x", "1", "1")], "is used twice"),
    ([("jobs", "Jobs", "y", "1", "-1")], "At least 0."),
    ([("Jobs!", "Jobs", "y", "1", "1")], "lower-case letters"),
    ([("jobs", "Jobs", "y", "1", "0"), ("risk", "Risk", "x", "-1", "1")], "total weight above 0"),
    ([], "at least one criterion"),
])
def test_invalid_criteria_activity(api: Any, owner: Browser, workshop: dict[str, Any],
                                   rows: list[tuple[str, str, str, str, str]], message: str) -> None:
    before = document(api, workshop)
    response = add(owner, workshop, "criteria", {"scale_min": "1", "scale_max": "5", **criteria_rows(rows)})
    assert response.status_code == 422
    assert message in body(response)
    assert document(api, workshop) == before


def test_edit_criteria_after_votes_keeps_the_question(api: Any, owner: Browser, typed: dict[str, Any],
                                                      join: Any) -> None:
    page = body(owner.get(url(typed, "/activities/sectors/edit")))
    assert 'value="Employment potential"' in page and 'value="risk"' in page
    current = {"key": "sectors", "title": "Score the sectors", "items": ITEMS, "scale_min": "1", "scale_max": "5",
               "x_label": "Feasibility", "y_label": "Attractiveness",
               **criteria_rows([("jobs", "Employment potential", "y", "1", "1"), ("risk", "Risk", "x", "-1", "1")])}
    assert api.post(f"/api/v1/workshops/{typed['id']}/activities/sectors/open").status_code == 200
    token = join(typed["join_code"], "gov")
    assert api.put(f"/api/v1/workshops/{typed['id']}/activities/sectors/responses", token=token,
                   json={"scores": [{"item": "finance", "criterion": "jobs", "value": 4}]}).status_code == 200
    before = document(api, typed)
    flipped = {**current, "criteria-1-direction": "1"}
    response = owner.submit(url(typed, "/activities/sectors/edit"), data=flipped)
    assert response.status_code == 409 and "frozen" in body(response)
    assert document(api, typed) == before
    relabelled = {**current, "title": "Score the sectors again", "criteria-0-weight": "0.5", "y_label": "Pay-off"}
    assert owner.submit(url(typed, "/activities/sectors/edit"), data=relabelled).status_code == 302
    changed = activity(api, typed, "sectors")
    assert changed["title"] == "Score the sectors again" and changed["y"]["label"] == "Pay-off"
    assert changed["criteria"][0]["weight"] == 0.5


# --- weighting presets ----------------------------------------------------------------------------------------

def weights_of(api: Any, workshop: dict[str, Any]) -> dict[str, float]:
    return {g["key"]: g["weight"] for g in document(api, workshop)["groups"]}


def test_weighting_presets(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    assert 'name="preset"' in body(owner.get(url(workshop)))
    response = owner.submit(url(workshop), url(workshop, "/weights"), {"preset": "ilo"})
    assert response.status_code == 302
    assert weights_of(api, workshop) == {"gov": 2.0, "firms": 1.0, "workers": 1.0}
    page = body(owner.get(url(workshop)))
    assert re.search(r'<input(?=[^>]*value="ilo")(?=[^>]*checked)[^>]*>', page)  # the editor shows the preset in force
    owner.submit(url(workshop), url(workshop, "/weights"), {"preset": "custom", "w-gov": "1", "w-firms": "0.5",
                                                            "w-workers": "0"})
    assert weights_of(api, workshop) == {"gov": 1.0, "firms": 0.5, "workers": 0.0}
    owner.submit(url(workshop), url(workshop, "/weights"), {"preset": "equal"})
    assert weights_of(api, workshop) == {"gov": 1.0, "firms": 1.0, "workers": 1.0}


def test_observers_get_weight_zero_under_equal(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.submit(url(workshop, "/groups/new"), data={"key": "ngo", "name": "NGOs", "weight": "1",
                                                                "observer": "y"})
    assert response.status_code == 302
    owner.submit(url(workshop), url(workshop, "/weights"), {"preset": "equal"})
    assert weights_of(api, workshop)["ngo"] == 0.0


@pytest.mark.parametrize("data", [
    {"preset": "custom", "w-gov": "-1", "w-firms": "1", "w-workers": "1"},
    {"preset": "custom", "w-gov": "0", "w-firms": "0", "w-workers": "0"},
    {"preset": "custom", "w-gov": "lots", "w-firms": "1", "w-workers": "1"},
    {"preset": "everyone"},
])
def test_invalid_weights_change_nothing(api: Any, owner: Browser, workshop: dict[str, Any],
                                        data: dict[str, str]) -> None:
    before = weights_of(api, workshop)
    response = owner.submit(url(workshop), url(workshop, "/weights"), data)
    assert response.status_code == 422
    assert "form-errors" in body(response) or "field-error" in body(response)
    assert weights_of(api, workshop) == before


# --- console: criterion weights, rounds, results ----------------------------------------------------------------

def test_console_changes_criterion_weights(api: Any, owner: Browser, typed: dict[str, Any]) -> None:
    console = url(typed, "/run")
    page = body(owner.get(console))
    assert 'name="c-jobs"' in page and 'name="c-risk"' in page
    action = url(typed, "/activities/sectors/criteria")
    response = owner.submit(console, action, {"c-jobs": "0.3", "c-risk": "0.8"})
    assert response.status_code == 302
    assert [c["weight"] for c in activity(api, typed, "sectors")["criteria"]] == [0.3, 0.8]
    # The live sliders post the same form and read JSON back.
    response = owner.submit(console, action, {"c-jobs": "0.41"}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["criteria"][0]["weight"] == 0.41
    response = owner.submit(console, action, {"c-jobs": "0"}, headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "criteria"
    assert [c["weight"] for c in activity(api, typed, "sectors")["criteria"]] == [0.41, 0.8]
    response = owner.submit(console, action, {"c-jobs": "-2"}, follow_redirects=True)
    assert "The weights were not changed" in body(response)
    assert [c["weight"] for c in activity(api, typed, "sectors")["criteria"]] == [0.41, 0.8]


def test_console_starts_a_delphi_round(api: Any, owner: Browser, typed: dict[str, Any]) -> None:
    console = url(typed, "/run")
    action = url(typed, "/activities/urgency/rounds")
    response = owner.submit(console, action, follow_redirects=True)
    assert "open round 1 first" in body(response)
    assert activity(api, typed, "urgency")["state"] == "pending"
    api.post(f"/api/v1/workshops/{typed['id']}/activities/urgency/open")
    response = owner.submit(console, action, follow_redirects=True)
    assert "Round 2 of “How urgent?” is open" in body(response)
    assert activity(api, typed, "urgency")["state"] == "open"
    assert activity(api, typed, "urgency")["round"] == 2
    assert "Start round 3" in body(owner.get(console))


def votes(api: Any, join: Any, typed: dict[str, Any], key: str, ballots: list[tuple[str, dict[str, Any]]]) -> None:
    assert api.post(f"/api/v1/workshops/{typed['id']}/activities/{key}/open").status_code == 200
    for group, ballot in ballots:
        token = join(typed["join_code"], group)
        response = api.put(f"/api/v1/workshops/{typed['id']}/activities/{key}/responses", token=token, json=ballot)
        assert response.status_code == 200, response.get_data(as_text=True)


def cell(page: str, item: str, stat: str, axis: str | None = None) -> str:
    row = re.search(rf'<tr data-item="{item}"(?: data-axis="{axis}")?>.*?</tr>' if axis else
                    rf'<tr data-item="{item}"[^>]*>.*?</tr>', page, re.S)
    assert row, f"no row for {item}"
    found = re.search(rf'data-stat="{stat}">([^<]*)<', row.group(0))
    assert found, f"no {stat} for {item}"
    return htmlmod.unescape(found.group(1)).strip()


def test_scale_results_table_per_head_and_by_groups(api: Any, owner: Browser, typed: dict[str, Any],
                                                    join: Any) -> None:
    # finance: gov 1, 1, 2 · firms 4, 4, 4 · workers 3, 3, 4 (k = 3, every group shown).
    values = {"gov": [1, 1, 2], "firms": [4, 4, 4], "workers": [3, 3, 4]}
    votes(api, join, typed, "urgency", [(g, {"ratings": [{"item": "finance", "value": v}]})
                                        for g, vs in values.items() for v in vs])
    pooled = np.array([v for vs in values.values() for v in vs], dtype=float)
    page = body(owner.get(url(typed, "/activities/urgency/results?weighting=per_head")))
    assert cell(page, "finance", "mean", "value") == f"{pooled.mean():.2f}"
    assert cell(page, "finance", "median", "value") == f"{np.median(pooled):.2f}"
    assert cell(page, "finance", "sd", "value") == f"{pooled.std(ddof=1):.2f}"
    q1, q3 = np.percentile(pooled, [25, 75])
    assert float(cell(page, "finance", "iqr", "value")) == pytest.approx(q3 - q1, abs=0.51)  # quantile rule varies
    top2 = sum(v >= 3 for v in pooled) / len(pooled)  # top two points of a 1-4 scale
    assert cell(page, "finance", "top2", "value").startswith(f"{top2 * 100:.0f} %")
    assert cell(page, "finance", "dont_know", "value") == "0"
    page = body(owner.get(url(typed, "/activities/urgency/results")))
    equal = np.mean([np.mean(vs) for vs in values.values()])
    assert cell(page, "finance", "mean", "value") == f"{equal:.2f}"
    assert 'aria-current="page">Groups weighted' in page


def test_points_results_table(api: Any, owner: Browser, typed: dict[str, Any], join: Any) -> None:
    ballots = [("gov", {"points": {"finance": 2, "skills": 1}}), ("firms", {"points": {"finance": 1}}),
               ("workers", {"points": {"power": 2}})]
    votes(api, join, typed, "dots", ballots)
    page = body(owner.get(url(typed, "/activities/dots/results?weighting=per_head")))
    # Per head: shares per voter are finance 2/3, 1, 0 -> mean 5/9; breadth 2 of 3 voters.
    assert cell(page, "finance", "score") == f"{5 / 9 * 100:.0f} %"
    assert cell(page, "finance", "breadth") == "67 %"
    assert cell(page, "finance", "total") == "3"
    assert "Effective number of priorities" in page


def test_ranking_results_side_by_side(api: Any, owner: Browser, typed: dict[str, Any], join: Any) -> None:
    ballots = [("gov", {"ranking": ["power", "finance"]}), ("firms", {"ranking": ["power", "skills"]}),
               ("workers", {"ranking": ["finance", "power"]})]
    votes(api, join, typed, "order", ballots)
    page = body(owner.get(url(typed, "/activities/order/results?weighting=per_head")))
    # power beats finance 2-1 and skills 3-0; finance beats skills 2-1 (skills only above finance once).
    assert [cell(page, k, "schulze") for k in ("power", "finance", "skills")] == ["1", "2", "3"]
    assert [cell(page, k, "copeland") for k in ("power", "finance", "skills")] == ["2", "0", "-2"]
    # Borda with m = 3, top-2 ballots: 2 points for 1st, 1 for 2nd, 0 left for the unranked item.
    assert cell(page, "power", "borda") == f"{(2 + 2 + 1) / 3:.2f}"
    assert "Pairwise" in page


def test_criteria_results_with_sensitivity(api: Any, owner: Browser, typed: dict[str, Any], join: Any) -> None:
    ballots = [(g, {"scores": [{"item": "finance", "criterion": "jobs", "value": 5},
                               {"item": "finance", "criterion": "risk", "value": 2},
                               {"item": "skills", "criterion": "jobs", "value": 2},
                               {"item": "skills", "criterion": "risk", "value": 4}]})
               for g in ("gov", "gov", "gov", "firms", "firms", "firms")]
    votes(api, join, typed, "sectors", ballots)
    page = body(owner.get(url(typed, "/activities/sectors/results")))
    assert cell(page, "finance", "y") == f"{(5 - 1) / 4:.2f}"   # (mean - min) / (max - min)
    assert cell(page, "finance", "x") == f"{(5 - 2) / 4:.2f}"   # direction -1: (max - mean) / (max - min)
    assert "How sensitive is the order to the weights?" in page


def test_results_page_is_owner_only(owner: Browser, stranger: Browser, typed: dict[str, Any]) -> None:
    assert owner.get(url(typed, "/activities/dots/results")).status_code == 200
    assert stranger.get(url(typed, "/activities/dots/results")).status_code in (403, 404)
