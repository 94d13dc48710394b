"""`points` (dot voting) results against hand-worked numbers and a numpy reference of the contract's rules."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import GroupSpec, PointsData, points_results

GROUP_KEYS = ["gov", "emp", "wrk"]
ITEMS = ["a", "b", "c", "d"]


def groups_with(ws: list[float]) -> list[GroupSpec]:
    return [GroupSpec(key, w) for key, w in zip(GROUP_KEYS, ws, strict=True)]


def data(ballots: list[tuple[str, dict[str, int]]], ws: list[float] | None = None, k: int = 3) -> PointsData:
    return PointsData("dots", groups_with(ws or [1.0, 1.0, 1.0]), ITEMS, k, ballots)


def by_item(doc: dict) -> dict[str, dict]:
    return {it["item"]: it for it in doc["items"]}


def reference(ballots: list[tuple[str, dict[str, int]]], ws: list[float], k: int, weighting: str) -> dict:
    """The contract's definitions with numpy on a ballots x items matrix."""
    x = np.array([[b.get(i, 0) for i in ITEMS] for _, b in ballots], dtype=float).reshape(len(ballots), len(ITEMS))
    g = np.array([grp for grp, _ in ballots])
    spent = x.sum(axis=1) if len(ballots) else np.zeros(0)
    voted = spent > 0
    shares = np.divide(x, spent[:, None], out=np.zeros_like(x), where=spent[:, None] > 0)
    n_g = {key: int(np.sum(voted & (g == key))) for key in GROUP_KEYS}
    w = np.ones(len(ballots))
    if weighting == "equal_groups":
        qual = {key: wt > 0 and n_g[key] >= k for key, wt in zip(GROUP_KEYS, ws, strict=True)}
        if any(qual.values()):
            w = np.array([dict(zip(GROUP_KEYS, ws, strict=True))[grp] / n_g[grp] if qual[grp] else 0.0
                          for grp in g])
    out = {"total": x.sum(axis=0), "voters": int(voted.sum())}
    if voted.any():
        out["score"] = (w[voted, None] * shares[voted]).sum(axis=0) / w[voted].sum()
        out["breadth"] = (x[voted] > 0).mean(axis=0)
        s = x.sum(axis=0) / x.sum()
        out["effective"] = 1 / np.sum(s**2)
        out["group_score"] = {key: shares[voted & (g == key)].mean(axis=0) for key in GROUP_KEYS if n_g[key]}
    out["n_g"] = n_g
    return out


def test_hand_worked_example() -> None:
    """Budget 3, five gov and five emp voters; one emp voter used a single dot; one gov ballot is empty."""
    ballots = [
        *[("gov", {"a": 2, "b": 1}) for _ in range(4)],
        ("gov", {}),
        *[("emp", {"c": 3}) for _ in range(3)],
        ("emp", {"a": 1, "c": 2}),
        ("emp", {"b": 1}),
    ]
    doc = points_results(data(ballots), "equal_groups")
    assert doc["respondents"] == 10 and doc["groups"]["gov"] == {"respondents": 5}
    items = by_item(doc)
    # voters who gave points: 4 gov, 5 emp (k = 3: both count, weight 1/2 each)
    # gov shares: a 2/3, b 1/3; emp shares: a 1/15, b 1/5, c 11/15
    assert items["a"]["score"] == pytest.approx((2 / 3 + 1 / 15) / 2)
    assert items["b"]["score"] == pytest.approx((1 / 3 + 1 / 5) / 2)
    assert items["c"]["score"] == pytest.approx((0 + 11 / 15) / 2)
    assert items["d"]["score"] == 0.0
    assert items["a"]["total"] == 9 and items["c"]["total"] == 11 and items["b"]["total"] == 5
    assert items["a"]["breadth"] == pytest.approx(5 / 9)
    assert items["c"]["breadth"] == pytest.approx(4 / 9)
    assert doc["effective_priorities"] == pytest.approx(1 / ((9 / 25) ** 2 + (5 / 25) ** 2 + (11 / 25) ** 2))
    assert items["a"]["effective_priorities"] == doc["effective_priorities"]
    assert items["a"]["by_group"]["gov"] == {"n": 4, "score": pytest.approx(2 / 3)}
    assert items["c"]["by_group"]["emp"] == {"n": 5, "score": pytest.approx(11 / 15)}
    assert items["a"]["by_group"]["wrk"] is None
    assert [it["item"] for it in doc["items"]] == ["a", "c", "b", "d"]
    ph = by_item(points_results(data(ballots), "per_head"))
    assert ph["a"]["score"] == pytest.approx((4 * 2 / 3 + 1 / 3) / 9)  # sums of shares, not group means


def test_sort_ties_by_breadth_then_item_order() -> None:
    # a and b have equal scores (1/2 each over two voters... scaled); b is broader; c and d tie fully
    ballots = [("gov", {"a": 2}), ("gov", {"b": 1, "a": 0, "c": 1}), ("gov", {"b": 1, "d": 1})]
    doc = points_results(data(ballots), "per_head")
    items = by_item(doc)
    assert items["a"]["score"] == pytest.approx(1 / 3) and items["b"]["score"] == pytest.approx(1 / 3)
    assert items["b"]["breadth"] > items["a"]["breadth"]
    assert [it["item"] for it in doc["items"]] == ["b", "a", "c", "d"]


def test_nobody_gave_points() -> None:
    doc = points_results(data([("gov", {}), ("emp", {"a": 0})]), "equal_groups")
    assert doc["respondents"] == 2 and doc["effective_priorities"] is None
    for it in doc["items"]:
        assert it["score"] is None and it["breadth"] is None and it["total"] == 0
    assert [it["item"] for it in doc["items"]] == ITEMS


def test_rejects_bad_ballots() -> None:
    for bad in ([("zzz", {"a": 1})], [("gov", {"zzz": 1})], [("gov", {"a": -1})], [("gov", {"a": 1.0})],
                [("gov", {"a": True})]):
        with pytest.raises(ValueError):
            points_results(data(bad), "per_head")
    with pytest.raises(ValueError):
        points_results(data([]), "both")


def test_exactly_one_hidden_group_hides_the_smallest_shown_group_too() -> None:
    """Full-budget ballots: total - shown groups' points would give the hidden group's share."""
    ballots = [*[("gov", {"a": 3}) for _ in range(6)], *[("emp", {"b": 3}) for _ in range(4)],
               ("wrk", {"c": 3})]
    doc = points_results(data(ballots), "equal_groups")
    bg = doc["items"][0]["by_group"]
    assert bg["wrk"] is None
    assert bg["emp"] == {"n": 4, "score": None}  # the smallest shown group
    assert bg["gov"]["score"] is not None
    ph = points_results(data(ballots), "per_head")["items"][0]["by_group"]  # facilitators see every group >= k
    assert ph["emp"]["score"] is not None and ph["wrk"] is None


def test_fallback_with_a_hidden_group_shows_no_group() -> None:
    ballots = [*[("gov", {"a": 3}) for _ in range(5)], ("emp", {"b": 3})]
    doc = points_results(data(ballots, ws=[0.0, 1.0, 1.0]), "equal_groups")
    for it in doc["items"]:
        assert it["by_group"]["gov"] == {"n": 5, "score": None}
    # fallback: every ballot weighs 1
    assert by_item(doc)["a"]["score"] == pytest.approx(5 / 6)


ballot = st.tuples(
    st.sampled_from(GROUP_KEYS),
    st.dictionaries(st.sampled_from(ITEMS), st.integers(0, 3), max_size=4),
)
weights = st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 0.1]), min_size=3, max_size=3)


@settings(max_examples=200, deadline=None)
@given(ballots=st.lists(ballot, max_size=30), ws=weights, k=st.integers(3, 5),
       weighting=st.sampled_from(["per_head", "equal_groups"]))
def test_matches_a_numpy_reference(ballots: list, ws: list[float], k: int, weighting: str) -> None:
    doc = points_results(data(ballots, ws, k), weighting)
    json.dumps(doc, allow_nan=False)  # plain JSON: no fractions, no NaN
    ref = reference(ballots, ws, k, weighting)
    items = by_item(doc)
    for j, item in enumerate(ITEMS):
        it = items[item]
        assert it["total"] == ref["total"][j]
        if ref["voters"]:
            assert it["score"] == pytest.approx(ref["score"][j], rel=1e-9, abs=1e-12)
            assert it["breadth"] == pytest.approx(ref["breadth"][j], rel=1e-12)
            assert doc["effective_priorities"] == pytest.approx(ref["effective"], rel=1e-12)
        else:
            assert it["score"] is None and it["breadth"] is None
        for key in GROUP_KEYS:
            shown = it["by_group"][key]
            assert (shown is None) == (ref["n_g"][key] < k)
            if shown is not None:
                assert shown["n"] == ref["n_g"][key]
                if shown["score"] is not None:
                    assert shown["score"] == pytest.approx(ref["group_score"][key][j], rel=1e-9, abs=1e-12)
    # sorted by exact score, then breadth, then item order
    exact = {}
    for item in ITEMS:
        sc = items[item]["score"]
        exact[item] = (-(sc or 0), -(items[item]["breadth"] or 0), ITEMS.index(item))
    keys = [exact[it["item"]] for it in doc["items"]]
    for a, b in itertools.pairwise(keys):
        assert a[0] <= b[0] + 1e-12


@settings(max_examples=100, deadline=None)
@given(ballots=st.lists(ballot, max_size=30), ws=weights, k=st.integers(3, 5), seed=st.randoms())
def test_order_of_ballots_does_not_matter(ballots: list, ws: list[float], k: int, seed) -> None:
    shuffled = list(ballots)
    seed.shuffle(shuffled)
    for weighting in ("per_head", "equal_groups"):
        assert points_results(data(ballots, ws, k), weighting) == points_results(data(shuffled, ws, k), weighting)


@settings(max_examples=100, deadline=None)
@given(per_group=st.lists(st.dictionaries(st.sampled_from(ITEMS), st.integers(0, 3), max_size=4),
                          min_size=3, max_size=8),
       w=st.sampled_from([0.1, 1.0, 3.0]))
def test_equal_weights_and_equal_sizes_give_per_head(per_group: list[dict[str, int]], w: float) -> None:
    """Same number of voters in every group (each group gets a rotated copy of the same ballots)."""
    ballots = []
    for shift, key in enumerate(GROUP_KEYS):
        for b in per_group:
            ballots.append((key, {ITEMS[(ITEMS.index(i) + shift) % 4]: p for i, p in b.items()}))
    eg = points_results(data(ballots, [w, w, w]), "equal_groups")
    ph = points_results(data(ballots), "per_head")
    for a, b in zip(eg["items"], ph["items"], strict=True):
        assert a["item"] == b["item"]
        assert a["score"] == b["score"]


@settings(max_examples=100, deadline=None)
@given(ballots=st.lists(ballot, max_size=30), extra=st.lists(ballot, max_size=10), k=st.integers(3, 5))
def test_a_weight_zero_group_changes_no_score(ballots: list, extra: list, k: int) -> None:
    """Adding votes of a weight-0 group: the equal_groups scores do not move (unless the weights fall back)."""
    base = [(g, b) for g, b in ballots if g != "wrk"]
    more = base + [("wrk", b) for _, b in extra]
    d1, d2 = data(base, [1.0, 2.0, 0.0], k), data(more, [1.0, 2.0, 0.0], k)
    voters = {g: sum(1 for grp, b in base if grp == g and sum(b.values())) for g in ("gov", "emp")}
    if max(voters.values()) < k:
        return  # every ballot weighs 1 then, by the contract's fallback
    s1 = {it["item"]: it["score"] for it in points_results(d1, "equal_groups")["items"]}
    s2 = {it["item"]: it["score"] for it in points_results(d2, "equal_groups")["items"]}
    assert s1 == s2


@settings(max_examples=200, deadline=None)
@given(ballots=st.lists(ballot, max_size=30), ws=weights, k=st.integers(3, 5))
def test_suppression_never_leaves_exactly_one_group_to_be_solved_for(ballots: list, ws: list[float], k: int) -> None:
    """The room sees per-head totals and breadth; with full budgets, total - shown groups' shares gives the
    points of the groups not shown. One linear equation: it identifies a hidden group only when exactly one
    group with voters is not shown (and it is not the only group that voted, in which case the pooled figure
    is the room's own)."""
    doc = points_results(data(ballots, ws, k), "equal_groups")
    voters = {g: sum(1 for grp, b in ballots if grp == g and sum(b.values())) for g in GROUP_KEYS}
    unknown = [g for g in GROUP_KEYS if voters[g] and (doc["items"][0]["by_group"][g] is None
                                                       or doc["items"][0]["by_group"][g]["score"] is None)]
    with_voters = [g for g in GROUP_KEYS if voters[g]]
    assert len(unknown) != 1 or len(with_voters) == 1
