"""The workshop's notice on the phone (data use, recording...), with an "I understand" step when required.

A plain form sets a mark in the phone's session, so it works with JavaScript off; joining a group checks the mark
on the server, so skipping the page (or posting the group form directly) does not get round it.
"""

from __future__ import annotations

from flask import Response, redirect, render_template, session, url_for

from app.models import Workshop
from app.participant import bp
from app.participant.pages import normalise_code, render
from app.services import workshops

SESSION_KEY = "consent_acknowledged"


def acknowledged(workshop: Workshop) -> bool:
    return workshop.id in (session.get(SESSION_KEY) or [])


def needed(workshop: Workshop) -> bool:
    """True while this phone still has to press "I understand" for this workshop."""
    return bool(workshop.consent_required and workshop.consent_text) and not acknowledged(workshop)


def page(workshop: Workshop, status: int = 200) -> tuple[str, int]:
    return render_template("participant/consent.html", workshop=workshop), status


@bp.post("/j/<code>/consent")
def acknowledge(code: str) -> Response | tuple[str, int]:
    workshop = workshops.by_join_code(normalise_code(code))
    if workshop is None:
        return render("join.html", code=normalise_code(code), participant=None, status=404)
    seen = [n for n in (session.get(SESSION_KEY) or []) if isinstance(n, int)][-20:]
    if workshop.id not in seen:
        seen.append(workshop.id)
    session[SESSION_KEY] = seen
    return redirect(url_for(".join_code", code=workshop.join_code))
