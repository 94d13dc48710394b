"""The reusable per-axis summary, and the engine's dependency rule."""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest

from app.engine import AxisSummary, GroupSpec, Scale, axis_summary, divergence

from .helpers import groups_of, hist

ENGINE = Path(__file__).resolve().parents[2] / "app" / "engine"
GROUPS = groups_of({"gov": 1.0, "emp": 1.0, "wrk": 0.0})


def test_engine_imports_only_the_standard_library() -> None:
    forbidden = {"flask", "sqlalchemy", "numpy", "scipy", "flask_sqlalchemy", "flask_socketio"}
    files = sorted(ENGINE.glob("*.py"))
    assert files
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"
                assert not name.startswith("app."), f"{path.name} reaches outside the engine: {name}"


def test_axis_summary_fields_and_flags() -> None:
    hists = {"gov": hist([1, 2, 3]), "emp": hist([5, 5, 5, 4]), "wrk": hist([1, 1])}
    s = axis_summary(hists, GROUPS, Scale(1, 5), 3, "equal_groups")
    assert isinstance(s, AxisSummary)
    assert s.m == 9
    assert s.group_counts == {"gov": 3, "emp": 4, "wrk": 2}
    assert s.mean == (Fraction(2) + Fraction(19, 4)) / 2
    assert not s.fell_back and not s.groups_suppressed
    assert s.below_k == ("wrk",)
    assert s.group_means == {"gov": Fraction(2), "emp": Fraction(19, 4), "wrk": None}
    assert s.group_mean("emp") == 4.75 and s.group_mean("wrk") is None
    assert list(s.fields()) == ["mean", "median", "sd", "ci95", "consensus", "iqr", "agreement", "top2", "dont_know"]
    per_head = axis_summary(hists, GROUPS, Scale(1, 5), 3, "per_head")
    assert per_head.mean == Fraction(27, 9)
    assert not per_head.fell_back


def test_axis_summary_fallback_flags() -> None:
    hists = {"wrk": hist([1, 2, 3]), "gov": hist([4])}
    s = axis_summary(hists, GROUPS, Scale(1, 5), 3, "equal_groups")
    assert s.fell_back and s.groups_suppressed
    assert s.mean == Fraction(10, 4)
    assert s.group_means == {"gov": None, "emp": None, "wrk": None}
    # per_head never suppresses
    s = axis_summary(hists, GROUPS, Scale(1, 5), 3, "per_head")
    assert s.group_means["wrk"] == 2 and not s.groups_suppressed


def test_axis_summary_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        axis_summary({"ghost": {1: 1}}, GROUPS, Scale(1, 5), 3, "per_head")
    with pytest.raises(ValueError):
        axis_summary({"gov": {0: 1}}, GROUPS, Scale(1, 5), 3, "per_head")
    with pytest.raises(ValueError):
        axis_summary({}, GROUPS, Scale(1, 5), 3, "weighted")
    with pytest.raises(ValueError):
        axis_summary({}, GROUPS, Scale(1, 5), 0, "per_head")
    with pytest.raises(ValueError):
        axis_summary({}, [GroupSpec("a", -0.5)], Scale(1, 5), 3, "per_head")
    with pytest.raises(ValueError):
        axis_summary({}, GROUPS, Scale(1.0, 5), 3, "per_head")  # type: ignore[arg-type]


def test_divergence_helper() -> None:
    assert divergence([]) is None
    assert divergence([[None, Fraction(1)], [Fraction(2)]]) is None
    assert divergence([[Fraction(1), None, Fraction(4)], [Fraction(2), Fraction(3)]]) == 3.0
