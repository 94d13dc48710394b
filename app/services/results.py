"""From saved responses to results documents: derived tallies (or ballots), then the pure aggregation engine.

Rating types (`matrix`, `scale`, `criteria`) read the tally table that every response write keeps in step
(`app/services/tally.py`): a few hundred rows of counts per item, group, dimension and value, whatever the
size of the room. Ballot types (`points`, `ranking`) need whole ballots (each voter's shares, the pairwise
matrix), so they read `response` for the round with one indexed query, skipping zero points.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from app.engine import WEIGHTINGS as ENGINE_WEIGHTINGS
from app.engine import (
    CriteriaData,
    Criterion,
    GroupSpec,
    MatrixData,
    PointsData,
    RankingData,
    Scale,
    ScaleData,
    criteria_results,
    matrix_results,
    points_results,
    ranking_results,
    scale_results,
)
from app.models import Activity
from app.services import release, tally
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


# --- counts from the tallies ------------------------------------------------------------------------------------

@dataclasses.dataclass
class Counts:
    """One round's tallies keyed by item and group keys, as the engine's data classes want them."""

    values: dict[tuple[str, str, str], dict[int, int]]  # (item, group, dimension) -> value -> count
    dont_know: dict[tuple[str, str], int]  # (item, dimension) -> "don't know" answers
    item_n: dict[tuple[str, str], int]  # (item, group) -> participants with a non-null value for the item
    respondents: dict[str, int]  # group -> participants with any saved row


def counts(activity: Activity, round_: int | None = None, *, room: bool = False) -> Counts:
    """Read one round's tallies (one primary-key range scan) and key them for the engine; with `room`, the
    released tallies, without any group's cell that has fewer than k values (`room_cells`)."""
    round_ = activity.round if round_ is None else round_
    group_key = {g.id: g.key for g in activity.workshop.groups}
    item_key = {i.id: i.key for i in activity.items}
    out = Counts(defaultdict(dict), defaultdict(int), {}, {})
    rows = (room_cells(release.read(activity.id, round_), activity.workshop.min_group_size) if room
            else tally.read(activity.id, round_))
    for group_id, kind, item_id, dimension, value, n in rows:
        group = group_key.get(group_id)
        if group is None:
            continue
        if kind == "resp":
            out.respondents[group] = int(n)
            continue
        item = item_key.get(item_id)
        if item is None:
            continue
        if kind == "value":
            out.values[(item, group, dimension)][int(value)] = int(n)
        elif kind == "dk":
            out.dont_know[(item, dimension)] += int(n)
        elif kind == "item":
            out.item_n[(item, group)] = int(n)
    out.values = dict(out.values)
    out.dont_know = dict(out.dont_know)
    return out


def room_cells(rows: list[tuple[Any, ...]], k: int) -> list[tuple[Any, ...]]:
    """The released tally rows the room's figures may use: a group's values (and "don't know" answers) on an
    item's dimension only where the group has at least k values there, and its item count only where some
    dimension of the item is kept. A group below k on a figure contributes nothing to it, pooled figures
    included, so nothing lets it be subtracted out (docs/anonymity.md)."""
    values: dict[tuple[int, int, str], int] = defaultdict(int)
    for group_id, kind, item_id, dimension, _value, n in rows:
        if kind == "value":
            values[(group_id, item_id, dimension)] += int(n)
    kept = {cell for cell, n in values.items() if n >= k}
    kept_items = {(g, i) for g, i, _ in kept}
    out = []
    for row in rows:
        group_id, kind, item_id, dimension = row[0], row[1], row[2], row[3]
        if kind in ("value", "dk") and (group_id, item_id, dimension) not in kept:
            continue
        if kind == "item" and (group_id, item_id) not in kept_items:
            continue
        out.append(row)
    return out


def _groups(activity: Activity) -> list[GroupSpec]:
    return [GroupSpec(g.key, g.weight) for g in activity.workshop.groups]


def matrix_data(activity: Activity, round_: int | None = None, *, room: bool = False) -> MatrixData:
    c = counts(activity, round_, room=room)
    settings = activity.settings
    values = {key: hist for key, hist in c.values.items() if key[2] in ("x", "y")}
    return MatrixData(
        activity=activity.key,
        groups=_groups(activity),
        items=[i.key for i in activity.items_in_round(round_ or activity.round)],
        x=Scale(settings["x"]["min"], settings["x"]["max"]),
        y=Scale(settings["y"]["min"], settings["y"]["max"]),
        min_group_size=activity.workshop.min_group_size,
        respondents=c.respondents,
        item_n=c.item_n,
        values=values,
        dont_know={key: n for key, n in c.dont_know.items() if key[1] in ("x", "y")},
    )


def scale_data(activity: Activity, round_: int | None = None, *, room: bool = False) -> ScaleData:
    c = counts(activity, round_, room=room)
    scale = activity.settings["scale"]
    return ScaleData(
        activity=activity.key,
        groups=_groups(activity),
        items=[i.key for i in activity.items_in_round(round_ or activity.round)],
        scale=Scale(scale["min"], scale["max"]),
        min_group_size=activity.workshop.min_group_size,
        respondents=c.respondents,
        values={(item, group): hist for (item, group, dim), hist in c.values.items() if dim == "value"},
        dont_know={item: n for (item, dim), n in c.dont_know.items() if dim == "value"},
    )


def criteria_data(activity: Activity, round_: int | None = None, *, room: bool = False) -> CriteriaData:
    c = counts(activity, round_, room=room)
    settings = activity.settings
    criteria = [Criterion(key=cr["key"], label=cr.get("label", cr["key"]), axis=cr["axis"],
                          direction=int(cr.get("direction", 1)), weight=float(cr.get("weight", 1.0)))
                for cr in settings["criteria"]]
    keys = {cr["key"] for cr in settings["criteria"]}
    return CriteriaData(
        activity=activity.key,
        groups=_groups(activity),
        items=[i.key for i in activity.items_in_round(round_ or activity.round)],
        criteria=criteria,
        scale=Scale(settings["scale"]["min"], settings["scale"]["max"]),
        min_group_size=activity.workshop.min_group_size,
        respondents=c.respondents,
        item_n=c.item_n,
        values={key: hist for key, hist in c.values.items() if key[2] in keys},
        dont_know={key: n for key, n in c.dont_know.items() if key[1] in keys},
    )


def points_data(activity: Activity, round_: int | None = None, *, room: bool = False) -> PointsData:
    """Whole ballots; a ballot of zeros counts as a respondent, so the tally's respondents fill them in. With
    `room`, the released ballots of the groups with at least k that gave points (`room_ballots`)."""
    round_ = activity.round if round_ is None else round_
    group_key = {g.id: g.key for g in activity.workshop.groups}
    item_key = {i.id: i.key for i in activity.items}
    ballots: list[tuple[str, dict[str, int]]] = []
    current, ballot = None, {}
    source = release if room else tally
    group_of = (release.participant_groups(activity.id, round_) if room
                else tally.participant_groups(activity.workshop_id))
    for participant_id, item_id, value in source.ballot_rows(activity.id, round_, "points", positive=True):
        if participant_id != current:  # rows come in participant order: one ballot after another
            current, ballot = participant_id, {}
            ballots.append((group_key.get(group_of.get(participant_id), ""), ballot))
        if item_id in item_key:
            ballot[item_key[item_id]] = int(value)
    ballots = [b for b in ballots if b[0]]
    given: dict[str, int] = defaultdict(int)
    for group, _ballot in ballots:
        given[group] += 1
    out = ballots
    for group, n in counts(activity, round_, room=room).respondents.items():
        out.extend((group, {}) for _ in range(max(0, n - given[group])))
    if room:
        out = room_ballots(out, activity.workshop.min_group_size, counted=lambda ballot: bool(ballot))
    return PointsData(
        activity=activity.key,
        groups=_groups(activity),
        items=[i.key for i in activity.items_in_round(round_ or activity.round)],
        min_group_size=activity.workshop.min_group_size,
        ballots=out,
    )


def ranking_data(activity: Activity, round_: int | None = None, *, room: bool = False) -> RankingData:
    round_ = activity.round if round_ is None else round_
    group_key = {g.id: g.key for g in activity.workshop.groups}
    item_key = {i.id: i.key for i in activity.items}
    ballots: list[tuple[str, list[str]]] = []
    current, ballot = None, []
    source = release if room else tally
    group_of = (release.participant_groups(activity.id, round_) if room
                else tally.participant_groups(activity.workshop_id))
    for participant_id, item_id, _place in source.ballot_rows(activity.id, round_, "rank", positive=False):
        if participant_id != current:  # rows come in participant order, then place order
            current, ballot = participant_id, []
            ballots.append((group_key.get(group_of.get(participant_id), ""), ballot))
        if item_id in item_key:
            ballot.append(item_key[item_id])
    ballots = [b for b in ballots if b[0] and b[1]]
    if room:
        ballots = room_ballots(ballots, activity.workshop.min_group_size, counted=lambda ballot: bool(ballot))
    return RankingData(
        activity=activity.key,
        groups=_groups(activity),
        items=[i.key for i in activity.items_in_round(round_ or activity.round)],
        min_group_size=activity.workshop.min_group_size,
        ballots=ballots,
    )


def room_ballots(ballots: list[Any], k: int, counted: Callable[[Any], bool]) -> list[Any]:
    """The released ballots the room's figures may use: only those of groups with at least k counted ballots
    (for points, ballots that gave points), so a group below k contributes to no figure, per head or not."""
    per_group: dict[str, int] = defaultdict(int)
    for group, ballot in ballots:
        if counted(ballot):
            per_group[group] += 1
    return [(group, ballot) for group, ballot in ballots if per_group[group] >= k]


_TYPES: dict[str, tuple[Callable[[Activity, int | None], Any], Callable[[Any, str], dict[str, Any]]]] = {
    "matrix": (matrix_data, matrix_results),
    "scale": (scale_data, scale_results),
    "criteria": (criteria_data, criteria_results),
    "points": (points_data, points_results),
    "ranking": (ranking_data, ranking_results),
}


def method(activity_type: str) -> tuple[Callable[[Activity, int | None], Any], Callable[[Any, str], dict[str, Any]]]:
    """How a type's results are made: read its engine data for a round, then run the engine in a weighting
    (the comparison across workshops pools the data of several activities between the two steps)."""
    if activity_type not in _TYPES:
        raise ValueError(f"no results for activity type {activity_type}")
    return _TYPES[activity_type]


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


_ROOM_BUILDERS: dict[str, Callable[..., Any]] = {
    "matrix": matrix_data, "scale": scale_data, "criteria": criteria_data, "points": points_data,
    "ranking": ranking_data,
}


def _room_round(activity: Activity, round_: int) -> dict[str, Any]:
    """One round's room figures; `respondents` and `groups` are the live participation counts (who has
    answered, never what: the room sees the phones being used anyway), every other figure is released."""
    _build, results_of = method(activity.type)
    document = results_of(_ROOM_BUILDERS[activity.type](activity, round_, room=True), "equal_groups")
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
