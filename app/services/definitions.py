"""Validation of workshop definitions: the JSON of the API, the built-in templates and the editor forms.

Every check collects field errors with a JSON-path-like `field`, so one answer lists all that is wrong and
nothing is saved until the whole definition is valid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.engine.criteria import QUADRANTS as ENGINE_QUADRANTS
from app.i18n import LANGUAGES as I18N_LANGUAGES
from app.services.errors import FieldError
from app.services.safetext import forbidden_character

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
KEY_LENGTH = 40
#: The languages phones and the screen speak (app/i18n.py); a workshop's `second_language` is one of them too.
LANGUAGES: tuple[str, ...] = I18N_LANGUAGES
ITEM_TEXT_LIMITS = {"title_2": 200, "evidence": 2000}
ITEM_KINDS = ("constraint", "sector")
LOCI = ("", "local", "regional", "national", "international")
ACTIVITY_TYPES = ("matrix", "scale", "points", "ranking", "criteria")
#: The settings each activity type keeps in `Activity.settings` (everything else of a definition is dropped).
SETTINGS_KEYS: dict[str, tuple[str, ...]] = {
    "matrix": ("x", "y", "quadrants", "quadrant_notes", "scale_labels"),
    "scale": ("scale", "scale_labels"),
    "points": ("budget", "max_per_item"),
    "ranking": ("top",),
    "criteria": ("criteria", "scale", "x", "y", "quadrants", "quadrant_notes", "scale_labels"),
}
CRITERIA_AXES = ("x", "y")
DEFAULT_AXIS_LABELS = {"x": "Feasibility", "y": "Attractiveness"}
DEFAULT_MAX_PER_ITEM = 3
#: The quadrants' keys, in the engine's order (it counts items per quadrant for criteria).
QUADRANTS = ENGINE_QUADRANTS
#: The names a matrix's quadrants get when its activity names none, by the kind of its items (docs/methods.md,
#: "The two matrices and their quadrant names"): the templates, the actions board and the screen use these.
DEFAULT_QUADRANT_NAMES: dict[str, dict[str, str]] = {
    "constraint": {"top_right": "Quick wins", "top_left": "Strategic priorities / advocacy",
                   "bottom_right": "Fill-ins", "bottom_left": "Deprioritise / monitor"},
    "sector": {"top_right": "Priority sectors", "top_left": "Strategic bets / long jumps",
               "bottom_right": "Low-hanging fruit", "bottom_left": "Not a priority"},
}
MAX_SCALE_POINTS = 11
DEFAULT_MIN_GROUP_SIZE = 5


def slug(title: str, fallback: str, limit: int = KEY_LENGTH) -> str:
    """A key from a title ("Power cuts" -> power-cuts): ASCII letters and digits joined by hyphens, at most
    `limit` characters, so it follows `KEY_PATTERN`; `fallback` when nothing is left."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:limit].rstrip("-") or fallback


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, else the first of `base-2`, `base-3`... not `taken` (shortened to stay within `KEY_LENGTH`)."""
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[:KEY_LENGTH - len(suffix)].rstrip("-_") + suffix
    return candidate


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
            errors.add(f"{path}{name}", _("Required."))
        return default
    if not isinstance(value, str):
        errors.add(f"{path}{name}", _("Must be a string."))
        return default
    value = value.strip()
    if required and not value:
        errors.add(f"{path}{name}", _("Must not be empty."))
    if (bad := forbidden_character(value)) is not None:  # files (CSV, XLSX) reach here without the JSON check
        errors.add(f"{path}{name}", _("The text contains %(bad)s; remove it.", bad=bad))
    if len(value) > max_length:
        errors.add(f"{path}{name}", _("At most %(n)s characters.", n=max_length))
    return value


def key(data: dict[str, Any], path: str, errors: Collector, seen: set[str]) -> str:
    value = data.get("key")
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        errors.add(f"{path}key", _("A key is 1 to 40 characters: lower-case letters, digits, '_' or '-', "
                                   "starting with a letter or digit."))
        return ""
    if value in seen:
        errors.add(f"{path}key", _("The key '%(key)s' is used twice.", key=value))
    seen.add(value)
    return value


def clean_group(data: Any, path: str, errors: Collector, seen: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), _("Must be an object."))
        return {}
    clean: dict[str, Any] = {
        "key": key(data, path, errors, seen),
        "name": text(data, "name", path, errors, max_length=120),
        # The name in the workshop's second language (optional; older definitions have none).
        "name_2": text(data, "name_2", path, errors, required=False, max_length=120),
    }
    weight = data.get("weight", 1.0)
    if not is_number(weight) or weight < 0 or weight == float("inf"):
        errors.add(f"{path}weight", _("A weight is a number of at least 0."))
        weight = 1.0
    clean["weight"] = float(weight)
    observer = data.get("observer", False)
    if not isinstance(observer, bool):
        errors.add(f"{path}observer", _("observer is true or false."))
        observer = False
    clean["observer"] = observer
    expected = data.get("expected")
    if expected is not None and (not is_int(expected) or expected < 0):
        errors.add(f"{path}expected", _("Expected participants is a whole number of at least 0."))
        expected = None
    clean["expected"] = expected
    clean["description"] = text(data, "description", path, errors, required=False, max_length=400)
    return clean


def clean_item(data: Any, path: str, errors: Collector, seen: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), _("Must be an object."))
        return {}
    clean: dict[str, Any] = {"key": key(data, path, errors, seen), "title": text(data, "title", path, errors)}
    kind = data.get("kind", "constraint")
    if kind not in ITEM_KINDS:
        errors.add(f"{path}kind", _("The kind is 'constraint' or 'sector'."))
    clean["kind"] = kind if kind in ITEM_KINDS else "constraint"
    clean["description"] = text(data, "description", path, errors, required=False, max_length=2000)
    # The title in the workshop's second language, and short facts (may hold a link) shown before rating.
    for name, limit in ITEM_TEXT_LIMITS.items():
        clean[name] = text(data, name, path, errors, required=False, max_length=limit)
    clean["category"] = text(data, "category", path, errors, required=False, max_length=60)
    locus = data.get("locus") or ""
    if locus not in LOCI:
        errors.add(f"{path}locus", _("The locus is local, regional, national or international."))
        locus = ""
    clean["locus"] = locus
    return clean


def clean_scale(data: Any, path: str, errors: Collector, *, labelled: bool = True) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), _("Must be an object with label, min and max."))
        return {"label": "", "min": 1, "max": 5}
    clean: dict[str, Any] = {}
    if labelled:
        clean["label"] = text(data, "label", path, errors, max_length=80)
    low, high = data.get("min"), data.get("max")
    if not is_int(low):
        errors.add(f"{path}min", _("The scale minimum is a whole number."))
        low = 1
    if not is_int(high):
        errors.add(f"{path}max", _("The scale maximum is a whole number."))
        high = 5
    if high <= low:
        errors.add(f"{path}max", _("The scale maximum must be greater than its minimum."))
    elif high - low + 1 > MAX_SCALE_POINTS:
        errors.add(f"{path}max", _("A scale has at most %(n)s points.", n=MAX_SCALE_POINTS))
    clean["min"], clean["max"] = low, high
    hint = data.get("hint")
    if hint is not None:
        clean["hint"] = text(data, "hint", path, errors, required=False, max_length=200)
    return clean


def clean_activity(data: Any, path: str, errors: Collector, seen: set[str], item_keys: list[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), _("Must be an object."))
        return {}
    clean: dict[str, Any] = {"key": key(data, path, errors, seen), "title": text(data, "title", path, errors)}
    kind = data.get("type")
    if kind not in ACTIVITY_TYPES:
        errors.add(f"{path}type", _("Unknown activity type; use one of: %(types)s.", types=", ".join(ACTIVITY_TYPES)))
    clean["type"] = kind
    items = data.get("items")
    if not isinstance(items, list) or not items:
        errors.add(f"{path}items", _("List at least one item key."))
        items = []
    chosen: list[str] = []
    for n, item in enumerate(items):
        if not isinstance(item, str) or item not in item_keys:
            errors.add(f"{path}items[{n}]", _("'%(item)s' is not an item of this workshop.", item=item))
        elif item in chosen:
            errors.add(f"{path}items[{n}]", _("'%(item)s' is listed twice.", item=item))
        else:
            chosen.append(item)
    clean["items"] = chosen
    if kind == "matrix":
        clean["x"] = clean_scale(data.get("x"), f"{path}x.", errors)
        clean["y"] = clean_scale(data.get("y"), f"{path}y.", errors)
    elif kind == "scale":
        clean["scale"] = clean_scale(data.get("scale"), f"{path}scale.", errors)
    elif kind == "points":
        clean.update(clean_points(data, path, errors, len(chosen)))
    elif kind == "ranking":
        top = data.get("top")
        if top is not None:
            if not is_int(top) or not 1 <= top <= max(1, len(chosen)):
                errors.add(f"{path}top", _("top is a whole number from 1 to the number of items (%(n)s).",
                                           n=len(chosen)))
            else:
                clean["top"] = top
    elif kind == "criteria":
        clean.update(clean_criteria(data, path, errors))
    if kind in ("matrix", "criteria"):
        quadrants = data.get("quadrants")
        if quadrants is not None:
            if not isinstance(quadrants, dict) or not all(
                isinstance(quadrants.get(q), str) and quadrants.get(q, "").strip() for q in QUADRANTS
            ):
                errors.add(f"{path}quadrants", _("Name all four quadrants: %(quadrants)s.",
                                                 quadrants=", ".join(QUADRANTS)))
            else:
                clean["quadrants"] = {q: quadrants[q].strip()[:80] for q in QUADRANTS}
        notes = data.get("quadrant_notes")
        if isinstance(notes, dict) and all(isinstance(notes.get(q), str) for q in QUADRANTS):
            clean["quadrant_notes"] = {q: notes[q].strip()[:200] for q in QUADRANTS}
    if kind in ("matrix", "scale", "criteria"):
        labels = data.get("scale_labels")
        if labels is not None:
            if not isinstance(labels, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
            ):
                errors.add(f"{path}scale_labels", _("Scale labels map a scale point to its words."))
            else:
                clean["scale_labels"] = {k: v.strip()[:60] for k, v in labels.items()}
    state = data.get("state")
    if state is not None:
        clean["state"] = state
    return clean


def clean_points(data: dict[str, Any], path: str, errors: Collector, item_count: int) -> dict[str, Any]:
    """Dot voting: a budget (default a third of the items, at least 1) and a cap per item (default 3)."""
    clean: dict[str, Any] = {}
    for name, default in (("budget", max(1, round(item_count / 3))), ("max_per_item", DEFAULT_MAX_PER_ITEM)):
        value = data.get(name, default)
        if value is None:
            value = default
        if not is_int(value) or not 1 <= value <= 1000:
            errors.add(f"{path}{name}", _("%(name)s is a whole number of at least 1.", name=name))
            value = default
        clean[name] = value
    problem = points_cap_problem(data.get("budget"), clean["max_per_item"])
    if problem and is_int(data.get("budget")):
        errors.add(f"{path}max_per_item", problem)
    return clean


def points_cap_problem(budget: Any, max_per_item: Any) -> str | None:
    """The one rule between the two settings (API, editor form, archive import): a cap above the budget
    could never be reached. Checked when the facilitator set the budget; a budget left to its default (a
    third of the items) is not held against the default cap."""
    if is_int(budget) and is_int(max_per_item) and max_per_item > budget:
        return _("More than the points per person: nobody could reach it.")
    return None


def clean_criteria(data: dict[str, Any], path: str, errors: Collector) -> dict[str, Any]:
    """Multi-criteria scoring: criteria with an axis, a direction and a weight, one fixed scale, axis labels."""
    clean: dict[str, Any] = {"scale": clean_scale(data.get("scale"), f"{path}scale.", errors, labelled=False)}
    label = (data.get("scale") or {}).get("label") if isinstance(data.get("scale"), dict) else None
    if isinstance(label, str) and label.strip():
        clean["scale"]["label"] = label.strip()[:80]
    raw = data.get("criteria")
    if not isinstance(raw, list) or not raw:
        errors.add(f"{path}criteria", _("List at least one criterion."))
        raw = []
    seen: set[str] = set()
    criteria: list[dict[str, Any]] = []
    totals = dict.fromkeys(CRITERIA_AXES, 0.0)
    used_axes: set[str] = set()
    for n, criterion in enumerate(raw):
        where = f"{path}criteria[{n}]."
        if not isinstance(criterion, dict):
            errors.add(where.rstrip("."), _("Each criterion is an object with key, label, axis, direction, weight."))
            continue
        entry: dict[str, Any] = {"key": key(criterion, where, errors, seen),
                                 "label": text(criterion, "label", where, errors, max_length=120)}
        axis = criterion.get("axis")
        if axis not in CRITERIA_AXES:
            errors.add(f"{where}axis", _("The axis is 'x' or 'y'."))
            axis = "x"
        entry["axis"] = axis
        direction = criterion.get("direction", 1)
        if not is_int(direction) or direction not in (1, -1):
            errors.add(f"{where}direction", _("The direction is 1 (higher is better) or -1 (higher is worse)."))
            direction = 1
        entry["direction"] = direction
        weight = criterion.get("weight", 1.0)
        if not is_number(weight) or weight < 0 or weight == float("inf"):
            errors.add(f"{where}weight", _("A weight is a number of at least 0."))
            weight = 1.0
        entry["weight"] = float(weight)
        used_axes.add(axis)
        totals[axis] += entry["weight"]
        criteria.append(entry)
    for axis in sorted(used_axes):
        if totals[axis] <= 0:
            errors.add(f"{path}criteria", _("The criteria of axis %(axis)s need a total weight above 0.", axis=axis))
    clean["criteria"] = criteria
    for axis in CRITERIA_AXES:
        given = data.get(axis)
        label_value = DEFAULT_AXIS_LABELS[axis]
        if given is not None:
            if not isinstance(given, dict):
                errors.add(f"{path}{axis}", _("An axis is an object with a label."))
            else:
                label_value = text(given, "label", f"{path}{axis}.", errors, required=False, max_length=80,
                                   default=label_value) or label_value
        clean[axis] = {"label": label_value}
    return clean


def activity_settings(clean: dict[str, Any]) -> dict[str, Any]:
    """The part of a cleaned activity stored in `Activity.settings`."""
    return {k: clean[k] for k in SETTINGS_KEYS.get(clean.get("type") or "", ()) if k in clean}


def clean_definition(data: Any, *, allow_state: bool = False) -> tuple[dict[str, Any], list[FieldError]]:
    """Check a whole workshop definition; returns the cleaned definition and every error found."""
    errors = Collector()
    if not isinstance(data, dict):
        errors.add("", _("The body must be a JSON object."))
        return {}, errors.errors
    clean: dict[str, Any] = {"title": text(data, "title", "", errors)}
    language = data.get("language", "en")
    if language not in LANGUAGES:
        errors.add("language", _("Choose one of: %(languages)s.", languages=", ".join(LANGUAGES)))
        language = "en"
    clean["language"] = language
    clean["second_language"] = second_language(data.get("second_language"), language, errors)
    k = data.get("min_group_size", DEFAULT_MIN_GROUP_SIZE)
    if not is_int(k) or not 3 <= k <= 1000:
        errors.add("min_group_size", _("The minimum group size is a whole number of at least 3."))
        k = DEFAULT_MIN_GROUP_SIZE
    clean["min_group_size"] = k
    for name in ("groups", "items", "activities"):
        if not isinstance(data.get(name), list) or not data.get(name):
            errors.add(name, {"groups": _("List at least one of the workshop's groups."),
                              "items": _("List at least one of the workshop's items."),
                              "activities": _("List at least one of the workshop's activities.")}[name])
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
                errors.add(f"activities[{n}].state", _("The state is pending, open or closed."))
            else:
                activity["state"] = state
        raw = _as_list(data.get("activities"))[n] if n < len(_as_list(data.get("activities"))) else None
        round_ = raw.get("round") if isinstance(raw, dict) else None
        if allow_state and round_ is not None:
            if not is_int(round_) or round_ < 1:
                errors.add(f"activities[{n}].round", _("The round is a whole number of at least 1."))
            else:
                activity["round"] = round_
    if isinstance(data.get("method_note"), str):
        clean["method_note"] = data["method_note"].strip()[:4000]
    clean_consent(data, clean, errors)
    return clean, errors.errors


CONSENT_LENGTH = 2000


def clean_consent(data: dict[str, Any], clean: dict[str, Any], errors: Collector) -> None:
    """Optional notice for phones (data use, recording); older definitions without it get none."""
    text = data.get("consent_text", "")
    if text is None:
        text = ""
    if not isinstance(text, str):
        errors.add("consent_text", _("Must be a string."))
        text = ""
    elif len(text.strip()) > CONSENT_LENGTH:
        errors.add("consent_text", _("At most %(n)s characters.", n=CONSENT_LENGTH))
    required = data.get("consent_required", False)
    if not isinstance(required, bool):
        errors.add("consent_required", _("Must be true or false."))
        required = False
    clean["consent_text"] = text.strip().replace("\r\n", "\n")[:CONSENT_LENGTH]
    clean["consent_required"] = required and bool(clean["consent_text"])


def second_language(value: Any, language: str, errors: Collector) -> str:
    """Optional: the language of the items' `title_2`, shown beside the first; never the first one again."""
    if value is None or value == "":
        return ""
    if value not in LANGUAGES:
        errors.add("second_language", _("Choose one of: %(languages)s, or none.", languages=", ".join(LANGUAGES)))
        return ""
    if value == language:
        errors.add("second_language", _("The second language must differ from the workshop's language."))
        return ""
    return str(value)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
