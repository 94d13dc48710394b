"""Templates that workshops start from: the built-in ones and a facilitator's own (an extension)."""

from __future__ import annotations

from flask import Response, jsonify

from app.api import bp, strict
from app.api.auth import require_facilitator
from app.services import templates as own_templates
from app.services.database import transaction


@bp.get("/templates")
def templates() -> Response:
    """The built-in templates, then the caller's own (`"own": true`, an extension of the contract)."""
    user = require_facilitator()
    return jsonify([t.as_json() for t in own_templates.summaries(user)])


@bp.post("/templates")
def create_template() -> tuple[Response, int]:
    """Extension: an own template from one of the caller's workshops or from a definition."""
    user = require_facilitator()
    body = strict.object_body(strict.documented())
    with transaction():
        template = own_templates.create_from_body(user, body)
    return jsonify(own_templates.document(user, template)), 201


@bp.get("/templates/<key>")
def get_template(key: str) -> Response:
    """Extension: a built-in or own template's definition (someone else's is a 404)."""
    user = require_facilitator()
    return jsonify(own_templates.export_definition(user, key))


@bp.delete("/templates/<key>")
def delete_template(key: str) -> tuple[str, int]:
    """Extension: delete an own template; built-in and other people's keys are a 404."""
    user = require_facilitator()
    with transaction():
        own_templates.delete(user, key)
    return "", 204
