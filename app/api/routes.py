"""API views: parse, call a service, answer. Checks run in the contract's order: 401, 404, 403, 409, 422."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request

from app import library, reports
from app.api import bp
from app.api.auth import bearer_token, require_facilitator, require_participant, results_reader
from app.api.openapi import openapi_document
from app.extensions import limiter
from app.models import Activity
from app.services import accounts, archive, exports, live, participation, results, workshops
from app.services.database import transaction
from app.services.errors import invalid_field, not_found
from app.services.ratelimit import join_code_key, login_key


def json_body() -> Any:
    """The parsed JSON body; a body that is not JSON is a 422 (after the auth and state checks)."""
    data = request.get_json(silent=True)
    if data is None:
        raise invalid_field("", "The body must be JSON (Content-Type: application/json).")
    return data


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.post("/auth/token")
@limiter.limit("20/minute", key_func=login_key)
def issue_token() -> tuple[Response, int]:
    body = json_body()
    if not isinstance(body, dict):
        raise invalid_field("email", "Send a JSON object with email and password.")
    with transaction():
        token = accounts.issue_token(body.get("email"), body.get("password"))
    return jsonify({"token": token}), 200


@bp.get("/templates")
def templates() -> Response:
    require_facilitator()
    return jsonify(library.list_templates())


@bp.post("/workshops")
def create_workshop() -> tuple[Response, int]:
    user = require_facilitator()
    body = json_body()
    with transaction():
        workshop = workshops.create(user, body)
    return jsonify(workshops.document(workshop)), 201


@bp.get("/workshops/<int:workshop_id>")
def get_workshop(workshop_id: int) -> Response:
    user = require_facilitator()
    return jsonify(workshops.document(workshops.get_owned(workshop_id, user)))


def _change_state(workshop_id: int, key: str, state: str) -> Response:
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = request.get_json(silent=True) if request.data else {}
    close_others = isinstance(body, dict) and body.get("close_others") is True
    with transaction():
        workshops.set_state(activity, state, close_others=close_others)
    return jsonify(workshops.activity_document(activity))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/open")
def open_activity(workshop_id: int, key: str) -> Response:
    return _change_state(workshop_id, key, "open")


@bp.post("/workshops/<int:workshop_id>/activities/<key>/close")
def close_activity(workshop_id: int, key: str) -> Response:
    return _change_state(workshop_id, key, "closed")


@bp.patch("/workshops/<int:workshop_id>/activities/<key>")
def patch_activity(workshop_id: int, key: str) -> Response:
    """Change a criteria activity's weights, in any state; screens get the new results at once."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = json_body()
    with transaction():
        workshops.set_criteria_weights(activity, body)
    return jsonify(workshops.activity_document(activity))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/rounds")
def next_round(workshop_id: int, key: str) -> Response:
    """Delphi: close the current round and open the next; earlier rounds' responses are kept."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    with transaction():
        workshops.next_round(activity)
    return jsonify(workshops.activity_document(activity))


@bp.post("/workshops/<int:workshop_id>/weights")
def set_weights(workshop_id: int) -> Response:
    """Group weighting presets (equal, ilo) or custom weights; returns the workshop document."""
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    body = json_body()
    if not isinstance(body, dict):
        raise invalid_field("preset", 'Send {"preset": "equal"|"ilo"|"custom", "weights": {...}}.')
    with transaction():
        workshops.apply_weights(workshop, body.get("preset"), body.get("weights"))
    return jsonify(workshops.document(workshop))


def _round_param(activity: Activity) -> int | None:
    """`?round=N`: a whole number of at least 1 (422), of a round that has started (404)."""
    raw = request.args.get("round")
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise invalid_field("round", "The round is a whole number of at least 1.")
    number = int(raw)
    if number > activity.round:
        raise not_found(f"The activity '{activity.key}' is in round {activity.round}; round {number} has not "
                        "started.")
    return number


@bp.get("/workshops/<int:workshop_id>/activities/<key>/results")
def activity_results(workshop_id: int, key: str) -> Response:
    weighting = request.args.get("weighting") or "equal_groups"
    activity = results_reader(workshop_id, key, weighting)
    weighting = results.check_weighting(weighting)
    round_ = _round_param(activity)
    if round_ is None:
        document = results.compute(activity, weighting)
    else:
        document = results.compute(activity, weighting, round=round_)
    if live.is_hidden(activity) and accounts.user_for_token(bearer_token() or "") is None:
        document = live.for_screen(activity, document)  # the screen token sees counts only until revealed
    return jsonify(document)


@bp.get("/workshops/<int:workshop_id>/export")
def export(workshop_id: int) -> Response:
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    file = exports.build(workshop, request.args.get("format", "json"), current_app.config["APP_VERSION"])
    return Response(file.content, mimetype=file.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{file.filename}"'})


@bp.get("/workshops/<int:workshop_id>/activities/<key>/chart.<fmt>")
def activity_chart(workshop_id: int, key: str, fmt: str) -> Response:
    """The activity's matrix (or bar chart) as PNG or SVG, drawn from the same results as `.../results`."""
    weighting = request.args.get("weighting") or "equal_groups"
    activity = results_reader(workshop_id, key, weighting)
    if fmt not in reports.CHART_FORMATS:
        raise not_found("There is no chart in that format; use chart.png or chart.svg.")
    weighting = results.check_weighting(weighting)
    round_ = _round_param(activity)
    try:
        document = results.compute(activity, weighting, round=round_)
    except ValueError as error:  # a type the results service does not compute yet
        raise invalid_field("", f"No chart for '{activity.type}' activities yet.") from error
    return Response(reports.activity_chart(activity, document, fmt), mimetype=reports.CHART_FORMATS[fmt])


@bp.post("/workshops/import")
def import_workshop() -> tuple[Response, int]:
    user = require_facilitator()
    body = json_body()
    with transaction():
        workshop = archive.import_json(user, body)
    return jsonify(workshops.document(workshop)), 201


@bp.post("/join")
@limiter.limit("600/minute", key_func=join_code_key)
def join() -> tuple[Response, int]:
    body = json_body()
    if not isinstance(body, dict):
        raise invalid_field("code", 'Send {"code": ..., "group": ...}.')
    with transaction():
        participant, token = participation.join(body.get("code"), body.get("group"))
    return jsonify({"participant_token": token, "workshop": participant.workshop_id}), 201


@bp.put("/workshops/<int:workshop_id>/activities/<key>/responses")
@limiter.limit("120/minute")
def save_responses(workshop_id: int, key: str) -> Response:
    participant = require_participant()
    activity = participation.activity_for_participant(participant, workshop_id, key)
    workshops.require_open(activity)
    body = json_body()
    with transaction():
        saved = participation.save_responses(participant, activity, body)
    return jsonify({"saved": saved})
