"""Reset one activity's answers (after a rehearsal run): every round's responses go, round 1, pending."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app.api import bp, openapi, strict
from app.api.auth import require_facilitator
from app.services import resets, workshops
from app.services.database import transaction


@bp.post("/workshops/<int:workshop_id>/activities/<key>/reset")
def reset_activity(workshop_id: int, key: str) -> Response:
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    strict.no_fields()
    with transaction():
        outcome = resets.reset_activity(activity, user)
    return jsonify({**outcome, "activity_document": workshops.activity_document(activity)})


openapi.SCHEMAS["ActivityReset"] = {
    "type": "object",
    "properties": {"activity": openapi.KEY, "removed": {"type": "integer", "description": "Values removed."},
                   "rounds": {"type": "integer", "description": "Rounds the activity had run."},
                   "state": {"const": "pending"}, "round": {"const": 1},
                   "activity_document": openapi._ref("Activity")},
    "required": ["activity", "removed", "rounds", "state", "round", "activity_document"],
}


@openapi.extend
def _paths() -> dict[str, Any]:
    return {"/workshops/{id}/activities/{key}/reset": {"post": {
        "summary": "Extension: remove every answer of an activity (all rounds) and start it afresh",
        "description": "For a rehearsal run. The activity goes back to pending in round 1 (every item asked), "
                       "its figures hidden again if it reveals on demand and its timer stopped; screens and "
                       "phones are told at once and the audit log records who reset it. No body.",
        "security": openapi.FACILITATOR, "parameters": [openapi.WORKSHOP_ID, openapi.ACTIVITY_KEY],
        "requestBody": openapi.NO_BODY,
        "responses": {"200": openapi._json(openapi._ref("ActivityReset")),
                      **openapi._errors("401", "404", "403")}}}}
