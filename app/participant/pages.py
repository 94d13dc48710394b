"""What every phone page shares: who the phone is, the workshop's language, rendering, and the headers and
error pages of the participant blueprint."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.i18n import use_workshop_language
from app.models import Activity, Participant, Workshop
from app.participant import bp
from app.services import pace, participation, workshops

MAX_CODE_LENGTH = 40

Page = Response | tuple[str, int] | str


def current_participant() -> Participant | None:
    """The phone's participant, from the permanent session cookie."""
    if "phone_participant" not in g:  # looked up once per request (the language hook needs it first)
        token = session.get("participant_token")
        g.phone_participant = participation.participant_for_token(token) if isinstance(token, str) else None
    return g.phone_participant


@bp.before_request
def _workshop_language() -> None:
    """Speak the workshop's language (unless the phone picked its own) before any message is translated."""
    participant = current_participant()
    workshop = participant.workshop if participant is not None else None
    code = (request.view_args or {}).get("code")
    if isinstance(code, str):
        workshop = workshops.by_join_code(normalise_code(code)) or workshop
    if workshop is not None:
        use_workshop_language(workshop.language)


def render(template: str, workshop: Workshop | None = None, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render in the selected language (the phone's choice, else the workshop's); `<html lang dir>` follow it."""
    if workshop is not None and g.get("workshop_language") != workshop.language:
        use_workshop_language(workshop.language)
    if workshop is not None and isinstance(context.get("activity"), Activity):
        context.setdefault("pace_note", pace_note(workshop, context["activity"]))
    html = render_template(f"participant/{template}", workshop=workshop, **context)
    return html, status


def pace_note(workshop: Workshop, activity: Activity) -> str:
    """ "Item 2 of 7" while the facilitator walks this activity item by item, else nothing."""
    step = pace.current(workshop)
    if step is None or step.activity is not activity or step.index is None:
        return ""
    return _("Item %(n)s of %(total)s", n=step.index + 1, total=len(activity.activity_items))


def shown_only(workshop: Workshop, activity: Activity, answered: Any) -> Any:
    """In item pace the page counts only the item on show ("1 of 1 saved"), not the whole activity."""
    keys = {i.key for i in pace.visible_items(workshop, activity)}
    return type(answered)(k for k in answered if k in keys)


def normalise_code(raw: str) -> str:
    """Codes are read off a projector: ignore case, spaces and dashes people type in."""
    return re.sub(r"[\s\-]+", "", raw or "").upper()[:MAX_CODE_LENGTH]


def need_participant() -> Participant | Response:
    participant = current_participant()
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
