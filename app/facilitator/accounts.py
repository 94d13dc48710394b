"""Account pages: invitations (administrators), accepting one, API tokens, workshop members, a new screen link.

Plain forms (CSRFProtect checks every POST); the rules live in app.services (invites, members, accounts,
screen_link, access), so the pages and the API refuse the same things.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.facilitator import bp
from app.facilitator.forms import RegisterForm, attach_errors
from app.facilitator.routes import _me
from app.models import User, Workshop
from app.services import access, accounts, invites, members, screen_link, workshops
from app.services.database import transaction
from app.services.errors import Problem

Page = str | tuple[str, int] | Response


@bp.app_context_processor
def _roles() -> dict[str, Any]:
    def workshop_role(workshop: Workshop) -> str | None:
        if not current_user.is_authenticated:
            return None
        return access.role_of(workshop, current_user._get_current_object())

    return {"workshop_role": workshop_role}


def _flash_problem(problem: Problem) -> None:
    flash(problem.errors[0].message if problem.errors else (problem.detail or problem.title), "error")


# --- invitations (administrators) --------------------------------------------------------------------------

@bp.route("/admin/invitations", methods=["GET", "POST"])
@login_required
def admin_invites() -> Page:
    me = _me()
    invites.require_admin(me)
    link = None
    status = 200
    if request.method == "POST":
        try:
            with transaction():
                secret, _row = invites.create(me, request.form.get("note", ""))
            link = url_for(".accept_invite", secret=secret, _external=True)
            status = 201
        except Problem as problem:
            if problem.status != 422:
                raise
            _flash_problem(problem)
            status = 422
    rows = [(row, invites.status(row)) for row in invites.listing()]
    return render_template("facilitator/accounts/invites.html", rows=rows, link=link,
                           days=invites.INVITE_DAYS), status


@bp.post("/admin/invitations/<int:invitation_id>/revoke")
@login_required
def admin_invite_revoke(invitation_id: int) -> Response:
    with transaction():
        invites.revoke(_me(), invitation_id)
    flash(_("The invitation link no longer works."), "info")
    return redirect(url_for(".admin_invites"))


def _invite_key() -> str:
    """Per link, not per visitor bucket: one person guessing cannot hold back another's invitation."""
    from app.models import token_digest

    return "invite:" + token_digest(str((request.view_args or {}).get("secret", "")))[:24]


@bp.route("/invite/<secret>", methods=["GET", "POST"])
@limiter.limit("10/minute", key_func=_invite_key, methods=["POST"])
def accept_invite(secret: str) -> Page:
    """The invited person chooses a name, their address and a password; the link is then spent."""
    if invites.find_open(secret) is None:
        return render_template("facilitator/accounts/accept.html", form=None), 404
    form = RegisterForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        created: list[User] = []
        try:
            with transaction():
                created.append(invites.accept(secret, form.email.data or "", form.password.data or "",
                                              form.name.data or ""))
        except Problem as problem:
            if problem.status not in (404, 422):
                raise
            attach_errors(form, problem)
            status = problem.status
        else:
            login_user(created[0])
            flash(_("Welcome! Your facilitator account is ready."), "success")
            return redirect(url_for(".index"))
    return render_template("facilitator/accounts/accept.html", form=form), status


# --- API tokens --------------------------------------------------------------------------------------------

@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Page:
    """The signed-in facilitator's API tokens: make one (shown once), see when each was used, revoke."""
    me = _me()
    token = None
    status = 200
    if request.method == "POST":
        try:
            days, label = accounts.token_options({"label": request.form.get("label", ""),
                                                  "expires_in_days": _int(request.form.get("days", "30"))})
            with transaction():
                token = accounts.new_api_token(me, days, label)[0]
            status = 201
        except Problem as problem:
            if problem.status != 422:
                raise
            _flash_problem(problem)
            status = 422
    rows = [accounts.token_document(row) for row in accounts.tokens_of(me)]
    return render_template("facilitator/accounts/account.html", rows=rows, token=token), status


def _int(value: str) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def account_token_revoke(token_id: int) -> Response:
    with transaction():
        accounts.revoke_token(_me(), token_id)
    flash(_("The token no longer works."), "info")
    return redirect(url_for(".account"))


# --- workshop members --------------------------------------------------------------------------------------

@bp.route("/workshops/<int:workshop_id>/members", methods=["GET", "POST"])
@login_required
def members_page(workshop_id: int) -> Page:
    me = _me()
    workshop = workshops.find(workshop_id)
    role = access.require(workshop, me, "read")
    status = 200
    if request.method == "POST":
        try:
            with transaction():
                members.add(workshop, me, request.form.get("email", ""), request.form.get("role", ""))
            flash(_("Member saved."), "success")
            return redirect(url_for(".members_page", workshop_id=workshop.id))
        except Problem as problem:
            if problem.status != 422:
                raise
            _flash_problem(problem)
            status = 422
    return render_template("facilitator/accounts/members.html", workshop=workshop, role=role,
                           rows=members.document(workshop)), status


@bp.post("/workshops/<int:workshop_id>/members/<int:user_id>/remove")
@login_required
def member_remove(workshop_id: int, user_id: int) -> Response:
    me = _me()
    workshop = workshops.find(workshop_id)
    access.require(workshop, me, "read")
    with transaction():
        members.remove(workshop, me, user_id)
    if user_id == me.id:
        return redirect(url_for(".index"))
    return redirect(url_for(".members_page", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/members/<int:user_id>/owner")
@login_required
def member_make_owner(workshop_id: int, user_id: int) -> Response:
    workshop = workshops.find(workshop_id)
    with transaction():
        members.transfer(workshop, _me(), user_id)
    flash(_("Ownership handed over; you stay on as co-facilitator."), "success")
    return redirect(url_for(".members_page", workshop_id=workshop.id))


# --- screen link -------------------------------------------------------------------------------------------

@bp.post("/workshops/<int:workshop_id>/screen-link")
@login_required
def new_screen_link(workshop_id: int) -> Response:
    """A new screen link: the old one and every screen open on it stop at once."""
    workshop = workshops.find(workshop_id)
    workshops.check_owner(workshop, _me(), "run")
    with transaction():
        screen_link.rotate(workshop, _me())
    flash(_("New screen link made: the old link no longer works. Open the screen again from here."), "success")
    return redirect(url_for(".console", workshop_id=workshop.id) + "#screen-link")


