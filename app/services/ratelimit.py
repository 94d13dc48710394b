"""Rate-limit keys: by account, participant token or workshop, never by the address alone.

A whole room shares one address behind the venue's router, so an address key would throttle everyone.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from app.models import token_digest


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def default_key() -> str:
    token = _bearer()
    if token:
        return "token:" + token_digest(token)[:24]
    if current_user and getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    from flask import session

    participant = session.get("participant_token")
    if participant:
        return "participant:" + token_digest(participant)[:24]
    return "anonymous:" + (request.endpoint or "")


def join_code_key() -> str:
    """Joining is limited per workshop (join code), so one room cannot be flooded, whatever its address."""
    payload = request.get_json(silent=True) if request.is_json else None
    code = ""
    if isinstance(payload, dict) and isinstance(payload.get("code"), str):
        code = payload["code"]
    code = code or request.form.get("code", "") or (request.view_args or {}).get("code", "")
    return "join:" + str(code).strip().upper()[:12]


def login_key() -> str:
    payload = request.get_json(silent=True) if request.is_json else None
    email = ""
    if isinstance(payload, dict) and isinstance(payload.get("email"), str):
        email = payload["email"]
    email = email or request.form.get("email", "")
    return "login:" + email.strip().lower()[:254]
