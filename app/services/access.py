"""Who may do what in a workshop: the one place where workshop roles are checked.

Roles, from most to least: ``owner`` (the account in `Workshop.owner_id`: everything, including members and
deleting), ``co_facilitator`` (runs and edits the workshop: open/close, reveal, timer, paper ballots,
proposals, actions, weights, the editor, the screen link), ``observer`` (reads: the console read-only,
results, exports). An administrator manages accounts, not workshops: without a role they get 403 like
anyone else, so the votes of a workshop stay with the people who run it.

Needs: ``"read"`` (any role), ``"run"`` (owner or co-facilitator), ``"own"`` (owner only).
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import User, Workshop, WorkshopMember, WorkshopRole
from app.services.errors import forbidden

Need = Literal["read", "run", "own"]
OWNER = "owner"
RANK = {"observer": 1, "co_facilitator": 2, OWNER: 3}
NEEDED = {"read": 1, "run": 2, "own": 3}
ROLE_NAMES = {OWNER: _l("owner"), WorkshopRole.co_facilitator.value: _l("co-facilitator"),
              WorkshopRole.observer.value: _l("observer")}
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def role_of(workshop: Workshop, user: User | None) -> str | None:
    """The user's role in the workshop, or None."""
    if user is None or getattr(user, "id", None) is None:
        return None
    if workshop.owner_id == user.id:
        return OWNER
    return db.session.scalar(sa.select(WorkshopMember.role).where(
        WorkshopMember.workshop_id == workshop.id, WorkshopMember.user_id == user.id))


def allows(workshop: Workshop, user: User | None, need: Need) -> bool:
    role = role_of(workshop, user)
    return role is not None and RANK[role] >= NEEDED[need]


def need_for_request() -> Need:
    """Reading pages and files (GET) needs a role; anything that writes needs to run the workshop."""
    if has_request_context() and request.method in _SAFE_METHODS:
        return "read"
    return "run"


def require(workshop: Workshop, user: User, need: Need | None = None) -> str:
    """403 unless the user's role covers `need` (default: by the request's method). Returns the role."""
    need = need or need_for_request()
    role = role_of(workshop, user)
    if role is None or RANK[role] < NEEDED[need]:
        if role is None:
            raise forbidden()
        raise forbidden(_("Your role in this workshop (%(role)s) cannot do this.", role=ROLE_NAMES[role]))
    return role


def workshops_for(user: User) -> list[tuple[Workshop, str]]:
    """Every workshop the user owns or is a member of, newest first, with the role."""
    member = sa.select(WorkshopMember.workshop_id, WorkshopMember.role).where(
        WorkshopMember.user_id == user.id).subquery()
    rows = db.session.execute(
        sa.select(Workshop, member.c.role).outerjoin(member, member.c.workshop_id == Workshop.id)
        .where(sa.or_(Workshop.owner_id == user.id, member.c.workshop_id.is_not(None)))
        .order_by(Workshop.created_at.desc(), Workshop.id.desc()))
    return [(w, OWNER if w.owner_id == user.id else role) for w, role in rows]
