"""`ranking` results: the 45-voter Schulze/Borda fixture (docs/methods.md), a brute-force widest-path
reference for Schulze, numpy references for the pairwise matrix, Borda, Copeland and mean rank.

pref_voting was tried as a reference and not pinned: every release that resolves pulls numba and
downgrades numpy (2.4 -> 2.3 or 1.26), which the brief rules out.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import GroupSpec, RankingData, ranking_results
from app.engine.ranking import strongest_paths

FIXTURE = [(5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"), (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"),
           (8, "EBADC")]
GROUP_KEYS = ["gov", "emp", "wrk"]


def groups_with(ws: list[float]) -> list[GroupSpec]:
    return [GroupSpec(key, w) for key, w in zip(GROUP_KEYS, ws, strict=True)]


def fixture_doc(weighting: str = "per_head") -> dict:
    ballots = [("gov", list(order)) for n, order in FIXTURE for _ in range(n)]
    return ranking_results(RankingData("rank", groups_with([1, 1, 1]), list("ABCDE"), 5, ballots), weighting)


def test_fixture_schulze_and_borda() -> None:
    doc = fixture_doc()
    assert doc["schulze"] == ["E", "A", "C", "B", "D"]
    totals = {item: round(points * 45, 9) for item, points in doc["borda"].items()}
    assert totals == {"E": 102, "A": 98, "B": 92, "C": 89, "D": 69}
    # the published pairwise row of A for this profile
    assert doc["pairwise"]["A"] == {"B": 20, "C": 26, "D": 30, "E": 22}
    assert doc["respondents"] == 45
    assert list(doc) == ["activity", "weighting", "respondents", "groups", "schulze", "borda", "copeland",
                         "pairwise", "items", "by_group", "kendall_w"]
    assert [it["item"] for it in doc["items"]] == list("ABCDE")  # item order, not result order
    assert doc["by_group"]["gov"]["n"] == 45 and doc["by_group"]["emp"] is None


def test_no_ballot() -> None:
    doc = ranking_results(RankingData("r", groups_with([1, 1, 1]), ["x", "y", "z"], 3, []), "equal_groups")
    assert doc["schulze"] == ["x", "y", "z"] and doc["borda"] is None
    assert all(it["mean_rank"] is None for it in doc["items"])
    assert doc["pairwise"]["x"] == {"y": 0.0, "z": 0.0}
    assert doc["copeland"] == {"x": 0, "y": 0, "z": 0}
    assert doc["respondents"] == 0


def test_truncated_ballots_share_the_remaining_points() -> None:
    """m = 4; a top-1 ballot gives a 3 points and b, c, d (4 - 1 - 1) / 2 = 1 each; mean rank (1 + 1 + 4) / 2 = 3."""
    items = ["a", "b", "c", "d"]
    doc = ranking_results(RankingData("r", groups_with([1, 1, 1]), items, 3, [("gov", ["a"])]), "per_head")
    assert doc["borda"] == {"a": 3.0, "b": 1.0, "c": 1.0, "d": 1.0}
    assert {it["item"]: it["mean_rank"] for it in doc["items"]} == {"a": 1.0, "b": 3.0, "c": 3.0, "d": 3.0}
    assert doc["pairwise"]["a"] == {"b": 1.0, "c": 1.0, "d": 1.0}
    assert doc["pairwise"]["b"] == {"a": 0.0, "c": 0.0, "d": 0.0}  # unranked items tie among themselves
    assert doc["copeland"] == {"a": 3, "b": -1, "c": -1, "d": -1}


def test_rejects_bad_ballots() -> None:
    groups = groups_with([1, 1, 1])
    for bad in ([("gov", ["a", "a"])], [("gov", ["zz"])], [("nope", ["a"])], [("gov", "ab")]):
        with pytest.raises(ValueError):
            ranking_results(RankingData("r", groups, ["a", "b"], 3, bad), "per_head")


# --- independent references ---------------------------------------------------------------------


def ref_weights(ballots: list[tuple[str, list[str]]], ws: list[float], k: int, weighting: str) -> list[Fraction]:
    n_g = {g: sum(1 for grp, _ in ballots if grp == g) for g in GROUP_KEYS}
    wmap = dict(zip(GROUP_KEYS, ws, strict=True))
    if weighting == "equal_groups" and any(wmap[g] > 0 and n_g[g] >= k for g in GROUP_KEYS):
        return [Fraction(wmap[g]) / n_g[g] if wmap[g] > 0 and n_g[g] >= k else Fraction(0) for g, _ in ballots]
    return [Fraction(1)] * len(ballots)


def ref_pairwise(ballots: list[tuple[str, list[str]]], items: list[str], w: list[Fraction]) -> list[list[Fraction]]:
    m = len(items)
    pos = np.full((len(ballots), m), np.inf)
    for i, (_, order) in enumerate(ballots):
        for r, item in enumerate(order):
            pos[i, items.index(item)] = r
    return [[sum((w[i] for i in range(len(ballots)) if pos[i, a] < pos[i, b]), Fraction(0)) for b in range(m)]
            for a in range(m)]


def ref_schulze(d: list[list[Fraction]]) -> tuple[list[int], list[list[Fraction]]]:
    """Widest paths by enumerating every simple path (fine for <= 6 candidates)."""
    m = len(d)
    edge = [[d[i][j] if i != j and d[i][j] > d[j][i] else Fraction(0) for j in range(m)] for i in range(m)]
    p = [[Fraction(0)] * m for _ in range(m)]
    for a, b in itertools.permutations(range(m), 2):
        others = [x for x in range(m) if x not in (a, b)]
        best = Fraction(0)
        for length in range(len(others) + 1):
            for middle in itertools.permutations(others, length):
                path = (a, *middle, b)
                best = max(best, min(edge[x][y] for x, y in itertools.pairwise(path)))
        p[a][b] = best
    beats = [sum(1 for j in range(m) if j != i and p[i][j] > p[j][i]) for i in range(m)]
    return sorted(range(m), key=lambda i: (-beats[i], i)), p


def test_strongest_paths_match_brute_force_on_the_fixture() -> None:
    items = list("ABCDE")
    ballots = [("gov", list(order)) for n, order in FIXTURE for _ in range(n)]
    d = ref_pairwise(ballots, items, [Fraction(1)] * len(ballots))
    _, ref_p = ref_schulze(d)
    assert strongest_paths([[int(v) for v in row] for row in d]) == [[int(v) for v in row] for row in ref_p]


ballot = st.tuples(st.sampled_from(GROUP_KEYS),
                   st.permutations(["a", "b", "c", "d", "e"]).flatmap(
                       lambda perm: st.integers(1, 5).map(lambda t: list(perm[:t]))))
weights = st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 0.1]), min_size=3, max_size=3)


@settings(max_examples=150, deadline=None)
@given(ballots=st.lists(ballot, max_size=25), ws=weights, k=st.integers(3, 5),
       weighting=st.sampled_from(["per_head", "equal_groups"]))
def test_matches_independent_references(ballots: list, ws: list[float], k: int, weighting: str) -> None:
    items = ["a", "b", "c", "d", "e"]
    m = len(items)
    doc = ranking_results(RankingData("r", groups_with(ws), items, k, ballots), weighting)
    json.dumps(doc, allow_nan=False)  # plain JSON: no fractions, no NaN
    w = ref_weights(ballots, ws, k, weighting)
    d = ref_pairwise(ballots, items, w)
    order, _ = ref_schulze(d)
    assert doc["schulze"] == [items[i] for i in order]
    for a in range(m):
        for b in range(m):
            if a != b:
                assert doc["pairwise"][items[a]][items[b]] == pytest.approx(float(d[a][b]), rel=1e-12, abs=1e-12)
        wins = sum(1 for b in range(m) if d[a][b] > d[b][a])
        losses = sum(1 for b in range(m) if d[b][a] > d[a][b])
        assert doc["copeland"][items[a]] == wins - losses
    if not ballots:
        assert doc["borda"] is None
        return
    points = np.zeros((len(ballots), m))
    ranks = np.zeros((len(ballots), m))
    for i, (_, order_i) in enumerate(ballots):
        t = len(order_i)
        points[i, :] = (m - t - 1) / 2
        ranks[i, :] = (t + 1 + m) / 2
        for r, item in enumerate(order_i, start=1):
            points[i, items.index(item)] = m - r
            ranks[i, items.index(item)] = r
    wf = np.array([float(x) for x in w])
    expected = (wf[:, None] * points).sum(axis=0) / wf.sum()
    assert [doc["borda"][it] for it in items] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert [it["mean_rank"] for it in doc["items"]] == pytest.approx(ranks.mean(axis=0), rel=1e-12)
    for g in GROUP_KEYS:
        rows = [i for i, (grp, _) in enumerate(ballots) if grp == g]
        shown = doc["by_group"][g]
        assert (shown is None) == (len(rows) < k)
        if shown is not None and shown["borda"] is not None:
            assert shown["n"] == len(rows)
            assert [shown["borda"][it] for it in items] == pytest.approx(points[rows].mean(axis=0), rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(ballots=st.lists(ballot, max_size=25), ws=weights, k=st.integers(3, 5), seed=st.randoms())
def test_order_of_ballots_does_not_matter(ballots: list, ws: list[float], k: int, seed) -> None:
    shuffled = list(ballots)
    seed.shuffle(shuffled)
    items = ["a", "b", "c", "d", "e"]
    for weighting in ("per_head", "equal_groups"):
        assert ranking_results(RankingData("r", groups_with(ws), items, k, ballots), weighting) == \
            ranking_results(RankingData("r", groups_with(ws), items, k, shuffled), weighting)


@settings(max_examples=100, deadline=None)
@given(same=st.lists(ballot, min_size=3, max_size=8), w=st.sampled_from([0.1, 1.0, 3.0]))
def test_equal_weights_and_sizes_give_per_head(same: list, w: float) -> None:
    items = ["a", "b", "c", "d", "e"]
    ballots = [(g, order) for g in GROUP_KEYS for _, order in same]
    eg = ranking_results(RankingData("r", groups_with([w, w, w]), items, 3, ballots), "equal_groups")
    ph = ranking_results(RankingData("r", groups_with([1, 1, 1]), items, 3, ballots), "per_head")
    assert eg["schulze"] == ph["schulze"] and eg["copeland"] == ph["copeland"]
    assert eg["borda"] == pytest.approx(ph["borda"], rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(ballots=st.lists(ballot, min_size=0, max_size=20), extra=st.lists(ballot, max_size=8))
def test_a_weight_zero_group_changes_nothing_weighted(ballots: list, extra: list) -> None:
    items = ["a", "b", "c", "d", "e"]
    base = [(g, o) for g, o in ballots if g != "wrk"]
    if not any(sum(1 for g2, _ in base if g2 == g) >= 3 for g in ("gov", "emp")):
        return  # fallback: every ballot weighs 1
    more = base + [("wrk", o) for _, o in extra]
    d1 = ranking_results(RankingData("r", groups_with([1.0, 2.0, 0.0]), items, 3, base), "equal_groups")
    d2 = ranking_results(RankingData("r", groups_with([1.0, 2.0, 0.0]), items, 3, more), "equal_groups")
    assert d1["schulze"] == d2["schulze"] and d1["pairwise"] == d2["pairwise"] and d1["borda"] == d2["borda"]


@settings(max_examples=200, deadline=None)
@given(ballots=st.lists(ballot, max_size=25), ws=weights, k=st.integers(3, 5))
def test_a_hidden_group_cannot_be_solved_for(ballots: list, ws: list[float], k: int) -> None:
    """mean_rank is per head over every ballot, and per-head Borda = m - mean_rank: with n_g known, the
    groups whose Borda is not shown satisfy one linear equation, so never leave exactly one of them."""
    items = ["a", "b", "c", "d", "e"]
    doc = ranking_results(RankingData("r", groups_with(ws), items, k, ballots), "equal_groups")
    n_g = {g: sum(1 for grp, _ in ballots if grp == g) for g in GROUP_KEYS}
    unknown = [g for g in GROUP_KEYS if n_g[g] and (doc["by_group"][g] is None or doc["by_group"][g]["borda"] is None)]
    assert len(unknown) != 1 or sum(1 for g in GROUP_KEYS if n_g[g]) == 1
    # per-head Borda really is m - mean_rank (the equation the rule protects against)
    if ballots:
        ph = ranking_results(RankingData("r", groups_with([1, 1, 1]), items, k, ballots), "per_head")
        for it in doc["items"]:
            assert ph["borda"][it["item"]] == pytest.approx(len(items) - it["mean_rank"], rel=1e-12)
