"""API tokens (sign-in for one, expiry, listing, revocation) and a new screen link, as JSON."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from app.api import bp, openapi, strict
from app.api.auth import require_facilitator
from app.api.documents import workshop_document
from app.api.strict import json_body
from app.services import accounts, screen_link, throttle, workshops
from app.services.database import transaction
from app.services.errors import invalid_field


def token_response(body: dict[str, Any]) -> tuple[Response, int]:
    """`{"token", "expires_at", "device"}`; `device` goes back in `X-Prioritas-Device` on the next sign-in."""
    days, label = accounts.token_options(body)
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        accounts.issue_token(email, password)  # the 422 for missing fields
    user, client = throttle.sign_in(email, password, request)  # type: ignore[arg-type]
    with transaction():
        token, row = accounts.new_api_token(user, days, label)
        document = accounts.token_document(row)
    return jsonify({"token": token, "id": row.id, "expires_at": document["expires_at"],
                    "device": throttle.device_value(client, user)}), 200


@bp.post("/auth/token")
def issue_token() -> tuple[Response, int]:
    """Throttled per account and client with the login form (app.services.throttle); tokens expire."""
    body = json_body()
    if not isinstance(body, dict):
        raise invalid_field("email", _("Send a JSON object with email and password."))
    return token_response(strict.check_object(body, strict.documented()))


@bp.get("/auth/tokens")
def list_tokens() -> Response:
    user = require_facilitator()
    return jsonify([accounts.token_document(row) for row in accounts.tokens_of(user)])


@bp.delete("/auth/tokens/<int:token_id>")
def revoke_token(token_id: int) -> tuple[str, int]:
    user = require_facilitator()
    with transaction():
        accounts.revoke_token(user, token_id)
    return "", 204


@bp.post("/workshops/<int:workshop_id>/screen-token")
def rotate_screen_token(workshop_id: int) -> Response:
    user = require_facilitator()
    workshop = workshops.find(workshop_id)
    workshops.check_owner(workshop, user, "run")
    strict.no_fields()
    with transaction():
        screen_link.rotate(workshop, user)
    return jsonify(workshop_document(workshop, user))


TOKEN_ID = {"name": "token_id", "in": "path", "required": True, "schema": {"type": "integer"}}
openapi.SCHEMAS["ApiTokenInfo"] = {
    "type": "object", "description": "A facilitator's API token, never the secret itself.",
    "properties": {"id": {"type": "integer"}, "label": {"type": "string"},
                   "created_at": {"type": "string", "format": "date-time"},
                   "last_used_at": {"type": ["string", "null"], "format": "date-time"},
                   "expires_at": {"type": ["string", "null"], "format": "date-time"},
                   "expired": {"type": "boolean"}},
    "required": ["id", "label", "created_at", "last_used_at", "expires_at", "expired"],
}


@openapi.extend
def _paths() -> dict[str, Any]:
    security = [{"facilitator": []}]
    return {
        "/auth/token": {"post": {
            "summary": "Get a facilitator token (expires; sign-ins are throttled per account and client)",
            "security": [],
            "parameters": [{"name": "X-Prioritas-Device", "in": "header", "required": False,
                            "schema": {"type": "string"},
                            "description": "The `device` value of an earlier successful sign-in: a known device "
                                           "with the right password is never held back by failed attempts."}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False, "properties": {
                    "email": {"type": "string"}, "password": {"type": "string"},
                    "expires_in_days": {"type": "integer", "minimum": 1, "maximum": accounts.TOKEN_DAYS_MAX,
                                        "default": accounts.TOKEN_DAYS_DEFAULT},
                    "label": {"type": "string", "maxLength": 80}},
                "required": ["email", "password"]}}}},
            "responses": {"200": openapi._json({"type": "object", "properties": {
                "token": {"type": "string"}, "id": {"type": "integer"},
                "expires_at": {"type": "string", "format": "date-time"},
                "device": {"type": "string", "description": "Send back as X-Prioritas-Device."}},
                "required": ["token"]}),
                **openapi._errors("401", "422", "429")}}},
        "/auth/tokens": {"get": {
            "summary": "The caller's API tokens (label, created, last used, expires)", "security": security,
            "responses": {"200": openapi._json({"type": "array",
                                                "items": {"$ref": "#/components/schemas/ApiTokenInfo"}}),
                          **openapi._errors("401")}}},
        "/auth/tokens/{token_id}": {"delete": {
            "summary": "Revoke one of the caller's tokens: it answers 401 from then on", "security": security,
            "parameters": [TOKEN_ID],
            "responses": {"204": {"description": "Revoked."}, **openapi._errors("401", "404")}}},
        "/workshops/{id}/screen-token": {"post": {
            "summary": "A new screen link: the old screen token and open screens stop at once (audit-logged). "
                       "Owner and co-facilitators.",
            "security": security, "parameters": [openapi.WORKSHOP_ID], "requestBody": openapi.NO_BODY,
            "responses": {"200": openapi._json({"$ref": "#/components/schemas/Workshop"}, "The workshop document "
                                               "with the new screen_token and screen_url."),
                          **openapi._errors("401", "404", "403")}}},
    }
