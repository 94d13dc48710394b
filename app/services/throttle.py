"""Sign-in throttling per account and per client, shared by the login form and `POST /api/v1/auth/token`.

Why not a plain rate limit per address or per e-mail: a whole room shares one address, and a limit per
e-mail lets anyone lock the real facilitator out. Instead:

- A *known device* is a client that has signed in to that account before: the form sets a signed,
  long-lived cookie, the API returns the same value as ``device`` and accepts it back in the
  ``X-Prioritas-Device`` header. A known device with the right password always gets in.
- Every failure is stored (table ``login_failure``) with the account's address and the client: the device
  id when there is one, else the network address.
- An unknown client is refused (429, Retry-After) after ``PER_PAIR`` failures on one account, with a wait
  that doubles with every further failure; every unknown client is refused for an account that had
  ``PER_ACCOUNT`` failures in the window (someone is guessing from many places).
- A client that failed on ``SPRAY_ACCOUNTS`` different accounts in the window (one password tried across
  accounts) is refused for every account it is not a known device of.

Counts look back ``WINDOW``; rows older than a day are purged as new failures arrive.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Request, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.extensions import db
from app.models import LoginFailure, User, utcnow
from app.services.errors import Problem, unauthorized

WINDOW = timedelta(minutes=15)
PER_PAIR = 5
PER_ACCOUNT = 20
SPRAY_ACCOUNTS = 5
MAX_WAIT = 15 * 60
DEVICE_COOKIE = "prioritas_device"
DEVICE_HEADER = "X-Prioritas-Device"
DEVICE_MAX_AGE = 400 * 24 * 3600
_KEEP = timedelta(days=1)


@dataclass
class Client:
    """Who is knocking: a device id (signed, with the accounts it signed in to) or only an address."""

    key: str
    device: str | None
    accounts: list[int]

    def knows(self, user: User | None) -> bool:
        return user is not None and self.device is not None and user.id in self.accounts


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="prioritas-known-device")


def client_of(request: Request) -> Client:
    value = request.headers.get(DEVICE_HEADER) or request.cookies.get(DEVICE_COOKIE)
    if value:
        try:
            data = _serializer().loads(value, max_age=DEVICE_MAX_AGE)
            device, accounts = str(data["d"])[:40], [int(a) for a in data["u"]][:20]
            return Client("device:" + device, device, accounts)
        except (BadSignature, KeyError, TypeError, ValueError):
            pass
    return Client("addr:" + (request.remote_addr or "unknown")[:60], None, [])


def device_value(client: Client, user: User) -> str:
    """The signed value to hand back after a successful sign-in: this client now knows this account."""
    device = client.device or secrets.token_urlsafe(12)
    accounts = [user.id] + [a for a in client.accounts if a != user.id]
    return _serializer().dumps({"d": device, "u": accounts[:20]})


def _since() -> object:
    return utcnow() - WINDOW


def retry_after(email: str, client: Client, user: User | None) -> int:
    """Seconds this client must wait before trying this account; 0 when it may try now."""
    if client.knows(user):
        return 0
    email = email.strip().lower()[:254]
    since = _since()
    recent = sa.select(LoginFailure).where(LoginFailure.at > since)
    pair = db.session.execute(sa.select(sa.func.count(), sa.func.max(LoginFailure.at)).where(
        LoginFailure.at > since, LoginFailure.email == email, LoginFailure.client == client.key)).one()
    waits = [0]
    if pair[0] >= PER_PAIR:
        wait = min(MAX_WAIT, 30 * 2 ** (pair[0] - PER_PAIR))
        waits.append(int(wait - (utcnow() - pair[1]).total_seconds()))
    per_account = db.session.scalar(sa.select(sa.func.count()).select_from(
        recent.where(LoginFailure.email == email).subquery()))
    if per_account >= PER_ACCOUNT:
        waits.append(int(WINDOW.total_seconds()))
    accounts = db.session.scalar(sa.select(sa.func.count(sa.distinct(LoginFailure.email))).where(
        LoginFailure.at > since, LoginFailure.client == client.key))
    if accounts >= SPRAY_ACCOUNTS:
        waits.append(int(WINDOW.total_seconds()))
    return max(waits)


def record_failure(email: str, client: Client) -> None:
    """Count one failure; committed on its own, so the failed request's rollback cannot undo it."""
    from app.services.database import transaction

    now = utcnow()
    db.session.rollback()
    with transaction():
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - _KEEP))
        db.session.add(LoginFailure(email=email.strip().lower()[:254], client=client.key, at=now))


def record_success(email: str, client: Client) -> None:
    """The right password from this client clears its failures on this account (not the others)."""
    db.session.execute(sa.delete(LoginFailure).where(
        LoginFailure.email == email.strip().lower()[:254], LoginFailure.client == client.key))


class Throttled(Problem):
    """429 with the seconds to wait (sent as Retry-After)."""

    def __init__(self, wait: int) -> None:
        super().__init__(429, "Too many sign-in attempts",
                         f"Too many failed sign-ins from here; wait {wait} seconds and try again. A device you "
                         "signed in from before is not held back.")
        self.retry_after = wait


def sign_in(email: str, password: str, request: Request) -> tuple[User, Client]:
    """Check the password unless this client must wait; count failures. Raises Throttled or 401.

    Call it outside a transaction: failures and the clearing on success are committed here. The caller
    hands back `device_value(client, user)` (cookie or `device`).
    """
    from app.services import accounts

    client = client_of(request)
    user = accounts.find_by_email(email) if email else None
    wait = retry_after(email, client, user)
    if wait > 0:
        raise Throttled(wait)
    checked = accounts.authenticate(email, password)
    if checked is None:
        record_failure(email, client)
        raise unauthorized("Unknown e-mail address or wrong password.")
    from app.services.database import transaction

    with transaction():
        record_success(email, client)
    return checked, client
