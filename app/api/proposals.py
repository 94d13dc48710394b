"""Participants' proposals (a missing constraint, sector or outlier firm) and the facilitator's answer to each:
approve, merge into an existing item, or reject."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from app.api import bp, strict
from app.api.auth import facilitator_or_participant, require_facilitator, require_participant
from app.services import proposals as proposal_service
from app.services import workshops
from app.services.database import transaction
from app.services.errors import forbidden


@bp.get("/workshops/<int:workshop_id>/proposals")
def list_proposals(workshop_id: int) -> Response:
    """Facilitator: every proposal (`?status=pending`...); participant token: that participant's own."""
    workshop, user, participant = facilitator_or_participant(workshop_id)
    if user is not None:
        found = proposal_service.for_workshop(workshop, proposal_service.check_status(request.args.get("status")))
    else:
        assert participant is not None
        found = proposal_service.for_participant(participant)
    return jsonify([proposal_service.document(p) for p in found])


@bp.post("/workshops/<int:workshop_id>/proposals")
def create_proposal(workshop_id: int) -> tuple[Response, int]:
    """A participant suggests a missing constraint, sector or outlier firm (10 per 10 minutes each)."""
    participant = require_participant()
    workshop = workshops.find(workshop_id)
    if participant.workshop_id != workshop.id:
        raise forbidden(_("This participant belongs to another workshop."))
    body = strict.object_body(strict.documented())
    with transaction():
        proposal = proposal_service.submit(participant, body)
    return jsonify(proposal_service.document(proposal)), 201


def _owned_proposal(workshop_id: int, proposal_id: int) -> tuple[Any, Any]:
    """404 for a missing workshop or proposal before 403 for someone else's (the contract's order)."""
    user = require_facilitator()
    workshop = workshops.find(workshop_id)
    proposal = proposal_service.get(workshop, proposal_id)
    workshops.check_owner(workshop, user)
    return workshop, proposal



@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/approve")
def approve_proposal(workshop_id: int, proposal_id: int) -> Response:
    """Create the item (an outlier firm as a sector); `{"activity": key}` adds it to a pending activity."""
    workshop, proposal = _owned_proposal(workshop_id, proposal_id)
    body = strict.object_body(strict.documented(), optional=True)
    with transaction():
        proposal_service.approve(workshop, proposal, body.get("activity"))
    return jsonify(proposal_service.document(proposal))


@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/merge")
def merge_proposal(workshop_id: int, proposal_id: int) -> Response:
    workshop, proposal = _owned_proposal(workshop_id, proposal_id)
    body = strict.object_body(strict.documented(), optional=True)
    with transaction():
        proposal_service.merge(workshop, proposal, body.get("item"))
    return jsonify(proposal_service.document(proposal))


@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/reject")
def reject_proposal(workshop_id: int, proposal_id: int) -> Response:
    _workshop, proposal = _owned_proposal(workshop_id, proposal_id)
    strict.no_fields()
    with transaction():
        proposal_service.reject(proposal)
    return jsonify(proposal_service.document(proposal))
