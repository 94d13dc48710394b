"""Live updates, the writers' side: what changed (after it is committed), the rooms, and what the room may see.

Writers call `results_changed` / `votes_saved` / `participation_changed`; these go to the notifier the app
registered (the publisher's hub, `app/publisher.py`), which pushes coalesced `results` a few times a second,
so the cost does not grow with each vote. Facilitators' figures trail the last vote by at most one interval;
the room's figures (screens, phones) move only when a release is made, in whole batches of at least k
changed participants of one group (`app/services/release.py`, docs/anonymity.md), so no vote can be read off
a change. State changes go out at once to everyone in the workshop. This module reads no results: it imports
nothing from the services, so every service may import it.
"""

from __future__ import annotations

from typing import Any, Protocol

from flask import current_app

from app import events
from app.extensions import db, socketio
from app.models import Activity


def workshop_room(workshop_id: int) -> str:
    """Everyone in the workshop: phones, screens and facilitators (for `state`)."""
    return f"workshop:{workshop_id}"


def screens_room(workshop_id: int) -> str:
    """Screens (for `results`, hidden while an `on_reveal` activity is not revealed); facilitators get full
    results in their own room."""
    return f"screens:{workshop_id}"


def facilitators_room(workshop_id: int) -> str:
    return f"facilitators:{workshop_id}"


class Notifier(Protocol):
    """What writers tell the publisher; `app.extensions["prioritas.notifier"]` holds the app's one."""

    def results_changed(self, activity_id: int) -> None: ...

    def votes_saved(self, activity_id: int, group_id: int, participant_id: int) -> None: ...

    def participation_changed(self, workshop_id: int) -> None: ...


def notifier() -> Notifier | None:
    """The current app's notifier; None in an app without live updates (a command-line tool)."""
    return current_app.extensions.get("prioritas.notifier")




def results_changed(activity_id: int) -> None:
    target = notifier()
    if target is not None:
        target.results_changed(activity_id)


def votes_saved(activity_id: int, group_id: int, participant_id: int) -> None:
    target = notifier()
    if target is not None:
        target.votes_saved(activity_id, group_id, participant_id)


def participation_changed(workshop_id: int) -> None:
    target = notifier()
    if target is not None:
        target.participation_changed(workshop_id)


def announce_states(workshop_id: int, changes: list[tuple[int, str, str]]) -> None:
    """Tell everyone in the workshop which activities changed state, then refresh the screens."""
    for activity_id, key, state in changes:
        payload: dict[str, Any] = {"activity": key, "state": state}
        socketio.emit(events.STATE, payload, to=workshop_room(workshop_id))
        if state == "open":
            announce_round(workshop_id, activity_id)
        results_changed(activity_id)


def announce_round(workshop_id: int, activity_id: int) -> None:
    """The round an opened activity is in, so a phone still showing an earlier round's form moves to the new one
    (a Delphi round opens an activity that was already open: its `state` alone does not change)."""
    activity = db.session.get(Activity, activity_id)
    if activity is not None:
        socketio.emit(events.ROUND, round_payload(activity), to=workshop_room(workshop_id))


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
    socketio.emit(events.REVEALED, {"activity": key, "revealed": bool(revealed)}, to=workshop_room(workshop_id))


def timer_payload(activity: Any) -> dict[str, Any]:
    return {"activity": activity.key, "ends_at": (activity.settings or {}).get("timer_ends_at")}


def announce_timer(workshop_id: int, payload: dict[str, Any]) -> None:
    """Phones, screens and facilitators are all in the workshop room."""
    socketio.emit(events.TIMER, payload, to=workshop_room(workshop_id))


def proposals_changed(workshop_id: int, pending: int) -> None:
    """Facilitators' consoles show how many participant proposals wait for a decision."""
    socketio.emit(events.PROPOSALS, {"pending": pending}, to=facilitators_room(workshop_id))


def announce_pace(workshop_id: int, payload: dict[str, Any]) -> None:
    """Presenter pace moved: phones go to the new step, screens highlight it, remotes and consoles follow."""
    socketio.emit(events.PACE, payload, to=workshop_room(workshop_id))


def proposal_added(workshop_id: int, payload: dict[str, Any]) -> None:
    """An approved suggestion became an item: the screens show it briefly (title and kind, never who)."""
    socketio.emit(events.PROPOSAL_ADDED, payload, to=screens_room(workshop_id))
