"""Console: presenter pace (self-paced, activity by activity, item by item; next/previous) and the settings of
participants' suggestions (on/off, limit per phone). Each action is one service call in a transaction; a
refused one (409 at the first/last step, 422 for a bad value) flashes why and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from app.facilitator import bp
from app.facilitator.forms import ActionForm
from app.facilitator.routes import _owned, _problem_text
from app.models import Workshop
from app.services import pace, proposals
from app.services.database import transaction
from app.services.errors import Problem

MODE_NAMES = {"self": _l("Self-paced: phones show every open activity"),
              "activity": _l("Activity by activity: phones show only the current activity"),
              "item": _l("Item by item: phones show only the current item")}


@bp.app_template_global()
def pace_panel(workshop: Workshop) -> dict[str, Any]:
    """What the console's and the remote's pace controls show."""
    step = pace.current(workshop)
    number, total = pace.position(workshop)
    return {"mode": workshop.pace, "modes": MODE_NAMES, "step": step, "number": number, "total": total,
            "item_count": len(step.activity.activity_items) if step is not None and step.activity else 0}


def run(workshop: Workshop, change: Callable[[], Any], done: str) -> bool:
    """Apply one change in a transaction; flash what happened, or why nothing did. True when it happened."""
    ActionForm().validate_on_submit()  # CSRFProtect has already checked the token
    try:
        with transaction():
            change()
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        flash(_("Nothing was changed: %(reason)s", reason=_problem_text(problem)), "error")
        return False
    if done:
        flash(done, "success")
    return True


def step_text(workshop: Workshop) -> str:
    step = pace.current(workshop)
    if step is None or step.activity is None:
        return _("Phones show every open activity.")
    if step.item is not None:
        return _("Phones show “%(activity)s”, item %(n)s: “%(item)s”.", activity=step.activity.title,
                 n=(step.index or 0) + 1, item=step.item.title)
    return _("Phones show “%(activity)s”.", activity=step.activity.title)


def _back(workshop: Workshop) -> Response:
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor="pace-title"))


@bp.post("/workshops/<int:workshop_id>/pace")
@login_required
def pace_mode(workshop_id: int) -> Response:
    """Field `mode`: self, activity or item."""
    workshop = _owned(workshop_id)
    if run(workshop, lambda: pace.set_mode(workshop, request.form.get("mode")), ""):
        flash(step_text(workshop), "success")
    return _back(workshop)


@bp.post("/workshops/<int:workshop_id>/pace/move")
@login_required
def pace_move(workshop_id: int) -> Response:
    """Field `direction`: next or previous; or field `activity` to jump to an activity."""
    workshop = _owned(workshop_id)
    target = request.form.get("activity")
    offset = -1 if request.form.get("direction") == "previous" else 1
    if run(workshop, (lambda: pace.go_to(workshop, target)) if target else (lambda: pace.move(workshop, offset)), ""):
        flash(step_text(workshop), "success")
    return _back(workshop)


@bp.post("/workshops/<int:workshop_id>/proposal-settings")
@login_required
def proposal_settings(workshop_id: int) -> Response:
    """Fields `open` (checkbox) and `limit` (1 to 100 suggestions per phone per 10 minutes)."""
    workshop = _owned(workshop_id)
    raw = request.form.get("limit", "").strip()
    limit: Any = int(raw) if raw.isascii() and raw.isdigit() else raw
    body = {"open": request.form.get("open") == "1", "limit": limit}
    done = (_("Suggestions are open: up to %(n)s per phone in 10 minutes.", n=limit) if body["open"]
            else _("Suggestions are closed: phones say so and send nothing."))
    run(workshop, lambda: proposals.update_settings(workshop, body), done)
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor="proposals-title"))
