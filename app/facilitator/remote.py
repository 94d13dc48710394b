"""The facilitator's phone remote: big buttons for the one walking the room, without the full console.

Next/previous (presenter pace), open/close the current activity, reveal, timer, lock joining. Plain POST
forms with CSRF (works with JavaScript off); static/js/remote.js refreshes the page's state live. Same rights
as the console (login, own workshop). Every action calls the same service the console and the API call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app.facilitator import bp
from app.facilitator.pace import run, step_text
from app.facilitator.routes import _owned
from app.models import Activity, ActivityState, Workshop
from app.services import editing, live, pace, workshops
from app.services.errors import invalid_field

TIMER_MINUTES = workshops.TIMER_MINUTES


def current_activity(workshop: Workshop, chosen: str | None = None) -> Activity | None:
    """The activity the remote acts on: the pace step; self-paced, the one chosen (?activity=), else the
    latest opened open one, else the next not yet opened, else the last."""
    step = pace.current(workshop)
    if step is not None:
        return step.activity
    if chosen and workshop.activity(chosen) is not None:
        return workshop.activity(chosen)
    opened = [a for a in workshop.activities if a.is_open]
    if opened:
        return max(opened, key=lambda a: (a.opened_at is not None, a.opened_at or a.id, a.position))
    pending = [a for a in workshop.activities if a.state == ActivityState.pending.value]
    return pending[0] if pending else (workshop.activities[-1] if workshop.activities else None)


def _page(workshop: Workshop, activity: Activity | None) -> str:
    settings = (activity.settings or {}) if activity is not None else {}
    return render_template(
        "facilitator/remote/remote.html", workshop=workshop, activity=activity, settings=settings,
        hidden_mode=settings.get("reveal", "live") == "on_reveal", revealed=bool(settings.get("revealed")),
        timer_ends=settings.get("timer_ends_at") if activity is not None and activity.is_open else None,
        answered=editing.respondents(activity)["respondents"] if activity is not None else 0,
        joined=sum(workshops.participation(workshop).values()), step=step_text(workshop),
        hidden=activity is not None and live.is_hidden(activity), minutes=TIMER_MINUTES)


@bp.get("/workshops/<int:workshop_id>/remote")
@login_required
def remote(workshop_id: int) -> str:
    workshop = _owned(workshop_id)
    return _page(workshop, current_activity(workshop, request.args.get("activity")))


def _act(workshop_id: int, change: Callable[[Workshop, Activity | None], Any],
         done: str | Callable[[], str]) -> Response:
    """One remote button: the activity it acts on comes with the form (the one the remote showed), so a tap
    after someone else moved the room never hits another activity by surprise."""
    workshop = _owned(workshop_id)
    key = request.form.get("activity") or None
    activity = workshops.get_activity(workshop, key) if key else None
    ok = run(workshop, lambda: change(workshop, activity), "")
    if ok:
        flash(done() if callable(done) else done, "success")
    return redirect(url_for(".remote", workshop_id=workshop.id, activity=key) if key and pace.current(workshop) is None
                    else url_for(".remote", workshop_id=workshop.id))


def _need(activity: Activity | None) -> Activity:
    if activity is None:
        raise invalid_field("activity", _("No activity is selected."))
    return activity


@bp.post("/workshops/<int:workshop_id>/remote/move")
@login_required
def remote_move(workshop_id: int) -> Response:
    offset = -1 if request.form.get("direction") == "previous" else 1
    workshop = _owned(workshop_id)
    return _act(workshop_id, lambda w, _a: pace.move(w, offset), lambda: step_text(workshop))


@bp.post("/workshops/<int:workshop_id>/remote/state")
@login_required
def remote_state(workshop_id: int) -> Response:
    """Field `state`: open (closing any other open activity, as one step at a time wants) or closed."""
    state = "open" if request.form.get("state") == "open" else "closed"
    return _act(workshop_id, lambda _w, a: workshops.set_state(_need(a), state, close_others=state == "open"),
                _("Open: phones can answer now.") if state == "open" else _("Closed."))


@bp.post("/workshops/<int:workshop_id>/remote/reveal")
@login_required
def remote_reveal(workshop_id: int) -> Response:
    """Field `reveal`: 1 shows the results on the screen, 0 hides them again, `hide` starts hiding them."""
    choice = request.form.get("reveal", "1")
    if choice == "hide":
        return _act(workshop_id, lambda _w, a: workshops.set_reveal_mode(_need(a), "on_reveal"),
                    _("The screen hides the results until you reveal them."))
    shown = choice == "1"
    return _act(workshop_id, lambda _w, a: workshops.reveal(_need(a), shown),
                _("The results are on the screen.") if shown else _("The results are hidden from the screen again."))


@bp.post("/workshops/<int:workshop_id>/remote/timer")
@login_required
def remote_timer(workshop_id: int) -> Response:
    """Field `minutes` (1, 2, 3 or 5) starts the countdown; `stop` ends it."""
    raw = request.form.get("minutes", "")
    minutes = None if "stop" in request.form else (int(raw) if raw.isascii() and raw.isdigit() else -1)
    return _act(workshop_id, lambda _w, a: workshops.set_timer(_need(a), minutes),
                _("Timer: %(n)s min.", n=minutes) if minutes else _("The timer is stopped."))


@bp.post("/workshops/<int:workshop_id>/remote/joining")
@login_required
def remote_joining(workshop_id: int) -> Response:
    locked = request.form.get("locked") == "1"
    return _act(workshop_id, lambda w, _a: workshops.set_joining_locked(w, locked),
                _("Joining is locked.") if locked else _("Joining is open again."))
