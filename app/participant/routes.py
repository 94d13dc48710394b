"""Participant (phone) pages: join with a code, pick a group, rate items.

Plain HTML forms do all the work, so a phone with JavaScript off, or a venue that blocks WebSockets, can
still vote; static/js/phone.js only adds following the facilitator and saving without a full reload.
Every write goes through `transaction()`, so the screen hears of a vote only once it is committed.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError

from app import activities as activity_types
from app.extensions import limiter
from app.i18n import use_workshop_language
from app.models import Activity, Participant, Workshop
from app.participant import ballots, bp, consent
from app.participant.device import device_id
from app.services import admission, ballot_box, pace, participation, results, vote_cache, workshops
from app.services.database import transaction
from app.services.errors import Problem, not_found

#: Axes in the order a phone asks them: the vertical one ("how much does it matter?") first.
MAX_CODE_LENGTH = 40

Page = Response | tuple[str, int] | str


# --- helpers ------------------------------------------------------------------------------------------------

def _participant() -> Participant | None:
    """The phone's participant, from the permanent session cookie."""
    if "phone_participant" not in g:  # looked up once per request (the language hook needs it first)
        token = session.get("participant_token")
        g.phone_participant = participation.participant_for_token(token) if isinstance(token, str) else None
    return g.phone_participant


@bp.before_request
def _workshop_language() -> None:
    """Speak the workshop's language (unless the phone picked its own) before any message is translated."""
    participant = _participant()
    workshop = participant.workshop if participant is not None else None
    code = (request.view_args or {}).get("code")
    if isinstance(code, str):
        workshop = workshops.by_join_code(_normalise_code(code)) or workshop
    if workshop is not None:
        use_workshop_language(workshop.language)


def _render(template: str, workshop: Workshop | None = None, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render in the selected language (the phone's choice, else the workshop's); `<html lang dir>` follow it."""
    if workshop is not None and g.get("workshop_language") != workshop.language:
        use_workshop_language(workshop.language)
    if workshop is not None and isinstance(context.get("activity"), Activity):
        context.setdefault("pace_note", _pace_note(workshop, context["activity"]))
    html = render_template(f"participant/{template}", workshop=workshop, **context)
    return html, status


def _pace_note(workshop: Workshop, activity: Activity) -> str:
    """ "Item 2 of 7" while the facilitator walks this activity item by item, else nothing."""
    step = pace.current(workshop)
    if step is None or step.activity is not activity or step.index is None:
        return ""
    return _("Item %(n)s of %(total)s", n=step.index + 1, total=len(activity.activity_items))


def _shown_only(workshop: Workshop, activity: Activity, answered: Any) -> Any:
    """In item pace the page counts only the item on show ("1 of 1 saved"), not the whole activity."""
    keys = {i.key for i in pace.visible_items(workshop, activity)}
    return type(answered)(k for k in answered if k in keys)


def _normalise_code(raw: str) -> str:
    """Codes are read off a projector: ignore case, spaces and dashes people type in."""
    return re.sub(r"[\s\-]+", "", raw or "").upper()[:MAX_CODE_LENGTH]


def _need_participant() -> Participant | Response:
    participant = _participant()
    if participant is None:
        session.pop("participant_token", None)
        flash(_("Join a workshop first: type the code shown on the screen."), "info")
        return redirect(url_for(".join"))
    return participant


@bp.after_request
def _no_store(response: Response) -> Response:
    """Pages show one phone's own answers: never let a proxy or the back button serve a stale copy."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(CSRFError)
def _csrf_failed(_error: CSRFError) -> Response:
    """An expired or missing form token: explain and show the page again rather than a bare 400."""
    flash(_("This page had expired, so nothing was sent. Please try again."), "error")
    return redirect(request.path)


# --- joining ------------------------------------------------------------------------------------------------

@bp.get("/")
def index() -> Response:
    return redirect(url_for(".join"))


@bp.route("/join", methods=["GET", "POST"])
def join() -> Page:
    """Type the workshop code; an unknown code is a form error, creates nothing and counts as a failure."""
    code, error, status = "", None, 200
    device = device_id()
    if request.method == "POST":
        code = _normalise_code(request.form.get("code", ""))
        try:
            workshop = admission.lookup_code(code, device) if code else None
        except Problem as problem:  # too many wrong codes from this phone
            return _render("join.html", code=code, error=_too_many(problem), participant=_participant(),
                           status=problem.status)
        if workshop is not None:
            return redirect(url_for(".join_code", code=workshop.join_code))
        error = (_("No workshop has the code %(code)s. Check the code on the screen and try again.", code=code)
                 if code else _("Type the code shown on the screen."))
        status = 422
    return _render("join.html", code=code, error=error, participant=_participant(), status=status)


def _too_many(problem: Problem) -> str:
    if problem.status == 429:
        return _("Too many wrong codes from this phone. Wait a few minutes, then check the code on the screen.")
    return ballots.service_message(problem.detail)


_JOIN_MESSAGES = {
    "wrong_passcode": lambda: _("That passcode is not right. Ask the facilitator for the workshop's passcode."),
    "seat_required": lambda: _("This workshop needs a seat code: type the code printed on your card."),
    "seat_unknown": lambda: _("This seat code is not one of this workshop's. Check your card."),
    "seat_used": lambda: _("This seat code was used already: each card lets one person in. Ask the facilitator."),
    "seat_revoked": lambda: _("This seat code was withdrawn. Ask the facilitator for another card."),
}


def _sign_in(admitted: admission.Admission) -> Response:
    session["participant_token"] = admitted.token
    session.permanent = True
    if admitted.kept_group:
        flash(_("Welcome back. You stay in %(group)s: you have answered already.",
                group=admitted.participant.group.name), "info")
    elif admitted.rejoined:
        flash(_("Welcome back: this phone is still %(group)s.", group=admitted.participant.group.name), "info")
    return redirect(url_for(".vote"))


@bp.route("/j/<code>", methods=["GET", "POST"])
def join_code(code: str) -> Page:
    """The QR target: pick a stakeholder group (and type the passcode or seat code when asked); the phone then
    remembers who it is, and the same phone coming back gets its participant back."""
    device = device_id()
    try:
        workshop = admission.lookup_code(_normalise_code(code), device)
    except Problem as problem:
        return _render("join.html", code=_normalise_code(code), participant=_participant(), status=problem.status,
                       error=_too_many(problem))
    if workshop is None:
        return _render("join.html", code=_normalise_code(code), participant=_participant(), status=404,
                       error=_("No workshop has this code. Check the code on the screen and try again."))
    participant = _participant()
    if participant is not None and participant.workshop_id == workshop.id:
        return redirect(url_for(".vote"))
    seat = (request.form.get("seat") if request.method == "POST" else request.args.get("seat")) or ""
    if request.method == "GET" and admission.known_participant(workshop, device) is not None:
        with transaction():  # this phone joined before (the session was lost): the same participant again
            admitted = admission.admit(workshop.join_code, None, device=device)
        return _sign_in(admitted)
    if consent.needed(workshop):  # "I understand" first, also when the group form is posted directly
        return consent.page(workshop, 409 if request.method == "POST" else 200)
    error, status, bad_field = None, 200, ""
    if request.method == "POST":
        try:
            admitted = admission.join(workshop.join_code, request.form.get("group", ""), device=device,
                                      passcode=request.form.get("passcode", ""), seat=seat)
        except Problem as problem:
            signal = getattr(problem, "signal", "")
            bad_field = problem.errors[0].field if problem.errors else ""
            message = _JOIN_MESSAGES.get(signal)
            error = message() if message else (_too_many(problem) if problem.status == 429 else
                                               ballots.service_message(problem.errors[0].message if problem.errors
                                                                       else problem.detail))
            status = problem.status
        else:
            return _sign_in(admitted)
    seat_card = admission.seat_for_link(workshop, seat) if seat else None
    return _render("groups.html", workshop, error=error, status=status, field=bad_field,
                   seat=_normalise_code(seat),
                   seat_group=seat_card.group if seat_card is not None and not seat_card.revoked else None,
                   passcode=request.form.get("passcode", "") if bad_field != "passcode" else "")


@bp.route("/leave", methods=["GET", "POST"])
def leave() -> Page:
    """Sign this phone out; answers already saved stay. The device cookie stays too, so joining again from
    this phone brings back the same participant (someone without a phone votes on paper instead)."""
    participant = _participant()
    if participant is None:
        session.pop("participant_token", None)
        return redirect(url_for(".join"))
    if request.method == "POST":
        session.pop("participant_token", None)
        flash(_("This phone has signed out. Joining again from it brings back the same participant: one "
                "person, one voice."), "info")
        return redirect(url_for(".join"))
    return _render("leave.html", participant.workshop, participant=participant)


# --- voting -------------------------------------------------------------------------------------------------

@bp.route("/p", methods=["GET", "POST"])
@bp.route("/p/<activity_key>", methods=["GET", "POST"])
@limiter.limit("120/minute", methods=["POST"])
def vote(activity_key: str | None = None) -> Page:
    """The open activity; several open: a list; none: a page that waits for the facilitator."""
    participant = _need_participant()
    if isinstance(participant, Response):
        return participant
    workshop = participant.workshop
    key = activity_key or (request.form.get("activity") if request.method == "POST" else None)
    step = pace.current(workshop)
    if step is not None:
        return _paced_page(participant, step, key)
    if key:
        activity = workshop.activity(key)
        if activity is None:
            raise not_found(_("This workshop has no such activity."))
        return _activity_page(participant, activity)
    open_now = participation.open_activities(workshop)
    if len(open_now) == 1:
        return _activity_page(participant, open_now[0])
    closed = workshop.activity(request.args.get("closed", ""))
    notice = closed.title if closed is not None and not closed.is_open else None
    if not open_now:
        return _render("waiting.html", workshop, participant=participant, closed_title=notice, open_keys=[])
    progress = {a.key: len(activity_types.of(a).answered(a, participation.saved_values(participant, a)))
                for a in open_now}
    return _render("list.html", workshop, participant=participant, activities=open_now, progress=progress,
                   closed_title=notice, open_keys=[a.key for a in open_now])


def _paced_page(participant: Participant, step: pace.Step, key: str | None) -> Page:
    """Presenter pace: only the facilitator's current step. A form sent for another activity (the room moved
    on while it was being filled in) is still saved; a page asked for another activity shows the current one."""
    workshop = participant.workshop
    if key and (step.activity is None or key != step.activity.key):
        other = workshop.activity(key)
        if other is None:
            raise not_found(_("This workshop has no such activity."))
        if request.method == "POST":
            return _activity_page(participant, other)
        return redirect(url_for(".vote"))
    open_keys = [a.key for a in participation.open_activities(workshop)]
    if step.activity is None or not step.activity.is_open:
        closed = workshop.activity(request.args.get("closed", ""))
        notice = closed.title if closed is not None and not closed.is_open else None
        return _render("waiting.html", workshop, participant=participant, closed_title=notice, open_keys=open_keys)
    return _activity_page(participant, step.activity)


def _activity_page(participant: Participant, activity: Activity) -> Page:
    workshop = participant.workshop
    open_keys = [a.key for a in participation.open_activities(workshop)]
    # A form of an earlier round (sent late from a phone's offline queue) must not count in the current round.
    stale = request.method == "POST" and request.form.get("round", str(activity.round)) != str(activity.round)
    if not activity.is_open or stale:
        saved = participation.saved_values(participant, activity)
        late = request.method == "POST"
        answered = activity_types.of(activity).answered(activity, saved)
        return _render("closed.html", workshop, participant=participant, activity=activity, late=late,
                       answered=len(answered), open_keys=open_keys, status=409 if late else 200)
    kind = activity_types.of(activity)
    saved_now = participation.saved_values(participant, activity)
    shown = kind.shown_from_saved(activity, saved_now)
    status, message = 200, None
    item_errors: dict[str, list[str]] = {}
    general: list[str] = []
    incomplete: list[str] = []
    if request.method == "POST":
        ballot = kind.read_form(activity, request.form)
        shown = kind.merge_shown(shown, ballot.shown)
        item_errors, general, incomplete = dict(ballot.errors), list(ballot.general), list(ballot.incomplete)
        if ballot.empty and not item_errors and not general:
            status, message = 422, {"kind": "error", "text": kind.empty_message()}
        elif item_errors or general:
            status = 422
        else:
            try:
                saved = ballot_box.cast(vote_cache.voter_of(participant), activity, ballot.body)
            except Problem as problem:
                if problem.status == 409:
                    return _render("closed.html", workshop, participant=participant, activity=activity,
                                   late=True, answered=0, open_keys=open_keys, status=409)
                if problem.status != 422:
                    raise
                status = 422
                item_errors, general = ballots.problem_errors(activity, problem, ballot.body)
                if not item_errors and not general:
                    general.append(ballots.service_message(problem.detail or problem.title))
            else:
                waiting = (" " + ngettext(
                    "%(num)s item not saved yet: answer both questions, or choose Don't know.",
                    "%(num)s items not saved yet: answer both questions, or choose Don't know.",
                    len(incomplete)) if incomplete else "")
                message = {"kind": "warn" if incomplete else "ok", "text": kind.saved_message(saved) + waiting}
        if status == 422 and message is None:
            message = {"kind": "error", "text": _("Nothing was saved: %(why)s", why=(
                " ".join(general) if general else _("please check the highlighted items.")))}
        saved_now = participation.saved_values(participant, activity)  # what was saved (or left as it was)
        if status == 200:  # show what is saved now, and the half-answered items as they were sent
            shown = kind.shown_from_saved(activity, saved_now)
            for key in incomplete:
                shown[key] = {**shown.get(key, {}), **ballot.shown.get(key, {})}
    paced = pace.current(workshop) is not None
    return _render(
        kind.phone_template, workshop, status=status, participant=participant, activity=activity,
        items=pace.visible_items(workshop, activity), shown=shown,
        answered=_shown_only(workshop, activity, kind.answered(activity, saved_now)), incomplete=set(incomplete),
        item_errors=item_errors, message=message, open_keys=open_keys, previous=previous_round(activity),
        others=[] if paced else [a for a in participation.open_activities(workshop) if a.id != activity.id],
        **kind.phone_context(activity, shown),
    )


def previous_round(activity: Activity) -> list[dict[str, str]]:
    """Delphi: the previous round's figures as the room was shown them (released answers only, like the
    screen: docs/anonymity.md), never the exact ones."""
    if activity.round < 2:
        return []
    try:
        document = results.room_document(activity, round=activity.round - 1)
    except (ValueError, Problem):
        return []  # the results service cannot compute this round (yet): re-rate without the summary
    return activity_types.of(activity).previous_summary(activity, document)
