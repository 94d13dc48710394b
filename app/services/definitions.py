"""Validation of workshop definitions: the JSON of the API, the built-in templates and the editor forms.

Every check collects field errors with a JSON-path-like `field`, so one answer lists all that is wrong and
nothing is saved until the whole definition is valid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from app import activities as activity_types
from app.i18n import LANGUAGES as I18N_LANGUAGES
from app.services.checks import KEY_LENGTH, Collector, is_int, is_number, key, text
from app.services.errors import FieldError

#: The languages phones and the screen speak (app/i18n.py); a workshop's `second_language` is one of them too.
LANGUAGES: tuple[str, ...] = I18N_LANGUAGES
ITEM_TEXT_LIMITS = {"title_2": 200, "evidence": 2000}
ITEM_KINDS = ("constraint", "sector")
LOCI = ("", "local", "regional", "national", "international")
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


def clean_activity(data: Any, path: str, errors: Collector, seen: set[str], item_keys: list[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.add(path.rstrip("."), _("Must be an object."))
        return {}
    clean: dict[str, Any] = {"key": key(data, path, errors, seen), "title": text(data, "title", path, errors)}
    kind = activity_types.get(data.get("type"))
    if kind is None:
        errors.add(f"{path}type", _("Unknown activity type; use one of: %(types)s.",
                                    types=", ".join(activity_types.names())))
    clean["type"] = data.get("type")
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
    if kind is not None:
        clean.update(kind.clean_settings(data, path, errors, chosen))
    state = data.get("state")
    if state is not None:
        clean["state"] = state
    return clean


def activity_settings(clean: dict[str, Any]) -> dict[str, Any]:
    """The part of a cleaned activity stored in `Activity.settings`."""
    kind = activity_types.get(clean.get("type"))
    return kind.settings(clean) if kind is not None else {}


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
