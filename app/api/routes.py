"""API views: parse, call a service, answer. Checks run in the contract's order: 401, 404, 403, 409, 422."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _

from app import reports
from app.api import bp, strict
from app.api.auth import bearer_token, require_facilitator, require_participant, results_reader
from app.api.documents import workshop_document
from app.api.openapi import openapi_document
from app.api.tokens import token_response
from app.extensions import db, limiter
from app.models import Activity
from app.services import (
    accounts,
    admission,
    archive,
    ballot_box,
    comparison,
    delphi,
    exports,
    participation,
    release,
    results,
    vote_cache,
    workshops,
)
from app.services import actions as action_service
from app.services import proposals as proposal_service
from app.services import templates as own_templates
from app.services.database import transaction
from app.services.errors import Problem, conflict, forbidden, invalid_field, not_found, unauthorized


def json_body() -> Any:
    """The parsed JSON body; a body that is not JSON is a 422 (after the auth and state checks)."""
    data = request.get_json(silent=True)
    if data is None:
        raise invalid_field("", _("The body must be JSON (Content-Type: application/json)."))
    return data


#: The accepted top-level fields of each JSON command body and their JSON types (`app.api.strict`); the
#: OpenAPI request schemas list the same fields with additionalProperties false.
TOKEN_FIELDS: strict.Types = {"email": "string", "password": "string", "expires_in_days": "integer",
                              "label": "string"}
TEMPLATE_FIELDS: strict.Types = {"workshop_id": "integer", "definition": "object", "title": ("string", "null"),
                                 "description": "string"}
FROM_TEMPLATE_FIELDS: strict.Types = {"template": "string", "title": ("string", "null")}
DEFINITION_FIELDS: strict.Types = {
    "title": "string", "language": "string", "second_language": ("string", "null"), "min_group_size": "integer",
    "groups": "array", "items": "array", "activities": "array", "method_note": "string",
    "consent_text": ("string", "null"), "consent_required": "boolean"}
ARCHIVE_FIELDS: strict.Types = {
    "format": "string", "version": "integer", "app_version": "string", "exported_at": "string",
    "workshop": "object", "participants": "array", "responses": "array", "proposals": "array",
    "actions": "array", "delphi_rounds": "array", "admission": "object", "proposal_settings": "object"}
JOIN_FIELDS: strict.Types = {"code": "string", "group": "string", "device": ("string", "null"),
                             "passcode": ("string", "null"), "seat": ("string", "null")}
OPEN_FIELDS: strict.Types = {"close_others": "boolean"}
PATCH_FIELDS: strict.Types = {"criteria": "array", "reveal_mode": "string"}
ROUND_FIELDS: strict.Types = {"drop_converged": "boolean", "min_consensus": "number", "max_iqr": "number"}
WEIGHTS_FIELDS: strict.Types = {"preset": "string", "weights": "object"}
ACTION_FIELDS: strict.Types = {"item": "string", "owner": "string", "due_date": ("string", "null"),
                               "note": "string"}
REVEAL_FIELDS: strict.Types = {"revealed": "boolean"}
TIMER_FIELDS: strict.Types = {"seconds": "integer"}
PROPOSAL_FIELDS: strict.Types = {"kind": "string", "title": "string", "description": "string"}
APPROVE_FIELDS: strict.Types = {"activity": ("string", "null")}
MERGE_FIELDS: strict.Types = {"item": "string"}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.post("/auth/token")
def issue_token() -> tuple[Response, int]:
    """Throttled per account and client with the login form (app.services.throttle); tokens expire."""
    body = json_body()
    if not isinstance(body, dict):
        raise invalid_field("email", _("Send a JSON object with email and password."))
    return token_response(strict.check_object(body, TOKEN_FIELDS))


@bp.get("/templates")
def templates() -> Response:
    """The built-in templates, then the caller's own (`"own": true`, an extension of the contract)."""
    user = require_facilitator()
    return jsonify([t.as_json() for t in own_templates.summaries(user)])


@bp.post("/templates")
def create_template() -> tuple[Response, int]:
    """Extension: an own template from one of the caller's workshops or from a definition."""
    user = require_facilitator()
    body = strict.object_body(TEMPLATE_FIELDS)
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


def _change_state(workshop_id: int, key: str, state: str) -> Response:
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = strict.object_body(OPEN_FIELDS if state == "open" else {}, optional=True)
    close_others = body.get("close_others") is True
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
    """Change a criteria activity's weights and/or the reveal mode, in any state, in one transaction; screens
    get the new results at once."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = strict.object_body(PATCH_FIELDS, field="criteria")
    if not ({"criteria", "reveal_mode"} & set(body)):
        raise invalid_field("criteria", _('Send {"criteria": [{"key": ..., "weight": ...}]} and/or '
                                          '{"reveal_mode": "live"|"on_reveal"}.'))
    if "reveal_mode" in body and body["reveal_mode"] not in workshops.REVEAL_MODES:
        raise invalid_field("reveal_mode", _("The reveal mode is live (figures on the screen as votes come in) or "
                                             "on_reveal (hidden until revealed)."))
    with transaction():
        if "criteria" in body:
            workshops.set_criteria_weights(activity, {"criteria": body["criteria"]})
        if "reveal_mode" in body:
            workshops.set_reveal_mode(activity, body["reveal_mode"])
    return jsonify(workshops.activity_document(activity))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/rounds")
def next_round(workshop_id: int, key: str) -> Response:
    """Delphi: close the current round and open the next; earlier rounds' responses are kept."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = strict.object_body(ROUND_FIELDS) if request.get_data() else None  # no body: every item is asked again
    with transaction():
        delphi.start_round(activity, body)
    return jsonify({**workshops.activity_document(activity),
                    "round_items": [i.key for i in activity.round_items]})


@bp.post("/workshops/<int:workshop_id>/weights")
def set_weights(workshop_id: int) -> Response:
    """Group weighting presets (equal, ilo) or custom weights; returns the workshop document."""
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    body = strict.object_body(WEIGHTS_FIELDS, field="preset")
    with transaction():
        workshops.apply_weights(workshop, body.get("preset"), body.get("weights"))
    return jsonify(workshop_document(workshop, user))


def _round_param(activity: Activity) -> int | None:
    """`?round=N` (absent: the current round), checked by the one rule every reader uses."""
    raw = request.args.get("round")
    return None if raw is None or raw == "" else results.check_round(activity, raw)


@bp.get("/workshops/<int:workshop_id>/activities/<key>/results")
def activity_results(workshop_id: int, key: str) -> Response:
    weighting = request.args.get("weighting") or "equal_groups"
    activity = results_reader(workshop_id, key, weighting)
    weighting = results.check_weighting(weighting)
    if accounts.user_for_token(bearer_token() or "") is None:  # the screen token: what the room may see
        return jsonify(_room_view(activity, _round_param(activity)))
    document = results.compute(activity, weighting, round=_round_param(activity))
    return jsonify(document)


def _room_view(activity: Activity, round_: int | None) -> dict[str, Any]:
    """The room's released figures (docs/anonymity.md), after a release is made if one is due."""
    release.advance(activity)
    activity = db.session.get(Activity, activity.id) or activity
    return results.room_view(activity, round_)


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
        raise not_found(_("There is no chart in that format; use chart.png or chart.svg."))
    weighting = results.check_weighting(weighting)
    round_ = _round_param(activity)
    try:
        if accounts.user_for_token(bearer_token() or "") is None:  # the screen token: the room's figures
            document = _room_view(activity, round_)
            if document.get("hidden"):
                raise conflict(_("The facilitator has not revealed these results yet."))
        else:
            document = results.compute(activity, weighting, round=round_)
    except ValueError as error:  # a type the results service does not compute yet
        raise invalid_field("", _("No chart for '%(type)s' activities yet.", type=activity.type)) from error
    return Response(reports.activity_chart(activity, document, fmt), mimetype=reports.CHART_FORMATS[fmt])


@bp.post("/workshops/import")
def import_workshop() -> tuple[Response, int]:
    user = require_facilitator()
    body = strict.object_body(ARCHIVE_FIELDS)
    with transaction():
        workshop = archive.import_json(user, body)
    return jsonify(workshop_document(workshop, user)), 201


@bp.post("/join")
def join() -> tuple[Response, int]:
    """201 for a new participant; 200 when a known `device` gets its participant back (docs/ratelimits.md)."""
    body = strict.object_body(JOIN_FIELDS, field="code")
    device = body.get("device") or request.headers.get("X-Prioritas-Device") or None
    admitted = admission.join(body.get("code"), body.get("group"), device=device, passcode=body.get("passcode"),
                              seat=body.get("seat"))
    return jsonify({"participant_token": admitted.token, "workshop": admitted.workshop_id,
                    "group": admitted.group_key, "rejoined": admitted.rejoined,
                    "kept_group": admitted.kept_group}), 200 if admitted.rejoined else 201


@bp.put("/workshops/<int:workshop_id>/activities/<key>/responses")
@limiter.limit("120/minute")
def save_responses(workshop_id: int, key: str) -> Response:
    """The hall's busiest request: one indexed query for the voter, the activity from the process's snapshot
    of the workshop (`vote_cache`), then the ballot box, which answers once the ballot is committed."""
    voter = vote_cache.voter_for_token(bearer_token())
    if voter is None:
        raise unauthorized(_("Send a participant token: Authorization: Bearer <participant_token>."))
    view = vote_cache.workshop_view(workshop_id, voter.revision) if voter.workshop_id == workshop_id else None
    activity = view.activity(key) if view is not None else None
    if activity is None:  # another workshop's participant, or no such activity: the full checks, in order
        activity = participation.activity_for_participant(voter, workshop_id, key)
    workshops.require_open(activity)
    limit = participation.ballot_max_bytes(activity)
    if (request.content_length or 0) > limit:  # a 413 before reading, let alone parsing, a huge body
        raise Problem(413, "Payload too large", _("A ballot of this activity fits in %(n)s bytes; nothing was "
                                                  "saved.", n=limit))
    request.max_content_length = limit  # also bounds a body sent without a Content-Length
    return jsonify({"saved": ballot_box.cast(voter, activity, json_body())})


# --- actions and comparisons --------------------------------------------------------------------------------

def _owned_action(workshop_id: int, action_id: int) -> Any:
    """404 for a missing workshop or action before 403 for someone else's (the contract's order)."""
    user = require_facilitator()
    workshop = workshops.find(workshop_id)
    action = action_service.get(workshop, action_id)
    workshops.check_owner(workshop, user)
    return action


def _action_document(action: Any) -> dict[str, Any]:
    """One action with its item's current quadrant and the quadrant's name."""
    activity = action.activity
    return action_service.document(action, action_service.quadrants(activity).get(action.item.key),
                                   action_service.quadrant_names(activity))


@bp.get("/workshops/<int:workshop_id>/actions")
def list_actions(workshop_id: int) -> Response:
    user = require_facilitator()
    workshop = workshops.get_owned(workshop_id, user)
    return jsonify(action_service.documents(workshop))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/actions")
def create_action(workshop_id: int, key: str) -> tuple[Response, int]:
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = strict.object_body(ACTION_FIELDS)
    with transaction():
        action = action_service.create(activity, body)
        document = _action_document(action)
    return jsonify(document), 201


@bp.patch("/workshops/<int:workshop_id>/actions/<int:action_id>")
def update_action(workshop_id: int, action_id: int) -> Response:
    action = _owned_action(workshop_id, action_id)
    body = strict.object_body(ACTION_FIELDS)
    with transaction():
        action_service.update(action, body)
        document = _action_document(action)
    return jsonify(document)


@bp.delete("/workshops/<int:workshop_id>/actions/<int:action_id>")
def delete_action(workshop_id: int, action_id: int) -> tuple[str, int]:
    action = _owned_action(workshop_id, action_id)
    with transaction():
        action_service.delete(action)
    return "", 204


@bp.get("/comparisons")
def compare_workshops() -> Response:
    """Items of one activity across the facilitator's workshops of one template, with a pooled column."""
    user = require_facilitator()
    ids = comparison.parse_ids(request.args.get("workshops"))
    return jsonify(comparison.compare(user, request.args.get("template"), request.args.get("activity"), ids,
                                      request.args.get("weighting")))


# --- reveal, timer and participants' proposals -------------------------------------------------------

@bp.post("/workshops/<int:workshop_id>/activities/<key>/reveal")
def reveal_activity(workshop_id: int, key: str) -> Response:
    """Show an `on_reveal` activity's figures on the screen (`{"revealed": false}` hides them again)."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    if (activity.settings or {}).get("reveal", "live") != "on_reveal":
        raise conflict(_("The activity '%(key)s' shows live results; set reveal_mode to on_reveal first.",
                         key=activity.key))
    body = strict.object_body(REVEAL_FIELDS, optional=True)
    with transaction():
        workshops.reveal(activity, body.get("revealed", True))
    return jsonify(workshops.activity_document(activity))


TIMER_SECONDS = {m * 60: m for m in workshops.TIMER_MINUTES}


@bp.post("/workshops/<int:workshop_id>/activities/<key>/timer")
def activity_timer(workshop_id: int, key: str) -> Response:
    """`{"seconds": 60|120|180|300}` starts a countdown (the activity must be open); `{"seconds": 0}` stops it."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = request.get_json(silent=True)
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if seconds != 0 or isinstance(seconds, bool):
        workshops.require_open(activity)  # 409 before 422, as everywhere
    if isinstance(body, dict):
        strict.check_object(body, TIMER_FIELDS)
    if isinstance(seconds, bool) or not isinstance(seconds, int) or (seconds and seconds not in TIMER_SECONDS):
        raise invalid_field("seconds", _("seconds is 60, 120, 180 or 300 to start a countdown, or 0 to stop it."))
    with transaction():
        workshops.set_timer(activity, TIMER_SECONDS[seconds] if seconds else None)
    return jsonify(workshops.activity_document(activity))


@bp.get("/workshops/<int:workshop_id>/proposals")
def list_proposals(workshop_id: int) -> Response:
    """Facilitator: every proposal (`?status=pending`...); participant token: that participant's own."""
    token = bearer_token()
    user = accounts.user_for_token(token) if token else None
    participant = None if user else participation.participant_for_token(token)
    if user is None and participant is None:
        raise unauthorized(_("Send a facilitator or participant token: Authorization: Bearer <token>."))
    workshop = workshops.find(workshop_id)
    if user is not None:
        workshops.check_owner(workshop, user)
        status = proposal_service.check_status(request.args.get("status"))
        found = proposal_service.for_workshop(workshop, status)
    else:
        assert participant is not None
        if participant.workshop_id != workshop.id:
            raise forbidden(_("This participant belongs to another workshop."))
        found = proposal_service.for_participant(participant)
    return jsonify([proposal_service.document(p) for p in found])


@bp.post("/workshops/<int:workshop_id>/proposals")
def create_proposal(workshop_id: int) -> tuple[Response, int]:
    """A participant suggests a missing constraint, sector or outlier firm (10 per 10 minutes each)."""
    participant = require_participant()
    workshop = workshops.find(workshop_id)
    if participant.workshop_id != workshop.id:
        raise forbidden(_("This participant belongs to another workshop."))
    body = strict.object_body(PROPOSAL_FIELDS)
    with transaction():
        proposal = proposal_service.submit(participant, body)
    return jsonify(proposal_service.document(proposal)), 201


def _owned_proposal(workshop_id: int, proposal_id: int) -> tuple[Any, Any]:
    """404 for a missing workshop or proposal before 403 for someone else's (the contract's order)."""
    user = require_facilitator()
    workshop = workshops.find(workshop_id)
    proposal = proposal_service.get(workshop, proposal_id)
    workshops.check_owner(workshop, user)
    return workshop, proposal




@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/approve")
def approve_proposal(workshop_id: int, proposal_id: int) -> Response:
    """Create the item (an outlier firm as a sector); `{"activity": key}` adds it to a pending activity."""
    workshop, proposal = _owned_proposal(workshop_id, proposal_id)
    body = strict.object_body(APPROVE_FIELDS, optional=True)
    with transaction():
        proposal_service.approve(workshop, proposal, body.get("activity"))
    return jsonify(proposal_service.document(proposal))


@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/merge")
def merge_proposal(workshop_id: int, proposal_id: int) -> Response:
    workshop, proposal = _owned_proposal(workshop_id, proposal_id)
    body = strict.object_body(MERGE_FIELDS, optional=True)
    with transaction():
        proposal_service.merge(workshop, proposal, body.get("item"))
    return jsonify(proposal_service.document(proposal))


@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/reject")
def reject_proposal(workshop_id: int, proposal_id: int) -> Response:
    _workshop, proposal = _owned_proposal(workshop_id, proposal_id)
    strict.no_fields()
    with transaction():
        proposal_service.reject(proposal)
    return jsonify(proposal_service.document(proposal))
