"""Results document of a `scale` activity (docs/interface.md, "Other activity types"): one rated axis per item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from . import flags as fl
from .axis import _summarise
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

__all__ = ["GroupSpec", "Scale", "ScaleData", "scale_results"]


@dataclass(frozen=True)
class ScaleData:
    """Inputs of a `scale` activity; with one rating per item, a group's n is its number of values."""

    activity: str  # activity key
    groups: Sequence[GroupSpec]  # in the workshop's order
    items: Sequence[str]  # item keys in the activity's order
    scale: Scale
    min_group_size: int  # k
    respondents: Mapping[str, int]  # group -> participants with >= 1 saved rating in the activity; missing = 0
    values: Mapping[tuple[str, str], Histogram]  # (item, group) -> histogram of non-null values; missing = empty
    dont_know: Mapping[str, int] = field(default_factory=dict)  # item -> "don't know" answers; missing = 0


def scale_results(data: ScaleData, weighting: str) -> dict:
    """Build the results document of a scale activity, numbers unrounded.

    Items are sorted by value.mean (requested weighting) descending, decided on exact values;
    ties keep the activity's item order, and items whose mean is null come last in item order.
    """
    check_weighting(weighting)
    check_min_group_size(data.min_group_size)
    data.scale.check()
    group_keys = check_groups(data.groups)
    check_items(data.items)
    respondents = check_respondents(data.respondents, group_keys)
    items = set(data.items)
    for item, group in data.values:
        if item not in items or group not in respondents:
            raise ValueError(f"values given for unknown (item, group) {(item, group)!r}")
    for item in data.dont_know:
        if item not in items:
            raise ValueError(f"dont_know given for unknown item {item!r}")
    k = data.min_group_size

    rows = []
    mine: dict[str, Fraction | None] = {}
    theirs: dict[str, Fraction | None] = {}
    summaries = {}
    for position, item in enumerate(data.items):
        hists = {key: data.values.get((item, key), {}) for key in group_keys}
        summary, other_mean = _summarise(hists, data.groups, group_keys, data.scale, k, weighting,
                                         data.dont_know.get(item, 0))
        summaries[item] = summary
        # Ranks for weighting_sensitive: only items with >= k values, so a hidden item moves no other's flag.
        mine[item] = summary.mean if summary.m >= k else None
        theirs[item] = other_mean if summary.m >= k else None
        for key in group_keys:
            if summary.group_counts[key] > respondents[key]:
                raise ValueError(f"{summary.group_counts[key]} values of ({item!r}, {key!r}) exceed its respondents")
        by_group: dict[str, dict | None] = {}
        for key in group_keys:
            n = summary.group_counts[key]
            by_group[key] = None if n < k else {"n": n, "value": {"mean": summary.group_mean(key)}}
        doc_item = {
            "item": item,
            "n": summary.m,
            "value": summary.fields(),
            "by_group": by_group,
            "excluded_groups": list(summary.below_k) if weighting == EQUAL_GROUPS else [],
            "divergence": None if summary.spread is None else float(summary.spread),
        }
        rows.append((summary.mean, position, doc_item))

    rank_mine = fl.positions(mine, data.items)
    rank_theirs = fl.positions(theirs, data.items)
    for _, _, doc_item in rows:
        doc_item["flags"] = fl.rated_flags([summaries[doc_item["item"]]],
                                           fl.rank_moves(rank_mine, rank_theirs, doc_item["item"]))

    with_mean = sorted((r for r in rows if r[0] is not None), key=lambda r: (-r[0], r[1]))
    without = [r for r in rows if r[0] is None]
    doc = results_header(data.activity, weighting, respondents)
    doc["items"] = [r[2] for r in with_mean + without]
    return doc
