"""API: presenter pace (where the room is) and the participants' suggestion settings of a workshop."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app import events
from app.api import bp, openapi, strict
from app.api.auth import facilitator_or_participant, require_facilitator
from app.services import pace as pace_service
from app.services import proposals as proposal_service
from app.services import workshops
from app.services.database import transaction


@bp.get("/workshops/<int:workshop_id>/pace")
def get_pace(workshop_id: int) -> Response:
    """The facilitator's token, or a participant's of this workshop (a phone may ask where the room is)."""
    workshop, _user, _participant = facilitator_or_participant(workshop_id)
    return jsonify(pace_service.payload(workshop))


@bp.put("/workshops/<int:workshop_id>/pace")
def put_pace(workshop_id: int) -> Response:
    """Change the mode, jump to a step, or move next/previous; phones and screens hear `pace` at once."""
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    body = strict.object_body(strict.documented())
    with transaction():
        pace_service.update(workshop, body)
    return jsonify(pace_service.payload(workshop))


@bp.get("/workshops/<int:workshop_id>/proposal-settings")
def get_proposal_settings(workshop_id: int) -> Response:
    user = require_facilitator()
    return jsonify(proposal_service.settings_document(workshops.get_owned(workshop_id, user)))


@bp.put("/workshops/<int:workshop_id>/proposal-settings")
def put_proposal_settings(workshop_id: int) -> Response:
    """`{"open": false}` closes suggestions (phones and the API answer 409); `limit` per phone per 10 minutes."""
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    body = strict.object_body(strict.documented())
    with transaction():
        proposal_service.update_settings(workshop, body)
    return jsonify(proposal_service.settings_document(workshop))


openapi.SCHEMAS["Pace"] = {
    "type": "object",
    "description": "Where the room is. mode self: phones show every open activity (activity, item null). "
                   "activity: phones show only `activity`. item: phones show only `item` of `activity` (matrix, "
                   "scale and criteria; points and ranking stay one step). Answers to other items of an open "
                   "activity are still accepted by PUT .../responses: the pace guides what phones show, it does "
                   "not refuse ballots.",
    "properties": {
        "mode": {"enum": list(pace_service.MODES)},
        "activity": {"type": ["string", "null"]},
        "item": {"type": ["string", "null"]},
        "index": {"type": ["integer", "null"], "description": "0-based item number in item pace"},
        "step": {"type": "integer", "description": "1-based number of the current step, 0 when self-paced"},
        "steps": {"type": "integer"},
    },
    "required": ["mode", "activity", "item"],
}
openapi.SCHEMAS["PaceChange"] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "mode": {"enum": list(pace_service.MODES)},
        "move": {"enum": ["next", "previous", None], "description": "null: no move"},
        "activity": {"type": ["string", "null"], "description": "jump to this activity"},
        "item": {"type": ["string", "integer", "null"],
                 "description": "with activity, in item pace: item key or index"},
    },
}
openapi.SCHEMAS["ProposalSettingsChange"] = {
    "type": "object", "additionalProperties": False, "minProperties": 1,
    "description": "At least one of open and limit; window_minutes is read-only.",
    "properties": {
        "open": {"type": "boolean"},
        "limit": {"type": "integer", "minimum": 1, "maximum": proposal_service.LIMIT_MAX},
    },
}
openapi.SCHEMAS["ProposalSettings"] = {
    "type": "object",
    "properties": {
        "open": {"type": "boolean", "description": "false: phones are told suggestions are closed; POST "
                                                   "/workshops/{id}/proposals answers 409"},
        "limit": {"type": "integer", "minimum": 1, "maximum": proposal_service.LIMIT_MAX,
                  "description": "suggestions one participant may send per window (429 beyond)"},
        "window_minutes": {"type": "integer", "readOnly": True},
    },
}
openapi.SCHEMAS["Workshop"]["allOf"][1]["properties"]["pace"] = {
    **openapi._ref("Pace"), "description": "Where the room is now (GET /workshops/{id}/pace)."}
openapi.SCHEMAS["Workshop"]["allOf"][1]["properties"]["proposal_settings"] = {
    **openapi._ref("ProposalSettings"),
    "description": "Whether phones may suggest items, and how many each (GET /workshops/{id}/proposal-settings)."}

openapi.SOCKET_EVENTS[events.PACE] = {
    "to": "everyone in the workshop (also sent on connect)",
    "payload": {"mode": "self|activity|item", "activity": "key or null", "item": "item key or null",
                "index": "0-based item number or null", "step": "1-based step number (0: self-paced)",
                "steps": "number of steps"},
    "note": "phones show only this step; screens highlight it",
}
openapi.SOCKET_EVENTS[events.PROPOSAL_ADDED] = {
    "to": "screens",
    "payload": {"title": "the new item's title", "kind": "constraint|sector|outlier_firm", "item": "item key"},
    "note": "a participant's suggestion was approved as an item; never says who proposed it",
}


@openapi.extend
def _paths() -> dict[str, Any]:
    pace_doc = openapi._json({"$ref": "#/components/schemas/Pace"})
    settings_doc = openapi._json({"$ref": "#/components/schemas/ProposalSettings"})
    both = [{"facilitator": []}, {"participant": []}]
    facilitator = [{"facilitator": []}]
    return {
        "/workshops/{id}/pace": {
            "get": {"summary": "Presenter pace: the step phones show", "security": both,
                    "parameters": [openapi.WORKSHOP_ID],
                    "responses": {"200": pace_doc, **openapi._errors("401", "404", "403")}},
            "put": {"summary": "Set the pace mode, jump to a step, or move next/previous",
                    "security": facilitator, "parameters": [openapi.WORKSHOP_ID],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/PaceChange"}}}},
                    "responses": {"200": pace_doc, **openapi._errors("401", "404", "403", "409", "422")}},
        },
        "/workshops/{id}/proposal-settings": {
            "get": {"summary": "Whether phones may suggest items, and the limit per participant",
                    "security": facilitator, "parameters": [openapi.WORKSHOP_ID],
                    "responses": {"200": settings_doc, **openapi._errors("401", "404", "403")}},
            "put": {"summary": "Open or close suggestions; set the limit per participant",
                    "security": facilitator, "parameters": [openapi.WORKSHOP_ID],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ProposalSettingsChange"}}}},
                    "responses": {"200": settings_doc, **openapi._errors("401", "404", "403", "422")}},
        },
    }


openapi.SCHEMAS["NewProposal"]["description"] = (
    "The same participant may not send the same kind and title twice (409), nor more than the workshop's limit "
    "(10 unless the facilitator changed it; see /workshops/{id}/proposal-settings) in 10 minutes (429). While "
    "the facilitator has closed suggestions every proposal is refused with 409.")
