"""Hypothesis properties of matrix results over random workshops."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.engine import GroupSpec, matrix_results

from .helpers import Participant, matrix_data, ref_stratified_ci, ref_t_ci

GROUP_KEYS = ["gov", "emp", "wrk"]
WEIGHTINGS = ["per_head", "equal_groups"]
value = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def participants(draw: st.DrawFn, groups: list[str] = GROUP_KEYS, max_size: int = 30) -> list[Participant]:
    """Participants rating items a and b; None = don't know, a missing item = not rated."""
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        ratings = {}
        for item in ("a", "b"):
            if draw(st.booleans()):
                ratings[item] = (draw(value), draw(value))
        out.append(Participant(draw(st.sampled_from(groups)), ratings))
    return out


weights = st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 1 / 3]), min_size=3, max_size=3)
ks = st.integers(3, 5)


def groups_with(ws: list[float]) -> list[GroupSpec]:
    return [GroupSpec(key, w) for key, w in zip(GROUP_KEYS, ws, strict=True)]


def axis_values(parts: list[Participant], item: str, axis: str, group: str | None = None) -> list[int]:
    idx = 0 if axis == "x" else 1
    return [p.ratings[item][idx] for p in parts
            if item in p.ratings and p.ratings[item][idx] is not None and (group is None or p.group == group)]


@settings(max_examples=100, deadline=None)
@given(parts=participants(), ws=weights, k=ks, data=st.data())
def test_order_of_participants_does_not_matter(parts: list[Participant], ws: list[float], k: int,
                                               data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(parts))
    for weighting in WEIGHTINGS:
        a = matrix_results(matrix_data(parts, groups_with(ws), ["a", "b"], k=k), weighting)
        b = matrix_results(matrix_data(shuffled, groups_with(ws), ["a", "b"], k=k), weighting)
        assert a == b


@settings(max_examples=150, deadline=None)
@given(parts=participants(), ws=weights, k=ks)
def test_matches_an_independent_numpy_computation(parts: list[Participant], ws: list[float], k: int) -> None:
    groups = groups_with(ws)
    data = matrix_data(parts, groups, ["a", "b"], k=k)
    for weighting in WEIGHTINGS:
        doc = matrix_results(data, weighting)
        json.dumps(doc, allow_nan=False)
        for it in doc["items"]:
            item = it["item"]
            for axis in ("x", "y"):
                got = it[axis]
                vals = axis_values(parts, item, axis)
                per_group = {g: axis_values(parts, item, axis, g) for g in GROUP_KEYS}
                if not vals or (weighting == "equal_groups" and len(vals) < k):
                    assert all(v is None for f, v in got.items() if f != "dont_know")
                    assert it["quadrant"] is None
                    continue
                used = [(w, per_group[g]) for g, w in zip(GROUP_KEYS, ws, strict=True) if len(per_group[g]) >= k]
                weighted = weighting == "equal_groups" and sum(w for w, _ in used) > 0
                if weighted:
                    expected = sum(w * np.mean(v) for w, v in used) / sum(w for w, _ in used)
                    ref_ci = ref_stratified_ci(used, 1, 5)
                else:
                    expected = np.mean(vals)
                    ref_ci = ref_t_ci(vals, 1, 5) if len(vals) > 1 else None
                assert got["mean"] == pytest.approx(expected, rel=1e-12)
                assert got["median"] == np.median(vals)
                if len(vals) > 1:
                    assert got["sd"] == pytest.approx(np.std(vals, ddof=1), rel=1e-9, abs=1e-12)
                    assert got["ci95"] == pytest.approx(ref_ci, rel=1e-9, abs=1e-12)
                    assert 1 <= got["ci95"][0] <= got["mean"] <= got["ci95"][1] <= 5
                else:
                    assert got["sd"] is None and got["ci95"] is None
                assert 0 <= got["consensus"] <= 1 + 1e-12
            for g, n in zip(GROUP_KEYS, [sum(1 for p in parts if p.group == g and item in p.ratings
                                             and p.ratings[item] != (None, None)) for g in GROUP_KEYS], strict=True):
                shown = it["by_group"][g]
                assert (shown is None) == (n < k)
                if shown is not None:
                    assert shown["n"] == n
                    for axis in ("x", "y"):
                        if shown[axis]["mean"] is not None:
                            vals_g = axis_values(parts, item, axis, g)
                            assert len(vals_g) >= k
                            assert shown[axis]["mean"] == pytest.approx(np.mean(vals_g), rel=1e-12)
            if it["divergence"] is not None:
                assert it["divergence"] >= 0


@st.composite
def equal_sized_groups(draw: st.DrawFn) -> tuple[list[Participant], int]:
    k = draw(ks)
    m = draw(st.integers(k, 12))
    parts = [Participant(g, {"a": (draw(st.integers(1, 5)), draw(st.integers(1, 5)))})
             for g in GROUP_KEYS for _ in range(m)]
    return parts, k


@settings(max_examples=150, deadline=None)
@given(case=equal_sized_groups(), w=st.floats(min_value=1e-3, max_value=1e3))
def test_equal_weights_and_sizes_give_the_per_head_mean(case: tuple[list[Participant], int], w: float) -> None:
    parts, k = case
    data = matrix_data(parts, groups_with([w, w, w]), ["a"], k=k)
    eg = matrix_results(data, "equal_groups")["items"][0]
    ph = matrix_results(data, "per_head")["items"][0]
    for axis in ("x", "y"):
        assert eg[axis]["mean"] == ph[axis]["mean"]  # exactly, not approximately
    assert eg["quadrant"] == ph["quadrant"]


@st.composite
def with_a_solid_group(draw: st.DrawFn) -> tuple[list[Participant], int]:
    """Random data in which gov always reaches k on both axes of item a, so no axis falls back."""
    k = draw(ks)
    parts = draw(participants(groups=["gov", "emp"]))
    parts += [Participant("gov", {"a": (draw(st.integers(1, 5)), draw(st.integers(1, 5)))}) for _ in range(k)]
    return parts, k


@settings(max_examples=150, deadline=None)
@given(case=with_a_solid_group(), ws=st.lists(st.sampled_from([0.5, 1.0, 3.0]), min_size=2, max_size=2),
       observers=participants(groups=["obs"]))
def test_a_weight_zero_group_changes_no_equal_groups_figure(
    case: tuple[list[Participant], int], ws: list[float], observers: list[Participant]
) -> None:
    parts, k = case
    base = [GroupSpec("gov", ws[0]), GroupSpec("emp", ws[1])]
    plus = [*base, GroupSpec("obs", 0.0)]
    a = matrix_results(matrix_data(parts, base, ["a", "b"], k=k), "equal_groups")["items"][0]
    b = matrix_results(matrix_data(parts + observers, plus, ["a", "b"], k=k), "equal_groups")["items"][0]
    for axis in ("x", "y"):
        assert b[axis]["mean"] == a[axis]["mean"]
        assert b[axis]["ci95"] == a[axis]["ci95"]
    assert b["quadrant"] == a["quadrant"]
    assert [g for g in b["excluded_groups"] if g != "obs"] == a["excluded_groups"]
    for g in ("gov", "emp"):
        assert b["by_group"][g] == a["by_group"][g]


@settings(max_examples=100, deadline=None)
@given(parts=participants(), vote=st.tuples(st.integers(1, 5), st.integers(1, 5)), k=ks)
def test_a_unanimous_item_has_consensus_one(parts: list[Participant], vote: tuple[int, int], k: int) -> None:
    unanimous = [Participant(p.group, {"a": vote}) for p in parts]
    assume(len(unanimous) >= k)
    for weighting in WEIGHTINGS:
        it = matrix_results(matrix_data(unanimous, groups_with([1, 1, 1]), ["a"], k=k), weighting)["items"][0]
        assert it["x"]["consensus"] == 1.0 and it["y"]["consensus"] == 1.0
        assert it["x"]["mean"] == vote[0] and it["y"]["mean"] == vote[1]
        assert it["x"]["sd"] == 0.0
        assert it["y"]["ci95"] == [vote[1], vote[1]]


def _replace_axis(parts: list[Participant], group: str, axis: str) -> list[Participant]:
    """The same people, but every value of ``group`` on ``axis`` of item a changed."""
    idx = 0 if axis == "x" else 1
    out = []
    for p in parts:
        ratings = dict(p.ratings)
        if p.group == group and "a" in ratings and ratings["a"][idx] is not None:
            pair = list(ratings["a"])
            pair[idx] = pair[idx] % 5 + 1
            ratings["a"] = (pair[0], pair[1])
        out.append(Participant(p.group, ratings))
    return out


@settings(max_examples=200, deadline=None)
@given(parts=participants(max_size=40), ws=st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=3, max_size=3),
       k=ks)
def test_a_hidden_group_cannot_be_recovered_from_shown_figures(parts: list[Participant], ws: list[float],
                                                               k: int) -> None:
    groups = groups_with(ws)
    doc = matrix_results(matrix_data(parts, groups, ["a", "b"], k=k), "equal_groups")["items"][0]
    for axis in ("x", "y"):
        counts = {g: len(axis_values(parts, "a", axis, g)) for g in GROUP_KEYS}
        shown = [doc["by_group"][g][axis]["mean"] for g in GROUP_KEYS
                 if doc["by_group"][g] is not None and doc["by_group"][g][axis]["mean"] is not None]
        for hidden in (g for g in GROUP_KEYS if 0 < counts[g] < k):
            if not shown or doc[axis]["mean"] is None:
                continue
            # some group mean is shown next to the pooled mean: the pooled mean must then be blind to
            # the hidden group's values, or pooled - shown would reveal them
            other = matrix_results(matrix_data(_replace_axis(parts, hidden, axis), groups, ["a", "b"], k=k),
                                   "equal_groups")["items"][0]
            assert other[axis]["mean"] == doc[axis]["mean"]
            assert [other["by_group"][g] and other["by_group"][g][axis] for g in GROUP_KEYS] == \
                [doc["by_group"][g] and doc["by_group"][g][axis] for g in GROUP_KEYS]
        # the contract's wording of the same rule
        below = [g for g in GROUP_KEYS if 0 < counts[g] < k]
        used_weight = sum(w for g, w in zip(GROUP_KEYS, ws, strict=True) if counts[g] >= k)
        if below and used_weight == 0:
            assert shown == []
