"""Statistics over histograms of integer ratings (value -> count).

Ratings are small integers, so every statistic here works on a histogram rather than on the
raw list: the cost depends on the number of scale points, not on the number of participants.
Where it is cheap, sums are kept as exact integers or fractions so that results, and the
orders and quadrants derived from them, do not depend on float rounding.

Undefined statistics (the mean of nothing, the sd of one value) are ``None`` rather than
errors: "not enough data" is a normal state in a live workshop.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from .special import betainc, t_cdf, t_ppf, t_sf

__all__ = [
    "Histogram",
    "KruskalWallis",
    "Stratum",
    "TopBox",
    "betainc",
    "consensus",
    "count",
    "iqr",
    "kish_effective_n",
    "kruskal_wallis",
    "mean",
    "mean_exact",
    "median",
    "merge",
    "quantile",
    "sd",
    "strata_weighted_mean",
    "stratified_se",
    "stratified_se_df",
    "stratified_variance_terms",
    "t_cdf",
    "t_interval",
    "t_ppf",
    "t_sf",
    "tastle_wierman",
    "top_box",
    "van_der_eijk",
    "variance_exact",
    "welch_satterthwaite_df",
    "wilson_interval",
]

Histogram = Mapping[int, int]


def _items(hist: Histogram) -> list[tuple[int, int]]:
    """Sorted (value, count) pairs with count > 0; rejects negative counts early."""
    pairs = sorted(hist.items())  # called for every statistic: the common case stays in C
    if pairs and min(hist.values()) <= 0:
        for value, n in pairs:
            if n < 0:
                raise ValueError(f"negative count {n} for value {value}")
        pairs = [pair for pair in pairs if pair[1]]
    return pairs


def merge(hists: Iterable[Histogram]) -> dict[int, int]:
    """Pool histograms (e.g. the groups of an item) into one."""
    pooled: dict[int, int] = {}
    for hist in hists:
        for value, n in hist.items():
            if n < 0:
                raise ValueError(f"negative count {n} for value {value}")
            if n:
                pooled[value] = pooled.get(value, 0) + n
    return pooled


def count(hist: Histogram) -> int:
    """Number of values."""
    return sum(n for _, n in _items(hist))


def mean_exact(hist: Histogram) -> Fraction | None:
    """Exact mean as a fraction, so that comparisons (quadrants, sorting) are not at the mercy of rounding."""
    pairs = _items(hist)
    m = sum(n for _, n in pairs)
    if m == 0:
        return None
    return Fraction(sum(v * n for v, n in pairs), m)


def mean(hist: Histogram) -> float | None:
    """Arithmetic mean, correctly rounded from the exact value; None when empty."""
    exact = mean_exact(hist)
    return None if exact is None else float(exact)


def variance_exact(hist: Histogram) -> Fraction | None:
    """Exact sample variance (m - 1 denominator); None with fewer than two values.

    Uses (m * sum(x^2) - (sum x)^2) / (m (m - 1)) in integers, which is exact and so free of
    the cancellation that makes this formula dangerous in floating point.
    """
    pairs = _items(hist)
    m = sum(n for _, n in pairs)
    if m < 2:
        return None
    s1 = sum(v * n for v, n in pairs)
    s2 = sum(v * v * n for v, n in pairs)
    return Fraction(m * s2 - s1 * s1, m * (m - 1))


def sd(hist: Histogram) -> float | None:
    """Sample standard deviation (m - 1 denominator); None with fewer than two values."""
    var = variance_exact(hist)
    return None if var is None else math.sqrt(var)


def _order_statistic(pairs: Sequence[tuple[int, int]], index: int) -> int:
    """The index-th smallest value (0-based) of the expanded data."""
    seen = 0
    for value, n in pairs:
        seen += n
        if index < seen:
            return value
    raise IndexError(index)


def quantile(hist: Histogram, q: float) -> float | None:
    """Quantile by linear interpolation between order statistics; None when empty.

    Rule (numpy's default ``method='linear'``, Hyndman–Fan type 7): with the m values sorted
    as x[0] <= ... <= x[m-1], h = (m - 1) q, the quantile is x[floor h] + (h - floor h) *
    (x[floor h + 1] - x[floor h]).
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile level must lie in [0, 1], got {q!r}")
    pairs = _items(hist)
    return _quantile_pairs(pairs, sum(n for _, n in pairs), q)


def _quantile_pairs(pairs: Sequence[tuple[int, int]], m: int, q: float) -> float | None:
    """:func:`quantile` on already sorted, positive (value, count) pairs with m values in all."""
    if m == 0:
        return None
    h = (m - 1) * q
    j = math.floor(h)
    frac = h - j
    lower = _order_statistic(pairs, j)
    if frac == 0.0:
        return float(lower)
    upper = _order_statistic(pairs, j + 1)
    return lower + frac * (upper - lower)


def median(hist: Histogram) -> float | None:
    """Median; for an even count the mean of the two middle values. None when empty."""
    pairs = _items(hist)
    return _median_pairs(pairs, sum(n for _, n in pairs))


def _median_pairs(pairs: Sequence[tuple[int, int]], m: int) -> float | None:
    """:func:`median` on already sorted, positive (value, count) pairs with m values in all."""
    if m == 0:
        return None
    if m % 2:
        return float(_order_statistic(pairs, m // 2))
    return (_order_statistic(pairs, m // 2 - 1) + _order_statistic(pairs, m // 2)) / 2


def iqr(hist: Histogram) -> float | None:
    """Interquartile range Q(0.75) - Q(0.25) with the linear rule of :func:`quantile`; None when empty."""
    q3 = quantile(hist, 0.75)
    q1 = quantile(hist, 0.25)
    return None if q1 is None or q3 is None else q3 - q1


def _check_scale(pairs: Sequence[tuple[int, int]], lo: int, hi: int) -> None:
    if lo > hi:
        raise ValueError(f"scale minimum {lo} exceeds maximum {hi}")
    for value, _ in pairs:
        if not lo <= value <= hi:
            raise ValueError(f"value {value} outside the scale [{lo}, {hi}]")


def tastle_wierman(hist: Histogram, lo: int, hi: int) -> float | None:
    """Tastle–Wierman consensus on the scale [lo, hi] (docs/methods.md, "Consensus"); None when empty.

    1 when everyone chose one point, 0 when split evenly between the two ends. The scale
    width d = hi - lo is fixed by the scale, not by the values observed, so figures compare
    across items. A one-point scale (d = 0) is trivially unanimous.
    """
    pairs = _items(hist)
    _check_scale(pairs, lo, hi)
    m = sum(n for _, n in pairs)
    return _tastle_wierman_pairs(pairs, m, sum(v * n for v, n in pairs), hi - lo)


def _tastle_wierman_pairs(pairs: Sequence[tuple[int, int]], m: int, s1: int, width: int) -> float | None:
    """:func:`tastle_wierman` on checked, sorted, positive pairs with m values summing to s1."""
    if m == 0:
        return None
    if width == 0 or len(pairs) == 1:
        return 1.0
    # 1 - |X_k - mu| / d = (m d - |m X_k - S|) / (m d) with S = sum of values: integers, one correctly
    # rounded division each, and no fractions in the loop (this runs for every item, axis and group).
    md = m * width
    total = math.fsum(n / m * math.log2((md - abs(m * v - s1)) / md) for v, n in pairs)
    return min(1.0, max(0.0, 1.0 + total))  # theoretically in [0, 1]; keep rounding from leaving it


consensus = tastle_wierman


@lru_cache(maxsize=4096)
def _pattern_agreement(pattern: tuple[bool, ...]) -> float:
    """Van der Eijk's agreement of a 0/1 pattern over K categories (cached: few patterns recur for every item)."""
    k = len(pattern)
    s = sum(pattern)
    tu = tdu = 0
    for i in range(k):
        for j in range(i + 1, k):
            for m in range(j + 1, k):
                triple = (pattern[i], pattern[j], pattern[m])
                if triple in ((True, True, False), (False, True, True)):
                    tu += 1
                elif triple == (True, False, True):
                    tdu += 1
    unimodality = 1.0 if tu + tdu == 0 else ((k - 2) * tu - (k - 1) * tdu) / ((k - 2) * (tu + tdu))
    return unimodality * (1 - (s - 1) / (k - 1))


def van_der_eijk(hist: Histogram, lo: int, hi: int) -> float | None:
    """Van der Eijk's agreement A in [-1, 1] on the scale [lo, hi] (docs/methods.md); None when empty.

    A < 0 signals polarisation (mass at both ends), which the mean and even Tastle–Wierman
    can hide. Needs at least three scale points.
    """
    pairs = _items(hist)
    _check_scale(pairs, lo, hi)
    if hi - lo < 2:
        raise ValueError("van der Eijk's agreement needs a scale of at least three points")
    return _van_der_eijk_pairs(pairs, lo, hi)


def _van_der_eijk_pairs(pairs: Sequence[tuple[int, int]], lo: int, hi: int) -> float | None:
    """:func:`van_der_eijk` on checked, sorted, positive pairs of a scale of >= 3 points."""
    freq = [0] * (hi - lo + 1)
    for value, n in pairs:
        freq[value - lo] = n
    total = sum(freq)
    if total == 0:
        return None
    # Peel the distribution into layers: each layer is the 0/1 pattern of the points still above the previous
    # layer's level, as thick as the step to the next distinct count (the same layers, and the same float
    # operations in the same order, as repeatedly subtracting the smallest positive count).
    result = 0.0
    previous = 0
    for level in sorted({n for _, n in pairs}):
        pattern = tuple([f > previous for f in freq])
        weight = (level - previous) * sum(pattern) / total
        result += weight * _pattern_agreement(pattern)
        previous = level
    return result


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (docs/methods.md, "Top-two share"); None with no trials.

    Preferred over the normal approximation because groups are small and shares are often
    near 0 or 1, where the latter gives impossible bounds.
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError("need 0 <= successes <= trials")
    if trials == 0:
        return None
    p = successes / trials
    z2 = z * z
    denom = 1.0 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denom
    half = z * math.sqrt(p * (1.0 - p) / trials + z2 / (4.0 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class TopBox:
    """Share of values in the top boxes of the scale, with its Wilson interval."""

    successes: int
    n: int
    share: float | None
    ci95: tuple[float, float] | None


def top_box(hist: Histogram, hi: int, boxes: int = 2, z: float = 1.96) -> TopBox:
    """Top-``boxes`` share (values >= hi - boxes + 1), e.g. the share rating 4-5 on a 1-5 scale."""
    if boxes < 1:
        raise ValueError("boxes must be at least 1")
    return _top_box_pairs(_items(hist), hi, boxes, z)


def _top_box_pairs(pairs: Sequence[tuple[int, int]], hi: int, boxes: int = 2, z: float = 1.96) -> TopBox:
    """:func:`top_box` on sorted, positive pairs (``boxes`` already checked)."""
    n = sum(c for _, c in pairs)
    successes = sum(c for v, c in pairs if v >= hi - boxes + 1)
    return TopBox(
        successes=successes,
        n=n,
        share=successes / n if n else None,
        ci95=wilson_interval(successes, n, z),
    )


@dataclass(frozen=True)
class KruskalWallis:
    """Kruskal–Wallis H (tie-corrected) and its effect size epsilon^2 = H / (N - 1)."""

    h: float
    epsilon2: float
    n: int


def kruskal_wallis(hists: Sequence[Histogram]) -> KruskalWallis | None:
    """Kruskal–Wallis H over groups given as histograms, with scipy's tie correction (docs/methods.md).

    Works on mid-ranks per scale point, so the cost is groups x scale points, not voters. None
    when fewer than two groups have values or every value is the same (H is then undefined).
    """
    return _kruskal_wallis_pairs([_items(h) for h in hists])


def _kruskal_wallis_pairs(hists: Sequence[Sequence[tuple[int, int]]]) -> KruskalWallis | None:
    """:func:`kruskal_wallis` on groups given as sorted, positive (value, count) pairs."""
    groups = [pairs for pairs in hists if pairs]
    if len(groups) < 2:
        return None
    pooled: dict[int, int] = {}
    for pairs in groups:
        for value, c in pairs:
            pooled[value] = pooled.get(value, 0) + c
    total = sum(pooled.values())
    twice_midrank: dict[int, int] = {}  # 2 x mid-rank is an integer: exact sums, one float division at the end
    below = 0
    ties = 0
    for value in sorted(pooled):
        t = pooled[value]
        twice_midrank[value] = 2 * below + t + 1
        below += t
        ties += t * t * t - t
    if ties == total**3 - total:
        return None
    correction = 1 - ties / (total**3 - total)
    rank_term = 0.0
    for pairs in groups:
        n_g = sum(c for _, c in pairs)
        r2 = sum(twice_midrank[v] * c for v, c in pairs)
        rank_term += r2 * r2 / (4 * n_g)  # integer ratio, correctly rounded; H only meets a threshold
    h = (12 * rank_term / (total * (total + 1)) - 3 * (total + 1)) / correction
    return KruskalWallis(h=h, epsilon2=h / (total - 1), n=total)


# --- combining groups -----------------------------------------------------------------------


@dataclass(frozen=True)
class Stratum:
    """One group's contribution to a weighted mean: its weight W_g and its values' histogram."""

    weight: float
    hist: Histogram


def _check_strata(strata: Sequence[Stratum]) -> None:
    for s in strata:
        if not (s.weight >= 0 and math.isfinite(s.weight)):
            raise ValueError(f"group weight must be a finite number >= 0, got {s.weight!r}")


def strata_weighted_mean(strata: Sequence[Stratum]) -> Fraction | None:
    """Exact sum(W_g * mean_g) / sum(W_g) over strata with values; None if their weights sum to 0.

    Float weights are converted exactly, so equal weights over equal-sized groups give exactly
    the per-head mean and a weight of 0 changes nothing.
    """
    _check_strata(strata)
    num = Fraction(0)
    den = Fraction(0)
    for s in strata:
        mu = mean_exact(s.hist)
        if mu is None or s.weight == 0:
            continue
        w = Fraction(s.weight)
        num += w * mu
        den += w
    if den == 0:
        return None
    return num / den


def stratified_variance_terms(strata: Sequence[Stratum]) -> list[tuple[float, int]] | None:
    """The terms (v_g, m_g) with v_g = w_g^2 sd_g^2 / m_g, w_g = W_g / sum(W_g), over strata of positive weight.

    Strata of weight 0 or without values are left out: they carry no share of the mean. None
    when the variance cannot be estimated: the weights sum to 0, or a stratum of positive
    weight has a single value (its sd is undefined, and treating it as 0 would overstate the
    precision). A stratum whose values are all equal (sd_g = 0) contributes v_g = 0.
    Floats suffice here: only the mean needs exactness, for the orders and quadrants.
    """
    _check_strata(strata)
    used = []
    for s in strata:
        if s.weight > 0:
            m = count(s.hist)
            if m:
                used.append((s.weight, m, s.hist))
    total_w = math.fsum(w for w, _, _ in used)
    if total_w == 0:
        return None
    terms: list[tuple[float, int]] = []
    for w, m, hist in used:
        var = variance_exact(hist)
        if var is None:
            return None
        share = w / total_w
        terms.append((share * share * float(var) / m, m))
    return terms


def _se_df(terms: Sequence[tuple[float, int]]) -> tuple[float, float | None]:
    var = math.fsum(v for v, _ in terms)
    denom = math.fsum(v * v / (m - 1) for v, m in terms if v)
    df = var * var / denom if var > 0 and denom > 0 else None
    return math.sqrt(var), df


def stratified_se_df(strata: Sequence[Stratum]) -> tuple[float, float | None] | None:
    """(stratified SE, Welch–Satterthwaite df) in one pass; None when the SE is undefined.

    df is None when SE = 0 (every used group unanimous): there is no spread to take degrees
    of freedom from, and the interval is the point [mean, mean] anyway.
    """
    terms = stratified_variance_terms(strata)
    return None if terms is None else _se_df(terms)


def stratified_se(strata: Sequence[Stratum]) -> float | None:
    """Standard error of the weighted mean of group means, sqrt(sum v_g) (docs/methods.md, "Combining groups")."""
    result = stratified_se_df(strata)
    return None if result is None else result[0]


def welch_satterthwaite_df(strata: Sequence[Stratum]) -> float | None:
    """Welch–Satterthwaite df = SE^4 / sum(v_g^2 / (m_g - 1)), fractional in general; None if undefined."""
    result = stratified_se_df(strata)
    return None if result is None else result[1]


def kish_effective_n(strata: Sequence[Stratum]) -> float | None:
    """Kish effective sample size (sum w_i)^2 / sum w_i^2 with w_i = W_g / m_g (docs/methods.md)."""
    _check_strata(strata)
    used = [(Fraction(s.weight), count(s.hist)) for s in strata if s.weight > 0]
    used = [(w, m) for w, m in used if m > 0]
    if not used:
        return None
    num = sum((w for w, _ in used), Fraction(0)) ** 2
    den = sum((w * w / m for w, m in used), Fraction(0))
    return float(num / den)


def t_interval(
    centre: float,
    se: float,
    df: float | None,
    level: float = 0.95,
    clip: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """centre ± t((1 + level) / 2, df) * se, optionally clipped to a scale.

    With se == 0 the interval is the single point [centre, centre] whatever df is (df is
    then undefined; see :func:`welch_satterthwaite_df`).
    """
    if se < 0:
        raise ValueError("standard error must be >= 0")
    if se == 0:
        low = high = centre
    else:
        if df is None:
            raise ValueError("df is required when se > 0")
        half = t_ppf((1.0 + level) / 2.0, df) * se
        low, high = centre - half, centre + half
    if clip is not None:
        low = float(min(max(low, clip[0]), clip[1]))
        high = float(min(max(high, clip[0]), clip[1]))
    return low, high
