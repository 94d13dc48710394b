"""Delphi rounds on the items without consensus: the preview before starting, and each round's report.

`POST .../rounds` itself is in `activities.py`; its optional body (`drop_converged`, `min_consensus` or
`max_iqr`) is documented here, with the results documents' additive round fields and `kendall_w`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from app import activities as activity_types
from app.api import bp, openapi
from app.api.auth import require_facilitator
from app.services import delphi, workshops


def _threshold_arg(activity: Any) -> Any:
    return request.args.get(delphi.threshold_field(activity))


@bp.get("/workshops/<int:workshop_id>/activities/<key>/rounds/preview")
def round_preview(workshop_id: int, key: str) -> Response:
    """Which items the next round would keep (no consensus yet) and drop, at a threshold; changes nothing."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    return jsonify(delphi.preview(activity, _threshold_arg(activity)))


@bp.get("/workshops/<int:workshop_id>/activities/<key>/rounds")
def round_report(workshop_id: int, key: str) -> Response:
    """Per round: the items asked, the rule that chose them, the items that converged on its figures."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    return jsonify({"activity": activity.key, "round": activity.round, "rounds": delphi.rounds_report(activity)})


_RULE = {"type": ["object", "null"], "properties": {"criterion": {"enum": ["consensus", "iqr"]},
                                                     "threshold": {"type": "number"}}}
_ROUND_FIELDS = {
    "asked_items": {"type": "array", "items": openapi.KEY,
                    "description": "Extension, when Delphi rounds left items out: the items this round asked."},
    "converged_items": {"type": "array", "items": openapi.KEY,
                        "description": "Extension: items that converged on this round's figures (the next "
                                       "round left them out)."},
    "round_rule": {**_RULE, "description": "Extension: the rule that chose this round's items (null: all)."},
}
_CONVERGED_IN = {"type": "integer", "minimum": 1,
                 "description": "Extension: on an item this round did not ask, the round its figures come from "
                                "(the round it converged in)."}
for _kind in activity_types.types():
    _schema = openapi.SCHEMAS.get(_kind.results_schema)
    if isinstance(_schema, dict) and isinstance(_schema.get("properties"), dict):
        _schema["properties"].update(_ROUND_FIELDS)
        _items = _schema["properties"].get("items", {}).get("items")
        if isinstance(_items, dict) and isinstance(_items.get("properties"), dict):
            _items["properties"]["converged_in_round"] = _CONVERGED_IN
_ranking = openapi.SCHEMAS["RankingResults"]["properties"]
_ranking["kendall_w"] = {
    "type": ["number", "null"], "minimum": 0, "maximum": 1,
    "description": "Extension: Kendall's W (coefficient of concordance, tie-corrected; unranked items tied at "
                   "the mean of the positions left) over every ballot of the round, everyone counted once; null "
                   "below two ballots, and under equal_groups below min_group_size ballots. by_group[g].kendall_w "
                   "is the group's own W, given only where the group's figures are shown."}

openapi.SCHEMAS["RoundPreview"] = {
    "type": "object",
    "properties": {
        "activity": openapi.KEY, "round": {"type": "integer"}, "criterion": {"enum": ["consensus", "iqr"]},
        "threshold": {"type": "number"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "item": openapi.KEY, "title": {"type": "string"}, "figure": openapi.NULLABLE_NUMBER,
            "converged": {"type": "boolean"}}}},
        "kept": {"type": "array", "items": openapi.KEY}, "dropped": {"type": "array", "items": openapi.KEY}},
    "required": ["activity", "round", "criterion", "threshold", "items", "kept", "dropped"],
}
openapi.SCHEMAS["NextRound"] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "drop_converged": {"type": "boolean", "default": False,
                           "description": "true: ask only the items that did not converge in the current round."},
        "min_consensus": {"type": "number", "minimum": 0, "maximum": 1, "default": delphi.DEFAULT_CONSENSUS,
                          "description": "matrix, scale, criteria: an item converged when its Tastle–Wierman "
                                         "consensus is at least this on every rated axis (with k values each)."},
        "max_iqr": {"type": "number", "minimum": 0, "default": delphi.DEFAULT_IQR,
                    "description": "ranking: an item converged when the interquartile range of its positions is "
                                   "at most this many places (with k ballots)."}},
}


@openapi.extend
def _paths() -> dict[str, Any]:
    activity = "/workshops/{id}/activities/{key}"
    params = [openapi.WORKSHOP_ID, openapi.ACTIVITY_KEY]
    threshold = [{"name": "min_consensus", "in": "query", "required": False,
                  "schema": {"type": "number", "minimum": 0, "maximum": 1, "default": delphi.DEFAULT_CONSENSUS}},
                 {"name": "max_iqr", "in": "query", "required": False,
                  "schema": {"type": "number", "minimum": 0, "default": delphi.DEFAULT_IQR}}]
    return {
        activity + "/rounds": {
            "post": {
                "summary": "Delphi: close the current round and open the next",
                "description": "Earlier rounds' responses are kept; results take ?round=N. Without a body every "
                               "item is asked again. With drop_converged, only the items that did not converge "
                               "on the current round's figures (see the preview); in that round phones, paper "
                               "ballots and the API accept only those items (422 for another). A pending "
                               "activity, or a threshold at which every item converged, is a 409. Points "
                               "activities always re-ask every item (422 with drop_converged).",
                "security": openapi.FACILITATOR, "parameters": params,
                "requestBody": {"required": False, "content": {"application/json": {
                    "schema": openapi._ref("NextRound")}}},
                "responses": {"200": openapi._json(openapi._ref("Activity")),
                              **openapi._errors("401", "404", "403", "409", "422")}},
            "get": {
                "summary": "Extension: per round, the items asked, the rule that chose them and the items that "
                           "converged on its figures",
                "security": openapi.FACILITATOR, "parameters": params,
                "responses": {"200": openapi._json({"type": "object", "properties": {
                    "activity": openapi.KEY, "round": {"type": "integer"},
                    "rounds": {"type": "array", "items": {"type": "object", "properties": {
                        "round": {"type": "integer"}, "asked": {"type": "array", "items": openapi.KEY},
                        "converged": {"type": "array", "items": openapi.KEY}, "rule": _RULE}}}}}),
                    **openapi._errors("401", "404", "403")}}},
        activity + "/rounds/preview": {"get": {
            "summary": "Extension: which items the next round would keep and drop at a threshold",
            "description": "min_consensus for matrix, scale and criteria; max_iqr for ranking. Changes nothing.",
            "security": openapi.FACILITATOR, "parameters": params + threshold,
            "responses": {"200": openapi._json(openapi._ref("RoundPreview")),
                          **openapi._errors("401", "404", "403", "422")}}},
    }
