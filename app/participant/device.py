"""The phone's device id: a long-lived signed cookie, so the same phone joining again is the same person.

The cookie holds a random id signed with the app's secret (a phone cannot pick another phone's id by
editing it); the participant stores only a digest of the id. It is set on the first participant page a
phone opens and kept for 400 days (the longest browsers allow).
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.participant import bp

COOKIE = "prioritas_device"
MAX_AGE = 400 * 24 * 3600


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="prioritas-device")


def device_id() -> str:
    """This phone's device id (made now when the phone has none or sent a tampered one)."""
    if "device_id" not in g:
        raw = request.cookies.get(COOKIE, "")
        try:
            value = _signer().loads(raw) if raw else None
        except BadSignature:
            value = None
        if not isinstance(value, str) or len(value) < 16:
            value = secrets.token_urlsafe(24)
            g.device_new = True
        g.device_id = value
    return g.device_id


@bp.after_request
def _keep_device(response: Response) -> Response:
    if g.get("device_new"):
        response.set_cookie(COOKIE, _signer().dumps(g.device_id), max_age=MAX_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response
