"""Invitations: an administrator makes a single-use link that expires; the invited person sets name and password.

A venue LAN has no mail, so the link is shown to copy (or read out) rather than sent. Only the link's digest
is stored: the link is shown once, when it is made.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.models import Invitation, User, new_token, token_digest, utcnow
from app.services import accounts
from app.services.errors import FieldError, forbidden, invalid, not_found

INVITE_DAYS = 7


def registration_open() -> bool:
    """Self-registration is off unless the install opts in (PRIORITAS_OPEN_REGISTRATION=1)."""
    return bool(current_app.config.get("OPEN_REGISTRATION", False))


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise forbidden(_("Only an administrator can do this."))


def create(admin: User, note: str = "", days: int = INVITE_DAYS) -> tuple[str, Invitation]:
    """A new invitation from an administrator; returns the secret (shown once) and its row."""
    require_admin(admin)
    return issue(note, admin.id, days)


def issue(note: str = "", created_by_id: int | None = None, days: int = INVITE_DAYS) -> tuple[str, Invitation]:
    """A new invitation without an account behind it (the command line: `flask users invite`)."""
    note = (note or "").strip()
    if len(note) > 120:
        message = _("Use at most %(n)s characters.", n=120)
        raise invalid([FieldError("note", message)], message)
    secret = new_token()
    row = Invitation(digest=token_digest(secret), note=note, created_by_id=created_by_id,
                     expires_at=utcnow() + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    return secret, row


def listing() -> list[Invitation]:
    return list(db.session.scalars(sa.select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def status(row: Invitation) -> str:
    if row.used_at:
        return "used"
    if row.revoked_at:
        return "revoked"
    if row.expires_at <= utcnow():
        return "expired"
    return "open"


def revoke(admin: User, invitation_id: int) -> None:
    require_admin(admin)
    row = db.session.get(Invitation, invitation_id)
    if row is None:
        raise not_found(_("There is no invitation %(id)s.", id=invitation_id))
    if status(row) == "open":
        row.revoked_at = utcnow()
        db.session.flush()


def find_open(secret: str) -> Invitation | None:
    """The invitation behind a link, if it can still be used."""
    if not secret:
        return None
    row = db.session.scalar(sa.select(Invitation).where(Invitation.digest == token_digest(secret)))
    return row if row is not None and status(row) == "open" else None


def accept(secret: str, email: str, password: str, name: str = "") -> User:
    """Create the account and spend the invitation (in the caller's transaction); 404 if the link is spent."""
    row = db.session.scalar(sa.select(Invitation).where(Invitation.digest == token_digest(secret or ""))
                            .with_for_update())
    if row is None or status(row) != "open":
        raise not_found(_("This invitation link has expired, was used or was withdrawn. Ask for a new one."))
    user = accounts.create_user(email, password, name)
    row.used_at = utcnow()
    row.used_by_id = user.id
    db.session.flush()
    return user
