"""Histogram statistics against numpy/scipy on the expanded data, and the fixtures of docs/methods.md."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from app.engine import stats

from .helpers import expand, hist, ref_stratified, ref_t_ci, ref_tastle_wierman

# docs/methods.md worked example, "Access to finance", severity 1-5
GOV = [3, 3, 4, 2]
EMP = [5, 5, 4, 5, 4, 5, 3, 5, 4, 5, 5, 4]
WRK = [2, 3, 2, 3, 4, 2]
AGRMT_V = [30, 40, 210, 130, 530, 50, 10]  # R package agrmt fixture, 7-point

histograms = st.dictionaries(st.integers(1, 7), st.integers(0, 40), min_size=1).filter(lambda h: sum(h.values()) > 0)


def freq(counts: list[int], lo: int = 1) -> dict[int, int]:
    return {lo + i: c for i, c in enumerate(counts)}


# --- moments and quantiles vs numpy ---------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(histograms)
def test_moments_match_numpy(h: dict[int, int]) -> None:
    a = expand(h)
    assert stats.count(h) == len(a)
    assert stats.mean(h) == pytest.approx(np.mean(a), rel=1e-14)
    assert stats.median(h) == pytest.approx(np.median(a), rel=1e-14)
    if len(a) > 1:
        assert stats.sd(h) == pytest.approx(np.std(a, ddof=1), rel=1e-12, abs=1e-12)
    else:
        assert stats.sd(h) is None


@settings(max_examples=300, deadline=None)
@given(histograms, st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]))
def test_quantile_is_numpy_linear(h: dict[int, int], q: float) -> None:
    a = expand(h)
    assert stats.quantile(h, q) == pytest.approx(np.percentile(a, 100 * q), rel=1e-12, abs=1e-12)
    iqr = np.percentile(a, 75) - np.percentile(a, 25)
    assert stats.iqr(h) == pytest.approx(iqr, abs=1e-12)
    assert stats.iqr(h) == pytest.approx(sps.iqr(a), abs=1e-12)


def test_empty_histogram_gives_none() -> None:
    for h in ({}, {3: 0}):
        assert stats.count(h) == 0
        assert stats.mean(h) is None
        assert stats.mean_exact(h) is None
        assert stats.median(h) is None
        assert stats.sd(h) is None
        assert stats.quantile(h, 0.5) is None
        assert stats.iqr(h) is None
        assert stats.tastle_wierman(h, 1, 5) is None
        assert stats.van_der_eijk(h, 1, 5) is None


def test_median_even_count_is_mean_of_middle_values() -> None:
    assert stats.median({2: 1, 5: 1}) == 3.5
    assert stats.median(hist(WRK)) == 2.5
    assert stats.median({1: 2, 4: 2}) == 2.5


def test_sd_is_exact_for_large_counts() -> None:
    # float two-pass formulas drift here; the exact integer formula does not
    h = {1: 10**9, 2: 10**9}
    assert stats.sd(h) == pytest.approx(math.sqrt(0.25 * 2 * 10**9 / (2 * 10**9 - 1)), rel=1e-15)
    assert stats.sd({4: 7}) == 0.0


def test_rejects_negative_counts_and_bad_quantile() -> None:
    with pytest.raises(ValueError):
        stats.count({1: -1})
    with pytest.raises(ValueError):
        stats.merge([{1: 2}, {2: -1}])
    with pytest.raises(ValueError):
        stats.quantile({1: 1}, 1.5)


def test_merge_pools_histograms() -> None:
    assert stats.merge([hist(GOV), hist(EMP), {}, {9: 0}]) == hist(GOV + EMP)


# --- consensus and agreement ----------------------------------------------------------------


def test_tastle_wierman_fixtures() -> None:
    assert stats.tastle_wierman(freq(AGRMT_V), 1, 7) == pytest.approx(0.7256876, abs=5e-8)
    assert stats.tastle_wierman(freq([10, 0, 0, 0, 10]), 1, 5) == pytest.approx(0.0, abs=1e-15)
    assert stats.tastle_wierman(freq([0, 0, 10, 0, 0]), 1, 5) == 1.0
    assert stats.tastle_wierman(freq([7, 7, 7, 7, 7]), 1, 5) == pytest.approx(0.434, abs=5e-4)
    assert stats.consensus is stats.tastle_wierman


def test_tastle_wierman_worked_example() -> None:
    assert stats.tastle_wierman(hist(GOV + EMP + WRK), 1, 5) == pytest.approx(0.58, abs=0.005)
    assert stats.tastle_wierman(hist(GOV), 1, 5) == pytest.approx(0.79, abs=0.005)
    assert stats.tastle_wierman(hist(EMP), 1, 5) == pytest.approx(0.77, abs=0.005)
    assert stats.tastle_wierman(hist(WRK), 1, 5) == pytest.approx(0.73, abs=0.005)


@settings(max_examples=300, deadline=None)
@given(histograms, st.integers(0, 3))
def test_tastle_wierman_matches_numpy_and_lies_in_unit_interval(h: dict[int, int], widen: int) -> None:
    lo, hi = 1, 7 + widen  # the scale, not the data, sets the width
    values = list(expand(h).astype(int))
    got = stats.tastle_wierman(h, lo, hi)
    assert got == pytest.approx(ref_tastle_wierman(values, lo, hi), abs=1e-12)
    assert -1e-12 <= got <= 1.0


def test_tastle_wierman_uses_the_scale_width() -> None:
    # the same two values are further apart on a 1-3 scale than on a 1-7 scale
    assert stats.tastle_wierman({2: 1, 3: 1}, 1, 3) < stats.tastle_wierman({2: 1, 3: 1}, 1, 7)
    assert stats.tastle_wierman({4: 3}, 4, 4) == 1.0


def test_consensus_rejects_values_off_the_scale() -> None:
    with pytest.raises(ValueError):
        stats.tastle_wierman({6: 1}, 1, 5)
    with pytest.raises(ValueError):
        stats.tastle_wierman({1: 1}, 5, 1)
    with pytest.raises(ValueError):
        stats.van_der_eijk({0: 1}, 1, 5)


def test_van_der_eijk_fixtures() -> None:
    assert stats.van_der_eijk(freq(AGRMT_V), 1, 7) == pytest.approx(0.6113333, abs=5e-8)
    assert stats.van_der_eijk(freq([10, 0, 0, 0, 0, 0, 0]), 1, 7) == 1.0
    assert stats.van_der_eijk(freq([5, 5, 5, 5, 5, 5, 5]), 1, 7) == pytest.approx(0.0, abs=1e-15)
    assert stats.van_der_eijk(freq([10, 0, 0, 0, 0, 0, 10]), 1, 7) == pytest.approx(-1.0, abs=1e-15)
    assert stats.van_der_eijk(freq([3, 3, 3]), 1, 3) == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError):
        stats.van_der_eijk({1: 1, 2: 1}, 1, 2)


@settings(max_examples=200, deadline=None)
@given(histograms)
def test_van_der_eijk_bounds(h: dict[int, int]) -> None:
    a = stats.van_der_eijk(h, 1, 7)
    assert -1.0 - 1e-12 <= a <= 1.0 + 1e-12
    # scaling every count leaves the shares, and so A, unchanged
    assert stats.van_der_eijk({v: 3 * c for v, c in h.items()}, 1, 7) == pytest.approx(a, abs=1e-12)


# --- top-2-box and Wilson -------------------------------------------------------------------


def test_wilson_fixtures() -> None:
    low, high = stats.wilson_interval(11, 12)
    assert (round(low, 3), round(high, 3)) == (0.646, 0.985)
    low, high = stats.wilson_interval(1, 6)
    assert (round(low, 3), round(high, 3)) == (0.030, 0.564)
    assert stats.wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        stats.wilson_interval(3, 2)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_scipy(xn: tuple[int, int]) -> None:
    x, n = xn
    z = float(sps.norm.ppf(0.975))
    ref = sps.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = stats.wilson_interval(x, n, z=z)
    assert low == pytest.approx(ref.low, abs=1e-12)
    assert high == pytest.approx(ref.high, abs=1e-12)


def test_top_box_share() -> None:
    emp = {5: 7, 4: 4, 3: 1}  # 11 of 12 rate 4-5
    tb = stats.top_box(emp, hi=5)
    assert (tb.successes, tb.n) == (11, 12)
    assert tb.share == pytest.approx(11 / 12)
    assert tb.ci95 == stats.wilson_interval(11, 12)
    wrk = {2: 3, 3: 2, 4: 1}  # 1 of 6 rate 4-5
    assert stats.top_box(wrk, hi=5).share == pytest.approx(1 / 6)
    assert stats.top_box({5: 2, 4: 3}, hi=5, boxes=1).successes == 2
    empty = stats.top_box({}, hi=5)
    assert (empty.share, empty.ci95) == (None, None)


# --- combining groups (docs/methods.md) --------------------------------------------------------


def strata(weights: tuple[float, float, float]) -> list[stats.Stratum]:
    return [stats.Stratum(w, hist(v)) for w, v in zip(weights, (GOV, EMP, WRK), strict=True)]


def test_worked_example_per_head() -> None:
    pooled = hist(GOV + EMP + WRK)
    m = stats.count(pooled)
    assert m == 22
    assert stats.mean(pooled) == pytest.approx(3.73, abs=0.005)
    se = stats.sd(pooled) / math.sqrt(m)
    low, high = stats.t_interval(stats.mean(pooled), se, m - 1, clip=(1, 5))
    assert (round(low, 2), round(high, 2)) == (3.23, 4.22)
    assert (low, high) == pytest.approx(ref_t_ci(GOV + EMP + WRK, 1, 5), rel=1e-12)
    assert stats.median(hist(GOV)) == 3 and stats.median(hist(EMP)) == 5 and stats.median(hist(WRK)) == 2.5


def test_worked_example_parity() -> None:
    thirds = strata((1, 1, 1))
    assert float(stats.strata_weighted_mean(thirds)) == pytest.approx(3.39, abs=0.005)
    assert stats.stratified_se(thirds) == pytest.approx(0.19, abs=0.005)
    assert stats.kish_effective_n(thirds) == pytest.approx(18.0, abs=1e-12)
    ilo = strata((2, 1, 1))
    assert float(stats.strata_weighted_mean(ilo)) == pytest.approx(3.29, abs=0.005)
    # weights need not sum to 1: only their ratios matter
    assert stats.strata_weighted_mean(strata((0.5, 0.25, 0.25))) == stats.strata_weighted_mean(ilo)


@pytest.mark.parametrize("weights", [(1, 1, 1), (2, 1, 1), (0.2, 0.5, 0.3), (0, 1, 3)])
def test_stratified_helpers_match_numpy(weights: tuple[float, float, float]) -> None:
    mean, se, df = ref_stratified(list(zip(weights, (GOV, EMP, WRK), strict=True)))
    s = strata(weights)
    assert float(stats.strata_weighted_mean(s)) == pytest.approx(mean, rel=1e-14)
    assert stats.stratified_se(s) == pytest.approx(se, rel=1e-12)
    assert stats.welch_satterthwaite_df(s) == pytest.approx(df, rel=1e-12)
    assert stats.stratified_se_df(s) == (stats.stratified_se(s), stats.welch_satterthwaite_df(s))
    assert min(len(GOV), len(EMP), len(WRK)) - 1 <= stats.welch_satterthwaite_df(s) <= 22 - 3


def test_stratified_edge_cases() -> None:
    # all weights 0: no weighted mean, no SE
    zero = [stats.Stratum(0, hist(GOV)), stats.Stratum(0.0, hist(EMP))]
    assert stats.strata_weighted_mean(zero) is None
    assert stats.stratified_se(zero) is None
    assert stats.welch_satterthwaite_df(zero) is None
    assert stats.kish_effective_n(zero) is None
    # a group of one value: its variance is unknown, so the SE is too
    single = [stats.Stratum(1, {3: 1}), stats.Stratum(1, hist(EMP))]
    assert float(stats.strata_weighted_mean(single)) == pytest.approx((3 + np.mean(EMP)) / 2)
    assert stats.stratified_se(single) is None
    # unanimous groups: SE 0, df undefined, interval collapses to the mean
    flat = [stats.Stratum(1, {2: 4}), stats.Stratum(1, {4: 5})]
    assert stats.stratified_se(flat) == 0.0
    assert stats.welch_satterthwaite_df(flat) is None
    assert stats.t_interval(3.0, 0.0, None, clip=(1, 5)) == (3.0, 3.0)
    # one unanimous group among others: it adds no term to the df denominator
    mixed = [stats.Stratum(1, {2: 4}), stats.Stratum(1, hist(EMP))]
    _, se, df = ref_stratified([(1, [2, 2, 2, 2]), (1, EMP)])
    assert stats.stratified_se(mixed) == pytest.approx(se)
    assert stats.welch_satterthwaite_df(mixed) == pytest.approx(df)
    # a weight-0 group with a single value is simply not a stratum
    assert stats.stratified_se([*strata((1, 1, 1)), stats.Stratum(0, {1: 1})]) == stats.stratified_se(strata((1, 1, 1)))
    with pytest.raises(ValueError):
        stats.strata_weighted_mean([stats.Stratum(-1, {1: 1})])
    with pytest.raises(ValueError):
        stats.strata_weighted_mean([stats.Stratum(math.nan, {1: 1})])


def test_t_interval_clips_and_validates() -> None:
    low, high = stats.t_interval(4.9, 0.5, 3, clip=(1, 5))
    assert high == 5 and low == pytest.approx(4.9 - sps.t.ppf(0.975, 3) * 0.5)
    assert stats.t_interval(2.0, 1.0, 10.5) == pytest.approx(sps.t.interval(0.95, 10.5, loc=2.0, scale=1.0))
    with pytest.raises(ValueError):
        stats.t_interval(1.0, -1.0, 3)
    with pytest.raises(ValueError):
        stats.t_interval(1.0, 1.0, None)
