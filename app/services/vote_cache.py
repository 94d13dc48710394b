"""What a vote reads, read once per workshop revision instead of once per vote.

A ballot needs the activity's type, state, round, settings and items. They change only when the facilitator
edits or runs the workshop, and every such change moves `workshop.revision` in the same transaction (see
`app/models.py`). A vote reads its participant and the workshop's revision in one indexed query
(`voter_for_token`); if this process holds a snapshot of that revision it uses it, else it reads the
workshop once and keeps the snapshot. An edit committed by any process is therefore seen by every process at
its next vote, with no message between them.

Snapshots are plain frozen objects with the attribute names of the models the validators read
(`participation.parse_ballot`), so the validators do not care which one they get.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from app.models import ActivityState, Workshop, token_digest
from app.services import tally

#: Workshops kept per process (least recently used dropped first): a server runs a few at a time.
MAX_WORKSHOPS = 256


@dataclass(frozen=True, slots=True)
class Voter:
    """The participant a token names, as the vote path needs it (no ORM object, no session)."""

    id: int
    workshop_id: int
    group_id: int
    revision: int = -1


@dataclass(frozen=True, slots=True)
class ItemView:
    id: int
    key: str


@dataclass(frozen=True)
class ActivityView:
    id: int
    workshop_id: int
    key: str
    type: str
    state: str
    round: int
    settings: dict[str, Any]
    items: tuple[ItemView, ...]
    round_items: tuple[ItemView, ...]

    @property
    def is_open(self) -> bool:
        return self.state == ActivityState.open.value


@dataclass(frozen=True)
class WorkshopView:
    id: int
    revision: int
    activities: dict[str, ActivityView] = field(default_factory=dict)

    def activity(self, key: str) -> ActivityView | None:
        return self.activities.get(key)


_VOTER = ("SELECT p.id, p.workshop_id, p.group_id, w.revision FROM participant p "
          "JOIN workshop w ON w.id = p.workshop_id WHERE p.token_digest = ?")


def voter_for_token(token: str | None) -> Voter | None:
    """One indexed query: who votes, and which revision of their workshop is current."""
    if not token:
        return None
    rows = tally.fetch(_VOTER, (token_digest(token),))
    if not rows:
        return None
    participant_id, workshop_id, group_id, revision = rows[0]
    return Voter(int(participant_id), int(workshop_id), int(group_id), int(revision))


def voter_of(participant: Any) -> Voter:
    """The same for a participant already loaded (the phone's session)."""
    return Voter(participant.id, participant.workshop_id, participant.group_id)


class _Snapshots:
    """One per app: several apps in one process (tests, tools) never share a database's snapshots."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.views: OrderedDict[int, WorkshopView] = OrderedDict()


def _store() -> _Snapshots:
    store = current_app.extensions.get("prioritas.vote_cache")
    if store is None:
        store = current_app.extensions.setdefault("prioritas.vote_cache", _Snapshots())
    return store


def workshop_view(workshop_id: int, revision: int) -> WorkshopView | None:
    """The workshop as of `revision`: from this process's snapshots, or read now (None: no such workshop)."""
    store = _store()
    with store.lock:
        view = store.views.get(workshop_id)
        if view is not None and view.revision == revision:
            store.views.move_to_end(workshop_id)
            return view
    view = _read(workshop_id)
    if view is None:
        return None
    with store.lock:
        kept = store.views.get(workshop_id)
        if kept is None or kept.revision <= view.revision:
            store.views[workshop_id] = view
            store.views.move_to_end(workshop_id)
        while len(store.views) > MAX_WORKSHOPS:
            store.views.popitem(last=False)
    return view


def _read(workshop_id: int) -> WorkshopView | None:
    """Read the revision first, then the rest: a snapshot is never older than the revision it carries."""
    from app.extensions import db

    rows = tally.fetch("SELECT revision FROM workshop WHERE id = ?", (workshop_id,))
    if not rows:
        return None
    revision = int(rows[0][0])
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        return None
    activities = {}
    for activity in workshop.activities:
        items = tuple(ItemView(i.id, i.key) for i in activity.items)
        in_round = {i.id for i in activity.round_items}
        activities[activity.key] = ActivityView(
            id=activity.id, workshop_id=workshop_id, key=activity.key, type=activity.type, state=activity.state,
            round=activity.round or 1, settings=copy.deepcopy(activity.settings or {}), items=items,
            round_items=tuple(i for i in items if i.id in in_round))
    return WorkshopView(workshop_id, revision, activities)


def forget(app: Any = None) -> None:
    """Drop every snapshot of an app (tests that change the database behind the ORM's back)."""
    target = app if app is not None else current_app
    store = target.extensions.get("prioritas.vote_cache")
    if store is not None:
        with store.lock:
            store.views.clear()
