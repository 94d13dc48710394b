"""API for the end of a workshop's data: delete a workshop, read its retention date and the audit trail."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from app.api import bp, openapi
from app.api.auth import require_facilitator
from app.services import audit, lifecycle, workshops
from app.services.cells import timestamp
from app.services.database import transaction
from app.services.errors import invalid_field

#: The largest id a database integer column holds (and so the largest page number worth asking for).
MAX_ID = 2**31 - 1


@bp.delete("/workshops/<int:workshop_id>")
def delete_workshop(workshop_id: int) -> tuple[str, int]:
    """Delete the workshop with all its data; afterwards every page, screen, phone and API call of it is a 404."""
    user = require_facilitator()
    with transaction():
        workshop = workshops.find(workshop_id)
        workshops.check_owner(workshop, user, "own")  # co-facilitators run a workshop; only its owner deletes it
        lifecycle.delete_workshop(workshop, user, via="api")
    return "", 204


@bp.get("/workshops/<int:workshop_id>/retention")
def retention(workshop_id: int) -> Response:
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    return jsonify(retention_document(workshop))


def retention_document(workshop: Any) -> dict[str, Any]:
    moment = lifecycle.purge_at(workshop)
    return {"retention_days": workshop.retention_days, "instance_max_days": lifecycle.instance_maximum(),
            "effective_days": lifecycle.effective_days(workshop), "last_used": timestamp(lifecycle.last_used(workshop)),
            "purge_at": timestamp(moment) if moment else None}


@bp.get("/audit")
def audit_entries() -> Response:
    """The caller's audit trail, newest first, 50 a page (`?page=`, `?workshop=`)."""
    user = require_facilitator()
    number = request.args.get("page", "1")
    workshop = request.args.get("workshop", "")
    if workshop.isdigit() and int(workshop) > MAX_ID:  # no such id; the database's integers stop there
        raise invalid_field("workshop", _("A workshop id is at most %(n)s.", n=MAX_ID))
    found = audit.page(user, min(int(number), MAX_ID) if number.isdigit() else 1,
                       int(workshop) if workshop.isdigit() else None)
    return jsonify({"page": found.page, "pages": found.pages, "total": found.total,
                    "entries": [entry_document(e) for e in found.entries]})


def entry_document(entry: Any) -> dict[str, Any]:
    return {"at": timestamp(entry.at), "workshop_id": entry.workshop_id, "workshop": entry.workshop_title,
            "actor": entry.actor, "action": entry.action, "details": entry.details or {}}


# --- the OpenAPI document ------------------------------------------------------------------------------------

_CONSENT = {"consent_text": {"type": "string",
                             "description": "Extension: a notice phones show before the group choice "
                                            "(at most 2000 characters)."},
            "consent_required": {"type": "boolean", "default": False,
                                 "description": "Extension: phones must press “I understand” first."}}
openapi.SCHEMAS["WorkshopDefinition"]["properties"].update(_CONSENT)
openapi.SCHEMAS["Retention"] = {"type": "object", "properties": {
    "retention_days": {"type": ["integer", "null"], "description": "The workshop's own setting."},
    "instance_max_days": {"type": ["integer", "null"], "description": "PRIORITAS_RETENTION_MAX_DAYS."},
    "effective_days": {"type": ["integer", "null"]},
    "last_used": {"type": "string", "format": "date-time"},
    "purge_at": {"type": ["string", "null"], "format": "date-time",
                 "description": "When the purge deletes it; null: kept until deleted by hand."}},
    "required": ["retention_days", "effective_days", "last_used", "purge_at"]}
openapi.SCHEMAS["AuditPage"] = {"type": "object", "properties": {
    "page": {"type": "integer"}, "pages": {"type": "integer"}, "total": {"type": "integer"},
    "entries": {"type": "array", "items": {"type": "object", "properties": {
        "at": {"type": "string", "format": "date-time"}, "workshop_id": {"type": ["integer", "null"]},
        "workshop": {"type": "string"}, "actor": {"type": "string"}, "action": {"type": "string"},
        "details": {"type": "object"}}, "required": ["at", "workshop_id", "actor", "action", "details"]}}},
    "required": ["page", "pages", "total", "entries"]}


@openapi.extend
def _paths() -> dict[str, Any]:
    return {
        "/workshops/{id}": {"delete": {
            "operationId": "deleteWorkshop", "summary": "Delete the workshop with all its data (extension)",
            "description": "Participants, responses, tallies, proposals, actions, activities, items and groups "
                           "go with it; an audit entry stays. Export `format=json` first to keep an archive.",
            "security": openapi.FACILITATOR, "parameters": [openapi.WORKSHOP_ID],
            "responses": {"204": {"description": "Deleted."}, **openapi._errors("401", "404", "403")}}},
        "/workshops/{id}/retention": {"get": {
            "operationId": "getRetention", "summary": "When the retention purge deletes the workshop (extension)",
            "security": openapi.FACILITATOR, "parameters": [openapi.WORKSHOP_ID],
            "responses": {"200": openapi._json(openapi._ref("Retention")), **openapi._errors("401", "404", "403")}}},
        "/audit": {"get": {
            "operationId": "listAudit", "summary": "The audit trail of the caller's workshops, newest first "
                                                   "(extension)",
            "security": openapi.FACILITATOR,
            "parameters": [{"name": "page", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                            "description": "Past the last page: the last page."},
                           {"name": "workshop", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}],
            "responses": {"200": openapi._json(openapi._ref("AuditPage")), **openapi._errors("401", "422")}}},
    }
