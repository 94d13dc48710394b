"""Participant (phone) pages: join with a code, pick a group, rate items.

Plain HTML forms do all the work, so a phone with JavaScript off, or a venue that blocks WebSockets, can
still vote; static/js/phone.js only adds following the facilitator and saving without a full reload.
Every write goes through `transaction()`, so the screen hears of a vote only once it is committed.
"""

from __future__ import annotations

from flask import Response, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app import activities as activity_types
from app.extensions import limiter
from app.models import Activity, Participant
from app.participant import ballots, bp, consent
from app.participant.device import device_id
from app.participant.pages import (
    Page,
    current_participant,
    need_participant,
    normalise_code,
    render,
    shown_only,
)
from app.services import admission, ballot_box, pace, participation, results, vote_cache
from app.services.database import transaction
from app.services.errors import Problem, not_found

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
        code = normalise_code(request.form.get("code", ""))
        try:
            workshop = admission.lookup_code(code, device) if code else None
        except Problem as problem:  # too many wrong codes from this phone
            return render("join.html", code=code, error=_too_many(problem), participant=current_participant(),
                           status=problem.status)
        if workshop is not None:
            return redirect(url_for(".join_code", code=workshop.join_code))
        error = (_("No workshop has the code %(code)s. Check the code on the screen and try again.", code=code)
                 if code else _("Type the code shown on the screen."))
        status = 422
    return render("join.html", code=code, error=error, participant=current_participant(), status=status)


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
        workshop = admission.lookup_code(normalise_code(code), device)
    except Problem as problem:
        return render("join.html", code=normalise_code(code), participant=current_participant(), status=problem.status,
                       error=_too_many(problem))
    if workshop is None:
        return render("join.html", code=normalise_code(code), participant=current_participant(), status=404,
                       error=_("No workshop has this code. Check the code on the screen and try again."))
    participant = current_participant()
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
    return render("groups.html", workshop, error=error, status=status, field=bad_field,
                   seat=normalise_code(seat),
                   seat_group=seat_card.group if seat_card is not None and not seat_card.revoked else None,
                   passcode=request.form.get("passcode", "") if bad_field != "passcode" else "")


@bp.route("/leave", methods=["GET", "POST"])
def leave() -> Page:
    """Sign this phone out; answers already saved stay. The device cookie stays too, so joining again from
    this phone brings back the same participant (someone without a phone votes on paper instead)."""
    participant = current_participant()
    if participant is None:
        session.pop("participant_token", None)
        return redirect(url_for(".join"))
    if request.method == "POST":
        session.pop("participant_token", None)
        flash(_("This phone has signed out. Joining again from it brings back the same participant: one "
                "person, one voice."), "info")
        return redirect(url_for(".join"))
    return render("leave.html", participant.workshop, participant=participant)


# --- voting -------------------------------------------------------------------------------------------------

@bp.route("/p", methods=["GET", "POST"])
@bp.route("/p/<activity_key>", methods=["GET", "POST"])
@limiter.limit("120/minute", methods=["POST"])
def vote(activity_key: str | None = None) -> Page:
    """The open activity; several open: a list; none: a page that waits for the facilitator."""
    participant = need_participant()
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
        return render("waiting.html", workshop, participant=participant, closed_title=notice, open_keys=[])
    progress = {a.key: len(activity_types.of(a).answered(a, participation.saved_values(participant, a)))
                for a in open_now}
    return render("list.html", workshop, participant=participant, activities=open_now, progress=progress,
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
        return render("waiting.html", workshop, participant=participant, closed_title=notice, open_keys=open_keys)
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
        return render("closed.html", workshop, participant=participant, activity=activity, late=late,
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
                    return render("closed.html", workshop, participant=participant, activity=activity,
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
    return render(
        kind.phone_template, workshop, status=status, participant=participant, activity=activity,
        items=pace.visible_items(workshop, activity), shown=shown,
        answered=shown_only(workshop, activity, kind.answered(activity, saved_now)), incomplete=set(incomplete),
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
