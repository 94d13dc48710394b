"""Console: start a Delphi round on the items without consensus (with the preview beside the threshold), the
per-round convergence report on the results page, and resetting an activity after a rehearsal."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, url_for
from flask import request as flask_request
from flask_babel import gettext
from flask_login import login_required

from app.facilitator import bp
from app.facilitator.routes import _activity_action, _me, _owned
from app.models import Activity
from app.services import delphi, resets, workshops
from app.services.errors import Problem


def _preview(activity: Activity, threshold: Any = None) -> dict[str, Any] | None:
    """The console's kept/dropped table (the default threshold, or the one typed in with JS off); None where
    a round cannot drop items (dots, a pending activity) or the figures cannot be read."""
    if not delphi.can_drop_items(activity) or activity.state == "pending":
        return None
    try:
        return delphi.preview(activity, threshold)
    except Problem:
        try:
            return delphi.preview(activity)
        except (Problem, ValueError):
            return None
    except ValueError:
        return None


@bp.app_context_processor
def _delphi_helpers() -> dict[str, Any]:
    return {"delphi_preview": _preview, "delphi_rounds": delphi.rounds_report}


@bp.post("/workshops/<int:workshop_id>/activities/<key>/rounds/unconverged")
@login_required
def next_round_unconverged(workshop_id: int, key: str) -> Response:
    """Start the next round with only the items below the threshold chosen in the console."""
    threshold = flask_request.form.get("threshold", "")

    def change(activity: Activity) -> Activity:
        field = delphi.threshold_field(activity)
        return delphi.start_round(activity, {"drop_converged": True, field: threshold})

    return _activity_action(
        workshop_id, key, change,
        lambda activity, _: (gettext("Round %(n)s of “%(title)s” is open with %(kept)s of %(total)s items; the "
                                     "others reached consensus in round %(previous)s.", n=activity.round,
                                     title=activity.title, kept=len(activity.round_items),
                                     total=len(activity.items), previous=activity.round - 1), "success"),
        lambda problem: " ".join(e.message for e in problem.errors) or problem.detail or problem.title)


@bp.post("/workshops/<int:workshop_id>/activities/<key>/reset")
@login_required
def reset_activity(workshop_id: int, key: str) -> Response:
    """Remove every answer of the activity (a rehearsal run); needs the confirmation box ticked."""
    if flask_request.form.get("confirm") != "yes":
        workshop = _owned(workshop_id)
        workshops.get_activity(workshop, key)
        flash(gettext("Nothing was reset: tick the box to confirm that every answer of this activity goes."), "error")
        return redirect(url_for(".console", workshop_id=workshop.id, _anchor=f"activity-{key}"))
    return _activity_action(
        workshop_id, key, lambda activity: resets.reset_activity(activity, _me()),
        lambda activity, outcome: (gettext("“%(title)s” is reset: %(n)s answers removed; it is back to round 1, "
                                           "not started.", title=activity.title, n=outcome["removed"]), "success"),
        lambda problem: problem.detail or problem.title)
