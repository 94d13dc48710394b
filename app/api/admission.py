"""API for who may join a workshop: passcode, seat codes, expected headcount per group and the joining lock.

The console has the same controls (`app.facilitator.voice`); here a script can set up a workshop's door
before the day. Only those who run the workshop (owner, co-facilitators) read or change any of it: the
passcode and the seat codes are secrets for the room, so observers get 403 even for reading.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app.api import bp, openapi, strict
from app.api.auth import require_facilitator
from app.models import Workshop
from app.services import admission, workshops
from app.services.database import transaction


def _run(workshop_id: int) -> Workshop:
    """404 for a missing workshop, then 403 unless the caller runs it (observers included)."""
    user = require_facilitator()
    workshop = workshops.find(workshop_id)
    workshops.check_owner(workshop, user, "run")
    return workshop


@bp.get("/workshops/<int:workshop_id>/admission")
def get_admission(workshop_id: int) -> Response:
    return jsonify(admission.settings_document(_run(workshop_id)))


@bp.put("/workshops/<int:workshop_id>/admission")
def put_admission(workshop_id: int) -> Response:
    """Change the fields sent; the others stay. Phones already in keep their place whatever changes."""
    workshop = _run(workshop_id)
    body = strict.object_body(strict.documented())
    with transaction():
        admission.update_settings(workshop, body)
    return jsonify(admission.settings_document(workshop))


@bp.get("/workshops/<int:workshop_id>/seat-codes")
def list_seat_codes(workshop_id: int) -> Response:
    workshop = _run(workshop_id)
    return jsonify([admission.seat_document(row) for row in admission.seat_codes(workshop)])


@bp.post("/workshops/<int:workshop_id>/seat-codes")
def create_seat_codes(workshop_id: int) -> tuple[Response, int]:
    """`count` new one-time codes (1 to 500 at a time, 2000 per workshop: 409 beyond), optionally for a group."""
    workshop = _run(workshop_id)
    body = strict.object_body(strict.documented())
    if "count" not in body:
        body["count"] = None  # the service's 422 names the missing field
    with transaction():
        made = admission.generate_seat_codes(workshop, body["count"], body.get("group") or "")
        documents = [admission.seat_document(row) for row in made]
    return jsonify(documents), 201


@bp.post("/workshops/<int:workshop_id>/seat-codes/<int:seat_id>/revoke")
def revoke_seat_code(workshop_id: int, seat_id: int) -> Response:
    """The card lets no one in any more; someone who already joined with it stays. Revoking twice is harmless."""
    user = require_facilitator()
    workshop = workshops.find(workshop_id)
    admission.seat_code(workshop, seat_id)  # 404 before 403, as for actions and proposals
    workshops.check_owner(workshop, user, "run")
    strict.no_fields()
    with transaction():
        row = admission.revoke_seat_code(workshop, seat_id)
        document = admission.seat_document(row)
    return jsonify(document)


# --- the OpenAPI document ------------------------------------------------------------------------------------

_COUNTS = {"type": "object", "readOnly": True, "properties": {
    name: {"type": "integer", "minimum": 0} for name in ("total", "unused", "used", "revoked")},
    "required": ["total", "unused", "used", "revoked"]}
openapi.SCHEMAS["Admission"] = {
    "type": "object",
    "description": "Who may join. A known device rejoins without passcode, seat code or lock checks.",
    "properties": {
        "passcode": {"type": ["string", "null"], "description": "Told aloud in the room; null: none."},
        "seat_codes_required": {"type": "boolean",
                                "description": "true: a one-time seat code is needed to join; false: a seat "
                                               "code is optional (a given one is still checked)."},
        "joining_locked": {"type": "boolean", "description": "true: new phones are turned away (409)."},
        "expected": {"type": "object", "additionalProperties": {"type": ["integer", "null"], "minimum": 0},
                     "description": "group key -> expected headcount (null: not set); more joins are signalled "
                                    "to the facilitator, never refused."},
        "seat_codes": _COUNTS},
    "required": ["passcode", "seat_codes_required", "joining_locked", "expected", "seat_codes"],
}
openapi.SCHEMAS["AdmissionChange"] = {
    "type": "object", "additionalProperties": False,
    "description": "The fields sent change, the others stay; all or nothing.",
    "properties": {
        "passcode": {"type": ["string", "null"], "maxLength": admission.PASSCODE_MAX,
                     "description": "\"\" or null: no passcode."},
        "seat_codes_required": {"type": "boolean"}, "joining_locked": {"type": "boolean"},
        "expected": {"type": "object", "additionalProperties": {"type": ["integer", "null"], "minimum": 0},
                     "description": "Only the workshop's group keys (422 for another)."}},
}
openapi.SCHEMAS["SeatCode"] = {
    "type": "object", "description": "A one-time code printed on a card; never says who used it.",
    "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "group": {"type": ["string", "null"]},
                   "state": {"enum": ["unused", "used", "revoked"]},
                   "created_at": {"type": "string", "format": "date-time"},
                   "used_at": {"type": ["string", "null"], "format": "date-time"}},
    "required": ["id", "code", "group", "state", "created_at", "used_at"],
}
openapi.SCHEMAS["NewSeatCodes"] = {
    "type": "object", "additionalProperties": False,
    "properties": {"count": {"type": "integer", "minimum": 1, "maximum": admission.SEAT_CODES_AT_ONCE},
                   "group": {"type": ["string", "null"],
                             "description": "A group key: whoever joins with one of these cards is in it."}},
    "required": ["count"],
}
openapi.SCHEMAS["Workshop"]["allOf"][1]["properties"]["admission"] = {
    **openapi._ref("Admission"),
    "description": "Only for the owner and co-facilitators (observers do not see it)."}


@openapi.extend
def _paths() -> dict[str, Any]:
    security = openapi.FACILITATOR
    seat_id = {"name": "seat_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    read = {**openapi._errors("401", "404"), "403": openapi._problem("Not a role that runs this workshop "
                                                                     "(observers included).")}
    return {
        "/workshops/{id}/admission": {
            "get": {"summary": "Passcode, seat codes required, joining lock and expected headcount per group",
                    "description": "Owner and co-facilitators.", "security": security,
                    "parameters": [openapi.WORKSHOP_ID],
                    "responses": {"200": openapi._json(openapi._ref("Admission")), **read}},
            "put": {"summary": "Change who may join (the fields sent)",
                    "description": "Owner and co-facilitators. Phones already in keep their place.",
                    "security": security, "parameters": [openapi.WORKSHOP_ID],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": openapi._ref("AdmissionChange")}}},
                    "responses": {"200": openapi._json(openapi._ref("Admission")), **read,
                                  **openapi._errors("422")}}},
        "/workshops/{id}/seat-codes": {
            "get": {"summary": "Every seat code with its state (unused, used, revoked)", "security": security,
                    "parameters": [openapi.WORKSHOP_ID],
                    "responses": {"200": openapi._json({"type": "array", "items": openapi._ref("SeatCode")}),
                                  **read}},
            "post": {"summary": "Make one-time seat codes, optionally tied to a group",
                     "description": f"1 to {admission.SEAT_CODES_AT_ONCE} at a time (422 beyond); a workshop "
                                    f"has at most {admission.MAX_SEAT_CODES} (409 beyond).",
                     "security": security, "parameters": [openapi.WORKSHOP_ID],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": openapi._ref("NewSeatCodes")}}},
                     "responses": {"201": openapi._json({"type": "array", "items": openapi._ref("SeatCode")},
                                                        "Created"),
                                   **read, "409": openapi._problem(f"The workshop would have more than "
                                                                   f"{admission.MAX_SEAT_CODES} seat codes."),
                                   **openapi._errors("422")}}},
        "/workshops/{id}/seat-codes/{seat_id}/revoke": {"post": {
            "summary": "Withdraw a seat code: it lets no one in any more (who joined with it stays)",
            "security": security, "parameters": [openapi.WORKSHOP_ID, seat_id],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False, "properties": {}}}}},
            "responses": {"200": openapi._json(openapi._ref("SeatCode")), **read}}},
    }
