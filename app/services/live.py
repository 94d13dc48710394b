"""Live updates: phones and screens hear what changed, after it is committed.

Votes mark an activity as changed; a background task pushes coalesced `results` to the screens a few times
a second, so the cost does not grow with each vote, and the pooled figures trail the last vote by at most
one interval. State changes go out at once to everyone in the workshop.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app

from app.extensions import socketio

log = logging.getLogger(__name__)


def workshop_room(workshop_id: int) -> str:
    """Everyone in the workshop: phones, screens and facilitators (for `state`)."""
    return f"workshop:{workshop_id}"


def screens_room(workshop_id: int) -> str:
    """Screens and facilitators (for `results`)."""
    return f"screens:{workshop_id}"


def facilitators_room(workshop_id: int) -> str:
    return f"facilitators:{workshop_id}"


class LiveHub:
    """Coalesces result pushes per activity; one per process (each worker pushes what it saved).

    Pending work is kept per app, so several apps in one process (tests, tools) never mix their databases.
    """

    def __init__(self) -> None:
        self._dirty_results: dict[Flask, set[int]] = {}
        self._dirty_participation: dict[Flask, set[int]] = {}
        self._lock = threading.Lock()
        self._started = False
        self.interval = 0.25

    def init_app(self, app: Flask) -> None:
        self.interval = float(app.config.get("LIVE_INTERVAL", 0.25))
        app.extensions["prioritas.live"] = self

    def _ensure_running(self) -> None:
        if not self._started:
            with self._lock:
                if not self._started:
                    self._started = True
                    socketio.start_background_task(self._run)

    def results_changed(self, activity_id: int) -> None:
        with self._lock:
            self._dirty_results.setdefault(current_app._get_current_object(), set()).add(activity_id)
        self._ensure_running()

    def participation_changed(self, workshop_id: int) -> None:
        with self._lock:
            self._dirty_participation.setdefault(current_app._get_current_object(), set()).add(workshop_id)
        self._ensure_running()

    def _run(self) -> None:
        while True:
            socketio.sleep(self.interval)
            try:
                self.flush()
            except Exception:  # a push that fails must not stop later pushes
                log.exception("live update failed")

    def flush(self) -> None:
        with self._lock:
            results_due, self._dirty_results = self._dirty_results, {}
            participation_due, self._dirty_participation = self._dirty_participation, {}
        for app in set(results_due) | set(participation_due):
            self._push(app, results_due.get(app, set()), participation_due.get(app, set()))

    @staticmethod
    def _push(app: Flask, activities: set[int], workshops: set[int]) -> None:
        from app.extensions import db
        from app.models import Activity, Workshop
        from app.services import results
        from app.services import workshops as workshop_service

        with app.app_context():
            try:
                for activity_id in sorted(activities):
                    activity = db.session.get(Activity, activity_id)
                    if activity is None:
                        continue
                    document = results.compute(activity, "equal_groups")
                    socketio.emit("results", document, to=screens_room(activity.workshop_id))
                for workshop_id in sorted(workshops):
                    workshop = db.session.get(Workshop, workshop_id)
                    if workshop is not None:
                        socketio.emit("participation", {"groups": workshop_service.participation(workshop)},
                                      to=facilitators_room(workshop_id))
            finally:
                db.session.remove()


hub = LiveHub()


def results_changed(activity_id: int) -> None:
    hub.results_changed(activity_id)


def participation_changed(workshop_id: int) -> None:
    hub.participation_changed(workshop_id)


def announce_states(workshop_id: int, events: list[tuple[int, str, str]]) -> None:
    """Tell everyone in the workshop which activities changed state, then refresh the screens."""
    for activity_id, key, state in events:
        payload: dict[str, Any] = {"activity": key, "state": state}
        socketio.emit("state", payload, to=workshop_room(workshop_id))
        hub.results_changed(activity_id)
