"""From saved responses to results documents: each activity type reads its engine input for a round
(`app/activities/`: tallies or whole ballots), then the pure aggregation engine computes the figures.

Here: the exact documents for the owner (`compute`), the room's documents over the released answers only
(`room_document`), the rules for `?round=` and `?weighting=`, and the cache of earlier rounds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from app import activities as activity_types
from app.activities.reading import counts
from app.engine import WEIGHTINGS as ENGINE_WEIGHTINGS
from app.models import Activity
from app.services.errors import invalid_field, not_found
from app.services.live import for_screen

WEIGHTINGS = ENGINE_WEIGHTINGS  # the engine says which weightings exist


def check_weighting(value: str | None) -> str:
    weighting = value or "equal_groups"
    if weighting not in WEIGHTINGS:
        raise invalid_field("weighting", _("The weighting is per_head or equal_groups."))
    return weighting


def check_round(activity: Activity, value: Any) -> int:
    """The round a request asks for (`?round=N`; default the current one), the one rule for every reader:
    not a whole number of at least 1 (`0`, `-1`, `2.0`, ` 2`) is a 422; a round that has not started, a 404."""
    if value is None or value == "":
        return activity.round
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            raise invalid_field("round", _("The round is a whole number of at least 1."))
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid_field("round", _("The round is a whole number of at least 1."))
    if value > activity.round:
        raise not_found(_("The activity '%(key)s' is in round %(current)s; round %(round)s has not started.",
                          key=activity.key, current=activity.round, round=value))
    return value


def method(activity_type: str) -> tuple[Callable[..., Any], Callable[[Any, str], dict[str, Any]]]:
    """How a type's results are made: read its engine data for a round, then run the engine in a weighting
    (the comparison across workshops pools the data of several activities between the two steps)."""
    kind = activity_types.get(activity_type)
    if kind is None:
        raise ValueError(f"no results for activity type {activity_type}")
    return kind.engine_data, kind.results


#: Documents of rounds before the current one. Every write goes to the current round (phone and API saves,
#: paper ballots, removals; forms of an earlier round are refused), so an earlier round changes only with
#: what the key holds: the weights, the settings, the item list, k. Per process, so several processes stay
#: consistent; the join code tells workshops apart even where ids repeat (a database restored or reset).
_EARLIER_ROUNDS: dict[tuple[Any, ...], dict[str, Any]] = {}
_EARLIER_ROUNDS_MAX = 256


def _earlier_round_key(activity: Activity, weighting: str, round_: int) -> tuple[Any, ...]:
    workshop = activity.workshop
    return (workshop.join_code, activity.id, round_, weighting, workshop.min_group_size, activity.resets,
            tuple(i.key for i in activity.items_in_round(round_)),
            tuple((g.id, g.weight, g.observer) for g in workshop.groups),
            tuple(ai.item_id for ai in activity.activity_items),
            json.dumps(activity.settings or {}, sort_keys=True, default=str))


def _document(activity: Activity, weighting: str, round_: int) -> dict[str, Any]:
    build, results_of = method(activity.type)
    if round_ >= activity.round:
        return results_of(build(activity, round_), weighting)
    key = _earlier_round_key(activity, weighting, round_)
    document = _EARLIER_ROUNDS.get(key)
    if document is None:
        document = results_of(build(activity, round_), weighting)
        if len(_EARLIER_ROUNDS) >= _EARLIER_ROUNDS_MAX:
            _EARLIER_ROUNDS.pop(next(iter(_EARLIER_ROUNDS)))
        _EARLIER_ROUNDS[key] = document
    return copy.deepcopy(document)  # callers may add to their document (the live hub does)


def _round_document(activity: Activity, weighting: str, round_: int) -> dict[str, Any]:
    """One round's document; where Delphi rounds left items out, with their last figures carried over
    (`converged_in_round`) and which items converged on this round's figures (`app/services/delphi.py`)."""
    document = _document(activity, weighting, round_)
    if activity.delphi_rounds:
        from app.services import delphi

        delphi.carry_over(activity, weighting, round_, document, lambda r: _document(activity, weighting, r))
    return document


def compute(activity: Activity, weighting: str = "equal_groups", round: int | None = None) -> dict[str, Any]:
    """The results document of one round (default: the current one), in the given weighting.

    From round 2 on it also carries `round` and `previous` (round N-1's per-item figures, computed the same
    way and so suppressed the same way), so screens can show how the room moved. An unknown round is a 404.
    """
    round_ = activity.round if round is None else check_round(activity, round)
    document = _round_document(activity, weighting, round_)
    if round_ >= 2:
        before = _round_document(activity, weighting, round_ - 1)
        document["round"] = round_
        document["previous"] = {
            "round": round_ - 1,
            "items": {entry["item"]: {k: v for k, v in entry.items() if k != "item"} for entry in before["items"]},
        }
    return document


def _room_round(activity: Activity, round_: int) -> dict[str, Any]:
    """One round's room figures; `respondents` and `groups` are the live participation counts (who has
    answered, never what: the room sees the phones being used anyway), every other figure is released."""
    kind = activity_types.of(activity)
    document = kind.results(kind.engine_data(activity, round_, room=True), "equal_groups")
    live = counts(activity, round_).respondents
    answered = {g.key: live.get(g.key, 0) for g in activity.workshop.groups}
    document["respondents"] = sum(answered.values())
    document["groups"] = {key: {"respondents": n} for key, n in answered.items()}
    return document


def room_document(activity: Activity, round: int | None = None) -> dict[str, Any]:
    """What the room may see of one round (default: the current one): `equal_groups` over the RELEASED
    answers only (`app/services/release.py`), each group's cells kept only where it has at least k values.

    The one function behind every view a non-owner gets: the screen's socket (connect snapshot and pushes),
    the screen-token API and charts, the phones' Delphi feedback. From round 2 on, `previous` is round N-1's
    released figures, made the same way. A pure function of the released state, so every server process
    answers alike and no sequence of views tells more than the releases do (docs/anonymity.md).
    """
    round_ = activity.round if round is None else check_round(activity, round)
    document = _room_round(activity, round_)
    earlier: dict[int, dict[str, Any]] = {}

    def released(r: int) -> dict[str, Any]:
        if r not in earlier:
            earlier[r] = _room_round(activity, r)
        return earlier[r]

    if round_ >= 2:
        before = released(round_ - 1)
        document["round"] = round_
        document["previous"] = {
            "round": round_ - 1,
            "items": {entry["item"]: {k: v for k, v in entry.items() if k != "item"} for entry in before["items"]},
        }
    if activity.delphi_rounds:
        # Items a Delphi round no longer asks keep their last released figures, marked with the round they
        # converged in, so the screen can still show them (set apart) instead of dropping them.
        from app.services import delphi

        delphi.carry_over(activity, "equal_groups", round_, document, released)
    return document


def room_view(activity: Activity, round: int | None = None) -> dict[str, Any]:
    """Everything a non-owner may see of an activity round, in one call: the released figures, hidden while
    the facilitator has not revealed them."""
    return for_screen(activity, room_document(activity, round))


def live_document(activity: Activity) -> dict[str, Any]:
    """The room's document of the current round (`room_document`): what screens are sent (through
    `live.for_screen`) and what phones may show. Facilitators get `compute(activity)` instead: exact."""
    return room_document(activity)
