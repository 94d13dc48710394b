"""The built-in templates must be valid workshop definitions (docs/interface.md), or creating from a template fails."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from app.library import get_template, list_templates

KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
QUADRANTS = {"top_right", "top_left", "bottom_right", "bottom_left"}
LOCI = {"local", "regional", "national", "international"}
SYSCO_LEVELS = {"micro", "meso", "macro", "meta"}
TEMPLATE_KEYS = [summary["key"] for summary in list_templates()]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_keys(entries: list[dict[str, Any]], what: str) -> list[str]:
    problems = []
    keys = [entry.get("key") for entry in entries]
    for key in keys:
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            problems.append(f"{what}: bad key {key!r}")
    if len(set(map(str, keys))) != len(keys):
        problems.append(f"{what}: duplicate keys")
    return problems


def _check_axis(axis: Any, where: str) -> list[str]:
    if not isinstance(axis, dict):
        return [f"{where}: axis missing"]
    problems = []
    if not isinstance(axis.get("label"), str) or not axis["label"].strip():
        problems.append(f"{where}: axis label")
    lo, hi = axis.get("min"), axis.get("max")
    if not (_is_int(lo) and _is_int(hi) and lo < hi):
        problems.append(f"{where}: scale {lo!r}..{hi!r}")
    if "hint" in axis and not (isinstance(axis["hint"], str) and axis["hint"].strip()):
        problems.append(f"{where}: empty hint")
    return problems


def _check_matrix(activity: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[str]:
    where = f"activity {activity.get('key')}"
    problems = _check_axis(activity.get("x"), f"{where} x") + _check_axis(activity.get("y"), f"{where} y")
    refs = activity.get("items")
    if not isinstance(refs, list) or not refs:
        return [*problems, f"{where}: no items"]
    if len(set(refs)) != len(refs):
        problems.append(f"{where}: repeated item")
    problems += [f"{where}: unknown item {ref!r}" for ref in refs if ref not in items]
    if len({items[ref]["kind"] for ref in refs if ref in items}) > 1:
        problems.append(f"{where}: mixes constraints and sectors")
    quadrants = activity.get("quadrants")
    if not isinstance(quadrants, dict) or set(quadrants) != QUADRANTS:
        problems.append(f"{where}: quadrants incomplete")
    elif not all(isinstance(name, str) and name.strip() for name in quadrants.values()):
        problems.append(f"{where}: empty quadrant name")
    notes = activity.get("quadrant_notes")
    if notes is not None and (not isinstance(notes, dict) or set(notes) != QUADRANTS):
        problems.append(f"{where}: quadrant_notes incomplete")
    labels = activity.get("scale_labels")
    for axis_name in ("x", "y"):
        axis = activity.get(axis_name)
        if isinstance(labels, dict) and isinstance(axis, dict) and _is_int(axis.get("min")):
            expected = {str(v) for v in range(axis["min"], axis["max"] + 1)}
            if set(labels) != expected:
                problems.append(f"{where}: scale_labels do not match the {axis_name} scale")
    return problems


def validate(definition: dict[str, Any]) -> list[str]:
    """Every structural rule of a full definition, as a list of problems (empty when valid)."""
    problems: list[str] = []
    if not isinstance(definition.get("title"), str) or not definition["title"].strip():
        problems.append("title")
    if definition.get("language") != "en":
        problems.append("language")
    k = definition.get("min_group_size")
    if not (_is_int(k) and k >= 3):
        problems.append("min_group_size")
    note = definition.get("method_note")
    if not isinstance(note, str) or not note.strip():
        problems.append("method_note")

    groups = definition.get("groups") or []
    if len(groups) < 3:
        problems.append("fewer than 3 groups")
    problems += _check_keys(groups, "groups")
    for group in groups:
        if not isinstance(group.get("name"), str) or not group["name"].strip():
            problems.append(f"group {group.get('key')}: name")
        weight = group.get("weight")
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
            problems.append(f"group {group.get('key')}: weight {weight!r}")
    if not any(group.get("weight", 0) > 0 for group in groups):
        problems.append("no group with positive weight")

    items = definition.get("items") or []
    problems += _check_keys(items, "items")
    for item in items:
        where = f"item {item.get('key')}"
        if item.get("kind") not in ("constraint", "sector"):
            problems.append(f"{where}: kind {item.get('kind')!r}")
        for field in ("title", "description", "category"):
            if not isinstance(item.get(field), str) or not item[field].strip():
                problems.append(f"{where}: {field}")
        if item.get("kind") == "constraint" and item.get("locus") not in LOCI:
            problems.append(f"{where}: locus {item.get('locus')!r}")
    titles = [item.get("title") for item in items]
    if len(set(titles)) != len(titles):
        problems.append("items: duplicate titles")

    activities = definition.get("activities") or []
    if not activities:
        problems.append("no activity")
    problems += _check_keys(activities, "activities")
    by_key = {item["key"]: item for item in items if isinstance(item.get("key"), str)}
    for activity in activities:
        kind = activity.get("type")
        if kind not in ("matrix", "criteria", "points"):
            problems.append(f"activity {activity.get('key')}: type {kind!r}")
            continue
        if not isinstance(activity.get("title"), str) or not activity["title"].strip():
            problems.append(f"activity {activity.get('key')}: title")
        if kind == "matrix":
            problems += _check_matrix(activity, by_key)
        elif kind == "criteria":
            problems += _check_criteria(activity, by_key)
        else:
            problems += _check_points(activity, by_key)
    return problems


def _check_refs(activity: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[str]:
    where = f"activity {activity.get('key')}"
    refs = activity.get("items")
    if not isinstance(refs, list) or not refs:
        return [f"{where}: no items"]
    problems = [f"{where}: unknown item {ref!r}" for ref in refs if ref not in items]
    if len(set(refs)) != len(refs):
        problems.append(f"{where}: repeated item")
    return problems


def _check_criteria(activity: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[str]:
    """docs/methods.md: 3-5 criteria per axis, direction 1/-1, positive weight per axis, a fixed scale."""
    where = f"activity {activity.get('key')}"
    problems = _check_refs(activity, items)
    criteria = activity.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        return [*problems, f"{where}: no criteria"]
    problems += _check_keys(criteria, f"{where} criteria")
    for axis_key in ("x", "y"):
        on_axis = [c for c in criteria if c.get("axis") == axis_key]
        if not 3 <= len(on_axis) <= 5:
            problems.append(f"{where}: {len(on_axis)} criteria on axis {axis_key}")
        if sum(c.get("weight", 0) for c in on_axis) <= 0:
            problems.append(f"{where}: axis {axis_key} has no weight")
        label = (activity.get(axis_key) or {}).get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: axis {axis_key} label")
    for c in criteria:
        if c.get("axis") not in ("x", "y") or c.get("direction") not in (1, -1):
            problems.append(f"{where}: criterion {c.get('key')} axis/direction")
        if not isinstance(c.get("label"), str) or not c["label"].strip():
            problems.append(f"{where}: criterion {c.get('key')} label")
        weight = c.get("weight")
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
            problems.append(f"{where}: criterion {c.get('key')} weight")
    scale = activity.get("scale") or {}
    if not (_is_int(scale.get("min")) and _is_int(scale.get("max")) and scale["min"] < scale["max"]):
        problems.append(f"{where}: scale")
    quadrants = activity.get("quadrants")
    if not isinstance(quadrants, dict) or set(quadrants) != QUADRANTS:
        problems.append(f"{where}: quadrants incomplete")
    return problems


def _check_points(activity: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[str]:
    where = f"activity {activity.get('key')}"
    problems = _check_refs(activity, items)
    budget, cap = activity.get("budget"), activity.get("max_per_item")
    if not (_is_int(budget) and budget >= 1 and _is_int(cap) and cap >= 1):
        problems.append(f"{where}: budget/max_per_item")
    elif budget > len(activity.get("items") or []) * cap:
        problems.append(f"{where}: budget cannot be spent")
    return problems


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_is_a_valid_definition(key: str) -> None:
    definition = get_template(key)
    assert definition is not None
    assert validate(definition) == []


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_is_plain_json(key: str) -> None:
    definition = get_template(key)
    assert json.loads(json.dumps(definition)) == definition


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_server_assigned_fields_are_absent(key: str) -> None:
    definition = get_template(key)
    assert definition is not None
    for field in ("id", "join_code", "join_url", "screen_url", "screen_token"):
        assert field not in definition
    assert all("state" not in activity for activity in definition["activities"])


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_groups_are_tripartite_with_weightless_observers(key: str) -> None:
    definition = get_template(key)
    assert definition is not None
    weights = {group["key"]: group["weight"] for group in definition["groups"]}
    assert weights == {"gov": 1.0, "employers": 1.0, "workers": 1.0, "other": 0.0}


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_every_item_is_used(key: str) -> None:
    definition = get_template(key)
    assert definition is not None
    used = {ref for activity in definition["activities"] for ref in activity["items"]}
    assert used == {item["key"] for item in definition["items"]}


def test_validator_catches_broken_definitions() -> None:
    """Guard the guard: a validator that passes everything would make the tests above worthless."""
    base = get_template("regional")
    assert base is not None
    breakers = [
        lambda d: d["groups"].__setitem__(slice(2, None), []),
        lambda d: d["items"][0].__setitem__("description", ""),
        lambda d: d["items"][0].__setitem__("locus", "planet"),
        lambda d: d["groups"].__setitem__(slice(1, None), []),
        lambda d: d["groups"][0].__setitem__("key", "Gov"),
        lambda d: d["groups"][1].__setitem__("key", d["groups"][0]["key"]),
        lambda d: d["groups"][0].__setitem__("weight", -1),
        lambda d: d["items"][0].__setitem__("kind", "proposal"),
        lambda d: d["items"][0].__setitem__("key", "x" * 41),
        lambda d: d["activities"][0]["items"].append("nope"),
        lambda d: d["activities"][0]["x"].__setitem__("max", 1),
        lambda d: d["activities"][0]["y"].__setitem__("min", 1.0),
        lambda d: d["activities"][0]["quadrants"].pop("top_left"),
        lambda d: d["activities"][0].__setitem__("type", "ranking"),
        lambda d: d["activities"][0].__setitem__("type", "criteria"),
        lambda d: d.__setitem__("activities", []),
        lambda d: d.__setitem__("min_group_size", 2),
    ]
    for index, breaker in enumerate(breakers):
        broken = get_template("regional")
        assert broken is not None
        breaker(broken)
        assert validate(broken), f"breaker {index} not caught"
    assert validate(base) == []


def test_list_matches_templates() -> None:
    summaries = list_templates()
    assert [s["key"] for s in summaries] == ["regional", "growth-diagnostics", "systemic-competitiveness",
                                             "sector-selection", "paca-proposals"]
    for summary in summaries:
        assert set(summary) == {"key", "title", "description"}
        assert summary["description"].strip()
        definition = get_template(summary["key"])
        assert definition is not None
        assert definition["title"] == summary["title"]
    assert list_templates() == summaries


def test_list_returns_fresh_objects() -> None:
    list_templates()[0]["title"] = "changed"
    assert list_templates()[0]["title"] == "Regional constraints and sectors"


def test_unknown_key_is_none() -> None:
    assert get_template("nope") is None
    assert get_template("") is None


def test_get_template_returns_independent_copies() -> None:
    first = get_template("regional")
    second = get_template("regional")
    assert first is not None and second is not None
    assert first == second and first is not second
    first["title"] = "changed"
    first["groups"][0]["weight"] = 9.0
    first["items"].clear()
    first["activities"][0]["items"].append("x")
    first["activities"][0]["x"]["max"] = 7
    first["activities"][0]["quadrants"]["top_right"] = "changed"
    first["activities"][0]["scale_labels"]["1"] = "changed"
    assert get_template("regional") == second


def test_activities_do_not_share_nested_objects() -> None:
    definition = get_template("regional")
    assert definition is not None
    constraints, sectors = definition["activities"]
    assert constraints["scale_labels"] is not sectors["scale_labels"]


def test_regional_template_content() -> None:
    definition = get_template("regional")
    assert definition is not None
    assert definition["title"] == "Regional constraints and sectors"
    assert definition["min_group_size"] == 5
    constraints = [item for item in definition["items"] if item["kind"] == "constraint"]
    sectors = [item for item in definition["items"] if item["kind"] == "sector"]
    assert 12 <= len(constraints) <= 15
    assert 8 <= len(sectors) <= 10
    assert {item["category"] for item in constraints} == SYSCO_LEVELS
    activities = {activity["key"]: activity for activity in definition["activities"]}
    assert set(activities) == {"constraints", "sectors"}

    rate_constraints = activities["constraints"]
    assert rate_constraints["items"] == [item["key"] for item in constraints]
    assert rate_constraints["y"]["label"] == "Severity" and rate_constraints["x"]["label"] == "Tractability"
    assert rate_constraints["quadrants"] == {
        "top_right": "Quick wins",
        "top_left": "Strategic priorities / advocacy",
        "bottom_right": "Fill-ins",
        "bottom_left": "Deprioritise / monitor",
    }
    rate_sectors = activities["sectors"]
    assert rate_sectors["items"] == [item["key"] for item in sectors]
    assert rate_sectors["y"]["label"] == "Attractiveness" and rate_sectors["x"]["label"] == "Feasibility"
    assert rate_sectors["quadrants"] == {
        "top_right": "Priority sectors",
        "top_left": "Strategic bets / long jumps",
        "bottom_right": "Low-hanging fruit",
        "bottom_left": "Not a priority",
    }
    for activity in activities.values():
        assert (activity["x"]["min"], activity["x"]["max"]) == (1, 5)
        assert (activity["y"]["min"], activity["y"]["max"]) == (1, 5)
        assert activity["scale_labels"]["1"] == "Very low" and activity["scale_labels"]["5"] == "Very high"


def test_method_notes_say_votes_are_perceptions() -> None:
    for key in TEMPLATE_KEYS:
        definition = get_template(key)
        assert definition is not None
        note = definition["method_note"].lower()
        assert "perception" in note or "believes" in note
        assert "hypothes" in note or "tested" in note or "not a diagnosis" in note


def test_systemic_competitiveness_is_balanced_across_levels() -> None:
    definition = get_template("systemic-competitiveness")
    assert definition is not None
    levels = [item["category"] for item in definition["items"]]
    assert {level: levels.count(level) for level in SYSCO_LEVELS} == dict.fromkeys(SYSCO_LEVELS, 4)


def test_growth_diagnostics_covers_both_main_branches() -> None:
    definition = get_template("growth-diagnostics")
    assert definition is not None
    branches = {item["gd_branch"].split(" > ")[0] for item in definition["items"]}
    assert branches == {"Low return", "High cost of finance"}


def test_descriptions_fit_a_phone() -> None:
    """One short line each: participants read them on a phone between two sliders."""
    for key in TEMPLATE_KEYS:
        definition = get_template(key)
        assert definition is not None
        for item in definition["items"]:
            assert len(item["title"]) <= 45, item["title"]
            assert len(item["description"]) <= 90, item["description"]


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_passes_the_servers_validation(key: str) -> None:
    """The same validation POST /api/v1/workshops runs: a template that fails it cannot be instantiated."""
    from app.services.definitions import clean_definition

    _clean, errors = clean_definition(get_template(key))
    assert errors == []


def test_criteria_validator_catches_broken_criteria() -> None:
    breakers = [
        lambda a: a["criteria"].__setitem__(slice(0, 3), []),  # only two attractiveness criteria left
        lambda a: a["criteria"][0].__setitem__("direction", 0),
        lambda a: a["criteria"][0].__setitem__("axis", "z"),
        lambda a: [c.__setitem__("weight", 0.0) for c in a["criteria"] if c["axis"] == "x"],
        lambda a: a["scale"].__setitem__("max", 1),
        lambda a: a["quadrants"].pop("top_right"),
        lambda a: a["criteria"][1].__setitem__("key", a["criteria"][0]["key"]),
    ]
    for index, breaker in enumerate(breakers):
        broken = get_template("sector-selection")
        assert broken is not None
        breaker(broken["activities"][0])
        assert validate(broken), f"breaker {index} not caught"


def test_sector_selection_follows_domain_criteria() -> None:
    definition = get_template("sector-selection")
    assert definition is not None
    scores, shortlist = definition["activities"]
    assert scores["type"] == "criteria" and shortlist["type"] == "points"
    by_key = {c["key"]: c for c in scores["criteria"]}
    assert {"employment", "job-quality", "inclusion"} <= {k for k, c in by_key.items() if c["axis"] == "y"}
    assert by_key["risk"]["axis"] == "x" and by_key["risk"]["direction"] == -1
    assert all(c["direction"] == 1 for k, c in by_key.items() if k != "risk")
    assert (scores["x"]["label"], scores["y"]["label"]) == ("Feasibility", "Attractiveness")
    assert all(item["kind"] == "sector" for item in definition["items"])
    # Dot budget about a third of the items, at most 3 per item (docs/methods.md, "Dot budgets").
    assert shortlist["budget"] == max(1, round(len(shortlist["items"]) / 3))


def test_paca_template_uses_the_three_paca_criteria() -> None:
    definition = get_template("paca-proposals")
    assert definition is not None
    scores = definition["activities"][0]
    feasibility = [c["key"] for c in scores["criteria"] if c["axis"] == "x"]
    assert feasibility == ["local-resources", "quick-start", "visible-results"]
    assert "3 months" in " ".join(c["label"] for c in scores["criteria"])
    assert any(a["type"] == "points" for a in definition["activities"])
    loci = {item["locus"] for item in definition["items"]}
    assert "local" in loci and loci - {"local"}, "some proposals must be ones to pass on to another level"


def test_observers_are_flagged_for_the_equal_preset() -> None:
    for key in TEMPLATE_KEYS:
        definition = get_template(key)
        assert definition is not None
        assert [g["key"] for g in definition["groups"] if g.get("observer")] == ["other"]
