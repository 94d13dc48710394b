"""The documents the API answers with that several resources share."""

from __future__ import annotations

from typing import Any

from app.models import User, Workshop
from app.services import access, admission, workshops
from app.services import pace as pace_service
from app.services import proposals as proposal_service


def workshop_document(workshop: Workshop, user: User) -> dict[str, Any]:
    """The workshop document; for those who run it (owner, co-facilitators) also its `admission` settings,
    which hold the passcode: observers read results, not the secrets of the door."""
    document = workshops.document(workshop)
    # Where the room is and whether suggestions are open, so a client reads the whole room in one call.
    document["pace"] = pace_service.payload(workshop)
    document["proposal_settings"] = proposal_service.settings_document(workshop)
    if access.allows(workshop, user, "run"):
        document["admission"] = admission.settings_document(workshop)
    return document
