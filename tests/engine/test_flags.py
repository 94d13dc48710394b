"""Axis extension fields (iqr, agreement, top2, dont_know), Kruskal–Wallis, and the item flags.

References: numpy/scipy on the expanded raw data, the hand-worked "Access to finance" example
(docs/methods.md, "Access to finance") and an independent numpy version of each flag rule written from docs/methods.md,
"Item flags".
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from app.engine import Scale, ScaleData, matrix_results, scale_results
from app.engine.stats import kruskal_wallis

from .helpers import (
    Participant,
    groups_of,
    hist,
    matrix_data,
    ref_stratified_ci,
    ref_t_ci,
    ref_tastle_wierman,
    ref_wilson,
    scale_data,
)

GOV = [3, 3, 4, 2]
EMP = [5, 5, 4, 5, 4, 5, 3, 5, 4, 5, 5, 4]
WRK = [2, 3, 2, 3, 4, 2]
TRIPARTITE = groups_of({"gov": 1.0, "emp": 1.0, "wrk": 1.0})


def ref_van_der_eijk(values: list[int], lo: int, hi: int) -> float:
    """van der Eijk's A written from the formula in docs/methods.md (layers, then TU/TDU over triples)."""
    freq = np.array([values.count(c) for c in range(lo, hi + 1)], dtype=float)
    k = len(freq)
    total = freq.sum()
    a = 0.0
    while freq.sum() > 0:
        m = freq[freq > 0].min()
        pattern = (freq > 0).astype(int)
        s = pattern.sum()
        tu = tdu = 0
        for i, j, h in itertools.combinations(range(k), 3):
            t = (pattern[i], pattern[j], pattern[h])
            tu += t in ((1, 1, 0), (0, 1, 1))
            tdu += t == (1, 0, 1)
        u = 1.0 if tu + tdu == 0 else ((k - 2) * tu - (k - 1) * tdu) / ((k - 2) * (tu + tdu))
        a += m * s / total * u * (1 - (s - 1) / (k - 1))
        freq = np.where(freq > 0, freq - m, 0)
    return a


# --- extension fields -------------------------------------------------------------------------


def test_worked_example_extension_fields() -> None:
    data = scale_data({("f", "gov"): GOV, ("f", "emp"): EMP, ("f", "wrk"): WRK}, TRIPARTITE, ["f"], k=3)
    data = ScaleData(**{**data.__dict__, "dont_know": {"f": 4}})
    value = scale_results(data, "equal_groups")["items"][0]["value"]
    allv = GOV + EMP + WRK
    q1, q3 = np.percentile(allv, [25, 75])
    assert value["iqr"] == pytest.approx(q3 - q1)
    assert value["agreement"] == pytest.approx(ref_van_der_eijk(allv, 1, 5), abs=1e-12)
    top = sum(v >= 4 for v in allv)
    assert value["top2"]["share"] == pytest.approx(top / len(allv))
    assert value["top2"]["ci95"] == pytest.approx(ref_wilson(top, len(allv)), abs=1e-4)
    assert value["dont_know"] == 4


def test_wilson_fixture_through_top2() -> None:
    """docs/methods.md, Wilson: employers 11 of 12 in the top two boxes -> [0.646, 0.985]."""
    data = scale_data({("f", "emp"): [5] * 6 + [4] * 5 + [2]}, TRIPARTITE, ["f"], k=3)
    top2 = scale_results(data, "per_head")["items"][0]["value"]["top2"]
    assert top2["share"] == pytest.approx(11 / 12)
    assert [round(v, 3) for v in top2["ci95"]] == [0.646, 0.985]


def test_agreement_is_null_on_a_two_point_scale_and_fixtures_hold() -> None:
    two = scale_data({("f", "gov"): [0, 1, 1]}, TRIPARTITE, ["f"], k=3, scale=Scale(0, 1))
    assert scale_results(two, "per_head")["items"][0]["value"]["agreement"] is None
    seven = Scale(1, 7)
    fixture = [v for v, n in zip(range(1, 8), [30, 40, 210, 130, 530, 50, 10], strict=True) for _ in range(n)]
    doc = scale_results(scale_data({("f", "gov"): fixture}, TRIPARTITE, ["f"], k=3, scale=seven), "per_head")
    assert doc["items"][0]["value"]["agreement"] == pytest.approx(0.6113333, abs=1e-7)
    polar = scale_data({("f", "gov"): [1] * 10 + [7] * 10}, TRIPARTITE, ["f"], k=3, scale=seven)
    assert scale_results(polar, "per_head")["items"][0]["value"]["agreement"] == pytest.approx(-1.0)


def test_extension_fields_follow_k_suppression_but_dont_know_is_a_count() -> None:
    data = scale_data({("f", "gov"): [4, 5]}, TRIPARTITE, ["f"], k=3)
    data = ScaleData(**{**data.__dict__, "dont_know": {"f": 2}})
    eg = scale_results(data, "equal_groups")["items"][0]["value"]
    assert eg["iqr"] is None and eg["agreement"] is None and eg["top2"] is None and eg["dont_know"] == 2
    ph = scale_results(data, "per_head")["items"][0]["value"]
    assert ph["iqr"] == pytest.approx(0.5) and ph["top2"]["share"] == 1.0 and ph["dont_know"] == 2


def test_matrix_dont_know_per_axis() -> None:
    parts = [Participant("gov", {"a": (None, 4)}), Participant("gov", {"a": (None, None)}),
             Participant("emp", {"a": (3, 3)})]
    data = matrix_data(parts, TRIPARTITE, ["a"], k=3)
    data = type(data)(**{**data.__dict__, "dont_know": {("a", "x"): 2, ("a", "y"): 1}})
    it = matrix_results(data, "per_head")["items"][0]
    assert it["x"]["dont_know"] == 2 and it["y"]["dont_know"] == 1
    with pytest.raises(ValueError):
        matrix_results(type(data)(**{**data.__dict__, "dont_know": {("zz", "x"): 1}}), "per_head")


# --- Kruskal–Wallis ---------------------------------------------------------------------------


def test_kruskal_wallis_worked_example() -> None:
    """docs/methods.md, "Access to finance": H = 12.77, epsilon^2 = 0.61."""
    kw = kruskal_wallis([hist(GOV), hist(EMP), hist(WRK)])
    assert kw is not None
    assert round(kw.h, 2) == 12.77 and round(kw.epsilon2, 2) == 0.61
    assert kw.h == pytest.approx(sps.kruskal(GOV, EMP, WRK).statistic, rel=1e-12)


small_groups = st.lists(st.lists(st.integers(1, 5), min_size=1, max_size=25), min_size=2, max_size=4)


@settings(max_examples=200, deadline=None)
@given(small_groups)
def test_kruskal_wallis_matches_scipy(groups: list[list[int]]) -> None:
    kw = kruskal_wallis([hist(g) for g in groups])
    pooled = [v for g in groups for v in g]
    if len(set(pooled)) == 1:
        assert kw is None
        return
    ref = sps.kruskal(*groups).statistic
    assert kw is not None
    assert kw.h == pytest.approx(ref, rel=1e-9, abs=1e-12)
    assert kw.epsilon2 == pytest.approx(ref / (len(pooled) - 1), rel=1e-9, abs=1e-12)


def test_kruskal_wallis_needs_two_groups() -> None:
    assert kruskal_wallis([hist([1, 2, 3])]) is None
    assert kruskal_wallis([hist([1, 2]), {}]) is None


# --- flags: hand-worked ------------------------------------------------------------------------


def test_worked_example_is_divergent_and_polarised() -> None:
    """docs/methods.md, "Access to finance": each constituency united, the pool is not, medians 3 / 5 / 2.5."""
    data = scale_data({("f", "gov"): GOV, ("f", "emp"): EMP, ("f", "wrk"): WRK}, TRIPARTITE, ["f"], k=3)
    for weighting in ("per_head", "equal_groups"):
        flags = scale_results(data, weighting)["items"][0]["flags"]
        assert "divergent" in flags and "polarised" in flags


def test_divergent_by_gap_alone_and_by_epsilon_alone() -> None:
    # gap: means 2 and 3 on 1-5 = 25 % of the width, a small epsilon^2 is irrelevant
    gap = scale_data({("f", "gov"): [1, 2, 3, 2, 2], ("f", "emp"): [2, 3, 4, 3, 3]}, TRIPARTITE, ["f"], k=5)
    assert "divergent" in scale_results(gap, "per_head")["items"][0]["flags"]
    # just under the gap: means 2 and 2.8
    near = scale_data({("f", "gov"): [1, 2, 3, 2, 2], ("f", "emp"): [1, 3, 4, 3, 3]}, TRIPARTITE, ["f"], k=5)
    m = [np.mean([1, 2, 3, 2, 2]), np.mean([1, 3, 4, 3, 3])]
    e2 = sps.kruskal([1, 2, 3, 2, 2], [1, 3, 4, 3, 3]).statistic / 9
    assert m[1] - m[0] < 1 and e2 >= 0.14  # so only epsilon^2 can set the flag
    assert "divergent" in scale_results(near, "per_head")["items"][0]["flags"]
    # 0-10 scale: a gap of 2 is 20 % of the width and epsilon^2 is small: not divergent
    wide = Scale(0, 10)
    g1, g2 = [0, 4, 8, 10, 3], [2, 6, 10, 10, 7]
    e2 = sps.kruskal(g1, g2).statistic / 9
    assert e2 < 0.14
    calm = scale_data({("f", "gov"): g1, ("f", "emp"): g2}, TRIPARTITE, ["f"], k=5, scale=wide)
    assert "divergent" not in scale_results(calm, "per_head")["items"][0]["flags"]


def test_polarised_by_negative_agreement_within_one_group() -> None:
    data = scale_data({("f", "gov"): [1, 1, 1, 5, 5, 5]}, TRIPARTITE, ["f"], k=3)
    assert "polarised" in scale_results(data, "per_head")["items"][0]["flags"]


def test_borderline_when_the_interval_contains_the_midpoint() -> None:
    data = scale_data({("a", "gov"): [2, 3, 4, 3], ("b", "gov"): [5, 5, 4, 5]}, TRIPARTITE, ["a", "b"], k=3)
    doc = {it["item"]: it for it in scale_results(data, "per_head")["items"]}
    lo, hi = ref_t_ci([2, 3, 4, 3], 1, 5)
    assert lo <= 3 <= hi and "borderline" in doc["a"]["flags"]
    lo, hi = ref_t_ci([5, 5, 4, 5], 1, 5)
    assert not lo <= 3 <= hi and "borderline" not in doc["b"]["flags"]


def test_weighting_sensitive_when_rank_moves_two_places() -> None:
    """Item "c": first per head (a big keen group), third under equal groups."""
    groups = groups_of({"gov": 1.0, "emp": 1.0})
    vals = {
        ("a", "gov"): [4, 4, 4], ("a", "emp"): [3] * 9,
        ("b", "gov"): [4, 4, 4], ("b", "emp"): [3, 3, 3, 3, 3, 3, 3, 3, 4],
        ("c", "gov"): [1, 1, 1], ("c", "emp"): [5] * 9,
    }
    data = scale_data(vals, groups, ["a", "b", "c"], k=3)
    eg = {it["item"]: it for it in scale_results(data, "equal_groups")["items"]}
    ph = {it["item"]: it for it in scale_results(data, "per_head")["items"]}
    ranks_ph = sorted(ph, key=lambda i: -ph[i]["value"]["mean"])
    ranks_eg = sorted(eg, key=lambda i: -eg[i]["value"]["mean"])
    assert ranks_ph.index("c") == 0 and ranks_eg.index("c") == 2
    assert "weighting_sensitive" in eg["c"]["flags"] and "weighting_sensitive" in ph["c"]["flags"]
    assert "weighting_sensitive" not in eg["a"]["flags"]


def test_matrix_weighting_sensitive_by_quadrant_change() -> None:
    groups = groups_of({"gov": 1.0, "emp": 1.0})
    parts = [Participant("gov", {"a": (4, 1)}) for _ in range(3)] + \
            [Participant("emp", {"a": (4, 4)}) for _ in range(9)]
    data = matrix_data(parts, groups, ["a"], k=3)
    eg = matrix_results(data, "equal_groups")["items"][0]
    ph = matrix_results(data, "per_head")["items"][0]
    assert eg["quadrant"] == "bottom_right" and ph["quadrant"] == "top_right"
    assert "weighting_sensitive" in eg["flags"] and "weighting_sensitive" in ph["flags"]


def test_flags_ignore_a_hidden_group() -> None:
    """A group with 1..k-1 values is not in by_group: whatever it votes, divergence cannot change."""
    base = {("f", "gov"): [3, 3, 3, 4], ("f", "emp"): [3, 3, 4, 3]}
    for hidden in ([1], [5, 5], [1, 5]):
        data = scale_data({**base, ("f", "wrk"): hidden}, TRIPARTITE, ["f"], k=4)
        item = scale_results(data, "equal_groups")["items"][0]
        assert item["by_group"]["wrk"] is None
        assert "divergent" not in item["flags"]


def test_equal_groups_flags_need_k_values() -> None:
    data = scale_data({("f", "gov"): [1, 5]}, TRIPARTITE, ["f"], k=3)
    assert scale_results(data, "equal_groups")["items"][0]["flags"] == []


# --- flags: against an independent implementation of the rules ---------------------------------


def ref_flags(vals: dict[tuple[str, str], list[int]], items: list[str], ws: dict[str, float], k: int,
              weighting: str) -> dict[str, set[str]]:
    """docs/methods.md "Item flags" with numpy/scipy for a scale activity on 1-5 (no fallback-suppression case)."""
    def mean_in(item: str, how: str) -> Fraction | None:
        """Exact, so that ties in the ranks are ties here too."""
        allv = [v for g in ws for v in vals.get((item, g), [])]
        if len(allv) < k:
            return None
        used = [(Fraction(ws[g]), vals.get((item, g), [])) for g in ws if len(vals.get((item, g), [])) >= k]
        if how == "equal_groups" and sum(w for w, _ in used) > 0:
            return sum(w * Fraction(sum(v), len(v)) for w, v in used) / sum(w for w, _ in used)
        return Fraction(sum(allv), len(allv))

    def rank(how: str) -> dict[str, int]:
        means = {i: mean_in(i, how) for i in items}
        order = sorted((i for i in items if means[i] is not None), key=lambda i: (-means[i], items.index(i)))
        return {i: r for r, i in enumerate(order)}

    r_eg, r_ph = rank("equal_groups"), rank("per_head")
    out: dict[str, set[str]] = {}
    for item in items:
        flags: set[str] = set()
        allv = [v for g in ws for v in vals.get((item, g), [])]
        shown = [g for g in ws if len(vals.get((item, g), [])) >= k]
        suppressed = weighting == "equal_groups" and len(allv) < k
        groups_v = [vals[(item, g)] for g in shown]
        if len(shown) >= 2:
            means = [np.mean(v) for v in groups_v]
            pooled_shown = [v for g in groups_v for v in g]
            e2 = sps.kruskal(*groups_v).statistic / (len(pooled_shown) - 1) if len(set(pooled_shown)) > 1 else 0
            if max(means) - min(means) >= 1 - 1e-12 or e2 >= 0.14:
                flags.add("divergent")
        if allv and not suppressed:
            if ref_van_der_eijk(allv, 1, 5) < -1e-9:
                flags.add("polarised")
            if (len(shown) >= 2 and ref_tastle_wierman(allv, 1, 5) < 0.70
                    and all(ref_tastle_wierman(v, 1, 5) >= 0.70 for v in groups_v)
                    and max(np.median(v) for v in groups_v) - min(np.median(v) for v in groups_v) >= 1):
                flags.add("polarised")
            if item in r_eg and item in r_ph and abs(r_eg[item] - r_ph[item]) >= 2:
                flags.add("weighting_sensitive")
            used = [(ws[g], vals[(item, g)]) for g in shown]
            if weighting == "equal_groups" and used:
                lo, hi = ref_stratified_ci(used, 1, 5)
            else:
                lo, hi = ref_t_ci(allv, 1, 5) if len(allv) > 1 else (None, None)
            if lo is not None and lo - 1e-9 <= 3 <= hi + 1e-9:
                flags.add("borderline")
        out[item] = flags
    return out


@settings(max_examples=150, deadline=None)
@given(
    data=st.dictionaries(
        st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["gov", "emp", "wrk"])),
        st.lists(st.integers(1, 5), min_size=1, max_size=9), max_size=12),
    ws=st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=3, max_size=3),
    weighting=st.sampled_from(["per_head", "equal_groups"]),
)
def test_scale_flags_match_the_reference(data: dict, ws: list[float], weighting: str) -> None:
    k = 3
    weights = dict(zip(["gov", "emp", "wrk"], ws, strict=True))
    items = ["a", "b", "c", "d"]
    doc = scale_results(scale_data(data, groups_of(weights), items, k=k), weighting)
    json.dumps(doc, allow_nan=False)
    expected = ref_flags(data, items, weights, k, weighting)
    for it in doc["items"]:
        got = set(it["flags"])
        exp = expected[it["item"]]
        # borderline compares a float interval with the midpoint: skip knife-edge cases
        lo_hi = it["value"]["ci95"]
        if lo_hi is not None and min(abs(lo_hi[0] - 3), abs(lo_hi[1] - 3)) < 1e-9:
            got.discard("borderline")
            exp.discard("borderline")
        assert got == exp, (it["item"], it)
        assert it["flags"] == [f for f in ("divergent", "polarised", "weighting_sensitive", "borderline")
                               if f in it["flags"]]


def test_unanimous_item_is_never_polarised_or_divergent() -> None:
    data = scale_data({("f", g): [4] * 5 for g in ("gov", "emp", "wrk")}, TRIPARTITE, ["f"], k=3)
    it = scale_results(data, "equal_groups")["items"][0]
    assert it["value"]["consensus"] == 1.0 and it["value"]["agreement"] == 1.0
    assert "polarised" not in it["flags"] and "divergent" not in it["flags"]
    assert Counter(it["flags"]) == Counter()


@pytest.mark.parametrize(
    ("gov", "emp", "expected"),
    [
        # each group united (TW 0.88), the pool divided (0.57), medians 1 vs 3: polarised by constituency
        ([1, 1, 1, 1, 2], [3, 3, 3, 3, 4], True),
        # each group only moderately united (TW 0.60 < 0.70): not, although the pool is divided
        ([1, 1, 1, 3, 3], [1, 1, 3, 3, 3], False),
        # groups united and medians 1 apart, but the pool is united too (0.78)
        ([2, 2, 2, 2, 3], [3, 3, 3, 3, 4], False),
    ],
)
def test_polarised_by_constituency_thresholds(gov: list[int], emp: list[int], expected: bool) -> None:
    pooled = gov + emp
    assert ref_van_der_eijk(pooled, 1, 5) >= 0  # so only the constituency rule can set the flag
    united = min(ref_tastle_wierman(gov, 1, 5), ref_tastle_wierman(emp, 1, 5)) >= 0.70
    divided = ref_tastle_wierman(pooled, 1, 5) < 0.70
    apart = abs(np.median(gov) - np.median(emp)) >= 1
    assert (united and divided and apart) == expected
    data = scale_data({("f", "gov"): gov, ("f", "emp"): emp}, TRIPARTITE, ["f"], k=5)
    for weighting in ("per_head", "equal_groups"):
        assert ("polarised" in scale_results(data, weighting)["items"][0]["flags"]) == expected


@settings(max_examples=150, deadline=None)
@given(
    data=st.dictionaries(st.sampled_from(["gov", "emp", "wrk"]), st.lists(st.integers(0, 6), min_size=1, max_size=12),
                         max_size=3),
    k=st.integers(3, 5),
    dont_know=st.integers(0, 4),
    weighting=st.sampled_from(["per_head", "equal_groups"]),
)
def test_extension_fields_match_numpy(data: dict[str, list[int]], k: int, dont_know: int, weighting: str) -> None:
    scale = Scale(0, 6)
    sd = scale_data({("f", g): v for g, v in data.items()}, TRIPARTITE, ["f"], k=k, scale=scale)
    sd = ScaleData(**{**sd.__dict__, "dont_know": {"f": dont_know}})
    value = scale_results(sd, weighting)["items"][0]["value"]
    allv = [v for vals in data.values() for v in vals]
    assert value["dont_know"] == dont_know
    if not allv or (weighting == "equal_groups" and len(allv) < k):
        assert value["iqr"] is None and value["agreement"] is None and value["top2"] is None
        return
    q1, q3 = np.percentile(allv, [25, 75])
    assert value["iqr"] == pytest.approx(q3 - q1, abs=1e-12)
    assert value["agreement"] == pytest.approx(ref_van_der_eijk(allv, 0, 6), abs=1e-12)
    top = sum(v >= 5 for v in allv)
    assert value["top2"]["share"] == pytest.approx(top / len(allv), rel=1e-15)
    assert value["top2"]["ci95"] == pytest.approx(ref_wilson(top, len(allv)), abs=1e-4)


def test_agreement_of_exactly_zero_is_not_polarised() -> None:
    """Found by hypothesis: this pool has A = 0 exactly, which floats give as -1.4e-17."""
    vals = {("a", "gov"): [1, 2, 5], ("a", "emp"): [1, 1, 1, 3, 3, 4, 4, 4, 5]}
    assert abs(ref_van_der_eijk([1, 2, 5, 1, 1, 1, 3, 3, 4, 4, 4, 5], 1, 5)) < 1e-15
    it = scale_results(scale_data(vals, TRIPARTITE, ["a"], k=3), "per_head")["items"][0]
    assert "polarised" not in it["flags"]
