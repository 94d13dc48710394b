"""The end of a workshop's data: deletion, template drafts, retention and the automatic purge, the consent notice.

Deleting is one `DELETE FROM workshop`: every table that holds a workshop's data reaches it through foreign
keys declared `ON DELETE CASCADE` (groups, items, activities, participants, responses, tallies, proposals,
actions...), so the database removes them all in the same statement and a table added later only has to
declare its foreign key the same way (`tests/services/test_lifecycle.py` checks every foreign key). SQLite
enforces foreign keys only when asked, which `app.services.database` does on every connection.

Callers run writes inside `transaction()`; these functions only flush.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from app.extensions import db
from app.models import Activity, Participant, Response, User, Workshop, utcnow
from app.services import audit
from app.services.definitions import CONSENT_LENGTH
from app.services.errors import FieldError, Problem, invalid

log = logging.getLogger("prioritas.lifecycle")

RETENTION_MAX_DAYS = 3650
#: How often the server's purge job looks for workshops past their retention (seconds; 0 turns it off).
DEFAULT_PURGE_INTERVAL = 24 * 3600


# --- deleting ------------------------------------------------------------------------------------------------

def delete_workshop(workshop: Workshop, actor: User | None, *, action: str = "workshop_deleted",
                    **details: Any) -> None:
    """Remove the workshop and everything in it, leaving one audit entry (with counts, never votes)."""
    totals = counts(workshop.id)
    audit.record(action, workshop, actor,
                 f"{action}: workshop {workshop.id} “{workshop.title}” by {actor.email if actor else audit.SYSTEM}",
                 **totals, **details)
    workshop_id = workshop.id
    db.session.execute(sa.delete(Workshop).where(Workshop.id == workshop_id),
                       execution_options={"synchronize_session": False})
    db.session.expunge(workshop)
    db.session.flush()


def counts(workshop_id: int) -> dict[str, int]:
    participants = db.session.scalar(sa.select(sa.func.count()).select_from(Participant)
                                     .where(Participant.workshop_id == workshop_id)) or 0
    responses = db.session.scalar(sa.select(sa.func.count()).select_from(Response)
                                  .join(Activity, Activity.id == Response.activity_id)
                                  .where(Activity.workshop_id == workshop_id)) or 0
    return {"participants": int(participants), "responses": int(responses)}


def drafts_of(owner: User, template_key: str) -> list[Workshop]:
    return list(db.session.scalars(sa.select(Workshop).where(Workshop.owner_id == owner.id,
                                                             Workshop.draft_of == template_key)))


def delete_drafts(owner: User, template_key: str, *, keep: Workshop | None = None) -> int:
    """The "Edit contents" drafts of one template, once it is saved back or deleted (they hold no votes)."""
    drafts = [d for d in drafts_of(owner, template_key) if keep is None or d.id != keep.id]
    for draft in drafts:
        delete_workshop(draft, owner, action="draft_deleted", template=template_key)
    return len(drafts)


def title_matches(workshop: Workshop, typed: Any) -> bool:
    """The confirmation: the workshop's title typed again (spaces around and letter case do not matter)."""
    return isinstance(typed, str) and " ".join(typed.split()).casefold() == " ".join(workshop.title.split()).casefold()


# --- retention ---------------------------------------------------------------------------------------------

def instance_maximum() -> int | None:
    """`PRIORITAS_RETENTION_MAX_DAYS`: no workshop on this installation is kept longer after its last use."""
    value = current_app.config.get("RETENTION_MAX_DAYS")
    return int(value) if value else None


def effective_days(workshop: Workshop) -> int | None:
    """The workshop's own setting, capped by the installation's maximum; None: kept until deleted."""
    own, cap = workshop.retention_days, instance_maximum()
    candidates = [d for d in (own, cap) if d]
    return min(candidates) if candidates else None


def last_used(workshop: Workshop) -> datetime:
    """The latest of: created, an activity opened or closed, someone joined, a value saved."""
    moments = [workshop.created_at]
    for query in (
        sa.select(sa.func.max(Activity.opened_at)).where(Activity.workshop_id == workshop.id),
        sa.select(sa.func.max(Activity.closed_at)).where(Activity.workshop_id == workshop.id),
        sa.select(sa.func.max(Participant.created_at)).where(Participant.workshop_id == workshop.id),
        sa.select(sa.func.max(Response.submitted_at)).join(Activity, Activity.id == Response.activity_id)
        .where(Activity.workshop_id == workshop.id),
    ):
        moment = db.session.scalar(query)
        if moment is not None:
            moments.append(moment)
    return max(moments)


def purge_at(workshop: Workshop) -> datetime | None:
    """When the purge will delete this workshop (None: never automatically)."""
    days = effective_days(workshop)
    return last_used(workshop) + timedelta(days=days) if days else None


def clean_retention(value: Any) -> int | None:
    """Empty or 0 means "keep until deleted"; otherwise whole days, 1 to 3650."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= RETENTION_MAX_DAYS:
        raise invalid([FieldError("retention_days", _("A whole number of days from 1 to %(n)s, or empty to keep "
                                                      "the workshop until you delete it.", n=RETENTION_MAX_DAYS))],
                      _("The retention setting is invalid; nothing was changed."))
    return value


def set_data_settings(workshop: Workshop, actor: User, data: dict[str, Any]) -> Workshop:
    """Retention and the consent notice, checked together: any error changes nothing."""
    errors: list[FieldError] = []
    try:
        days = clean_retention(data.get("retention_days"))
    except Problem as problem:
        errors.extend(problem.errors)
        days = None
    text = data.get("consent_text", "")
    if not isinstance(text, str):
        errors.append(FieldError("consent_text", _("Must be a string.")))
        text = ""
    text = text.strip().replace("\r\n", "\n")
    if len(text) > CONSENT_LENGTH:
        errors.append(FieldError("consent_text", _("At most %(n)s characters.", n=CONSENT_LENGTH)))
    required = bool(data.get("consent_required")) and bool(text)
    if errors:
        raise invalid(errors, _("The data settings have problems; nothing was saved."))
    if days != workshop.retention_days:
        audit.record("retention_set", workshop, actor, f"retention of workshop {workshop.id} set to {days} day(s) "
                     f"by {actor.email}", days=days, previous=workshop.retention_days)
    workshop.retention_days = days
    workshop.consent_text, workshop.consent_required = text, required
    db.session.flush()
    return workshop


@dataclass(frozen=True)
class Due:
    workshop_id: int
    title: str
    last_used: datetime
    purge_at: datetime


def due(now: datetime | None = None) -> list[Due]:
    """Workshops whose retention has run out at `now`."""
    now = now or utcnow()
    query = sa.select(Workshop).order_by(Workshop.id)
    if instance_maximum() is None:
        query = query.where(Workshop.retention_days.is_not(None))
    found = []
    for workshop in db.session.scalars(query):
        moment = purge_at(workshop)
        if moment is not None and moment <= now:
            found.append(Due(workshop.id, workshop.title, last_used(workshop), moment))
    return found


def purge(now: datetime | None = None, *, dry_run: bool = False) -> list[Due]:
    """Delete every workshop past its retention, each with an audit entry by `system`; returns them.

    Runs its own transaction per workshop, so one failure does not keep the others."""
    from app.services.database import transaction

    found = due(now)
    if dry_run:
        return found
    purged = []
    for entry in found:
        with transaction():
            workshop = db.session.get(Workshop, entry.workshop_id)
            if workshop is None:
                continue  # deleted meanwhile (another process, or by hand)
            days = effective_days(workshop)
            delete_workshop(workshop, None, action="workshop_purged", retention_days=days,
                            last_used=entry.last_used.isoformat(timespec="seconds"))
        purged.append(entry)
    return purged


def start_purge_job(app: Flask) -> bool:
    """Run `purge` in the server process once at start and then every PURGE_INTERVAL seconds.

    Uses Socket.IO's background task and sleep, so it is a greenlet under gevent and a thread under threading,
    and never blocks the phones. Several server processes may each run it: a workshop already gone is skipped.
    """
    from app.extensions import socketio

    interval = float(app.config.get("PURGE_INTERVAL", DEFAULT_PURGE_INTERVAL) or 0)
    if interval <= 0:
        return False

    def loop() -> None:
        while True:
            try:
                with app.app_context():
                    purged = purge()
                    db.session.remove()
                for entry in purged:
                    log.info("purged workshop %s (%s): retention ran out on %s", entry.workshop_id, entry.title,
                             entry.purge_at.isoformat(timespec="minutes"))
            except Exception:  # keep the job alive; the next round tries again
                log.exception("retention purge failed")
            socketio.sleep(interval)

    socketio.start_background_task(loop)
    return True
