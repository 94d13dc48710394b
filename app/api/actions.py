"""Action items agreed on from an activity's results: listed per workshop, created per activity, changed and
deleted by the workshop's facilitators."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app.api import bp, strict
from app.api.auth import require_facilitator
from app.services import actions as action_service
from app.services import workshops
from app.services.database import transaction


def _owned_action(workshop_id: int, action_id: int) -> Any:
    """404 for a missing workshop or action before 403 for someone else's (the contract's order)."""
    user = require_facilitator()
    workshop = workshops.find(workshop_id)
    action = action_service.get(workshop, action_id)
    workshops.check_owner(workshop, user)
    return action


def _action_document(action: Any) -> dict[str, Any]:
    """One action with its item's current quadrant and the quadrant's name."""
    activity = action.activity
    return action_service.document(action, action_service.quadrants(activity).get(action.item.key),
                                   action_service.quadrant_names(activity))


@bp.get("/workshops/<int:workshop_id>/actions")
def list_actions(workshop_id: int) -> Response:
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    return jsonify(action_service.documents(workshop))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/actions")
def create_action(workshop_id: int, key: str) -> tuple[Response, int]:
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = strict.object_body(strict.documented())
    with transaction():
        action = action_service.create(activity, body)
        document = _action_document(action)
    return jsonify(document), 201


@bp.patch("/workshops/<int:workshop_id>/actions/<int:action_id>")
def update_action(workshop_id: int, action_id: int) -> Response:
    action = _owned_action(workshop_id, action_id)
    body = strict.object_body(strict.documented())
    with transaction():
        action_service.update(action, body)
        document = _action_document(action)
    return jsonify(document)


@bp.delete("/workshops/<int:workshop_id>/actions/<int:action_id>")
def delete_action(workshop_id: int, action_id: int) -> tuple[str, int]:
    action = _owned_action(workshop_id, action_id)
    with transaction():
        action_service.delete(action)
    return "", 204
