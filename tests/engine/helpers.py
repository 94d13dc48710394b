"""Builders that turn raw participant votes into engine inputs, plus independent reference computations.

The references use numpy/scipy on the expanded raw data, never the engine's own code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

from app.engine import GroupSpec, MatrixData, Scale, ScaleData

Vote = tuple[int | None, int | None]  # (x, y); None = don't know
FIVE = Scale(1, 5)


@dataclass
class Participant:
    """One phone: its group and its saved ratings per item (absent item = never rated)."""

    group: str
    ratings: dict[str, Vote] = field(default_factory=dict)


def hist(values: Iterable[int]) -> dict[int, int]:
    """Histogram of raw values."""
    return dict(Counter(values))


def expand(h: Mapping[int, int]) -> np.ndarray:
    """Raw data back from a histogram, for the numpy references."""
    return np.repeat(np.array(sorted(h), dtype=float), [h[v] for v in sorted(h)])


def groups_of(spec: Mapping[str, float]) -> list[GroupSpec]:
    """GroupSpecs in the mapping's order."""
    return [GroupSpec(key, weight) for key, weight in spec.items()]


def matrix_data(
    participants: Sequence[Participant],
    groups: Sequence[GroupSpec],
    items: Sequence[str],
    k: int = 3,
    x: Scale = FIVE,
    y: Scale = FIVE,
    activity: str = "constraints",
) -> MatrixData:
    """Aggregate participants the way the service's GROUP BY queries would."""
    respondents: Counter[str] = Counter()
    item_n: Counter[tuple[str, str]] = Counter()
    values: dict[tuple[str, str, str], Counter[int]] = {}
    for p in participants:
        if p.ratings:
            respondents[p.group] += 1
        for item, (vx, vy) in p.ratings.items():
            if vx is not None or vy is not None:
                item_n[(item, p.group)] += 1
            for axis, v in (("x", vx), ("y", vy)):
                if v is not None:
                    values.setdefault((item, p.group, axis), Counter())[v] += 1
    return MatrixData(
        activity=activity,
        groups=list(groups),
        items=list(items),
        x=x,
        y=y,
        min_group_size=k,
        respondents=dict(respondents),
        item_n=dict(item_n),
        values={key: dict(c) for key, c in values.items()},
    )


def axis_votes(group_values: Mapping[str, Sequence[int]], item: str = "a", axis: str = "y") -> list[Participant]:
    """Participants who rate one item on one axis only (the other axis: don't know)."""
    out = []
    for group, vals in group_values.items():
        for v in vals:
            vote: Vote = (None, v) if axis == "y" else (v, None)
            out.append(Participant(group, {item: vote}))
    return out


def both_votes(group_values: Mapping[str, Sequence[Vote]], item: str = "a") -> list[Participant]:
    """Participants who rate one item with the given (x, y) pairs."""
    return [Participant(g, {item: pair}) for g, pairs in group_values.items() for pair in pairs]


def scale_data(
    group_values: Mapping[tuple[str, str], Sequence[int]],
    groups: Sequence[GroupSpec],
    items: Sequence[str],
    k: int = 3,
    scale: Scale = FIVE,
    respondents: Mapping[str, int] | None = None,
) -> ScaleData:
    """ScaleData from raw values per (item, group); respondents default to the largest item count."""
    if respondents is None:
        resp: dict[str, int] = {}
        for (_, group), vals in group_values.items():
            resp[group] = max(resp.get(group, 0), len(vals))
        respondents = resp
    return ScaleData(
        activity="scale",
        groups=list(groups),
        items=list(items),
        scale=scale,
        min_group_size=k,
        respondents=dict(respondents),
        values={key: hist(vals) for key, vals in group_values.items() if vals},
    )


# --- independent references -----------------------------------------------------------------


def ref_t_ci(values: Sequence[float], lo: float, hi: float) -> tuple[float, float]:
    """Per-head t interval from scipy, clipped to the scale."""
    a = np.asarray(values, dtype=float)
    if np.all(a == a[0]):  # scipy's interval is NaN for a zero standard error; it is a point
        return float(a[0]), float(a[0])
    low, high = sps.t.interval(0.95, len(a) - 1, loc=a.mean(), scale=sps.sem(a))
    return float(np.clip(low, lo, hi)), float(np.clip(high, lo, hi))


def ref_stratified(groups: Sequence[tuple[float, Sequence[float]]]) -> tuple[float, float, float]:
    """(weighted mean, stratified SE, Welch–Satterthwaite df) with numpy, over groups of positive weight."""
    used = [(w, np.asarray(v, dtype=float)) for w, v in groups if w > 0]
    total = sum(w for w, _ in used)
    mean = sum(w * v.mean() for w, v in used) / total
    terms = [((w / total) ** 2 * v.var(ddof=1) / len(v), len(v)) for w, v in used]
    se = float(np.sqrt(sum(t for t, _ in terms)))
    denom = sum(t * t / (m - 1) for t, m in terms)
    df = se**4 / denom if denom else float("nan")
    return float(mean), se, float(df)


def ref_stratified_ci(groups: Sequence[tuple[float, Sequence[float]]], lo: float, hi: float) -> tuple[float, float]:
    """Stratified t interval with scipy's t quantile, clipped."""
    mean, se, df = ref_stratified(groups)
    if se == 0:
        return float(np.clip(mean, lo, hi)), float(np.clip(mean, lo, hi))
    half = sps.t.ppf(0.975, df) * se
    return float(np.clip(mean - half, lo, hi)), float(np.clip(mean + half, lo, hi))


def ref_wilson(successes: int, trials: int) -> tuple[float, float]:
    """Wilson score interval from scipy (z = norm.ppf(0.975), so compare at about 1e-4 with z = 1.96)."""
    ci = sps.binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def ref_tastle_wierman(values: Sequence[int], lo: int, hi: int) -> float:
    """Tastle–Wierman from the category shares of the raw data (numpy)."""
    a = np.asarray(values, dtype=float)
    mu = a.mean()
    cats = np.arange(lo, hi + 1, dtype=float)
    p = np.array([(a == c).mean() for c in cats])
    mask = p > 0
    return float(1 + np.sum(p[mask] * np.log2(1 - np.abs(cats[mask] - mu) / (hi - lo))))
