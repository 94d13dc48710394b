"""Paper ballots: the facilitator types in the answers of someone without a phone.

A paper ballot is a new participant with `channel="paper"` in the chosen group, created and answered in one
transaction through the same service as a phone (`participation.save_responses`), so it is validated the
same way and a rejected ballot leaves nothing behind, not even the participant. The forms are read by the
phone's own parsers, so a paper ballot means exactly what the same marks on a phone would.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from app import activities as activity_types
from app.activities.base import Ballot
from app.facilitator import bp
from app.facilitator.routes import _me
from app.models import Activity, Workshop
from app.participant import ballots
from app.services import participation, workshops
from app.services.database import transaction
from app.services.errors import Problem

Page = str | tuple[str, int] | Response


def _read(activity: Activity) -> Ballot:
    """The phone's reading of the form; a half-answered item (matrix) is an error here, not left waiting."""
    ballot = activity_types.of(activity).read_form(activity, request.form)
    for key in ballot.incomplete:
        ballot.errors.setdefault(key, []).append(gettext("Answer both questions (or choose Don't know)."))
    return ballot


def _problem_errors(activity: Activity, problem: Problem, body: dict[str, Any]) -> tuple[dict[str, list[str]],
                                                                                          list[str]]:
    by_item, general = ballots.problem_errors(activity, problem, body)
    return by_item, general if (by_item or general) else [problem.detail or problem.title]


def _page(workshop: Workshop, activity: Activity, status: int = 200, **context: Any) -> tuple[str, int]:
    values = {"shown": {}, "item_errors": {}, "general": [], "group": "", "group_error": ""}
    values.update(context)
    inputs = activity_types.of(activity).form_context(activity)  # the scale, budget and cap, places, criteria, axes
    return render_template("facilitator/paper.html", workshop=workshop, activity=activity,
                           items=activity.round_items, **inputs, **values), status


@bp.route("/workshops/<int:workshop_id>/activities/<key>/paper", methods=["GET", "POST"])
@login_required
def paper_ballot(workshop_id: int, key: str) -> Page:
    activity = workshops.owned_activity(workshop_id, key, _me())
    workshop = activity.workshop
    if request.method == "GET":
        return _page(workshop, activity)
    group_key = request.form.get("group", "").strip()
    ballot = _read(activity)
    again = {"shown": ballot.shown, "group": group_key}
    if workshop.group(group_key) is None:
        return _page(workshop, activity, 422, **again, item_errors=ballot.errors, general=list(ballot.general),
                     group_error=gettext("Choose the group written on the ballot."))
    if ballot.errors or ballot.general or ballot.empty:
        general = list(ballot.general) or ([gettext("Nothing was saved: the ballot is empty.")] if ballot.empty else [])
        return _page(workshop, activity, 422, **again, item_errors=ballot.errors, general=general)
    try:
        with transaction():
            participant, _token = participation.join(workshop.join_code, group_key, channel="paper")
            participation.save_responses(participant, activity, ballot.body)
            pseudonym = participant.pseudonym
    except Problem as problem:
        if problem.status == 409:
            return _page(workshop, activity, 409, **again, general=[problem.detail or problem.title])
        if problem.status != 422:
            raise
        item_errors, general = _problem_errors(activity, problem, ballot.body)
        return _page(workshop, activity, 422, **again, item_errors=item_errors, general=general)
    group = workshop.group(group_key)
    flash(gettext("Paper ballot saved as %(pseudonym)s (%(group)s).", pseudonym=pseudonym,
                  group=group.name if group else group_key), "success")
    return redirect(url_for(".paper_ballot", workshop_id=workshop.id, key=activity.key, saved=pseudonym))
