"""Phone page "Suggest something missing": a plain form (works without JavaScript) and the phone's own
suggestions with what the facilitator decided. Validation, duplicates and the rate limit are the service's, so
the API and the phone refuse the same things."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from app import i18n
from app.participant import bp
from app.participant.pages import Page, need_participant, render
from app.services import participation, proposals
from app.services.database import transaction
from app.services.errors import Problem


def kind_labels() -> dict[str, tuple[str, str]]:
    """Label and hint per kind, translated at request time."""
    return {
        "constraint": (_("A constraint"), _("Something that holds the local economy back.")),
        "sector": (_("A sector"), _("An activity the place could grow in.")),
        "outlier_firm": (_("An outlier firm"), _("A firm doing unusually well here, against the odds.")),
    }


def status_labels() -> dict[str, str]:
    return {"pending": _("Waiting for review"), "approved": _("Added to the list"),
            "merged": _("Joined with an existing item"), "rejected": _("Not taken up")}


@bp.route("/propose", methods=["GET", "POST"])
def propose() -> Page:
    participant = need_participant()
    if isinstance(participant, Response):
        return participant
    workshop = participant.workshop
    i18n.use_workshop_language(workshop.language)
    form = {"kind": request.form.get("kind", ""), "title": request.form.get("title", ""),
            "description": request.form.get("description", "")}
    errors: dict[str, str] = {}
    message, status = None, 200
    if not workshop.proposals_open:  # the facilitator closed suggestions: say so; a late form gets 409
        message, status = _("The facilitator has closed suggestions for now."), 409 if request.method == "POST" else 200
    elif request.method == "POST":
        try:
            with transaction():
                proposals.submit(participant, form)
        except Problem as problem:
            if problem.status not in (409, 422, 429):
                raise
            status = problem.status
            errors = {e.field: e.message for e in problem.errors}
            message = problem.detail if not errors else _("Nothing was sent: please check the form.")
        else:
            flash(_("Sent — the facilitator will review it."), "ok")
            return redirect(url_for(".propose"))
    item_titles = {i.id: i.title for i in workshop.items}
    return render("propose.html", workshop, status=status, participant=participant, form=form, errors=errors,
                   message=message, kinds=kind_labels(), statuses=status_labels(),
                   mine=proposals.for_participant(participant), item_titles=item_titles,
                   open_keys=[a.key for a in participation.open_activities(workshop)],
                   title_max=proposals.TITLE_MAX, description_max=proposals.DESCRIPTION_MAX,
                   closed=not workshop.proposals_open)
