"""Bearer-token authentication for the API: facilitator, participant and screen tokens."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from app.models import Activity, Participant, User, Workshop
from app.services import accounts, participation, workshops
from app.services.errors import forbidden, unauthorized


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_facilitator() -> User:
    token = bearer_token()
    user = accounts.user_for_token(token) if token else None
    if user is None:
        raise unauthorized(_("Send a facilitator token: Authorization: Bearer <token>."))
    g.api_user = user
    return user


def require_participant() -> Participant:
    token = bearer_token()
    participant = participation.participant_for_token(token) if token else None
    if participant is None:
        raise unauthorized(_("Send a participant token: Authorization: Bearer <participant_token>."))
    return participant


def facilitator_or_participant(workshop_id: int) -> tuple[Workshop, User | None, Participant | None]:
    """The workshop, read with a facilitator's token (who may see it) or a participant's (of that workshop):
    401, then 404, then 403, in the interface's order. Exactly one of the user and the participant is set."""
    token = bearer_token()
    user = accounts.user_for_token(token) if token else None
    participant = None if user else participation.participant_for_token(token)
    if user is None and participant is None:
        raise unauthorized(_("Send a facilitator or participant token: Authorization: Bearer <token>."))
    workshop = workshops.find(workshop_id)
    if user is not None:
        workshops.check_owner(workshop, user)
    elif participant is not None and participant.workshop_id != workshop.id:
        raise forbidden(_("This participant belongs to another workshop."))
    return workshop, user, participant


def results_reader(workshop_id: int, key: str, weighting: str) -> Activity:
    """Results are for the workshop's facilitators and its screen (equal_groups only); 401/404/403 in order."""
    token = bearer_token()
    if token is None:
        raise unauthorized()
    user = accounts.user_for_token(token)
    screen = None if user else workshops.by_screen_token(token)
    participant = None if (user or screen) else participation.participant_for_token(token)
    if user is None and screen is None and participant is None:
        raise unauthorized()
    workshop = workshops.find(workshop_id)
    activity = workshops.get_activity(workshop, key)
    if user is not None:
        workshops.check_owner(workshop, user)
    elif screen is None or screen.id != workshop.id:
        raise forbidden(_("Results are readable with the workshop's facilitator or screen token only."))
    elif weighting == "per_head":
        raise forbidden(_("Per-head results are for the workshop's facilitators."))
    return activity
