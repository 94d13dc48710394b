"""Console pages for actions: the top quadrant's items with "Make an action", then edit or delete an action.

Plain forms (CSRFProtect checks every POST), validated by `app.services.actions` with the API's rules; a
rejected form comes back with the errors beside its fields and the API's status, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app.facilitator import bp
from app.facilitator.routes import _me
from app.models import Action, Activity
from app.services import actions, workshops
from app.services.database import transaction
from app.services.errors import Problem, invalid_field

Page = str | tuple[str, int] | Response


def _form() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in actions.FIELDS}


def _errors(problem: Problem) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in problem.errors:
        out.setdefault(error.field or "", []).append(error.message)
    if not out:
        out[""] = [problem.detail or problem.title]
    return out


def _board(activity: Activity, status: int = 200, **context: Any) -> tuple[str, int]:
    values: dict[str, Any] = {"failed_item": None, "values": {}, "errors": {}}
    values.update(context)
    return render_template("facilitator/actions/board.html", workshop=activity.workshop, activity=activity,
                           board=actions.board(activity), **values), status


def _activity(workshop_id: int, key: str) -> Activity:
    activity = workshops.owned_activity(workshop_id, key, _me())
    if not actions.has_quadrants(activity):
        raise invalid_field("activity", _("Actions are made from a matrix or criteria activity."))
    return activity


@bp.route("/workshops/<int:workshop_id>/activities/<key>/actions", methods=["GET", "POST"])
@login_required
def action_board(workshop_id: int, key: str) -> Page:
    """The items of the top quadrant (then the others) with their actions and a form to add one."""
    activity = _activity(workshop_id, key)
    if request.method == "GET":
        return _board(activity)
    values = _form()
    body = {"item": values["item"], "owner": values["owner"], "due_date": values["due_date"] or None,
            "note": values["note"]}
    try:
        with transaction():
            action = actions.create(activity, body)
            title = action.item.title
    except Problem as problem:
        if problem.status != 422:
            raise
        return _board(activity, 422, failed_item=values["item"], values=values, errors=_errors(problem))
    flash(_("Action for “%(item)s” saved.", item=title), "success")
    return redirect(url_for(".action_board", workshop_id=workshop_id, key=key, _anchor=f"item-{values['item']}"))


def _owned_action(workshop_id: int, action_id: int) -> Action:
    workshop = workshops.find(workshop_id)
    action = actions.get(workshop, action_id)
    workshops.check_owner(workshop, _me())
    return action


@bp.route("/workshops/<int:workshop_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def action_edit(workshop_id: int, action_id: int) -> Page:
    action = _owned_action(workshop_id, action_id)
    activity = action.activity
    if request.method == "GET":
        values = {"owner": action.owner, "due_date": action.due_date.isoformat() if action.due_date else "",
                  "note": action.note}
        return render_template("facilitator/actions/edit.html", workshop=activity.workshop, activity=activity,
                               action=action, values=values, errors={})
    values = _form()
    body = {"owner": values["owner"], "due_date": values["due_date"] or None, "note": values["note"]}
    try:
        with transaction():
            actions.update(action, body)
    except Problem as problem:
        if problem.status != 422:
            raise
        return render_template("facilitator/actions/edit.html", workshop=activity.workshop, activity=activity,
                               action=action, values=values, errors=_errors(problem)), 422
    flash(_("Action saved."), "success")
    return redirect(url_for(".action_board", workshop_id=workshop_id, key=activity.key,
                            _anchor=f"item-{action.item.key}"))


@bp.post("/workshops/<int:workshop_id>/actions/<int:action_id>/delete")
@login_required
def action_delete(workshop_id: int, action_id: int) -> Response:
    action = _owned_action(workshop_id, action_id)
    key, item = action.activity.key, action.item.key
    with transaction():
        actions.delete(action)
    flash(_("Action deleted."), "success")
    return redirect(url_for(".action_board", workshop_id=workshop_id, key=key, _anchor=f"item-{item}"))
