"""Facilitator views: parse a form, call a service inside a transaction, render or redirect.

A rejected submission re-renders the same form with the errors next to the fields and the status the API
would give (422 invalid, 409 conflict), and changes nothing: the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.extensions import limiter
from app.facilitator import bp, presenting
from app.facilitator.forms import (
    ActionForm,
    BlankWorkshopForm,
    GroupForm,
    ItemForm,
    LoginForm,
    MoveForm,
    OpenForm,
    RegisterForm,
    SettingsForm,
    TemplateWorkshopForm,
    WeightsForm,
    activity_forms,
    activity_type_names,
    attach_errors,
)
from app.models import Activity, User, Workshop
from app.services import access, accounts, editing, exports, invites, resets, results, throttle, workshops
from app.services import templates as own_templates
from app.services.database import transaction
from app.services.errors import Problem

Page = str | tuple[str, int] | Response
KINDS = "any(groups, items, activities)"
LOGIN_FAILED = lazy_gettext("Unknown e-mail address or wrong password.")


def _me() -> User:
    """The real User behind the proxy: services store it in relationships."""
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def _owned(workshop_id: int) -> Workshop:
    return workshops.get_owned(workshop_id, _me())


def _save(form: FlaskForm, action: Callable[[], Any]) -> int | None:
    """Run a write; on a 409/422 put the errors on the form and return the status to answer with."""
    try:
        with transaction():
            action()
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        attach_errors(form, problem)
        return problem.status
    return None


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: `next` must not turn the login page into an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


# --- accounts ----------------------------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    """Throttled per account and client with the API (app.services.throttle), never for a known device."""
    if current_user.is_authenticated:
        return redirect(url_for(".index"))
    form = LoginForm()
    if form.validate_on_submit():
        email, password = form.email.data or "", form.password.data or ""
        try:
            user, client = throttle.sign_in(email, password, request)
        except Problem as problem:
            form.form_errors.append(problem.detail if problem.status == 429 else str(LOGIN_FAILED))
            page = current_app.make_response((render_template("facilitator/login.html", form=form), problem.status))
            if problem.status == 429:
                page.headers["Retry-After"] = str(getattr(problem, "retry_after", 60))
            return page
        login_user(user, remember=bool(form.remember.data))
        page = redirect(_safe_next(request.args.get("next")) or url_for(".index"))
        page.set_cookie(throttle.DEVICE_COOKIE, throttle.device_value(client, user), max_age=throttle.DEVICE_MAX_AGE,
                        httponly=True, samesite="Lax", secure=request.is_secure)
        return page
    return render_template("facilitator/login.html", form=form), 422 if form.errors else 200


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def register() -> Page:
    """Closed unless PRIORITAS_OPEN_REGISTRATION=1: accounts come from invitations (app/facilitator/accounts.py)."""
    if not invites.registration_open():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for(".index"))
    form = RegisterForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        created: list[User] = []
        status = _save(form, lambda: created.append(
            accounts.create_user(form.email.data or "", form.password.data or "", form.name.data or "")))
        if status is None:
            login_user(created[0])
            flash(gettext("Welcome! Your facilitator account is ready."), "success")
            return redirect(url_for(".index"))
    return render_template("facilitator/register.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    ActionForm().validate_on_submit()  # CSRFProtect has already checked the token
    logout_user()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for(".login"))


# --- workshops ---------------------------------------------------------------------------------------------

@bp.get("/", strict_slashes=False)
@login_required
def index() -> str:
    rows = access.workshops_for(_me())
    mine = [w for w, _role in rows]
    return render_template("facilitator/index.html", workshops=mine, roles={w.id: r for w, r in rows},
                           participants=editing.participant_totals(w.id for w in mine))


def _template_choices(form: TemplateWorkshopForm) -> list[Any]:
    """The built-in templates and the facilitator's own (app.services.templates)."""
    rows = own_templates.summaries(_me())
    form.template.choices = [SelectChoice(t.key, t.title) for t in rows]
    return rows


def _new_page(template_form: TemplateWorkshopForm | None = None, blank_form: BlankWorkshopForm | None = None,
              status: int = 200) -> tuple[str, int]:
    template_form = template_form or TemplateWorkshopForm(prefix="tpl", data={"template": request.args.get("template")})
    templates = _template_choices(template_form)
    if template_form.template.data not in {t.key for t in templates}:
        template_form.template.data = None  # an unknown ?template= preselects the first, as without one
    return render_template("facilitator/new.html", templates=templates, template_form=template_form,
                           blank_form=blank_form or BlankWorkshopForm(prefix="blank")), status


@bp.get("/workshops/new")
@login_required
def new_workshop() -> tuple[str, int]:
    return _new_page()


@bp.post("/workshops/new/template")
@login_required
def create_from_template() -> Page:
    form = TemplateWorkshopForm(prefix="tpl")
    _template_choices(form)
    if not form.validate_on_submit():
        return _new_page(template_form=form, status=422)
    created: list[Workshop] = []
    status = _save(form, lambda: created.append(
        own_templates.create_from_template(_me(), form.template.data, form.title.data)))
    if status is not None:
        return _new_page(template_form=form, status=status)
    flash(gettext("Workshop “%(title)s” created from the template. Check the groups and items, then run it.",
                  title=created[0].title), "success")
    return redirect(url_for(".edit", workshop_id=created[0].id))


@bp.post("/workshops/new/blank")
@login_required
def create_blank() -> Page:
    form = BlankWorkshopForm(prefix="blank")
    if not form.validate_on_submit():
        return _new_page(blank_form=form, status=422)
    created: list[Workshop] = []
    status = _save(form, lambda: created.append(editing.create_blank(_me(), form.payload())))
    if status is not None:
        return _new_page(blank_form=form, status=status)
    flash(gettext("Workshop “%(title)s” created with the tripartite groups. Add items and an activity next.",
                  title=created[0].title), "success")
    return redirect(url_for(".edit", workshop_id=created[0].id))


# --- editor ------------------------------------------------------------------------------------------------

def _editor(workshop: Workshop, settings_form: SettingsForm | None = None, status: int = 200,
            alert: str | None = None, weights_form: WeightsForm | None = None) -> tuple[str, int]:
    return render_template(
        "facilitator/edit.html",
        workshop=workshop,
        settings_form=settings_form or SettingsForm(data=SettingsForm.values(workshop)),
        weights_form=weights_form or WeightsForm.for_workshop(workshop, data={"preset": workshops.preset_of(workshop)}),
        activity_types=activity_type_names(),
        action_form=ActionForm(),
        group_participants=editing.group_participants(workshop),
        item_responses=editing.item_responses(workshop),
        activity_responses=editing.activity_responses(workshop),
        missing=editing.readiness(workshop),
        alert=alert,
        own_template=own_templates.own_template_of(_me(), workshop),
    ), status


@bp.get("/workshops/<int:workshop_id>")
@login_required
def edit(workshop_id: int) -> tuple[str, int]:
    return _editor(_owned(workshop_id))


@bp.post("/workshops/<int:workshop_id>/settings")
@login_required
def settings(workshop_id: int) -> Page:
    workshop = _owned(workshop_id)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _editor(workshop, form, 422)
    status = _save(form, lambda: editing.update_settings(workshop, form.payload()))
    if status is not None:
        return _editor(workshop, form, status)
    flash(gettext("Settings saved."), "success")
    return redirect(url_for(".edit", workshop_id=workshop.id))


_FORMS: dict[str, type[GroupForm] | type[ItemForm]] = {"groups": GroupForm, "items": ItemForm}


def _activity_type(workshop: Workshop, kind: str, key: str | None) -> str:
    """The type of the activity being edited, or the one asked for with ?type= when adding (default matrix)."""
    if kind != "activities":
        return ""
    chosen = str(editing.get(workshop, "activities", key).type) if key is not None else request.args.get("type",
                                                                                                          "matrix")
    if chosen not in activity_forms():
        abort(404)  # an unknown type, or one defined through the API only
    return chosen


def _entity_form(workshop: Workshop, kind: str, data: dict[str, Any] | None = None, type_name: str = "") -> Any:
    if kind == "activities":
        return activity_forms()[type_name or "matrix"].for_workshop(workshop, data=data)
    return _FORMS[kind](data=data)


def _entity_page(workshop: Workshop, kind: str, form: Any, key: str | None, status: int = 200,
                 frozen: bool = False) -> tuple[str, int]:
    page = "facilitator/activity_form.html" if kind == "activities" else "facilitator/entity_form.html"
    return render_template(page, workshop=workshop, kind=kind, form=form, key=key,
                           frozen=frozen, activity_type=getattr(form, "type_name", ""),
                           type_names=activity_type_names()), status


def _frozen(workshop: Workshop, kind: str, key: str | None) -> bool:
    """Whether answers already pin this entity down, so the form can say so before anyone tries."""
    if key is None:
        return False
    if kind == "groups":
        return editing.group_participants(workshop).get(key, 0) > 0
    if kind == "items":
        return editing.item_responses(workshop).get(key, 0) > 0
    return editing.activity_responses(workshop).get(key, 0) > 0


def _saved(workshop: Workshop, kind: str, form: Any) -> Response:
    title = form.name.data if "name" in form else form.title.data
    message = {"groups": gettext("Stakeholder group “%(title)s” saved.", title=title),
               "items": gettext("Item “%(title)s” saved.", title=title),
               "activities": gettext("Activity “%(title)s” saved.", title=title)}[kind]
    flash(message, "success")
    return redirect(url_for(".edit", workshop_id=workshop.id, _anchor=kind))


@bp.route(f"/workshops/<int:workshop_id>/<{KINDS}:kind>/new", methods=["GET", "POST"])
@login_required
def entity_new(workshop_id: int, kind: str) -> Page:
    workshop = _owned(workshop_id)
    type_name = _activity_type(workshop, kind, None)
    defaults = activity_forms()[type_name].defaults(workshop) if type_name and request.method == "GET" else None
    form = _entity_form(workshop, kind, defaults, type_name)
    if kind == "activities" and not workshop.items and request.method == "GET":
        flash(gettext("Add at least one item before creating an activity."), "error")
        return redirect(url_for(".edit", workshop_id=workshop.id, _anchor="items"))
    if form.is_submitted():
        if not form.validate():
            return _entity_page(workshop, kind, form, None, 422)
        adder = {"groups": editing.add_group, "items": editing.add_item, "activities": editing.add_activity}[kind]
        status = _save(form, lambda: adder(workshop, form.payload()))
        if status is not None:
            return _entity_page(workshop, kind, form, None, status)
        return _saved(workshop, kind, form)
    return _entity_page(workshop, kind, form, None)


@bp.route(f"/workshops/<int:workshop_id>/<{KINDS}:kind>/<key>/edit", methods=["GET", "POST"])
@login_required
def entity_edit(workshop_id: int, kind: str, key: str) -> Page:
    workshop = _owned(workshop_id)
    entity = editing.get(workshop, kind, key)  # type: ignore[arg-type]
    type_name = _activity_type(workshop, kind, key)
    form_class = activity_forms()[type_name] if type_name else _FORMS[kind]
    values = form_class.values(entity) if request.method == "GET" else None
    form = _entity_form(workshop, kind, values, type_name)
    frozen = _frozen(workshop, kind, key)
    if form.is_submitted():
        if not form.validate():
            return _entity_page(workshop, kind, form, key, 422, frozen)
        updater = {"groups": editing.update_group, "items": editing.update_item,
                   "activities": editing.update_activity}[kind]
        status = _save(form, lambda: updater(workshop, key, form.payload()))
        if status is not None:
            return _entity_page(workshop, kind, form, key, status, frozen)
        return _saved(workshop, kind, form)
    return _entity_page(workshop, kind, form, key, 200, frozen)


@bp.post(f"/workshops/<int:workshop_id>/<{KINDS}:kind>/<key>/delete")
@login_required
def entity_delete(workshop_id: int, kind: str, key: str) -> Page:
    workshop = _owned(workshop_id)
    form = ActionForm()
    form.validate_on_submit()
    deleter = {"groups": editing.delete_group, "items": editing.delete_item,
               "activities": editing.delete_activity}[kind]
    status = _save(form, lambda: deleter(workshop, key))
    if status is not None:
        return _editor(workshop, status=status, alert=" ".join(form.form_errors))
    message = {"groups": gettext("Stakeholder group '%(key)s' deleted.", key=key),
               "items": gettext("Item '%(key)s' deleted.", key=key),
               "activities": gettext("Activity '%(key)s' deleted.", key=key)}[kind]
    flash(message, "success")
    return redirect(url_for(".edit", workshop_id=workshop.id, _anchor=kind))


@bp.post(f"/workshops/<int:workshop_id>/<{KINDS}:kind>/<key>/move")
@login_required
def entity_move(workshop_id: int, kind: str, key: str) -> Page:
    workshop = _owned(workshop_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _editor(workshop, status=422, alert=gettext("Move up or down."))
    offset = -1 if form.direction.data == "up" else 1
    status = _save(form, lambda: editing.move(workshop, kind, key, offset))  # type: ignore[arg-type]
    if status is not None:
        return _editor(workshop, status=status, alert=" ".join(form.form_errors))
    return redirect(url_for(".edit", workshop_id=workshop.id, _anchor=f"{kind}-{key}"))


# --- run console -------------------------------------------------------------------------------------------

@bp.get("/workshops/<int:workshop_id>/run")
@login_required
def console(workshop_id: int) -> str:
    workshop = _owned(workshop_id)
    return render_template(
        "facilitator/console.html",
        workshop=workshop,
        document=workshops.document(workshop),
        participation=workshops.participation(workshop),
        respondents={a.key: editing.respondents(a) for a in workshop.activities},
        missing=editing.readiness(workshop),
        open_form=OpenForm(),
        action_form=ActionForm(),
    )


@bp.get("/workshops/<int:workshop_id>/export.<fmt>")
@login_required
def export(workshop_id: int, fmt: str) -> Response:
    """Every export at any moment of the session, with the facilitator's login instead of an API token."""
    workshop = _owned(workshop_id)
    if fmt not in exports.FORMATS:
        abort(404)
    file = exports.build(workshop, fmt, current_app.config["APP_VERSION"])
    return Response(file.content, mimetype=file.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{file.filename}"'})


def _change_state(workshop_id: int, key: str, state: str) -> Response:
    workshop = _owned(workshop_id)
    activity = workshops.get_activity(workshop, key)
    form = OpenForm()
    form.validate_on_submit()  # CSRFProtect has already checked the token
    close_others = state == "open" and bool(form.close_others.data)
    with transaction():
        workshops.set_state(activity, state, close_others=close_others)
    flash(gettext("“%(title)s” is open: phones can answer now.", title=activity.title) if state == "open"
          else gettext("“%(title)s” is closed.", title=activity.title), "success")
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor=f"activity-{key}"))


def _activity_action(workshop_id: int, key: str, change: Callable[[Activity], Any],
                     done: Callable[[Activity, Any], tuple[str, str]], failed: Callable[[Problem], str]) -> Response:
    """One console button on one activity: apply `change` in a transaction, flash what happened (or why nothing
    did, for a 409/422), and go back to that activity in the console."""
    workshop = _owned(workshop_id)
    activity = workshops.get_activity(workshop, key)
    ActionForm().validate_on_submit()  # CSRFProtect has already checked the token
    try:
        with transaction():
            outcome = change(activity)
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        flash(failed(problem), "error")
    else:
        flash(*done(activity, outcome))
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor=f"activity-{key}"))


def _problem_text(problem: Problem) -> str:
    return " ".join(e.message for e in problem.errors) or problem.detail or problem.title


@bp.post("/workshops/<int:workshop_id>/activities/<key>/open")
@login_required
def open_activity(workshop_id: int, key: str) -> Response:
    return _change_state(workshop_id, key, "open")


@bp.post("/workshops/<int:workshop_id>/activities/<key>/close")
@login_required
def close_activity(workshop_id: int, key: str) -> Response:
    return _change_state(workshop_id, key, "closed")


# --- weighting presets, Delphi rounds, criterion weights, results ------------------------------------------

@bp.post("/workshops/<int:workshop_id>/weights")
@login_required
def weights(workshop_id: int) -> Page:
    """Equal groups, ILO 2:1:1 or custom weights for the group-weighted results (per head is a view)."""
    workshop = _owned(workshop_id)
    form = WeightsForm.for_workshop(workshop)
    if not form.validate_on_submit():
        return _editor(workshop, status=422, weights_form=form)
    preset, given = form.payload(request.form, workshop)
    status = _save(form, lambda: workshops.apply_weights(workshop, preset, given))
    if status is not None:
        form.group_weights = {g.key: request.form.get(f"w-{g.key}", "") for g in workshop.groups}
        return _editor(workshop, status=status, weights_form=form)
    weights = ", ".join(f"{g.name} {g.weight:g}" for g in workshop.groups)
    flash(gettext("Group weights saved: %(weights)s.", weights=weights), "success")
    return redirect(url_for(".edit", workshop_id=workshop.id, _anchor="groups"))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/rounds")
@login_required
def next_round(workshop_id: int, key: str) -> Response:
    """Delphi: close this round and open the next; phones see the last round's results, then re-rate."""
    return _activity_action(
        workshop_id, key, workshops.next_round,
        lambda activity, _: (gettext("Round %(n)s of “%(title)s” is open: phones show round %(previous)s's results, "
                                     "then ask again.", n=activity.round, title=activity.title,
                                     previous=activity.round - 1), "success"),
        lambda problem: problem.detail or problem.title)


def _wants_json() -> bool:
    """console.js posts the weight sliders with Accept: application/json; a plain form wants a page."""
    return request.accept_mimetypes.best == "application/json" and not request.accept_mimetypes.accept_html


@bp.post("/workshops/<int:workshop_id>/activities/<key>/criteria")
@login_required
def criteria_weights(workshop_id: int, key: str) -> Page:
    """Change criterion weights live (fields `c-<criterion>`); the screen re-plots from the results event."""
    workshop = _owned(workshop_id)
    activity = workshops.get_activity(workshop, key)
    form = ActionForm()
    form.validate_on_submit()  # CSRFProtect has already checked the token
    changes: list[dict[str, Any]] = []
    for criterion in (activity.settings or {}).get("criteria") or []:
        raw = request.form.get(f"c-{criterion['key']}")
        if raw is None:
            continue
        try:
            weight: Any = float(raw)
        except ValueError:
            weight = raw.strip()  # the service explains what a weight is
        changes.append({"key": criterion["key"], "weight": weight})
    try:
        with transaction():
            workshops.set_criteria_weights(activity, {"criteria": changes})
    except Problem as problem:
        if problem.status != 422 or _wants_json():
            raise  # the JSON caller gets problem+json with the field errors
        why = " ".join(e.message for e in problem.errors)
        flash(gettext("The weights were not changed: %(why)s", why=why), "error")
    else:
        if _wants_json():
            return jsonify({"criteria": activity.settings.get("criteria", [])})  # type: ignore[return-value]
        flash(gettext("Criterion weights of “%(title)s” saved; the screen shows the new scores.", title=activity.title),
              "success")
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor=f"activity-{key}"))


@bp.get("/workshops/<int:workshop_id>/activities/<key>/results")
@login_required
def activity_results(workshop_id: int, key: str) -> Page:
    """Every statistic of one activity for the facilitator, per head or with groups weighted."""
    workshop = _owned(workshop_id)
    activity = workshops.get_activity(workshop, key)
    weighting = request.args.get("weighting", "equal_groups")
    if weighting not in results.WEIGHTINGS:
        weighting = "equal_groups"
    round_ = request.args.get("round", type=int)
    try:
        document = results.compute(activity, weighting, round=round_)
        error = None
    except (ValueError, Problem) as failure:
        document, error = None, str(getattr(failure, "detail", None) or failure)
    return render_template("facilitator/results.html", workshop=workshop, activity=activity, weighting=weighting,
                           document=document, error=error, titles={i.key: i.title for i in workshop.items},
                           groups={g.key: g.name for g in workshop.groups}, round=round_ or activity.round,
                           item_keys=[i.key for i in activity.items_in_round(round_ or activity.round)], p=presenting)


# --- running the room: lock joining, remove one participant's answers --------------------------------------

@bp.post("/workshops/<int:workshop_id>/joining")
@login_required
def joining(workshop_id: int) -> Response:
    """Lock or unlock joining (field `locked` = "1" or "0"); phones already in keep voting."""
    workshop = _owned(workshop_id)
    ActionForm().validate_on_submit()  # CSRFProtect has already checked the token
    locked = request.form.get("locked") == "1"
    with transaction():
        workshops.set_joining_locked(workshop, locked)
    if locked:
        flash(gettext("Joining is locked: new phones are turned away; people already in keep voting."), "success")
    else:
        flash(gettext("Joining is open again: new phones can join with the code."), "success")
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor="join-title"))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/remove-responses")
@login_required
def remove_responses(workshop_id: int, key: str) -> Response:
    """Delete one participant's answers in the current round (field `pseudonym`, e.g. P017); logged."""
    pseudonym = request.form.get("pseudonym", "")
    name = pseudonym.strip().upper()

    def done(activity: Activity, removed: int) -> tuple[str, str]:
        if removed:
            return (f"Removed {removed} value(s) of {name} from round {activity.round} of “{activity.title}”; "
                    "the results are updated. This removal is logged.", "success")
        return (f"{name} has no answers in round {activity.round} of “{activity.title}”; nothing was removed.",
                "info")

    return _activity_action(workshop_id, key, lambda activity: resets.remove_responses(activity, pseudonym, _me()),
                            done, lambda problem: f"Nothing was removed. {_problem_text(problem)}")


# --- running the room: hide results until revealed, countdown timer ----------------------------------------

@bp.post("/workshops/<int:workshop_id>/activities/<key>/reveal-mode")
@login_required
def reveal_mode(workshop_id: int, key: str) -> Response:
    """Field `mode`: `live` (the screen shows figures as they come) or `on_reveal` (hidden until revealed)."""
    mode = request.form.get("mode")
    return _activity_action(
        workshop_id, key, lambda activity: workshops.set_reveal_mode(activity, mode),
        lambda *_: (gettext("The screen shows live results.") if mode == "live"
                    else gettext("The screen hides the results until you reveal them."), "success"),
        lambda _: gettext("Nothing was changed: the screen mode is live or hidden until revealed."))


@bp.post("/workshops/<int:workshop_id>/activities/<key>/reveal")
@login_required
def reveal(workshop_id: int, key: str) -> Response:
    """Field `revealed` = "1" shows the results on the screen at once, "0" hides them again."""
    shown = request.form.get("revealed", "1") == "1"
    return _activity_action(
        workshop_id, key, lambda activity: workshops.reveal(activity, shown),
        lambda *_: (gettext("The results are on the screen.") if shown
                    else gettext("The results are hidden from the screen again."), "success"),
        _problem_text)


@bp.post("/workshops/<int:workshop_id>/activities/<key>/timer")
@login_required
def timer(workshop_id: int, key: str) -> Response:
    """Field `minutes` (1, 2, 3 or 5) starts a countdown on screens and phones; `stop` ends it."""
    raw = request.form.get("minutes", "")
    minutes = None if "stop" in request.form else (int(raw) if raw.isascii() and raw.isdigit() else -1)
    return _activity_action(
        workshop_id, key, lambda activity: workshops.set_timer(activity, minutes),
        lambda *_: (gettext("Timer: %(n)s min.", n=minutes) if minutes else gettext("The timer is stopped."),
                    "success"),
        lambda problem: gettext("No timer was started.") + " " + _problem_text(problem))
