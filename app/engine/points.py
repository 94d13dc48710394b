"""Results document of a `points` activity (dot voting; docs/interface.md, "Other activity types";
docs/methods.md, "Dot voting").

Each ballot is one participant's whole allocation. A voter's dots count as one whole voice
however many they used: the score averages each voter's *shares* points_i(a) / points_i(all).
Shares are summed exactly per (group, item) through integer point sums per ballot total, so the
cost is one pass over the ballots plus a few fractions per group, item and distinct total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .common import (
    GroupSpec,
    check_groups,
    check_items,
    check_min_group_size,
    check_weighting,
    results_header,
)
from .suppress import ballot_weights, shown_groups

__all__ = ["PointsData", "points_results"]


@dataclass(frozen=True)
class PointsData:
    """Every ballot of a points activity: (group key, item -> points); every ballot is a respondent, zeros allowed."""

    activity: str
    groups: Sequence[GroupSpec]  # workshop order
    items: Sequence[str]  # activity order
    min_group_size: int  # k
    ballots: Sequence[tuple[str, Mapping[str, int]]]


def _check_ballot(group: str, ballot: Mapping[str, int], groups: set[str], items: set[str]) -> None:
    if group not in groups:
        raise ValueError(f"ballot of unknown group {group!r}")
    for item, points in ballot.items():
        if item not in items:
            raise ValueError(f"points given to unknown item {item!r}")
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise ValueError(f"points must be integers >= 0, got {points!r} for {item!r}")


def points_results(data: PointsData, weighting: str) -> dict:
    """Build the results document of a points activity (numbers unrounded, order decided exactly).

    ``total``, ``breadth`` and ``effective_priorities`` are per head in both weightings; ``score``
    uses the ballot weights W_g / n_g under equal_groups (n_g = the group's voters who gave any
    points; groups below k or of weight 0 weigh 0; no such group of positive weight: weight 1 each).
    """
    check_weighting(weighting)
    k = data.min_group_size
    check_min_group_size(k)
    group_keys = check_groups(data.groups)
    check_items(data.items)
    known_groups, known_items = set(group_keys), set(data.items)

    respondents = dict.fromkeys(group_keys, 0)
    voters = dict.fromkeys(group_keys, 0)  # gave any points
    totals = dict.fromkeys(data.items, 0)
    backers = dict.fromkeys(data.items, 0)
    # (group, ballot total) -> item -> points: shares of a ballot are points / total, summed exactly later.
    by_total: dict[tuple[str, int], dict[str, int]] = {}
    for group, ballot in data.ballots:
        _check_ballot(group, ballot, known_groups, known_items)
        respondents[group] += 1
        spent = sum(ballot.values())
        if spent == 0:
            continue
        voters[group] += 1
        bucket = by_total.setdefault((group, spent), {})
        for item, points in ballot.items():
            if points:
                totals[item] += points
                backers[item] += 1
                bucket[item] = bucket.get(item, 0) + points

    # Exact sum of shares per group and item.
    share_sums: dict[str, dict[str, Fraction]] = {key: {} for key in group_keys}
    for (group, spent), sums in by_total.items():
        target = share_sums[group]
        for item, points in sums.items():
            target[item] = target.get(item, Fraction(0)) + Fraction(points, spent)

    all_voters = sum(voters.values())
    weights, fell_back = ballot_weights(data.groups, voters, k, weighting)
    shown = shown_groups(group_keys, voters, k, weighting, fell_back)

    grand_total = sum(totals.values())
    effective = None
    if grand_total:
        effective = float(Fraction(grand_total * grand_total, sum(t * t for t in totals.values())))

    # score_a = sum_g w_g * sum_{i in g} y_ia / sum_g w_g n_g, w_g the weight of each ballot of g.
    denominator = sum((weights[key] * voters[key] for key in group_keys), Fraction(0))
    rows = []
    for position, item in enumerate(data.items):
        score: Fraction | None = None
        breadth: Fraction | None = None
        if all_voters:
            numerator = sum((weights[key] * share_sums[key].get(item, 0) for key in group_keys), Fraction(0))
            score = numerator / denominator
            breadth = Fraction(backers[item], all_voters)
        by_group: dict[str, dict | None] = {}
        for key in group_keys:
            if voters[key] < k:
                by_group[key] = None
            elif key in shown:
                by_group[key] = {"n": voters[key], "score": float(share_sums[key].get(item, 0) / voters[key])}
            else:
                by_group[key] = {"n": voters[key], "score": None}
        doc_item = {
            "item": item,
            "total": totals[item],
            "breadth": None if breadth is None else float(breadth),
            "score": None if score is None else float(score),
            "by_group": by_group,
            "effective_priorities": effective,  # also top level: one figure for the whole activity
        }
        rows.append(((-(score or 0), -(breadth or 0), position), doc_item))
    rows.sort(key=lambda r: r[0])

    doc = results_header(data.activity, weighting, respondents)
    doc["effective_priorities"] = effective
    doc["items"] = [r[1] for r in rows]
    return doc
