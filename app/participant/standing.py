"""Phone page "Where you stand": the room's figures (the screen's view) with this phone's own answers, once
the facilitator has revealed them. Server-drawn SVG and CSS bars: light, and complete with JavaScript off;
with it, phone.js follows the `revealed` and `state` events."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import gettext as _

from app.participant import bp
from app.participant.pages import Page, need_participant, render
from app.services import participation, standing
from app.services.errors import not_found


@bp.app_context_processor
def _standing_links() -> dict[str, Any]:
    def shown_activities(workshop: Any) -> list[Any]:
        """Activities whose standing a phone of this workshop may see now (for links on waiting pages)."""
        return [a for a in workshop.activities if standing.visible(a)] if workshop is not None else []

    return {"standing_activities": shown_activities}


@bp.get("/p/<activity_key>/standing")
def where_you_stand(activity_key: str) -> Page:
    participant = need_participant()
    if isinstance(participant, Response):
        return participant  # not joined: to the join page
    workshop = participant.workshop
    activity = workshop.activity(activity_key)
    if activity is None:
        raise not_found(_("This workshop has no such activity."))
    view = standing.standing(activity, participant)
    open_keys = [a.key for a in participation.open_activities(workshop)]
    return render("standing.html", workshop, participant=participant, activity=activity, view=view,
                   open_keys=open_keys)
