"""Joining a workshop as a participant (`POST /join`), with a device, a passcode or a seat code, and its OpenAPI."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from app.api import bp, openapi, strict
from app.api.openapi import _errors, _json, _problem
from app.services import admission
from app.services.admission import DEVICE_PATTERN


@bp.post("/join")
def join() -> tuple[Response, int]:
    """201 for a new participant; 200 when a known `device` gets its participant back (docs/ratelimits.md)."""
    body = strict.object_body(strict.documented(), field="code")
    device = body.get("device") or request.headers.get("X-Prioritas-Device") or None
    admitted = admission.join(body.get("code"), body.get("group"), device=device, passcode=body.get("passcode"),
                              seat=body.get("seat"))
    return jsonify({"participant_token": admitted.token, "workshop": admitted.workshop_id,
                    "group": admitted.group_key, "rejoined": admitted.rejoined,
                    "kept_group": admitted.kept_group}), 200 if admitted.rejoined else 201


@openapi.extend
def _paths() -> dict[str, Any]:
    joined = {"type": "object", "properties": {
        "participant_token": {"type": "string"}, "workshop": {"type": "integer"},
        "group": {"type": "string", "description": "the participant's group (a seat code's group wins)"},
        "rejoined": {"type": "boolean", "description": "true: this device's participant from before"},
        "kept_group": {"type": "boolean",
                       "description": "true: another group was asked for, but the participant had answered "
                                      "already, so it stays in its group"}}}
    return {"/join": {"post": {
        "summary": "Join a workshop as a participant of a group (the same device gets its participant back)",
        "security": [],
        "description": "Send a `device` (16-128 characters of A-Z a-z 0-9 -_.:, kept by the client; or the "
                       "header X-Prioritas-Device) so that joining again returns the same participant (200, "
                       "same pseudonym, a new token; the old token stops working). Another group is taken "
                       "only while the participant has no saved answer. `passcode` when the workshop has "
                       "one; `seat` (a one-time seat code) when it requires seat codes. Only failed joins "
                       "are rate-limited (per device, see docs/ratelimits.md): 429 with Retry-After.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "properties": {
                "code": {"type": "string"}, "group": {"type": "string"},
                "device": {"type": ["string", "null"], "pattern": DEVICE_PATTERN.pattern},
                "passcode": {"type": ["string", "null"]}, "seat": {"type": ["string", "null"]}},
            "required": ["code", "group"]}}}},
        "responses": {"201": _json(joined, "Joined"), "200": _json(joined, "Rejoined from a known device"),
                      **_errors("404"),
                      "403": _problem("Wrong or missing passcode; seat code missing, unknown, used or withdrawn."),
                      **_errors("409", "422", "429")}}}}
