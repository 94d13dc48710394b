"""An independent reference of the matrix results document (numpy/scipy, written from docs/interface.md's
definitions, not from app.engine), and a tolerant comparison of a results document with it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

#: The contract allows numbers rounded to 2 decimals: a rounded figure is within 0.005 of the exact one.
TOLERANCE = 0.005 + 1e-9

Value = int | None


@dataclass
class Ballot:
    """One participant's final ratings: item -> (x, y), None meaning don't know."""

    group: str
    ratings: dict[str, tuple[Value, Value]] = field(default_factory=dict)


@dataclass(frozen=True)
class RefScale:
    min: int
    max: int

    @property
    def midpoint(self) -> Fraction:
        return Fraction(self.min + self.max, 2)


def tastle_wierman(values: Sequence[int], scale: RefScale) -> float:
    """docs/methods.md: Cns = 1 + sum p_k log2(1 - |X_k - mu| / d), d the scale width, skipping p_k = 0."""
    array = np.asarray(values, dtype=float)
    mu = array.mean()
    width = scale.max - scale.min
    total = 0.0
    for category in range(scale.min, scale.max + 1):
        p = float(np.mean(array == category))
        if p > 0:
            total += p * math.log2(1 - abs(category - mu) / width)
    return 1 + total


def _clip(low: float, high: float, scale: RefScale) -> list[float]:
    return [float(max(low, scale.min)), float(min(high, scale.max))]


def _per_head_ci(values: np.ndarray, centre: float, scale: RefScale) -> list[float] | None:
    m = len(values)
    if m < 2:
        return None
    se = values.std(ddof=1) / math.sqrt(m)
    half = sps.t.ppf(0.975, m - 1) * se
    return _clip(centre - half, centre + half, scale)


def reference_axis(per_group: Mapping[str, list[int]], weights: Mapping[str, float], scale: RefScale, k: int,
                   weighting: str) -> dict[str, Any]:
    """The contract's per-axis figures; also returns (under private keys) the exact mean and the fallback flag."""
    pooled = np.asarray([v for g in weights for v in per_group[g]], dtype=float)
    m = len(pooled)
    if m == 0:
        return {"mean": None, "median": None, "sd": None, "ci95": None, "consensus": None,
                "_mean": None, "_fell_back": weighting == "equal_groups"}
    plain = Fraction(int(sum(v for g in weights for v in per_group[g])), m)
    fell_back = False
    if weighting == "per_head":
        mean = plain
        ci95 = _per_head_ci(pooled, float(plain), scale)
    else:
        used = [g for g in weights if len(per_group[g]) >= k]
        total_weight = sum(Fraction(weights[g]) for g in used)
        if used and total_weight > 0:
            mean = sum((Fraction(weights[g]) * Fraction(sum(per_group[g]), len(per_group[g])) for g in used),
                       Fraction(0)) / total_weight
            variances = []
            for g in used:
                if weights[g] <= 0:
                    continue
                values = np.asarray(per_group[g], dtype=float)
                share = weights[g] / float(total_weight)
                variances.append((share ** 2 * values.var(ddof=1) / len(values), len(values)))
            se = math.sqrt(sum(v for v, _ in variances))
            df = se ** 4 / sum(v ** 2 / (m_g - 1) for v, m_g in variances)
            half = sps.t.ppf(0.975, df) * se
            ci95: list[float] | None = _clip(float(mean) - half, float(mean) + half, scale)
        else:
            fell_back = True
            mean = plain
            ci95 = _per_head_ci(pooled, float(plain), scale)
    result: dict[str, Any] = {
        "mean": float(mean),
        "median": float(np.median(pooled)),
        "sd": float(pooled.std(ddof=1)) if m > 1 else None,
        "ci95": ci95 if m > 1 else None,
        "consensus": tastle_wierman(pooled.astype(int).tolist(), scale),
        "_mean": mean,
        "_fell_back": fell_back,
    }
    if weighting == "equal_groups" and m < k:
        result.update(mean=None, median=None, sd=None, ci95=None, consensus=None, _mean=None)
    return result


def reference_results(activity: str, groups: Sequence[tuple[str, float]], items: Sequence[str], x: RefScale,
                      y: RefScale, k: int, ballots: Sequence[Ballot], weighting: str) -> dict[str, Any]:
    """The results document of a matrix activity, straight from docs/interface.md's definitions."""
    weights = dict(groups)
    keys = [g for g, _ in groups]
    respondents = {g: sum(1 for b in ballots if b.group == g and b.ratings) for g in keys}
    doc: dict[str, Any] = {
        "activity": activity,
        "weighting": weighting,
        "respondents": sum(respondents.values()),
        "groups": {g: {"respondents": respondents[g]} for g in keys},
        "items": [],
    }
    for item in items:
        values: dict[str, dict[str, list[int]]] = {"x": {g: [] for g in keys}, "y": {g: [] for g in keys}}
        n_by_group = dict.fromkeys(keys, 0)
        for ballot in ballots:
            pair = ballot.ratings.get(item)
            if pair is None:
                continue
            for axis, value in zip(("x", "y"), pair, strict=True):
                if value is not None:
                    values[axis][ballot.group].append(value)
            if pair[0] is not None or pair[1] is not None:
                n_by_group[ballot.group] += 1
        axes = {axis: reference_axis(values[axis], weights, scale, k, weighting)
                for axis, scale in (("x", x), ("y", y))}

        # Under equal_groups, a fallback while some group has 1..k-1 values hides every group mean of that axis.
        suppressed = {
            axis: weighting == "equal_groups" and axes[axis]["_fell_back"]
            and any(0 < len(values[axis][g]) < k for g in keys)
            for axis in ("x", "y")
        }
        by_group: dict[str, Any] = {}
        shown: dict[str, list[Fraction]] = {"x": [], "y": []}
        for g in keys:
            if n_by_group[g] < k:
                by_group[g] = None
                continue
            entry: dict[str, Any] = {"n": n_by_group[g]}
            for axis in ("x", "y"):
                group_values = values[axis][g]
                if len(group_values) >= k and not suppressed[axis]:
                    mean = Fraction(sum(group_values), len(group_values))
                    shown[axis].append(mean)
                    entry[axis] = {"mean": float(mean)}
                else:
                    entry[axis] = {"mean": None}
            by_group[g] = entry
        gaps = [max(means) - min(means) for means in shown.values() if len(means) >= 2]

        x_mean, y_mean = axes["x"]["_mean"], axes["y"]["_mean"]
        quadrant = None
        if x_mean is not None and y_mean is not None:
            quadrant = ("top" if y_mean >= y.midpoint else "bottom") + "_" + (
                "right" if x_mean >= x.midpoint else "left")
        excluded = [g for g in keys if len(values["x"][g]) < k or len(values["y"][g]) < k]
        doc["items"].append({
            "item": item,
            "n": sum(n_by_group.values()),
            "x": {key: value for key, value in axes["x"].items() if not key.startswith("_")},
            "y": {key: value for key, value in axes["y"].items() if not key.startswith("_")},
            "quadrant": quadrant,
            "divergence": float(max(gaps)) if gaps else None,
            "excluded_groups": excluded if weighting == "equal_groups" else [],
            "by_group": by_group,
        })
    return doc


def assert_matches(actual: Any, expected: Any, path: str = "$") -> None:
    """Structural equality; numbers within the contract's rounding tolerance, None only where None."""
    if expected is None:
        assert actual is None, f"{path}: expected null, got {actual!r}"
    elif isinstance(expected, (bool, str)):
        assert actual == expected, f"{path}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, int):
        assert isinstance(actual, int) and not isinstance(actual, bool) and actual == expected, (
            f"{path}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, float):
        assert isinstance(actual, (int, float)) and not isinstance(actual, bool), f"{path}: got {actual!r}"
        assert actual == pytest.approx(expected, abs=TOLERANCE), f"{path}: expected {expected!r}, got {actual!r}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        missing = set(expected) - set(actual)
        assert not missing, f"{path}: missing {sorted(missing)}"
        for key, value in expected.items():
            assert_matches(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: expected {expected!r}, " \
                                                                          f"got {actual!r}"
        for n, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(a, e, f"{path}[{n}]")
    else:  # pragma: no cover - a test bug
        raise TypeError(f"{path}: cannot compare {type(expected)}")


def item_of(document: dict[str, Any], key: str) -> dict[str, Any]:
    matches = [i for i in document["items"] if i["item"] == key]
    assert len(matches) == 1, document["items"]
    return matches[0]
