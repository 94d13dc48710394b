"""Actions: who does what by when about an item the room put in the top priority quadrant.

A facilitator turns the "Quick wins" (constraints) or "Priority sectors" (sectors) of a matrix or criteria
activity into next steps before the room leaves. The quadrant is read from the current `equal_groups` results
(what the room saw), never stored: results can still move while voting is open, and an action made for an item
stays valid if the item later drifts out of the quadrant. Any item of the activity may therefore get an action
(a facilitator also assigns advocacy steps to "Strategic priorities"); the pages list the top quadrant first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import activities as activity_types
from app.activities.base import DEFAULT_QUADRANT_NAMES
from app.extensions import db
from app.models import Action, Activity, Item, Workshop
from app.services import results
from app.services.errors import FieldError, invalid, invalid_field, not_found

TOP = "top_right"
QUADRANT_ORDER = ("top_right", "top_left", "bottom_right", "bottom_left")
OWNER_MAX = 120
NOTE_MAX = 2000
FIELDS = ("item", "owner", "due_date", "note")
#: Fields of the action document a client may send back unchanged; they are ignored.
READ_ONLY = ("id", "activity", "quadrant", "quadrant_name")

#: The quadrant names of the two usual matrices, used when an activity names none.
DEFAULT_NAMES = DEFAULT_QUADRANT_NAMES


def has_quadrants(activity: Activity) -> bool:
    return activity_types.of(activity).has_quadrants


def quadrant_names(activity: Activity) -> dict[str, str]:
    """The activity's own quadrant names, else the usual names for its items' kind (sectors or constraints)."""
    own = (activity.settings or {}).get("quadrants")
    kinds = {item.kind for item in activity.items}
    defaults = DEFAULT_NAMES["sector" if kinds == {"sector"} else "constraint"]
    if isinstance(own, dict):
        return {q: str(own.get(q) or defaults[q]) for q in QUADRANT_ORDER}
    return dict(defaults)


def quadrants(activity: Activity) -> dict[str, str | None]:
    """Each item's current quadrant under `equal_groups` (None while too few answers to place it)."""
    if not has_quadrants(activity):
        return {}
    try:
        document = results.compute(activity, "equal_groups")
    except (ValueError, TypeError, KeyError):  # a half-configured activity: nothing can be placed yet
        return {}
    return {entry["item"]: entry.get("quadrant") for entry in document.get("items", [])}


def document(action: Action, quadrant: str | None = None, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The API shape of one action; `quadrant` is the item's current quadrant, if known."""
    out: dict[str, Any] = {
        "id": action.id, "activity": action.activity.key, "item": action.item.key, "owner": action.owner,
        "due_date": action.due_date.isoformat() if action.due_date else None, "note": action.note,
        "quadrant": quadrant,
    }
    if names is not None:
        out["quadrant_name"] = names.get(quadrant) if quadrant else None
    return out


def for_workshop(workshop: Workshop) -> list[Action]:
    """Every action of the workshop in the activities' order, then the items' order, then creation order."""
    order = {a.id: n for n, a in enumerate(workshop.activities)}
    positions = {i.id: i.position for i in workshop.items}
    rows = db.session.scalars(sa.select(Action).where(Action.workshop_id == workshop.id).order_by(Action.id))
    return sorted(rows, key=lambda a: (order.get(a.activity_id, 0), positions.get(a.item_id, 0), a.id))


def documents(workshop: Workshop) -> list[dict[str, Any]]:
    """All actions with their items' current quadrant names (results computed once per activity)."""
    placed: dict[int, tuple[dict[str, str | None], dict[str, str]]] = {}
    out = []
    for action in for_workshop(workshop):
        if action.activity_id not in placed:
            placed[action.activity_id] = (quadrants(action.activity), quadrant_names(action.activity))
        where, names = placed[action.activity_id]
        out.append(document(action, where.get(action.item.key), names))
    return out


def get(workshop: Workshop, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.workshop_id != workshop.id:
        raise not_found(_("The workshop has no action %(id)s.", id=action_id))
    return action


def _text(body: dict[str, Any], name: str, limit: int, errors: list[FieldError], *, required: bool) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        errors.append(FieldError(name, _("The %(name)s is text.", name=name)))
        return None
    value = value.strip()
    if required and not value:
        errors.append(FieldError(name, _("Say who owns this action (a person, office or organisation).")))
        return None
    if len(value) > limit:
        errors.append(FieldError(name, _("At most %(n)s characters.", n=limit)))
        return None
    return value


def _due(value: Any, errors: list[FieldError]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.append(FieldError("due_date", _("The due date is a date such as 2026-12-31, or empty.")))
    return None


def _check(activity: Activity) -> None:
    if not has_quadrants(activity):
        raise invalid_field("activity", _("Actions are made from a matrix or criteria activity; '%(key)s' is a "
                                          "%(type)s activity.", key=activity.key, type=activity.type))


def _item(activity: Activity, key: Any, errors: list[FieldError]) -> Item | None:
    if not isinstance(key, str):
        errors.append(FieldError("item", _("Name the item by its key.")))
        return None
    item = next((i for i in activity.items if i.key == key), None)
    if item is None:
        errors.append(FieldError("item", _("The activity '%(activity)s' has no item '%(key)s'.",
                                           activity=activity.key, key=key)))
    return item


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid_field("", _("Send a JSON object with item, owner, due_date and note."))
    unknown = sorted(set(body) - set(FIELDS) - set(READ_ONLY))
    if unknown:
        raise invalid([FieldError(name, _("Unknown field.")) for name in unknown])
    return body


def create(activity: Activity, body: Any) -> Action:
    """A new action for an item of the activity; every field is checked before anything is written."""
    _check(activity)
    body = _body(body)
    errors: list[FieldError] = []
    item = _item(activity, body.get("item"), errors)
    owner = _text(body, "owner", OWNER_MAX, errors, required=True)
    due = _due(body.get("due_date"), errors)
    note = _text(body, "note", NOTE_MAX, errors, required=False)
    if errors:
        raise invalid(errors)
    assert item is not None and owner is not None and note is not None
    action = Action(workshop_id=activity.workshop_id, activity=activity, item=item, owner=owner, due_date=due,
                    note=note)
    db.session.add(action)
    db.session.flush()
    return action


def update(action: Action, body: Any) -> Action:
    """Change the fields sent (owner, due_date, note; item within the same activity); all or nothing."""
    body = _body(body)
    errors: list[FieldError] = []
    changes: dict[str, Any] = {}
    if "item" in body:
        changes["item"] = _item(action.activity, body["item"], errors)
    if "owner" in body:
        changes["owner"] = _text(body, "owner", OWNER_MAX, errors, required=True)
    if "due_date" in body:
        changes["due_date"] = _due(body["due_date"], errors)
    if "note" in body:
        changes["note"] = _text(body, "note", NOTE_MAX, errors, required=False)
    if errors:
        raise invalid(errors)
    for name, value in changes.items():
        setattr(action, name, value)
    db.session.flush()
    return action


def delete(action: Action) -> None:
    db.session.delete(action)
    db.session.flush()


def board(activity: Activity) -> dict[str, Any]:
    """What the actions page shows: items grouped by current quadrant (top one first) with their actions."""
    where = quadrants(activity)
    names = quadrant_names(activity)
    mine = db.session.scalars(sa.select(Action).where(Action.activity_id == activity.id).order_by(Action.id))
    by_item: dict[int, list[Action]] = {}
    for action in mine:
        by_item.setdefault(action.item_id, []).append(action)
    sections: dict[str | None, list[dict[str, Any]]] = {q: [] for q in (*QUADRANT_ORDER, None)}
    listed = set()
    for item in activity.items:
        listed.add(item.id)
        sections[where.get(item.key)].append({"item": item, "actions": by_item.get(item.id, [])})
    for item_id, kept in by_item.items():  # an item taken out of the activity later keeps its actions in view
        if item_id not in listed:
            sections[None].append({"item": kept[0].item, "actions": kept})
    return {"top": sections[TOP], "others": [(q, names.get(q) if q else None, sections[q])
                                             for q in (*QUADRANT_ORDER[1:], None) if sections[q]],
            "names": names}
