"""Participant proposals: a phone suggests a missing constraint, sector or outlier firm; the facilitator decides.

A decision is one transaction: approving creates the item (and may add it to a pending activity), merging
points the proposal at an existing item, rejecting only records the decision. Only a pending proposal can be
decided, so two facilitators clicking at once cannot turn one suggestion into two items. Documents carry the
proposer's group, never who proposed it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import (
    Activity,
    ActivityItem,
    ActivityState,
    Item,
    Participant,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Workshop,
    utcnow,
)
from app.services import live, workshops
from app.services.database import after_commit
from app.services.definitions import slug, unique_key
from app.services.errors import FieldError, Problem, conflict, invalid, invalid_field, not_found

KINDS = tuple(k.value for k in ProposalKind)
TITLE_MAX = 120
DESCRIPTION_MAX = 500
#: Per participant: at most this many proposals in the window (a phone cannot flood the facilitator's panel).
RATE_LIMIT = 10
RATE_WINDOW = timedelta(minutes=10)
LIMIT_MAX = 100
#: An outlier firm (a firm doing unusually well locally) points at a sector the place may be good at, so it is
#: approved as a sector item that a sector activity can rate.
ITEM_KIND = {"constraint": "constraint", "sector": "sector", "outlier_firm": "sector"}


def limit_of(workshop: Workshop) -> int:
    """Suggestions one phone may send per window, as the facilitator set it (10 unless changed)."""
    limit = workshop.proposal_limit
    return int(limit) if isinstance(limit, int) and limit >= 1 else RATE_LIMIT


def require_open(workshop: Workshop) -> None:
    """The facilitator closed suggestions: 409, nothing is stored (the check comes before validation, so a
    closed workshop says so whatever the form holds)."""
    if not workshop.proposals_open:
        raise conflict(_("The facilitator has closed suggestions for now."))


def settings_document(workshop: Workshop) -> dict[str, Any]:
    return {"open": bool(workshop.proposals_open), "limit": limit_of(workshop),
            "window_minutes": RATE_WINDOW.seconds // 60}


def update_settings(workshop: Workshop, body: Any) -> Workshop:
    """Open or close suggestions (`open`) and set the limit per phone per window (`limit`, 1 to 100)."""
    if not isinstance(body, dict) or not body:
        raise invalid_field("open", _('Send {"open": true | false, "limit": 1..100}.'))
    errors: list[FieldError] = []
    opened, limit = body.get("open", workshop.proposals_open), body.get("limit", limit_of(workshop))
    if not isinstance(opened, bool):
        errors.append(FieldError("open", _("open is true or false.")))
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= LIMIT_MAX:
        errors.append(FieldError("limit", _("The limit is a whole number from 1 to %(n)s.", n=LIMIT_MAX)))
    unknown = sorted(set(body) - {"open", "limit"})
    errors.extend(FieldError(name, _("Unknown setting.")) for name in unknown)
    if errors:
        raise invalid(errors, _("The suggestion settings are invalid; nothing was changed."))
    workshop.proposals_open = opened
    workshop.proposal_limit = limit
    db.session.flush()
    return workshop


def _clean_text(value: Any) -> str:
    """Collapse runs of whitespace, so "Power  cuts " and "Power cuts" are the same suggestion."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def submit(participant: Participant, body: Any) -> Proposal:
    """Validate and store one suggestion from a participant; 422, 409 (duplicate) or 429 change nothing."""
    if not isinstance(body, dict):
        raise invalid_field("title", _('Send {"kind": ..., "title": ..., "description": ...}.'))
    errors: list[FieldError] = []
    kind = body.get("kind")
    if kind not in KINDS:
        errors.append(FieldError("kind", _("Choose what you suggest: a constraint, a sector or an outlier firm.")))
    raw_title, raw_description = body.get("title"), body.get("description", "")
    title = _clean_text(raw_title)
    if not isinstance(raw_title, str) or not title:
        errors.append(FieldError("title", _("Give your suggestion a short title.")))
    elif len(title) > TITLE_MAX:
        errors.append(FieldError("title", _("The title is at most %(n)s characters.", n=TITLE_MAX)))
    if raw_description is None:
        raw_description = ""
    description = raw_description.strip() if isinstance(raw_description, str) else ""
    if not isinstance(raw_description, str):
        errors.append(FieldError("description", _("The description is text.")))
    elif len(description) > DESCRIPTION_MAX:
        errors.append(FieldError("description", _("The description is at most %(n)s characters.", n=DESCRIPTION_MAX)))
    require_open(participant.workshop)
    if errors:
        raise invalid(errors, _("The suggestion has invalid values; nothing was sent."))
    limit = limit_of(participant.workshop)
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
        Proposal.participant_id == participant.id, Proposal.created_at >= utcnow() - RATE_WINDOW))
    if recent >= limit:
        raise Problem(429, "Too many suggestions",
                      _("You have sent %(n)s suggestions in the last %(minutes)s minutes; please wait a little "
                        "before sending more.", n=limit, minutes=RATE_WINDOW.seconds // 60))
    earlier = db.session.scalars(sa.select(Proposal.title).where(
        Proposal.participant_id == participant.id, Proposal.kind == kind)).all()
    if any(_clean_text(t).casefold() == title.casefold() for t in earlier):
        raise conflict(_("You have already sent this suggestion; the facilitator will review it."))
    proposal = Proposal(workshop_id=participant.workshop_id, participant_id=participant.id,
                        group_id=participant.group_id, kind=kind, title=title, description=description)
    db.session.add(proposal)
    db.session.flush()
    _announce(participant.workshop_id)
    return proposal


# --- reading --------------------------------------------------------------------------------------------------

def for_workshop(workshop: Workshop, status: str | None = None) -> list[Proposal]:
    query = sa.select(Proposal).where(Proposal.workshop_id == workshop.id)
    if status is not None:
        query = query.where(Proposal.status == status)
    return list(db.session.scalars(query.order_by(Proposal.created_at, Proposal.id)))


def for_participant(participant: Participant) -> list[Proposal]:
    return list(db.session.scalars(sa.select(Proposal).where(Proposal.participant_id == participant.id)
                                   .order_by(Proposal.created_at.desc(), Proposal.id.desc())))


def pending_count(workshop_id: int) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
        Proposal.workshop_id == workshop_id, Proposal.status == ProposalStatus.pending.value)) or 0)


def get(workshop: Workshop, proposal_id: int) -> Proposal:
    """A proposal of this workshop; one of another workshop is as unknown as a missing one (404)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.workshop_id != workshop.id:
        raise not_found(_("The workshop has no proposal %(id)s.", id=proposal_id))
    return proposal


def check_status(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if value not in tuple(s.value for s in ProposalStatus):
        raise invalid_field("status", _("The status is pending, approved, merged or rejected."))
    return str(value)


def document(proposal: Proposal) -> dict[str, Any]:
    """The public shape: the group, never the participant."""
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "title": proposal.title,
        "description": proposal.description,
        "status": proposal.status,
        "group": proposal.group.key if proposal.group is not None else None,
        "group_name": proposal.group.name if proposal.group is not None else None,
        "item": proposal.item.key if proposal.item is not None else None,
        "created_at": proposal.created_at.isoformat(timespec="seconds") + "Z",
        "decided_at": proposal.decided_at.isoformat(timespec="seconds") + "Z" if proposal.decided_at else None,
    }


# --- deciding -------------------------------------------------------------------------------------------------

def _require_pending(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.pending.value:
        raise conflict(_("This proposal was already %(status)s; a decided proposal cannot be decided again.",
                         status=proposal.status))


def _decide(proposal: Proposal, status: ProposalStatus, item: Item | None) -> Proposal:
    proposal.status = status.value
    proposal.item = item
    proposal.decided_at = utcnow()
    db.session.flush()
    _announce(proposal.workshop_id)
    return proposal


def item_key_for(workshop: Workshop, title: str) -> str:
    """A key from the title ("Power cuts" -> power-cuts), made unique in the workshop with -2, -3..."""
    taken = {i.key for i in workshop.items}
    return unique_key(slug(title, "proposal", 34), taken.__contains__)


def activity_item_kinds(activity: Activity) -> set[str]:
    return {i.kind for i in activity.items}


def joinable_activities(workshop: Workshop, kind: str) -> list[Activity]:
    """Pending activities an approved proposal of `kind` may join: items of the same kind (or none yet)."""
    item_kind = ITEM_KIND[kind]
    return [a for a in workshop.activities if a.state == ActivityState.pending.value
            and activity_item_kinds(a) <= {item_kind}]


def _target_activity(workshop: Workshop, key: Any, item_kind: str) -> Activity | None:
    if key in (None, ""):
        return None
    activity = workshop.activity(key) if isinstance(key, str) else None
    if activity is None:
        raise invalid_field("activity", _("The workshop has no activity '%(key)s'.", key=key))
    if activity.state != ActivityState.pending.value:
        raise conflict(_("The activity '%(key)s' is %(state)s; only an activity that has not started can take new "
                         "items. Nothing was changed.", key=activity.key, state=activity.state))
    kinds = activity_item_kinds(activity)
    if kinds and kinds != {item_kind}:
        raise invalid_field("activity", _("The activity '%(key)s' rates %(kinds)s items; a %(kind)s cannot join it.",
                                          key=activity.key, kinds="/".join(sorted(kinds)), kind=item_kind))
    workshops.check_editable(activity)
    return activity


def approve(workshop: Workshop, proposal: Proposal, activity_key: Any = None) -> Proposal:
    """The proposal becomes an item (an outlier firm a sector item), optionally joining a pending activity."""
    _require_pending(proposal)
    item_kind = ITEM_KIND[proposal.kind]
    activity = _target_activity(workshop, activity_key, item_kind)
    position = max((i.position for i in workshop.items), default=-1) + 1
    item = Item(key=item_key_for(workshop, proposal.title), kind=item_kind, title=proposal.title,
                description=proposal.description, position=position)
    workshop.items.append(item)
    db.session.flush()
    if activity is not None:
        at = max((ai.position for ai in activity.activity_items), default=-1) + 1
        activity.activity_items.append(ActivityItem(item=item, position=at))
    decided = _decide(proposal, ProposalStatus.approved, item)
    workshop_id, shown = workshop.id, {"title": item.title, "kind": proposal.kind, "item": item.key}
    after_commit(lambda: live.proposal_added(workshop_id, shown))
    return decided


def merge(workshop: Workshop, proposal: Proposal, item_key: Any) -> Proposal:
    """The suggestion is already on the list: record which item it joins; no new item."""
    _require_pending(proposal)
    item = workshop.item(item_key) if isinstance(item_key, str) else None
    if item is None:
        raise invalid_field("item", _("Choose an item of this workshop to merge into ('%(key)s' is not one).",
                                      key=item_key))
    return _decide(proposal, ProposalStatus.merged, item)


def reject(proposal: Proposal) -> Proposal:
    _require_pending(proposal)
    return _decide(proposal, ProposalStatus.rejected, None)


def _announce(workshop_id: int) -> None:
    """Facilitators' consoles get the new pending count once the change is committed."""
    count = pending_count(workshop_id)
    after_commit(lambda: live.proposals_changed(workshop_id, count))
