"""Results document of a `ranking` activity (docs/interface.md, "Other activity types"; docs/methods.md,
"Rankings: Schulze and Borda on 45 ballots").

Each ballot orders some items best first (a full order or a top-t prefix); unranked items count
below every ranked one and tie among themselves. From the ballots:

- ``pairwise`` d(a, b): total weight of the ballots ranking a above b;
- ``schulze``: items by how many others each beats on the strongest paths (p(a,b) > p(b,a)),
  most first, equal counts in item order;
- ``borda``: weighted mean points per ballot, position r of m giving m - r, the t-ballot's
  unranked items sharing the remaining points equally ((m - t - 1) / 2 each);
- ``copeland`` (extension): pairwise wins minus losses per item;
- ``items[].mean_rank``: unweighted mean position, unranked = (t + 1 + m) / 2;
- ``by_group`` (extension): each shown group's n, Borda and Kendall's W;
- ``kendall_w`` (extension): Kendall's coefficient of concordance of all ballots, ties corrected (delphi.py).

Everything that decides an order is exact: ballot weights are fractions, and the pairwise
matrix is scaled by the common denominator of the weights into integers before Schulze.
Pairwise counts are accumulated per ballot as packed big integers (one fixed-width field per
item), so a ballot costs O(t) integer additions rather than O(t * m) Python-level steps.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .common import GroupSpec, check_groups, check_items, check_min_group_size, check_weighting, results_header
from .delphi import kendall_w_from_sums, tie_term
from .suppress import ballot_weights, shown_groups

__all__ = ["RankingData", "ranking_results", "schulze_order", "strongest_paths"]

_FIELD = 64  # bits per packed counter: room for any realistic number of ballots


@dataclass(frozen=True)
class RankingData:
    """Every ballot of a ranking activity: (group key, items best first)."""

    activity: str
    groups: Sequence[GroupSpec]  # workshop order
    items: Sequence[str]  # activity order
    min_group_size: int  # k
    ballots: Sequence[tuple[str, Sequence[str]]]


def strongest_paths(d: Sequence[Sequence[int]]) -> list[list[int]]:
    """Schulze's widest paths p from a pairwise matrix d (docs/methods.md, "Rankings"), exact on integers."""
    m = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(m)] for i in range(m)]
    for k in range(m):
        pk = p[k]
        for i in range(m):
            if i == k:
                continue
            pik = p[i][k]
            if not pik:
                continue
            pi = p[i]
            for j in range(m):
                if j != i and j != k:
                    via = pik if pik < pk[j] else pk[j]
                    if via > pi[j]:
                        pi[j] = via
    return p


def schulze_order(d: Sequence[Sequence[int]]) -> list[int]:
    """Indices best first: by the number of others beaten on strongest paths, ties by index."""
    p = strongest_paths(d)
    m = len(d)
    beats = [sum(1 for j in range(m) if j != i and p[i][j] > p[j][i]) for i in range(m)]
    return sorted(range(m), key=lambda i: (-beats[i], i))


def _check_ballot(group: str, ballot: Sequence[str], groups: set[str], index: dict[str, int]) -> None:
    if group not in groups:
        raise ValueError(f"ballot of unknown group {group!r}")
    if isinstance(ballot, str):
        raise ValueError("a ballot is a sequence of item keys, not a string")
    for item in ballot:
        if item not in index:
            raise ValueError(f"unknown item {item!r} in a ranking")
    if len(set(ballot)) != len(ballot):
        raise ValueError("an item appears twice in a ranking")


def _unpack(packed: int, m: int) -> list[int]:
    mask = (1 << _FIELD) - 1
    return [(packed >> (_FIELD * j)) & mask for j in range(m)]


def ranking_results(data: RankingData, weighting: str) -> dict:
    """Build the results document of a ranking activity (numbers unrounded, orders exact)."""
    check_weighting(weighting)
    k = data.min_group_size
    check_min_group_size(k)
    group_keys = check_groups(data.groups)
    check_items(data.items)
    items = list(data.items)
    m = len(items)
    index = {item: i for i, item in enumerate(items)}
    known = set(group_keys)

    tally: Counter[tuple[str, tuple[int, ...]]] = Counter()
    for group, ballot in data.ballots:
        _check_ballot(group, ballot, known, index)
        tally[(group, tuple(map(index.__getitem__, ballot)))] += 1

    counts = dict.fromkeys(group_keys, 0)
    bit = [1 << (_FIELD * j) for j in range(m)]
    everything = sum(bit)
    packed = {key: [0] * m for key in group_keys}  # group -> row a -> packed counts of "a above b"
    borda2 = {key: [0] * m for key in group_keys}  # group -> item -> sum of 2 * Borda points
    rank2 = [0] * m  # item -> sum of 2 * position, all ballots
    rank2_g = {key: [0] * m for key in group_keys}  # the same per group, for the group's Kendall's W
    unranked_rank2_g = dict.fromkeys(group_keys, 0)
    ties_g = dict.fromkeys(group_keys, 0)  # group -> sum of the ballots' tie terms (Kendall's W)
    # A top-t ballot gives each unranked item the same share; it is added to every item once at the end and
    # taken back from the ranked ones here, so no ballot loops over the items it did not rank.
    unranked_b2 = dict.fromkeys(group_keys, 0)
    unranked_rank2 = 0
    for (group, ballot), c in tally.items():
        counts[group] += c
        t = len(ballot)
        rows, b2, g2 = packed[group], borda2[group], rank2_g[group]
        below = everything
        if t < m:
            share_b2, share_rank2 = c * (m - t - 1), c * (t + 1 + m)
            unranked_b2[group] += share_b2
            unranked_rank2 += share_rank2
            unranked_rank2_g[group] += share_rank2
            ties_g[group] += c * tie_term(t, m)
        else:
            share_b2 = share_rank2 = 0
        for r, a in enumerate(ballot, start=1):
            below -= bit[a]
            rows[a] += c * below
            b2[a] += c * 2 * (m - r) - share_b2
            rank2[a] += c * 2 * r - share_rank2
            g2[a] += c * 2 * r - share_rank2
    for key in group_keys:
        share = unranked_b2[key]
        if share:
            borda2[key] = [v + share for v in borda2[key]]
    if unranked_rank2:
        rank2 = [v + unranked_rank2 for v in rank2]
    for key in group_keys:
        if unranked_rank2_g[key]:
            rank2_g[key] = [v + unranked_rank2_g[key] for v in rank2_g[key]]

    total = sum(counts.values())
    weights, fell_back = ballot_weights(data.groups, counts, k, weighting)
    scale = math.lcm(*(w.denominator for w in weights.values())) if weights else 1
    int_weights = {key: int(w * scale) for key, w in weights.items()}
    d = [[0] * m for _ in range(m)]
    for key in group_keys:
        w = int_weights[key]
        if not w or not counts[key]:
            continue
        for a in range(m):
            row = d[a]
            for b, n in enumerate(_unpack(packed[key][a], m)):
                if n:
                    row[b] += w * n

    order = schulze_order(d)
    copeland = {
        items[a]: sum(1 for b in range(m) if d[a][b] > d[b][a]) - sum(1 for b in range(m) if d[b][a] > d[a][b])
        for a in range(m)
    }
    weight_total = sum(int_weights[key] * counts[key] for key in group_keys)  # scaled sum of ballot weights
    borda = None
    if total and weight_total:
        borda = {
            items[a]: float(Fraction(sum(int_weights[key] * borda2[key][a] for key in group_keys), 2 * weight_total))
            for a in range(m)
        }

    shown = shown_groups(group_keys, counts, k, weighting, fell_back)
    by_group: dict[str, dict | None] = {}
    for key in group_keys:
        if counts[key] < k:
            by_group[key] = None
        elif key in shown:
            by_group[key] = {"n": counts[key],
                             "borda": {items[a]: float(Fraction(borda2[key][a], 2 * counts[key])) for a in range(m)},
                             "kendall_w": kendall_w_from_sums(rank2_g[key], counts[key], ties_g[key])}
        else:
            by_group[key] = {"n": counts[key], "borda": None, "kendall_w": None}

    doc = results_header(data.activity, weighting, counts)
    doc["schulze"] = [items[i] for i in order]
    doc["borda"] = borda
    doc["copeland"] = copeland
    doc["pairwise"] = {
        items[a]: {items[b]: float(Fraction(d[a][b], scale)) for b in range(m) if b != a} for a in range(m)
    }
    doc["items"] = [
        {"item": items[a], "mean_rank": float(Fraction(rank2[a], 2 * total)) if total else None} for a in range(m)
    ]
    doc["by_group"] = by_group
    # Agreement of the whole room on one order (unweighted, like mean_rank); under equal_groups not below k
    # ballots, so the first few ballots cannot be read off it.
    shown_w = total >= k or weighting != "equal_groups"
    doc["kendall_w"] = kendall_w_from_sums(rank2, total, sum(ties_g.values())) if shown_w else None
    return doc
