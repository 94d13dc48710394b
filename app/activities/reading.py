"""A round's answers as the engine wants them: tallies for the rating types, whole ballots for the others.

Rating types (`matrix`, `scale`, `criteria`) read the tally table that every response write keeps in step
(`app/services/tally.py`): a few hundred rows of counts per item, group, dimension and value, whatever the
size of the room. Ballot types (`points`, `ranking`) need whole ballots (each voter's shares, the pairwise
matrix), so they read `response` for the round with one indexed query, skipping zero points. With `room`,
both read the RELEASED state instead (`app/services/release.py`), each group kept only where it has k.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from app.engine import GroupSpec
from app.services import release, tally


@dataclasses.dataclass
class Counts:
    """One round's tallies keyed by item and group keys, as the engine's data classes want them."""

    values: dict[tuple[str, str, str], dict[int, int]]  # (item, group, dimension) -> value -> count
    dont_know: dict[tuple[str, str], int]  # (item, dimension) -> "don't know" answers
    item_n: dict[tuple[str, str], int]  # (item, group) -> participants with a non-null value for the item
    respondents: dict[str, int]  # group -> participants with any saved row


def counts(activity: Any, round_: int | None = None, *, room: bool = False) -> Counts:
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


def ballots(activity: Any, round_: int, dimension: str, *, room: bool, positive: bool) -> list[
        tuple[str, list[tuple[str, int]]]]:
    """Whole ballots of one round as (group key, [(item key, value), ...]) in the order saved (rank order for
    rankings); `positive` skips zero values (points). Ballots of unknown groups are dropped."""
    group_key = {g.id: g.key for g in activity.workshop.groups}
    item_key = {i.id: i.key for i in activity.items}
    out: list[tuple[str, list[tuple[str, int]]]] = []
    current, ballot = None, []
    source = release if room else tally
    group_of = (release.participant_groups(activity.id, round_) if room
                else tally.participant_groups(activity.workshop_id))
    for participant_id, item_id, value in source.ballot_rows(activity.id, round_, dimension, positive=positive):
        if participant_id != current:  # rows come in participant order: one ballot after another
            current, ballot = participant_id, []
            out.append((group_key.get(group_of.get(participant_id), ""), ballot))
        if item_id in item_key:
            ballot.append((item_key[item_id], int(value)))
    return [b for b in out if b[0]]


def room_ballots(ballots: list[Any], k: int, counted: Callable[[Any], bool]) -> list[Any]:
    """The released ballots the room's figures may use: only those of groups with at least k counted ballots
    (for points, ballots that gave points), so a group below k contributes to no figure, per head or not."""
    per_group: dict[str, int] = defaultdict(int)
    for group, ballot in ballots:
        if counted(ballot):
            per_group[group] += 1
    return [(group, ballot) for group, ballot in ballots if per_group[group] >= k]


def round_items(activity: Any, round_: int | None) -> list[str]:
    return [i.key for i in activity.items_in_round(round_ or activity.round)]


def groups(activity: Any) -> list[GroupSpec]:
    return [GroupSpec(g.key, g.weight) for g in activity.workshop.groups]
