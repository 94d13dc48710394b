"""Joining a workshop and saving responses: the vote path, kept short and all-or-nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Activity, Participant, Response, Workshop, new_token, token_digest, utcnow
from app.services import live, workshops
from app.services.database import after_commit
from app.services.definitions import is_int
from app.services.errors import FieldError, Problem, conflict, forbidden, invalid, invalid_field, not_found

MAX_JOIN_ATTEMPTS = 5


def join(code: Any, group_key: Any, *, channel: str = "phone") -> tuple[Participant, str]:
    """Create an anonymous participant in a group; returns it with its (only) clear-text token."""
    workshop = workshops.by_join_code(code) if isinstance(code, str) else None
    if workshop is None:
        raise not_found("No workshop has this join code. Check the code on the screen.")
    if workshop.joining_locked and channel == "phone":
        raise conflict("The facilitator has closed joining for this workshop.")
    group = workshop.group(group_key) if isinstance(group_key, str) else None
    if group is None:
        raise invalid_field("group", "Choose one of the workshop's stakeholder groups.")
    token = new_token()
    for attempt in range(MAX_JOIN_ATTEMPTS):
        number = db.session.scalar(
            sa.select(sa.func.count()).select_from(Participant).where(Participant.workshop_id == workshop.id)
        ) + 1 + attempt
        participant = Participant(workshop_id=workshop.id, group_id=group.id, pseudonym=f"P{number:03d}",
                                  token_digest=token_digest(token), channel=channel)
        try:
            with db.session.begin_nested():
                db.session.add(participant)
        except sa.exc.IntegrityError:
            continue  # another worker took this pseudonym a moment ago
        after_commit(lambda workshop_id=workshop.id: live.participation_changed(workshop_id))
        return participant, token
    raise Problem(503, "Busy", "Too many people joined at once; please try again.")


def participant_for_token(token: str | None) -> Participant | None:
    if not token:
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.token_digest == token_digest(token)))


def activity_for_participant(participant: Participant, workshop_id: int, key: str) -> Activity:
    """Resolve the URL in the contract's order: 404 for what does not exist, then 403, then 409."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise not_found(f"There is no workshop {workshop_id}.")
    activity = workshops.get_activity(workshop, key)
    if participant.workshop_id != workshop.id:
        raise forbidden("This participant belongs to another workshop.")
    return activity


def open_activities(workshop: Workshop) -> list[Activity]:
    return [a for a in workshop.activities if a.is_open]


def parse_matrix(activity: Activity, body: Any) -> list[tuple[int, str, int | None]]:
    """Validate a whole matrix submission; returns (item id, axis, value) rows or raises one 422."""
    if not isinstance(body, dict) or not isinstance(body.get("ratings"), list):
        raise invalid_field("ratings", 'Send {"ratings": [{"item": ..., "x": ..., "y": ...}]}.')
    ratings = body["ratings"]
    if not ratings:
        raise invalid_field("ratings", "Rate at least one item.")
    items = {i.key: i for i in activity.items}
    scales = {axis: (activity.settings[axis]["min"], activity.settings[axis]["max"]) for axis in ("x", "y")}
    errors: list[FieldError] = []
    seen: set[str] = set()
    rows: list[tuple[int, str, int | None]] = []
    for n, rating in enumerate(ratings):
        path = f"ratings[{n}]"
        if not isinstance(rating, dict):
            errors.append(FieldError(path, "Each rating is an object with item, x and y."))
            continue
        key = rating.get("item")
        item = items.get(key) if isinstance(key, str) else None
        if item is None:
            errors.append(FieldError(f"{path}.item", f"'{key}' is not an item of this activity."))
        elif key in seen:
            errors.append(FieldError(f"{path}.item", f"'{key}' appears more than once."))
        else:
            seen.add(key)
        for axis, (low, high) in scales.items():
            if axis not in rating:
                errors.append(FieldError(f"{path}.{axis}", f"Give {axis} (a whole number or null for don't know)."))
                continue
            value = rating[axis]
            if value is not None and (not is_int(value) or not low <= value <= high):
                errors.append(FieldError(f"{path}.{axis}",
                                         f"{axis} must be a whole number from {low} to {high}, or null."))
            elif item is not None:
                rows.append((item.id, axis, value))
    if errors:
        raise invalid(errors, "One or more ratings are invalid; nothing was saved.")
    return rows


def save_matrix(participant: Participant, activity: Activity, body: Any) -> int:
    """Replace this participant's values for the items sent; returns the number of ratings saved."""
    workshops.require_open(activity)
    rows = parse_matrix(activity, body)
    upsert_values(activity, participant, rows)
    return len(rows) // 2


def upsert_values(activity: Activity, participant: Participant, rows: list[tuple[int, str, int | None]]) -> None:
    """One statement that inserts or replaces values, so a double tap or a retry never duplicates."""
    now = utcnow()
    values = [
        {"activity_id": activity.id, "round": activity.round, "participant_id": participant.id,
         "item_id": item_id, "dimension": dimension, "value": value, "submitted_at": now}
        for item_id, dimension, value in rows
    ]
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(Response).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["activity_id", "round", "participant_id", "item_id", "dimension"],
        set_={"value": statement.excluded.value, "submitted_at": statement.excluded.submitted_at},
    )
    db.session.execute(statement)
    activity_id = activity.id
    after_commit(lambda: live.results_changed(activity_id))


def saved_values(participant: Participant, activity: Activity) -> dict[tuple[str, str], int | None]:
    """This participant's current answers, keyed by (item key, dimension), for pre-filling the phone."""
    rows = db.session.execute(
        sa.select(Response.item_id, Response.dimension, Response.value).where(
            Response.activity_id == activity.id, Response.round == activity.round,
            Response.participant_id == participant.id)
    ).all()
    keys = {i.id: i.key for i in activity.items}
    return {(keys[item_id], dim): value for item_id, dim, value in rows if item_id in keys}
