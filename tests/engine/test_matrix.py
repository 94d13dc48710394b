"""Hand-built matrix cases, one or more per rule of docs/interface.md, "Results document (matrix)"."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats as sps

from app.engine import GroupSpec, MatrixData, Scale, matrix_results

from .helpers import (
    Participant,
    axis_votes,
    both_votes,
    groups_of,
    matrix_data,
    ref_stratified,
    ref_stratified_ci,
    ref_t_ci,
    ref_tastle_wierman,
    ref_wilson,
)

GOV = [3, 3, 4, 2]
EMP = [5, 5, 4, 5, 4, 5, 3, 5, 4, 5, 5, 4]
WRK = [2, 3, 2, 3, 4, 2]
TRIPARTITE = groups_of({"gov": 1.0, "emp": 1.0, "wrk": 1.0})
ITEM_KEYS = {"item", "n", "x", "y", "quadrant", "divergence", "excluded_groups", "by_group", "flags"}
AXIS_KEYS = {"mean", "median", "sd", "ci95", "consensus", "iqr", "agreement", "top2", "dont_know"}
NULL_AXIS = {**dict.fromkeys(AXIS_KEYS), "dont_know": 0}


def worked_example(groups: list[GroupSpec] = TRIPARTITE, k: int = 3) -> MatrixData:
    """docs/methods.md "Access to finance" on y (severity); x (tractability) = 6 - severity, to have two axes."""
    votes = {"gov": GOV, "emp": EMP, "wrk": WRK}
    participants = [Participant(g, {"finance": (6 - v, v)}) for g, vals in votes.items() for v in vals]
    return matrix_data(participants, groups, ["finance"], k=k)


def only_item(doc: dict) -> dict:
    assert len(doc["items"]) == 1
    return doc["items"][0]


# --- document shape ---------------------------------------------------------------------------


@pytest.mark.parametrize("weighting", ["per_head", "equal_groups"])
def test_document_shape(weighting: str) -> None:
    groups = groups_of({"gov": 1, "emp": 1, "wrk": 1, "academia": 1})
    participants = [
        *[Participant("gov", {"b": (2, 3), "a": (4, 4)}) for _ in range(3)],
        Participant("emp", {"b": (None, None)}),  # don't know on both axes: a respondent, not in n
        Participant("wrk", {"a": (1, None)}),
    ]
    doc = matrix_results(matrix_data(participants, groups, ["b", "a", "c"]), weighting)
    assert list(doc) == ["activity", "weighting", "respondents", "groups", "items"]
    assert doc["activity"] == "constraints" and doc["weighting"] == weighting
    assert doc["respondents"] == 5
    assert doc["groups"] == {"gov": {"respondents": 3}, "emp": {"respondents": 1}, "wrk": {"respondents": 1},
                             "academia": {"respondents": 0}}
    assert list(doc["groups"]) == ["gov", "emp", "wrk", "academia"]
    assert [it["item"] for it in doc["items"]] == ["b", "a", "c"]  # activity order, also for an unrated item
    for it in doc["items"]:
        assert set(it) == ITEM_KEYS
        assert set(it["x"]) == AXIS_KEYS and set(it["y"]) == AXIS_KEYS
        assert list(it["by_group"]) == ["gov", "emp", "wrk", "academia"]
    b, a, c = doc["items"]
    assert (b["n"], a["n"], c["n"]) == (3, 4, 0)
    assert b["by_group"]["gov"] == {"n": 3, "x": {"mean": 2.0}, "y": {"mean": 3.0}}
    assert a["by_group"]["wrk"] is None and a["by_group"]["emp"] is None
    assert c["x"] == NULL_AXIS and c["y"] == NULL_AXIS and c["quadrant"] is None
    json.dumps(doc, allow_nan=False)  # plain JSON: no NaN, no Fraction


def test_floats_not_fractions() -> None:
    doc = matrix_results(worked_example(), "equal_groups")
    it = only_item(doc)
    for axis in ("x", "y"):
        for key in ("mean", "median", "sd", "consensus"):
            assert type(it[axis][key]) is float
        assert all(type(v) is float for v in it[axis]["ci95"])
    assert type(it["divergence"]) is float
    assert type(it["by_group"]["gov"]["y"]["mean"]) is float


# --- the worked example (docs/methods.md) --------------------------------------------------------


def test_worked_example_per_head() -> None:
    it = only_item(matrix_results(worked_example(), "per_head"))
    y = it["y"]
    allv = np.array(GOV + EMP + WRK, dtype=float)
    assert round(y["mean"], 2) == 3.73
    assert [round(v, 2) for v in y["ci95"]] == [3.23, 4.22]
    assert y["ci95"] == pytest.approx(ref_t_ci(allv, 1, 5), rel=1e-12)
    assert y["mean"] == pytest.approx(allv.mean(), rel=1e-15)
    assert y["median"] == np.median(allv)
    assert y["sd"] == pytest.approx(np.std(allv, ddof=1), rel=1e-14)
    assert round(y["consensus"], 2) == 0.58
    assert y["consensus"] == pytest.approx(ref_tastle_wierman(allv, 1, 5), abs=1e-12)
    assert it["n"] == 22
    assert it["excluded_groups"] == []
    assert it["by_group"]["gov"] == {"n": 4, "x": {"mean": 3.0}, "y": {"mean": 3.0}}
    assert it["by_group"]["emp"]["y"]["mean"] == 4.5
    assert it["by_group"]["wrk"]["y"]["mean"] == pytest.approx(8 / 3)
    assert it["divergence"] == pytest.approx(4.5 - 8 / 3)
    # y mean 3.73 >= 3 is high; x mean 6 - 3.73 = 2.27 is low
    assert it["quadrant"] == "top_left"


def test_worked_example_equal_thirds() -> None:
    it = only_item(matrix_results(worked_example(), "equal_groups"))
    y = it["y"]
    assert round(y["mean"], 2) == 3.39
    ref_groups = [(1.0, GOV), (1.0, EMP), (1.0, WRK)]
    mean, se, df = ref_stratified(ref_groups)
    assert round(se, 2) == 0.19
    assert y["mean"] == pytest.approx(mean, rel=1e-15)
    assert y["ci95"] == pytest.approx(ref_stratified_ci(ref_groups, 1, 5), rel=1e-12)
    assert y["ci95"] == pytest.approx([mean - sps.t.ppf(0.975, df) * se, mean + sps.t.ppf(0.975, df) * se])
    # median, sd, consensus stay unweighted
    per_head = only_item(matrix_results(worked_example(), "per_head"))["y"]
    for key in ("median", "sd", "consensus"):
        assert y[key] == per_head[key]
    assert it["excluded_groups"] == []
    assert it["quadrant"] == "top_left"


def test_worked_example_ilo_weights() -> None:
    ilo = groups_of({"gov": 2.0, "emp": 1.0, "wrk": 1.0})
    it = only_item(matrix_results(worked_example(ilo), "equal_groups"))
    assert round(it["y"]["mean"], 2) == 3.29
    assert it["y"]["mean"] == pytest.approx((2 * 3 + 4.5 + 8 / 3) / 4, rel=1e-15)
    assert it["y"]["ci95"] == pytest.approx(ref_stratified_ci([(2, GOV), (1, EMP), (1, WRK)], 1, 5), rel=1e-12)


def test_worked_example_with_k5_excludes_gov() -> None:
    # docs/methods.md: with k = 5, GOV (n = 4) is not shown and does not carry a third of the vote
    it = only_item(matrix_results(worked_example(k=5), "equal_groups"))
    assert it["excluded_groups"] == ["gov"]
    assert it["by_group"]["gov"] is None
    assert it["y"]["mean"] == pytest.approx((4.5 + 8 / 3) / 2, rel=1e-15)
    assert it["y"]["ci95"] == pytest.approx(ref_stratified_ci([(1, EMP), (1, WRK)], 1, 5), rel=1e-12)
    assert it["divergence"] == pytest.approx(4.5 - 8 / 3)
    per_head = only_item(matrix_results(worked_example(k=5), "per_head"))
    assert per_head["excluded_groups"] == []
    assert per_head["by_group"]["gov"] is None  # below k whatever the weighting


# --- equal_groups mean, fallback and excluded groups ------------------------------------------


def test_exactly_k_values_is_enough_and_k_minus_one_is_not() -> None:
    groups = groups_of({"a": 1, "b": 1})
    data = matrix_data(axis_votes({"a": [5, 5, 5], "b": [1, 1]}), groups, ["a"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    assert it["y"]["mean"] == 5.0  # only a reaches k; b's two people do not carry half the vote
    assert it["excluded_groups"] == ["a", "b"]  # a has no x values, b too few of either
    assert it["by_group"]["a"] == {"n": 3, "x": {"mean": None}, "y": {"mean": 5.0}}
    assert it["by_group"]["b"] is None
    data = matrix_data(axis_votes({"a": [5, 5, 5], "b": [1, 1, 1]}), groups, ["a"], k=3)
    assert only_item(matrix_results(data, "equal_groups"))["y"]["mean"] == 3.0


def test_fallback_when_no_group_reaches_k() -> None:
    groups = groups_of({"a": 1, "b": 1, "c": 1})
    vals = {"a": [1, 2], "b": [5, 5], "c": [4]}
    data = matrix_data(axis_votes(vals), groups, ["a"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    pooled = [1, 2, 5, 5, 4]
    assert it["y"]["mean"] == pytest.approx(np.mean(pooled))  # plain mean, total 5 >= k
    assert it["y"]["ci95"] == pytest.approx(ref_t_ci(pooled, 1, 5), rel=1e-12)  # per-head interval
    assert it["excluded_groups"] == ["a", "b", "c"]
    assert all(v is None for v in it["by_group"].values())
    assert it["divergence"] is None
    assert it["x"] == NULL_AXIS
    assert it["quadrant"] is None


def test_fallback_when_used_weights_sum_to_zero_hides_every_group_mean() -> None:
    # the only group reaching k has weight 0; c has 1..k-1 values: showing a and b would reveal c
    groups = groups_of({"a": 0.0, "b": 0.0, "c": 1.0})
    vals = {"a": [(4, 5)] * 3, "b": [(2, 1)] * 4, "c": [(3, 2)] * 2}
    data = matrix_data(both_votes(vals), groups, ["a"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    pooled_y = [5] * 3 + [1] * 4 + [2] * 2
    assert it["y"]["mean"] == pytest.approx(np.mean(pooled_y))
    assert it["y"]["ci95"] == pytest.approx(ref_t_ci(pooled_y, 1, 5), rel=1e-12)
    assert it["by_group"]["a"] == {"n": 3, "x": {"mean": None}, "y": {"mean": None}}
    assert it["by_group"]["b"] == {"n": 4, "x": {"mean": None}, "y": {"mean": None}}
    assert it["by_group"]["c"] is None
    assert it["divergence"] is None
    assert it["excluded_groups"] == ["c"]
    # per_head: nothing to hide from the facilitators
    ph = only_item(matrix_results(data, "per_head"))
    assert ph["by_group"]["a"] == {"n": 3, "x": {"mean": 4.0}, "y": {"mean": 5.0}}
    assert ph["divergence"] == 4.0
    assert ph["excluded_groups"] == []


def test_fallback_without_small_groups_keeps_group_means() -> None:
    # weights 0 make the mean fall back, but no group has 1..k-1 values: nothing can be derived
    groups = groups_of({"a": 0.0, "b": 0.0, "c": 1.0})
    vals = {"a": [(4, 5)] * 3, "b": [(2, 1)] * 4}
    data = matrix_data(both_votes(vals), groups, ["a"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    assert it["y"]["mean"] == pytest.approx(np.mean([5] * 3 + [1] * 4))
    assert it["by_group"]["a"] == {"n": 3, "x": {"mean": 4.0}, "y": {"mean": 5.0}}
    assert it["divergence"] == 4.0
    assert it["excluded_groups"] == ["c"]  # c has none: listed too


def test_suppression_is_per_axis_and_divergence_skips_the_axis() -> None:
    # both axes fall back (the groups reaching k have weight 0); only x has a group (c) with 1..k-1 values
    groups = groups_of({"a": 0.0, "b": 0.0, "c": 1.0})
    vals = {"a": [(1, 5)] * 3, "b": [(5, 1)] * 3, "c": [(3, None)] * 2}
    data = matrix_data(both_votes(vals), groups, ["a"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    assert it["x"]["mean"] == pytest.approx(np.mean([1] * 3 + [5] * 3 + [3] * 2))
    assert it["by_group"]["a"]["x"] == {"mean": None} and it["by_group"]["b"]["x"] == {"mean": None}
    # y also falls back (weights 0) but no group has 1..k-1 y values: shown
    assert it["by_group"]["a"]["y"] == {"mean": 5.0} and it["by_group"]["b"]["y"] == {"mean": 1.0}
    assert it["divergence"] == 4.0  # from y only
    assert it["excluded_groups"] == ["c"]


def test_excluded_groups_either_axis_in_workshop_order() -> None:
    groups = groups_of({"z": 1, "a": 1, "m": 1, "none": 1})
    vals = {
        "z": [(1, 2)] * 3 + [(None, 2)],  # 3 x, 4 y: fine
        "a": [(2, None)] * 3 + [(3, 4)] * 2,  # 5 x, 2 y: excluded for y
        "m": [(4, 4)] * 2,  # 2 and 2: excluded
    }
    data = matrix_data(both_votes(vals, item="i"), groups, ["i"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    assert it["excluded_groups"] == ["a", "m", "none"]
    assert it["x"]["mean"] == pytest.approx((1 + np.mean([2, 2, 2, 3, 3])) / 2)
    assert it["y"]["mean"] == 2.0  # only z reaches k on y
    assert it["by_group"]["a"] == {"n": 5, "x": {"mean": pytest.approx(2.4)}, "y": {"mean": None}}
    assert it["by_group"]["z"] == {"n": 4, "x": {"mean": 1.0}, "y": {"mean": 2.0}}
    assert it["by_group"]["m"] is None and it["by_group"]["none"] is None
    assert only_item(matrix_results(data, "per_head"))["excluded_groups"] == []


def test_weight_zero_group_is_shown_but_does_not_move_the_mean() -> None:
    base = groups_of({"gov": 1, "emp": 1, "wrk": 1})
    with_obs = groups_of({"gov": 1, "emp": 1, "wrk": 1, "obs": 0})
    votes = {"gov": GOV, "emp": EMP, "wrk": WRK}
    parts = [Participant(g, {"f": (v, v)}) for g, vals in votes.items() for v in vals]
    observers = [Participant("obs", {"f": (1, 1)}) for _ in range(5)]
    a = only_item(matrix_results(matrix_data(parts, base, ["f"]), "equal_groups"))
    b = only_item(matrix_results(matrix_data(parts + observers, with_obs, ["f"]), "equal_groups"))
    assert b["y"]["mean"] == a["y"]["mean"]
    assert b["y"]["ci95"] == a["y"]["ci95"]  # weight-0 groups are not strata of the SE
    assert b["by_group"]["obs"] == {"n": 5, "x": {"mean": 1.0}, "y": {"mean": 1.0}}
    assert b["divergence"] == 3.5  # shown group means include the observers
    assert b["excluded_groups"] == []
    assert b["y"]["median"] != a["y"]["median"] or b["y"]["sd"] != a["y"]["sd"]  # unweighted figures do see them


# --- null rules -------------------------------------------------------------------------------


def test_no_value_on_an_axis() -> None:
    data = matrix_data(axis_votes({"gov": [4, 4, 5, 5]}), TRIPARTITE, ["a"], k=3)
    for weighting in ("per_head", "equal_groups"):
        it = only_item(matrix_results(data, weighting))
        assert it["x"] == NULL_AXIS
        assert it["y"]["mean"] == 4.5
        assert it["quadrant"] is None
        assert it["n"] == 4


def test_one_value_per_head() -> None:
    data = matrix_data([Participant("gov", {"a": (2, 5)})], TRIPARTITE, ["a"], k=3)
    it = only_item(matrix_results(data, "per_head"))
    one = {"sd": None, "ci95": None, "consensus": 1.0, "iqr": 0.0, "agreement": 1.0, "dont_know": 0}
    x_top2 = it["x"].pop("top2")
    y_top2 = it["y"].pop("top2")
    assert it["x"] == {"mean": 2.0, "median": 2.0, **one}
    assert it["y"] == {"mean": 5.0, "median": 5.0, **one}
    assert x_top2["share"] == 0.0 and y_top2["share"] == 1.0
    assert x_top2["ci95"] == pytest.approx(ref_wilson(0, 1), abs=1e-4)
    assert y_top2["ci95"] == pytest.approx(ref_wilson(1, 1), abs=1e-4)
    assert it["quadrant"] == "top_left"
    assert it["by_group"]["gov"] is None


def test_fewer_than_k_values_in_total_is_null_under_equal_groups() -> None:
    data = matrix_data(both_votes({"gov": [(2, 5)], "emp": [(4, 4)]}), TRIPARTITE, ["a"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    assert it["x"] == NULL_AXIS and it["y"] == NULL_AXIS
    assert it["quadrant"] is None and it["divergence"] is None
    assert it["n"] == 2
    assert it["excluded_groups"] == ["gov", "emp", "wrk"]
    ph = only_item(matrix_results(data, "per_head"))
    assert ph["y"]["mean"] == 4.5 and ph["quadrant"] == "top_right"


def test_k_values_in_total_from_small_groups_shows_the_plain_mean() -> None:
    data = matrix_data(both_votes({"gov": [(2, 5)], "emp": [(4, 4)], "wrk": [(1, 1)]}), TRIPARTITE, ["a"], k=3)
    it = only_item(matrix_results(data, "equal_groups"))
    assert it["y"]["mean"] == pytest.approx(10 / 3)
    assert it["y"]["ci95"] == pytest.approx(ref_t_ci([5, 4, 1], 1, 5), rel=1e-12)
    assert it["quadrant"] == "top_left"
    assert all(v is None for v in it["by_group"].values())


def test_shown_group_with_too_few_values_on_one_axis() -> None:
    # 4 participants in gov rated the item, only 2 of them gave x a value
    vals = {"gov": [(1, 3), (2, 3), (None, 4), (None, 4)], "emp": [(5, 5)] * 3}
    data = matrix_data(both_votes(vals), TRIPARTITE, ["a"], k=3)
    for weighting in ("per_head", "equal_groups"):
        it = only_item(matrix_results(data, weighting))
        assert it["by_group"]["gov"] == {"n": 4, "x": {"mean": None}, "y": {"mean": 3.5}}
    it = only_item(matrix_results(data, "equal_groups"))
    assert it["excluded_groups"] == ["gov", "wrk"]
    # no fallback on x: emp reaches k with a positive weight, so x is emp's mean; gov (2 x values) stays out
    assert it["x"]["mean"] == 5.0
    assert it["divergence"] == 1.5  # y: 5 - 3.5


# --- ci95 -------------------------------------------------------------------------------------


def test_per_head_ci_is_clipped_to_the_scale() -> None:
    data = matrix_data(axis_votes({"gov": [5, 5, 5, 4]}), TRIPARTITE, ["a"], k=3)
    lo, hi = only_item(matrix_results(data, "per_head"))["y"]["ci95"]
    raw_low, raw_high = sps.t.interval(0.95, 3, loc=4.75, scale=sps.sem([5, 5, 5, 4]))
    assert raw_high > 5 and hi == 5.0 and type(hi) is float
    assert lo == pytest.approx(raw_low, rel=1e-12)


def test_unanimous_groups_give_a_point_interval() -> None:
    data = matrix_data(axis_votes({"gov": [2, 2, 2], "emp": [4, 4, 4]}), TRIPARTITE, ["a"], k=3)
    y = only_item(matrix_results(data, "equal_groups"))["y"]
    assert y["mean"] == 3.0 and y["ci95"] == [3.0, 3.0]
    # per head the same data has spread between groups
    assert only_item(matrix_results(data, "per_head"))["y"]["ci95"] == pytest.approx(
        ref_t_ci([2, 2, 2, 4, 4, 4], 1, 5))


def test_one_unanimous_group_among_others() -> None:
    data = matrix_data(axis_votes({"gov": [2, 2, 2], "emp": EMP}), TRIPARTITE, ["a"], k=3)
    y = only_item(matrix_results(data, "equal_groups"))["y"]
    assert y["ci95"] == pytest.approx(ref_stratified_ci([(1, [2, 2, 2]), (1, EMP)], 1, 5), rel=1e-12)


def test_stratified_ci_with_fractional_df_and_unequal_weights() -> None:
    groups = groups_of({"gov": 0.5, "emp": 0.3, "wrk": 0.2})
    vals = {"gov": [1, 2, 2, 3, 5], "emp": [4, 4, 5, 3, 5, 5, 2], "wrk": [1, 1, 2]}
    data = matrix_data(axis_votes(vals), groups, ["a"], k=3)
    y = only_item(matrix_results(data, "equal_groups"))["y"]
    ref = [(0.5, vals["gov"]), (0.3, vals["emp"]), (0.2, vals["wrk"])]
    _, _, df = ref_stratified(ref)
    assert df != int(df)
    assert y["ci95"] == pytest.approx(ref_stratified_ci(ref, 1, 5), rel=1e-12)


# --- quadrant ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [(3, 3, "top_right"), (2, 3, "top_left"), (3, 2, "bottom_right"), (2, 2, "bottom_left"), (5, 1, "bottom_right")],
)
def test_quadrant_midpoint_is_high(x: int, y: int, expected: str) -> None:
    data = matrix_data(both_votes({"gov": [(x, y)] * 3}), TRIPARTITE, ["a"], k=3)
    assert only_item(matrix_results(data, "per_head"))["quadrant"] == expected


def test_quadrant_is_decided_on_exact_means() -> None:
    # in floats, (0.1*2 + 0.1*3 + 0.1*4) / 0.3 is 2.9999999999999996 and would fall below the midpoint 3
    groups = groups_of({"a": 0.1, "b": 0.1, "c": 0.1})
    vals = {"a": [(2, 2)] * 3, "b": [(3, 3)] * 3, "c": [(4, 4)] * 3}
    it = only_item(matrix_results(matrix_data(both_votes(vals), groups, ["a"], k=3), "equal_groups"))
    assert it["y"]["mean"] == 3.0
    assert it["quadrant"] == "top_right"


def test_quadrant_with_different_scales() -> None:
    # x on 1..3 (midpoint 2), y on 0..10 (midpoint 5)
    vals = {"gov": [(2, 4), (2, 5), (2, 5)]}
    data = matrix_data(both_votes(vals), TRIPARTITE, ["a"], k=3, x=Scale(1, 3), y=Scale(0, 10))
    it = only_item(matrix_results(data, "per_head"))
    assert it["quadrant"] == "bottom_right"  # y mean 4.67 < 5, x mean 2 >= 2
    assert it["x"]["consensus"] == 1.0
    assert it["y"]["consensus"] == pytest.approx(ref_tastle_wierman([4, 5, 5], 0, 10))
    assert it["y"]["ci95"][0] >= 0


# --- divergence -------------------------------------------------------------------------------


def test_divergence_needs_two_shown_group_means() -> None:
    data = matrix_data(axis_votes({"gov": [1, 1, 1], "emp": [5, 5]}), TRIPARTITE, ["a"], k=3)
    assert only_item(matrix_results(data, "per_head"))["divergence"] is None
    data = matrix_data(axis_votes({"gov": [1, 1, 1], "emp": [5, 5, 5], "wrk": [2, 2, 2]}), TRIPARTITE, ["a"], k=3)
    assert only_item(matrix_results(data, "per_head"))["divergence"] == 4.0


def test_divergence_takes_the_larger_axis_gap() -> None:
    vals = {"gov": [(1, 3)] * 3, "emp": [(2, 5)] * 3, "wrk": [(None, 4)] * 3}
    it = only_item(matrix_results(matrix_data(both_votes(vals), TRIPARTITE, ["a"], k=3), "per_head"))
    assert it["divergence"] == 2.0  # y: 5 - 3; x: 2 - 1
    vals = {"gov": [(1, 3)] * 3, "emp": [(5, 4)] * 3}
    it = only_item(matrix_results(matrix_data(both_votes(vals), TRIPARTITE, ["a"], k=3), "per_head"))
    assert it["divergence"] == 4.0  # x this time


# --- several items and the counts -------------------------------------------------------------


def test_items_are_independent_and_counts_follow_definitions() -> None:
    parts = [
        Participant("gov", {"a": (1, 1), "b": (None, None)}),
        Participant("gov", {"a": (2, None)}),
        Participant("gov", {"b": (None, 3)}),
        Participant("emp", {"b": (None, None)}),
    ]
    doc = matrix_results(matrix_data(parts, TRIPARTITE, ["a", "b"], k=1), "per_head")
    assert doc["respondents"] == 4
    a, b = doc["items"]
    assert (a["n"], b["n"]) == (2, 1)
    assert a["by_group"]["gov"] == {"n": 2, "x": {"mean": 1.5}, "y": {"mean": 1.0}}
    assert b["by_group"]["gov"] == {"n": 1, "x": {"mean": None}, "y": {"mean": 3.0}}
    assert b["by_group"]["emp"] is None  # n = 0 < k = 1


def test_k_one_equal_groups_with_single_value_groups() -> None:
    # k = 1 is outside the contract (k >= 3) but must not crash: a used group with one value
    # has no sd, so the stratified interval is unknown rather than falsely narrow
    data = matrix_data(axis_votes({"gov": [2], "emp": [4, 5]}), TRIPARTITE, ["a"], k=1)
    y = only_item(matrix_results(data, "equal_groups"))["y"]
    assert y["mean"] == pytest.approx((2 + 4.5) / 2)
    assert y["ci95"] is None
    assert y["sd"] == pytest.approx(np.std([2, 4, 5], ddof=1))


# --- validation -------------------------------------------------------------------------------


def test_rejects_bad_input() -> None:
    good = worked_example()
    with pytest.raises(ValueError):
        matrix_results(good, "per-head")
    with pytest.raises(ValueError):
        matrix_results(good, "")
    bad_cases = [
        {"min_group_size": 0},
        {"groups": [GroupSpec("gov", 1), GroupSpec("gov", 1)]},
        {"groups": [GroupSpec("gov", -1), GroupSpec("emp", 1), GroupSpec("wrk", 1)]},
        {"groups": [GroupSpec("gov", math.inf), GroupSpec("emp", 1), GroupSpec("wrk", 1)]},
        {"items": ["finance", "finance"]},
        {"x": Scale(5, 1)},
        {"y": Scale(1, 3)},  # values up to 5 are off this scale
        {"respondents": {"ghost": 1}},
        {"values": {("finance", "ghost", "x"): {1: 1}}},
        {"values": {("other", "gov", "x"): {1: 1}}},
        {"values": {("finance", "gov", "z"): {1: 1}}},
        {"item_n": {("finance", "gov"): 99}},  # more than the respondents and than the values
        {"item_n": {}},  # values without participants
    ]
    for change in bad_cases:
        fields = {f: getattr(good, f) for f in MatrixData.__dataclass_fields__}
        fields.update(change)
        with pytest.raises(ValueError):
            matrix_results(MatrixData(**fields), "equal_groups")
