"""Student t and incomplete beta against scipy, including fractional degrees of freedom."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special as spspecial
from scipy import stats as sps

from app.engine.special import betainc, t_cdf, t_ppf, t_sf

PS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.55, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995,
      0.999]
DFS = [0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4.2, 5, 7.77, 10, 15.5, 29, 30, 60.3, 120, 500, 1000.5, 5000, 10000]


@pytest.mark.parametrize("df", DFS)
@pytest.mark.parametrize("p", PS)
def test_t_ppf_grid_matches_scipy(p: float, df: float) -> None:
    assert t_ppf(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-9, abs=0)


@settings(max_examples=300, deadline=None)
@given(
    p=st.floats(min_value=1e-6, max_value=1 - 1e-6).filter(lambda p: abs(p - 0.5) > 1e-3),
    log_df=st.floats(min_value=0.0, max_value=math.log(10000)),
)
def test_t_ppf_fractional_df_matches_scipy(p: float, log_df: float) -> None:
    df = math.exp(log_df)
    assert t_ppf(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-9, abs=0)


@settings(max_examples=200, deadline=None)
@given(
    p=st.floats(min_value=1e-9, max_value=1 - 1e-9),
    df=st.floats(min_value=0.5, max_value=20000),
)
def test_t_ppf_inverts_cdf(p: float, df: float) -> None:
    # Near the median scipy's ppf loses digits (it works from 1 - p), so check the round trip instead.
    t = t_ppf(p, df)
    # The documented accuracy of t_ppf is 1e-9 relative; a large df flattens the cdf, so allow that much here.
    assert sps.t.cdf(t, df) == pytest.approx(p, rel=1e-9, abs=1e-15)


def test_t_ppf_exact_small_df() -> None:
    for p in (0.6, 0.975, 0.999, 0.5000001):
        assert t_ppf(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-12)
        assert t_ppf(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-12)


def test_t_ppf_special_values() -> None:
    assert t_ppf(0.5, 3.3) == 0.0
    assert t_ppf(0.0, 3) == -math.inf
    assert t_ppf(1.0, 3) == math.inf
    assert t_ppf(0.025, 7.5) == pytest.approx(-t_ppf(0.975, 7.5), rel=1e-14)  # 1 - 0.975 != 0.025 in floats
    assert t_ppf(0.975, 1e6) == pytest.approx(sps.norm.ppf(0.975), rel=1e-5)
    # heavy tails at small df: far out, still accurate
    assert t_ppf(1 - 1e-12, 0.5) == pytest.approx(sps.t.ppf(1 - 1e-12, 0.5), rel=1e-9)
    assert t_ppf(1e-15, 3.5) == pytest.approx(sps.t.ppf(1e-15, 3.5), rel=1e-9)


@pytest.mark.parametrize("bad", [(1.1, 3), (-0.1, 3), (0.9, 0), (0.9, -1), (0.9, math.inf), (0.9, math.nan)])
def test_t_ppf_rejects(bad: tuple[float, float]) -> None:
    with pytest.raises(ValueError):
        t_ppf(*bad)


@pytest.mark.parametrize("df", [0.5, 1, 2.5, 7.3, 100.2, 5000.5])
@pytest.mark.parametrize("t", [-50, -3, -1, -0.1, 0, 0.2, 1.5, 4, 100])
def test_t_cdf_and_sf_match_scipy(t: float, df: float) -> None:
    assert t_cdf(t, df) == pytest.approx(sps.t.cdf(t, df), rel=1e-10)
    assert t_sf(t, df) == pytest.approx(sps.t.sf(t, df), rel=1e-10)
    assert t_cdf(t, df) + t_sf(t, df) == pytest.approx(1.0, rel=1e-14)


def test_t_sf_infinities() -> None:
    assert t_sf(math.inf, 3) == 0.0
    assert t_sf(-math.inf, 3) == 1.0
    assert math.isnan(t_sf(math.nan, 3))


@pytest.mark.parametrize("a", [0.3, 1, 2.5, 40, 800])
@pytest.mark.parametrize("b", [0.5, 1.7, 30, 900])
@pytest.mark.parametrize("x", [0, 1e-5, 0.1, 0.5, 0.9, 0.99999, 1])
def test_betainc_matches_scipy(a: float, b: float, x: float) -> None:
    expected = spspecial.betainc(a, b, x)
    assert betainc(a, b, x) == pytest.approx(expected, rel=1e-10, abs=1e-300)


def test_betainc_rejects() -> None:
    for args in ((0, 1, 0.5), (1, -1, 0.5), (1, 1, 1.5), (1, 1, -0.1)):
        with pytest.raises(ValueError):
            betainc(*args)


def test_t_ppf_is_monotone_in_p() -> None:
    ps = np.linspace(0.001, 0.999, 400)
    ts = [t_ppf(float(p), 3.7) for p in ps]
    assert all(a < b for a, b in itertools.pairwise(ts))
