"""Joining a workshop and saving responses: the vote path, kept short and all-or-nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import activities as activity_types
from app.activities.base import Rows
from app.extensions import db
from app.models import Activity, Participant, Response, Workshop, new_token, token_digest, utcnow
from app.services import live, tally, workshops
from app.services.database import after_commit
from app.services.errors import conflict, forbidden, invalid_field, not_found


def join(code: Any, group_key: Any, *, channel: str = "phone") -> tuple[Participant, str]:
    """Create an anonymous participant in a group; returns it with its (only) clear-text token."""
    workshop = workshops.by_join_code(code) if isinstance(code, str) else None
    if workshop is None:
        raise not_found(_("No workshop has this join code. Check the code on the screen."))
    if workshop.joining_locked and channel == "phone":
        raise conflict(_("The facilitator has closed joining for this workshop."))
    group = workshop.group(group_key) if isinstance(group_key, str) else None
    if group is None:
        raise invalid_field("group", _("Choose one of the workshop's stakeholder groups."))
    return add_participant(workshop, group, channel=channel)


def add_participant(workshop: Workshop, group: Any, *, channel: str = "phone",
                    device_digest: str | None = None) -> tuple[Participant, str]:
    """A new participant with the next pseudonym, as a model (paper ballots answer it at once)."""
    participant_id, token = new_participant(workshop.id, group.id, channel=channel, device_digest=device_digest)
    return db.session.get_one(Participant, participant_id), token


def new_participant(workshop_id: int, group_id: int, *, channel: str = "phone",
                    device_digest: str | None = None) -> tuple[int, str]:
    """Insert a participant with the next pseudonym; its id and its (only) clear-text token. The checks are
    the caller's (`join`, `admission.admit`).

    Two statements and no model: the number comes from the workshop's counter, moved in the caller's
    transaction (one short row lock per join on PostgreSQL: joins through several processes take turns,
    none is refused), then one insert. A hall joining at once is this, a thousand times.
    """
    token = new_token()
    table = Workshop.__table__
    number = db.session.execute(
        sa.update(table).where(table.c.id == workshop_id)
        .values(participant_seq=table.c.participant_seq + 1).returning(table.c.participant_seq)).scalar_one()
    people = Participant.__table__
    participant_id = db.session.execute(people.insert().values(
        workshop_id=workshop_id, group_id=group_id, pseudonym=f"P{number:03d}", token_digest=token_digest(token),
        channel=channel, device_digest=device_digest).returning(people.c.id)).scalar_one()
    after_commit(lambda: live.participation_changed(workshop_id))
    return int(participant_id), token


def participant_for_token(token: str | None) -> Participant | None:
    if not token:
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.token_digest == token_digest(token)))


def activity_for_participant(participant: Participant, workshop_id: int, key: str) -> Activity:
    """Resolve the URL in the contract's order: 404 for what does not exist, then 403, then 409."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise not_found(_("There is no workshop %(id)s.", id=workshop_id))
    activity = workshops.get_activity(workshop, key)
    if participant.workshop_id != workshop.id:
        raise forbidden(_("This participant belongs to another workshop."))
    return activity


def open_activities(workshop: Workshop) -> list[Activity]:
    return [a for a in workshop.activities if a.is_open]


def ballot_entries(activity: Activity) -> int:
    """The most entries one ballot can carry (its type says: one per item, per item and criterion...)."""
    return activity_types.of(activity).ballot_entries(activity)


def ballot_max_bytes(activity: Activity) -> int:
    """A generous body size for the largest real ballot (keys are at most 40 characters, values small)."""
    return 4096 + 256 * ballot_entries(activity)


def check_ballot_size(activity: Activity, body: Any) -> None:
    """Refuse a ballot with more entries than the activity has places, before looking at any entry."""
    if not isinstance(body, dict):
        return
    limit = ballot_entries(activity)
    for name in activity_types.entry_fields():  # every type's field: an oversized one is refused, not parsed
        entries = body.get(name)
        if isinstance(entries, (list, dict)) and len(entries) > limit:
            raise invalid_field(name, _("A ballot of this activity has at most %(limit)s entries; "
                                        "%(sent)s were sent. Nothing was saved.", limit=limit, sent=len(entries)))


def parse_ballot(activity: Any, body: Any) -> tuple[Rows, bool, int]:
    """Validate a submission of any activity type without touching the database.

    Returns the rows to save, whether they replace the participant's whole ballot (points, ranking: a new
    ballot drops the old one; ratings and scores replace only the values sent) and what `saved` reports.
    """
    check_ballot_size(activity, body)
    kind = activity_types.of(activity)
    rows = kind.parse(activity, body)
    return rows, kind.replaces_ballot, kind.saved_count(rows)


def save_responses(participant: Participant, activity: Activity, body: Any) -> int:
    """Validate and save a submission in the caller's transaction, all or nothing (paper ballots, imports);
    phones and the API go through `ballot_box.cast`, which batches the same writes."""
    workshops.require_open(activity)
    rows, replace, saved = parse_ballot(activity, body)
    upsert_values(activity, participant, rows, replace_ballot=replace)
    return saved


def upsert_values(activity: Activity, participant: Participant, rows: list[tuple[int, str, int | None]], *,
                  replace_ballot: bool = False) -> None:
    """Insert or replace values and move the derived tallies with them, in the caller's transaction.

    One upsert, so a double tap or a retry never duplicates. The participant's previous answers are read
    first (under a row lock on PostgreSQL, so two requests of one phone cannot both count from the same
    "before"); `replace_ballot` drops the rest of their ballot for this round (points, ranking).
    """
    round_ = activity.round
    _lock_participant(participant)
    before = tally.participant_answers(activity.id, participant.id, round_).get(round_, {})
    after: dict[tuple[int, str], int | None] = {} if replace_ballot else dict(before)
    after.update({(item_id, dimension): value for item_id, dimension, value in rows})
    if replace_ballot and before:
        db.session.execute(sa.delete(Response).where(
            Response.activity_id == activity.id, Response.round == round_, Response.participant_id == participant.id))
    if rows:
        now = utcnow()
        values = [
            {"activity_id": activity.id, "round": round_, "participant_id": participant.id,
             "item_id": item_id, "dimension": dimension, "value": value, "submitted_at": now}
            for item_id, dimension, value in rows
        ]
        # One statement shape for every ballot size (executemany), so SQLAlchemy compiles it once.
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(Response.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["activity_id", "round", "participant_id", "item_id", "dimension"],
            set_={"value": statement.excluded.value, "submitted_at": statement.excluded.submitted_at},
        )
        db.session.execute(statement, values)
    tally.record(activity.id, round_, participant.group_id, before, after)
    activity_id, group_id, participant_id = activity.id, participant.group_id, participant.id
    after_commit(lambda: live.votes_saved(activity_id, group_id, participant_id))


def delete_values(activity: Activity, participant: Participant | None = None, *, round: int | None = None) -> int:
    """Remove saved values (one participant's, or everyone's) of one round or all, tallies included.

    Returns the number of response rows removed. Every removal of responses goes through here (or
    `upsert_values`), so the derived tallies never drift from the votes.
    """
    scope = [Response.activity_id == activity.id]
    if round is not None:
        scope.append(Response.round == round)
    if participant is None:
        removed = db.session.execute(sa.delete(Response).where(*scope)).rowcount
        tally.clear(activity.id, round)
        activity_id = activity.id
        after_commit(lambda: live.results_changed(activity_id))
        return int(removed or 0)
    _lock_participant(participant)
    answers = tally.participant_answers(activity.id, participant.id, round)
    if not answers:
        return 0
    removed = db.session.execute(sa.delete(Response).where(*scope, Response.participant_id == participant.id)).rowcount
    for rnd, before in sorted(answers.items()):
        tally.record(activity.id, rnd, participant.group_id, before, {})
    activity_id, group_id, participant_id = activity.id, participant.group_id, participant.id
    after_commit(lambda: live.votes_saved(activity_id, group_id, participant_id))
    return int(removed or 0)


def _lock_participant(participant: Participant) -> None:
    """Serialise one participant's writes on PostgreSQL (SQLite already has a single writer)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.select(Participant.id).where(Participant.id == participant.id).with_for_update())


def saved_values(participant: Participant, activity: Activity) -> dict[tuple[str, str], int | None]:
    """This participant's current answers, keyed by (item key, dimension), for pre-filling the phone."""
    rows = db.session.execute(
        sa.select(Response.item_id, Response.dimension, Response.value).where(
            Response.activity_id == activity.id, Response.round == activity.round,
            Response.participant_id == participant.id)
    ).all()
    keys = {i.id: i.key for i in activity.items}
    return {(keys[item_id], dim): value for item_id, dim, value in rows if item_id in keys}
