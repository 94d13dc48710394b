"""One rating axis of one item, pooled over the groups: the unit every rating activity shares.

A `matrix` item has two axes (x, y), a `scale` item one, a `criteria` item one per criterion;
they all follow the same weighting, fallback and suppression rules (contract, "Results
document (matrix)"), which live here so that the types cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from . import stats
from .common import EQUAL_GROUPS, GroupSpec, Scale, check_groups, check_min_group_size, check_weighting
from .stats import Histogram, Stratum

__all__ = ["AxisSummary", "axis_mean", "axis_summary", "divergence"]


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
    pooled: Mapping[int, int] | None = None  # pooled histogram, for the flags (never output)
    group_hists: Mapping[str, Histogram] | None = None  # per-group histograms, for the flags (never output)
    scale: Scale | None = None

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


def _per_head_ci(pooled: Histogram, centre: Fraction, m: int, scale: Scale) -> tuple[float, float] | None:
    """mean ± t(0.975, m - 1) sd / sqrt(m), clipped; None with one value."""
    var = stats.variance_exact(pooled)
    if var is None:
        return None
    se = math.sqrt(var / m)
    return stats.t_interval(float(centre), se, m - 1, clip=(scale.min, scale.max))


def _stratified_ci(strata: Sequence[Stratum], centre: Fraction, scale: Scale) -> tuple[float, float] | None:
    """mean ± t(0.975, Welch–Satterthwaite df) · stratified SE, clipped.

    Over the groups of positive weight used in the mean. A used group always has m_g >= k;
    with the contract's k >= 3 every sd_g is defined. If some used group has a single value
    (only possible with k = 1) its variance is unknown and the interval is None rather than
    falsely narrow. Groups whose values are all equal contribute v_g = 0; if all do, SE = 0
    and the interval is [mean, mean].
    """
    se_df = stats.stratified_se_df(strata)
    if se_df is None:
        return None
    se, df = se_df
    return stats.t_interval(float(centre), se, df, clip=(scale.min, scale.max))


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
    ValueError). Rules (contract, Definitions): per_head mean = plain mean; equal_groups mean =
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
    unknown = set(hists) - set(keys)
    if unknown:
        raise ValueError(f"values given for unknown groups {sorted(unknown)}")
    per_group = {key: hists.get(key, {}) for key in keys}
    pooled = stats.merge(per_group.values())
    for value in pooled:
        if not scale.min <= value <= scale.max:
            raise ValueError(f"value {value} outside the scale [{scale.min}, {scale.max}]")
    counts = {key: stats.count(h) for key, h in per_group.items()}
    m = sum(counts.values())
    below_k = tuple(key for key in keys if counts[key] < k)
    equal_groups = weighting == EQUAL_GROUPS

    plain = stats.mean_exact(pooled)
    fell_back = False
    mean: Fraction | None = plain
    ci95: tuple[float, float] | None = None
    if plain is not None:
        if equal_groups:
            strata = [Stratum(g.weight, per_group[g.key]) for g in groups if counts[g.key] >= k]
            weighted = stats.strata_weighted_mean(strata)
            if weighted is None:
                fell_back = True
            else:
                mean = weighted
                ci95 = _stratified_ci(strata, weighted, scale)
        if not equal_groups or fell_back:
            ci95 = _per_head_ci(pooled, plain, m, scale)

    groups_suppressed = equal_groups and fell_back and any(0 < counts[key] < k for key in keys)
    group_means = {
        key: stats.mean_exact(per_group[key]) if counts[key] >= k and not groups_suppressed else None
        for key in keys
    }

    median = stats.median(pooled)
    sd = stats.sd(pooled)
    consensus = stats.tastle_wierman(pooled, scale.min, scale.max)
    iqr = stats.iqr(pooled)
    agreement = stats.van_der_eijk(pooled, scale.min, scale.max) if scale.max - scale.min >= 2 else None
    top2: stats.TopBox | None = stats.top_box(pooled, scale.max, 2) if m else None
    if equal_groups and m < k:
        mean = median = sd = consensus = iqr = agreement = None
        ci95 = None
        top2 = None
    if isinstance(dont_know, bool) or not isinstance(dont_know, int) or dont_know < 0:
        raise ValueError(f"dont_know must be an integer >= 0, got {dont_know!r}")
    return AxisSummary(
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
        pooled=pooled,
        group_hists=per_group,
        scale=scale,
    )


def axis_mean(hists: Mapping[str, Histogram], groups: Sequence[GroupSpec], k: int, weighting: str) -> Fraction | None:
    """Just the exact pooled mean of :func:`axis_summary` in a weighting, without the other figures.

    The flags compare the two weightings; the one not requested only needs its mean, and this
    keeps the second pass cheap. No suppression here: callers decide what may be shown.
    """
    pooled = stats.merge(hists.values())
    plain = stats.mean_exact(pooled)
    if plain is None or weighting != EQUAL_GROUPS:
        return plain
    strata = [Stratum(g.weight, hists.get(g.key, {})) for g in groups if stats.count(hists.get(g.key, {})) >= k]
    weighted = stats.strata_weighted_mean(strata)
    return plain if weighted is None else weighted


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
