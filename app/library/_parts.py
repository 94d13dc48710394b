"""Building blocks shared by the built-in templates.

Kept in one place so every template uses the same groups, scale anchors and quadrant names (docs/methods.md,
"The built-in templates"): facilitators who run several workshops should see the same vocabulary each time.
"""

from __future__ import annotations

from typing import Any

from app.activities.base import DEFAULT_QUADRANT_NAMES, QUADRANTS
from app.activities.points import DEFAULT_MAX_PER_ITEM

Definition = dict[str, Any]

LANGUAGE = "en"
MIN_GROUP_SIZE = 5  # k, docs/methods.md "Stakeholder groups" and "Anonymity"

SCALE_MIN = 1
SCALE_MAX = 5

# Fully labelled 1-5 Likert anchors (docs/methods.md, "Scales"): labelled points are easier to answer on a phone.
LIKERT_5: dict[str, str] = {
    "1": "Very low",
    "2": "Low",
    "3": "Moderate",
    "4": "High",
    "5": "Very high",
}

QUADRANT_KEYS = QUADRANTS

# Severity (y) x Tractability (x), docs/methods.md "The two matrices and their quadrant names".
CONSTRAINT_QUADRANTS: dict[str, str] = DEFAULT_QUADRANT_NAMES["constraint"]
CONSTRAINT_QUADRANT_NOTES: dict[str, str] = {
    "top_right": "Act now: agree owners and first steps.",
    "top_left": "Plan a longer programme or take it to the level that can act.",
    "bottom_right": "Do it if it is cheap and someone is willing.",
    "bottom_left": "Park it and keep an eye on it.",
}

# Attractiveness (y) x Feasibility (x), the same section of docs/methods.md; names follow Growth Lab vocabulary.
SECTOR_QUADRANTS: dict[str, str] = DEFAULT_QUADRANT_NAMES["sector"]
SECTOR_QUADRANT_NOTES: dict[str, str] = {
    "top_right": "Core of a balanced portfolio: test with data, then build a sector plan.",
    "top_left": "Worth it only with coordinated public inputs (skills, infrastructure, standards).",
    "bottom_right": "Easy but modest pay-off: useful for early, visible results.",
    "bottom_left": "Not now.",
}

SEVERITY_HINT = "How strongly does it hold back firms and jobs here?"
TRACTABILITY_HINT = "Can we act on it soon, with the people and resources in this room?"


def tripartite_groups(other_name: str = "Academia, training and civil society") -> list[Definition]:
    """The three ILO constituencies plus observers (docs/methods.md, "Stakeholder groups").

    Observers get weight 0: they are shown as their own column but do not move the pooled figure, so a crowded
    room of experts cannot outvote the social partners.
    """
    return [
        {
            "key": "gov",
            "name": "Government",
            "weight": 1.0,
            "expected": None,
            "description": "Ministries, provincial and municipal government, public agencies",
        },
        {
            "key": "employers",
            "name": "Employers and business",
            "weight": 1.0,
            "expected": None,
            "description": "Employers' organisations, chambers, sector associations, firms, cooperatives",
        },
        {
            "key": "workers",
            "name": "Workers",
            "weight": 1.0,
            "expected": None,
            "description": "Trade unions, workplace representatives, informal workers' associations",
        },
        {
            "key": "other",
            "name": other_name,
            "weight": 0.0,
            "observer": True,
            "expected": None,
            "description": "Universities, training providers, NGOs, development partners, banks (observers)",
        },
    ]


def constraint(key: str, title: str, description: str, category: str, locus: str, **extra: Any) -> Definition:
    """A constraint item; `locus` says who could act on it (PACA's 'within our control?' tag, docs/methods.md)."""
    return {
        "key": key,
        "kind": "constraint",
        "title": title,
        "description": description,
        "category": category,
        "locus": locus,
        **extra,
    }


def sector(key: str, title: str, description: str, category: str) -> Definition:
    """A candidate sector item."""
    return {"key": key, "kind": "sector", "title": title, "description": description, "category": category}


def axis(label: str, hint: str) -> Definition:
    """A 1-5 axis with a one-line question shown under the slider."""
    return {"label": label, "min": SCALE_MIN, "max": SCALE_MAX, "hint": hint}


def matrix(
    key: str,
    title: str,
    items: list[Definition],
    *,
    x: Definition,
    y: Definition,
    quadrants: dict[str, str],
    quadrant_notes: dict[str, str],
) -> Definition:
    """A matrix activity over the given items, in their order."""
    return {
        "key": key,
        "type": "matrix",
        "title": title,
        "items": [item["key"] for item in items],
        "x": x,
        "y": y,
        "scale_labels": dict(LIKERT_5),
        "quadrants": dict(quadrants),
        "quadrant_notes": dict(quadrant_notes),
    }


def constraints_matrix(items: list[Definition], *, key: str = "constraints", title: str = "Rate the constraints",
                       severity_hint: str = SEVERITY_HINT,
                       tractability_hint: str = TRACTABILITY_HINT) -> Definition:
    """Severity (y) x Tractability (x): the constraint matrix of docs/methods.md."""
    return matrix(
        key,
        title,
        items,
        x=axis("Tractability", tractability_hint),
        y=axis("Severity", severity_hint),
        quadrants=CONSTRAINT_QUADRANTS,
        quadrant_notes=CONSTRAINT_QUADRANT_NOTES,
    )


def definition(
    title: str,
    method_note: str,
    groups: list[Definition],
    items: list[Definition],
    activities: list[Definition],
) -> Definition:
    """Assemble a full definition in the shape POST /api/v1/workshops accepts."""
    return {
        "title": title,
        "language": LANGUAGE,
        "min_group_size": MIN_GROUP_SIZE,
        "method_note": method_note,
        "groups": groups,
        "items": items,
        "activities": activities,
    }


def criterion(key: str, label: str, axis_key: str, *, direction: int = 1, weight: float = 1.0) -> Definition:
    """One scoring criterion of a `criteria` activity (direction -1 means higher is worse, docs/methods.md)."""
    return {"key": key, "label": label, "axis": axis_key, "direction": direction, "weight": weight}


def criteria_activity(
    key: str,
    title: str,
    items: list[Definition],
    *,
    criteria: list[Definition],
    x_label: str,
    y_label: str,
    quadrants: dict[str, str],
    quadrant_notes: dict[str, str],
) -> Definition:
    """A multi-criteria scoring activity on the 1-5 scale; x and y scores are the weighted criterion averages."""
    return {
        "key": key,
        "type": "criteria",
        "title": title,
        "items": [item["key"] for item in items],
        "criteria": [dict(c) for c in criteria],
        "scale": {"min": SCALE_MIN, "max": SCALE_MAX},
        "x": {"label": x_label},
        "y": {"label": y_label},
        "scale_labels": dict(LIKERT_5),
        "quadrants": dict(quadrants),
        "quadrant_notes": dict(quadrant_notes),
    }


def points_activity(key: str, title: str, items: list[Definition], *, budget: int,
                    max_per_item: int = DEFAULT_MAX_PER_ITEM) -> Definition:
    """Dot voting over the items: a small budget forces a shortlist (docs/methods.md "Dot budgets": about a third)."""
    return {
        "key": key,
        "type": "points",
        "title": title,
        "items": [item["key"] for item in items],
        "budget": budget,
        "max_per_item": max_per_item,
    }
