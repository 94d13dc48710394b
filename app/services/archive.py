"""Exports (CSV of every saved value, JSON archive) and the import that rebuilds a workshop from an archive."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _

from app import activities as activity_types
from app.extensions import db
from app.models import (
    Action,
    Activity,
    Participant,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Response,
    SeatCode,
    User,
    Workshop,
    new_token,
    token_digest,
    utcnow,
)
from app.services import workshops
from app.services.cells import neutralise, timestamp
from app.services.checks import KEY_PATTERN, is_int
from app.services.errors import FieldError, invalid

ARCHIVE_FORMAT = "prioritas-workshop"
ARCHIVE_VERSION = 1
#: The interface's eight CSV columns (docs/interface.md, "Exports"), then `channel` (phone or paper): an
#: extension after them, so positional readers of the first eight are unaffected.
CSV_COLUMNS = ("workshop_id", "activity", "item", "group", "participant", "axis", "value", "submitted_at",
               "channel")


def _parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def value_rows(workshop: Workshop) -> list[tuple[Activity, Participant, str, str, int | None, datetime, int]]:
    activities = {a.id: a for a in workshop.activities}
    items = {i.id: i for i in workshop.items}
    rows = db.session.execute(
        sa.select(Response, Participant)
        .join(Participant, Participant.id == Response.participant_id)
        .where(Participant.workshop_id == workshop.id)
    ).all()
    out = [
        (activities[r.activity_id], p, items[r.item_id].key, r.dimension, r.value, r.submitted_at, r.round)
        for r, p in rows
    ]
    item_pos = {i.key: i.position for i in workshop.items}
    out.sort(key=lambda row: (row[0].position, row[6], row[1].pseudonym, item_pos[row[2]], row[3]))
    return out


def export_csv(workshop: Workshop) -> str:
    groups = {g.id: g.key for g in workshop.groups}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for activity, participant, item, dimension, value, submitted_at, _round in value_rows(workshop):
        writer.writerow([
            workshop.id, neutralise(activity.key), neutralise(item), neutralise(groups[participant.group_id]),
            neutralise(participant.pseudonym), neutralise(dimension), "" if value is None else value,
            timestamp(submitted_at), participant.channel or "phone",
        ])
    return buffer.getvalue()


def export_json(workshop: Workshop, app_version: str) -> dict[str, Any]:
    groups = {g.id: g.key for g in workshop.groups}
    participants = db.session.scalars(
        sa.select(Participant).where(Participant.workshop_id == workshop.id).order_by(Participant.id)
    ).all()
    document = workshops.document(workshop)
    for name in ("join_url", "screen_url", "screen_token", "join_code"):
        document.pop(name)
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "app_version": app_version,
        "exported_at": timestamp(utcnow()),
        "workshop": document,
        "participants": [
            {"pseudonym": p.pseudonym, "group": groups[p.group_id], "channel": p.channel,
             "joined_at": timestamp(p.created_at)}
            for p in participants
        ],
        "responses": [
            {"activity": activity.key, "round": round_, "participant": participant.pseudonym, "item": item,
             "dimension": dimension, "value": value, "submitted_at": timestamp(submitted_at)}
            for activity, participant, item, dimension, value, submitted_at, round_ in value_rows(workshop)
        ],
        "proposals": export_proposals(workshop),
        "actions": export_actions(workshop),
        "delphi_rounds": export_delphi_rounds(workshop),
        "proposal_settings": {"open": bool(workshop.proposals_open), "limit": _proposal_limit(workshop)},
        **({"admission": export_admission(workshop)} if _may_carry_admission(workshop) else {}),
    }


def export_delphi_rounds(workshop: Workshop) -> list[dict[str, Any]]:
    """Delphi rounds that asked only the unconverged items: which items, and the rule that chose them."""
    return [{"activity": a.key, "round": r.round, "items": list(r.items or []), "criterion": r.criterion,
             "threshold": r.threshold} for a in workshop.activities for r in a.delphi_rounds]


def _check_delphi_round(workshop: Workshop, raw: Any, path: str, errors: list[FieldError]) -> Any:
    """One archived Delphi round; None (with the errors recorded) when it does not fit the workshop."""
    from app.models import DelphiRound

    if not isinstance(raw, dict):
        errors.append(FieldError(path, _("Each Delphi round is an object.")))
        return None
    activity = workshop.activity(raw.get("activity")) if isinstance(raw.get("activity"), str) else None
    round_, items = raw.get("round"), raw.get("items")
    threshold = raw.get("threshold")
    keys = {i.key for i in activity.items} if activity is not None else set()
    problems = []
    if activity is None:
        problems.append(("activity", _("'%(key)s' is not an activity of this workshop.", key=raw.get("activity"))))
    elif not is_int(round_) or not 2 <= round_ <= activity.round:
        problems.append(("round", _("The round is a whole number from 2 to %(n)s.", n=activity.round)))
    if not isinstance(items, list) or not items or not all(isinstance(k, str) and k in keys for k in items):
        problems.append(("items", _("The items are a non-empty list of the activity's item keys.")))
    if raw.get("criterion") not in ("consensus", "iqr"):
        problems.append(("criterion", _("The criterion is consensus or iqr.")))
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        problems.append(("threshold", _("The threshold is a number.")))
    if problems:
        errors.extend(FieldError(f"{path}.{name}", message) for name, message in problems)
        return None
    assert activity is not None
    return activity, DelphiRound(round=round_, items=list(dict.fromkeys(items)), criterion=raw["criterion"],
                                 threshold=float(threshold))


def export_proposals(workshop: Workshop) -> list[dict[str, Any]]:
    """What participants said was missing and what became of it; never who proposed it (only the group)."""
    groups = {g.id: g.key for g in workshop.groups}
    items = {i.id: i.key for i in workshop.items}
    proposals = db.session.scalars(
        sa.select(Proposal).where(Proposal.workshop_id == workshop.id).order_by(Proposal.created_at, Proposal.id))
    return [
        {"kind": p.kind, "title": p.title, "description": p.description or "", "status": p.status,
         "group": groups.get(p.group_id) if p.group_id else None,
         "item": items.get(p.item_id) if p.item_id else None,
         "created_at": timestamp(p.created_at),
         "decided_at": timestamp(p.decided_at) if p.decided_at else None}
        for p in proposals
    ]


def export_actions(workshop: Workshop) -> list[dict[str, Any]]:
    activities = {a.id: a.key for a in workshop.activities}
    items = {i.id: i.key for i in workshop.items}
    actions = db.session.scalars(
        sa.select(Action).where(Action.workshop_id == workshop.id).order_by(Action.created_at, Action.id))
    return [
        {"activity": activities[a.activity_id], "item": items[a.item_id], "owner": a.owner or "",
         "due_date": a.due_date.isoformat() if a.due_date else None, "note": a.note or "",
         "created_at": timestamp(a.created_at)}
        for a in actions
    ]


def import_json(owner: User, archive: Any) -> Workshop:
    """Rebuild an exported workshop as a new one owned by `owner`; all or nothing."""
    errors: list[FieldError] = []
    if not isinstance(archive, dict) or archive.get("format") != ARCHIVE_FORMAT:
        raise invalid([FieldError("format", _("Not a Prioritas archive (format '%(format)s').",
                                              format=ARCHIVE_FORMAT))])
    version = archive.get("version")
    if not is_int(version) or version < 1:
        raise invalid([FieldError("version", _("The archive has no valid version number."))])
    if version > ARCHIVE_VERSION:
        raise invalid([FieldError("version", _("This archive is version %(version)s, from a newer Prioritas; this one "
                                               "reads version %(readable)s. Update Prioritas to import it.",
                                               version=version, readable=ARCHIVE_VERSION))])
    document = archive.get("workshop")
    if not isinstance(document, dict):
        raise invalid([FieldError("workshop", _("The archive has no workshop definition."))])
    workshop = workshops.create_from_definition(owner, document, allow_state=True)

    participants: dict[str, Participant] = {}
    raw_participants = archive.get("participants")
    if not isinstance(raw_participants, list):
        errors.append(FieldError("participants", _("The archive has no participant list.")))
        raw_participants = []
    for n, raw in enumerate(raw_participants):
        path = f"participants[{n}]"
        if not isinstance(raw, dict):
            errors.append(FieldError(path, _("Each participant is an object.")))
            continue
        pseudonym, group_key = raw.get("pseudonym"), raw.get("group")
        group = workshop.group(group_key) if isinstance(group_key, str) else None
        if not isinstance(pseudonym, str) or not pseudonym or len(pseudonym) > 12:
            errors.append(FieldError(f"{path}.pseudonym", _("A pseudonym is a short string such as P017.")))
        elif pseudonym in participants:
            errors.append(FieldError(f"{path}.pseudonym", _("The pseudonym %(pseudonym)s appears twice.",
                                                              pseudonym=pseudonym)))
        if group is None:
            errors.append(FieldError(f"{path}.group", _("'%(key)s' is not a group of this workshop.", key=group_key)))
        channel = raw.get("channel", "phone")
        if channel not in ("phone", "paper"):
            errors.append(FieldError(f"{path}.channel", _("The channel is phone or paper.")))
        if errors and errors[-1].field.startswith(path):
            continue
        participant = Participant(workshop_id=workshop.id, group_id=group.id, pseudonym=pseudonym,
                                  token_digest=token_digest(new_token()), channel=channel,
                                  created_at=_parse_timestamp(raw.get("joined_at")) or utcnow())
        participants[pseudonym] = participant
    db.session.add_all(participants.values())
    # New phones joining the imported workshop continue after the highest pseudonym number it came with.
    numbers = [int(p[1:]) for p in participants if p[1:].isdigit()]
    workshop.participant_seq = max(numbers, default=0)
    db.session.flush()

    raw_responses = archive.get("responses")
    if not isinstance(raw_responses, list):
        errors.append(FieldError("responses", _("The archive has no response list.")))
        raw_responses = []
    seen: set[tuple[Any, ...]] = set()
    rows: list[dict[str, Any]] = []
    for n, raw in enumerate(raw_responses):
        path = f"responses[{n}]"
        row = _check_response(workshop, participants, raw, path, errors)
        if row is None:
            continue
        unique = (row["activity_id"], row["round"], row["participant_id"], row["item_id"], row["dimension"])
        if unique in seen:
            errors.append(FieldError(path, _("The same value appears twice.")))
            continue
        seen.add(unique)
        rows.append(row)
    _check_ballots(workshop, rows, errors)
    # Archives written before proposals and actions existed have neither list: they import as before.
    proposals = [p for n, raw in enumerate(_optional_list(archive, "proposals", errors))
                 if (p := _check_proposal(workshop, raw, f"proposals[{n}]", errors)) is not None]
    actions = [a for n, raw in enumerate(_optional_list(archive, "actions", errors))
               if (a := _check_action(workshop, raw, f"actions[{n}]", errors)) is not None]
    delphi_rounds = [d for n, raw in enumerate(_optional_list(archive, "delphi_rounds", errors))
                     if (d := _check_delphi_round(workshop, raw, f"delphi_rounds[{n}]", errors)) is not None]
    seats = _check_admission(workshop, archive.get("admission"), errors)
    proposal_settings = _check_proposal_settings(archive.get("proposal_settings"), errors)
    if errors:
        raise invalid(errors[:200], _("The archive has %(n)s problem(s); nothing was imported.", n=len(errors)))
    _write_responses(workshop, list(participants.values()), rows)
    for activity, entry in delphi_rounds:
        if all(r.round != entry.round for r in activity.delphi_rounds):
            activity.delphi_rounds.append(entry)
    db.session.add_all([*proposals, *actions, *seats])
    if proposal_settings is not None:
        workshop.proposals_open, workshop.proposal_limit = proposal_settings
    db.session.flush()
    return workshop


def _proposal_limit(workshop: Workshop) -> int:
    from app.services import proposals

    return proposals.limit_of(workshop)


def _check_proposal_settings(raw: Any, errors: list[FieldError]) -> tuple[bool, int] | None:
    """Whether phones may suggest items, and how many each; archives written before the setting have none."""
    from app.services import proposals

    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.append(FieldError("proposal_settings", _("proposal_settings is an object: {open, limit}.")))
        return None
    errors.extend(FieldError(f"proposal_settings.{name}", _("Unknown field."))
                  for name in sorted(set(raw) - {"open", "limit"}))
    opened, limit = raw.get("open", True), raw.get("limit", proposals.RATE_LIMIT)
    if not isinstance(opened, bool):
        errors.append(FieldError("proposal_settings.open", _("open is true or false.")))
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= proposals.LIMIT_MAX:
        errors.append(FieldError("proposal_settings.limit",
                                 _("The limit is a whole number from 1 to %(n)s.", n=proposals.LIMIT_MAX)))
    return (opened, limit) if not any(e.field.startswith("proposal_settings") for e in errors) else None


# --- admission: passcode, joining lock and seat codes ----------------------------------------------------------

#: A seat code as stored (normalised: upper case, no spaces or dashes).
_SEAT_CODE = re.compile(r"^[A-Z0-9]{4,16}$")


def _may_carry_admission(workshop: Workshop) -> bool:
    """The passcode and the cards are for those who run the workshop: an observer's export leaves them out.
    Outside a request (backups, the command line) the archive is the whole workshop."""
    if not has_request_context():
        return True
    from flask_login import current_user

    from app.services import access

    user = g.get("api_user")
    if user is None and current_user.is_authenticated:
        user = current_user
    return user is not None and access.allows(workshop, user, "run")


def export_admission(workshop: Workshop) -> dict[str, Any]:
    """Who may join, and every seat code with its group and state; never which participant used a card."""
    from app.services import admission

    return {"passcode": workshop.passcode or None, "seat_codes_required": bool(workshop.seat_codes_required),
            "joining_locked": bool(workshop.joining_locked),
            "seat_codes": [{"code": row.code, "group": row.group.key if row.group is not None else None,
                            "state": admission.seat_state(row)} for row in admission.seat_codes(workshop)]}


def _check_admission(workshop: Workshop, raw: Any, errors: list[FieldError]) -> list[SeatCode]:
    """Set the archived passcode, seat code rule and lock on the new workshop; the seat codes to add.

    A card that was used comes back withdrawn (with its use time): the participant it let in is not linked to
    it in an archive, and it must not let a second person in. Archives without the block import as before."""
    from app.services import admission

    if raw is None:
        return []
    if not isinstance(raw, dict):
        errors.append(FieldError("admission", _("admission is an object.")))
        return []
    unknown = sorted(set(raw) - {"passcode", "seat_codes_required", "joining_locked", "seat_codes"})
    errors.extend(FieldError(f"admission.{name}", _("Unknown field.")) for name in unknown)
    passcode = raw.get("passcode")
    if passcode is not None and (not isinstance(passcode, str) or len(passcode.strip()) > admission.PASSCODE_MAX):
        errors.append(FieldError("admission.passcode", _("A passcode is a text of at most %(n)s characters, or null.",
                                                         n=admission.PASSCODE_MAX)))
        passcode = None
    for name in ("seat_codes_required", "joining_locked"):
        if not isinstance(raw.get(name, False), bool):
            errors.append(FieldError(f"admission.{name}", _("%(name)s is true or false.", name=name)))
    rows: list[SeatCode] = []
    seen: set[str] = set()
    listed = raw.get("seat_codes", [])
    if not isinstance(listed, list) or len(listed) > admission.MAX_SEAT_CODES:
        errors.append(FieldError("admission.seat_codes", _("seat_codes is a list of at most %(n)s cards.",
                                                           n=admission.MAX_SEAT_CODES)))
        listed = []
    for n, card in enumerate(listed):
        path = f"admission.seat_codes[{n}]"
        if not isinstance(card, dict):
            errors.append(FieldError(path, _("Each seat code is an object.")))
            continue
        code, group_key, state = card.get("code"), card.get("group"), card.get("state", "unused")
        group = workshop.group(group_key) if isinstance(group_key, str) else None
        if not isinstance(code, str) or not _SEAT_CODE.match(code) or code in seen:
            errors.append(FieldError(f"{path}.code", _("A seat code is 4 to 16 letters and digits, once each.")))
        elif group_key is not None and group is None:
            errors.append(FieldError(f"{path}.group", _("'%(key)s' is not a group of this workshop.", key=group_key)))
        elif state not in ("unused", "used", "revoked"):
            errors.append(FieldError(f"{path}.state", _("The state is unused, used or revoked.")))
        else:
            seen.add(code)
            rows.append(SeatCode(workshop_id=workshop.id, code=code, group_id=group.id if group else None,
                                 revoked=state != "unused", used_at=utcnow() if state == "used" else None))
    if not any(e.field.startswith("admission") for e in errors):
        workshop.passcode = passcode.strip() if isinstance(passcode, str) else ""
        workshop.seat_codes_required = raw.get("seat_codes_required", False)
        workshop.joining_locked = raw.get("joining_locked", False)
    return rows


def _optional_list(archive: dict[str, Any], name: str, errors: list[FieldError]) -> list[Any]:
    value = archive.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(FieldError(name, _("The archive's %(name)s must be a list.", name=name)))
        return []
    return value


def _archived_text(raw: dict[str, Any], name: str, limit: int, problems: list[tuple[str, str]], *,
                   required: bool = False) -> str:
    value = raw.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append((name, _("A non-empty string is required.") if required else _("Must be a string.")))
        return ""
    if len(value) > limit:
        problems.append((name, _("At most %(n)s characters.", n=limit)))
    return value.strip() if required else value


def _optional_time(raw: dict[str, Any], name: str, problems: list[tuple[str, str]]) -> datetime | None:
    if raw.get(name) is None:
        return None
    moment = _parse_timestamp(raw.get(name))
    if moment is None:
        problems.append((name, _("The time is an ISO 8601 timestamp or null.")))
    return moment


def _check_proposal(workshop: Workshop, raw: Any, path: str, errors: list[FieldError]) -> Proposal | None:
    if not isinstance(raw, dict):
        errors.append(FieldError(path, _("Each proposal is an object.")))
        return None
    problems: list[tuple[str, str]] = []
    kind, status = raw.get("kind"), raw.get("status", ProposalStatus.pending.value)
    if kind not in {k.value for k in ProposalKind}:
        problems.append(("kind", _("The kind is %(kinds)s.", kinds=", ".join(k.value for k in ProposalKind))))
    if status not in {s.value for s in ProposalStatus}:
        problems.append(("status", _("The status is %(statuses)s.",
                                   statuses=", ".join(s.value for s in ProposalStatus))))
    title = _archived_text(raw, "title", 200, problems, required=True)
    description = _archived_text(raw, "description", 4000, problems)
    group_key, item_key = raw.get("group"), raw.get("item")
    group = workshop.group(group_key) if isinstance(group_key, str) else None
    item = workshop.item(item_key) if isinstance(item_key, str) else None
    if group_key is not None and group is None:
        problems.append(("group", _("'%(key)s' is not a group of this workshop.", key=group_key)))
    if item_key is not None and item is None:
        problems.append(("item", _("'%(key)s' is not an item of this workshop.", key=item_key)))
    created = _optional_time(raw, "created_at", problems)
    decided = _optional_time(raw, "decided_at", problems)
    if problems:
        errors.extend(FieldError(f"{path}.{name}", message) for name, message in problems)
        return None
    return Proposal(workshop_id=workshop.id, group_id=group.id if group else None, kind=kind, title=title,
                    description=description, status=status, item_id=item.id if item else None,
                    created_at=created or utcnow(), decided_at=decided)


def _check_action(workshop: Workshop, raw: Any, path: str, errors: list[FieldError]) -> Action | None:
    if not isinstance(raw, dict):
        errors.append(FieldError(path, _("Each action is an object.")))
        return None
    problems: list[tuple[str, str]] = []
    activity_key, item_key = raw.get("activity"), raw.get("item")
    activity = workshop.activity(activity_key) if isinstance(activity_key, str) else None
    item = workshop.item(item_key) if isinstance(item_key, str) else None
    if activity is None:
        problems.append(("activity", _("'%(key)s' is not an activity of this workshop.", key=activity_key)))
    if item is None:
        problems.append(("item", _("'%(key)s' is not an item of this workshop.", key=item_key)))
    owner = _archived_text(raw, "owner", 120, problems)
    note = _archived_text(raw, "note", 4000, problems)
    due: date | None = None
    if raw.get("due_date") is not None:
        try:
            due = date.fromisoformat(raw["due_date"]) if isinstance(raw["due_date"], str) else None
        except ValueError:
            due = None
        if due is None:
            problems.append(("due_date", _("The due date is YYYY-MM-DD or null.")))
    created = _optional_time(raw, "created_at", problems)
    if problems:
        errors.extend(FieldError(f"{path}.{name}", message) for name, message in problems)
        return None
    return Action(workshop_id=workshop.id, activity_id=activity.id, item_id=item.id, owner=owner, note=note,
                  due_date=due, created_at=created or utcnow())


def _check_ballots(workshop: Workshop, rows: list[dict[str, Any]], errors: list[FieldError]) -> None:
    """Whole-ballot rules of points (within the budget) and ranking (places 1..t, each once)."""
    ballots: dict[tuple[int, int, int], list[int]] = {}
    for row in rows:
        ballots.setdefault((row["activity_id"], row["round"], row["participant_id"]), []).append(row["value"])
    activities = {a.id: a for a in workshop.activities}
    for (activity_id, round_, _participant), values in ballots.items():
        activity = activities[activity_id]
        problem = activity_types.of(activity).check_ballot(activity, values)
        if problem is not None:
            errors.append(FieldError(f"responses (activity '{activity.key}', round {round_})", problem))


def _write_responses(workshop: Workshop, participants: list[Participant], rows: list[dict[str, Any]]) -> None:
    """Save through `participation.upsert_values` (so derived tallies are rebuilt), round by round, then
    give every value back its archived time."""
    from app.services import participation

    by_id = {p.id: p for p in participants}
    batches: dict[tuple[int, int, int], list[tuple[int, str, int | None]]] = {}
    for row in rows:
        key = (row["activity_id"], row["round"], row["participant_id"])
        batches.setdefault(key, []).append((row["item_id"], row["dimension"], row["value"]))
    activities = {a.id: a for a in workshop.activities}
    current = {a.id: a.round for a in workshop.activities}
    try:
        for (activity_id, round_, participant_id), values in sorted(batches.items()):
            activity = activities[activity_id]
            activity.round = round_  # upsert_values writes the activity's current round
            participation.upsert_values(activity, by_id[participant_id], values)
    finally:
        for activity in workshop.activities:
            activity.round = current[activity.id]
    db.session.flush()
    if not rows:
        return
    times = {(r["activity_id"], r["round"], r["participant_id"], r["item_id"], r["dimension"]): r["submitted_at"]
             for r in rows}
    activity_ids = list(activities)
    saved = db.session.scalars(sa.select(Response).where(Response.activity_id.in_(activity_ids))).all()
    for response in saved:
        moment = times.get((response.activity_id, response.round, response.participant_id, response.item_id,
                            response.dimension))
        if moment is not None:
            response.submitted_at = moment
    db.session.flush()


def _check_response(workshop: Workshop, participants: dict[str, Participant], raw: Any, path: str,
                    errors: list[FieldError]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.append(FieldError(path, _("Each response is an object.")))
        return None
    activity = workshop.activity(raw.get("activity")) if isinstance(raw.get("activity"), str) else None
    participant = participants.get(raw.get("participant")) if isinstance(raw.get("participant"), str) else None
    item_key = raw.get("item")
    item = next((i for i in activity.items if i.key == item_key), None) if activity else None
    dimension, value = raw.get("dimension"), raw.get("value")
    round_ = raw.get("round", 1)
    submitted = _parse_timestamp(raw.get("submitted_at"))
    problems = []
    if activity is None:
        problems.append(("activity", _("'%(key)s' is not an activity of this workshop.", key=raw.get("activity"))))
    if participant is None:
        problems.append(("participant", _("'%(key)s' is not a participant of the archive.",
                                          key=raw.get("participant"))))
    if activity is not None and item is None:
        problems.append(("item", _("'%(key)s' is not an item of activity '%(activity)s'.", key=item_key,
                                   activity=activity.key)))
    if not is_int(round_) or round_ < 1:
        problems.append(("round", _("The round is a whole number of at least 1.")))
    elif activity is not None and round_ > activity.round:
        problems.append(("round", _("Activity '%(key)s' is in round %(round)s; this value is from a later round.",
                                    key=activity.key, round=activity.round)))
    if submitted is None:
        problems.append(("submitted_at", _("The time is an ISO 8601 timestamp.")))
    if activity is not None:
        problems.extend(_check_dimension(activity, dimension, value))
    if isinstance(dimension, str) and not KEY_PATTERN.fullmatch(dimension):
        problems.append(("dimension", _("Unknown dimension.")))
    if problems:
        errors.extend(FieldError(f"{path}.{name}", message) for name, message in problems)
        return None
    return {"activity_id": activity.id, "round": round_, "participant_id": participant.id, "item_id": item.id,
            "dimension": dimension, "value": value, "submitted_at": submitted}


def _check_dimension(activity: Activity, dimension: Any, value: Any) -> list[tuple[str, str]]:
    """The activity type's dimension and value rules (the CSV `axis` column names the dimension)."""
    return activity_types.of(activity).check_value(activity, dimension, value)
