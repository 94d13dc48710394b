"""Item flags: where the room should look twice before reading a single pooled number.

Rules (docs/methods.md, "Item flags"; the arithmetic under "Worked examples"):

- ``divergent``: on some axis, the shown group means span at least 25 % of the scale width, or
  Kruskal–Wallis epsilon^2 >= 0.14 over the shown groups' values.
- ``polarised``: on some axis, every shown group is internally united (Tastle–Wierman >= 0.70)
  while the pooled consensus is below 0.70 and the group medians differ by at least one scale
  point (at least two shown groups); or the pooled van der Eijk A is below 0.
- ``weighting_sensitive``: the item's rank moves by two places or more, or its quadrant changes,
  between per_head and equal_groups.
- ``borderline``: some axis's ci95 contains that axis's midpoint (the quadrant cut-off).

Only groups shown in ``by_group`` (>= k values, not suppressed) enter divergence and
polarisation, and only pooled figures the document shows are used, so a flag never tells the
room more about a hidden group than the document itself does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from . import stats
from .axis import AxisSummary

__all__ = [
    "BORDERLINE",
    "DIVERGENT",
    "EPSILON2_LARGE",
    "FLAG_ORDER",
    "GAP_SHARE",
    "POLARISED",
    "UNITED",
    "WEIGHTING_SENSITIVE",
    "axis_divergent",
    "axis_polarised",
    "borderline",
    "divergent_gap",
    "order_flags",
    "positions",
    "rank_moves",
    "rated_flags",
]

DIVERGENT = "divergent"
POLARISED = "polarised"
WEIGHTING_SENSITIVE = "weighting_sensitive"
BORDERLINE = "borderline"
FLAG_ORDER = (DIVERGENT, POLARISED, WEIGHTING_SENSITIVE, BORDERLINE)

GAP_SHARE = Fraction(1, 4)  # range of group means >= 25 % of the scale width (1 point on 1-5)
EPSILON2_LARGE = 0.14  # "large" effect by the usual conventions for eta^2 / epsilon^2
UNITED = 0.70  # Tastle–Wierman: a group at or above this is internally united
RANK_MOVE = 2  # places an item's rank must move between the weightings
EQUAL_WITHIN = 1e-9  # float results this close count as equal (docs/interface.md, "Other activity types")


def order_flags(flags: set[str]) -> list[str]:
    """Flags in a fixed order, so documents compare equal and screens list them consistently."""
    return [f for f in FLAG_ORDER if f in flags]


def rated_flags(axes: Sequence[AxisSummary], weighting_sensitive: bool) -> list[str]:
    """A rated item's flags (scale: one axis, matrix: x and y), ordered; the caller decides weighting_sensitive."""
    found: set[str] = set()
    if any(axis_divergent(a) for a in axes):
        found.add(DIVERGENT)
    if any(axis_polarised(a) for a in axes):
        found.add(POLARISED)
    if weighting_sensitive:
        found.add(WEIGHTING_SENSITIVE)
    if any(borderline(a) for a in axes):
        found.add(BORDERLINE)
    return order_flags(found)


def divergent_gap(shown_means: Sequence[Fraction], width: Fraction | int) -> bool:
    """Range of the shown group means >= 25 % of the scale width (exact)."""
    if len(shown_means) < 2 or width <= 0:
        return False
    return max(shown_means) - min(shown_means) >= GAP_SHARE * width


def axis_divergent(summary: AxisSummary) -> bool:
    """Divergence on one rated axis over its shown groups: the gap rule or epsilon^2 >= 0.14."""
    shown = summary.shown_groups
    # spread is set whenever two group means are shown (axis._summarise builds every summary).
    if len(shown) < 2 or summary.scale is None or summary.prepared is None or summary.spread is None:
        return False
    width = summary.scale.max - summary.scale.min
    if width > 0 and summary.spread >= GAP_SHARE * width:
        return True
    kw = stats._kruskal_wallis_pairs([summary.prepared[key].pairs for key in shown])
    return kw is not None and kw.epsilon2 >= EPSILON2_LARGE


def axis_polarised(summary: AxisSummary) -> bool:
    """Polarisation on one rated axis (module docstring); uses shown groups and shown pooled figures only."""
    # A is rational but computed in floats: an exact 0 can come out as -1e-17. The interface treats values
    # within 1e-9 as equal, so "below 0" means below -1e-9.
    if summary.agreement is not None and summary.agreement < -EQUAL_WITHIN:
        return True
    shown = summary.shown_groups
    if len(shown) < 2 or summary.consensus is None or summary.consensus >= UNITED:
        return False
    prepared = summary.prepared
    if summary.scale is None or prepared is None:
        return False
    width = summary.scale.max - summary.scale.min
    medians = []
    for key in shown:
        h = prepared[key]
        consensus = stats._tastle_wierman_pairs(h.pairs, h.m, h.s1, width)
        median = stats._median_pairs(h.pairs, h.m)
        if consensus is None or consensus < UNITED:
            return False
        medians.append(median)
    values = [m for m in medians if m is not None]
    return max(values) - min(values) >= 1


def borderline(summary: AxisSummary) -> bool:
    """The axis's ci95 (as shown) contains its midpoint: the quadrant could go either way."""
    if summary.ci95 is None or summary.scale is None:
        return False
    lo, hi = summary.ci95
    # lo <= (min + max) / 2 <= hi, decided exactly: doubling a float is exact, and Python compares a float
    # with an int exactly (no Fraction needed).
    twice_mid = summary.scale.min + summary.scale.max
    return 2 * lo <= twice_mid <= 2 * hi


def positions(values: Mapping[str, Fraction | None], order: Sequence[str]) -> dict[str, int]:
    """1-based rank of each item with a value, highest first, ties in ``order``; items without a value unranked."""
    ranked = [key for key in order if values.get(key) is not None]
    ranked.sort(key=values.__getitem__, reverse=True)  # reverse keeps stability: ties keep the item order
    return {key: i + 1 for i, key in enumerate(ranked)}


def rank_moves(a: Mapping[str, int], b: Mapping[str, int], item: str) -> bool:
    """The item is ranked in both and its rank differs by at least two places."""
    return item in a and item in b and abs(a[item] - b[item]) >= RANK_MOVE
