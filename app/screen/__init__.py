"""The projector: join code, QR code and the live priority matrix. No login; the screen token is the key."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from app.i18n import use_workshop_language
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
        abort(404, _("This screen link is not valid. Copy it again from the facilitator's console."))
    use_workshop_language(workshop.language, force=True)  # a projector speaks the workshop's language
    document = workshops.document(workshop)
    # Second-language titles, shown beside the first ones (the contract document may not carry them).
    document["second_language"] = workshop.second_language or ""
    second = {i.key: i.title_2 for i in workshop.items if i.title_2}
    for item in document["items"]:
        item["title_2"] = second.get(item["key"], "") if workshop.second_language else ""
    for group in document["groups"]:
        group["name_2"] = group.get("name_2", "") if workshop.second_language else ""
    return render_template("screen/screen.html", workshop=document, qr_svg=qr_svg(document["join_url"]),
                           screen_token=workshop.screen_token)
