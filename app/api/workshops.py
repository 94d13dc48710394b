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


@bp.post("/workshops")
def create_workshop() -> tuple[Response, int]:
    user = require_facilitator()
    # Either shape's fields first (a template's title may be null), then exactly the shape that was sent.
    body = strict.object_body(strict.documented())  # either branch's fields, then the branch's own
    strict.check_object(body, strict.documented("FromTemplate" if "template" in body else "NewWorkshop"))
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
    body = strict.object_body(strict.documented(), field="preset")
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
    body = strict.object_body(strict.documented())
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
