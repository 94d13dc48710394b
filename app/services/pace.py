"""Presenter pace: the facilitator moves the room step by step and the phones follow.

`self` (the default) leaves every open activity on the phones. `activity` shows only the activity the
facilitator is on; `item` shows only its current item (for matrix, scale and criteria activities; a points
or ranking ballot is one decision over all its items, so it stays one step). Moving never opens or closes an
activity and never touches saved answers: the pace only decides what a phone shows, so answers of earlier
items stay, and the API accepts a ballot for any item of an open activity whatever the current step (a
phone's offline queue may deliver an earlier item late; refusing it would lose a real answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app import activities as activity_types
from app.extensions import db
from app.models import Activity, Item, Workshop
from app.services import live
from app.services.database import after_commit
from app.services.errors import conflict, invalid_field

MODES = ("self", "activity", "item")


@dataclass(frozen=True)
class Step:
    """Where the room is: an activity and, in item pace, one of its items (an index into the round's items)."""

    activity: Activity | None
    index: int | None = None

    @property
    def item(self) -> Item | None:
        if self.activity is None or self.index is None:
            return None
        items = self.activity.round_items
        return items[self.index] if 0 <= self.index < len(items) else None


def by_item(workshop: Workshop, activity: Activity) -> bool:
    """Whether this activity is walked item by item under the workshop's pace."""
    return workshop.pace == "item" and activity_types.of(activity).asked_item_by_item and bool(activity.round_items)


def steps(workshop: Workshop) -> list[Step]:
    """Every step in order: one per activity, or one per item of the activities asked item by item."""
    out: list[Step] = []
    for activity in workshop.activities:
        if by_item(workshop, activity):
            out.extend(Step(activity, n) for n in range(len(activity.round_items)))
        else:
            out.append(Step(activity))
    return out


def current(workshop: Workshop) -> Step | None:
    """The step phones show, or None when self-paced. An unknown or missing activity falls back to the first."""
    if workshop.pace not in ("activity", "item"):
        return None
    activity = workshop.activity(workshop.pace_activity) if workshop.pace_activity else None
    if activity is None:
        activity = workshop.activities[0] if workshop.activities else None
    if activity is None:
        return Step(None)
    if not by_item(workshop, activity):
        return Step(activity)
    last = len(activity.round_items) - 1
    return Step(activity, max(0, min(int(workshop.pace_item or 0), last)))


def visible_items(workshop: Workshop, activity: Activity) -> list[Item]:
    """The items a phone shows for `activity`: the current one in item pace, else all of them."""
    step = current(workshop)
    if step is not None and step.activity is activity and step.item is not None:
        return [step.item]
    return list(activity.round_items)


def position(workshop: Workshop) -> tuple[int, int]:
    """(1-based number of the current step, number of steps), for "step 3 of 9"; (0, n) when self-paced."""
    every = steps(workshop)
    step = current(workshop)
    if step is None:
        return 0, len(every)
    for n, candidate in enumerate(every, 1):
        if candidate.activity is step.activity and candidate.index == step.index:
            return n, len(every)
    return 0, len(every)


def payload(workshop: Workshop) -> dict[str, Any]:
    """The `pace` Socket.IO event and the API's pace document."""
    step = current(workshop)
    number, total = position(workshop)
    item = step.item if step is not None else None
    return {
        "mode": workshop.pace if workshop.pace in MODES else "self",
        "activity": step.activity.key if step is not None and step.activity is not None else None,
        "item": item.key if item is not None else None,
        "index": step.index if step is not None else None,
        "step": number,
        "steps": total,
    }


def key(workshop: Workshop) -> str:
    """A short string a phone page carries, so phone.js sees at once whether a `pace` event moves it (the
    event's mode/activity/item). Cheap: every phone page asks for it."""
    step = current(workshop)
    if step is None:
        return "self//"
    item = step.item
    activity = step.activity.key if step.activity is not None else ""
    return f"{workshop.pace}/{activity}/{item.key if item is not None else ''}"


def _announce(workshop: Workshop) -> None:
    workshop_id, data = workshop.id, payload(workshop)
    after_commit(lambda: live.announce_pace(workshop_id, data))


def _place(workshop: Workshop, step: Step) -> None:
    workshop.pace_activity = step.activity.key if step.activity is not None else ""
    workshop.pace_item = step.index or 0


def set_mode(workshop: Workshop, mode: Any) -> Workshop:
    """Switch between self-paced, activity by activity and item by item; the step stays where it was (or
    starts on the first open activity, else the first one)."""
    if mode not in MODES:
        raise invalid_field("pace", _("The pace is self, activity or item."))
    if mode != "self" and not workshop.pace_activity:
        first_open = next((a for a in workshop.activities if a.is_open), None)
        if first_open is not None:
            workshop.pace_activity, workshop.pace_item = first_open.key, 0
    workshop.pace = mode
    step = current(workshop)
    if step is not None:
        _place(workshop, step)
    db.session.flush()
    _announce(workshop)
    return workshop


def move(workshop: Workshop, offset: int) -> Step:
    """Next (+1) or previous (-1) step. 409 when self-paced or already at the first/last step."""
    step = current(workshop)
    if step is None:
        raise conflict(_("The workshop is self-paced; choose activity or item pace first."))
    every = steps(workshop)
    here = next((n for n, s in enumerate(every) if s.activity is step.activity and s.index == step.index), 0)
    target = here + offset
    if not every or target < 0 or target >= len(every):
        raise conflict(_("Already at the first step.") if offset < 0 else _("Already at the last step."))
    _place(workshop, every[target])
    db.session.flush()
    _announce(workshop)
    return every[target]


def go_to(workshop: Workshop, activity_key: Any, item: Any = None) -> Step:
    """Jump to an activity (and, in item pace, one of its items by key or 0-based index)."""
    if workshop.pace not in ("activity", "item"):
        raise conflict(_("The workshop is self-paced; choose activity or item pace first."))
    activity = workshop.activity(activity_key) if isinstance(activity_key, str) else None
    if activity is None:
        raise invalid_field("activity", _("The workshop has no activity '%(key)s'.", key=activity_key))
    index = 0
    if item is not None:
        if not by_item(workshop, activity):
            raise invalid_field("item", _("Only item pace on a matrix, scale or criteria activity moves by item."))
        keys = [i.key for i in activity.round_items]
        if isinstance(item, str) and item in keys:
            index = keys.index(item)
        elif isinstance(item, int) and not isinstance(item, bool) and 0 <= item < len(keys):
            index = item
        else:
            raise invalid_field("item", _("'%(item)s' is not an item of the activity '%(activity)s'.",
                                          item=item, activity=activity.key))
    _place(workshop, Step(activity, index if by_item(workshop, activity) else None))
    db.session.flush()
    _announce(workshop)
    return current(workshop) or Step(activity)


def update(workshop: Workshop, body: Any) -> Workshop:
    """PUT /workshops/{id}/pace: {"mode"?, "activity"?, "item"?} or {"move": "next" | "previous"}."""
    if not isinstance(body, dict):
        raise invalid_field("mode", _("Send %(example)s.",
                                      example='{"mode": "self" | "activity" | "item", "activity"?, "item"?}'))
    if "mode" in body:
        set_mode(workshop, body["mode"])
    if body.get("move") is not None:
        if body["move"] not in ("next", "previous"):
            raise invalid_field("move", _("Move next or previous."))
        move(workshop, 1 if body["move"] == "next" else -1)
    elif body.get("activity") is not None:
        go_to(workshop, body["activity"], body.get("item"))
    return workshop
