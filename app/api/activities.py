"""One activity of a workshop: open, close, its settings, Delphi rounds, reveal and timer, and its results and
charts (the room's released figures for the screen token, the full figures for facilitators)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from app import activities as activity_types
from app import reports
from app.api import bp, strict
from app.api.auth import bearer_token, require_facilitator, results_reader
from app.extensions import db
from app.models import Activity
from app.services import accounts, delphi, release, results, workshops
from app.services.database import transaction
from app.services.errors import conflict, invalid_field, not_found


def _change_state(workshop_id: int, key: str, state: str) -> Response:
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    body = strict.object_body(strict.documented(), optional=True)
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
    body = strict.object_body(strict.documented(), field="criteria")
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
    body = strict.object_body(strict.documented()) if request.get_data() else None  # no body: every item is asked again
    with transaction():
        delphi.start_round(activity, body)
    return jsonify({**workshops.activity_document(activity),
                    "round_items": [i.key for i in activity.round_items]})


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


@bp.get("/workshops/<int:workshop_id>/activities/<key>/chart.<fmt>")
def activity_chart(workshop_id: int, key: str, fmt: str) -> Response:
    """The activity's matrix (or bar chart) as PNG or SVG, drawn from the same results as `.../results`."""
    weighting = request.args.get("weighting") or "equal_groups"
    activity = results_reader(workshop_id, key, weighting)
    if fmt not in reports.CHART_FORMATS:
        raise not_found(_("There is no chart in that format; use chart.png or chart.svg."))
    weighting = results.check_weighting(weighting)
    if activity_types.of(activity).chart is None:
        raise invalid_field("", _("No chart for '%(type)s' activities yet.", type=activity.type))
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


@bp.post("/workshops/<int:workshop_id>/activities/<key>/reveal")
def reveal_activity(workshop_id: int, key: str) -> Response:
    """Show an `on_reveal` activity's figures on the screen (`{"revealed": false}` hides them again)."""
    user = require_facilitator()
    activity = workshops.owned_activity(workshop_id, key, user)
    if (activity.settings or {}).get("reveal", "live") != "on_reveal":
        raise conflict(_("The activity '%(key)s' shows live results; set reveal_mode to on_reveal first.",
                         key=activity.key))
    body = strict.object_body(strict.documented(), optional=True)
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
        strict.check_object(body, strict.documented())
    if isinstance(seconds, bool) or not isinstance(seconds, int) or (seconds and seconds not in TIMER_SECONDS):
        raise invalid_field("seconds", _("seconds is 60, 120, 180 or 300 to start a countdown, or 0 to stop it."))
    with transaction():
        workshops.set_timer(activity, TIMER_SECONDS[seconds] if seconds else None)
    return jsonify(workshops.activity_document(activity))
