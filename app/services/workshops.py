"""Workshops: creation from a definition or a template, the public document, and activity states."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _

from app import activities as activity_types
from app.extensions import db
from app.models import (
    Activity,
    ActivityItem,
    ActivityState,
    Item,
    Participant,
    StakeholderGroup,
    User,
    Workshop,
    new_join_code,
    new_token,
    utcnow,
)
from app.services import audit, live
from app.services.checks import is_number
from app.services.database import after_commit
from app.services.definitions import activity_settings, clean_definition
from app.services.errors import FieldError, Problem, conflict, invalid, invalid_field, not_found

MATRIX_SETTINGS = activity_types.get("matrix").settings_keys
WEIGHT_PRESETS = ("equal", "ilo", "custom")
#: Group keys the `ilo` preset recognises (government 2 : employers 1 : workers 1, everyone else 0).
ILO_WEIGHTS = {"gov": 2.0, "government": 2.0, "emp": 1.0, "employers": 1.0, "firms": 1.0, "wrk": 1.0,
               "workers": 1.0}
OBSERVER_KEYS = ("other", "observers")


def create_from_definition(owner: User, data: Any, *, allow_state: bool = False,
                           template_key: str | None = None) -> Workshop:
    clean, errors = clean_definition(data, allow_state=allow_state)
    if errors:
        raise invalid(errors, _("The workshop definition has %(n)s problem(s); nothing was saved.", n=len(errors)))
    workshop = Workshop(
        owner=owner,
        title=clean["title"],
        language=clean["language"],
        second_language=clean["second_language"],
        min_group_size=clean["min_group_size"],
        join_code=unique_join_code(),
        screen_token=new_token(),
        template_key=template_key,
        method_note=clean.get("method_note", ""),
        consent_text=clean.get("consent_text", ""),
        consent_required=clean.get("consent_required", False),
    )
    workshop.groups = [
        StakeholderGroup(key=g["key"], name=g["name"], name_2=g.get("name_2", ""), weight=g["weight"],
                         expected=g["expected"],
                         description=g["description"], observer=g.get("observer", False), position=n)
        for n, g in enumerate(clean["groups"])
    ]
    workshop.items = [
        Item(key=i["key"], kind=i["kind"], title=i["title"], title_2=i["title_2"], description=i["description"],
             evidence=i["evidence"], category=i["category"], locus=i["locus"], position=n)
        for n, i in enumerate(clean["items"])
    ]
    by_key = {i.key: i for i in workshop.items}
    for n, a in enumerate(clean["activities"]):
        activity = Activity(key=a["key"], type=a["type"], title=a["title"], position=n,
                            state=a.get("state", ActivityState.pending.value), round=a.get("round", 1),
                            settings=activity_settings(a))
        activity.activity_items = [ActivityItem(item=by_key[k], position=p) for p, k in enumerate(a["items"])]
        workshop.activities.append(activity)
    db.session.add(workshop)
    db.session.flush()
    return workshop


def unique_join_code() -> str:
    for _attempt in range(50):
        code = new_join_code()
        if db.session.scalar(sa.select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code
    raise RuntimeError("Could not find a free join code.")  # 31^6 codes: practically unreachable


# --- lookups with the contract's 404/403 order -------------------------------------------------------

def find(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise not_found(_("There is no workshop %(id)s.", id=workshop_id))
    return workshop


def check_owner(workshop: Workshop, user: User, need: str | None = None) -> None:
    """403 unless the user's role allows `need` ("read", "run", "own"; default by the request's method)."""
    from app.services import access

    access.require(workshop, user, need)  # type: ignore[arg-type]


def get_owned(workshop_id: int, user: User) -> Workshop:
    workshop = find(workshop_id)
    check_owner(workshop, user)
    return workshop


def owned_activity(workshop_id: int, key: str, user: User) -> Activity:
    """404 for a missing workshop or activity comes before 403 for someone else's (the contract's order)."""
    workshop = find(workshop_id)
    activity = get_activity(workshop, key)
    check_owner(workshop, user)
    return activity


def get_activity(workshop: Workshop, key: str) -> Activity:
    activity = workshop.activity(key)
    if activity is None:
        raise not_found(_("The workshop has no activity '%(key)s'.", key=key))
    return activity


def by_join_code(code: str) -> Workshop | None:
    code = (code or "").strip().upper().replace(" ", "")
    if not code:
        return None
    return db.session.scalar(sa.select(Workshop).where(Workshop.join_code == code))


def by_screen_token(token: str) -> Workshop | None:
    if not token:
        return None
    return db.session.scalar(sa.select(Workshop).where(Workshop.screen_token == token))


def list_for(user: User) -> list[Workshop]:
    """The workshops the user owns or is a member of (app.services.access has the roles)."""
    from app.services import access

    return [workshop for workshop, _role in access.workshops_for(user)]


# --- documents -----------------------------------------------------------------------------------------

def base_url() -> str:
    """The address phones use: PUBLIC_URL, else this machine's LAN address, never 'localhost'."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    port = current_app.config.get("PORT", 5000)
    host = lan_address()
    if has_request_context():
        request_host = request.host
        name, _, request_port = request_host.rpartition(":") if ":" in request_host else (request_host, "", "")
        if request_port:
            port = request_port
        if name not in ("localhost", "127.0.0.1", "[::1]", "0.0.0.0"):
            return f"{request.scheme}://{request_host}"
    return f"http://{host}:{port}"


def lan_address() -> str:
    """The address other devices on the venue's Wi-Fi reach; a UDP 'connect' sends no packet."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.254.254.254", 1))
        address = probe.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    finally:
        probe.close()
    return address


def join_url(workshop: Workshop) -> str:
    return f"{base_url()}/j/{workshop.join_code}"


def screen_url(workshop: Workshop) -> str:
    return f"{base_url()}/screen/{workshop.screen_token}"


def activity_document(activity: Activity) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": activity.key,
        "type": activity.type,
        "title": activity.title,
        "items": [i.key for i in activity.items],
    }
    doc.update(activity.settings or {})
    doc["state"] = activity.state
    doc["round"] = activity.round
    return doc


def document(workshop: Workshop) -> dict[str, Any]:
    return {
        "id": workshop.id,
        "title": workshop.title,
        "language": workshop.language,
        "second_language": workshop.second_language or "",
        "join_code": workshop.join_code,
        "join_url": join_url(workshop),
        "screen_url": screen_url(workshop),
        "screen_token": workshop.screen_token,
        "min_group_size": workshop.min_group_size,
        "joining_locked": workshop.joining_locked,
        "method_note": workshop.method_note,
        "consent_text": workshop.consent_text or "",
        "consent_required": bool(workshop.consent_required),
        "groups": [{"key": g.key, "name": g.name, "name_2": g.name_2 or "", "weight": g.weight,
                    "expected": g.expected,
                    "description": g.description, "observer": bool(g.observer)} for g in workshop.groups],
        "items": [{"key": i.key, "kind": i.kind, "title": i.title, "title_2": i.title_2 or "",
                   "description": i.description, "evidence": i.evidence or "", "category": i.category,
                   "locus": i.locus} for i in workshop.items],
        "activities": [activity_document(a) for a in workshop.activities],
    }


def definition(workshop: Workshop) -> dict[str, Any]:
    """The workshop as a definition that `create_from_definition` accepts (for copies and archives)."""
    doc = document(workshop)
    for name in ("id", "join_code", "join_url", "screen_url", "screen_token", "joining_locked"):
        doc.pop(name)
    for activity in doc["activities"]:
        activity.pop("round", None)
    return doc


# --- running ---------------------------------------------------------------------------------------------

def set_state(activity: Activity, state: str, *, close_others: bool = False) -> Activity:
    """Open, close or reset an activity; phones and screens hear of it once it is committed."""
    if state not in ("open", "closed", "pending"):
        raise invalid_field("state", _("The state is open, closed or pending."))
    changed = [activity] if activity.state != state else []
    activity.state = state
    if state == ActivityState.open.value:
        activity.opened_at = utcnow()
        if close_others:
            for other in activity.workshop.activities:
                if other is not activity and other.state == ActivityState.open.value:
                    other.state = ActivityState.closed.value
                    other.closed_at = utcnow()
                    changed.append(other)
    elif state == ActivityState.closed.value:
        activity.closed_at = utcnow()
    db.session.flush()
    workshop_id = activity.workshop_id
    events = [(a.id, a.key, a.state) for a in changed]
    after_commit(lambda: live.announce_states(workshop_id, events))
    return activity


def require_open(activity: Activity) -> None:
    if not activity.is_open:
        raise conflict(_("The activity '%(key)s' is %(state)s, not open: votes are not accepted now.",
                         key=activity.key, state=activity.state))


def participation(workshop: Workshop) -> dict[str, int]:
    """Participants who joined, per group key."""
    rows = db.session.execute(
        sa.select(Participant.group_id, sa.func.count()).where(Participant.workshop_id == workshop.id)
        .group_by(Participant.group_id)
    ).all()
    counts = dict(rows)
    return {g.key: int(counts.get(g.id, 0)) for g in workshop.groups}


def check_editable(activity: Activity) -> None:
    """An activity's items and scales are frozen once anyone has answered (fairness to early voters)."""
    from app.models import Response

    answered = db.session.scalar(sa.select(sa.func.count()).where(Response.activity_id == activity.id))
    if answered:
        raise Problem(409, "Conflict", _("This activity already has responses; its items and scales are frozen."),
                      [FieldError("items", _("Frozen once responses exist."))])


def screen_link(workshop: Workshop) -> str:
    return url_for("screen.show", token=workshop.screen_token)


# --- Delphi rounds, criterion weights and group weighting presets ------------------------------------------

def next_round(activity: Activity) -> Activity:
    """Close the current round and open the next one; earlier rounds' responses stay (Delphi re-rating).

    A pending activity has had no round to close yet: 409, so a mistyped key cannot skip round 1.
    """
    if activity.state == ActivityState.pending.value:
        raise conflict(_("The activity '%(key)s' has not been opened yet; open round 1 first.", key=activity.key))
    now = utcnow()
    activity.closed_at = now
    activity.round = (activity.round or 1) + 1
    activity.state = ActivityState.open.value
    activity.opened_at = now
    db.session.flush()
    workshop_id, events = activity.workshop_id, [(activity.id, activity.key, activity.state)]
    after_commit(lambda: live.announce_states(workshop_id, events))
    return activity


def set_criteria_weights(activity: Activity, body: Any) -> Activity:
    """PATCH a criteria activity's weights (any state); listed criteria change, the others keep theirs."""
    if not isinstance(body, dict) or not isinstance(body.get("criteria"), list):
        raise invalid_field("criteria", _("Send %(example)s.", example='{"criteria": [{"key": ..., "weight": ...}]}'))
    if activity.type != "criteria":
        raise invalid_field("criteria", _("The activity '%(key)s' is a %(type)s activity; only criteria "
                                          "activities have criterion weights.", key=activity.key, type=activity.type))
    changes = body["criteria"]
    if not changes:
        raise invalid_field("criteria", _("List at least one criterion."))
    settings = dict(activity.settings or {})
    criteria = [dict(c) for c in settings.get("criteria", [])]
    by_key = {c["key"]: c for c in criteria}
    errors: list[FieldError] = []
    seen: set[str] = set()
    for n, change in enumerate(changes):
        path = f"criteria[{n}]"
        if not isinstance(change, dict):
            errors.append(FieldError(path, _("Each entry is an object with key and weight.")))
            continue
        key, weight = change.get("key"), change.get("weight")
        if not isinstance(key, str) or key not in by_key:
            errors.append(FieldError(f"{path}.key",
                                     _("'%(criterion)s' is not a criterion of this activity.", criterion=key)))
        elif key in seen:
            errors.append(FieldError(f"{path}.key", _("'%(item)s' is listed twice.", item=key)))
        else:
            seen.add(key)
        if not is_number(weight) or weight < 0 or weight == float("inf"):
            errors.append(FieldError(f"{path}.weight", _("A weight is a number of at least 0.")))
        elif isinstance(key, str) and key in by_key and key in seen:
            by_key[key]["weight"] = float(weight)
    if not errors:
        for axis in sorted({c["axis"] for c in criteria}):
            if sum(c["weight"] for c in criteria if c["axis"] == axis) <= 0:
                errors.append(FieldError("criteria", _("The criteria of axis %(axis)s would have a total weight of 0.",
                                                       axis=axis)))
    if errors:
        raise invalid(errors, _("The criterion weights are invalid; nothing was changed."))
    settings["criteria"] = criteria
    activity.settings = settings  # a new dict, so the JSON column is saved
    db.session.flush()
    activity_id = activity.id
    after_commit(lambda: live.results_changed(activity_id))
    return activity


def is_observer(group: StakeholderGroup) -> bool:
    return bool(group.observer) or group.key in OBSERVER_KEYS


def preset_weights(workshop: Workshop, preset: str) -> dict[str, float]:
    """What a preset gives each group: `equal` 1 (observers 0), `ilo` the tripartite 2:1:1 (others 0)."""
    if preset == "equal":
        return {g.key: 0.0 if is_observer(g) else 1.0 for g in workshop.groups}
    return {g.key: ILO_WEIGHTS.get(g.key, 0.0) for g in workshop.groups}


def preset_of(workshop: Workshop) -> str:
    """Which preset the weights in force match (the editor ticks it), else `custom`."""
    weights = {g.key: g.weight for g in workshop.groups}
    return next((p for p in ("equal", "ilo") if weights == preset_weights(workshop, p)), "custom")


def apply_weights(workshop: Workshop, preset: Any, weights: Any = None) -> dict[str, float]:
    """Set the groups' weights from a preset (equal, ilo) or custom figures; returns the weights in force.

    `equal` gives every group 1 except observers (0); `ilo` the tripartite 2:1:1 with everyone else 0;
    `custom` changes the groups it lists. All weights 0 is refused: parity would have nothing to weigh.
    """
    if preset not in WEIGHT_PRESETS:
        raise invalid_field("preset", _("The preset is equal, ilo or custom."))
    new = {g.key: float(g.weight) for g in workshop.groups}
    errors: list[FieldError] = []
    if preset == "custom":
        if not isinstance(weights, dict) or not weights:
            raise invalid_field("weights", _("The custom preset needs %(example)s.",
                                             example='{"weights": {"<group>": weight, ...}}'))
        for key, weight in weights.items():
            if workshop.group(key) is None:
                errors.append(FieldError(f"weights.{key}", _("'%(key)s' is not a group of this workshop.", key=key)))
            elif not is_number(weight) or weight < 0 or weight == float("inf"):
                errors.append(FieldError(f"weights.{key}", _("A weight is a number of at least 0.")))
            else:
                new[key] = float(weight)
    elif weights is not None:
        raise invalid_field("weights", _("The %(preset)s preset sets the weights itself; send weights only with "
                                         "the custom preset.", preset=preset))
    else:
        new = preset_weights(workshop, preset)
    if not errors and not any(w > 0 for w in new.values()):
        errors.append(FieldError("weights" if preset == "custom" else "preset",
                                 _("At least one group needs a weight above 0.")))
    if errors:
        raise invalid(errors, _("The weights are invalid; nothing was changed."))
    for group in workshop.groups:
        group.weight = new[group.key]
    db.session.flush()
    activity_ids = [a.id for a in workshop.activities]

    def announce() -> None:
        for activity_id in activity_ids:
            live.results_changed(activity_id)

    after_commit(announce)
    return new


# --- running the room: lock joining, remove one participant's answers --------------------------------------

audit_log = audit.audit_log


def set_joining_locked(workshop: Workshop, locked: bool) -> Workshop:
    """Close or reopen the door: `participation.join` refuses new phones while locked; joined ones keep voting."""
    workshop.joining_locked = bool(locked)
    db.session.flush()
    return workshop


# --- running the room: hide results until revealed, countdown timer ----------------------------------------

REVEAL_MODES = ("live", "on_reveal")
TIMER_MINUTES = (1, 2, 3, 5)


def set_reveal_mode(activity: Activity, mode: Any) -> Activity:
    """`live` shows figures on the screen as votes come in; `on_reveal` hides them (against herding) until
    `reveal`. Switching mode starts hidden again, so a mode change never shows figures by surprise."""
    if mode not in REVEAL_MODES:
        raise invalid_field("reveal", _("The reveal mode is live or on_reveal."))
    settings = dict(activity.settings or {})
    settings["reveal"] = mode
    settings["revealed"] = False
    activity.settings = settings  # a new dict, so the JSON column is saved
    db.session.flush()
    activity_id = activity.id
    after_commit(lambda: live.results_changed(activity_id))
    _announce_revealed(activity)
    return activity


def _announce_revealed(activity: Activity) -> None:
    workshop_id, key, shown = activity.workshop_id, activity.key, live.phones_may_see(activity)
    after_commit(lambda: live.announce_revealed(workshop_id, key, shown))


def reveal(activity: Activity, revealed: bool) -> Activity:
    """Show (or hide again) an `on_reveal` activity's figures on the screen; screens get them at once."""
    settings = dict(activity.settings or {})
    settings["revealed"] = bool(revealed)
    activity.settings = settings
    db.session.flush()
    activity_id = activity.id
    after_commit(lambda: live.results_changed(activity_id))
    _announce_revealed(activity)
    return activity


def set_timer(activity: Activity, minutes: Any) -> Activity:
    """Start a countdown of 1, 2, 3 or 5 minutes (or stop it with None). It only informs the room: the
    activity stays open at zero, the facilitator decides when to close."""
    settings = dict(activity.settings or {})
    if minutes is None:
        settings.pop("timer_ends_at", None)
    else:
        if minutes not in TIMER_MINUTES:
            raise invalid_field("minutes", _("The timer runs for 1, 2, 3 or 5 minutes."))
        require_open(activity)
        ends = utcnow().replace(microsecond=0) + timedelta(minutes=minutes)
        settings["timer_ends_at"] = ends.isoformat() + "Z"  # utcnow() is naive UTC
    activity.settings = settings
    db.session.flush()
    workshop_id, payload = activity.workshop_id, live.timer_payload(activity)
    after_commit(lambda: live.announce_timer(workshop_id, payload))
    return activity
