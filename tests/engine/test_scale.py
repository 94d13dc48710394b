"""`scale` activity results: the matrix axis rules on one axis, plus sorting."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import Scale, ScaleData, scale_results

from .helpers import groups_of, ref_stratified_ci, ref_t_ci, scale_data

GROUPS = groups_of({"gov": 1.0, "emp": 1.0, "wrk": 1.0})


def by_item(doc: dict) -> dict[str, dict]:
    return {it["item"]: it for it in doc["items"]}


def test_shape_and_figures() -> None:
    vals = {("a", "gov"): [3, 3, 4, 2], ("a", "emp"): [5, 5, 4, 5, 4], ("a", "wrk"): [2, 1]}
    doc = scale_results(scale_data(vals, GROUPS, ["a"]), "equal_groups")
    assert list(doc) == ["activity", "weighting", "respondents", "groups", "items"]
    assert doc["respondents"] == 11
    it = doc["items"][0]
    assert list(it) == ["item", "n", "value", "by_group", "excluded_groups", "divergence", "flags"]
    assert it["n"] == 11
    assert it["value"]["mean"] == pytest.approx((3 + 4.6) / 2)
    assert it["value"]["ci95"] == pytest.approx(ref_stratified_ci([(1, [3, 3, 4, 2]), (1, [5, 5, 4, 5, 4])], 1, 5))
    pooled = [3, 3, 4, 2, 5, 5, 4, 5, 4, 2, 1]
    assert it["value"]["median"] == np.median(pooled)
    assert it["value"]["sd"] == pytest.approx(np.std(pooled, ddof=1))
    assert it["by_group"] == {"gov": {"n": 4, "value": {"mean": 3.0}}, "emp": {"n": 5, "value": {"mean": 4.6}},
                              "wrk": None}
    assert it["excluded_groups"] == ["wrk"]
    assert it["divergence"] == pytest.approx(1.6)
    ph = scale_results(scale_data(vals, GROUPS, ["a"]), "per_head")["items"][0]
    assert ph["value"]["mean"] == pytest.approx(np.mean(pooled))
    assert ph["value"]["ci95"] == pytest.approx(ref_t_ci(pooled, 1, 5))
    assert ph["excluded_groups"] == []


def test_sorted_by_mean_ties_in_item_order_nulls_last() -> None:
    vals = {
        ("low", "gov"): [1, 2, 1],
        ("tie2", "gov"): [4, 4, 4],
        ("high", "gov"): [5, 5, 4],
        ("tie1", "gov"): [3, 5, 4],
        ("few", "gov"): [5, 5],  # fewer than k values in total
    }
    items = ["empty", "few", "tie1", "low", "tie2", "high"]
    doc = scale_results(scale_data(vals, GROUPS, items), "equal_groups")
    assert [it["item"] for it in doc["items"]] == ["high", "tie1", "tie2", "low", "empty", "few"]
    assert by_item(doc)["few"]["value"] == {
        **dict.fromkeys(["mean", "median", "sd", "ci95", "consensus", "iqr", "agreement", "top2"]), "dont_know": 0}
    ph = scale_results(scale_data(vals, GROUPS, items), "per_head")
    assert [it["item"] for it in ph["items"]] == ["few", "high", "tie1", "tie2", "low", "empty"]


def test_ties_are_exact_not_float() -> None:
    # both means are exactly 3, although float arithmetic gives 2.9999999999999996 for "b"
    groups = groups_of({"a": 0.1, "b": 0.1, "c": 0.1})
    vals = {("x", "a"): [3] * 3, ("y", "a"): [2] * 3, ("y", "b"): [3] * 3, ("y", "c"): [4] * 3}
    doc = scale_results(scale_data(vals, groups, ["y", "x"]), "equal_groups")
    assert [it["item"] for it in doc["items"]] == ["y", "x"]
    doc = scale_results(scale_data(vals, groups, ["x", "y"]), "equal_groups")
    assert [it["item"] for it in doc["items"]] == ["x", "y"]


def test_fallback_hides_group_means() -> None:
    groups = groups_of({"gov": 0.0, "emp": 0.0, "wrk": 1.0})
    vals = {("a", "gov"): [1, 1, 1], ("a", "emp"): [5, 5, 5], ("a", "wrk"): [4]}
    it = scale_results(scale_data(vals, groups, ["a"]), "equal_groups")["items"][0]
    assert it["value"]["mean"] == pytest.approx(22 / 7)  # plain mean: the groups reaching k weigh 0
    assert it["by_group"]["gov"] == {"n": 3, "value": {"mean": None}}
    assert it["divergence"] is None
    ph = scale_results(scale_data(vals, groups, ["a"]), "per_head")["items"][0]
    assert ph["by_group"]["gov"] == {"n": 3, "value": {"mean": 1.0}}
    assert ph["divergence"] == 4.0


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        scale_results(scale_data({}, GROUPS, ["a"]), "both")
    with pytest.raises(ValueError):
        scale_results(scale_data({("b", "gov"): [1]}, GROUPS, ["a"]), "per_head")
    with pytest.raises(ValueError):
        scale_results(scale_data({("a", "gov"): [9]}, GROUPS, ["a"]), "per_head")
    with pytest.raises(ValueError):
        scale_results(scale_data({("a", "gov"): [1, 2]}, GROUPS, ["a"], respondents={"gov": 1}), "per_head")
    with pytest.raises(ValueError):
        scale_results(ScaleData("s", GROUPS, ["a"], Scale(1, 5), 0, {}, {}), "per_head")
    # nobody yet: every group listed with 0, the item present with null figures
    assert scale_results(ScaleData("s", GROUPS, ["a"], Scale(1, 5), 3, {}, {}), "per_head")["respondents"] == 0
