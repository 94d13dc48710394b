"""The publisher: pushes coalesced results to screens and consoles, above the services it reads.

Writers never import this module: they tell `app.services.live` what changed (after commit), which passes it
to the notifier the app registered (`app.extensions["prioritas.notifier"]`, this module's `hub`, set by
`app.realtime.init_app`). So the services that compute results (`results`, `release`, `admission`) and the
ones that write votes never import each other through the live path. The hub coalesces result pushes per
activity: votes mark an activity as changed and a background task pushes a few times a second, so the cost
does not grow with each vote.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from flask import Flask, current_app

from app import events
from app.extensions import db, socketio
from app.models import Activity, Workshop
from app.services import release, results
from app.services.admission import participation_event
from app.services.live import facilitators_room, screens_room

log = logging.getLogger(__name__)


class LiveHub:
    """Coalesces result pushes per activity; one per process.

    Each push first advances the room's released state (`release.advance`: whole batches of at least
    `min_group_size` changed participants of one group, kept in the database so every process agrees), then
    sends facilitators the exact live document and screens the room's document (`results.live_document`,
    through `for_screen`), which is a pure function of the released state (docs/anonymity.md). A screen push
    that would repeat the last one is not sent. Pending work is kept per app, so several apps in one process
    (tests, tools) never mix their databases.
    """

    def __init__(self) -> None:
        self._dirty_results: dict[Flask, set[int]] = {}
        self._dirty_participation: dict[Flask, set[int]] = {}
        #: app -> activity id -> last document sent to screens (to skip repeats)
        self._published: dict[Flask, dict[int, dict[str, Any]]] = {}
        self._stopped: weakref.WeakSet[Flask] = weakref.WeakSet()  # apps gone (tests); weak: no leak
        self._lock = threading.Lock()
        #: one lock per app, held while pushing for it: a slow push for one app never holds up another's
        self._push_locks: weakref.WeakKeyDictionary[Flask, threading.RLock] = weakref.WeakKeyDictionary()
        self._generation = 0  # the loop that is current; an older one ends at its next turn
        self._beat = 0.0  # when the current loop last woke up
        self._started = False
        self._running = False
        self.interval = 0.25

    def init_app(self, app: Flask) -> None:
        """Become the app's notifier (what `app.services.live` passes writers' changes to)."""
        self.interval = float(app.config.get("LIVE_INTERVAL", 0.25))
        app.extensions["prioritas.notifier"] = self

    def _stale(self) -> bool:
        """The loop has not woken for much longer than its interval: it died or is stuck in a push."""
        return time.monotonic() - self._beat > max(5.0, 20 * self.interval)

    def _ensure_running(self) -> None:
        if self._started and not self._stale():
            return
        with self._lock:
            if self._started and not self._stale():
                return
            if self._started:
                log.warning("live updates stalled; starting a new loop")
            self._generation += 1
            self._started = self._running = True
            self._beat = time.monotonic()
            generation = self._generation
        socketio.start_background_task(self._run, generation)

    def results_changed(self, activity_id: int) -> None:
        app = current_app._get_current_object()
        with self._lock:
            if app in self._stopped:
                return
            self._dirty_results.setdefault(app, set()).add(activity_id)
        self._ensure_running()

    def votes_saved(self, activity_id: int, group_id: int, participant_id: int) -> None:
        """A participant's votes changed (committed): the next push looks for a batch to release."""
        self.results_changed(activity_id)

    def participation_changed(self, workshop_id: int) -> None:
        app = current_app._get_current_object()
        with self._lock:
            if app in self._stopped:
                return
            self._dirty_participation.setdefault(app, set()).add(workshop_id)
        self._ensure_running()

    def _run(self, generation: int = 0) -> None:
        try:
            while self._running and generation == self._generation:
                try:
                    socketio.sleep(self.interval)
                    self._beat = time.monotonic()
                    self._flush(wait=False)
                except Exception:  # a push that fails must not stop later pushes
                    log.exception("live update failed")
        finally:
            with self._lock:
                if generation == self._generation:
                    self._started = False  # the next change starts a new loop

    def _push_lock(self, app: Flask) -> threading.RLock:
        with self._lock:
            lock = self._push_locks.get(app)
            if lock is None:
                lock = self._push_locks[app] = threading.RLock()
            return lock

    def flush(self, app: Flask | None = None) -> None:
        """Push what is pending now (for every app, or one), and return once any push of that app already under
        way (the background loop's) is done too."""
        self._flush(app, wait=True)

    def _flush(self, only: Flask | None = None, wait: bool = True) -> None:
        with self._lock:
            apps = [only] if only is not None else list(set(self._dirty_results) | set(self._dirty_participation))
        for app in apps:
            lock = self._push_lock(app)
            if not lock.acquire(blocking=wait):
                continue  # a push of this app is under way; its pending work waits for the next turn
            try:
                with self._lock:
                    activities = self._dirty_results.pop(app, set())
                    workshops = self._dirty_participation.pop(app, set())
                if (activities or workshops) and app not in self._stopped:
                    self._push(app, activities, workshops)
            finally:
                lock.release()

    def stop(self, app: Flask) -> None:
        """Forget an app that is going away (test teardown): drop its pending work and wait for a push of it
        that is under way, so no background push touches its database after this returns."""
        with self._lock:
            self._stopped.add(app)
            self._dirty_results.pop(app, None)
            self._dirty_participation.pop(app, None)
            self._published.pop(app, None)
        with self._push_lock(app):
            pass

    def shutdown(self) -> None:
        """End the background loop (it ends after its current sleep); a later change starts a new one."""
        with self._lock:
            self._running = False
            self._started = False
            self._generation += 1

    def _push(self, app: Flask, activities: set[int], workshops: set[int]) -> None:
        with app.app_context():
            try:
                for activity_id in sorted(activities):
                    activity = db.session.get(Activity, activity_id)
                    if activity is None:
                        continue
                    release.advance(activity)
                    activity = db.session.get(Activity, activity_id)
                    if activity is None:
                        continue
                    socketio.emit(events.RESULTS, results.compute(activity, "equal_groups"),
                                  to=facilitators_room(activity.workshop_id))
                    room = results.room_view(activity)  # the one rule for what the room may see
                    with self._lock:
                        sent = self._published.setdefault(app, {})
                        repeat = sent.get(activity_id) == room
                        sent[activity_id] = room
                    if not repeat:
                        socketio.emit(events.RESULTS, room, to=screens_room(activity.workshop_id))
                for workshop_id in sorted(workshops):
                    workshop = db.session.get(Workshop, workshop_id)
                    if workshop is not None:
                        socketio.emit(events.PARTICIPATION, participation_event(workshop),
                                      to=facilitators_room(workshop_id))
            finally:
                db.session.remove()


hub = LiveHub()
