"""The projector: join code, QR code and the live priority matrix. No login; the screen token is the key."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, render_template
from markupsafe import Markup

from app.services import workshops

bp = Blueprint("screen", __name__)


def qr_svg(data: str, *, scale: int = 8) -> Markup:
    """An inline SVG QR code, made on the server so the page needs no library and no internet."""
    svg = segno.make(data, error="m").svg_inline(scale=scale, dark="#000", light="#fff", border=2)
    return Markup(svg)


@bp.get("/screen/<token>")
def show(token: str) -> str:
    workshop = workshops.by_screen_token(token)
    if workshop is None:
        abort(404, "This screen link is not valid. Copy it again from the facilitator's console.")
    document = workshops.document(workshop)
    return render_template("screen/screen.html", workshop=document, qr_svg=qr_svg(document["join_url"]),
                           screen_token=workshop.screen_token)
