"""The engine's fast internal paths give bit-for-bit the figures of the straightforward formulations.

The speed-ups (histograms prepared once, integer ratios instead of Fraction arithmetic, column-wise
Monte Carlo sums, layered van der Eijk) must not change any output, so each is compared here with
a plain re-statement of the rule it replaces. Floats are compared with ``==``, not approx.
"""

from __future__ import annotations

import math
import random
import sys
from fractions import Fraction
from operator import mul

from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import GroupSpec, Scale, axis_summary, stats
from app.engine.criteria import (
    Criterion,
    _exponential_draws,
    _weighted_sums,
    axis_scores,
    normalised,
    rank_acceptability,
)

hist_strategy = st.dictionaries(st.integers(1, 5), st.integers(0, 40), max_size=5)
weight_strategy = st.sampled_from([0.0, 0.5, 1.0, 2.0, 1 / 3, 0.1])


def _plain_van_der_eijk(hist: dict[int, int], lo: int, hi: int) -> float | None:
    """Van der Eijk's A by repeatedly subtracting the smallest positive count (the published algorithm)."""
    freq = [hist.get(v, 0) for v in range(lo, hi + 1)]
    total = sum(freq)
    if total == 0:
        return None
    result = 0.0
    while any(freq):
        smallest = min(f for f in freq if f > 0)
        pattern = tuple(f > 0 for f in freq)
        result += smallest * sum(pattern) / total * stats._pattern_agreement(pattern)
        freq = [f - smallest if f > 0 else 0 for f in freq]
    return result


@settings(max_examples=200, deadline=None)
@given(hist_strategy)
def test_van_der_eijk_layers_match_repeated_subtraction(hist: dict[int, int]) -> None:
    assert stats.van_der_eijk(hist, 1, 5) == _plain_van_der_eijk(hist, 1, 5)


@settings(max_examples=150, deadline=None)
@given(st.lists(hist_strategy, min_size=1, max_size=4), st.lists(weight_strategy, min_size=4, max_size=4),
       st.integers(1, 5), st.sampled_from(["per_head", "equal_groups"]))
def test_axis_summary_matches_the_statistics_module(hists: list[dict[int, int]], ws: list[float], k: int,
                                                    weighting: str) -> None:
    keys = [f"g{i}" for i in range(len(hists))]
    groups = [GroupSpec(key, w) for key, w in zip(keys, ws, strict=False)]
    per_group = dict(zip(keys, hists, strict=True))
    summary = axis_summary(per_group, groups, Scale(1, 5), k, weighting)
    pooled = stats.merge(hists)
    m = stats.count(pooled)
    assert summary.m == m
    if weighting == "equal_groups" and m < k:
        assert summary.mean is None and summary.sd is None and summary.median is None
        return
    strata = [stats.Stratum(g.weight, per_group[g.key]) for g in groups if stats.count(per_group[g.key]) >= k]
    weighted = stats.strata_weighted_mean(strata) if m else None
    expected_mean = weighted if weighting == "equal_groups" and weighted is not None else stats.mean_exact(pooled)
    assert summary.mean == expected_mean
    assert summary.sd == stats.sd(pooled)
    assert summary.median == stats.median(pooled)
    assert summary.iqr == stats.iqr(pooled)
    assert summary.consensus == stats.tastle_wierman(pooled, 1, 5)
    assert summary.agreement == stats.van_der_eijk(pooled, 1, 5)
    if m == 0:
        assert summary.ci95 is None
        return
    if weighting == "equal_groups" and weighted is not None:
        se_df = stats.stratified_se_df(strata)
        expected = None if se_df is None else stats.t_interval(float(weighted), se_df[0], se_df[1], clip=(1, 5))
    else:
        var = stats.variance_exact(pooled)
        expected = None if var is None else stats.t_interval(float(stats.mean_exact(pooled)), math.sqrt(var / m),
                                                             m - 1, clip=(1, 5))
    assert summary.ci95 == expected
    shown = [v for v in summary.group_means.values() if v is not None]
    assert summary.spread == (max(shown) - min(shown) if len(shown) >= 2 else None)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 7).flatmap(lambda d: st.tuples(
    st.lists(st.floats(0.001, 1.0), min_size=d, max_size=d),
    st.lists(st.lists(st.floats(0.0, 1.0), min_size=d, max_size=d), min_size=1, max_size=6))))
def test_weighted_sums_round_like_sum_of_products(case: tuple[list[float], list[list[float]]]) -> None:
    wn, rows = case

    def left_to_right(vals: list[float]) -> float:
        acc = 0.0
        for w, v in zip(wn, vals, strict=True):
            acc += w * v
        return acc

    # What the acceptability always computed: sum() on CPython 3.11 adds floats left to right like this.
    expected = [left_to_right(vals) for vals in rows]
    assert _weighted_sums(wn, rows) == expected
    if sys.version_info < (3, 12):  # 3.12's sum() compensates rounding, so only 3.11 must agree with it
        assert expected == [sum(map(mul, wn, vals)) for vals in rows]


def test_exponential_draws_follow_the_library_stream() -> None:
    fast, plain = random.Random(7), random.Random(7)
    draw = _exponential_draws(fast)
    for d in (1, 3, 6, 2):
        assert draw(d) == [plain.expovariate(1.0) for _ in range(d)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["x", "y"]), st.sampled_from([1, -1]), weight_strategy,
                          st.one_of(st.none(), st.fractions(1, 5, max_denominator=60))), min_size=1, max_size=6))
def test_axis_scores_match_fraction_arithmetic(spec: list) -> None:
    scale = Scale(1, 5)
    criteria = [Criterion(f"c{i}", "C", axis, direction, weight) for i, (axis, direction, weight, _) in enumerate(spec)]
    means = {c.key: mean for c, (*_, mean) in zip(criteria, spec, strict=True)}
    for axis, score in axis_scores(means, criteria, scale).items():
        num = den = Fraction(0)
        for c in criteria:
            if c.axis != axis or means[c.key] is None:
                continue
            normalised = (means[c.key] - 1) / 4 if c.direction == 1 else (5 - means[c.key]) / 4
            num += Fraction(c.weight) * normalised
            den += Fraction(c.weight)
        assert score == (num / den if den else None)


def _plain_acceptability(values: dict[str, dict[str, list[float]]], items: list[str], axes: list[str],
                         draws: int, seed: int) -> dict[str, tuple[float, float, tuple[float, ...] | None]]:
    """Rank acceptability draw by draw, item by item: the rule of docs/methods.md ("Sensitivity") in its plainest form.

    ``values[item][axis]`` holds the item's normalised criterion means (every weighted criterion present).
    """
    rng = random.Random(seed)
    n = len(items)
    top1, top3 = [0] * n, [0] * n
    quads = [[0] * 4 for _ in range(n)]
    for _ in range(draws):
        scores = {}
        for axis in axes:
            e = [rng.expovariate(1.0) for _ in values[items[0]][axis]]
            total = 0.0
            for v in e:
                total += v
            w = [v / total for v in e]
            for item in items:
                acc = 0.0
                for wk, v in zip(w, values[item][axis], strict=True):
                    acc += wk * v
                scores[(item, axis)] = acc
        composite = [sum(scores[(item, axis)] for axis in axes) for item in items]
        order = sorted(range(n), key=lambda j: -composite[j])  # stable: ties in item order
        top1[order[0]] += 1
        for j in order[:3]:
            top3[j] += 1
        if len(axes) == 2:
            for j, item in enumerate(items):
                quads[j][2 * (scores[(item, "y")] < 0.5) + (scores[(item, "x")] < 0.5)] += 1
    return {item: (top1[j] / draws, top3[j] / draws,
                   tuple(c / draws for c in quads[j]) if len(axes) == 2 else None) for j, item in enumerate(items)}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["x", "y"]), st.sampled_from([1, -1])), min_size=1, max_size=6),
       st.integers(1, 6), st.integers(0, 3), st.data())
def test_rank_acceptability_matches_draw_by_draw(spec: list, n_items: int, seed: int, data: st.DataObject) -> None:
    scale = Scale(1, 5)
    criteria = [Criterion(f"c{i}", "C", axis, direction, 1.0) for i, (axis, direction) in enumerate(spec)]
    items = [f"s{j}" for j in range(n_items)]
    mean = st.fractions(1, 5, max_denominator=12)
    means = {item: {c.key: data.draw(mean) for c in criteria} for item in items}
    result = rank_acceptability(means, items, criteria, scale, draws=60, seed=seed)["items"]
    axes = [axis for axis in ("x", "y") if any(c.axis == axis for c in criteria)]
    values = {item: {axis: [float(normalised(means[item][c.key], c, scale)) for c in criteria if c.axis == axis]
                     for axis in axes} for item in items}
    expected = _plain_acceptability(values, items, axes, 60, seed)
    for item in items:
        quadrants = result[item]["quadrants"]
        got = (result[item]["top1"], result[item]["top3"], None if quadrants is None else tuple(quadrants.values()))
        assert got == expected[item]
