"""The OpenAPI 3.1 description of the public interface, served at /api/v1/openapi.json without credentials."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify

from app import activities as activity_types
from app import events
from app.api import bp
from app.engine import WEIGHTINGS
from app.services.checks import KEY_PATTERN
from app.version import __version__

KEY = {"type": "string", "pattern": f"^{KEY_PATTERN.pattern}$"}
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


_EXTRA = {"409": "State conflict: the activity is not open.", "429": "Too many requests; retry shortly.",
          "413": "The body is larger than a ballot of this activity can be; nothing was saved."}

AXIS_STATS = {
    "type": ["object"],
    "properties": {
        "mean": NULLABLE_NUMBER,
        "median": NULLABLE_NUMBER,
        "sd": NULLABLE_NUMBER,
        "ci95": {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "consensus": NULLABLE_NUMBER,
        "iqr": {**NULLABLE_NUMBER, "description": "Interquartile range (extension)."},
        "agreement": {**NULLABLE_NUMBER, "description": "van der Eijk A (-1..1); null below 3 scale points."},
        "top2": {"type": ["object", "null"], "description": "Share of values in the top two scale points, with "
                 "its Wilson interval (extension).",
                 "properties": {"share": {"type": "number"},
                                "ci95": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                                         "maxItems": 2}}},
        "dont_know": {"type": "integer", "minimum": 0, "description": "Null (don't know) answers (extension)."},
    },
    "required": ["mean", "median", "sd", "ci95", "consensus"],
}
FLAGS = {"type": "array", "description": "Extension: between-group disagreement and stability flags "
                                         "(docs/methods.md, Item flags); never reveal a suppressed group.",
         "items": {"enum": ["divergent", "polarised", "weighting_sensitive", "borderline"]}}
CI95 = {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
RESULTS_COMMON = {
    "activity": KEY,
    "weighting": {"enum": list(WEIGHTINGS)},
    "respondents": {"type": "integer"},
    "groups": {"type": "object", "additionalProperties": {
        "type": "object", "properties": {"respondents": {"type": "integer"}}}},
    "round": {"type": "integer", "minimum": 1, "description": "Extension: present from round 2 on."},
    "previous": {"type": "object", "description": "Extension (Delphi): the same per-item figures of the "
                                                  "previous round, equal_groups-suppressed as usual.",
                 "properties": {"round": {"type": "integer"}, "items": {"type": "object"}},
                 "required": ["round", "items"]},
}
RESULTS_REQUIRED = ["activity", "weighting", "respondents", "groups", "items"]

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
                       "description": {"type": "string"},
                       "name_2": {"type": "string",
                                  "description": "Extension: the name in the workshop's second language."},
                       "observer": {"type": "boolean", "default": False,
                                    "description": "Observers get weight 0 under the `equal` preset."}},
        "required": ["key", "name"],
    },
    "Item": {
        "type": "object",
        "properties": {"key": KEY, "kind": {"enum": ["constraint", "sector"]}, "title": {"type": "string"},
                       "description": {"type": "string"}, "category": {"type": "string"},
                       "locus": {"enum": ["", "local", "regional", "national", "international"]},
                       "title_2": {"type": "string",
                                   "description": "Extension: the title in the workshop's second_language "
                                                  "(at most 200 characters)."},
                       "evidence": {"type": "string",
                                    "description": "Extension: short facts (may hold a URL), shown on phones "
                                                   "before rating (at most 2,000 characters)."}},
        "required": ["key", "title"],
    },
    "Axis": {
        "type": "object",
        "properties": {"label": {"type": "string"}, "min": {"type": "integer"}, "max": {"type": "integer"},
                       "hint": {"type": "string"}},
        "required": ["label", "min", "max"],
    },
    "Activity": {
        "description": "Fields every type shares, plus those of its type (matrix, scale, points, ranking, "
                       "criteria). `state` and `round` are set by the server.",
        "allOf": [
            {"type": "object",
             "properties": {"key": KEY, "type": {"enum": []},  # every registered type (`_schemas`)
                            "title": {"type": "string"}, "items": {"type": "array", "items": KEY, "minItems": 1},
                            "state": {"enum": ["pending", "open", "closed"], "readOnly": True},
                            "round": {"type": "integer", "minimum": 1, "readOnly": True,
                                      "description": "Current Delphi round (extension)."}},
             "required": ["key", "type", "title", "items"]},
            {"oneOf": []},  # each registered type's settings schema (`_schemas`)
        ],
    },
    "WorkshopDefinition": {
        "type": "object",
        "properties": {
            "title": {"type": "string"}, "language": {"enum": ["en", "fr", "es", "pt", "ar"], "default": "en"},
            "second_language": {"enum": ["", "en", "fr", "es", "pt", "ar", None], "default": "",
                                "description": "Extension: the language of items' title_2; differs from "
                                               "language, or empty (null reads as empty)."},
            "min_group_size": {"type": "integer", "minimum": 3, "default": 5},
            "groups": {"type": "array", "items": _ref("Group"), "minItems": 1},
            "items": {"type": "array", "items": _ref("Item"), "minItems": 1},
            "activities": {"type": "array", "items": _ref("Activity"), "minItems": 1},
        },
        "required": ["title", "groups", "items", "activities"],
    },
    "FromTemplate": {
        "type": "object", "additionalProperties": False,
        "properties": {"template": {"type": "string"}, "title": {"type": ["string", "null"]}},
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
    "Template": {"type": "object", "properties": {
        "key": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "own": {"type": "boolean", "description": "Extension: true for the caller's own templates."},
        "groups": {"type": "integer"}, "items": {"type": "integer"}, "activities": {"type": "integer"},
        "source": {"type": "string", "description": "Own templates: what it started from (library:<key>, "
                                                    "template:<key>, workshop:<id> or api)."}},
                 "required": ["key", "title", "description"]},
    "OwnTemplate": {"allOf": [_ref("Template"), {
        "type": "object", "properties": {"definition": _ref("WorkshopDefinition")}, "required": ["definition"]}]},
    "NewTemplate": {
        "type": "object",
        "description": "Either workshop_id (one of the caller's workshops, as it is now; no participants or "
                       "answers) or definition (checked like POST /workshops). The title defaults to the "
                       "workshop's or definition's title.",
        "additionalProperties": False,
        "properties": {"workshop_id": {"type": "integer"}, "definition": _ref("WorkshopDefinition"),
                       "title": {"type": ["string", "null"], "description": "At most 200 characters."},
                       "description": {"type": "string", "description": "At most 1,000 characters."}},
        "oneOf": [{"required": ["workshop_id"]}, {"required": ["definition"]}],
    },
    "CriteriaWeights": {
        "type": "object", "additionalProperties": False,
        "properties": {"criteria": {"type": "array", "minItems": 1, "items": {
            "type": "object", "properties": {"key": KEY, "weight": {"type": "number", "minimum": 0}},
            "required": ["key", "weight"]}}},
        "required": ["criteria"],
        "description": "Listed criteria change, the others keep their weight; an axis may not total 0.",
    },
    "WeightsPreset": {
        "type": "object", "additionalProperties": False,
        "properties": {"preset": {"enum": ["equal", "ilo", "custom"]},
                       "weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0},
                                   "description": "custom only: group key -> weight (not all zero)."}},
        "required": ["preset"],
        "description": "equal: every group 1, observers 0. ilo: government 2, employers 1, workers 1, others 0. "
                       "custom: the given weights for the listed groups.",
    },
    "ScaleResults": {
        "type": "object",
        "properties": {**RESULTS_COMMON, "items": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "item": KEY, "n": {"type": "integer"}, "value": AXIS_STATS,
                "divergence": NULLABLE_NUMBER, "excluded_groups": {"type": "array", "items": KEY},
                "flags": FLAGS,
                "by_group": {"type": "object", "additionalProperties": {"oneOf": [
                    {"type": "null"},
                    {"type": "object", "properties": {
                        "n": {"type": "integer"},
                        "value": {"type": "object", "properties": {"mean": NULLABLE_NUMBER}}}}]}},
            },
            "required": ["item", "n", "value", "divergence", "excluded_groups", "by_group"],
        }}},
        "required": RESULTS_REQUIRED,
    },
    "PointsResults": {
        "type": "object",
        "properties": {**RESULTS_COMMON, "items": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "item": KEY, "total": {"type": "integer"}, "breadth": NULLABLE_NUMBER, "score": NULLABLE_NUMBER,
                "by_group": {"type": "object", "additionalProperties": {"oneOf": [
                    {"type": "null"},
                    {"type": "object", "properties": {"n": {"type": "integer"}, "score": NULLABLE_NUMBER}}]}},
            },
            "required": ["item", "total", "breadth", "score", "by_group"],
        }}, "effective_priorities": NULLABLE_NUMBER},
        "required": [*RESULTS_REQUIRED, "effective_priorities"],
    },
    "RankingResults": {
        "type": "object",
        "properties": {**RESULTS_COMMON,
                       "schulze": {"type": "array", "items": KEY},
                       "borda": {"type": ["object", "null"], "additionalProperties": {"type": "number"}},
                       "pairwise": {"type": "object", "additionalProperties": {
                           "type": "object", "additionalProperties": {"type": "number"}}},
                       "items": {"type": "array", "items": {
                           "type": "object", "properties": {"item": KEY, "mean_rank": NULLABLE_NUMBER},
                           "required": ["item", "mean_rank"]}}},
        "required": [*RESULTS_REQUIRED, "schulze", "borda", "pairwise"],
    },
    "CriteriaResults": {
        "type": "object",
        "properties": {
            **RESULTS_COMMON,
            "criteria": {"type": "array", "items": _ref("Criterion")},
            "items": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "item": KEY,
                    "by_criterion": {"type": "object", "additionalProperties": {
                        "type": "object", "properties": {"mean": NULLABLE_NUMBER, "n": {"type": "integer"}}}},
                    "x": {"type": "object", "properties": {"score": NULLABLE_NUMBER, "ci95": CI95}},
                    "y": {"type": "object", "properties": {"score": NULLABLE_NUMBER, "ci95": CI95}},
                    "quadrant": {"enum": ["top_right", "top_left", "bottom_right", "bottom_left", None]},
                    "flags": FLAGS,
                    "by_group": {"type": "object", "additionalProperties": {"oneOf": [
                        {"type": "null"},
                        {"type": "object", "properties": {
                            "n": {"type": "integer"},
                            "x": {"type": "object", "properties": {"score": NULLABLE_NUMBER}},
                            "y": {"type": "object", "properties": {"score": NULLABLE_NUMBER}}}}]}},
                },
                "required": ["item", "by_criterion", "x", "y", "quadrant", "by_group"],
            }},
            "sensitivity": {
                "type": "object",
                "description": "Extension (docs/methods.md, Multi-criteria scoring): critical weight changes "
                               "for the leading pairs and rank acceptability over Dirichlet weight draws with a "
                               "fixed seed.",
                "properties": {
                    "critical_weights": {"type": "array", "items": {
                        "type": "object", "properties": {"a": KEY, "b": KEY, "criterion": KEY,
                                                         "from": {"type": "number"},
                                                         "to": {"type": ["number", "null"]}}}},
                    "acceptability": {"type": "object", "properties": {
                        "draws": {"type": "integer"}, "seed": {"type": "integer"},
                        "items": {"type": "object", "additionalProperties": {
                            "type": "object", "properties": {"top1": NULLABLE_NUMBER,
                                                             "top3": NULLABLE_NUMBER,
                                                             "quadrants": {"type": ["object", "null"]}}}}}},
                },
            },
        },
        "required": [*RESULTS_REQUIRED, "criteria"],
    },
    "MatrixResults": {
        "type": "object",
        "properties": {
            **RESULTS_COMMON,
            "items": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "item": KEY, "n": {"type": "integer"}, "x": AXIS_STATS, "y": AXIS_STATS,
                    "quadrant": {"enum": ["top_right", "top_left", "bottom_right", "bottom_left", None]},
                    "divergence": NULLABLE_NUMBER,
                    "excluded_groups": {"type": "array", "items": KEY},
                    "flags": FLAGS,
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
        "type": "object", "additionalProperties": False,
        "description": "The JSON export: the workshop, its participants (pseudonyms) and every response; "
                       "proposals, actions, Delphi rounds, admission and suggestion settings are optional on "
                       "import (older archives have none).",
        "properties": {"format": {"const": "prioritas-workshop"}, "version": {"type": "integer"},
                       "app_version": {"type": "string"}, "exported_at": {"type": "string"},
                       "workshop": {"type": "object"}, "participants": {"type": "array"},
                       "responses": {"type": "array"}, "proposals": {"type": "array"},
                       "actions": {"type": "array"}, "delphi_rounds": {"type": "array"},
                       "admission": {"type": "object", "description": "Passcode, seat codes required, joining "
                                     "lock and the seat codes (code, group, revoked, used; never who used "
                                     "one). Exported for owners and co-facilitators only."},
                       "proposal_settings": {
                           "type": "object", "additionalProperties": False,
                           "properties": {"open": {"type": "boolean"},
                                          "limit": {"type": "integer", "minimum": 1, "maximum": 100}},
                           "description": "Whether phones may suggest items and how many each; absent in "
                                          "older archives (the defaults then apply)."}},
        "required": ["format", "version", "workshop", "participants", "responses"],
    },
}

#: POST /workshops with a full definition: the definition's fields and the optional method note and consent
#: notice, nothing else (the response's Workshop adds the server's fields to WorkshopDefinition).
SCHEMAS["NewWorkshop"] = {
    **SCHEMAS["WorkshopDefinition"], "additionalProperties": False,
    "properties": {**SCHEMAS["WorkshopDefinition"]["properties"],
                   "method_note": {"type": "string", "description": "At most 4,000 characters."},
                   "consent_text": {"type": ["string", "null"], "maxLength": 2000},
                   "consent_required": {"type": "boolean", "default": False}},
}
#: A command that takes no options: no body, or {}.
NO_BODY = {"required": False, "content": {"application/json": {"schema": {
    "type": "object", "additionalProperties": False, "properties": {}}}}}
#: What the screen token reads (and screens are pushed) while an `on_reveal` activity is not revealed yet.
HIDDEN_RESULTS = {"type": "object", "required": ["activity", "hidden", "respondents", "groups"], "properties": {
    "activity": {"type": "string"}, "hidden": {"type": "boolean", "enum": [True]},
    "respondents": {"type": "integer"},
    "groups": {"type": "object", "additionalProperties": {"type": "object", "properties": {
        "respondents": {"type": "integer"}}}}}}
#: Participants' proposals, reveal and timer.
SCHEMAS.update({
    "Proposal": {
        "type": "object",
        "description": "Something a participant says is missing. Carries the proposer's group, never who it was.",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": ["constraint", "sector", "outlier_firm"]},
            "title": {"type": "string"}, "description": {"type": "string"},
            "status": {"enum": ["pending", "approved", "merged", "rejected"]},
            "group": {"type": ["string", "null"]}, "group_name": {"type": ["string", "null"]},
            "item": {"type": ["string", "null"], "description": "The item it became (approved) or was merged "
                                                                "into (merged)."},
            "created_at": {"type": "string", "format": "date-time"},
            "decided_at": {"type": ["string", "null"], "format": "date-time"},
        },
        "required": ["id", "kind", "title", "description", "status", "group", "item", "created_at", "decided_at"],
    },
    "NewProposal": {
        "type": "object", "additionalProperties": False,
        "properties": {"kind": {"enum": ["constraint", "sector", "outlier_firm"]},
                       "title": {"type": "string", "minLength": 1, "description": "At most 120 characters."},
                       "description": {"type": "string", "description": "Optional, at most 500 characters."}},
        "required": ["kind", "title"],
        "description": "The same participant may not send the same kind and title twice (409), nor more than 10 "
                       "proposals in 10 minutes (429).",
    },
    "ActivityPatch": {
        "type": "object", "additionalProperties": False,
        "description": "criteria (criteria activities) and/or reveal_mode; at least one. Changing reveal_mode "
                       "starts hidden again (revealed: false).",
        "properties": {"criteria": SCHEMAS["CriteriaWeights"]["properties"]["criteria"],
                       "reveal_mode": {"enum": ["live", "on_reveal"]}},
    },
})


def _h4_paths(activity: str) -> dict[str, Any]:
    """Reveal and timer on an activity; participants' proposals and the facilitator's decisions."""
    proposal_id = {"name": "pid", "in": "path", "required": True, "schema": {"type": "integer"}}
    proposal = "/workshops/{id}/proposals/{pid}"
    decision = {"200": _json(_ref("Proposal")),
                **_errors("401", "404", "403"),
                "409": _problem("The proposal was already decided, or the activity has started."),
                "422": ERRORS["422"]}
    return {
        activity + "/reveal": {"post": {
            "summary": "Show an on_reveal activity's figures on the screen (revealed: false hides them again)",
            "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False,
                "properties": {"revealed": {"type": "boolean", "default": True}}}}}},
            "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403"),
                          "409": _problem("The activity shows live results (reveal_mode live)."),
                          "422": ERRORS["422"]}}},
        activity + "/timer": {"post": {
            "summary": "Start a countdown on screens and phones, or stop it",
            "description": "seconds 60, 120, 180 or 300 starts it (the activity must be open: 409); 0 stops it. "
                           "The activity's settings then hold timer_ends_at (ISO 8601 UTC) and the timer event "
                           "goes to the workshop room. At zero the activity stays open.",
            "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False,
                "properties": {"seconds": {"enum": [0, 60, 120, 180, 300]}},
                "required": ["seconds"]}}}},
            "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403", "409", "422")}}},
        "/workshops/{id}/proposals": {
            "get": {
                "summary": "Proposals: all of them for the facilitator, one's own for a participant",
                "security": [{"facilitator": []}, {"participant": []}],
                "parameters": [WORKSHOP_ID, {"name": "status", "in": "query", "required": False, "schema": {
                    "enum": ["pending", "approved", "merged", "rejected"]}}],
                "responses": {"200": _json({"type": "array", "items": _ref("Proposal")}),
                              **_errors("401", "404", "403", "422")}},
            "post": {
                "summary": "Suggest a missing constraint, sector or outlier firm (participant)",
                "security": [{"participant": []}], "parameters": [WORKSHOP_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewProposal")}}},
                "responses": {"201": _json(_ref("Proposal"), "Created"), **_errors("401", "404", "403"),
                              "409": _problem("The same suggestion was already sent by this participant."),
                              **_errors("422", "429")}}},
        proposal + "/approve": {"post": {
            "summary": "Approve: the proposal becomes an item (an outlier firm a sector item)",
            "description": "With activity, the item also joins that activity, which must not have started "
                           "(409) and must rate items of the same kind (422).",
            "security": FACILITATOR, "parameters": [WORKSHOP_ID, proposal_id],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False,
                "properties": {"activity": {"type": ["string", "null"], "pattern": KEY["pattern"]}}}}}},
            "responses": decision}},
        proposal + "/merge": {"post": {
            "summary": "Merge the proposal into an existing item", "security": FACILITATOR,
            "parameters": [WORKSHOP_ID, proposal_id],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False, "properties": {"item": KEY},
                "required": ["item"]}}}},
            "responses": decision}},
        proposal + "/reject": {"post": {
            "summary": "Reject the proposal", "security": FACILITATOR, "parameters": [WORKSHOP_ID, proposal_id],
            "requestBody": NO_BODY,
            "responses": {k: v for k, v in decision.items() if k != "422"}}},
    }


WORKSHOP_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
ACTIVITY_KEY = {"name": "key", "in": "path", "required": True, "schema": KEY}
TEMPLATE_KEY = {"name": "key", "in": "path", "required": True, "schema": KEY}
FACILITATOR = [{"facilitator": []}]


# --- actions and comparisons --------------------------------------------------------------------------------

SCHEMAS["ActionInput"] = {
    "type": "object", "additionalProperties": False,
    "description": "An action for an item of a matrix or criteria activity. PATCH changes the fields sent.",
    "properties": {"item": KEY, "owner": {"type": "string", "minLength": 1, "maxLength": 120},
                   "due_date": {"type": ["string", "null"], "format": "date"},
                   "note": {"type": "string", "maxLength": 2000}},
    "required": ["item", "owner"],
}
SCHEMAS["Action"] = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "activity": KEY, "item": KEY, "owner": {"type": "string"},
                   "due_date": {"type": ["string", "null"], "format": "date"}, "note": {"type": "string"},
                   "quadrant": {"type": ["string", "null"], "enum": ["top_right", "top_left", "bottom_right",
                                                                      "bottom_left", None],
                                "description": "The item's current quadrant under equal_groups (not stored)."},
                   "quadrant_name": {"type": ["string", "null"]}},
    "required": ["id", "activity", "item", "owner", "due_date", "note", "quadrant"],
}
_CELL = {"type": ["object", "null"], "description": "null: the item is not in that workshop's activity.",
         "properties": {"workshop": {"type": "integer"}, "n": {"type": ["integer", "null"]},
                        "x": NULLABLE_NUMBER, "y": NULLABLE_NUMBER, "quadrant": {"type": ["string", "null"]},
                        "score": NULLABLE_NUMBER, "rank": {"type": ["integer", "null"]}}}
SCHEMAS["Comparison"] = {
    "type": "object",
    "description": "One activity across workshops of one template (docs/methods.md: pooled, rank, rank change).",
    "properties": {
        "template": {"type": "string"}, "activity": KEY, "type": {"type": "string"},
        "weighting": {"enum": list(WEIGHTINGS)}, "title": {"type": "string"},
        "workshops": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "created_at": {"type": "string"},
            "min_group_size": {"type": "integer"}, "respondents": {"type": "integer"}}}},
        "skipped": {"type": "array", "items": {"type": "object"}},
        "pooled": {"type": ["object", "null"], "description": "null when the workshops' scales differ."},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "item": KEY, "title": {"type": "string"}, "workshops": {"type": "array", "items": _CELL},
            "pooled": _CELL, "rank_change": {"type": ["integer", "null"]}}}},
    },
    "required": ["template", "activity", "type", "weighting", "workshops", "items", "pooled"],
}
ACTION_ID = {"name": "action_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _action_paths(activity: str) -> dict[str, Any]:
    """Actions from the top quadrant and the comparison of workshops."""
    return {
        "/workshops/{id}/actions": {"get": {
            "summary": "The workshop's actions, each with its item's current quadrant",
            "security": FACILITATOR, "parameters": [WORKSHOP_ID],
            "responses": {"200": _json({"type": "array", "items": _ref("Action")}),
                          **_errors("401", "404", "403")}}},
        activity + "/actions": {"post": {
            "summary": "Make an action for an item of a matrix or criteria activity",
            "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ActionInput")}}},
            "responses": {"201": _json(_ref("Action"), "Created"), **_errors("401", "404", "403", "422")}}},
        "/workshops/{id}/actions/{action_id}": {
            "patch": {"summary": "Change an action (the fields sent)", "security": FACILITATOR,
                      "parameters": [WORKSHOP_ID, ACTION_ID],
                      "requestBody": {"required": True, "content": {"application/json": {
                          "schema": {**_ref("ActionInput"), "required": []}}}},
                      "responses": {"200": _json(_ref("Action")), **_errors("401", "404", "403", "422")}},
            "delete": {"summary": "Delete an action", "security": FACILITATOR,
                       "parameters": [WORKSHOP_ID, ACTION_ID],
                       "responses": {"204": {"description": "Deleted"}, **_errors("401", "404", "403")}}},
        "/comparisons": {"get": {
            "summary": "Compare one activity across your workshops created from the same template",
            "description": "Per item and workshop: position (x/y means or scores; a score for other types), n and "
                           "rank; a pooled column computed on everyone's data (each workshop's groups keep their "
                           "weight and must reach k on their own); rank change from the first workshop to the last. "
                           "Each workshop's own small-group suppression applies.",
            "security": FACILITATOR,
            "parameters": [{"name": "template", "in": "query", "required": True, "schema": {"type": "string"}},
                           {"name": "activity", "in": "query", "required": True, "schema": KEY},
                           {"name": "workshops", "in": "query", "required": False,
                            "description": "Comma-separated workshop ids (default: all of the template's).",
                            "schema": {"type": "string", "pattern": "^[0-9]+(,[0-9]+)*$"}},
                           {"name": "weighting", "in": "query", "required": False,
                            "schema": {"enum": list(WEIGHTINGS), "default": "equal_groups"}}],
            "responses": {"200": _json(_ref("Comparison")), **_errors("401", "404", "403", "422")}}},
    }


#: Operations described beside the routes that serve them: each API module registers a function that returns
#: its paths (and may add schemas to SCHEMAS), so a new resource is documented where it is written.
_EXTENSIONS: list[Callable[[], dict[str, Any]]] = []


#: Socket.IO events documented by the module that emits them (added to `x-socketio.events`).
SOCKET_EVENTS: dict[str, Any] = {}


def extend(paths: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    _EXTENSIONS.append(paths)
    return paths


def _extension_paths() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for paths in _EXTENSIONS:
        for path, operations in paths().items():
            merged.setdefault(path, {}).update(operations)
    return merged


def _schemas(kinds: tuple[activity_types.ActivityType, ...]) -> dict[str, Any]:
    """The shared schemas with each registered activity type's own, and `Activity` listing every type."""
    schemas = dict(SCHEMAS)
    for kind in kinds:
        schemas.update(kind.openapi_schemas())
    shared, _types = SCHEMAS["Activity"]["allOf"]
    fields = {**shared["properties"], "type": {"enum": [k.name for k in kinds]}}
    schemas["Activity"] = {**SCHEMAS["Activity"], "allOf": [
        {**shared, "properties": fields}, {"oneOf": [_ref(k.settings_schema) for k in kinds]}]}
    return schemas


def openapi_document() -> dict[str, Any]:
    activity = "/workshops/{id}/activities/{key}"
    kinds = activity_types.types()
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Prioritas public interface",
            "version": f"1 (app {__version__})",
            "description": "Live participatory prioritisation workshops. Errors are application/problem+json; "
                           "checks run in the order 401, 404, 403, 409, 422. A request body holds only the fields "
                           "its schema lists (another is a 422 naming it, and nothing is changed); whole numbers "
                           "are written without a fraction (5, not 5.0). Rate limits are keyed by account, "
                           "participant token and workshop, never by address alone.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": _schemas(kinds),
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
            "/templates": {
                "get": {"summary": "Built-in workshop templates, then the caller's own (own: true)",
                        "security": FACILITATOR,
                        "responses": {"200": _json({"type": "array", "items": _ref("Template")}),
                                      **_errors("401")}},
                "post": {"summary": "Extension: save an own template from a workshop or a definition",
                         "security": FACILITATOR,
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": _ref("NewTemplate")}}},
                         "responses": {"201": _json(_ref("OwnTemplate"), "Created; its key (my-...) works in "
                                                    "POST /workshops {\"template\": key}"),
                                       **_errors("401", "404", "403", "422")}}},
            "/templates/{key}": {
                "get": {"summary": "Extension: a built-in or own template's definition", "security": FACILITATOR,
                        "parameters": [TEMPLATE_KEY],
                        "responses": {"200": _json(_ref("WorkshopDefinition")), **_errors("401", "404")}},
                "delete": {"summary": "Extension: delete an own template (another's or a built-in key: 404)",
                           "security": FACILITATOR, "parameters": [TEMPLATE_KEY],
                           "responses": {"204": {"description": "Deleted"}, **_errors("401", "404")}}},
            "/workshops": {"post": {
                "summary": "Create a workshop from a template or a full definition", "security": FACILITATOR,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "oneOf": [_ref("FromTemplate"), _ref("NewWorkshop")]}}}},
                "responses": {"201": _json(_ref("Workshop"), "Created"), **_errors("401", "422")}}},
            "/workshops/{id}": {"get": {
                "summary": "A workshop document", "security": FACILITATOR, "parameters": [WORKSHOP_ID],
                "responses": {"200": _json(_ref("Workshop")), **_errors("401", "404", "403")}}},
            activity + "/open": {"post": {
                "summary": "Open an activity (others stay open unless close_others is true)",
                "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False,
                    "properties": {"close_others": {"type": "boolean"}}}}}},
                "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403", "422")}}},
            activity + "/close": {"post": {
                "summary": "Close an activity", "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "requestBody": NO_BODY,
                "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403", "422")}}},
            activity + "/results": {"get": {
                "summary": "Results of an activity",
                "description": "equal_groups (default) is readable with the facilitator or screen token; per_head "
                               "with the facilitator token only. Participant tokens get 403. With the "
                               "facilitator token the figures are exact. With the screen token they are what "
                               "the room sees (the screen, its live results, the phones' Delphi feedback): "
                               "computed from released answers only, which advance per group in whole batches "
                               "of at least min_group_size changed participants (closing releases nothing by "
                               "itself), so pooled figures (n, mean, sd, median, ...) move in those batches "
                               "as well as by_group; a group with fewer than min_group_size values on an "
                               "item's dimension is left out of every figure of it, pooled ones included, "
                               "so no fallback to the plain mean is shown; respondents and groups are live "
                               "counts. See docs/anonymity.md.",
                "security": [{"facilitator": []}, {"screen": []}],
                "parameters": [WORKSHOP_ID, ACTIVITY_KEY, {"name": "weighting", "in": "query", "required": False,
                                                           "schema": {"enum": list(WEIGHTINGS),
                                                                      "default": "equal_groups"}},
                               {"name": "round", "in": "query", "required": False,
                                "description": "A Delphi round (default: the current one); 404 for a round "
                                               "that has not started.",
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": _json({"anyOf": [*(_ref(k.results_schema) for k in kinds), HIDDEN_RESULTS]},
                                           "The results document of the activity's type; with the screen "
                                           "token, counts only (hidden: true) while the facilitator holds "
                                           "the figures back until she reveals them."),
                              **_errors("401", "404", "403", "422")}}},
            activity: {"patch": {
                "summary": "Change the criterion weights of a criteria activity and/or the reveal mode (any state)",
                "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("ActivityPatch")}}},
                "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403", "422")}}},
            activity + "/rounds": {"post": {
                "summary": "Delphi: close the current round and open the next",
                "description": "Earlier rounds' responses are kept; results take ?round=N. A pending activity "
                               "(never opened) is a 409.",
                "security": FACILITATOR, "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "responses": {"200": _json(_ref("Activity")), **_errors("401", "404", "403", "409")}}},
            "/workshops/{id}/weights": {"post": {
                "summary": "Set the groups' weights from a preset or custom figures",
                "security": FACILITATOR, "parameters": [WORKSHOP_ID],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("WeightsPreset")}}},
                "responses": {"200": _json(_ref("Workshop")), **_errors("401", "404", "403", "422")}}},
            activity + "/responses": {"put": {
                "summary": "Save a participant's responses (ratings, scores, points or a ranking)",
                "description": "saved: ratings or scores saved; 1 for a points or ranking ballot.",
                "security": [{"participant": []}],
                "parameters": [WORKSHOP_ID, ACTIVITY_KEY],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"anyOf": [_ref(k.ballot_schema) for k in kinds]}}}},
                "responses": {"200": _json({"type": "object", "properties": {"saved": {"type": "integer"}}}),
                              **_errors("401", "404", "403", "409", "413", "422", "429")}}},
            "/workshops/{id}/export": {"get": {
                "summary": "Export the workshop", "security": FACILITATOR,
                "description": "csv: one row per saved value; json: the archive that import reads; xlsx: a "
                               "workbook with a Summary sheet, one sheet per activity (every figure and flag "
                               "under equal_groups and per_head), By group, Raw responses (pseudonymised), "
                               "Participation (with paper ballots), Actions, Proposals and Method; pdf: the "
                               "workshop report (cover, method, participation, each activity's chart and "
                               "equal_groups table with the per-head mean beside it, then the actions and the "
                               "participants' proposals when there are any, in the workshop's language where "
                               "translated; Arabic is shaped and set right to left). Text cells that "
                               "start with =, +, - or @ are neutralised with a leading quote.",
                "parameters": [WORKSHOP_ID, {"name": "format", "in": "query", "required": False,
                                             "schema": {"enum": ["csv", "json", "xlsx", "pdf"],
                                                        "default": "json"}}],
                "responses": {
                    "200": {"description": "The file", "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/json": {"schema": _ref("Archive")},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    **_errors("401", "404", "403", "422")}}},
            **{activity + f"/chart.{fmt}": {"get": {
                "summary": f"The activity's chart as {fmt.upper()}",
                "description": "matrix and criteria: the four-field matrix (quadrant lines at the midpoint, "
                               "quadrant names, labelled items, group overlays where a group may be shown); "
                               "scale, points, ranking: bars in the results' order. Drawn from the same "
                               "results document as .../results, with the same credentials and weighting rules.",
                "security": [{"facilitator": []}, {"screen": []}],
                "parameters": [WORKSHOP_ID, ACTIVITY_KEY, {"name": "weighting", "in": "query", "required": False,
                                                           "schema": {"enum": list(WEIGHTINGS),
                                                                      "default": "equal_groups"}},
                               {"name": "round", "in": "query", "required": False,
                                "description": "A Delphi round (default: the current one; from round 2 arrows "
                                               "show where each item stood in the round before).",
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": {"description": "The chart", "content": {
                    mimetype: {"schema": {"type": "string", "format": "binary"}}}},
                    **_errors("401", "404", "403", "422")}}}
              for fmt, mimetype in (("png", "image/png"), ("svg", "image/svg+xml"))},
            "/workshops/import": {"post": {
                "summary": "Import a JSON export as a new workshop", "security": FACILITATOR,
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Archive")}}},
                "responses": {"201": _json(_ref("Workshop"), "Created"), **_errors("401", "422")}}},
            **_h4_paths(activity),
            "/join": {"post": {
                "summary": "Join a workshop as a participant of a group", "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"code": {"type": "string"}, "group": KEY},
                    "required": ["code", "group"]}}}},
                "responses": {"201": _json({"type": "object", "properties": {
                    "participant_token": {"type": "string"}, "workshop": {"type": "integer"}}}, "Joined"),
                    **_errors("404", "409", "422", "429")}}},
            **_action_paths(activity),
        },
        "x-socketio": {
            "namespace": "/",
            "auth": {"screen": {"screen_token": "string"}, "participant": {"participant_token": "string"},
                     "facilitator": "the browser's login session, with {workshop: id}"},
            "events": {
                events.STATE: {"to": "everyone in the workshop",
                          "payload": {"activity": "key", "state": "open|closed|pending"},
                          "note": "also sent (state open) when POST .../rounds opens a new Delphi round"},
                events.RESULTS: {"to": "screens and facilitators",
                            "payload": "a results document (equal_groups), coalesced a few times per second; "
                                       "screens get {activity, hidden: true, respondents, groups} while the "
                                       "facilitator holds the figures back"},
                events.REVEALED: {"to": "everyone in the workshop",
                             "payload": {"activity": "key", "revealed": "true when phones may show the room's "
                                                                        "figures with the participant's own answers"},
                             "note": "sent when the facilitator reveals or hides an activity's results, changes "
                                     "its reveal mode, closes or resets it"},
                events.TIMER: {"to": "everyone in the workshop",
                          "payload": {"activity": "key", "ends_at": "ISO 8601 UTC, or null when stopped"}},
                events.PARTICIPATION: {"to": "facilitators", "payload": {"groups": {"<group>": "joined count"}}},
                events.PROPOSALS: {"to": "facilitators",
                              "payload": {"pending": "proposals waiting for a decision (also sent on connect)"}},
            },
        },
    }
    for path, operations in _extension_paths().items():
        document["paths"].setdefault(path, {}).update(operations)
    document["x-socketio"]["events"].update(SOCKET_EVENTS)
    # Any request whose query string or body text holds a control character is refused before its view runs.
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("422", _problem("A text in the request holds a control character "
                                                              "or a broken one; nothing was done."))
    return document


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
