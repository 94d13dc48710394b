"""The OpenAPI 3.1 description of the public interface, served at /api/v1/openapi.json without credentials."""

from __future__ import annotations

from typing import Any

from app import __version__

KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$"}
NULLABLE_NUMBER = {"type": ["number", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _problem("Missing or invalid credentials."),
    "403": _problem("These credentials may not touch this workshop."),
    "404": _problem("The workshop or activity does not exist."),
    "422": _problem("Invalid values; nothing was saved."),
}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: ERRORS[code] if code in ERRORS else _problem(_EXTRA[code]) for code in codes}


_EXTRA = {"409": "State conflict: the activity is not open.", "429": "Too many requests; retry shortly."}

AXIS_STATS = {
    "type": ["object"],
    "properties": {
        "mean": NULLABLE_NUMBER,
        "median": NULLABLE_NUMBER,
        "sd": NULLABLE_NUMBER,
        "ci95": {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "consensus": NULLABLE_NUMBER,
    },
    "required": ["mean", "median", "sd", "ci95", "consensus"],
}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"]}},
        },
        "required": ["type", "title", "status", "detail"],
    },
    "Group": {
        "type": "object",
        "properties": {"key": KEY, "name": {"type": "string"}, "weight": {"type": "number", "minimum": 0,
                                                                           "default": 1.0},
                       "expected": {"type": ["integer", "null"], "minimum": 0},
                       "description": {"type": "string"}},
        "required": ["key", "name"],
    },
    "Item": {
        "type": "object",
        "properties": {"key": KEY, "kind": {"enum": ["constraint", "sector"]}, "title": {"type": "string"},
                       "description": {"type": "string"}, "category": {"type": "string"},
                       "locus": {"enum": ["", "local", "regional", "national", "international"]}},
        "required": ["key", "title"],
    },
    "Axis": {
        "type": "object",
        "properties": {"label": {"type": "string"}, "min": {"type": "integer"}, "max": {"type": "integer"},
                       "hint": {"type": "string"}},
        "required": ["label", "min", "max"],
    },
    "Activity": {
        "type": "object",
        "description": "Version 1 has type `matrix`: every item is rated on the x and the y scale.",
        "properties": {
            "key": KEY, "type": {"enum": ["matrix"]}, "title": {"type": "string"},
            "items": {"type": "array", "items": KEY, "minItems": 1},
            "x": _ref("Axis"), "y": _ref("Axis"),
            "quadrants": {"type": "object", "description": "Display names of the four quadrants.",
                          "properties": {q: {"type": "string"} for q in
                                         ("top_right", "top_left", "bottom_right", "bottom_left")}},
            "scale_labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "state": {"enum": ["pending", "open", "closed"], "readOnly": True},
            "round": {"type": "integer", "readOnly": True},
        },
        "required": ["key", "type", "title", "items", "x", "y"],
    },
    "WorkshopDefinition": {
        "type": "object",
        "properties": {
            "title": {"type": "string"}, "language": {"enum": ["en", "fr", "es", "pt", "ar"], "default": "en"},
            "min_group_size": {"type": "integer", "minimum": 3, "default": 5},
            "groups": {"type": "array", "items": _ref("Group"), "minItems": 1},
            "items": {"type": "array", "items": _ref("Item"), "minItems": 1},
            "activities": {"type": "array", "items": _ref("Activity"), "minItems": 1},
        },
        "required": ["title", "groups", "items", "activities"],
    },
    "FromTemplate": {
        "type": "object",
        "properties": {"template": {"type": "string"}, "title": {"type": "string"}},
        "required": ["template"],
    },
    "Workshop": {
        "allOf": [_ref("WorkshopDefinition"), {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "join_code": {"type": "string"},
                           "join_url": {"type": "string"}, "screen_url": {"type": "string"},
                           "screen_token": {"type": "string"}, "joining_locked": {"type": "boolean"},
                           "method_note": {"type": "string"}},
            "required": ["id", "join_code", "join_url", "screen_url", "screen_token", "min_group_size"],
        }],
    },
    "Template": {"type": "object", "properties": {"key": {"type": "string"}, "title": {"type": "string"},
                                                  "description": {"type": "string"}},
                 "required": ["key", "title", "description"]},
    "MatrixResponses": {
        "type": "object",
        "properties": {"ratings": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "properties": {"item": KEY, "x": {"type": ["integer", "null"]}, "y": {"type": ["integer", "null"]}},
            "required": ["item", "x", "y"]}}},
        "required": ["ratings"],
        "description": "null means don't know. All-or-nothing; a later request replaces the items it sends.",
    },
    "MatrixResults": {
        "type": "object",
        "properties": {
            "activity": KEY,
            "weighting": {"enum": ["per_head", "equal_groups"]},
            "respondents": {"type": "integer"},
            "groups": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {"respondents": {"type": "integer"}}}},
            "items": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "item": KEY, "n": {"type": "integer"}, "x": AXIS_STATS, "y": AXIS_STATS,
                    "quadrant": {"enum": ["top_right", "top_left", "bottom_right", "bottom_left", None]},
                    "divergence": NULLABLE_NUMBER,
                    "excluded_groups": {"type": "array", "items": KEY},
                    "by_group": {"type": "object", "additionalProperties": {"oneOf": [
                        {"type": "null"},
                        {"type": "object", "properties": {
                            "n": {"type": "integer"},
                            "x": {"type": "object", "properties": {"mean": NULLABLE_NUMBER}},
                            "y": {"type": "object", "properties": {"mean": NULLABLE_NUMBER}}}}]}},
                },
                "required": ["item", "n", "x", "y", "quadrant", "divergence", "excluded_groups", "by_group"],
            }},
        },
        "required": ["activity", "weighting", "respondents", "groups", "items"],
    },
    "Archive": {
        "type": "object",
        "description": "The JSON export: the workshop, its participants (pseudonyms) and every response.",
        "properties": {"format": {"const": "prioritas-workshop"}, "version": {"type": "integer"},
                       "workshop": {"type": "object"}, "participants": {"type": "array"},
                       "responses": {"type": "array"}},
        "required": ["format", "version", "workshop", "participants", "responses"],
    },
}

WORKSHOP_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
ACTIVITY_KEY = {"name": "key", "in": "path", "required": True, "schema": KEY}
FACILITATOR = [{"facilitator": []}]


def openapi_document() -> dict[str, Any]:
    activity = "/workshops/{id}/activities/{key}"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Prioritas public interface",
            "version": f"1 (app {__version__})",
            "description": "Live participatory prioritisation workshops. Errors are application/problem+json; "
                           "checks run in the order 401, 404, 403, 409, 422. Rate limits are keyed by account, "
                           "participant token and workshop, never by address alone.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "facilitator": {"type": "http", "scheme": "bearer", "description": "From POST /auth/token."},
                "participant": {"type": "http", "scheme": "bearer", "description": "From POST /join."},
                "screen": {"type": "http", "scheme": "bearer", "description": "The workshop's screen_token."},
            },
        },
        "paths": {
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": _json({"type": "object"})}}},
            "/auth/token": {"post": {
                "summary": "Get a facilitator token", "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
                    "required": ["email", "password"]}}}},
                "responses": {"200": _json({"type": "object", "properties": {"token": {"type": "string"}}}),
                              **_errors("401", "422", "429")}}},
            "/templates": {"get": {"summary": "Built-in workshop templates", "security": FACILITATOR,
                                   "responses": {"200": _json({"type": "array", "items": _ref("Template")}),
                                                 **_errors("401")}}},
            "/workshops": {"post": {
                "summary": "Create a workshop from a template or a full definition", "security": FACILITATOR,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "oneOf": [_ref("FromTemplate"), _ref("WorkshopDefinition")]}}}},
                "responses": {"201": _json(_ref("Workshop"), "Created"), **_errors("401", "422")}}},
            "/workshops/{id}": {"get": {
                "summary": "A workshop document", "security": FACILITATOR, "parameters": [WORKSHOP_ID],
                "responses": {"200": _json(_ref("Workshop")), **_errors("401", "404", "403")}}},
            activity + "/open": {"post": {
                "summary": "Open an activity (others stay open unless close_others is true)",
                "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"close_others": {"type": "boolean"}}}}}},
                "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403")}}},
            activity + "/close": {"post": {
                "summary": "Close an activity", "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403")}}},
            activity + "/results": {"get": {
                "summary": "Results of an activity",
                "description": "equal_groups (default) is readable with the facilitator or screen token; per_head "
                               "with the facilitator token only. Participant tokens get 403.",
                "security": [{"facilitator": []}, {"screen": []}],
                "parameters": [WORKSHOP_ID, ACTIVITY_KEY, {"name": "weighting", "in": "query", "required": False,
                                                           "schema": {"enum": ["per_head", "equal_groups"],
                                                                      "default": "equal_groups"}}],
                "responses": {"200": _json(_ref("MatrixResults")), **_errors("401", "404", "403", "422")}}},
            activity + "/responses": {"put": {
                "summary": "Save a participant's ratings", "security": [{"participant": []}],
                "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("MatrixResponses")}}},
                "responses": {"200": _json({"type": "object", "properties": {"saved": {"type": "integer"}}}),
                              **_errors("401", "404", "403", "409", "422", "429")}}},
            "/workshops/{id}/export": {"get": {
                "summary": "Export the workshop", "security": FACILITATOR,
                "parameters": [WORKSHOP_ID, {"name": "format", "in": "query", "required": False,
                                             "schema": {"enum": ["csv", "json"], "default": "json"}}],
                "responses": {
                    "200": {"description": "The file", "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/json": {"schema": _ref("Archive")}}},
                    **_errors("401", "404", "403", "422")}}},
            "/workshops/import": {"post": {
                "summary": "Import a JSON export as a new workshop", "security": FACILITATOR,
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Archive")}}},
                "responses": {"201": _json(_ref("Workshop"), "Created"), **_errors("401", "422")}}},
            "/join": {"post": {
                "summary": "Join a workshop as a participant of a group", "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"code": {"type": "string"}, "group": KEY},
                    "required": ["code", "group"]}}}},
                "responses": {"201": _json({"type": "object", "properties": {
                    "participant_token": {"type": "string"}, "workshop": {"type": "integer"}}}, "Joined"),
                    **_errors("404", "409", "422", "429")}}},
        },
        "x-socketio": {
            "namespace": "/",
            "auth": {"screen": {"screen_token": "string"}, "participant": {"participant_token": "string"},
                     "facilitator": "the browser's login session, with {workshop: id}"},
            "events": {
                "state": {"to": "everyone in the workshop",
                          "payload": {"activity": "key", "state": "open|closed|pending"}},
                "results": {"to": "screens and facilitators",
                            "payload": "a results document (equal_groups), coalesced a few times per second"},
                "participation": {"to": "facilitators", "payload": {"groups": {"<group>": "joined count"}}},
            },
        },
    }
