"""Participant (phone) pages: join with a code, pick a group, rate items.

Plain HTML forms do all the work, so a phone with JavaScript off, or a venue that blocks WebSockets, can
still vote; static/js/phone.js only adds following the facilitator and saving without a full reload.
Every write goes through `transaction()`, so the screen hears of a vote only once it is committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from app.extensions import limiter
from app.i18n import use_workshop_language
from app.models import Activity, Participant, Workshop
from app.participant import ballots, bp, consent
from app.participant.ballots import _INTEGER, DONT_KNOW, _value
from app.participant.device import device_id
from app.services import admission, ballot_box, pace, participation, results, vote_cache, workshops
from app.services.database import transaction
from app.services.errors import Problem, not_found

#: Axes in the order a phone asks them: the vertical one ("how much does it matter?") first.
AXIS_ORDER = ("y", "x")
MAX_CODE_LENGTH = 40
_RATING_PATH = re.compile(r"^ratings\[(\d+)\]\.?(\w*)")

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

@dataclass
class MatrixForm:
    """A matrix form read back from the phone: the body for `save_responses` and what to show again."""

    body: dict[str, list[dict[str, Any]]]
    shown: dict[str, dict[str, str]]
    incomplete: list[str] = field(default_factory=list)


def _axes(activity: Activity) -> list[dict[str, Any]]:
    settings = activity.settings or {}
    axes = []
    for name in AXIS_ORDER:
        axis = settings.get(name) or {}
        low, high = int(axis.get("min", 1)), int(axis.get("max", 5))
        axes.append({"name": name, "label": axis.get("label", name), "hint": axis.get("hint", ""),
                     "min": low, "max": high, "values": [str(v) for v in range(low, high + 1)]})
    return axes


def _shown_from_saved(saved: dict[tuple[str, str], int | None]) -> dict[str, dict[str, str]]:
    shown: dict[str, dict[str, str]] = {}
    for (item_key, axis), value in saved.items():
        shown.setdefault(item_key, {})[axis] = DONT_KNOW if value is None else str(value)
    return shown


def _read_matrix(activity: Activity, form: MultiDict[str, str], shown: dict[str, dict[str, str]]) -> MatrixForm:
    """Send only items with both axes answered (a value or don't know); half-answered ones wait."""
    ratings: list[dict[str, Any]] = []
    incomplete: list[str] = []
    for item in activity.round_items:
        raw = {axis: form.get(f"{item.key}.{axis}", "").strip() for axis in ("x", "y")}
        for axis, value in raw.items():
            if value:
                shown.setdefault(item.key, {})[axis] = value
        if all(raw.values()):
            ratings.append({"item": item.key, **{axis: _value(value) for axis, value in raw.items()}})
        elif any(raw.values()):
            incomplete.append(item.key)
    return MatrixForm({"ratings": ratings}, shown, incomplete)


def _item_errors(activity: Activity, problem: Problem, sent: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Turn the service's `ratings[n].x` paths into a plain sentence next to the item concerned."""
    labels = {a["name"]: a for a in _axes(activity)}
    errors: dict[str, list[str]] = {}
    for error in problem.errors:
        match = _RATING_PATH.match(error.field)
        if not match or int(match.group(1)) >= len(sent):
            continue
        item_key, axis = sent[int(match.group(1))]["item"], match.group(2)
        if axis in labels:
            a = labels[axis]
            message = _("%(axis)s: choose a number from %(min)s to %(max)s, or Don't know.", axis=a["label"],
                        min=a["min"], max=a["max"])
        else:
            message = _("This item could not be saved; please answer it again.")
        errors.setdefault(item_key, []).append(message)
    return errors


def _answered(activity: Activity, saved: dict[tuple[str, str], int | None]) -> list[str]:
    return [i.key for i in activity.round_items if (i.key, "x") in saved and (i.key, "y") in saved]


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
    progress = {a.key: len(_answered(a, participation.saved_values(participant, a)) if a.type == "matrix"
                           else ballots.answered(a, participation.saved_values(participant, a)))
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
        answered = _answered(activity, saved) if activity.type == "matrix" else ballots.answered(activity, saved)
        return _render("closed.html", workshop, participant=participant, activity=activity, late=late,
                       answered=len(answered), open_keys=open_keys, status=409 if late else 200)
    if activity.type in ballots.TYPES:
        return _typed_page(participant, activity, open_keys)
    if activity.type != "matrix":
        return _render("closed.html", workshop, participant=participant, activity=activity, unsupported=True,
                       late=False, answered=0, open_keys=open_keys)
    shown = _shown_from_saved(participation.saved_values(participant, activity))
    status, message, item_errors, incomplete = 200, None, {}, []
    if request.method == "POST":
        form = _read_matrix(activity, request.form, shown)
        incomplete = form.incomplete
        waiting = (" " + ngettext("%(num)s item not saved yet: answer both questions, or choose Don't know.",
                                  "%(num)s items not saved yet: answer both questions, or choose Don't know.",
                                  len(incomplete)) if incomplete else "")
        if not form.body["ratings"]:
            status = 422
            message = {"kind": "error", "text": _("Nothing was saved: choose an answer for both questions of at "
                                                  "least one item (Don't know counts as an answer).")}
        else:
            try:
                saved = ballot_box.cast(vote_cache.voter_of(participant), activity, form.body)
            except Problem as problem:
                if problem.status == 409:
                    return _render("closed.html", workshop, participant=participant, activity=activity,
                                   late=True, answered=0, open_keys=open_keys, status=409)
                if problem.status != 422:
                    raise
                status, item_errors = 422, _item_errors(activity, problem, form.body["ratings"])
                message = {"kind": "error", "text": _("Nothing was saved: please check the highlighted items.")}
            else:
                message = {"kind": "ok" if not incomplete else "warn",
                           "text": ngettext("Saved %(num)s rating.", "Saved %(num)s ratings.", saved) + " "
                           + _("You can change them until the facilitator closes this activity.") + waiting}
    saved_now = participation.saved_values(participant, activity)
    paced = pace.current(workshop) is not None
    return _render(
        "vote.html", workshop, status=status, participant=participant, activity=activity,
        items=pace.visible_items(workshop, activity),
        axes=_axes(activity), labels=(activity.settings or {}).get("scale_labels") or {}, shown=shown,
        answered=_shown_only(workshop, activity, set(_answered(activity, saved_now))), incomplete=set(incomplete),
        item_errors=item_errors, message=message, open_keys=open_keys, previous=previous_round(activity),
        others=[] if paced else [a for a in participation.open_activities(workshop) if a.id != activity.id],
    )


# --- scale, points, ranking, criteria ----------------------------------------------------------------------

def previous_round(activity: Activity) -> list[dict[str, str]]:
    """Delphi: the previous round's figures as the room was shown them (released answers only, like the
    screen: docs/anonymity.md), never the exact ones."""
    if activity.round < 2:
        return []
    try:
        document = results.room_document(activity, round=activity.round - 1)
    except (ValueError, Problem):
        return []  # the results service cannot compute this round (yet): re-rate without the summary
    return ballots.previous_summary(activity, document)


def _save_ballot(participant: Participant, activity: Activity, body: dict[str, Any]) -> int:
    """Through the API's ballot box: the same validation, nothing saved on a 422, answered once committed."""
    return ballot_box.cast(vote_cache.voter_of(participant), activity, body)


def _saved_text(activity: Activity, saved: int) -> str:
    if activity.type == "points":
        return _("Your points are saved.")
    if activity.type == "ranking":
        return _("Your order is saved.")
    if activity.type == "criteria":
        return ngettext("Saved %(num)s score.", "Saved %(num)s scores.", saved)
    return ngettext("Saved %(num)s rating.", "Saved %(num)s ratings.", saved)


def _typed_page(participant: Participant, activity: Activity, open_keys: list[str]) -> Page:
    workshop = participant.workshop
    saved_now = participation.saved_values(participant, activity)
    shown = ballots.shown_from_saved(activity, saved_now)
    status, message = 200, None
    item_errors: dict[str, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        ballot = ballots.read(activity, request.form)
        shown = ballot.shown if activity.type in ("points", "ranking") else {**shown, **ballot.shown}
        item_errors, general = ballot.errors, list(ballot.general)
        if ballot.empty and not item_errors and not general:
            status = 422
            general.append(_("Answer at least one item first.") if activity.type != "ranking"
                           else _("Give place 1 to at least one item."))
        elif item_errors or general:
            status = 422
        else:
            try:
                saved = _save_ballot(participant, activity, ballot.body)
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
                message = {"kind": "ok", "text": _saved_text(activity, saved) + " " + _(
                    "You can change your answers until the facilitator closes this activity.")}
        if status == 422:
            message = {"kind": "error", "text": _("Nothing was saved: %(why)s", why=(
                " ".join(general) if general else _("please check the highlighted items.")))}
    if request.method == "POST":  # read again what the service saved (or left as it was)
        saved_now = participation.saved_values(participant, activity)
        if status == 200:
            shown = ballots.shown_from_saved(activity, saved_now)
    paced = pace.current(workshop) is not None
    context: dict[str, Any] = {
        "participant": participant, "activity": activity, "items": pace.visible_items(workshop, activity),
        "shown": shown, "answered": _shown_only(workshop, activity, ballots.answered(activity, saved_now)),
        "item_errors": item_errors, "message": message, "open_keys": open_keys, "previous": previous_round(activity),
        "others": [] if paced else [a for a in participation.open_activities(workshop) if a.id != activity.id],
    }
    if activity.type == "scale":
        context["scale"] = ballots.scale_of(activity)
    elif activity.type == "points":
        budget = ballots.budget_of(activity)
        given = sum(int(v) for v in shown.values() if isinstance(v, str) and _INTEGER.match(v) and int(v) > 0)
        context.update(budget=budget, cap=ballots.cap_of(activity), left=budget - given)
    elif activity.type == "ranking":
        top = ballots.top_of(activity)
        ranked = sorted((int(v), k) for k, v in shown.items() if _INTEGER.match(v or ""))
        context.update(top=top, order=[k for _, k in ranked])
    else:
        context.update(criteria=ballots.criteria_of(activity), scale=ballots.scale_of(activity))
    return _render(f"vote_{activity.type}.html", workshop, status=status, **context)
