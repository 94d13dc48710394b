"""A workshop with one activity of every type, built and voted on through the services (no HTTP)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
ITEMS = ["a", "b", "c", "d", "e"]
#: key, weight; `obs` has weight 0 (observers), `workers` counts double.
GROUPS = [("gov", 1.0), ("firms", 1.0), ("workers", 2.0), ("obs", 0.0)]
K = 3
CRITERIA = [{"key": "jobs", "label": "Jobs", "axis": "y", "direction": 1, "weight": 2.0},
            {"key": "exports", "label": "Exports", "axis": "y", "direction": 1, "weight": 1.0},
            {"key": "gap", "label": "Skills gap", "axis": "x", "direction": -1, "weight": 1.0},
            {"key": "infra", "label": "Infrastructure", "axis": "x", "direction": 1, "weight": 3.0}]


def definition() -> dict[str, Any]:
    return {
        "title": "Service tests",
        "language": "en",
        "min_group_size": K,
        "groups": [{"key": key, "name": key.title(), "weight": weight} for key, weight in GROUPS],
        "items": [{"key": key, "kind": "sector", "title": f"Item {key}"} for key in ITEMS],
        "activities": [
            {"key": "m", "type": "matrix", "title": "Matrix", "items": ITEMS,
             "x": {"label": "Tractability", "min": 1, "max": 5}, "y": {"label": "Severity", "min": 1, "max": 5}},
            {"key": "s", "type": "scale", "title": "Scale", "items": ITEMS,
             "scale": {"label": "Importance", "min": 0, "max": 6}},
            {"key": "p", "type": "points", "title": "Points", "items": ITEMS, "budget": 5, "max_per_item": 3},
            {"key": "r", "type": "ranking", "title": "Ranking", "items": ITEMS},
            {"key": "c", "type": "criteria", "title": "Criteria", "items": ITEMS, "scale": {"min": 1, "max": 5},
             "criteria": CRITERIA},
        ],
    }


def build(app: Any, people: dict[str, int]) -> tuple[int, dict[str, int], list[tuple[int, str]]]:
    """Create the workshop and `people[group]` participants per group; returns (workshop id, activity ids by
    key, [(participant id, group key)])."""
    from app.services import accounts, participation, workshops
    from app.services.database import transaction

    with app.app_context():
        with transaction():
            user = accounts.create_user(f"svc-{uuid.uuid4().hex[:10]}@example.org", "long enough password")
            workshop = workshops.create_from_definition(user, definition())
            for activity in workshop.activities:
                activity.state = "open"
        joined = []
        with transaction():
            for group, count in people.items():
                for _ in range(count):
                    participant, _token = participation.join(workshop.join_code, group)
                    joined.append(participant)
        out = (workshop.id, {a.key: a.id for a in workshop.activities}, [(p.id, p.group.key) for p in joined])
        return out


def item_ids(app: Any, activity_id: int) -> dict[str, int]:
    from app.extensions import db
    from app.models import Activity

    with app.app_context():
        return {i.key: i.id for i in db.session.get(Activity, activity_id).items}
