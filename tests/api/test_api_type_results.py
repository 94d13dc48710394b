"""Results of points, ranking and criteria activities through the API, against figures computed here from the
ballots sent, straight from docs/interface.md ("Other activity types") and docs/methods.md — not from app.engine."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import permutations
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, results
from tests.support.database import BACKENDS

pytestmark = BACKENDS

ITEMS = ["a", "b", "c", "d"]
SECTORS = ["s1", "s2"]
GROUPS = {"gov": 1.0, "emp": 2.0, "wrk": 1.0}

POINTS = [("gov", {"a": 2, "b": 1}), ("gov", {"a": 1}), ("gov", {}), ("gov", {"c": 2, "d": 1}),
          ("emp", {"b": 2, "c": 1}), ("emp", {"b": 1}), ("emp", {"d": 2, "a": 1}),
          ("wrk", {"d": 2}), ("wrk", {"d": 1, "c": 1}), ("wrk", {"a": 1, "b": 1, "c": 1})]
RANKINGS = [("gov", ["a", "b", "c", "d"]), ("gov", ["b"]), ("gov", ["c", "a"]),
            ("emp", ["d", "c", "b", "a"]), ("emp", ["d", "a"]), ("emp", ["b", "d", "a"]),
            ("wrk", ["a", "c"]), ("wrk", ["c", "b", "a", "d"]), ("wrk", ["a"])]
CRITERIA = [builders.criterion("jobs", "Jobs", "y", weight=2), builders.criterion("demand", "Demand", "y"),
            builders.criterion("capab", "Capabilities", "x"),
            builders.criterion("risk", "Risk", "x", direction=-1, weight=0.5)]
SCORES = [("gov", {("s1", "jobs"): 5, ("s1", "demand"): 4, ("s1", "capab"): 2, ("s1", "risk"): 5,
                   ("s2", "jobs"): 1, ("s2", "risk"): None}),
          ("gov", {("s1", "jobs"): 4, ("s1", "capab"): 3, ("s2", "demand"): 2, ("s2", "capab"): 5}),
          ("emp", {("s1", "jobs"): 3, ("s1", "demand"): 5, ("s2", "jobs"): 2, ("s2", "capab"): 4,
                   ("s2", "risk"): 1}),
          ("wrk", {("s1", "risk"): 2, ("s2", "jobs"): 5, ("s2", "demand"): None})]


@pytest.fixture
def ws(api: Any, join: Callable[..., str]) -> dict[str, Any]:
    definition = builders.definition(
        "Results of new types", language=None, groups=[builders.group(g, g.upper(), w) for g, w in GROUPS.items()],
        items=[builders.item(k, k.upper(), kind=None) for k in ITEMS]
        + [builders.item(k, k, kind="sector") for k in SECTORS],
        activities=[builders.points("dots", ITEMS, "Dots", budget=3, max_per_item=2),
                    builders.ranking("order", ITEMS, "Order"),
                    builders.criteria("mcda", SECTORS, "Score", CRITERIA)])
    doc = api.post(f"{API}/workshops", json=definition).get_json()
    wid = doc["id"]
    for key, body in (("dots", [(g, {"points": p}) for g, p in POINTS]),
                      ("order", [(g, {"ranking": r}) for g, r in RANKINGS]),
                      ("mcda", [(g, {"scores": [{"item": i, "criterion": c, "value": v} for (i, c), v in s.items()]})
                                for g, s in SCORES])):
        assert api.post(activity_url(wid, key, "open")).status_code == 200
        for group, body_ in body:
            response = api.put(activity_url(wid, key, "responses"), json=body_, token=join(doc["join_code"], group))
            assert response.status_code == 200, response.get_data(as_text=True)
    return doc


def ballot_weights(ballots: list[tuple[str, Any]], counts_as: Callable[[Any], bool], weighting: str
                   ) -> list[Fraction]:
    """Per head 1 each; equal_groups W_g / n_g over the ballots that count (k = 3 is reached by every group)."""
    if weighting == "per_head":
        return [Fraction(1)] * len(ballots)
    n = {g: sum(1 for h, b in ballots if h == g and counts_as(b)) for g in GROUPS}
    assert all(v >= 3 for v in n.values())
    return [Fraction(GROUPS[g]) / n[g] for g, _ in ballots]


@pytest.mark.parametrize("weighting", ["per_head", "equal_groups"])
def test_points_results(api: Any, ws: dict[str, Any], weighting: str) -> None:
    doc = results(api, ws["id"], "dots", weighting)
    assert doc["respondents"] == len(POINTS)  # the empty ballot counts as a respondent
    givers = [(g, p) for g, p in POINTS if sum(p.values())]
    weights = ballot_weights(givers, lambda p: True, weighting)
    totals = {a: sum(p.get(a, 0) for _, p in POINTS) for a in ITEMS}
    everything = sum(totals.values())
    expected_epn = 1 / sum(Fraction(t, everything) ** 2 for t in totals.values())
    assert doc["effective_priorities"] == pytest.approx(float(expected_epn), abs=0.005)
    scores = {a: sum(w * Fraction(p.get(a, 0), sum(p.values())) for w, (_, p) in zip(weights, givers, strict=True))
              / sum(weights) for a in ITEMS}
    by_item = {i["item"]: i for i in doc["items"]}
    for a in ITEMS:
        assert by_item[a]["total"] == totals[a]
        assert by_item[a]["breadth"] == pytest.approx(sum(1 for _, p in givers if p.get(a)) / len(givers), abs=0.005)
        assert by_item[a]["score"] == pytest.approx(float(scores[a]), abs=0.005)
        for g in GROUPS:
            mine = [p for h, p in givers if h == g]
            mean_share = sum(Fraction(p.get(a, 0), sum(p.values())) for p in mine) / len(mine)
            assert by_item[a]["by_group"][g]["n"] == len(mine)
            assert by_item[a]["by_group"][g]["score"] == pytest.approx(float(mean_share), abs=0.005)
    breadth = {a: Fraction(sum(1 for _, p in givers if p.get(a)), len(givers)) for a in ITEMS}
    order = sorted(ITEMS, key=lambda a: (-scores[a], -breadth[a], ITEMS.index(a)))
    assert [i["item"] for i in doc["items"]] == order


def _ranking_reference(weighting: str) -> dict[str, Any]:
    m = len(ITEMS)
    weights = ballot_weights(RANKINGS, lambda r: True, weighting)
    borda = {a: Fraction(0) for a in ITEMS}
    d = {(a, b): Fraction(0) for a, b in permutations(ITEMS, 2)}
    for w, (_, ranking) in zip(weights, RANKINGS, strict=True):
        t = len(ranking)
        place = {a: r for r, a in enumerate(ranking, start=1)}
        for a in ITEMS:
            borda[a] += w * (m - place[a] if a in place else Fraction(m - t - 1, 2))
        for a, b in permutations(ITEMS, 2):
            if place.get(a, m + 1) < place.get(b, m + 1):
                d[(a, b)] += w
    borda = {a: v / sum(weights) for a, v in borda.items()}
    # Schulze, docs/methods.md: strongest paths, then order by the number of items each beats.
    p = {(a, b): d[(a, b)] if d[(a, b)] > d[(b, a)] else Fraction(0) for a, b in permutations(ITEMS, 2)}
    for k in ITEMS:
        for i in ITEMS:
            for j in ITEMS:
                if len({i, j, k}) == 3:
                    p[(i, j)] = max(p[(i, j)], min(p[(i, k)], p[(k, j)]))
    wins = {a: sum(1 for b in ITEMS if b != a and p[(a, b)] > p[(b, a)]) for a in ITEMS}
    schulze = sorted(ITEMS, key=lambda a: (-wins[a], ITEMS.index(a)))
    mean_rank = {}
    for a in ITEMS:
        positions = [Fraction(r.index(a) + 1) if a in r else Fraction(len(r) + 1 + m, 2) for _, r in RANKINGS]
        mean_rank[a] = sum(positions) / len(positions)
    return {"borda": borda, "pairwise": d, "schulze": schulze, "mean_rank": mean_rank}


@pytest.mark.parametrize("weighting", ["per_head", "equal_groups"])
def test_ranking_results(api: Any, ws: dict[str, Any], weighting: str) -> None:
    doc = results(api, ws["id"], "order", weighting)
    expected = _ranking_reference(weighting)
    assert doc["respondents"] == len(RANKINGS)
    assert doc["schulze"] == expected["schulze"]
    for a in ITEMS:
        assert doc["borda"][a] == pytest.approx(float(expected["borda"][a]), abs=0.005)
        for b in ITEMS:
            if a != b:
                assert doc["pairwise"][a][b] == pytest.approx(float(expected["pairwise"][(a, b)]), abs=0.005)
    assert [i["item"] for i in doc["items"]] == ITEMS
    for entry in doc["items"]:  # mean_rank is unweighted in both weightings
        assert entry["mean_rank"] == pytest.approx(float(expected["mean_rank"][entry["item"]]), abs=0.005)


def test_criteria_results_per_head_and_weight_patch(api: Any, ws: dict[str, Any]) -> None:
    def reference(weights: dict[str, float]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for item in SECTORS:
            means = {}
            for c in CRITERIA:
                values = [s[(item, c["key"])] for _, s in SCORES if s.get((item, c["key"])) is not None]
                means[c["key"]] = Fraction(sum(values), len(values)) if values else None
            axes: dict[str, Any] = {}
            for axis in ("x", "y"):
                terms = []
                for c in CRITERIA:
                    if c["axis"] == axis and means[c["key"]] is not None:
                        normal = (means[c["key"]] - 1) / 4
                        value = normal if c.get("direction", 1) == 1 else 1 - normal
                        terms.append((Fraction(weights[c["key"]]), value))
                axes[axis] = sum(w * v for w, v in terms) / sum(w for w, _ in terms) if terms else None
            out[item] = {"means": means, **axes}
        return out

    def check(weights: dict[str, float]) -> None:
        doc = results(api, ws["id"], "mcda", "per_head")
        assert {c["key"]: c["weight"] for c in doc["criteria"]} == weights
        expected = reference(weights)
        for entry in doc["items"]:
            ref = expected[entry["item"]]
            for key, mean in ref["means"].items():
                got = entry["by_criterion"][key]["mean"]
                assert got is None if mean is None else got == pytest.approx(float(mean), abs=0.005)
            for axis in ("x", "y"):
                assert entry[axis]["score"] == pytest.approx(float(ref[axis]), abs=0.005)
            quadrant = ("top" if ref["y"] >= Fraction(1, 2) else "bottom") + "_" + (
                "right" if ref["x"] >= Fraction(1, 2) else "left")
            assert entry["quadrant"] == quadrant

    check({"jobs": 2.0, "demand": 1.0, "capab": 1.0, "risk": 0.5})
    patched = api.call("PATCH", f"{API}/workshops/{ws['id']}/activities/mcda",
                       json={"criteria": [{"key": "jobs", "weight": 0.25}, {"key": "risk", "weight": 3}]})
    assert patched.status_code == 200, patched.get_data(as_text=True)
    check({"jobs": 0.25, "demand": 1.0, "capab": 1.0, "risk": 3.0})
