"""The room's released state: which answers the screen, the screen-token API and the phones may be shown.

Everything a non-owner sees is computed from `room_answer` / `room_tally` alone (`results.room_document`),
never from the live responses. The released state advances one group at a time, and only by a whole batch:
a group's released answers are replaced by its current ones when at least k (`min_group_size`) of its
participants' answers differ from what the room was shown, and an earlier batch is never split into a part
smaller than k (`due_batches`). A group with fewer than k changed participants
stays exactly as last shown, however long it waits, also when the activity closes or the next Delphi round
opens. docs/anonymity.md gives the argument; the state lives in the database so every server process (and
the screen-token API on any of them) shows the same thing.

`advance` runs in the coalesced live push (and before a screen-token read), never in a vote request: one
indexed set difference per activity round between `response` and `room_answer`, and writes only when a batch
is due.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Activity, RoomRelease, RoomTally, utcnow
from app.services import tally

Answers = dict[tuple[int, str], int | None]

_CHANGED = (
    "SELECT participant_id FROM (SELECT participant_id, item_id, dimension, value FROM response "
    "WHERE activity_id = ? AND round = ? EXCEPT SELECT participant_id, item_id, dimension, value FROM room_answer "
    "WHERE activity_id = ? AND round = ?) AS added "
    "UNION SELECT participant_id FROM (SELECT participant_id, item_id, dimension, value FROM room_answer "
    "WHERE activity_id = ? AND round = ? EXCEPT SELECT participant_id, item_id, dimension, value FROM response "
    "WHERE activity_id = ? AND round = ?) AS removed"
)


def changed_participants(activity_id: int, round_: int) -> list[int]:
    """Participants whose current answers in the round differ from their released ones (new, changed, removed)."""
    params = (activity_id, round_) * 4
    return sorted({int(row[0]) for row in tally.fetch(_CHANGED, params)})


def _answers(table: str, activity_id: int, round_: int, participants: list[int]) -> dict[int, Answers]:
    out: dict[int, Answers] = defaultdict(dict)
    # `response` is looked up by participant (see `ballot_box._answers`); `room_answer`'s key starts with
    # (activity, round, participant), which SQLite uses whole.
    plus = "+" if table == "response" else ""
    for start in range(0, len(participants), 500):
        chunk = participants[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = tally.fetch(f"SELECT participant_id, item_id, dimension, value FROM {table} "
                           f"WHERE {plus}activity_id = ? AND {plus}round = ? AND participant_id IN ({marks})",
                           (activity_id, round_, *chunk))
        for participant_id, item_id, dimension, value in rows:
            out[int(participant_id)][(int(item_id), dimension)] = None if value is None else int(value)
    return out


def _released(activity_id: int, round_: int) -> dict[int, tuple[int, int]]:
    """participant -> (group, batch) for everyone the room has been shown answers of in the round."""
    rows = tally.fetch("SELECT DISTINCT participant_id, group_id, batch FROM room_answer "
                       "WHERE activity_id = ? AND round = ?", (activity_id, round_))
    return {int(p): (int(g), int(b)) for p, g, b in rows}


def _lock(activity_id: int, round_: int) -> RoomRelease:
    """The round's release row, created if missing and locked (PostgreSQL) so two processes release in turn."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(RoomRelease.__table__).values(activity_id=activity_id, round=round_, seq=0,
                                                            final=False).on_conflict_do_nothing())
    query = sa.select(RoomRelease).where(RoomRelease.activity_id == activity_id, RoomRelease.round == round_)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one()


def _apply_tally(activity_id: int, round_: int, group_id: int, changes: dict[tuple[str, int, str, int], int]) -> None:
    if not changes:
        return
    table = RoomTally.__table__
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns], set_={"n": table.c.n + statement.excluded.n})
    db.session.execute(statement, [
        {"activity_id": activity_id, "round": round_, "group_id": group_id, "kind": kind, "item_id": item_id,
         "dimension": dimension, "value": value, "n": delta}
        for (kind, item_id, dimension, value), delta in sorted(changes.items())])


def due_batches(k: int, groups: dict[int, int], before: dict[int, Answers], after: dict[int, Answers],
                batches: dict[int, tuple[int, int]] | None = None) -> dict[int, list[int]]:
    """Per group, the participants a release may move now, or nothing (docs/anonymity.md).

    `groups`: candidate participant -> group; `batches`: every released participant -> (group, batch).
    A candidate counts only if their answers really changed. Participants never shown join freely; those of
    an earlier batch join only if at least k of that batch changed and the part of it left unchanged is
    empty or also at least k (else the unchanged few could be worked out by difference, and so could the
    old answers of the few who changed). The release happens only if at least k participants of the group
    join it.
    """
    batches = batches or {}
    changed: dict[int, set[int]] = defaultdict(set)
    for participant_id, group_id in groups.items():
        if before.get(participant_id, {}) != after.get(participant_id, {}):
            changed[group_id].add(participant_id)
    members: dict[tuple[int, int], set[int]] = defaultdict(set)
    for participant_id, (group_id, batch) in batches.items():
        members[(group_id, batch)].add(participant_id)
    out: dict[int, list[int]] = {}
    for group_id, moved in changed.items():
        chosen = {p for p in moved if p not in batches}
        for (g, _batch), batch_members in members.items():
            if g != group_id:
                continue
            part, rest = batch_members & moved, batch_members - moved
            if len(part) >= k and (not rest or len(rest) >= k):
                chosen |= part
        if len(chosen) >= k:
            out[group_id] = sorted(chosen)
    return out


def advance_round(activity: Activity, round_: int) -> bool:
    """Release every group of one round that has a batch due; True if the room's state moved. Commits."""
    try:
        release = _lock(activity.id, round_)
        if release.final:
            db.session.rollback()
            return False
        candidates = changed_participants(activity.id, round_)
        moved = False
        if candidates:
            current = _answers("response", activity.id, round_, candidates)
            shown = _answers("room_answer", activity.id, round_, candidates)
            released = _released(activity.id, round_)
            groups = {p: released[p][0] for p in candidates if p in released}
            groups.update({p: g for p, g in tally.participant_groups(activity.workshop_id).items() if p in current})
            due = due_batches(activity.workshop.min_group_size, groups, shown, current, released)
            for group_id, members in sorted(due.items()):
                _release(activity.id, round_, group_id, members, shown, current, release.seq + 1)
            moved = bool(due)
        if moved:
            release.seq += 1
            release.released_at = utcnow()
        if round_ < activity.round:
            release.final = True  # no write reaches an earlier round: this was its last release
        db.session.commit()
        return moved
    except Exception:
        db.session.rollback()
        raise


def _release(activity_id: int, round_: int, group_id: int, members: list[int], shown: dict[int, Answers],
             current: dict[int, Answers], batch: int) -> None:
    """Replace the released answers of one batch by their current ones, released tallies with them."""
    changes: dict[tuple[str, int, str, int], int] = defaultdict(int)
    for participant_id in members:
        for cell, delta in tally.deltas(shown.get(participant_id, {}), current.get(participant_id, {})).items():
            changes[cell] += delta
    _apply_tally(activity_id, round_, group_id, {c: d for c, d in changes.items() if d})
    # Straight through the driver (`tally.execute_many`): a batch is hundreds of rows, on the push path.
    tally.execute_many(_DROP_SHOWN, [(activity_id, round_, participant_id) for participant_id in members])
    rows = [(activity_id, round_, participant_id, item_id, dimension, group_id, value, batch)
            for participant_id in members for (item_id, dimension), value in sorted(current.get(participant_id,
                                                                                                {}).items())]
    if rows:
        tally.execute_many(_SHOW, rows)


_DROP_SHOWN = "DELETE FROM room_answer WHERE activity_id = ? AND round = ? AND participant_id = ?"
_SHOW = ("INSERT INTO room_answer (activity_id, round, participant_id, item_id, dimension, group_id, value, batch) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def advance(activity: Activity) -> bool:
    """Advance the current round, and make the last release of the round before it once (a Delphi round
    opened while some of its batches were due). True if anything the room sees moved."""
    moved = False
    if activity.round > 1:
        moved = advance_round(activity, activity.round - 1)
    return advance_round(activity, activity.round) or moved


# --- reading for results ----------------------------------------------------------------------------------------

def read(activity_id: int, round_: int) -> list[tuple[Any, ...]]:
    """The released tallies of one round, in the shape of `tally.read`."""
    return tally.fetch("SELECT group_id, kind, item_id, dimension, value, n FROM room_tally "
                       "WHERE activity_id = ? AND round = ? AND n <> 0", (activity_id, round_))


def ballot_rows(activity_id: int, round_: int, dimension: str, *, positive: bool) -> list[tuple[Any, ...]]:
    """The released ballots of one round, in the shape of `tally.ballot_rows`."""
    condition = "value > 0" if positive else "value IS NOT NULL"
    return tally.fetch("SELECT participant_id, item_id, value FROM room_answer "
                       f"WHERE activity_id = ? AND round = ? AND dimension = ? AND {condition} "
                       "ORDER BY participant_id, value", (activity_id, round_, dimension))


def participant_groups(activity_id: int, round_: int) -> dict[int, int]:
    """participant id -> group id as released (a participant removed since keeps the group they had)."""
    return {int(p): int(g) for p, g in tally.fetch(
        "SELECT DISTINCT participant_id, group_id FROM room_answer WHERE activity_id = ? AND round = ?",
        (activity_id, round_))}


def seq(activity_id: int, round_: int) -> int:
    """How many releases the round has had (0: the room has been shown nothing)."""
    value = db.session.scalar(sa.select(RoomRelease.seq).where(RoomRelease.activity_id == activity_id,
                                                                RoomRelease.round == round_))
    return int(value or 0)
