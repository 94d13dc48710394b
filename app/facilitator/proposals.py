"""Console: participants' proposals. Approve (a new item, optionally joining a pending activity), merge into
an existing item, or reject; each in one transaction through `services.proposals`. A refused decision (already
decided: 409; unknown item or activity: 422) shows the console again with the reason and that status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.facilitator import bp
from app.facilitator.forms import ActionForm
from app.facilitator.routes import Page, _owned, _problem_text, console
from app.models import Proposal, ProposalStatus, Workshop
from app.services import proposals
from app.services.database import transaction
from app.services.errors import Problem


@bp.app_template_global()
def proposals_panel(workshop: Workshop) -> dict[str, Any]:
    """What the console's proposals panel shows: pending ones with their choices, then the decided ones."""
    every = proposals.for_workshop(workshop)
    pending = [p for p in every if p.status == ProposalStatus.pending.value]
    return {
        "pending": pending,
        "decided": [p for p in reversed(every) if p.status != ProposalStatus.pending.value],
        "joinable": {kind: proposals.joinable_activities(workshop, kind) for kind in proposals.KINDS},
        "items": list(workshop.items),
        "item_kind": proposals.ITEM_KIND,
    }


def _decide(workshop_id: int, proposal_id: int, change: Callable[[Workshop, Proposal], Any],
            done: Callable[[Proposal], str]) -> Page:
    workshop = _owned(workshop_id)
    proposal = proposals.get(workshop, proposal_id)
    ActionForm().validate_on_submit()  # CSRFProtect has already checked the token
    try:
        with transaction():
            change(workshop, proposal)
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        flash(_("Nothing was changed: %(reason)s", reason=_problem_text(problem)), "error")
        return console(workshop_id), problem.status
    flash(done(proposal), "success")
    return redirect(url_for(".console", workshop_id=workshop.id, _anchor="proposals-title"))


@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/approve")
@login_required
def approve_proposal(workshop_id: int, proposal_id: int) -> Page:
    """Field `activity` (optional): a pending activity the new item joins."""
    target = request.form.get("activity", "")

    def done(proposal: Proposal) -> str:
        item = proposal.item.title if proposal.item is not None else proposal.title
        activity = proposal.item.workshop.activity(target) if target and proposal.item is not None else None
        if activity is not None:
            return _("“%(item)s” is now an item and joins the activity “%(activity)s”.", item=item,
                     activity=activity.title)
        return _("“%(item)s” is now an item of the workshop.", item=item)

    return _decide(workshop_id, proposal_id, lambda w, p: proposals.approve(w, p, target or None), done)


@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/merge")
@login_required
def merge_proposal(workshop_id: int, proposal_id: int) -> Page:
    """Field `item`: the existing item the suggestion is the same as."""
    return _decide(workshop_id, proposal_id, lambda w, p: proposals.merge(w, p, request.form.get("item", "")),
                   lambda p: _("“%(title)s” is merged into “%(item)s”.", title=p.title,
                               item=p.item.title if p.item is not None else ""))


@bp.post("/workshops/<int:workshop_id>/proposals/<int:proposal_id>/reject")
@login_required
def reject_proposal(workshop_id: int, proposal_id: int) -> Page:
    return _decide(workshop_id, proposal_id, lambda _w, p: proposals.reject(p),
                   lambda p: _("“%(title)s” is rejected.", title=p.title))
