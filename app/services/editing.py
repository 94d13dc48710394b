"""Changing an existing workshop: settings, stakeholder groups, items and activities.

Every change is validated with the same rules as the API's definitions (`app.services.definitions`), so a
form and a JSON document can never disagree on what is valid. What people have already answered is
protected: a group with participants, or an item or activity with responses, cannot be deleted, and an
activity's items and scales are frozen once anyone has rated them (early voters must have answered the same
question as late ones). Callers run these functions inside `transaction()`; they only flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import sqlalchemy as sa
from flask_babel import gettext as _

from app import activities as activity_types
from app.extensions import db
from app.library._parts import LIKERT_5, tripartite_groups
from app.models import (
    Activity,
    ActivityItem,
    ActivityState,
    Item,
    Participant,
    Response,
    StakeholderGroup,
    User,
    Workshop,
    new_token,
)
from app.services import workshops
from app.services.checks import Collector
from app.services.definitions import (
    activity_settings,
    clean_activity,
    clean_definition,
    clean_group,
    clean_item,
)
from app.services.errors import FieldError, Problem, conflict, invalid, not_found

Kind = Literal["groups", "items", "activities"]
SETTINGS_FIELDS = ("title", "language", "second_language", "min_group_size", "method_note")


# --- settings and blank workshops --------------------------------------------------------------------------

def clean_settings(data: dict[str, Any]) -> dict[str, Any]:
    """Title, languages and minimum group size under exactly the API's rules (422 with every error)."""
    probe = {name: data.get(name) for name in ("title", "language", "second_language", "min_group_size")}
    probe.update(groups=[], items=[], activities=[])
    clean, errors = clean_definition(probe)
    errors = [e for e in errors if e.field in SETTINGS_FIELDS]
    note = data.get("method_note", "")
    if not isinstance(note, str):
        errors.append(FieldError("method_note", _("Must be a string.")))
        note = ""
    elif len(note.strip()) > 4000:
        errors.append(FieldError("method_note", _("At most %(n)s characters.", n=4000)))
    if errors:
        raise invalid(errors, _("The settings have problems; nothing was saved."))
    return {"title": clean["title"], "language": clean["language"], "second_language": clean["second_language"],
            "min_group_size": clean["min_group_size"], "method_note": note.strip()}


def create_blank(owner: User, data: dict[str, Any]) -> Workshop:
    """A workshop with the tripartite groups (plus observers) and no items yet: the facilitator fills it in.

    Tripartism is the ILO default, so starting from it saves typing; every group can be edited or deleted.
    """
    settings = clean_settings(data)
    errors = Collector()
    groups = [clean_group(g, "", errors, set()) for g in tripartite_groups()]
    workshop = Workshop(
        owner=owner,
        title=settings["title"],
        language=settings["language"],
        second_language=settings["second_language"],
        min_group_size=settings["min_group_size"],
        method_note=settings["method_note"],
        join_code=workshops.unique_join_code(),
        screen_token=new_token(),
    )
    workshop.groups = [
        StakeholderGroup(key=g["key"], name=g["name"], weight=g["weight"], expected=g["expected"],
                         description=g["description"], position=n)
        for n, g in enumerate(groups)
    ]
    db.session.add(workshop)
    db.session.flush()
    return workshop


def update_settings(workshop: Workshop, data: dict[str, Any]) -> Workshop:
    settings = clean_settings(data)
    for name, value in settings.items():
        setattr(workshop, name, value)
    db.session.flush()
    return workshop


def readiness(workshop: Workshop) -> list[str]:
    """What is still missing before the workshop can run (empty when it is ready): the kinds "groups", "items",
    "activities", which the pages turn into whole translated sentences."""
    missing = []
    if not workshop.groups:
        missing.append("groups")
    if not workshop.items:
        missing.append("items")
    if not workshop.activities:
        missing.append("activities")
    return missing


# --- usage: what is protected ----------------------------------------------------------------------------

def group_participants(workshop: Workshop) -> dict[str, int]:
    return workshops.participation(workshop)


def item_responses(workshop: Workshop) -> dict[str, int]:
    """Saved values per item key (any activity, any round)."""
    counts = dict(db.session.execute(
        sa.select(Response.item_id, sa.func.count()).join(Item, Item.id == Response.item_id)
        .where(Item.workshop_id == workshop.id).group_by(Response.item_id)
    ).all())
    return {i.key: int(counts.get(i.id, 0)) for i in workshop.items}


def activity_responses(workshop: Workshop) -> dict[str, int]:
    """Saved values per activity key (any round)."""
    counts = dict(db.session.execute(
        sa.select(Response.activity_id, sa.func.count()).join(Activity, Activity.id == Response.activity_id)
        .where(Activity.workshop_id == workshop.id).group_by(Response.activity_id)
    ).all())
    return {a.key: int(counts.get(a.id, 0)) for a in workshop.activities}


def respondents(activity: Activity) -> dict[str, Any]:
    """Who has answered the activity's current round, in total and per group: the console's page-load figures.

    The same counts as `results.respondents`, without running the aggregation, so the console shows correct
    numbers with JavaScript off.
    """
    rows = dict(db.session.execute(
        sa.select(Participant.group_id, sa.func.count(sa.distinct(Response.participant_id)))
        .join(Participant, Participant.id == Response.participant_id)
        .where(Response.activity_id == activity.id, Response.round == activity.round)
        .group_by(Participant.group_id)
    ).all())
    groups = {g.key: int(rows.get(g.id, 0)) for g in activity.workshop.groups}
    return {"respondents": sum(groups.values()), "groups": groups}


def participant_totals(workshop_ids: Iterable[int]) -> dict[int, int]:
    """Participants per workshop, in one query for the workshop list."""
    ids = list(workshop_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Participant.workshop_id, sa.func.count()).where(Participant.workshop_id.in_(ids))
        .group_by(Participant.workshop_id)
    ).all()
    counts = dict(rows)
    return {i: int(counts.get(i, 0)) for i in ids}


def _participants_in(group: StakeholderGroup) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).where(Participant.group_id == group.id)) or 0)


def _responses_for_item(item: Item) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).where(Response.item_id == item.id)) or 0)


def _responses_for_activity(activity: Activity) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).where(Response.activity_id == activity.id)) or 0)


# --- lookups -----------------------------------------------------------------------------------------------

def _collection(workshop: Workshop, kind: Kind) -> list[Any]:
    return {"groups": workshop.groups, "items": workshop.items, "activities": workshop.activities}[kind]


def get(workshop: Workshop, kind: Kind, key: str) -> Any:
    found = next((e for e in _collection(workshop, kind) if e.key == key), None)
    if found is None:
        raise not_found({"groups": _("The workshop has no group '%(key)s'.", key=key),
                         "items": _("The workshop has no item '%(key)s'.", key=key),
                         "activities": _("The workshop has no activity '%(key)s'.", key=key)}[kind])
    return found


def _check_key(clean: dict[str, Any], errors: Collector, workshop: Workshop, kind: Kind,
               current: Any | None) -> None:
    """Keys are unique within their list; say so in words a facilitator understands."""
    key = clean.get("key")
    if key and any(e.key == key and e is not current for e in _collection(workshop, kind)):
        errors.add("key", {
            "groups": _("Another group of this workshop already uses the key '%(key)s'.", key=key),
            "items": _("Another item of this workshop already uses the key '%(key)s'.", key=key),
            "activities": _("Another activity of this workshop already uses the key '%(key)s'.", key=key),
        }[kind])


def _raise(errors: Collector, kind: str) -> None:
    if errors.errors:
        n = len(errors.errors)
        raise invalid(errors.errors, {
            "group": _("The group has %(n)s problem(s); nothing was saved.", n=n),
            "item": _("The item has %(n)s problem(s); nothing was saved.", n=n),
            "activity": _("The activity has %(n)s problem(s); nothing was saved.", n=n),
        }[kind])


def _renumber(entities: list[Any]) -> None:
    for n, entity in enumerate(entities):
        entity.position = n


# --- stakeholder groups ------------------------------------------------------------------------------------

def add_group(workshop: Workshop, data: dict[str, Any]) -> StakeholderGroup:
    errors = Collector()
    clean = clean_group(data, "", errors, set())
    _check_key(clean, errors, workshop, "groups", None)
    _raise(errors, "group")
    group = StakeholderGroup(position=len(workshop.groups), **clean)
    workshop.groups.append(group)
    db.session.flush()
    return group


def update_group(workshop: Workshop, key: str, data: dict[str, Any]) -> StakeholderGroup:
    group = get(workshop, "groups", key)
    errors = Collector()
    clean = clean_group(data, "", errors, set())
    _check_key(clean, errors, workshop, "groups", group)
    _raise(errors, "group")
    if clean["key"] != group.key and _participants_in(group):
        raise Problem(409, "Conflict", _("People have joined this group; its key can no longer change."),
                      [FieldError("key", _("Frozen: people have joined this group."))])
    for name, value in clean.items():
        setattr(group, name, value)
    db.session.flush()
    return group


def delete_group(workshop: Workshop, key: str) -> None:
    group = get(workshop, "groups", key)
    joined = _participants_in(group)
    if joined:
        raise conflict(_("%(n)s participant(s) joined '%(group)s'; a group with participants cannot be deleted "
                         "(their answers would lose their constituency).", n=joined, group=group.name))
    if len(workshop.groups) == 1:
        raise conflict(_("A workshop needs at least one stakeholder group for people to join."))
    workshop.groups.remove(group)
    _renumber(workshop.groups)
    db.session.flush()


# --- items -------------------------------------------------------------------------------------------------

def add_item(workshop: Workshop, data: dict[str, Any]) -> Item:
    errors = Collector()
    clean = clean_item(data, "", errors, set())
    _check_key(clean, errors, workshop, "items", None)
    _raise(errors, "item")
    item = Item(position=len(workshop.items), **clean)
    workshop.items.append(item)
    db.session.flush()
    return item


def update_item(workshop: Workshop, key: str, data: dict[str, Any]) -> Item:
    item = get(workshop, "items", key)
    errors = Collector()
    clean = clean_item(data, "", errors, set())
    _check_key(clean, errors, workshop, "items", item)
    _raise(errors, "item")
    if clean["key"] != item.key and _responses_for_item(item):
        raise Problem(409, "Conflict", _("This item has been rated; its key can no longer change."),
                      [FieldError("key", _("Frozen: the item has responses."))])
    for name, value in clean.items():
        setattr(item, name, value)
    db.session.flush()
    return item


def delete_item(workshop: Workshop, key: str) -> None:
    item = get(workshop, "items", key)
    if _responses_for_item(item):
        raise conflict(_("'%(title)s' has been rated; an item with responses cannot be deleted.", title=item.title))
    for activity in workshop.activities:
        if item in activity.items:
            if _responses_for_activity(activity):
                raise conflict(_("'%(activity)s' already has responses, so its items are frozen; '%(item)s' stays "
                                 "in it.", activity=activity.title, item=item.title))
            if len(activity.items) == 1:
                raise conflict(_("'%(item)s' is the only item of '%(activity)s'; add another item to that "
                                 "activity or delete the activity first.", item=item.title, activity=activity.title))
    for activity in workshop.activities:
        kept = [ai for ai in activity.activity_items if ai.item is not item]
        if len(kept) != len(activity.activity_items):
            activity.activity_items = kept
            _renumber(kept)
    workshop.items.remove(item)
    _renumber(workshop.items)
    db.session.flush()


# --- activities --------------------------------------------------------------------------------------------

def _scale(settings: dict[str, Any], axis: str) -> tuple[Any, Any, Any]:
    scale = settings.get(axis) or {}
    return scale.get("label"), scale.get("min"), scale.get("max")


def _matrix_settings(clean: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON settings of a matrix, keeping wording the form does not edit (quadrant notes, point labels).

    Point labels ('Very low' ... 'Very high') only make sense for the scale they were written for: kept while
    the scales are unchanged, the standard 1-5 anchors for a new 1-5 matrix, dropped otherwise.
    """
    previous = previous or {}
    settings: dict[str, Any] = {"x": clean["x"], "y": clean["y"]}
    if "quadrants" in clean:
        settings["quadrants"] = clean["quadrants"]
        if "quadrant_notes" in previous:
            settings["quadrant_notes"] = previous["quadrant_notes"]
    same_scales = all(
        (clean[a]["min"], clean[a]["max"]) == tuple(_scale(previous, a)[1:]) for a in ("x", "y")
    )
    if same_scales and "scale_labels" in previous:
        settings["scale_labels"] = previous["scale_labels"]
    elif all((clean[a]["min"], clean[a]["max"]) == (1, 5) for a in ("x", "y")):
        settings["scale_labels"] = dict(LIKERT_5)
    return settings


def _settings(clean: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON settings of any type; the matrix keeps wording its form does not edit."""
    if clean["type"] == "matrix":
        return _matrix_settings(clean, previous)
    settings = activity_settings(clean)
    previous = previous or {}
    if clean["type"] == "criteria":
        for name in ("quadrants", "quadrant_notes"):
            if name in previous and name not in settings:
                settings[name] = previous[name]
    if clean["type"] in ("scale", "criteria") and "scale_labels" in previous and "scale_labels" not in settings:
        old, new = previous.get("scale") or {}, settings.get("scale") or {}
        if (old.get("min"), old.get("max")) == (new.get("min"), new.get("max")):
            settings["scale_labels"] = previous["scale_labels"]
    return settings


def _clean_activity(workshop: Workshop, data: dict[str, Any], current: Activity | None) -> dict[str, Any]:
    errors = Collector()
    kind = current.type if current is not None else data.get("type", "matrix")
    clean = clean_activity({**data, "type": kind}, "", errors, set(), [i.key for i in workshop.items])
    _check_key(clean, errors, workshop, "activities", current)
    _raise(errors, "activity")
    return clean


def _item_links(workshop: Workshop, keys: list[str]) -> list[ActivityItem]:
    by_key = {i.key: i for i in workshop.items}
    return [ActivityItem(item=by_key[k], position=n) for n, k in enumerate(keys)]


def add_activity(workshop: Workshop, data: dict[str, Any]) -> Activity:
    clean = _clean_activity(workshop, data, None)
    activity = Activity(key=clean["key"], type=clean["type"], title=clean["title"],
                        state=ActivityState.pending.value, position=len(workshop.activities),
                        settings=_settings(clean, None))
    activity.activity_items = _item_links(workshop, clean["items"])
    workshop.activities.append(activity)
    db.session.flush()
    return activity


def update_activity(workshop: Workshop, key: str, data: dict[str, Any]) -> Activity:
    """Title, hints and names can always change; key, items, scales and ballots only before the first vote."""
    activity = get(workshop, "activities", key)
    clean = _clean_activity(workshop, data, activity)
    current_items = [i.key for i in activity.items]
    if set(clean["items"]) == set(current_items):
        clean["items"] = current_items  # same choice: keep the author's order
    frozen: list[FieldError] = []
    if clean["items"] != current_items:
        frozen.append(FieldError("items", _("Frozen: the activity has responses.")))
    settings = _settings(clean, activity.settings)
    kind = activity_types.of(activity)
    before, after = kind.answered_settings(activity.settings or {}), kind.answered_settings(settings)
    for path, value in after.items():
        if value != before.get(path):
            frozen.append(FieldError(path, _("Frozen: the activity has responses.")))
    if clean["key"] != activity.key:
        if activity.is_open:
            raise Problem(409, "Conflict", _("Phones are answering this activity now; close it before renaming "
                                             "its key."), [FieldError("key", _("Close the activity first."))])
        frozen.append(FieldError("key", _("Frozen: the activity has responses.")))
    if frozen and _responses_for_activity(activity):
        raise Problem(409, "Conflict", _("This activity already has responses; its key, items and scales are "
                                         "frozen (and its points, places or criteria). Change only the title, "
                                         "hints, labels or names, or create a new activity."), frozen)
    activity.key = clean["key"]
    activity.title = clean["title"]
    activity.settings = settings
    if clean["items"] != current_items:
        activity.activity_items = _item_links(workshop, clean["items"])
    db.session.flush()
    return activity


def delete_activity(workshop: Workshop, key: str) -> None:
    activity = get(workshop, "activities", key)
    if activity.is_open:
        raise conflict(_("'%(title)s' is open on the phones; close it before deleting it.", title=activity.title))
    if _responses_for_activity(activity):
        raise conflict(_("'%(title)s' has responses; an activity with responses cannot be deleted.",
                         title=activity.title))
    workshop.activities.remove(activity)
    _renumber(workshop.activities)
    db.session.flush()


# --- order -------------------------------------------------------------------------------------------------

def move(workshop: Workshop, kind: Kind, key: str, offset: int) -> None:
    """Move one group, item or activity up (offset < 0) or down; the order is what phones and screens show."""
    entities = _collection(workshop, kind)
    entity = get(workshop, kind, key)
    index = entities.index(entity)
    target = max(0, min(len(entities) - 1, index + offset))
    if target != index:
        entities.insert(target, entities.pop(index))
    _renumber(entities)
    db.session.flush()


def reorder(workshop: Workshop, kind: Kind, keys: list[str]) -> None:
    """Set the whole order at once (every key exactly once), for clients that drag and drop."""
    entities = _collection(workshop, kind)
    if sorted(keys) != sorted(e.key for e in entities):
        field_message = {"groups": _("List every group key exactly once."),
                         "items": _("List every item key exactly once."),
                         "activities": _("List every activity key exactly once.")}[kind]
        raise invalid([FieldError(kind, field_message)], {
            "groups": _("The new order must list every group key exactly once."),
            "items": _("The new order must list every item key exactly once."),
            "activities": _("The new order must list every activity key exactly once."),
        }[kind])
    by_key = {e.key: e for e in entities}
    entities[:] = [by_key[k] for k in keys]
    _renumber(entities)
    db.session.flush()
