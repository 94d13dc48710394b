"""Ballot weights and which groups may be shown, for the ballot types (points, ranking).

Both types publish per-head figures in every weighting (points: total, breadth; ranking:
mean_rank, from which the per-head Borda follows), so a single hidden group could be recovered
by subtracting the shown groups from those totals. Hence, under equal_groups, two rules
(docs/methods.md, "Anonymity", complementary suppression; docs/interface.md, the fallback rule):

1. if the weights fell back to per head while some group has 1..k-1 ballots, no group is shown;
2. otherwise, if exactly one group has 1..k-1 ballots, the smallest shown group is hidden too
   (fewest ballots; among equals the last in workshop order), so that only the two together
   could be derived.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from .common import EQUAL_GROUPS, GroupSpec

__all__ = ["ballot_weights", "shown_groups"]


def ballot_weights(groups: Sequence[GroupSpec], counts: Mapping[str, int], k: int,
                   weighting: str) -> tuple[dict[str, Fraction], bool]:
    """Exact weight of one ballot of each group, and whether equal_groups fell back to per head.

    equal_groups: W_g / n_g for groups with n_g >= k and W_g > 0, else 0; when no group
    qualifies, every ballot weighs 1 (fell back). per_head: 1 each, never "fell back".
    """
    if weighting != EQUAL_GROUPS:
        return {g.key: Fraction(1) for g in groups}, False
    weights = {
        g.key: Fraction(g.weight) / counts[g.key] if counts[g.key] >= k and g.weight > 0 else Fraction(0)
        for g in groups
    }
    if any(weights.values()):
        return weights, False
    return {g.key: Fraction(1) for g in groups}, True


def shown_groups(group_keys: Sequence[str], counts: Mapping[str, int], k: int, weighting: str,
                 fell_back: bool) -> set[str]:
    """Groups whose own figures may be shown (module docstring); per_head shows every group with >= k."""
    candidates = [key for key in group_keys if counts[key] >= k]
    if weighting != EQUAL_GROUPS:
        return set(candidates)
    hidden = [key for key in group_keys if 0 < counts[key] < k]
    if hidden and fell_back:
        return set()
    if len(hidden) == 1 and candidates:
        smallest = min(reversed(candidates), key=lambda key: counts[key])
        candidates.remove(smallest)
    return set(candidates)
