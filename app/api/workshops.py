"""Whole workshops: create (from a template or a definition), read, weight the groups, export and import an
archive, and compare one template's workshops."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from app.api import bp, strict
from app.api.auth import require_facilitator
from app.api.documents import workshop_document
from app.services import archive, comparison, exports, workshops
from app.services import templates as own_templates
from app.services.database import transaction

#: The accepted fields of each body and their JSON types (`app.api.strict`), as the OpenAPI schemas list them.
FROM_TEMPLATE_FIELDS: strict.Types = {"template": "string", "title": ("string", "null")}
DEFINITION_FIELDS: strict.Types = {
    "title": "string", "language": "string", "second_language": ("string", "null"), "min_group_size": "integer",
    "groups": "array", "items": "array", "activities": "array", "method_note": "string",
    "consent_text": ("string", "null"), "consent_required": "boolean"}
ARCHIVE_FIELDS: strict.Types = {
    "format": "string", "version": "integer", "app_version": "string", "exported_at": "string",
    "workshop": "object", "participants": "array", "responses": "array", "proposals": "array",
    "actions": "array", "delphi_rounds": "array", "admission": "object", "proposal_settings": "object"}
WEIGHTS_FIELDS: strict.Types = {"preset": "string", "weights": "object"}


@bp.post("/workshops")
def create_workshop() -> tuple[Response, int]:
    user = require_facilitator()
    # Either shape's fields first (a template's title may be null), then exactly the shape that was sent.
    body = strict.object_body({**DEFINITION_FIELDS, **FROM_TEMPLATE_FIELDS})
    strict.check_object(body, FROM_TEMPLATE_FIELDS if "template" in body else DEFINITION_FIELDS)
    with transaction():
        workshop = own_templates.create_workshop(user, body)
    return jsonify(workshop_document(workshop, user)), 201


@bp.get("/workshops/<int:workshop_id>")
def get_workshop(workshop_id: int) -> Response:
    user = require_facilitator()
    return jsonify(workshop_document(workshops.get_owned(workshop_id, user), user))


@bp.post("/workshops/<int:workshop_id>/weights")
def set_weights(workshop_id: int) -> Response:
    """Group weighting presets (equal, ilo) or custom weights; returns the workshop document."""
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    body = strict.object_body(WEIGHTS_FIELDS, field="preset")
    with transaction():
        workshops.apply_weights(workshop, body.get("preset"), body.get("weights"))
    return jsonify(workshop_document(workshop, user))


@bp.get("/workshops/<int:workshop_id>/export")
def export(workshop_id: int) -> Response:
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    file = exports.build(workshop, request.args.get("format", "json"), current_app.config["APP_VERSION"])
    return Response(file.content, mimetype=file.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{file.filename}"'})


@bp.post("/workshops/import")
def import_workshop() -> tuple[Response, int]:
    user = require_facilitator()
    body = strict.object_body(ARCHIVE_FIELDS)
    with transaction():
        workshop = archive.import_json(user, body)
    return jsonify(workshop_document(workshop, user)), 201


@bp.get("/comparisons")
def compare_workshops() -> Response:
    """Items of one activity across the facilitator's workshops of one template, with a pooled column."""
    user = require_facilitator()
    ids = comparison.parse_ids(request.args.get("workshops"))
    return jsonify(comparison.compare(user, request.args.get("template"), request.args.get("activity"), ids,
                                      request.args.get("weighting")))
