"""The audit trail: who changed or removed a workshop's data, and when.

Each entry is a row of `audit_entry` (shown and exported from the console), written in the same transaction as
the change it records, so a rolled-back change leaves no entry. Once committed, the entry also goes to the
`prioritas.audit` logger, which `deploy/serve.py` writes to `instance/audit.log` for those who read the file.
Entries never hold votes: only counts, keys and pseudonyms.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, User, Workshop, utcnow
from app.services.database import after_commit

audit_log = logging.getLogger("prioritas.audit")
SYSTEM = "system"
PAGE_SIZE = 50
CSV_COLUMNS = ("at", "workshop_id", "workshop", "actor", "action", "details")


def record(action: str, workshop: Workshop | None, actor: User | None, message: str = "",
           **details: Any) -> AuditEntry:
    """Add an entry for `action` on `workshop` by `actor` (None: the system, e.g. the retention purge)."""
    entry = AuditEntry(
        at=utcnow(), action=action, details=details,
        workshop_id=workshop.id if workshop is not None else None,
        workshop_title=(workshop.title if workshop is not None else "")[:200],
        owner_id=workshop.owner_id if workshop is not None else None,
        actor_id=actor.id if actor is not None else None,
        actor=actor.email if actor is not None else SYSTEM,
    )
    db.session.add(entry)
    db.session.flush()
    text = message or f"{action} by {entry.actor}: workshop {entry.workshop_id} {details}"
    data = {"action": action, "actor": entry.actor, "actor_id": entry.actor_id, "workshop_id": entry.workshop_id,
            "at": entry.at.isoformat(timespec="seconds"), **details}
    after_commit(lambda: audit_log.info("%s", text, extra={"audit": data}))
    return entry


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    page: int
    pages: int
    total: int


def _visible(owner: User, workshop_id: int | None) -> sa.Select[tuple[AuditEntry]]:
    """A facilitator sees the entries of their own workshops, deleted ones included, and their own actions."""
    query = sa.select(AuditEntry).where(sa.or_(AuditEntry.owner_id == owner.id, AuditEntry.actor_id == owner.id))
    if workshop_id is not None:
        query = query.where(AuditEntry.workshop_id == workshop_id)
    return query


def page(owner: User, number: int = 1, workshop_id: int | None = None, size: int = PAGE_SIZE) -> Page:
    """Newest first."""
    query = _visible(owner, workshop_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    entries = list(db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                      .offset((number - 1) * size).limit(size)))
    return Page(entries, number, pages, total)


def describe(entry: AuditEntry) -> str:
    """The details as `key: value` pairs, for the page and the CSV."""
    return "; ".join(f"{k}: {v}" for k, v in (entry.details or {}).items())


def export_csv(owner: User, workshop_id: int | None = None) -> str:
    """Every visible entry, newest first; text cells that a spreadsheet would run as formulas are neutralised."""
    from app.services.cells import neutralise, timestamp

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    query = _visible(owner, workshop_id).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    for entry in db.session.scalars(query):
        writer.writerow([timestamp(entry.at), entry.workshop_id if entry.workshop_id is not None else "",
                         neutralise(entry.workshop_title), neutralise(entry.actor), neutralise(entry.action),
                         neutralise(describe(entry))])
    return buffer.getvalue()
