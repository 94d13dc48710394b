"""Phone forms for the activity types other than the matrix: scale, points, ranking and criteria.

Each type is a plain HTML form (works with JavaScript off). Reading a form gives the contract's JSON body,
so the phone and the API are validated by the same service (`participation.save_responses`); the service's
field paths are turned back into a sentence next to the item concerned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.models import Activity
from app.services.definitions import DEFAULT_AXIS_LABELS, DEFAULT_MAX_PER_ITEM
from app.services.errors import Problem

DONT_KNOW = "dk"
TYPES = ("scale", "points", "ranking", "criteria")
_INTEGER = re.compile(r"^-?\d{1,6}$")
_PATH = re.compile(r"^(ratings|scores|ranking)\[(\d+)\]")
_POINTS_PATH = re.compile(r"^points(?:\.|\[['\"]?)([^'\"\]]+)")


def _value(raw: str) -> int | str | None:
    """'dk' is don't know (null); anything not a whole number is passed on for the service to reject."""
    if raw == DONT_KNOW:
        return None
    return int(raw) if _INTEGER.match(raw) else raw


@dataclass
class Ballot:
    """A phone form read back: the contract body, what to show again, and errors found before sending."""

    body: dict[str, Any]
    shown: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    empty: bool = False


# --- settings with the shared design's defaults --------------------------------------------------------------

def scale_of(activity: Activity) -> dict[str, Any]:
    scale = (activity.settings or {}).get("scale") or {}
    low, high = int(scale.get("min", 1)), int(scale.get("max", 5))
    return {"label": scale.get("label", ""), "min": low, "max": high,
            "values": [str(v) for v in range(low, high + 1)]}


def budget_of(activity: Activity) -> int:
    settings = activity.settings or {}
    default = max(1, round(len(activity.items) / 3))
    return int(settings.get("budget") or default)


def cap_of(activity: Activity) -> int:
    return int((activity.settings or {}).get("max_per_item") or DEFAULT_MAX_PER_ITEM)


def top_of(activity: Activity) -> int:
    top = (activity.settings or {}).get("top")
    n = len(activity.round_items)
    return max(1, min(int(top), n)) if isinstance(top, int) else n


def criteria_of(activity: Activity) -> list[dict[str, Any]]:
    return list((activity.settings or {}).get("criteria") or [])


def axis_labels(activity: Activity) -> dict[str, str]:
    settings = activity.settings or {}
    return {axis: ((settings.get(axis) or {}).get("label") or default)
            for axis, default in DEFAULT_AXIS_LABELS.items()}


# --- what the phone shows from saved values ------------------------------------------------------------------

def shown_from_saved(activity: Activity, saved: dict[tuple[str, str], int | None]) -> dict[str, Any]:
    """Saved rows as form values: {item: {dimension: "3"|"dk"}} (points and ranking: {item: "n"})."""
    shown: dict[str, Any] = {}
    for (item_key, dimension), value in saved.items():
        text = DONT_KNOW if value is None else str(value)
        if activity.type in ("points", "ranking"):
            shown[item_key] = text
        else:
            shown.setdefault(item_key, {})[dimension] = text
    return shown


def answered(activity: Activity, saved: dict[tuple[str, str], int | None]) -> set[str]:
    """Items this phone has saved something for (points: items given at least one point)."""
    if activity.type == "points":
        return {k for (k, _), v in saved.items() if v}
    if activity.type == "criteria":
        keys = [c["key"] for c in criteria_of(activity)]
        return {i.key for i in activity.round_items if all((i.key, c) in saved for c in keys)}
    return {k for (k, _) in saved}


# --- reading a form into the contract's body ---------------------------------------------------------------

def read(activity: Activity, form: MultiDict[str, str]) -> Ballot:
    return {"scale": _read_scale, "points": _read_points, "ranking": _read_ranking,
            "criteria": _read_criteria}[activity.type](activity, form)


def _read_scale(activity: Activity, form: MultiDict[str, str]) -> Ballot:
    ratings, shown = [], {}
    for item in activity.round_items:
        raw = form.get(f"{item.key}.value", "").strip()
        if raw:
            shown[item.key] = {"value": raw}
            ratings.append({"item": item.key, "value": _value(raw)})
    return Ballot({"ratings": ratings}, shown, empty=not ratings)


def _read_points(activity: Activity, form: MultiDict[str, str]) -> Ballot:
    """Every item's field is read; blank means 0. The whole ballot replaces the previous one."""
    points: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for item in activity.round_items:
        raw = form.get(f"{item.key}.points", "").strip()
        shown[item.key] = raw
        if not raw:
            continue
        if not _INTEGER.match(raw):
            errors.setdefault(item.key, []).append(_("Give a whole number of points."))
            continue
        if int(raw) != 0:
            points[item.key] = int(raw)  # a negative number is passed on for the service to reject
    return Ballot({"points": points}, shown, errors)


def _read_ranking(activity: Activity, form: MultiDict[str, str]) -> Ballot:
    """A place per item (blank = unranked); places must be 1, 2, 3... without repeats or gaps."""
    places: dict[str, int] = {}
    shown: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for item in activity.round_items:
        raw = form.get(f"{item.key}.rank", "").strip()
        if not raw:
            continue
        shown[item.key] = raw
        if not _INTEGER.match(raw) or int(raw) < 1:
            errors.setdefault(item.key, []).append(_("Choose a place from the list."))
            continue
        places[item.key] = int(raw)
    by_place: dict[int, list[str]] = {}
    for key, place in places.items():
        by_place.setdefault(place, []).append(key)
    general = []
    for place, keys in sorted(by_place.items()):
        if len(keys) > 1:
            for key in keys:
                errors.setdefault(key, []).append(_("Place %(place)s is given to more than one item.", place=place))
    used = sorted(by_place)
    if used and used != list(range(1, len(used) + 1)):
        missing = next(n for n in range(1, used[-1] + 1) if n not in by_place)
        general.append(_("Place %(place)s is empty: number your choices 1, 2, 3… without gaps.", place=missing))
    order = [k for _, k in sorted((p, k) for k, p in places.items())]
    return Ballot({"ranking": order}, shown, errors, general, empty=not order)


def _read_criteria(activity: Activity, form: MultiDict[str, str]) -> Ballot:
    scores, shown = [], {}
    for item in activity.round_items:
        for criterion in criteria_of(activity):
            raw = form.get(f"{item.key}.{criterion['key']}", "").strip()
            if raw:
                shown.setdefault(item.key, {})[criterion["key"]] = raw
                scores.append({"item": item.key, "criterion": criterion["key"], "value": _value(raw)})
    return Ballot({"scores": scores}, shown, empty=not scores)


# --- the service's errors, next to the right item ----------------------------------------------------------

def problem_errors(activity: Activity, problem: Problem, body: dict[str, Any]) -> tuple[dict[str, list[str]],
                                                                                         list[str]]:
    """Map `ratings[2].value`, `scores[0].value`, `ranking[1]`, `points.finance` to item keys."""
    by_item: dict[str, list[str]] = {}
    general: list[str] = []
    for error in problem.errors:
        item_key = None
        match = _PATH.match(error.field)
        if match:
            entries = body.get(match.group(1)) or []
            n = int(match.group(2))
            if n < len(entries):
                entry = entries[n]
                item_key = entry if isinstance(entry, str) else entry.get("item")
        else:
            points = _POINTS_PATH.match(error.field)
            if points:
                item_key = points.group(1)
        if item_key and any(i.key == item_key for i in activity.items):
            by_item.setdefault(item_key, []).append(service_message(error.message))
        else:
            general.append(service_message(error.message))
    return by_item, general


#: The participation service's English messages a phone can meet, and how to say them in the phone's language.
_SERVICE_MESSAGES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"^No workshop has this join code\. Check the code on the screen\.$"),
     lambda m: _("No workshop has this join code. Check the code on the screen.")),
    (re.compile(r"^The facilitator has closed joining for this workshop\.$"),
     lambda m: _("The facilitator has closed joining for this workshop.")),
    (re.compile(r"^Choose one of the workshop's stakeholder groups\.$"),
     lambda m: _("Choose one of the workshop's stakeholder groups.")),
    (re.compile(r"^Too many people joined at once; please try again\.$"),
     lambda m: _("Too many people joined at once; please try again.")),
    (re.compile(r"^The value must be a whole number from (-?\d+) to (-?\d+), or null\.$"),
     lambda m: _("Choose a number from %(low)s to %(high)s, or Don't know.", low=m[1], high=m[2])),
    (re.compile(r"^Give a value \(a whole number, or null for don't know\)\.$"),
     lambda m: _("Choose a number, or Don't know.")),
    (re.compile(r"^Points are whole numbers of at least 0\.$"),
     lambda m: _("Points are whole numbers of at least 0.")),
    (re.compile(r"^At most (\d+) points per item\.$"), lambda m: _("At most %(cap)s points per item.", cap=m[1])),
    (re.compile(r"^Rank at most (\d+) items\.$"), lambda m: _("Rank at most %(top)s items.", top=m[1])),
    (re.compile(r"^Rate at least one item\.$"), lambda m: _("Rate at least one item.")),
    (re.compile(r"^The ballot is invalid; nothing was saved\.$|^The ranking is invalid; nothing was saved\.$"
                r"|^One or more (ratings|scores) are invalid; nothing was saved\.$"),
     lambda m: _("please check the highlighted items.")),
)


def service_message(text: str) -> str:
    """A validation message from the participation service, translated at the view layer (the service and the
    engine stay free of Flask); a message not listed here is shown as the service wrote it."""
    for pattern, say in _SERVICE_MESSAGES:
        match = pattern.match(text or "")
        if match:
            return str(say(match))
    return text


# --- Delphi: the previous round, as the phone shows it -----------------------------------------------------

def previous_summary(activity: Activity, document: dict[str, Any] | None) -> list[dict[str, str]]:
    """One line per item from the previous round's equal_groups results: what the room said last time."""
    if not document:
        return []
    titles = {i.key: i.title for i in activity.items}
    rows: list[dict[str, str]] = []
    if activity.type == "ranking":
        borda = document.get("borda") or {}
        for n, key in enumerate(document.get("schulze") or [], 1):
            points = format(borda[key], ".1f") if isinstance(borda.get(key), int | float) else None
            figure = _("%(points)s Borda points", points=points) if points is not None else ""
            rows.append({"item": titles.get(key, key), "figure": f"#{n}", "detail": figure})
        return rows
    for entry in document.get("items") or []:
        key = entry.get("item")
        if key not in titles:
            continue
        if activity.type == "points":
            score = entry.get("score")
            figure = f"{score * 100:.0f} %" if isinstance(score, int | float) else "–"
            breadth = entry.get("breadth")
            share = format(breadth * 100, ".0f") + " %" if isinstance(breadth, int | float) else None
            detail = _("chosen by %(share)s", share=share) if share is not None else ""
        elif activity.type == "matrix":
            settings = activity.settings or {}
            figure = " · ".join(
                f"{(settings.get(a) or {}).get('label', a)} {(entry.get(a) or {})['mean']:.1f}" for a in ("y", "x")
                if isinstance((entry.get(a) or {}).get("mean"), int | float)) or "–"
            detail = ""
        elif activity.type == "criteria":
            x, y = (entry.get(a) or {} for a in ("x", "y"))
            labels = axis_labels(activity)
            figure = " · ".join(f"{labels[a]} {v['score']:.2f}" for a, v in (("y", y), ("x", x))
                                if isinstance(v.get("score"), int | float)) or "–"
            detail = ""
        else:
            value = entry.get("value") or {}
            mean = value.get("mean")
            figure = f"{mean:.1f}" if isinstance(mean, int | float) else "–"
            consensus = value.get("consensus")
            agreement = format(consensus, ".2f") if isinstance(consensus, int | float) else None
            detail = _("consensus %(value)s", value=agreement) if agreement is not None else ""
        rows.append({"item": titles[key], "figure": figure, "detail": detail})
    return rows
