"""Helpers for the API contract tests: problem checks, CSV reading, an independent reference of the results
document (numpy/scipy, written from the interface's definitions, not from app.engine) and a small validator for
the OpenAPI schemas (the `jsonschema` package is not installed in the venv)."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

#: Run a module on both databases (PostgreSQL at 127.0.0.1:5432 is skipped with a reason when absent).
BACKENDS = pytest.mark.parametrize(
    "db_backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)

API = "/api/v1"
PROBLEM_TYPE = "application/problem+json"
#: The contract allows numbers rounded to 2 decimals: a rounded figure is within 0.005 of the exact one.
TOLERANCE = 0.005 + 1e-9


def activity_url(workshop_id: int, key: str, action: str) -> str:
    return f"{API}/workshops/{workshop_id}/activities/{key}/{action}"


def assert_problem(response: Any, status: int, *fields: str) -> dict[str, Any]:
    """An RFC 9457 answer with the given status; for 422 a non-empty `errors[]` holding each `field` given."""
    body_text = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    assert response.status_code == status, body_text
    content_type = response.headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == PROBLEM_TYPE, content_type
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert isinstance(body, dict)
    assert isinstance(body.get("type"), str) and body["type"]
    assert isinstance(body.get("title"), str) and body["title"]
    assert body.get("status") == status
    assert isinstance(body.get("detail"), str) and body["detail"]
    if status == 422:
        errors = body.get("errors")
        assert isinstance(errors, list) and errors, body
        for error in errors:
            assert isinstance(error, dict) and isinstance(error.get("field"), str)
            assert isinstance(error.get("message"), str) and error["message"]
        reported = {e["field"] for e in errors}
        for name in fields:
            assert name in reported, (name, errors)
    else:
        assert not fields
    return body


def csv_text(api: Any, workshop_id: int) -> str:
    response = api.get(f"{API}/workshops/{workshop_id}/export?format=csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data().decode("utf-8")


def csv_rows(api: Any, workshop_id: int) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text(api, workshop_id))))


def results(api: Any, workshop_id: int, key: str, weighting: str | None = None, token: str | None = None
            ) -> dict[str, Any]:
    query = f"?weighting={weighting}" if weighting else ""
    response = api.get(activity_url(workshop_id, key, "results") + query, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def rating(item: str, x: Any, y: Any) -> dict[str, Any]:
    return {"item": item, "x": x, "y": y}


def count_rows(app: Any, model_name: str) -> int:
    import sqlalchemy as sa

    from app import models
    from app.extensions import db

    model = getattr(models, model_name)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
    return int(count or 0)


def counts(app: Any) -> dict[str, int]:
    """Rows of every table an import or a vote writes to."""
    return {name: count_rows(app, name) for name in
            ("Workshop", "StakeholderGroup", "Item", "Activity", "Participant", "Response")}


# --- an independent reference of the matrix results document ------------------------------------------------

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
    """Tastle–Wierman consensus: Cns = 1 + sum p_k log2(1 - |X_k - mu| / d), d the scale width, skipping p_k = 0."""
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
    """The results document of a matrix activity, straight from the interface's definitions."""
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


# --- a small JSON Schema validator for the OpenAPI document -------------------------------------------------

_IGNORED = {"description", "default", "readOnly", "writeOnly", "title", "examples", "format", "deprecated"}
_SUPPORTED = {"$ref", "allOf", "oneOf", "anyOf", "type", "enum", "const", "properties", "required", "items",
              "additionalProperties", "minItems", "maxItems", "minimum", "maximum", "pattern", "minLength"}


def _type_ok(value: Any, name: str) -> bool:
    return {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }[name]


def schema_errors(value: Any, schema: Any, root: dict[str, Any], path: str = "$") -> list[str]:
    """Errors of `value` against an OpenAPI 3.1 (JSON Schema) `schema`; an unsupported keyword is an error too,
    so that nothing passes just because this validator did not look at it."""
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: no value allowed"]
    unknown = set(schema) - _SUPPORTED - _IGNORED
    if unknown:
        return [f"{path}: the test validator does not support {sorted(unknown)}"]
    errors: list[str] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        errors += schema_errors(value, target, root, path)
    for sub in schema.get("allOf", []):
        errors += schema_errors(value, sub, root, path)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not schema_errors(value, s, root, path)]
        if len(matching) != 1:
            errors.append(f"{path}: matches {len(matching)} of the oneOf schemas")
    if "anyOf" in schema and not any(not schema_errors(value, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: matches none of the anyOf schemas")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(value, n) for n in names):
            return [*errors, f"{path}: {value!r} is not of type {names}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} is not {schema['const']!r}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing required {name!r}")
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], root, f"{path}.{name}")
            elif "additionalProperties" in schema:
                errors += schema_errors(item, schema["additionalProperties"], root, f"{path}.{name}")
    if isinstance(value, list):
        if "items" in schema:
            for n, item in enumerate(value):
                errors += schema_errors(item, schema["items"], root, f"{path}[{n}]")
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']}")
    return errors
