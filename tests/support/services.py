"""The workshop with one activity of every type (`builders.every_type_definition`), built and joined through the
services (no HTTP)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.builders import every_type_definition


def build(app: Any, people: dict[str, int]) -> tuple[int, dict[str, int], list[tuple[int, str]]]:
    """Create the workshop and `people[group]` participants per group; returns (workshop id, activity ids by
    key, [(participant id, group key)])."""
    from app.services import accounts, participation, workshops
    from app.services.database import transaction

    with app.app_context():
        with transaction():
            user = accounts.create_user(f"svc-{uuid.uuid4().hex[:10]}@example.org", "long enough password")
            workshop = workshops.create_from_definition(user, every_type_definition())
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
