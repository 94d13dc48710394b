"""The small checks every definition field and every activity type's settings are made of.

Each check records a `FieldError` with a JSON-path-like `field` in a `Collector` and returns a usable value,
so one answer lists everything that is wrong and nothing is saved until the whole definition is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.services.errors import FieldError
from app.services.safetext import forbidden_character

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
KEY_LENGTH = 40
MAX_SCALE_POINTS = 11


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
