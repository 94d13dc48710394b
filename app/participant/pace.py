"""Presenter pace on the phone pages: each page carries the step it shows, so phone.js can tell at once
whether a `pace` event moves this phone (and go to the new step), without asking the server."""

from __future__ import annotations

from typing import Any

from flask import g

from app.participant import bp
from app.services import pace


@bp.context_processor
def _pace_key() -> dict[str, Any]:
    participant = g.get("phone_participant")
    if participant is None:
        return {}
    return {"phone_pace_key": pace.key(participant.workshop)}
