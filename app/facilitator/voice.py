"""One person, one voice, from the console: passcode, seat codes (with printable cards), expected headcount per
group, and the suspicious-joins panel. Every figure is about joins and groups, never about who voted what."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from app.facilitator import bp
from app.facilitator.routes import _owned
from app.models import Workshop
from app.screen import qr_svg
from app.services import admission, ratelimit, workshops
from app.services.database import transaction
from app.services.errors import Problem

#: What the console calls each signal (facilitator's words).
SIGNAL_NAMES = {
    "wrong_passcode": lazy_gettext("Wrong passcodes"),
    "seat_unknown": lazy_gettext("Unknown seat codes"),
    "seat_used": lazy_gettext("Seat codes used a second time"),
    "seat_revoked": lazy_gettext("Withdrawn seat codes tried"),
    "seat_required": lazy_gettext("Joins without a seat code"),
    "unknown_group": lazy_gettext("Joins naming no group of this workshop"),
    "rejoin_new_group": lazy_gettext("Phones rejoining with another group"),
    "burst": lazy_gettext("Many joins within a minute into a small group"),
    "over_expected": lazy_gettext("More people than expected"),
}


def _console(workshop: Workshop, anchor: str = "voice-title") -> Response:
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor=anchor))


def _problem_text(problem: Problem) -> str:
    return " ".join(e.message for e in problem.errors) or problem.detail or problem.title


@bp.app_template_global()
def join_safety(workshop: Workshop) -> dict[str, Any]:
    """What the console's panel shows: settings, seat code counts and the signals (read once per page)."""
    seats = admission.seat_codes(workshop)
    return {
        "seats": {"total": len(seats), "used": sum(1 for s in seats if s.participant_id is not None),
                  "revoked": sum(1 for s in seats if s.revoked)},
        "signals": admission.signals(workshop),
        "names": SIGNAL_NAMES,
        "unknown_codes": ratelimit.unknown_codes_last_hour(),
    }


@bp.post("/workshops/<int:workshop_id>/access")
@login_required
def join_access(workshop_id: int) -> Response:
    """Passcode (blank = none) and whether a seat code is needed to join."""
    workshop = _owned(workshop_id)
    try:
        with transaction():
            admission.set_access(workshop, request.form.get("passcode", ""), request.form.get("seats_required") == "1")
    except Problem as problem:
        flash(gettext("Nothing was changed. %(why)s", why=_problem_text(problem)), "error")
    else:
        flash(gettext("Joining rules saved."), "success")
    return _console(workshop)


@bp.post("/workshops/<int:workshop_id>/expected")
@login_required
def expected_headcount(workshop_id: int) -> Response:
    """Expected people per group (fields `e-<group key>`, blank = not set)."""
    workshop = _owned(workshop_id)
    values = {g.key: request.form[f"e-{g.key}"] for g in workshop.groups if f"e-{g.key}" in request.form}
    try:
        with transaction():
            admission.set_expected(workshop, values)
    except Problem as problem:
        flash(gettext("Nothing was changed. %(why)s", why=_problem_text(problem)), "error")
    else:
        flash(gettext("Expected headcounts saved."), "success")
    return _console(workshop, "people-title")


@bp.route("/workshops/<int:workshop_id>/seats", methods=["GET", "POST"])
@login_required
def seat_codes(workshop_id: int) -> Response | str:
    """Every seat code with its state; POST makes more (`count`, optional `group`)."""
    workshop = _owned(workshop_id)
    if request.method == "POST":
        try:
            with transaction():
                made = admission.generate_seat_codes(workshop, request.form.get("count", ""),
                                                     request.form.get("group", ""))
        except Problem as problem:
            flash(gettext("No seat codes were made. %(why)s", why=_problem_text(problem)), "error")
        else:
            flash(gettext("%(n)s seat codes made. Print the cards and hand one to each person.", n=len(made)),
                  "success")
        return redirect(url_for(".seat_codes", workshop_id=workshop.id))
    return render_template("facilitator/seats/list.html", workshop=workshop, seats=admission.seat_codes(workshop))


@bp.post("/workshops/<int:workshop_id>/seats/revoke")
@login_required
def revoke_seat(workshop_id: int) -> Response:
    """Withdraw one card (by `seat_id`, or by the `code` printed on it)."""
    workshop = _owned(workshop_id)
    seat_id = request.form.get("seat_id", "")
    code = admission.normalise_code(request.form.get("code", ""))
    try:
        with transaction():
            if not seat_id.isdigit():
                found = admission.seat_for_link(workshop, code)
                if found is None:
                    raise Problem(404, "Not Found", gettext("This workshop has no seat code %(code)s.", code=code))
                seat_id = str(found.id)
            row = admission.revoke_seat_code(workshop, int(seat_id))
    except Problem as problem:
        flash(gettext("Nothing was withdrawn. %(why)s", why=_problem_text(problem)), "error")
    else:
        flash(gettext("Seat code %(code)s is withdrawn: it lets no one in any more (someone who already joined "
                      "with it stays).", code=row.code), "success")
    back = request.form.get("back")
    if back == "list":
        return redirect(url_for(".seat_codes", workshop_id=workshop.id))
    return _console(workshop)


@bp.get("/workshops/<int:workshop_id>/seats/print")
@login_required
def seat_cards(workshop_id: int) -> str:
    """A page of cards to print: each with the join address, the seat code and a QR code that carries both.
    `?all=1` prints used and withdrawn codes too (normally only the unused ones)."""
    workshop = _owned(workshop_id)
    everything = request.args.get("all") == "1"
    seats = [s for s in admission.seat_codes(workshop)
             if everything or (s.participant_id is None and not s.revoked)]
    base = workshops.join_url(workshop)
    cards = [{"seat": s, "url": f"{base}?seat={s.code}", "qr": qr_svg(f"{base}?seat={s.code}", scale=4)}
             for s in seats]
    return render_template("facilitator/seats/print.html", workshop=workshop, cards=cards,
                           join_address=workshops.base_url() + "/join")
