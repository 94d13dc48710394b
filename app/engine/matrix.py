"""Results document of a `matrix` activity (docs/interface.md, "Results document (matrix)")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from . import flags as fl
from .axis import AxisSummary, _summarise
from .common import (
    EQUAL_GROUPS,
    GroupSpec,
    Scale,
    check_groups,
    check_items,
    check_min_group_size,
    check_respondents,
    check_weighting,
    results_header,
)
from .stats import Histogram

__all__ = ["AXES", "GroupSpec", "MatrixData", "Scale", "matrix_results", "quadrant"]

AXES = ("x", "y")


@dataclass(frozen=True)
class MatrixData:
    """Everything the matrix results need, already reduced to counts and histograms.

    The caller aggregates in the database (GROUP BY item, group, axis, value), so the engine's
    cost does not grow with the number of participants.
    """

    activity: str  # activity key
    groups: Sequence[GroupSpec]  # in the workshop's order
    items: Sequence[str]  # item keys in the activity's order
    x: Scale
    y: Scale
    min_group_size: int  # k
    respondents: Mapping[str, int]  # group -> participants with >= 1 saved rating in the activity; missing = 0
    item_n: Mapping[tuple[str, str], int]  # (item, group) -> participants with >= 1 non-null value; missing = 0
    values: Mapping[tuple[str, str, str], Histogram]  # (item, group, "x"|"y") -> histogram; missing = empty
    dont_know: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (item, "x"|"y") -> null answers


def quadrant(x_mean: Fraction | None, y_mean: Fraction | None, x: Scale, y: Scale) -> str | None:
    """top/bottom from y, right/left from x; an axis is high at or above its midpoint. None if a mean is."""
    if x_mean is None or y_mean is None:
        return None
    if type(x_mean) is Fraction and type(y_mean) is Fraction:
        # mean >= (min + max) / 2  <=>  2 num >= (min + max) den (den > 0): exact, in integers, and cheap
        top = 2 * y_mean.numerator >= (y.min + y.max) * y_mean.denominator
        right = 2 * x_mean.numerator >= (x.min + x.max) * x_mean.denominator
        return f"{'top' if top else 'bottom'}_{'right' if right else 'left'}"
    vertical = "top" if y_mean >= y.midpoint else "bottom"
    horizontal = "right" if x_mean >= x.midpoint else "left"
    return f"{vertical}_{horizontal}"


def _check_keys(data: MatrixData, group_keys: Sequence[str]) -> None:
    """Data for an item outside the activity or a group outside the workshop is a caller bug."""
    items = set(data.items)
    groups = set(group_keys)
    for item, group, axis in data.values:
        if item not in items or group not in groups or axis not in AXES:
            raise ValueError(f"values given for unknown (item, group, axis) {(item, group, axis)!r}")
    for key, n in data.item_n.items():
        item, group = key
        if item not in items or group not in groups:
            raise ValueError(f"item_n given for unknown (item, group) {key!r}")
        if n < 0:
            raise ValueError(f"negative item_n for {key!r}")
    for key in data.dont_know:
        if key[0] not in items or key[1] not in AXES:
            raise ValueError(f"dont_know given for unknown (item, axis) {key!r}")


def _check_counts(item: str, key: str, n: int, respondents: int, x_m: int, y_m: int) -> None:
    """Cheap consistency checks that catch a wrong aggregation query early."""
    if not max(x_m, y_m) <= n <= x_m + y_m:
        raise ValueError(f"item_n {n} of ({item!r}, {key!r}) inconsistent with {x_m} x and {y_m} y values")
    if n > respondents:
        raise ValueError(f"item_n {n} of ({item!r}, {key!r}) exceeds the group's {respondents} respondents")


def _divergence(*axes: AxisSummary) -> float | None:
    """:func:`divergence` of the shown group means, from the ranges the summaries already hold."""
    spreads = [a.spread for a in axes if a.spread is not None]
    return float(max(spreads)) if spreads else None


def _item_result(data: MatrixData, item: str, group_keys: Sequence[str], respondents: Mapping[str, int],
                 weighting: str) -> tuple[dict, dict[str, AxisSummary], dict[str, Fraction | None]]:
    """The item's document entry, its axis summaries and its means in the other weighting (for the flags)."""
    k = data.min_group_size
    axes: dict[str, AxisSummary] = {}
    other_means: dict[str, Fraction | None] = {}
    values = data.values
    for axis, scale in (("x", data.x), ("y", data.y)):
        hists = {key: values.get((item, key, axis), {}) for key in group_keys}
        axes[axis], other_means[axis] = _summarise(hists, data.groups, group_keys, scale, k, weighting,
                                                   data.dont_know.get((item, axis), 0))
    x, y = axes["x"], axes["y"]

    group_n = {key: data.item_n.get((item, key), 0) for key in group_keys}
    for key in group_keys:
        _check_counts(item, key, group_n[key], respondents[key], x.group_counts[key], y.group_counts[key])

    by_group: dict[str, dict | None] = {}
    for key in group_keys:
        if group_n[key] < k:
            by_group[key] = None
            continue
        entry: dict = {"n": group_n[key]}
        for axis in AXES:
            value = axes[axis].group_means[key]
            entry[axis] = {"mean": None if value is None else float(value)}
        by_group[key] = entry

    below = set(x.below_k) | set(y.below_k) if weighting == EQUAL_GROUPS else set()
    excluded = [key for key in group_keys if key in below]
    doc = {
        "item": item,
        "n": sum(group_n.values()),
        "x": x.fields(),
        "y": y.fields(),
        "quadrant": quadrant(x.mean, y.mean, data.x, data.y),
        "divergence": _divergence(x, y),
        "excluded_groups": excluded,
        "by_group": by_group,
    }
    return doc, axes, other_means


def _add_flags(data: MatrixData,
               rows: Sequence[tuple[dict, dict[str, AxisSummary], dict[str, Fraction | None]]]) -> None:
    """Set each item's ``flags`` (flags.py); ranks and quadrants only over items with >= k values.

    Ranking only items whose axis has at least k values in total keeps the first few votes of an
    item, which the room does not see under equal_groups, out of every other item's flag too.
    """
    k = data.min_group_size
    order = [doc["item"] for doc, _, _ in rows]
    mine: dict[str, Fraction | None] = {}
    theirs: dict[str, Fraction | None] = {}
    quad_changed: set[str] = set()
    for doc, axes, other in rows:
        item = doc["item"]
        y = axes["y"]
        mine[item] = y.mean if y.m >= k else None
        theirs[item] = other["y"] if y.m >= k else None
        if axes["x"].m >= k and y.m >= k:
            q_mine = quadrant(axes["x"].mean, y.mean, data.x, data.y)
            q_theirs = quadrant(other["x"], other["y"], data.x, data.y)
            if q_mine is not None and q_theirs is not None and q_mine != q_theirs:
                quad_changed.add(item)
    rank_mine = fl.positions(mine, order)
    rank_theirs = fl.positions(theirs, order)
    for doc, axes, _ in rows:
        item = doc["item"]
        doc["flags"] = fl.rated_flags(list(axes.values()),
                                      item in quad_changed or fl.rank_moves(rank_mine, rank_theirs, item))


def matrix_results(data: MatrixData, weighting: str) -> dict:
    """Build the contract's results document for a matrix activity, numbers unrounded.

    ``weighting`` is "per_head" or "equal_groups" (anything else: ValueError). Items follow the
    activity's order; every group appears in ``groups`` and in each item's ``by_group``.
    """
    check_weighting(weighting)
    check_min_group_size(data.min_group_size)
    data.x.check()
    data.y.check()
    group_keys = check_groups(data.groups)
    check_items(data.items)
    respondents = check_respondents(data.respondents, group_keys)
    _check_keys(data, group_keys)
    doc = results_header(data.activity, weighting, respondents)
    rows = [_item_result(data, item, group_keys, respondents, weighting) for item in data.items]
    _add_flags(data, rows)
    doc["items"] = [row[0] for row in rows]
    return doc
