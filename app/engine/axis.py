"""One rating axis of one item, pooled over the groups: the unit every rating activity shares.

A `matrix` item has two axes (x, y), a `scale` item one, a `criteria` item one per criterion;
they all follow the same weighting, fallback and suppression rules (docs/interface.md, "Results
document (matrix)"), which live here so that the types cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from . import stats
from .common import EQUAL_GROUPS, GroupSpec, Scale, check_groups, check_min_group_size, check_weighting
from .stats import Histogram

__all__ = ["AxisSummary", "axis_summary", "divergence"]


@dataclass(frozen=True)
class AxisSummary:
    """Pooled and per-group figures of one axis, with the anonymity rules already applied.

    ``mean`` and ``group_means`` are exact fractions: quadrants, sorting and divergence are
    decided on them, and :meth:`fields` rounds once, at the end.
    """

    m: int  # values on the axis, all groups
    group_counts: Mapping[str, int]  # values per group, every group
    mean: Fraction | None  # in the requested weighting; None when no value or suppressed
    median: float | None
    sd: float | None
    ci95: tuple[float, float] | None
    consensus: float | None
    fell_back: bool  # equal_groups only: the mean is the plain mean (no group of positive weight reaches k)
    below_k: tuple[str, ...]  # groups with fewer than k values, workshop order
    group_means: Mapping[str, Fraction | None]  # shown group means: >= k values and not suppressed
    groups_suppressed: bool  # equal_groups fell back while a group has 1..k-1 values: no group mean shown
    # Extensions (shared design): unweighted over everyone like median/sd/consensus, same suppression.
    iqr: float | None = None
    agreement: float | None = None  # van der Eijk A; None on a scale of fewer than three points
    top2: stats.TopBox | None = None  # None when no value (or suppressed)
    dont_know: int = 0  # "don't know" answers for this item and axis; a count, like n, always shown
    scale: Scale | None = None
    # The per-group histograms validated, sorted and summed once (for the flags; never output).
    prepared: Mapping[str, Prepared] | None = field(default=None, compare=False, repr=False)
    spread: Fraction | None = field(default=None, compare=False, repr=False)  # max - min of shown group means

    def fields(self) -> dict:
        """The contract's per-axis object (mean, median, sd, ci95, consensus) plus iqr, agreement, top2, dont_know."""
        top2 = None
        if self.top2 is not None and self.top2.share is not None and self.top2.ci95 is not None:
            top2 = {"share": self.top2.share, "ci95": [self.top2.ci95[0], self.top2.ci95[1]]}
        return {
            "mean": None if self.mean is None else float(self.mean),
            "median": self.median,
            "sd": self.sd,
            "ci95": None if self.ci95 is None else [self.ci95[0], self.ci95[1]],
            "consensus": self.consensus,
            "iqr": self.iqr,
            "agreement": self.agreement,
            "top2": top2,
            "dont_know": self.dont_know,
        }

    @property
    def shown_groups(self) -> list[str]:
        """Groups whose mean is shown on this axis (>= k values, not suppressed), workshop order."""
        return [key for key, value in self.group_means.items() if value is not None]

    def group_mean(self, key: str) -> float | None:
        """A group's mean as shown (None when below k or suppressed)."""
        value = self.group_means.get(key)
        return None if value is None else float(value)


class Prepared:
    """One group's histogram of one axis, validated, sorted and summed once.

    Every statistic of an axis (and the flags) reads the same few histograms many times; doing
    the sorting and the sums (count, sum, sum of squares) once per histogram is most of the
    engine's saving. ``pairs`` holds (value, count) with count > 0, by value.
    """

    __slots__ = ("m", "pairs", "s1", "s2")

    def __init__(self, pairs: list[tuple[int, int]]) -> None:
        m = s1 = s2 = 0
        for value, n in pairs:
            m += n
            vn = value * n
            s1 += vn
            s2 += value * vn
        self.pairs = pairs
        self.m = m
        self.s1 = s1
        self.s2 = s2


def _prepare(per_group: Mapping[str, Histogram], scale: Scale) -> tuple[dict[int, int], dict[str, Prepared]]:
    """Pool and prepare the groups' histograms; the same errors, in the same order, as merge + range check."""
    pooled: dict[int, int] = {}
    prepared: dict[str, Prepared] = {}
    for key, hist in per_group.items():
        pairs = []
        for value, n in hist.items():
            if n < 0:
                raise ValueError(f"negative count {n} for value {value}")
            if n:
                pooled[value] = pooled.get(value, 0) + n
                pairs.append((value, n))
        pairs.sort()
        prepared[key] = Prepared(pairs)
    for value in pooled:
        if not scale.min <= value <= scale.max:
            raise ValueError(f"value {value} outside the scale [{scale.min}, {scale.max}]")
    return pooled, prepared


def _weighted_mean(used: Sequence[tuple[float, Prepared]]) -> Fraction | None:
    """Exactly :func:`stats.strata_weighted_mean`, in integers: one Fraction built at the end.

    Float weights are exact binary fractions p / q, so sum(W mean) / sum(W) = N / D with
    N = sum p s1 L / (q m) and D = sum p L / q over any common multiple L of the q m.
    """
    terms = []
    for weight, h in used:
        if h.m and weight != 0:
            p, q = weight.as_integer_ratio()
            terms.append((p, q, h))
    if not terms:
        return None
    common = math.lcm(*(q * h.m for _, q, h in terms))
    num = sum(p * h.s1 * (common // (q * h.m)) for p, q, h in terms)
    den = sum(p * (common // q) for p, q, _ in terms)
    return Fraction(num, den)


def _stratified_se_df(used: Sequence[tuple[float, Prepared]]) -> tuple[float, float | None] | None:
    """Exactly :func:`stats.stratified_se_df` over prepared groups (same float operations, same order).

    Over the groups of positive weight used in the mean. If some used group has a single value
    (only possible with k = 1) its variance is unknown and the interval is None rather than
    falsely narrow; groups whose values are all equal contribute 0.
    """
    kept = [(w, h) for w, h in used if w > 0 and h.m]
    total_w = math.fsum(w for w, _ in kept)
    if total_w == 0:
        return None
    terms: list[tuple[float, int]] = []
    for w, h in kept:
        m = h.m
        if m < 2:
            return None
        var = (m * h.s2 - h.s1 * h.s1) / (m * (m - 1))  # int / int: correctly rounded, as float(Fraction) is
        share = w / total_w
        terms.append((share * share * var / m, m))
    return stats._se_df(terms)


def _summarise(
    hists: Mapping[str, Histogram],
    groups: Sequence[GroupSpec],
    keys: Sequence[str],
    scale: Scale,
    k: int,
    weighting: str,
    dont_know: int = 0,
) -> tuple[AxisSummary, Fraction | None]:
    """:func:`axis_summary` without re-checking the arguments shared by every axis, plus the mean in the
    other weighting (the flags compare the two; computing it here reuses the prepared histograms)."""
    unknown = set(hists) - set(keys)
    if unknown:
        raise ValueError(f"values given for unknown groups {sorted(unknown)}")
    per_group = {key: hists.get(key, {}) for key in keys}
    pooled, prepared = _prepare(per_group, scale)
    counts = {key: h.m for key, h in prepared.items()}
    m = sum(counts.values())
    below_k = tuple(key for key in keys if counts[key] < k)
    equal_groups = weighting == EQUAL_GROUPS
    s1 = sum(h.s1 for h in prepared.values())
    s2 = sum(h.s2 for h in prepared.values())

    plain = Fraction(s1, m) if m else None
    fell_back = False
    mean: Fraction | None = plain
    other: Fraction | None = plain
    ci95: tuple[float, float] | None = None
    if plain is not None:
        used = [(g.weight, prepared[g.key]) for g in groups if counts[g.key] >= k]
        weighted = _weighted_mean(used)
        if equal_groups:
            if weighted is None:
                fell_back = True
            else:
                mean = weighted
                se_df = _stratified_se_df(used)
                if se_df is not None:
                    ci95 = stats.t_interval(float(weighted), se_df[0], se_df[1], clip=(scale.min, scale.max))
        elif weighted is not None:
            other = weighted
        if (not equal_groups or fell_back) and m >= 2:
            se = math.sqrt((m * s2 - s1 * s1) / (m * (m - 1) * m))  # sqrt(var / m), one correctly rounded division
            ci95 = stats.t_interval(float(plain), se, m - 1, clip=(scale.min, scale.max))

    groups_suppressed = equal_groups and fell_back and any(0 < counts[key] < k for key in keys)
    group_means = {
        key: Fraction(prepared[key].s1, counts[key]) if counts[key] >= k and counts[key] and not groups_suppressed
        else None
        for key in keys
    }

    # Range of the shown group means, decided on integers (s1_a m_b vs s1_b m_a): divergence and the
    # divergent flag both need it, and Fraction comparisons in max()/min() were a visible cost.
    shown = [prepared[key] for key in keys if group_means[key] is not None]
    spread: Fraction | None = None
    if len(shown) >= 2:
        high = low = shown[0]
        for h in shown[1:]:
            if h.s1 * high.m > high.s1 * h.m:
                high = h
            if h.s1 * low.m < low.s1 * h.m:
                low = h
        spread = Fraction(high.s1 * low.m - low.s1 * high.m, high.m * low.m)

    pairs = sorted(pooled.items())
    median = stats._median_pairs(pairs, m)
    sd = math.sqrt((m * s2 - s1 * s1) / (m * (m - 1))) if m >= 2 else None
    width = scale.max - scale.min
    consensus = stats._tastle_wierman_pairs(pairs, m, s1, width)
    q3 = stats._quantile_pairs(pairs, m, 0.75)
    q1 = stats._quantile_pairs(pairs, m, 0.25)
    iqr = None if q1 is None or q3 is None else q3 - q1
    agreement = stats._van_der_eijk_pairs(pairs, scale.min, scale.max) if width >= 2 else None
    top2: stats.TopBox | None = stats._top_box_pairs(pairs, scale.max, 2) if m else None
    if equal_groups and m < k:
        mean = median = sd = consensus = iqr = agreement = None
        ci95 = None
        top2 = None
    if isinstance(dont_know, bool) or not isinstance(dont_know, int) or dont_know < 0:
        raise ValueError(f"dont_know must be an integer >= 0, got {dont_know!r}")
    summary = AxisSummary(
        m=m,
        group_counts=counts,
        mean=mean,
        median=median,
        sd=sd,
        ci95=ci95,
        consensus=consensus,
        fell_back=fell_back,
        below_k=below_k,
        group_means=group_means,
        groups_suppressed=groups_suppressed,
        iqr=iqr,
        agreement=agreement,
        top2=top2,
        dont_know=dont_know,
        scale=scale,
        prepared=prepared,
        spread=spread,
    )
    return summary, other


def axis_summary(
    hists: Mapping[str, Histogram],
    groups: Sequence[GroupSpec],
    scale: Scale,
    k: int,
    weighting: str,
    dont_know: int = 0,
) -> AxisSummary:
    """Summarise one axis of one item from per-group histograms of its non-null values.

    ``hists`` maps group key -> histogram (a missing group has no values; an unknown key is a
    ValueError). Rules (docs/interface.md, Definitions): per_head mean = plain mean; equal_groups mean =
    sum(W_g mean_g) / sum(W_g) over groups with >= k values, else the plain mean. median, sd,
    consensus are unweighted over everyone. No value: everything None. One value: sd and ci95
    None. Under equal_groups, fewer than k values in total: every pooled figure None.
    iqr, agreement (van der Eijk A, scales of >= 3 points) and top2 (share in the top two scale
    points, Wilson interval) follow median/sd: unweighted, same suppression. ``dont_know`` is
    passed through (a count, shown like n).
    A group mean is shown when the group has >= k values, except under equal_groups when the
    mean fell back while some group has 1..k-1 values (it could be recovered by subtraction).
    """
    check_weighting(weighting)
    check_min_group_size(k)
    scale.check()
    keys = check_groups(groups)
    return _summarise(hists, groups, keys, scale, k, weighting, dont_know)[0]


def divergence(shown_means: Iterable[Iterable[Fraction | None]]) -> float | None:
    """Largest gap between two shown group means on any one axis; None if no axis shows two.

    ``shown_means`` holds, per axis, the group means as displayed (None for a hidden one);
    comparing across axes would mix scales, so gaps are taken within an axis.
    """
    best: Fraction | None = None
    for axis in shown_means:
        values = [v for v in axis if v is not None]
        if len(values) < 2:
            continue
        gap = max(values) - min(values)
        if best is None or gap > best:
            best = gap
    return None if best is None else float(best)
