"""Validation of workshop definitions: the JSON of the API, the built-in templates and the editor forms.

Every check collects field errors with a JSON-path-like `field`, so one answer lists all that is wrong and
nothing is saved until the whole definition is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.services.errors import FieldError

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
LANGUAGES = ("en", "fr", "es", "pt", "ar")
ITEM_KINDS = ("constraint", "sector")
LOCI = ("", "local", "regional", "national", "international")
ACTIVITY_TYPES = ("matrix",)
QUADRANTS = ("top_right", "top_left", "bottom_right", "bottom_left")
MAX_SCALE_POINTS = 11
DEFAULT_MIN_GROUP_SIZE = 5


@dataclass
class Collector:
    errors: list[FieldError] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))


def is_int(value: Any) -> bool:
    """A JSON integer: `3`, not `3.0`, `"3"` or `true`."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value  # not NaN


def text(data: dict[str, Any], name: str, path: str, errors: Collector, *, required: bool = True,
         max_length: int = 200, default: str = "") -> str:
    value = data.get(name)
    if value is None:
        if required:
            errors.add(f"{path}{name}", "Required.")
        return default
    if not isinstance(value, str):
        errors.add(f"{path}{name}", "Must be a string.")
        return default
    value = value.strip()
    if required and not value:
        errors.add(f"{path}{name}", "Must not be empty.")
    if len(value) > max_length:
        errors.add(f"{path}{name}", f"At most {max_length} characters.")
    return value


def key(data: dict[str, Any], path: str, errors: Collector, seen: set[str]) -> str:
    value = data.get("key")
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        errors.add(f"{path}key", "A key is 1 to 40 characters: lower-case letters, digits, '_' or '-', "
                                 "starting with a letter or digit.")
        return ""
    if value in seen:
        errors.add(f"{path}key", f"The key '{value}' is used twice.")
    seen.add(value)
    return value


def clean_group(data: Any, path: str, errors: Collector, seen: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), "Must be an object.")
        return {}
    clean: dict[str, Any] = {
        "key": key(data, path, errors, seen),
        "name": text(data, "name", path, errors, max_length=120),
    }
    weight = data.get("weight", 1.0)
    if not is_number(weight) or weight < 0 or weight == float("inf"):
        errors.add(f"{path}weight", "A weight is a number of at least 0.")
        weight = 1.0
    clean["weight"] = float(weight)
    expected = data.get("expected")
    if expected is not None and (not is_int(expected) or expected < 0):
        errors.add(f"{path}expected", "Expected participants is a whole number of at least 0.")
        expected = None
    clean["expected"] = expected
    clean["description"] = text(data, "description", path, errors, required=False, max_length=400)
    return clean


def clean_item(data: Any, path: str, errors: Collector, seen: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), "Must be an object.")
        return {}
    clean: dict[str, Any] = {"key": key(data, path, errors, seen), "title": text(data, "title", path, errors)}
    kind = data.get("kind", "constraint")
    if kind not in ITEM_KINDS:
        errors.add(f"{path}kind", "The kind is 'constraint' or 'sector'.")
    clean["kind"] = kind if kind in ITEM_KINDS else "constraint"
    clean["description"] = text(data, "description", path, errors, required=False, max_length=2000)
    clean["category"] = text(data, "category", path, errors, required=False, max_length=60)
    locus = data.get("locus") or ""
    if locus not in LOCI:
        errors.add(f"{path}locus", "The locus is local, regional, national or international.")
        locus = ""
    clean["locus"] = locus
    return clean


def clean_scale(data: Any, path: str, errors: Collector, *, labelled: bool = True) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), "Must be an object with label, min and max.")
        return {"label": "", "min": 1, "max": 5}
    clean: dict[str, Any] = {}
    if labelled:
        clean["label"] = text(data, "label", path, errors, max_length=80)
    low, high = data.get("min"), data.get("max")
    if not is_int(low):
        errors.add(f"{path}min", "The scale minimum is a whole number.")
        low = 1
    if not is_int(high):
        errors.add(f"{path}max", "The scale maximum is a whole number.")
        high = 5
    if high <= low:
        errors.add(f"{path}max", "The scale maximum must be greater than its minimum.")
    elif high - low + 1 > MAX_SCALE_POINTS:
        errors.add(f"{path}max", f"A scale has at most {MAX_SCALE_POINTS} points.")
    clean["min"], clean["max"] = low, high
    hint = data.get("hint")
    if hint is not None:
        clean["hint"] = text(data, "hint", path, errors, required=False, max_length=200)
    return clean


def clean_activity(data: Any, path: str, errors: Collector, seen: set[str], item_keys: list[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), "Must be an object.")
        return {}
    clean: dict[str, Any] = {"key": key(data, path, errors, seen), "title": text(data, "title", path, errors)}
    kind = data.get("type")
    if kind not in ACTIVITY_TYPES:
        errors.add(f"{path}type", f"Unknown activity type; use one of: {', '.join(ACTIVITY_TYPES)}.")
    clean["type"] = kind
    items = data.get("items")
    if not isinstance(items, list) or not items:
        errors.add(f"{path}items", "List at least one item key.")
        items = []
    chosen: list[str] = []
    for n, item in enumerate(items):
        if not isinstance(item, str) or item not in item_keys:
            errors.add(f"{path}items[{n}]", f"'{item}' is not an item of this workshop.")
        elif item in chosen:
            errors.add(f"{path}items[{n}]", f"'{item}' is listed twice.")
        else:
            chosen.append(item)
    clean["items"] = chosen
    if kind == "matrix":
        clean["x"] = clean_scale(data.get("x"), f"{path}x.", errors)
        clean["y"] = clean_scale(data.get("y"), f"{path}y.", errors)
        quadrants = data.get("quadrants")
        if quadrants is not None:
            if not isinstance(quadrants, dict) or not all(
                isinstance(quadrants.get(q), str) and quadrants.get(q, "").strip() for q in QUADRANTS
            ):
                errors.add(f"{path}quadrants", "Name all four quadrants: " + ", ".join(QUADRANTS) + ".")
            else:
                clean["quadrants"] = {q: quadrants[q].strip()[:80] for q in QUADRANTS}
        notes = data.get("quadrant_notes")
        if isinstance(notes, dict) and all(isinstance(notes.get(q), str) for q in QUADRANTS):
            clean["quadrant_notes"] = {q: notes[q].strip()[:200] for q in QUADRANTS}
        labels = data.get("scale_labels")
        if labels is not None:
            if not isinstance(labels, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
            ):
                errors.add(f"{path}scale_labels", "Scale labels map a scale point to its words.")
            else:
                clean["scale_labels"] = {k: v.strip()[:60] for k, v in labels.items()}
    state = data.get("state")
    if state is not None:
        clean["state"] = state
    return clean


def clean_definition(data: Any, *, allow_state: bool = False) -> tuple[dict[str, Any], list[FieldError]]:
    """Check a whole workshop definition; returns the cleaned definition and every error found."""
    errors = Collector()
    if not isinstance(data, dict):
        errors.add("", "The body must be a JSON object.")
        return {}, errors.errors
    clean: dict[str, Any] = {"title": text(data, "title", "", errors)}
    language = data.get("language", "en")
    if language not in LANGUAGES:
        errors.add("language", "Choose one of: " + ", ".join(LANGUAGES) + ".")
        language = "en"
    clean["language"] = language
    k = data.get("min_group_size", DEFAULT_MIN_GROUP_SIZE)
    if not is_int(k) or not 3 <= k <= 1000:
        errors.add("min_group_size", "The minimum group size is a whole number of at least 3.")
        k = DEFAULT_MIN_GROUP_SIZE
    clean["min_group_size"] = k
    for name in ("groups", "items", "activities"):
        if not isinstance(data.get(name), list) or not data.get(name):
            errors.add(name, f"List at least one of the workshop's {name}.")
    seen: set[str] = set()
    clean["groups"] = [
        clean_group(g, f"groups[{n}].", errors, seen) for n, g in enumerate(_as_list(data.get("groups")))
    ]
    seen = set()
    clean["items"] = [clean_item(i, f"items[{n}].", errors, seen) for n, i in enumerate(_as_list(data.get("items")))]
    item_keys = [i.get("key", "") for i in clean["items"]]
    seen = set()
    clean["activities"] = [
        clean_activity(a, f"activities[{n}].", errors, seen, item_keys)
        for n, a in enumerate(_as_list(data.get("activities")))
    ]
    for n, activity in enumerate(clean["activities"]):
        state = activity.pop("state", None)
        if allow_state and state is not None:
            if state not in ("pending", "open", "closed"):
                errors.add(f"activities[{n}].state", "The state is pending, open or closed.")
            else:
                activity["state"] = state
    if isinstance(data.get("method_note"), str):
        clean["method_note"] = data["method_note"].strip()[:4000]
    return clean, errors.errors


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
