"""Rate-limit keys: by account, participant token or device, never by the address alone.

A whole room shares one address behind the venue's router, so an address key would throttle everyone.
Joining is limited by its FAILURES only (unknown code, wrong passcode, bad seat code, unknown group), per
device and with a server-wide budget for unknown codes; a successful join is never refused
(docs/ratelimits.md).
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from limits import RateLimitItem, parse_many

from app.models import token_digest
from app.services.errors import Problem

#: Failed joins one device (or one anonymous client) may make; the longer windows make a persistent guesser
#: back off further (10 in 5 minutes, then 30 in an hour, then 100 in a day).
DEVICE_FAILURES = parse_many("10 per 5 minutes; 30 per hour; 100 per day")
#: Unknown join codes the whole server answers per minute; past it, an unknown code gets 429, not 404.
GLOBAL_UNKNOWN_CODES = parse_many("300 per minute; 3000 per hour")
GLOBAL_KEY = "join-fail:global-unknown"


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


# --- joining: limit failures, never successes ---------------------------------------------------------------

def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def failure_key(device_digest: str | None) -> str:
    """The device when the phone shows one; else the address with the browser's signature (a fallback that
    only ever counts this client's failures, so a shared address never shares a budget with a working phone
    that sends its device)."""
    if device_digest:
        return "join-fail:device:" + device_digest[:32]
    client = f"{request.remote_addr or ''}|{request.headers.get('User-Agent', '')}"
    return "join-fail:client:" + token_digest(client)[:32]


def _strategy():  # type: ignore[no-untyped-def]
    from app.extensions import limiter

    return limiter.limiter


def _exhausted(limits: list[RateLimitItem], key: str) -> RateLimitItem | None:
    strategy = _strategy()
    return next((item for item in limits if not strategy.test(item, key)), None)


def _refuse(item: RateLimitItem, detail: str) -> Problem:
    problem = Problem(429, "Too Many Requests", detail)
    problem.retry_after = int(item.get_expiry())  # type: ignore[attr-defined]
    return problem


def check_join_failures(key: str) -> None:
    """Before a join is looked at: a device that failed too often waits (its successes too: it is guessing).
    Clients without a device are only limited on their failures (`count_join_failure`)."""
    if not _enabled() or key.startswith("join-fail:client:"):
        return
    item = _exhausted(DEVICE_FAILURES, key)
    if item is not None:
        raise _refuse(item, "Too many wrong codes from this phone. Wait a few minutes, then check the code on "
                            "the screen and try again.")


def count_join_failure(key: str, unknown_code: bool) -> None:
    """A failed join: charge this client; an unknown code also spends the server-wide budget, and once that
    is spent it is answered 429 instead of 404 (a known code never gets here, so a room is never refused).

    A client without a device (keyed by address and browser, which a whole hall may share) is never refused
    before its request is looked at: only its failures turn into 429 once it has failed too often."""
    if not _enabled():
        return
    strategy = _strategy()
    if key.startswith("join-fail:client:"):
        item = _exhausted(DEVICE_FAILURES, key)
        if item is not None:
            raise _refuse(item, "Too many failed joins from this client. Send a device id, check the code and "
                                "the group, and try again in a few minutes.")
    for item in DEVICE_FAILURES:
        strategy.hit(item, key)
    if unknown_code:
        item = _exhausted(GLOBAL_UNKNOWN_CODES, GLOBAL_KEY)
        if item is not None:
            raise _refuse(item, "Too many wrong workshop codes on this server just now. Wait a minute, then "
                                "try the code on the screen again.")
        for item in GLOBAL_UNKNOWN_CODES:
            strategy.hit(item, GLOBAL_KEY)


def unknown_codes_last_hour() -> int | None:
    """Unknown join codes tried on this server within the hourly window (None when limits are off)."""
    if not _enabled():
        return None
    item = GLOBAL_UNKNOWN_CODES[-1]
    stats = _strategy().get_window_stats(item, GLOBAL_KEY)
    return max(0, item.amount - stats.remaining)
