"""A new screen link: the old one stops working at once, open screens of the workshop are cut off."""

from __future__ import annotations

from flask import current_app

from app import events
from app.extensions import db, socketio
from app.models import User, Workshop, new_token, utcnow
from app.services import live
from app.services.database import after_commit
from app.services.workshops import audit_log


def rotate(workshop: Workshop, actor: User) -> str:
    """Give the workshop a new screen token, audit-logged; after commit, screens on the old one are dropped.

    Screens connected to this process are disconnected; every screen (any process, through the message
    queue) is told `screen_revoked` and reloads onto a 404. A reconnect with the old token is refused.
    """
    workshop.screen_token = new_token()
    db.session.flush()
    record = {"actor_id": actor.id, "actor": actor.email, "at": utcnow().isoformat(timespec="seconds"),
              "workshop_id": workshop.id}
    room = live.screens_room(workshop.id)
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def cut_off() -> None:
        audit_log.info("screen link replaced by %(actor)s (user %(actor_id)s) at %(at)s: workshop %(workshop_id)s",
                       record, extra={"audit": record})
        socketio.emit(events.SCREEN_REVOKED, {}, to=room)
        server = socketio.server
        if server is None:
            return
        try:
            sids = [sid for sid, _eio in server.manager.get_participants("/", room)]
        except (KeyError, ValueError):  # nobody in the room
            sids = []
        for sid in sids:
            server.disconnect(sid, namespace="/")
        app.logger.debug("screen link rotated for workshop %s, %s screen(s) cut off", workshop.id, len(sids))

    after_commit(cut_off)
    return workshop.screen_token
