"""Live updates: phones and screens hear what changed, after it is committed.

Votes mark an activity as changed; a background task pushes coalesced `results` a few times a second, so the
cost does not grow with each vote. Facilitators' figures trail the last vote by at most one interval; the
room's figures (screens, phones) move only when a release is made, in whole batches of at least k changed
participants of one group (`app/services/release.py`, docs/anonymity.md), so no vote can be read off a
change. State changes go out at once to everyone in the workshop.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from flask import Flask, current_app

from app.extensions import socketio

log = logging.getLogger(__name__)


def workshop_room(workshop_id: int) -> str:
    """Everyone in the workshop: phones, screens and facilitators (for `state`)."""
    return f"workshop:{workshop_id}"


def screens_room(workshop_id: int) -> str:
    """Screens (for `results`, hidden while an `on_reveal` activity is not revealed); facilitators get full
    results in their own room."""
    return f"screens:{workshop_id}"


def facilitators_room(workshop_id: int) -> str:
    return f"facilitators:{workshop_id}"


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
        self.interval = float(app.config.get("LIVE_INTERVAL", 0.25))
        app.extensions["prioritas.live"] = self

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
        from app.extensions import db
        from app.models import Activity, Workshop
        from app.services import release, results

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
                    socketio.emit("results", results.compute(activity, "equal_groups"),
                                  to=facilitators_room(activity.workshop_id))
                    room = for_screen(activity, results.live_document(activity))
                    with self._lock:
                        sent = self._published.setdefault(app, {})
                        repeat = sent.get(activity_id) == room
                        sent[activity_id] = room
                    if not repeat:
                        socketio.emit("results", room, to=screens_room(activity.workshop_id))
                for workshop_id in sorted(workshops):
                    workshop = db.session.get(Workshop, workshop_id)
                    if workshop is not None:
                        from app.services.admission import participation_event

                        socketio.emit("participation", participation_event(workshop), to=facilitators_room(workshop_id))
            finally:
                db.session.remove()


hub = LiveHub()


def results_changed(activity_id: int) -> None:
    hub.results_changed(activity_id)


def votes_saved(activity_id: int, group_id: int, participant_id: int) -> None:
    hub.votes_saved(activity_id, group_id, participant_id)


def participation_changed(workshop_id: int) -> None:
    hub.participation_changed(workshop_id)


def announce_states(workshop_id: int, events: list[tuple[int, str, str]]) -> None:
    """Tell everyone in the workshop which activities changed state, then refresh the screens."""
    for activity_id, key, state in events:
        payload: dict[str, Any] = {"activity": key, "state": state}
        socketio.emit("state", payload, to=workshop_room(workshop_id))
        if state == "open":
            announce_round(workshop_id, activity_id)
        hub.results_changed(activity_id)


def announce_round(workshop_id: int, activity_id: int) -> None:
    """The round an opened activity is in, so a phone still showing an earlier round's form moves to the new one
    (a Delphi round opens an activity that was already open: its `state` alone does not change)."""
    from app.extensions import db
    from app.models import Activity

    activity = db.session.get(Activity, activity_id)
    if activity is not None:
        socketio.emit("round", round_payload(activity), to=workshop_room(workshop_id))


def round_payload(activity: Any) -> dict[str, Any]:
    return {"activity": activity.key, "round": activity.round}


def is_hidden(activity: Any) -> bool:
    """An `on_reveal` activity's figures stay off the screen until the facilitator reveals them."""
    settings = activity.settings or {}
    return settings.get("reveal", "live") == "on_reveal" and not settings.get("revealed", False)


def for_screen(activity: Any, document: dict[str, Any]) -> dict[str, Any]:
    """The results document a screen may see, given the room's document (`results.live_document`, or
    `results.room_document` for a given round; never the exact `results.compute`): while hidden only
    counts, so the room sees participation but not the figures (against herding)."""
    if not is_hidden(activity):
        return document
    return {"activity": document.get("activity", activity.key), "hidden": True,
            "respondents": document.get("respondents", 0), "groups": document.get("groups", {})}


def phones_may_see(activity: Any) -> bool:
    """Phones may show the room's figures with the participant's own answers once the facilitator revealed
    them (`on_reveal`), or, for a live activity (whose figures the screen showed all along), once closed:
    never while phones are still voting on figures they could not see before."""
    settings = activity.settings or {}
    if settings.get("reveal", "live") == "on_reveal":
        return bool(settings.get("revealed", False))
    return activity.state == "closed"


def announce_revealed(workshop_id: int, key: str, revealed: bool) -> None:
    """Phones that wait on a closed activity go to where they stand; one showing it goes back if hidden."""
    socketio.emit("revealed", {"activity": key, "revealed": bool(revealed)}, to=workshop_room(workshop_id))


def room_view(activity: Any, round: int | None = None) -> dict[str, Any]:
    """Everything a non-owner may see of an activity round, in one call: the released figures, hidden while
    the facilitator has not revealed them."""
    from app.services import results

    return for_screen(activity, results.room_document(activity, round))


def timer_payload(activity: Any) -> dict[str, Any]:
    return {"activity": activity.key, "ends_at": (activity.settings or {}).get("timer_ends_at")}


def announce_timer(workshop_id: int, payload: dict[str, Any]) -> None:
    """Phones, screens and facilitators are all in the workshop room."""
    socketio.emit("timer", payload, to=workshop_room(workshop_id))


def proposals_changed(workshop_id: int, pending: int) -> None:
    """Facilitators' consoles show how many participant proposals wait for a decision."""
    socketio.emit("proposals", {"pending": pending}, to=facilitators_room(workshop_id))


def announce_pace(workshop_id: int, payload: dict[str, Any]) -> None:
    """Presenter pace moved: phones go to the new step, screens highlight it, remotes and consoles follow."""
    socketio.emit("pace", payload, to=workshop_room(workshop_id))


def proposal_added(workshop_id: int, payload: dict[str, Any]) -> None:
    """An approved suggestion became an item: the screens show it briefly (title and kind, never who)."""
    socketio.emit("proposal_added", payload, to=screens_room(workshop_id))
