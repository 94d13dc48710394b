"""One person, one voice: who may join a workshop, and the same phone getting its participant back.

A phone carries a device id (a signed cookie on the web, the API's `device` field or `X-Prioritas-Device`
header); only its digest is stored, on the participant. Joining again from a known device returns that
participant (same pseudonym, same row) with a fresh token, so rejoining never adds a voice. A workshop may
also ask for a passcode (told aloud in the room) or a one-time seat code (printed on a card).

Every refused join that looks like guessing (unknown code, wrong passcode, bad seat code, unknown group) is
counted against the client (`ratelimit`) and, where a workshop is known, as a per-minute signal for the
facilitator's console. Successful joins are never counted or limited.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import (
    JOIN_CODE_ALPHABET,
    JoinSignal,
    Participant,
    Response,
    SeatCode,
    StakeholderGroup,
    Workshop,
    new_token,
    token_digest,
    utcnow,
)
from app.services import live, participation, ratelimit, workshops
from app.services.database import after_commit, transaction
from app.services.errors import FieldError, Problem, conflict, invalid_field, not_found

#: A device id a client keeps: 16 to 128 URL-safe characters (a UUID, a random token...).
DEVICE_PATTERN = re.compile(r"^[A-Za-z0-9_\-.:]{16,128}$")
SEAT_CODE_LENGTH = 8
MAX_SEAT_CODES = 2000
#: Seat codes made by one request: a room's worth of cards, not the whole allowance by mistake.
SEAT_CODES_AT_ONCE = 500
PASSCODE_MAX = 40

#: Signal kinds shown in the console, in this order.
SIGNALS = ("wrong_passcode", "seat_unknown", "seat_used", "seat_revoked", "seat_required", "unknown_group",
           "rejoin_new_group")


class JoinRefused(Problem):
    """A refused join that counts as a failure (guessing) for the limits and the console's signals."""

    signal: str = ""
    group_key: str = ""
    workshop_id: int | None = None


def _refused(status: int, title: str, detail: str, signal: str, workshop: Workshop | Door | None,
             field: str = "", group_key: str = "") -> JoinRefused:
    problem = JoinRefused(status, title, detail, [FieldError(field, detail)] if field else [])
    problem.signal, problem.group_key = signal, group_key
    problem.workshop_id = workshop.id if workshop is not None else None
    return problem


@dataclass
class Admission:
    participant_id: int
    token: str
    #: The device was known: this is its participant from before (no new pseudonym, no new row).
    rejoined: bool = False
    #: A rejoin asked for another group and moved (allowed only before any answer was saved).
    moved: bool = False
    #: A rejoin asked for another group and stayed where it was (it had already answered).
    kept_group: bool = False
    #: Read before the commit, so answering the phone reloads nothing.
    workshop_id: int = 0
    group_key: str = ""

    @property
    def participant(self) -> Participant:
        """The participant as a model, read only when a caller wants more than its token (a new join is
        answered without it)."""
        return db.session.get_one(Participant, self.participant_id)


@dataclass(frozen=True, slots=True)
class Door:
    """What letting a phone in reads of its workshop, in one light query (no model)."""

    id: int
    revision: int
    join_code: str
    joining_locked: bool
    passcode: str
    seat_codes_required: bool


def _door(code: str) -> Door | None:
    if not code:
        return None
    table = Workshop.__table__
    row = db.session.execute(sa.select(table.c.id, table.c.revision, table.c.join_code, table.c.joining_locked,
                                       table.c.passcode, table.c.seat_codes_required)
                             .where(table.c.join_code == code)).first()
    return None if row is None else Door(row[0], row[1], row[2], bool(row[3]), row[4] or "", bool(row[5]))


#: Each workshop's groups (key -> id) at a revision: a group added, renamed or removed moves the revision
#: (`app/models.py`), so every process reads them again at the next join. Per process, least recent dropped.
_GROUPS: OrderedDict[tuple[str, int, int], dict[str, int]] = OrderedDict()
_GROUPS_MAX = 256


def _groups_of(door: Door) -> dict[str, int]:
    key = (door.join_code, door.id, door.revision)
    groups = _GROUPS.get(key)
    if groups is None:
        table = StakeholderGroup.__table__
        groups = dict(db.session.execute(sa.select(table.c.key, table.c.id)
                                         .where(table.c.workshop_id == door.id)).all())
        _GROUPS[key] = groups
        while len(_GROUPS) > _GROUPS_MAX:
            _GROUPS.popitem(last=False)
    return groups


def device_digest(device: Any) -> str | None:
    """The stored form of a device id; None when there is none. A malformed one is a 422 (field `device`)."""
    if device is None or device == "":
        return None
    if not isinstance(device, str) or not DEVICE_PATTERN.match(device):
        raise invalid_field("device", _("device must be 16 to 128 letters, digits or -_.: (keep the same one)."))
    return token_digest("device:" + device)


def normalise_code(raw: Any) -> str:
    return re.sub(r"[\s\-]+", "", raw).upper()[:40] if isinstance(raw, str) else ""


def passcode_matches(workshop: Workshop | Door, given: Any) -> bool:
    """Passcodes are told aloud: case and surrounding spaces do not matter."""
    if not workshop.passcode:
        return True
    typed = given.strip().casefold() if isinstance(given, str) else ""
    return hmac.compare_digest(typed.encode(), workshop.passcode.strip().casefold().encode())


def admit(code: Any, group_key: Any, *, device: str | None = None, passcode: Any = None,
          seat: Any = None) -> Admission:
    """Let a phone in: its participant from before, or a new one. Order: 404, 403, 409, 422.

    A known device skips the passcode, seat and lock checks: that phone was let in already.
    """
    door = _door(normalise_code(code))
    if door is None:
        raise _refused(404, "Not Found", _("No workshop has this join code. Check the code on the screen."),
                       "unknown_code", None)
    digest = device_digest(device)
    if digest is not None:
        known = db.session.scalar(sa.select(Participant).where(Participant.workshop_id == door.id,
                                                               Participant.device_digest == digest))
        if known is not None:
            return _rejoin(db.session.get_one(Workshop, door.id), known, group_key)
    if not passcode_matches(door, passcode):
        raise _refused(403, "Forbidden", _("This workshop needs its passcode; the one given is not right. Ask "
                         "the facilitator."), "wrong_passcode", door, field="passcode")
    seat_row = _seat(door, seat)
    if door.joining_locked:
        raise conflict(_("The facilitator has closed joining for this workshop."))
    if seat_row is not None and seat_row.group is not None:
        group_id, chosen = seat_row.group.id, seat_row.group.key
    else:
        chosen = group_key if isinstance(group_key, str) else ""
        group_id = _groups_of(door).get(chosen)
    if group_id is None:
        raise _refused(422, "Unprocessable Content", _("Choose one of the workshop's stakeholder groups."),
                       "unknown_group", door, field="group",
                       group_key=group_key[:40] if isinstance(group_key, str) else "")
    participant_id, token = participation.new_participant(door.id, group_id, device_digest=digest)
    if seat_row is not None:
        seat_row.participant_id, seat_row.used_at = participant_id, utcnow()
    return Admission(participant_id, token, workshop_id=door.id, group_key=chosen)


def _seat(workshop: Workshop | Door, seat: Any) -> SeatCode | None:
    """The seat code given (or required): unknown, revoked and already used ones are refused (403)."""
    code = normalise_code(seat)
    if not code:
        if workshop.seat_codes_required:
            raise _refused(403, "Forbidden", _("This workshop needs a seat code: type the code printed on your "
                             "card."), "seat_required", workshop, field="seat")
        return None
    row = db.session.scalar(sa.select(SeatCode).where(SeatCode.workshop_id == workshop.id, SeatCode.code == code))
    if row is None:
        raise _refused(403, "Forbidden", _("This seat code is not one of this workshop's. Check the card."),
                       "seat_unknown", workshop, field="seat")
    if row.revoked:
        raise _refused(403, "Forbidden", _("This seat code was withdrawn by the facilitator."), "seat_revoked",
                       workshop, field="seat")
    if row.participant_id is not None:
        raise _refused(403, "Forbidden", _("This seat code was used already; each card lets one person in. Ask "
                         "the facilitator."), "seat_used", workshop, field="seat",
                       group_key=row.group.key if row.group is not None else "")
    return row


def _rejoin(workshop: Workshop, participant: Participant, group_key: Any) -> Admission:
    """The same phone again: a fresh token for its participant; another group only before any answer."""
    token = new_token()
    participant.token_digest = token_digest(token)
    current = next((g.key for g in workshop.groups if g.id == participant.group_id), "")
    admission = Admission(participant.id, token, rejoined=True, workshop_id=workshop.id, group_key=current)
    wanted = workshop.group(group_key) if isinstance(group_key, str) else None
    if wanted is not None and wanted.id != participant.group_id:
        answered = db.session.scalar(sa.select(sa.exists().where(Response.participant_id == participant.id)))
        if answered:
            admission.kept_group = True
        else:
            participant.group_id = wanted.id
            admission.moved, admission.group_key = True, wanted.key
            after_commit(lambda workshop_id=workshop.id: live.participation_changed(workshop_id))
        after_commit(lambda: record_signal(workshop.id, "rejoin_new_group", wanted.key))
    return admission


def join(code: Any, group_key: Any, *, device: str | None = None, passcode: Any = None,
         seat: Any = None) -> Admission:
    """`admit` in its own transaction, with the limits: a client that failed too often waits, and each
    failure is charged to it (and recorded for the workshop's console)."""
    digest = device_digest(device)
    key = ratelimit.failure_key(digest)
    ratelimit.check_join_failures(key)
    try:
        with transaction():
            return admit(code, group_key, device=device, passcode=passcode, seat=seat)
    except JoinRefused as refused:
        ratelimit.count_join_failure(key, unknown_code=refused.signal == "unknown_code")
        if refused.workshop_id is not None:
            record_signal(refused.workshop_id, refused.signal, refused.group_key)
        raise


def lookup_code(code: Any, device: str | None) -> Workshop | None:
    """The join form's first step (code only), limited like a join: an unknown code is a failure."""
    key = ratelimit.failure_key(device_digest(device))
    ratelimit.check_join_failures(key)
    workshop = workshops.by_join_code(normalise_code(code)) if normalise_code(code) else None
    if workshop is None and normalise_code(code):
        ratelimit.count_join_failure(key, unknown_code=True)
    return workshop


def known_participant(workshop: Workshop, device: str | None) -> Participant | None:
    digest = device_digest(device) if device else None
    if digest is None:
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.workshop_id == workshop.id,
                                                          Participant.device_digest == digest))


# --- signals for the console ---------------------------------------------------------------------------------

def record_signal(workshop_id: int, kind: str, group_key: str = "") -> None:
    """Add one to this minute's count (one row per workshop, kind, group and minute, whatever the flood)."""
    minute = utcnow().replace(second=0, microsecond=0)
    values = {"workshop_id": workshop_id, "kind": kind[:24], "group_key": (group_key or "")[:40],
              "minute": minute, "n": 1}
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(JoinSignal).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["workshop_id", "kind", "group_key", "minute"], set_={"n": JoinSignal.n + 1})
    try:
        with transaction():
            db.session.execute(statement)
    except sa.exc.IntegrityError:  # the workshop was deleted meanwhile: nothing to tell anyone
        pass


@dataclass
class Signal:
    kind: str
    group_key: str
    first: datetime
    last: datetime
    count: int


def signals(workshop: Workshop, *, since_minutes: int = 24 * 60) -> list[Signal]:
    """What the console lists: counted refusals and rejoins, bursts, and groups over their expected count."""
    since = utcnow() - timedelta(minutes=since_minutes)
    rows = db.session.execute(
        sa.select(JoinSignal.kind, JoinSignal.group_key, sa.func.min(JoinSignal.minute),
                  sa.func.max(JoinSignal.minute), sa.func.sum(JoinSignal.n))
        .where(JoinSignal.workshop_id == workshop.id, JoinSignal.minute >= since)
        .group_by(JoinSignal.kind, JoinSignal.group_key)
    ).all()
    found = [Signal(kind, group_key, first, last, int(n)) for kind, group_key, first, last, n in rows]
    found.extend(_joins_signals(workshop))
    order = {kind: n for n, kind in enumerate((*SIGNALS, "burst", "over_expected"))}
    return sorted(found, key=lambda s: (order.get(s.kind, 99), s.group_key))


#: "A burst": at least this many joins into one group within BURST_SECONDS, in a group expected to be small.
BURST_SECONDS = 60
SMALL_GROUP = 20


def _joins_signals(workshop: Workshop) -> list[Signal]:
    """Bursts into small groups and groups past their expected headcount, from the join times alone."""
    times: dict[int, list[datetime]] = {}
    for group_id, created in db.session.execute(
            sa.select(Participant.group_id, Participant.created_at)
            .where(Participant.workshop_id == workshop.id, Participant.channel == "phone")
            .order_by(Participant.created_at)):
        times.setdefault(group_id, []).append(created)
    found: list[Signal] = []
    threshold = max(5, workshop.min_group_size)
    for group in workshop.groups:
        joined = times.get(group.id, [])
        if group.expected is not None and len(joined) > group.expected:
            found.append(Signal("over_expected", group.key, joined[group.expected], joined[-1],
                                len(joined) - group.expected))
        small = (group.expected if group.expected is not None else len(joined)) <= SMALL_GROUP
        if small and len(joined) >= threshold:
            burst = _densest(joined, threshold)
            if burst is not None:
                found.append(Signal("burst", group.key, burst[0], burst[1], burst[2]))
    return found


def _densest(times: list[datetime], threshold: int) -> tuple[datetime, datetime, int] | None:
    """The largest run of joins within BURST_SECONDS, if it reaches `threshold`."""
    best: tuple[datetime, datetime, int] | None = None
    start = 0
    for end, moment in enumerate(times):
        while moment - times[start] > timedelta(seconds=BURST_SECONDS):
            start += 1
        count = end - start + 1
        if count >= threshold and (best is None or count > best[2]):
            best = (times[start], moment, count)
    return best


def over_expected(workshop: Workshop, joined: dict[str, int]) -> list[str]:
    """Group keys with more participants than the facilitator expects (for the live `participation` event)."""
    return [g.key for g in workshop.groups if g.expected is not None and joined.get(g.key, 0) > g.expected]


def participation_event(workshop: Workshop) -> dict[str, Any]:
    """The `participation` payload: `groups` as before, plus `expected` and the groups `over` it."""
    joined = workshops.participation(workshop)
    return {"groups": joined, "expected": {g.key: g.expected for g in workshop.groups},
            "over": over_expected(workshop, joined)}


# --- the facilitator's settings and seat codes --------------------------------------------------------------

def set_access(workshop: Workshop, passcode: Any, seat_codes_required: bool) -> None:
    passcode = passcode.strip() if isinstance(passcode, str) else ""
    if len(passcode) > PASSCODE_MAX:
        raise invalid_field("passcode", _("A passcode has at most %(n)s characters.", n=PASSCODE_MAX))
    workshop.passcode = passcode
    workshop.seat_codes_required = bool(seat_codes_required)


def set_expected(workshop: Workshop, expected: dict[str, Any]) -> None:
    """Expected headcount per group key: a whole number ≥ 0, or blank for none."""
    errors: list[FieldError] = []
    for group in workshop.groups:
        if group.key not in expected:
            continue
        raw = expected[group.key]
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw in ("", None):
            group.expected = None
        elif isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            group.expected = raw
        elif isinstance(raw, str) and raw.isdigit():
            group.expected = int(raw)
        else:
            errors.append(FieldError(f"expected.{group.key}", _("Expected participants is a whole number ≥ 0.")))
    if errors:
        raise Problem(422, "Unprocessable Content", _("Nothing was changed: check the expected counts."), errors)
    after_commit(lambda workshop_id=workshop.id: live.participation_changed(workshop_id))


def _new_seat_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(SEAT_CODE_LENGTH))


def generate_seat_codes(workshop: Workshop, count: Any, group_key: Any = "") -> list[SeatCode]:
    """N new one-time codes (8 characters of the join code alphabet), optionally tied to one group."""
    if isinstance(count, str) and count.strip().isdigit():
        count = int(count.strip())
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= SEAT_CODES_AT_ONCE:
        raise invalid_field("count", _("Make from 1 to %(n)s seat codes at a time.", n=SEAT_CODES_AT_ONCE))
    group: StakeholderGroup | None = None
    if group_key:
        group = workshop.group(group_key) if isinstance(group_key, str) else None
        if group is None:
            raise invalid_field("group", _("Choose one of the workshop's groups, or none."))
    existing = set(db.session.scalars(sa.select(SeatCode.code).where(SeatCode.workshop_id == workshop.id)))
    if len(existing) + count > MAX_SEAT_CODES:  # a valid count, but the workshop is full: a state conflict
        raise conflict(_("A workshop has at most %(most)s seat codes; it has %(has)s, so at most %(more)s more can be "
                         "made.", most=MAX_SEAT_CODES, has=len(existing), more=MAX_SEAT_CODES - len(existing)))
    made: list[SeatCode] = []
    while len(made) < count:
        code = _new_seat_code()
        if code in existing:
            continue
        existing.add(code)
        row = SeatCode(workshop_id=workshop.id, code=code, group_id=group.id if group else None)
        db.session.add(row)
        made.append(row)
    db.session.flush()
    return made


def seat_codes(workshop: Workshop) -> list[SeatCode]:
    return list(db.session.scalars(sa.select(SeatCode).where(SeatCode.workshop_id == workshop.id)
                                   .order_by(SeatCode.id)))


def seat_code(workshop: Workshop, seat_id: int) -> SeatCode:
    row = db.session.get(SeatCode, seat_id)
    if row is None or row.workshop_id != workshop.id:
        raise not_found(_("This workshop has no such seat code."))
    return row


def revoke_seat_code(workshop: Workshop, seat_id: int) -> SeatCode:
    """An unused card can no longer let anyone in; a participant who already joined with it stays."""
    row = seat_code(workshop, seat_id)
    row.revoked = True
    return row


def seat_for_link(workshop: Workshop, seat: Any) -> SeatCode | None:
    """The card behind a `?seat=` link, to show its group on the phone (None when unknown)."""
    code = normalise_code(seat)
    if not code:
        return None
    return db.session.scalar(sa.select(SeatCode).where(SeatCode.workshop_id == workshop.id, SeatCode.code == code))


# --- the same settings as documents (the API and archives) --------------------------------------------------

def seat_state(row: SeatCode) -> str:
    """unused, used or revoked; a card imported from an archive as used keeps `used_at` without a participant."""
    if row.revoked and row.used_at is None:
        return "revoked"
    if row.participant_id is not None or row.used_at is not None:
        return "used"
    return "unused"


def seat_document(row: SeatCode) -> dict[str, Any]:
    """One card for those who run the workshop: its code, group and state, never who used it."""
    return {"id": row.id, "code": row.code, "group": row.group.key if row.group is not None else None,
            "state": seat_state(row), "created_at": _iso(row.created_at),
            "used_at": _iso(row.used_at) if row.used_at else None}


def _iso(moment: datetime) -> str:
    from app.services.cells import timestamp

    return timestamp(moment)


def settings_document(workshop: Workshop) -> dict[str, Any]:
    """Who may join: passcode (null: none), seat codes required, joining locked, expected headcount per group,
    and how many seat codes exist in each state. Only for owners and co-facilitators (the passcode is a secret
    told aloud in the room)."""
    counts = {"unused": 0, "used": 0, "revoked": 0}
    for row in seat_codes(workshop):
        counts[seat_state(row)] += 1
    return {"passcode": workshop.passcode or None, "seat_codes_required": bool(workshop.seat_codes_required),
            "joining_locked": bool(workshop.joining_locked),
            "expected": {g.key: g.expected for g in workshop.groups},
            "seat_codes": {"total": sum(counts.values()), **counts}}


def update_settings(workshop: Workshop, body: dict[str, Any]) -> None:
    """PUT .../admission: change the fields sent, all or nothing (types are checked by the API already).

    Every value is checked before anything is assigned, so a refused request leaves the workshop as it was
    even before the transaction rolls back."""
    errors: list[FieldError] = []
    passcode = body.get("passcode", workshop.passcode or "")
    passcode = passcode.strip() if isinstance(passcode, str) else ""
    if len(passcode) > PASSCODE_MAX:
        errors.append(FieldError("passcode", _("A passcode has at most %(n)s characters.", n=PASSCODE_MAX)))
    expected = body.get("expected", {})
    keys = {g.key for g in workshop.groups}
    for key, value in expected.items():
        if key not in keys:
            errors.append(FieldError(f"expected.{key}", _("'%(key)s' is not a group of this workshop.", key=key)))
        elif value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            errors.append(FieldError(f"expected.{key}", _("Expected participants is a whole number ≥ 0, or null.")))
    if errors:
        raise Problem(422, "Unprocessable Content", _("Nothing was changed: check the admission settings."), errors)
    if "passcode" in body or "seat_codes_required" in body:
        set_access(workshop, passcode, body.get("seat_codes_required", workshop.seat_codes_required))
    if "joining_locked" in body:
        workshops.set_joining_locked(workshop, body["joining_locked"])
    if expected:
        set_expected(workshop, expected)
    db.session.flush()
