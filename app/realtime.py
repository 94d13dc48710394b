"""Socket.IO wiring: who may connect, which rooms they join, and the snapshot each one gets alone.

A joining client is sent the current state only, never a broadcast to the room: with a thousand phones a
broadcast per join costs a million messages.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask_login import current_user
from flask_socketio import emit, join_room

from app import events, publisher
from app.extensions import db, socketio
from app.services import live


def _async_mode(app: Flask) -> str:
    configured = app.config.get("SOCKETIO_ASYNC_MODE")
    if configured:
        return configured
    try:
        from gevent import monkey

        if monkey.is_module_patched("socket"):
            return "gevent"
    except ImportError:  # pragma: no cover - gevent is a pinned dependency
        pass
    return "threading"


def init_app(app: Flask) -> None:
    options: dict[str, Any] = {}
    if app.config.get("REDIS_URL"):
        from app.queue import client_manager

        options["client_manager"] = client_manager(app.config["REDIS_URL"], channel=app.config["SOCKETIO_CHANNEL"])
    if app.config.get("SOCKETIO_WEBSOCKET_ONLY"):
        # Several workers behind one port: a long-polling client's requests could land on different
        # workers, so only WebSocket is accepted (no sticky sessions needed); phones vote by plain HTTP anyway.
        options["transports"] = ["websocket"]
    socketio.init_app(
        app,
        async_mode=_async_mode(app),
        **options,
        cors_allowed_origins=None,  # same origin only
        ping_interval=20,
        ping_timeout=25,
        max_http_buffer_size=1_000_000,
    )
    publisher.hub.init_app(app)
    # The base template renders the event names for the browser (Prioritas.events in static/js/common.js).
    app.jinja_env.globals["socket_events"] = events.ALL


def _screen(token: str) -> Any:
    from app.services import workshops

    return workshops.by_screen_token(token)


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Authenticate by screen token, participant token (or phone cookie) or facilitator session."""
    from app.services import participation, results, workshops

    auth = auth if isinstance(auth, dict) else {}
    try:
        if isinstance(auth.get("screen_token"), str):
            workshop = _screen(auth["screen_token"])
            if workshop is None:
                raise ConnectionRefusedError("unknown screen token")
            _join_screen(workshop.id)
            _emit_pace(workshop)
            for activity in participation.open_activities(workshop):
                emit(events.RESULTS, results.room_view(activity))
                _emit_timer(activity)
            return
        token = auth.get("participant_token") if isinstance(auth.get("participant_token"), str) else None
        if token is None and not auth:
            token = session.get("participant_token")
        if token is not None:
            participant = participation.participant_for_token(token)
            if participant is None:
                raise ConnectionRefusedError("unknown participant token")
            join_room(live.workshop_room(participant.workshop_id))
            _emit_pace(participant.workshop)
            for activity in participant.workshop.activities:
                emit(events.STATE, {"activity": activity.key, "state": activity.state})
                if activity.state == "open":
                    emit(events.ROUND, live.round_payload(activity))
                _emit_timer(activity)
            return
        workshop_id = auth.get("workshop")
        if current_user.is_authenticated and isinstance(workshop_id, int):
            workshop = db.session.get(workshops.Workshop, workshop_id)
            from app.services import access  # observers get results too; control is over HTTP, role-checked

            if workshop is None or not access.allows(workshop, current_user._get_current_object(), "read"):
                raise ConnectionRefusedError("not your workshop")
            join_room(live.workshop_room(workshop.id))  # not the screens room: full results come here
            join_room(live.facilitators_room(workshop.id))
            from app.services.admission import participation_event

            emit(events.PARTICIPATION, participation_event(workshop))
            _emit_pace(workshop)
            from app.services import proposals

            emit(events.PROPOSALS, {"pending": proposals.pending_count(workshop.id)})
            for activity in participation.open_activities(workshop):
                emit(events.RESULTS, results.compute(activity, "equal_groups"))  # the facilitator's own: exact
                _emit_timer(activity)
            return
        raise ConnectionRefusedError("credentials required")
    finally:
        db.session.remove()


def _emit_timer(activity: Any) -> None:
    """A running countdown, to the joining client alone (stopped timers are not sent)."""
    if activity.state == "open" and (activity.settings or {}).get("timer_ends_at"):
        emit(events.TIMER, live.timer_payload(activity))


def _emit_pace(workshop: Any) -> None:
    """Where the room is, to the joining client alone, self-paced included: a phone whose page was drawn
    under presenter pace just before the facilitator went back to self-paced learns it here (it would
    otherwise have missed the event while its page loaded)."""
    from app.services import pace

    emit(events.PACE, pace.payload(workshop))


def _join_screen(workshop_id: int) -> None:
    join_room(live.workshop_room(workshop_id))
    join_room(live.screens_room(workshop_id))
