"""Live updates: phones and screens hear what changed, after it is committed.

Votes mark an activity as changed; a background task pushes coalesced `results` to the screens a few times
a second, so the cost does not grow with each vote, and the pooled figures trail the last vote by at most
one interval. Group figures in those pushes move in batches (see `LiveHub`), so no single vote can be read
off a group panel. State changes go out at once to everyone in the workshop.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
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


#: Item flags that come from group figures (held back with them); `borderline` comes from pooled figures.
GROUP_FLAGS = ("divergent", "polarised", "weighting_sensitive")
FLAG_ORDER = ("divergent", "polarised", "weighting_sensitive", "borderline")


def _shown_means(by_group: dict[str, Any], axis: str, field: str = "mean") -> list[float]:
    values = []
    for entry in by_group.values():
        figure = entry.get(axis) if isinstance(entry, dict) else None
        if isinstance(figure, dict) and figure.get(field) is not None:
            values.append(figure[field])
    return values


def hold_back(fresh: dict[str, Any], published: dict[str, Any] | None, released: set[str]) -> dict[str, Any]:
    """`fresh` with the figures of groups not in `released` taken from the `published` document.

    Pooled figures are always fresh (a live tally moves with each vote). A held group keeps its last shown
    `by_group` entry (per item, or for the whole activity as in `ranking`) and `excluded_groups` membership;
    `divergence` is worked out again from the merged group means, and group-derived flags stay as last shown,
    so no held group's new votes leak through them.
    """
    groups = list(fresh.get("groups", {}))
    held = [g for g in groups if g not in released]
    if not held:
        return fresh
    old_items = {entry.get("item"): entry for entry in (published or {}).get("items", [])}
    items = []
    for entry in fresh.get("items", []):
        if "by_group" not in entry:
            items.append(entry)
            continue
        old = old_items.get(entry["item"], {})
        merged = dict(entry)
        old_by_group = old.get("by_group") or {}
        merged["by_group"] = {g: (entry["by_group"].get(g) if g in released else old_by_group.get(g))
                              for g in entry["by_group"]}
        if "excluded_groups" in entry:
            now, before = set(entry["excluded_groups"]), set(old.get("excluded_groups", groups))
            merged["excluded_groups"] = [g for g in groups if (g in now if g in released else g in before)]
        if "divergence" in entry:
            gaps = [max(v) - min(v) for axis in ("x", "y", "value")
                    if len(v := _shown_means(merged["by_group"], axis)) >= 2]
            merged["divergence"] = max(gaps) if gaps else None
        if "flags" in entry:
            kept = {f for f in old.get("flags", []) if f in GROUP_FLAGS}
            kept |= {f for f in entry["flags"] if f not in GROUP_FLAGS}
            merged["flags"] = [f for f in FLAG_ORDER if f in kept] + sorted(kept - set(FLAG_ORDER))
        items.append(merged)
    document = {**fresh, "items": items}
    if isinstance(fresh.get("by_group"), dict):  # ranking: per-group figures for the whole activity
        old_by_group = (published or {}).get("by_group") or {}
        document["by_group"] = {g: (fresh["by_group"].get(g) if g in released else old_by_group.get(g))
                                for g in fresh["by_group"]}
    return document


class LiveHub:
    """Coalesces result pushes per activity and batches group figures; one per process.

    Pending work and published documents are kept per app, so several apps in one process (tests, tools)
    never mix their databases. Group batching (contract, live `results`; domain.md 3.9 rule 4): a group's
    figures in live documents change only once at least `min_group_size` different participants of that
    group have saved (or removed) votes since they were last shown, or when the activity is not open. With
    several server processes each keeps its own published figures and counts only its own writes, so a
    group may update later than k votes, never sooner within one process; see docs/performance.md.
    """

    def __init__(self) -> None:
        self._dirty_results: dict[Flask, set[int]] = {}
        self._dirty_participation: dict[Flask, set[int]] = {}
        #: app -> activity id -> group id -> participants with saved changes not yet shown in group figures
        self._pending_votes: dict[Flask, dict[int, dict[int, set[int]]]] = {}
        #: app -> activity id -> (round, last document sent)
        self._published: dict[Flask, dict[int, tuple[int, dict[str, Any]]]] = {}
        self._stopped: weakref.WeakSet[Flask] = weakref.WeakSet()  # apps gone (tests); weak: no leak
        self._lock = threading.Lock()
        self._push_lock = threading.RLock()
        self._started = False
        self._running = False
        self.interval = 0.25

    def init_app(self, app: Flask) -> None:
        self.interval = float(app.config.get("LIVE_INTERVAL", 0.25))
        app.extensions["prioritas.live"] = self

    def _ensure_running(self) -> None:
        if not self._started:
            with self._lock:
                if not self._started:
                    self._started = self._running = True
                    socketio.start_background_task(self._run)

    def results_changed(self, activity_id: int) -> None:
        app = current_app._get_current_object()
        with self._lock:
            if app in self._stopped:
                return
            self._dirty_results.setdefault(app, set()).add(activity_id)
        self._ensure_running()

    def votes_saved(self, activity_id: int, group_id: int, participant_id: int) -> None:
        """A participant's votes changed (committed): counts toward their group's next batch, then a push."""
        app = current_app._get_current_object()
        with self._lock:
            if app in self._stopped:
                return
            groups = self._pending_votes.setdefault(app, {}).setdefault(activity_id, {})
            groups.setdefault(group_id, set()).add(participant_id)
        self.results_changed(activity_id)

    def participation_changed(self, workshop_id: int) -> None:
        app = current_app._get_current_object()
        with self._lock:
            if app in self._stopped:
                return
            self._dirty_participation.setdefault(app, set()).add(workshop_id)
        self._ensure_running()

    def batched(self, activity: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The live document for `activity`: fresh pooled figures, group figures released per batch rule.

        Who counts as new is read before computing, so a group is released only for votes the document
        holds (exact in one gevent process with SQLite, where a recompute does not yield).
        """
        app = current_app._get_current_object()
        with self._lock:
            pending = {g: set(ids) for g, ids in self._pending_votes.get(app, {}).get(activity.id, {}).items()}
            published = self._published.get(app, {}).get(activity.id)
        fresh = compute()
        groups = {g.id: g.key for g in activity.workshop.groups}
        k = activity.workshop.min_group_size
        if published is None or published[0] != activity.round or not activity.is_open:
            released_ids = set(groups)
            document = fresh
        else:
            released_ids = {g for g in groups if len(pending.get(g, ())) >= k}
            document = hold_back(fresh, published[1], {groups[g] for g in released_ids})
        with self._lock:
            waiting = self._pending_votes.get(app, {}).get(activity.id, {})
            for group_id in released_ids:
                if group_id in waiting:
                    waiting[group_id] -= pending.get(group_id, set())
                    if not waiting[group_id]:
                        del waiting[group_id]
            if app not in self._stopped:
                self._published.setdefault(app, {})[activity.id] = (activity.round, document)
        return document

    def _run(self) -> None:
        while self._running:
            socketio.sleep(self.interval)
            try:
                self.flush()
            except Exception:  # a push that fails must not stop later pushes
                log.exception("live update failed")

    def flush(self, app: Flask | None = None) -> None:
        """Push what is pending now (for every app, or one)."""
        with self._lock:
            if app is None:
                results_due, self._dirty_results = self._dirty_results, {}
                participation_due, self._dirty_participation = self._dirty_participation, {}
            else:
                results_due = {app: self._dirty_results.pop(app)} if app in self._dirty_results else {}
                participation_due = ({app: self._dirty_participation.pop(app)}
                                     if app in self._dirty_participation else {})
        for target in set(results_due) | set(participation_due):
            with self._push_lock:
                if target in self._stopped:
                    continue
                self._push(target, results_due.get(target, set()), participation_due.get(target, set()))

    def stop(self, app: Flask) -> None:
        """Forget an app that is going away (test teardown): drop its pending work and wait for a push of it
        that is under way, so no background push touches its database after this returns."""
        with self._lock:
            self._stopped.add(app)
            self._dirty_results.pop(app, None)
            self._dirty_participation.pop(app, None)
            self._pending_votes.pop(app, None)
            self._published.pop(app, None)
        with self._push_lock:
            pass

    def shutdown(self) -> None:
        """End the background loop (it ends after its current sleep); a later change starts a new one."""
        with self._lock:
            self._running = False
            self._started = False

    @staticmethod
    def _push(app: Flask, activities: set[int], workshops: set[int]) -> None:
        from app.extensions import db
        from app.models import Activity, Workshop
        from app.services import results

        with app.app_context():
            try:
                for activity_id in sorted(activities):
                    activity = db.session.get(Activity, activity_id)
                    if activity is None:
                        continue
                    document = results.live_document(activity)
                    socketio.emit("results", document, to=facilitators_room(activity.workshop_id))
                    socketio.emit("results", for_screen(activity, document), to=screens_room(activity.workshop_id))
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
    """The results document a screen may see: while hidden only counts, so the room sees participation but
    not the figures (against herding)."""
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
