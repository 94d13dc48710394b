"""Facilitator accounts and API tokens."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import ApiToken, User, new_token, token_digest
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


def create_user(email: str, password: str, name: str = "") -> User:
    """Validate and add a facilitator; the caller's transaction commits."""
    email = email.strip().lower()
    errors = []
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        errors.append(FieldError("email", "Enter a valid e-mail address."))
    elif find_by_email(email):
        errors.append(FieldError("email", f"An account with the address {email} already exists."))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"Use at least {MIN_PASSWORD_LENGTH} characters."))
    if errors:
        raise invalid(errors, errors[0].message)
    user = User(email=email, name=name.strip())
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


def issue_token(email: object, password: object) -> str:
    if not isinstance(email, str) or not isinstance(password, str):
        raise Problem(422, "Invalid request", "Send a JSON object with string fields email and password.",
                      [FieldError("email", "Required."), FieldError("password", "Required.")])
    user = authenticate(email, password)
    if user is None:
        raise unauthorized("Unknown e-mail address or wrong password.")
    token = new_token()
    db.session.add(ApiToken(user_id=user.id, digest=token_digest(token)))
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == token_digest(token)))
    return row.user if row else None
