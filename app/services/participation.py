"""Joining a workshop and saving responses: the vote path, kept short and all-or-nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Activity, Item, Participant, Response, Workshop, new_token, token_digest, utcnow
from app.services import live, tally, workshops
from app.services.database import after_commit
from app.services.definitions import DEFAULT_MAX_PER_ITEM, is_int
from app.services.errors import FieldError, conflict, forbidden, invalid, invalid_field, not_found


def join(code: Any, group_key: Any, *, channel: str = "phone") -> tuple[Participant, str]:
    """Create an anonymous participant in a group; returns it with its (only) clear-text token."""
    workshop = workshops.by_join_code(code) if isinstance(code, str) else None
    if workshop is None:
        raise not_found(_("No workshop has this join code. Check the code on the screen."))
    if workshop.joining_locked and channel == "phone":
        raise conflict(_("The facilitator has closed joining for this workshop."))
    group = workshop.group(group_key) if isinstance(group_key, str) else None
    if group is None:
        raise invalid_field("group", _("Choose one of the workshop's stakeholder groups."))
    return add_participant(workshop, group, channel=channel)


def add_participant(workshop: Workshop, group: Any, *, channel: str = "phone",
                    device_digest: str | None = None) -> tuple[Participant, str]:
    """A new participant with the next pseudonym (the checks are the caller's: `join`, `admission.admit`).

    The number comes from the workshop's counter, moved in the caller's transaction: one short row lock per
    join on PostgreSQL (joins through several processes take turns, none is refused), nothing to count.
    """
    token = new_token()
    table = Workshop.__table__
    number = db.session.execute(
        sa.update(table).where(table.c.id == workshop.id)
        .values(participant_seq=table.c.participant_seq + 1).returning(table.c.participant_seq)).scalar_one()
    participant = Participant(workshop_id=workshop.id, group_id=group.id, pseudonym=f"P{number:03d}",
                              token_digest=token_digest(token), channel=channel, device_digest=device_digest)
    db.session.add(participant)
    db.session.flush()
    after_commit(lambda workshop_id=workshop.id: live.participation_changed(workshop_id))
    return participant, token


def participant_for_token(token: str | None) -> Participant | None:
    if not token:
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.token_digest == token_digest(token)))


def activity_for_participant(participant: Participant, workshop_id: int, key: str) -> Activity:
    """Resolve the URL in the contract's order: 404 for what does not exist, then 403, then 409."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise not_found(_("There is no workshop %(id)s.", id=workshop_id))
    activity = workshops.get_activity(workshop, key)
    if participant.workshop_id != workshop.id:
        raise forbidden(_("This participant belongs to another workshop."))
    return activity


def open_activities(workshop: Workshop) -> list[Activity]:
    return [a for a in workshop.activities if a.is_open]


def _rated_item(rating: dict[str, Any], path: str, items: dict[str, Item], seen: set[str],
                errors: list[FieldError]) -> Item | None:
    """The item a rating names, once per request; None (with the error recorded) otherwise."""
    key = rating.get("item")
    item = items.get(key) if isinstance(key, str) else None
    if item is None:
        errors.append(FieldError(f"{path}.item", _("'%(key)s' is not an item of this activity.", key=key)))
        return None
    if key in seen:
        errors.append(FieldError(f"{path}.item", _("'%(key)s' appears more than once.", key=key)))
        return None
    seen.add(key)
    return item


def parse_matrix(activity: Activity, body: Any) -> list[tuple[int, str, int | None]]:
    """Validate a whole matrix submission; returns (item id, axis, value) rows or raises one 422."""
    if not isinstance(body, dict) or not isinstance(body.get("ratings"), list):
        raise invalid_field("ratings", _("Send %(example)s.",
                                         example='{"ratings": [{"item": ..., "x": ..., "y": ...}]}'))
    ratings = body["ratings"]
    if not ratings:
        raise invalid_field("ratings", _("Rate at least one item."))
    items = {i.key: i for i in activity.round_items}
    scales = {axis: (activity.settings[axis]["min"], activity.settings[axis]["max"]) for axis in ("x", "y")}
    errors: list[FieldError] = []
    seen: set[str] = set()
    rows: list[tuple[int, str, int | None]] = []
    for n, rating in enumerate(ratings):
        path = f"ratings[{n}]"
        if not isinstance(rating, dict):
            errors.append(FieldError(path, _("Each rating is an object with item, x and y.")))
            continue
        item = _rated_item(rating, path, items, seen, errors)
        for axis, (low, high) in scales.items():
            if axis not in rating:
                errors.append(FieldError(f"{path}.{axis}",
                                         _("Give %(axis)s (a whole number or null for don't know).", axis=axis)))
                continue
            value = rating[axis]
            if value is not None and (not is_int(value) or not low <= value <= high):
                errors.append(FieldError(f"{path}.{axis}",
                                         _("%(axis)s must be a whole number from %(low)s to %(high)s, or null.",
                                           axis=axis, low=low, high=high)))
            elif item is not None:
                rows.append((item.id, axis, value))
    if errors:
        raise invalid(errors, _("One or more ratings are invalid; nothing was saved."))
    return rows


Rows = list[tuple[int, str, int | None]]


def _rating_list(body: Any, name: str, example: str) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get(name), list):
        raise invalid_field(name, _("Send %(example)s.", example=example))
    if not body[name]:
        raise invalid_field(name, _("Send at least one value."))
    return body[name]


def _check_value(value: Any, low: int, high: int, path: str, errors: list[FieldError]) -> bool:
    """A JSON integer within the scale, or null for don't know."""
    if value is not None and (not is_int(value) or not low <= value <= high):
        errors.append(FieldError(path, _("The value must be a whole number from %(low)s to %(high)s, or null.",
                                         low=low, high=high)))
        return False
    return True


def parse_scale(activity: Activity, body: Any) -> Rows:
    """`{"ratings": [{"item", "value"}]}`: one value per item on the activity's scale."""
    ratings = _rating_list(body, "ratings", '{"ratings": [{"item": ..., "value": ...}]}')
    items = {i.key: i for i in activity.round_items}
    low, high = activity.settings["scale"]["min"], activity.settings["scale"]["max"]
    errors: list[FieldError] = []
    seen: set[str] = set()
    rows: Rows = []
    for n, rating in enumerate(ratings):
        path = f"ratings[{n}]"
        if not isinstance(rating, dict):
            errors.append(FieldError(path, _("Each rating is an object with item and value.")))
            continue
        item = _rated_item(rating, path, items, seen, errors)
        if "value" not in rating:
            errors.append(FieldError(f"{path}.value", _("Give a value (a whole number, or null for don't know).")))
        elif _check_value(rating["value"], low, high, f"{path}.value", errors) and item is not None:
            rows.append((item.id, "value", rating["value"]))
    if errors:
        raise invalid(errors, _("One or more ratings are invalid; nothing was saved."))
    return rows


def parse_criteria(activity: Activity, body: Any) -> Rows:
    """`{"scores": [{"item", "criterion", "value"}]}`: each item–criterion pair at most once."""
    scores = _rating_list(body, "scores", '{"scores": [{"item": ..., "criterion": ..., "value": ...}]}')
    items = {i.key: i for i in activity.round_items}
    criteria = {c["key"] for c in activity.settings.get("criteria", [])}
    low, high = activity.settings["scale"]["min"], activity.settings["scale"]["max"]
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    rows: Rows = []
    for n, score in enumerate(scores):
        path = f"scores[{n}]"
        if not isinstance(score, dict):
            errors.append(FieldError(path, _("Each score is an object with item, criterion and value.")))
            continue
        key, criterion = score.get("item"), score.get("criterion")
        item = items.get(key) if isinstance(key, str) else None
        ok = True
        if item is None:
            errors.append(FieldError(f"{path}.item", _("'%(key)s' is not an item of this activity.", key=key)))
            ok = False
        if not isinstance(criterion, str) or criterion not in criteria:
            errors.append(FieldError(f"{path}.criterion",
                                     _("'%(criterion)s' is not a criterion of this activity.", criterion=criterion)))
            ok = False
        if ok and (key, criterion) in seen:
            errors.append(FieldError(f"{path}.criterion", _("'%(key)s' on '%(criterion)s' appears more than once.",
                                                            key=key, criterion=criterion)))
            ok = False
        if ok:
            seen.add((key, criterion))
        if "value" not in score:
            errors.append(FieldError(f"{path}.value", _("Give a value (a whole number, or null for don't know).")))
        elif _check_value(score["value"], low, high, f"{path}.value", errors) and ok and item is not None:
            rows.append((item.id, criterion, score["value"]))
    if errors:
        raise invalid(errors, _("One or more scores are invalid; nothing was saved."))
    return rows


def parse_points(activity: Activity, body: Any) -> Rows:
    """`{"points": {"<item>": n}}`: the whole ballot, one row per item of the activity (0 where none given)."""
    if not isinstance(body, dict) or not isinstance(body.get("points"), dict):
        raise invalid_field("points", _("Send %(example)s; {} gives no points.",
                                        example='{"points": {"<item>": points, ...}}'))
    points = body["points"]
    budget = activity.settings.get("budget", 1)
    cap = activity.settings.get("max_per_item", DEFAULT_MAX_PER_ITEM)
    items = {i.key: i for i in activity.round_items}
    errors: list[FieldError] = []
    for key, value in points.items():
        path = f"points.{key}"
        if key not in items:
            errors.append(FieldError(path, _("'%(key)s' is not an item of this activity.", key=key)))
        if not is_int(value) or value < 0:
            errors.append(FieldError(path, _("Points are whole numbers of at least 0.")))
        elif value > cap:
            errors.append(FieldError(path, _("At most %(cap)s points per item.", cap=cap)))
    if not errors:
        total = sum(points.values())
        if total > budget:
            errors.append(FieldError("points", _("%(total)s points given; the budget is %(budget)s.",
                                                 total=total, budget=budget)))
    if errors:
        raise invalid(errors, _("The ballot is invalid; nothing was saved."))
    return [(item.id, "points", points.get(key, 0)) for key, item in items.items()]


def ranking_top(activity: Activity) -> int:
    """How many places a ballot may fill: the activity's `top`, else every item."""
    top = (activity.settings or {}).get("top")
    return min(top, len(activity.round_items)) if is_int(top) and top >= 1 else len(activity.round_items)


def parse_ranking(activity: Activity, body: Any) -> Rows:
    """`{"ranking": [...]}`: items best first, a non-empty prefix of a full order, no repeats."""
    ranking = _rating_list(body, "ranking", '{"ranking": ["<best item>", "<next>", ...]}')
    items = {i.key: i for i in activity.round_items}
    top = ranking_top(activity)
    errors: list[FieldError] = []
    seen: set[str] = set()
    rows: Rows = []
    if len(ranking) > top:
        errors.append(FieldError("ranking", _("Rank at most %(top)s items.", top=top)))
    for n, key in enumerate(ranking):
        item = items.get(key) if isinstance(key, str) else None
        if item is None:
            errors.append(FieldError(f"ranking[{n}]", _("'%(key)s' is not an item of this activity.", key=key)))
        elif key in seen:
            errors.append(FieldError(f"ranking[{n}]", _("'%(key)s' is ranked more than once.", key=key)))
        else:
            seen.add(key)
            rows.append((item.id, "rank", n + 1))
    if errors:
        raise invalid(errors, _("The ranking is invalid; nothing was saved."))
    return rows


def ballot_entries(activity: Activity) -> int:
    """The most entries one ballot can carry: one per item (per item and criterion for criteria activities)."""
    items = len(activity.items)
    if activity.type == "criteria":
        return items * max(1, len((activity.settings or {}).get("criteria") or []))
    return items


def ballot_max_bytes(activity: Activity) -> int:
    """A generous body size for the largest real ballot (keys are at most 40 characters, values small)."""
    return 4096 + 256 * ballot_entries(activity)


def check_ballot_size(activity: Activity, body: Any) -> None:
    """Refuse a ballot with more entries than the activity has places, before looking at any entry."""
    if not isinstance(body, dict):
        return
    limit = ballot_entries(activity)
    for name in ("ratings", "scores", "ranking", "points"):
        entries = body.get(name)
        if isinstance(entries, (list, dict)) and len(entries) > limit:
            raise invalid_field(name, _("A ballot of this activity has at most %(limit)s entries; "
                                        "%(sent)s were sent. Nothing was saved.", limit=limit, sent=len(entries)))


def parse_ballot(activity: Any, body: Any) -> tuple[Rows, bool, int]:
    """Validate a submission of any activity type without touching the database.

    Returns the rows to save, whether they replace the participant's whole ballot (points, ranking: a new
    ballot drops the old one; ratings and scores replace only the values sent) and what `saved` reports.
    """
    check_ballot_size(activity, body)
    if activity.type == "matrix":
        rows = parse_matrix(activity, body)
        return rows, False, len(rows) // 2
    if activity.type == "scale":
        rows = parse_scale(activity, body)
        return rows, False, len(rows)
    if activity.type == "criteria":
        rows = parse_criteria(activity, body)
        return rows, False, len(rows)
    if activity.type == "points":
        return parse_points(activity, body), True, 1
    if activity.type == "ranking":
        return parse_ranking(activity, body), True, 1
    raise invalid_field("type", _("Activity type %(type)s takes no responses.", type=activity.type))  # pragma: no cover


def save_responses(participant: Participant, activity: Activity, body: Any) -> int:
    """Validate and save a submission in the caller's transaction, all or nothing (paper ballots, imports);
    phones and the API go through `ballot_box.cast`, which batches the same writes."""
    workshops.require_open(activity)
    rows, replace, saved = parse_ballot(activity, body)
    upsert_values(activity, participant, rows, replace_ballot=replace)
    return saved


def upsert_values(activity: Activity, participant: Participant, rows: list[tuple[int, str, int | None]], *,
                  replace_ballot: bool = False) -> None:
    """Insert or replace values and move the derived tallies with them, in the caller's transaction.

    One upsert, so a double tap or a retry never duplicates. The participant's previous answers are read
    first (under a row lock on PostgreSQL, so two requests of one phone cannot both count from the same
    "before"); `replace_ballot` drops the rest of their ballot for this round (points, ranking).
    """
    round_ = activity.round
    _lock_participant(participant)
    before = tally.participant_answers(activity.id, participant.id, round_).get(round_, {})
    after: dict[tuple[int, str], int | None] = {} if replace_ballot else dict(before)
    after.update({(item_id, dimension): value for item_id, dimension, value in rows})
    if replace_ballot and before:
        db.session.execute(sa.delete(Response).where(
            Response.activity_id == activity.id, Response.round == round_, Response.participant_id == participant.id))
    if rows:
        now = utcnow()
        values = [
            {"activity_id": activity.id, "round": round_, "participant_id": participant.id,
             "item_id": item_id, "dimension": dimension, "value": value, "submitted_at": now}
            for item_id, dimension, value in rows
        ]
        # One statement shape for every ballot size (executemany), so SQLAlchemy compiles it once.
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(Response.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["activity_id", "round", "participant_id", "item_id", "dimension"],
            set_={"value": statement.excluded.value, "submitted_at": statement.excluded.submitted_at},
        )
        db.session.execute(statement, values)
    tally.record(activity.id, round_, participant.group_id, before, after)
    activity_id, group_id, participant_id = activity.id, participant.group_id, participant.id
    after_commit(lambda: live.votes_saved(activity_id, group_id, participant_id))


def delete_values(activity: Activity, participant: Participant | None = None, *, round: int | None = None) -> int:
    """Remove saved values (one participant's, or everyone's) of one round or all, tallies included.

    Returns the number of response rows removed. Every removal of responses goes through here (or
    `upsert_values`), so the derived tallies never drift from the votes.
    """
    scope = [Response.activity_id == activity.id]
    if round is not None:
        scope.append(Response.round == round)
    if participant is None:
        removed = db.session.execute(sa.delete(Response).where(*scope)).rowcount
        tally.clear(activity.id, round)
        activity_id = activity.id
        after_commit(lambda: live.results_changed(activity_id))
        return int(removed or 0)
    _lock_participant(participant)
    answers = tally.participant_answers(activity.id, participant.id, round)
    if not answers:
        return 0
    removed = db.session.execute(sa.delete(Response).where(*scope, Response.participant_id == participant.id)).rowcount
    for rnd, before in sorted(answers.items()):
        tally.record(activity.id, rnd, participant.group_id, before, {})
    activity_id, group_id, participant_id = activity.id, participant.group_id, participant.id
    after_commit(lambda: live.votes_saved(activity_id, group_id, participant_id))
    return int(removed or 0)


def _lock_participant(participant: Participant) -> None:
    """Serialise one participant's writes on PostgreSQL (SQLite already has a single writer)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.select(Participant.id).where(Participant.id == participant.id).with_for_update())


def saved_values(participant: Participant, activity: Activity) -> dict[tuple[str, str], int | None]:
    """This participant's current answers, keyed by (item key, dimension), for pre-filling the phone."""
    rows = db.session.execute(
        sa.select(Response.item_id, Response.dimension, Response.value).where(
            Response.activity_id == activity.id, Response.round == activity.round,
            Response.participant_id == participant.id)
    ).all()
    keys = {i.id: i.key for i in activity.items}
    return {(keys[item_id], dim): value for item_id, dim, value in rows if item_id in keys}
