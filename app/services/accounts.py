"""Facilitator accounts and API tokens.

Tokens expire (30 days unless the caller asks for 1-365), are listed and revocable by their owner, and
only their SHA-256 digest is stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import ApiToken, User, new_token, token_digest, utcnow
from app.services.errors import FieldError, Problem, invalid, unauthorized

MIN_PASSWORD_LENGTH = 8
#: Checked when the address is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("prioritas-timing-equaliser")


def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))


TOKEN_DAYS_DEFAULT = 30
TOKEN_DAYS_MAX = 365
#: `last_used_at` is written at most this often per token, so reads do not turn into writes.
_LAST_USED_EVERY = timedelta(minutes=1)


def has_accounts() -> bool:
    return db.session.scalar(sa.select(User.id).limit(1)) is not None


def create_user(email: str, password: str, name: str = "", is_admin: bool = False) -> User:
    """Validate and add a facilitator; the first account ever made is an administrator.

    The caller's transaction commits.
    """
    email = email.strip().lower()
    errors = []
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        errors.append(FieldError("email", _("Enter a valid e-mail address.")))
    elif find_by_email(email):
        errors.append(FieldError("email", _("An account with the address %(email)s already exists.", email=email)))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)))
    if errors:
        raise invalid(errors, errors[0].message)
    user = User(email=email, name=name.strip(), is_admin=bool(is_admin) or not has_accounts())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email) if email else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if user.check_password(password) else None


def token_options(body: dict[str, Any]) -> tuple[int, str]:
    """Validate the optional `expires_in_days` (1-365, default 30) and `label` of a token request."""
    days = body.get("expires_in_days", TOKEN_DAYS_DEFAULT)
    label = body.get("label", "")
    errors = []
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= TOKEN_DAYS_MAX:
        errors.append(FieldError("expires_in_days", _("A whole number of days from 1 to %(n)s.", n=TOKEN_DAYS_MAX)))
    if not isinstance(label, str) or len(label.strip()) > 80:
        errors.append(FieldError("label", _("A text of at most %(n)s characters.", n=80)))
    if errors:
        raise invalid(errors, errors[0].message)
    return days, label.strip()


def issue_token(email: object, password: object, days: int = TOKEN_DAYS_DEFAULT, label: str = "") -> str:
    if not isinstance(email, str) or not isinstance(password, str):
        raise Problem(422, "Invalid request", _("Send a JSON object with string fields email and password."),
                      [FieldError("email", _("Required.")), FieldError("password", _("Required."))])
    user = authenticate(email, password)
    if user is None:
        raise unauthorized(_("Unknown e-mail address or wrong password."))
    return new_api_token(user, days, label)[0]


def new_api_token(user: User, days: int = TOKEN_DAYS_DEFAULT, label: str = "") -> tuple[str, ApiToken]:
    token = new_token()
    row = ApiToken(user_id=user.id, digest=token_digest(token), label=label,
                   expires_at=utcnow() + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    return token, row


def user_for_token(token: str) -> User | None:
    """The token's account, or None when unknown, revoked (deleted) or expired."""
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == token_digest(token)))
    if row is None:
        return None
    now = utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at >= _LAST_USED_EVERY:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        db.session.commit()
    return row.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_document(row: ApiToken) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") + "Z" if value else None

    return {"id": row.id, "label": row.label, "created_at": iso(row.created_at), "last_used_at": iso(row.last_used_at),
            "expires_at": iso(row.expires_at), "expired": bool(row.expires_at and row.expires_at <= utcnow())}


def revoke_token(user: User, token_id: int) -> None:
    """Delete one of the user's tokens: it answers 401 from the next request on. 404 for another's."""
    from app.services.errors import not_found

    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise not_found(_("You have no token %(id)s.", id=token_id))
    db.session.delete(row)
    db.session.flush()
