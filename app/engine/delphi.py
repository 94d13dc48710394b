"""Delphi statistics: which items reached consensus (so a next round can leave them out), and Kendall's W.

Pure Python on counts and ballots, exact where a threshold decides (fractions), no Flask.

Rated items (``matrix``, ``scale``, ``criteria``) converge when every rated dimension (both axes of a
matrix, the scale, every criterion) has at least k values and a Tastle–Wierman consensus at or above the
facilitator's threshold. A ranking item converges when at least k ballots placed it and the interquartile
range of its positions (numpy's linear rule; an item a ballot left out sits at the mean of the positions
left, ``(t + 1 + m) / 2``, as for ``mean_rank``) is at most the threshold, in places.

Kendall's W (coefficient of concordance) for m ballots over n items, with the tie correction:
``W = 12 S / (m^2 (n^3 - n) - m sum_j T_j)``, ``S = sum_i (R_i - m (n + 1) / 2)^2``, ``R_i`` the sum of item
i's positions, ``T_j = u^3 - u`` for ballot j's u tied (unranked) items. A top-t ballot ties its unranked
items at the mean of the remaining positions, so every ballot's positions add up to ``n (n + 1) / 2``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction

from .stats import Histogram, iqr, tastle_wierman

__all__ = [
    "kendall_w",
    "kendall_w_from_sums",
    "position_histograms",
    "ranking_convergence",
    "rated_convergence",
    "tie_term",
]


def tie_term(ranked: int, n_items: int) -> int:
    """T of one ballot that ranked `ranked` of `n_items` items: its u = n - t unranked items are tied."""
    u = n_items - ranked
    return u ** 3 - u if u > 1 else 0


def kendall_w_from_sums(rank_sums2: Sequence[int], ballots: int, ties: int) -> float | None:
    """W from each item's doubled position sum (2 R_i, integers because positions are halves), the number of
    ballots m and the sum of the ballots' tie terms; None below two ballots or two items, or when every
    ballot ties everything (no ranking to agree on)."""
    n = len(rank_sums2)
    m = ballots
    if m < 2 or n < 2:
        return None
    mean = Fraction(m * (n + 1), 2)
    s = sum((Fraction(r2, 2) - mean) ** 2 for r2 in rank_sums2)
    denominator = m * m * (n ** 3 - n) - m * ties
    if denominator <= 0:
        return None
    return float(Fraction(12) * s / denominator)


def kendall_w(ballots: Sequence[Sequence[str]], items: Sequence[str]) -> float | None:
    """Kendall's W of ballots (items best first, a prefix of an order) over `items`, ties corrected."""
    n = len(items)
    index = {item: i for i, item in enumerate(items)}
    sums2 = [0] * n
    ties = 0
    for ballot in ballots:
        t = len(ballot)
        rest2 = t + 1 + n  # doubled mean position of the items left out
        ranked = set()
        for r, item in enumerate(ballot, start=1):
            sums2[index[item]] += 2 * r
            ranked.add(index[item])
        for i in range(n):
            if i not in ranked:
                sums2[i] += rest2
        ties += tie_term(t, n)
    return kendall_w_from_sums(sums2, len(ballots), ties)


def position_histograms(ballots: Sequence[Sequence[str]], items: Sequence[str]) -> dict[str, Counter[int]]:
    """Per item, how many ballots put it at each doubled position (unranked: doubled mean of the rest)."""
    n = len(items)
    out: dict[str, Counter[int]] = {item: Counter() for item in items}
    for ballot in ballots:
        rest2 = len(ballot) + 1 + n
        placed = set(ballot)
        for r, item in enumerate(ballot, start=1):
            if item in out:
                out[item][2 * r] += 1
        for item in items:
            if item not in placed:
                out[item][rest2] += 1
    return out


def rated_convergence(values: Mapping[str, Mapping[str, Histogram]], scales: Mapping[str, tuple[int, int]],
                      min_consensus: float, k: int) -> dict[str, dict]:
    """Per item: `consensus` (the lowest over its dimensions; None when a dimension has fewer than k values)
    and `converged` (that lowest consensus is at least `min_consensus`)."""
    out: dict[str, dict] = {}
    for item, dims in values.items():
        lowest: float | None = None
        complete = True
        for dim, (lo, hi) in scales.items():
            hist = dims.get(dim) or {}
            if sum(hist.values()) < k:
                complete = False
                continue
            value = tastle_wierman(hist, lo, hi)
            if value is None:
                complete = False
                continue
            lowest = value if lowest is None else min(lowest, value)
        figure = lowest if complete else None
        out[item] = {"consensus": figure, "converged": figure is not None and figure >= min_consensus - 1e-9}
    return out


def ranking_convergence(positions2: Mapping[str, Mapping[int, int]], max_iqr: float, k: int) -> dict[str, dict]:
    """Per item: `iqr` of its positions in places (None below k ballots) and `converged` (iqr <= max_iqr)."""
    out: dict[str, dict] = {}
    for item, hist in positions2.items():
        spread = iqr(hist) if sum(hist.values()) >= k else None
        figure = None if spread is None else spread / 2
        out[item] = {"iqr": figure, "converged": figure is not None and figure <= max_iqr + 1e-9}
    return out
