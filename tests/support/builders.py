"""Workshop definitions for tests: the JSON document posted to `/api/v1/workshops` (or given to
`workshops.create_from_definition`), built from small parts.

Each builder returns a fresh dict, with its keys in the order the tests have always written them. A keyword
argument left at `None` leaves its key out, so a test sends exactly the fields it means to; any other keyword
becomes a field of its own (`category=`, `observer=`, `quadrants=`, `hint=`, ...). Import the module rather than
its names (`item`, `group`, `matrix` are common local names):

    from tests.support import builders

    builders.definition("Results", groups=[builders.group("gov", "Government", weight=1.0)],
                        items=[builders.item("finance", "Access to finance")],
                        activities=[builders.matrix("constraints", ["finance"], "Rate the constraints")])

The workshops several test modules share are here too: `small_definition()` (three groups, three constraints,
one 1–5 matrix), `typed_definition()` (the same plus one activity of every other type),
`every_type_definition()` (the services' workshop: weighted groups, five items), `new_types_definition()` (an
observer group, one scale, points, ranking and criteria activity) and `exports_definition()` (formula-like text
and a negative axis for the export tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


# --- the parts ------------------------------------------------------------------------------------------------

def definition(title: str, groups: Iterable[dict[str, Any]], items: Iterable[dict[str, Any]],
               activities: Iterable[dict[str, Any]], *, language: str | None = "en", min_group_size: int = 3,
               **fields: Any) -> dict[str, Any]:
    """A whole workshop: title, language (None: left to the default), k, then groups, items and activities;
    `fields` (e.g. `method_note`, `second_language`) come after the language."""
    head = _given({"title": title, "language": language})
    return {**head, **fields, "min_group_size": min_group_size, "groups": list(groups), "items": list(items),
            "activities": list(activities)}


def group(key: str, name: str, weight: float | None = None, **fields: Any) -> dict[str, Any]:
    """A stakeholder group; `weight` and other fields (`observer`, `expected`, `description`) only when given."""
    return {"key": key, "name": name, **_given({"weight": weight}), **fields}


def three_groups(weight: float | None = None) -> list[dict[str, Any]]:
    """Government, Employers and Workers (keys gov, firms, workers), each with `weight` when given."""
    return [group("gov", "Government", weight), group("firms", "Employers", weight),
            group("workers", "Workers", weight)]


def item(key: str, title: str, kind: str | None = "constraint", **fields: Any) -> dict[str, Any]:
    """A constraint (or `kind="sector"`; None leaves the kind to the default) with any other fields given."""
    return {"key": key, **_given({"kind": kind}), "title": title, **fields}


def axis(label: str, min: int = 1, max: int = 5, **fields: Any) -> dict[str, Any]:
    """One axis of a matrix, or the scale of a scale activity: a label, its whole-number range and any other
    field given (`hint`)."""
    return {"label": label, "min": min, "max": max, **fields}


def matrix(key: str, items: Sequence[str], title: str = "Rate", x: dict[str, Any] | None = None,
           y: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A two-axis matrix; by default Tractability 1–5 across and Severity 1–5 up."""
    return {"key": key, "type": "matrix", "title": title, "items": list(items),
            "x": x if x is not None else axis("Tractability"), "y": y if y is not None else axis("Severity"),
            **fields}


def scale(key: str, items: Sequence[str], title: str, label: str = "Importance", min: int = 1,
          max: int = 5, **fields: Any) -> dict[str, Any]:
    """Every item rated on one labelled scale."""
    return {"key": key, "type": "scale", "title": title, "items": list(items), "scale": axis(label, min, max),
            **fields}


def points(key: str, items: Sequence[str], title: str, budget: int, max_per_item: int | None = None,
           **fields: Any) -> dict[str, Any]:
    """A budget of points (dots) to spread over the items, at most `max_per_item` each when given."""
    return {"key": key, "type": "points", "title": title, "items": list(items), "budget": budget,
            **_given({"max_per_item": max_per_item}), **fields}


def ranking(key: str, items: Sequence[str], title: str, top: int | None = None, **fields: Any) -> dict[str, Any]:
    """The items put in order (only the first `top` when given)."""
    return {"key": key, "type": "ranking", "title": title, "items": list(items), **_given({"top": top}),
            **fields}


def criterion(key: str, label: str, axis: str, direction: int | None = None,
              weight: float | None = None) -> dict[str, Any]:
    """One criterion of a criteria activity; `direction` (-1: lower is better) and `weight` only when given."""
    return {"key": key, "label": label, "axis": axis, **_given({"direction": direction, "weight": weight})}


def criteria(key: str, items: Sequence[str], title: str, criteria: Sequence[dict[str, Any]], min: int = 1,
             max: int = 5, **fields: Any) -> dict[str, Any]:
    """Every item scored against each criterion on one unlabelled `min`–`max` scale."""
    return {"key": key, "type": "criteria", "title": title, "items": list(items),
            "scale": {"min": min, "max": max}, "criteria": [dict(c) for c in criteria], **fields}


# --- shared workshops -----------------------------------------------------------------------------------------

#: The three constraints of the small workshop, in order.
SMALL_ITEMS = ["finance", "skills", "power"]


def small_definition(**overrides: Any) -> dict[str, Any]:
    """Three groups, three constraints, one 1–5 matrix: enough to exercise every rule. `overrides` replace
    whole top-level fields."""
    document = definition(
        "Test workshop",
        groups=three_groups(weight=1.0),
        items=[item("finance", "Access to finance", category="macro"), item("skills", "Skills", category="meso"),
               item("power", "Electricity", category="meso")],
        activities=[matrix("constraints", SMALL_ITEMS, "Rate the constraints")])
    document.update(overrides)
    return document


def typed_definition() -> dict[str, Any]:
    """The small workshop plus one activity of every new type over its three items."""
    document = small_definition()
    document["activities"] += [
        scale("urgency", SMALL_ITEMS, "How urgent?", "Urgency", 1, 4),
        points("dots", SMALL_ITEMS, "Spend your points", budget=3, max_per_item=2),
        ranking("order", SMALL_ITEMS, "Put them in order", top=2),
        criteria("sectors", SMALL_ITEMS, "Score the sectors", [
            criterion("jobs", "Employment potential", "y", direction=1, weight=1),
            criterion("risk", "Risk", "x", direction=-1, weight=1)]),
    ]
    return document


#: The services' workshop: five sectors, k = 3 and these groups with their weights (`obs` has weight 0,
#: observers; `workers` counts double).
EVERY_TYPE_ITEMS = ["a", "b", "c", "d", "e"]
EVERY_TYPE_GROUPS = [("gov", 1.0), ("firms", 1.0), ("workers", 2.0), ("obs", 0.0)]
EVERY_TYPE_K = 3
EVERY_TYPE_CRITERIA = [criterion("jobs", "Jobs", "y", direction=1, weight=2.0),
                       criterion("exports", "Exports", "y", direction=1, weight=1.0),
                       criterion("gap", "Skills gap", "x", direction=-1, weight=1.0),
                       criterion("infra", "Infrastructure", "x", direction=1, weight=3.0)]


def every_type_definition() -> dict[str, Any]:
    """One activity of every type (m, s, p, r, c) over the same five items, with weighted groups."""
    items = EVERY_TYPE_ITEMS
    return definition(
        "Service tests", min_group_size=EVERY_TYPE_K,
        groups=[group(key, key.title(), weight) for key, weight in EVERY_TYPE_GROUPS],
        items=[item(key, f"Item {key}", kind="sector") for key in items],
        activities=[matrix("m", items, "Matrix"),
                    scale("s", items, "Scale", "Importance", 0, 6),
                    points("p", items, "Points", budget=5, max_per_item=3),
                    ranking("r", items, "Ranking"),
                    criteria("c", items, "Criteria", EVERY_TYPE_CRITERIA)])


#: Five constraints and three sectors, titled after their keys.
NEW_TYPES_CONSTRAINTS = ["finance", "skills", "power", "roads", "land"]
NEW_TYPES_SECTORS = ["agro", "tourism", "textiles"]
NEW_TYPES_ITEMS = [item(key, key.title()) for key in NEW_TYPES_CONSTRAINTS] + [
    item(key, key.title(), kind="sector") for key in NEW_TYPES_SECTORS]


def new_types_definition() -> dict[str, Any]:
    """Four groups (one observer), k = 3, one activity of each new type: a 0–4 severity scale, 4 dots (2 at
    most per item) and a top-3 ranking over the constraints, four weighted criteria over the sectors."""
    constraints = NEW_TYPES_CONSTRAINTS
    return definition(
        "Every way a workshop prioritises",
        groups=[group("gov", "Government"), group("employers", "Employers"), group("workers", "Workers"),
                group("academia", "Academia", observer=True)],
        items=[dict(i) for i in NEW_TYPES_ITEMS],
        activities=[
            scale("severity", constraints, "How severe?", "Severity", 0, 4),
            points("dots", constraints, "Spend your dots", budget=4, max_per_item=2),
            ranking("order", constraints, "Order them", top=3),
            criteria("mcda", NEW_TYPES_SECTORS, "Score the sectors", [
                criterion("jobs", "Employment", "y", direction=1, weight=2),
                criterion("demand", "Market demand", "y"),
                criterion("skills", "Skills available", "x"),
                criterion("risk", "Risk", "x", direction=-1, weight=0.5)]),
        ])


#: A title a spreadsheet would run as a formula.
DANGEROUS_TITLE = "=HYPERLINK(\"http://x\")"


def exports_definition(language: str = "en", title: str = "Exports — Éastern Cape") -> dict[str, Any]:
    """Constraints on a -2..2 x 1..5 matrix, with text a spreadsheet would run as a formula, weighted groups
    with expected sizes, and a second matrix (`summary`) that stays pending."""
    return definition(
        title, language=language, method_note="@note: perceptions, to be tested.",
        groups=[group("gov", "Government", 2.0, expected=4), group("firms", "+Employers", expected=5),
                group("workers", "Workers", 0.5), group("academia", "Academia", 0.0)],
        items=[item("finance", DANGEROUS_TITLE, category="macro"), item("skills", "Skills", category="meso"),
               item("power", "-Electricity", category="meso")],
        activities=[
            matrix("constraints", ["finance", "skills", "power"], "Rate the constraints",
                   axis("Tractability", -2, 2), axis("Severity"),
                   quadrants={"top_right": "Quick wins", "top_left": "Advocacy", "bottom_right": "Fill-ins",
                              "bottom_left": "Park"}),
            matrix("summary", ["skills"], "Not yet", axis("A"), axis("B")),
        ])
