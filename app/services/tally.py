"""Derived tallies: the counts results need, kept in step with `response` inside the same transaction.

Every response write (`participation.upsert_values` / `delete_values`) reads the participant's previous rows
for the activity and round (one indexed query), works out what changes in the counts, and applies those
deltas as `n = n + delta` upserts in a fixed key order, so two writers on PostgreSQL never wait on each other
in opposite orders (no deadlock). Results then read a few hundred tally rows instead of grouping every vote.

Ballot types (`points`, `ranking`) also get tallies (respondents, per-item counts), but the engine needs whole
ballots for them (shares per voter, the pairwise matrix), which results read from `response` directly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Activity, Participant, Response, Tally

#: (kind, item_id, dimension, value): one tally cell of a group in an activity round.
Cell = tuple[str, int, str, int]
#: (round, group_id, kind, item_id, dimension, value)
Key = tuple[int, int, str, int, str, int]
#: A participant's saved answers in one round: (item_id, dimension) -> value (None = don't know).
Answers = Mapping[tuple[int, str], int | None]


def cells(answers: Answers) -> Counter[Cell]:
    """The tally cells one participant contributes to (each with count 1) given all their answers in a round."""
    out: Counter[Cell] = Counter()
    if not answers:
        return out
    out[("resp", 0, "", 0)] = 1
    rated: set[int] = set()
    for (item_id, dimension), value in answers.items():
        if value is None:
            out[("dk", item_id, dimension, 0)] += 1
        else:
            out[("value", item_id, dimension, int(value))] += 1
            rated.add(item_id)
    for item_id in rated:
        out[("item", item_id, "", 0)] = 1
    return out


def deltas(before: Answers, after: Answers) -> dict[Cell, int]:
    """What changes in the counts when one participant's answers go from `before` to `after`."""
    old, new = cells(before), cells(after)
    out = {cell: new.get(cell, 0) - old.get(cell, 0) for cell in old.keys() | new.keys()}
    return {cell: d for cell, d in out.items() if d}


def participant_answers(activity_id: int, participant_id: int, round_: int | None = None
                        ) -> dict[int, dict[tuple[int, str], int | None]]:
    """A participant's saved answers per round (all rounds, or one): served by the response unique index."""
    query = sa.select(Response.round, Response.item_id, Response.dimension, Response.value).where(
        Response.activity_id == activity_id, Response.participant_id == participant_id)
    if round_ is not None:
        query = query.where(Response.round == round_)
    out: dict[int, dict[tuple[int, str], int | None]] = {}
    for rnd, item_id, dimension, value in db.session.execute(query):
        out.setdefault(rnd, {})[(item_id, dimension)] = value
    return out


def apply(activity_id: int, round_: int, group_id: int, changes: Mapping[Cell, int]) -> None:
    """Add the deltas with one upsert, rows in key order (the lock order every writer shares)."""
    if not changes:
        return
    values = [
        {"activity_id": activity_id, "round": round_, "group_id": group_id, "kind": kind, "item_id": item_id,
         "dimension": dimension, "value": value, "n": delta}
        for (kind, item_id, dimension, value), delta in sorted(changes.items())
    ]
    db.session.execute(_upsert_statement(), values)


def _upsert_statement() -> Any:
    """`n = n + excluded.n` on the primary key; one statement shape (executemany), so it is compiled once."""
    table = Tally.__table__
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={"n": table.c.n + statement.excluded.n},
    )


_ADD = ("INSERT INTO tally (activity_id, round, group_id, kind, item_id, dimension, value, n) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, round, group_id, kind, item_id, dimension, value) "
        "DO UPDATE SET n = tally.n + excluded.n")


def add_many(changes: Mapping[tuple[int, int, int, str, int, str, int], int]) -> None:
    """The ballot box's form of `apply`: deltas keyed by (activity, round, group, kind, item, dimension, value)
    for many groups at once, one prepared statement, rows in primary-key order (the shared lock order)."""
    rows = [(*key, delta) for key, delta in sorted(changes.items()) if delta]
    if rows:
        execute_many(_ADD, rows)


def record(activity_id: int, round_: int, group_id: int, before: Answers, after: Answers) -> None:
    """Move the tallies from one participant's `before` answers to their `after` answers."""
    apply(activity_id, round_, group_id, deltas(before, after))


# --- from scratch ---------------------------------------------------------------------------------------------

def from_responses(activity_id: int) -> dict[Key, int]:
    """The tallies as a GROUP BY over `response` would give them (every round, non-zero cells only)."""
    base = (sa.select(Response.round, Participant.group_id)
            .join(Participant, Participant.id == Response.participant_id)
            .where(Response.activity_id == activity_id))
    out: dict[Key, int] = {}
    value_rows = db.session.execute(
        base.add_columns(Response.item_id, Response.dimension, Response.value, sa.func.count())
        .group_by(Response.round, Participant.group_id, Response.item_id, Response.dimension, Response.value))
    for rnd, group_id, item_id, dimension, value, n in value_rows:
        if value is None:
            out[(rnd, group_id, "dk", item_id, dimension, 0)] = int(n)
        else:
            out[(rnd, group_id, "value", item_id, dimension, int(value))] = int(n)
    item_rows = db.session.execute(
        base.add_columns(Response.item_id, sa.func.count(sa.distinct(Response.participant_id)))
        .where(Response.value.is_not(None))
        .group_by(Response.round, Participant.group_id, Response.item_id))
    for rnd, group_id, item_id, n in item_rows:
        out[(rnd, group_id, "item", item_id, "", 0)] = int(n)
    resp_rows = db.session.execute(
        base.add_columns(sa.func.count(sa.distinct(Response.participant_id)))
        .group_by(Response.round, Participant.group_id))
    for rnd, group_id, n in resp_rows:
        out[(rnd, group_id, "resp", 0, "", 0)] = int(n)
    return out


def stored(activity_id: int) -> dict[Key, int]:
    """The tallies as stored (every round, non-zero cells only): equal to `from_responses` when in step."""
    rows = db.session.execute(
        sa.select(Tally.round, Tally.group_id, Tally.kind, Tally.item_id, Tally.dimension, Tally.value, Tally.n)
        .where(Tally.activity_id == activity_id, Tally.n != 0))
    return {(rnd, g, kind, item, dim, value): int(n) for rnd, g, kind, item, dim, value, n in rows}


def rebuild(activity: Activity | int) -> None:
    """Recompute an activity's tallies from its responses (repair, bulk import); runs in the caller's transaction."""
    activity_id = activity if isinstance(activity, int) else activity.id
    db.session.execute(sa.delete(Tally).where(Tally.activity_id == activity_id))
    fresh = from_responses(activity_id)
    if fresh:
        db.session.execute(sa.insert(Tally), [
            {"activity_id": activity_id, "round": rnd, "group_id": g, "kind": kind, "item_id": item,
             "dimension": dim, "value": value, "n": n}
            for (rnd, g, kind, item, dim, value), n in sorted(fresh.items())
        ])


def clear(activity_id: int, round_: int | None = None) -> None:
    """Drop an activity's tallies (one round or all), when all its responses go."""
    statement = sa.delete(Tally).where(Tally.activity_id == activity_id)
    if round_ is not None:
        statement = statement.where(Tally.round == round_)
    db.session.execute(statement)


# --- reading for results --------------------------------------------------------------------------------------

def fetch(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Plain tuples straight from the driver, in the session's transaction: reads of thousands of rows on the
    push path skip SQLAlchemy's per-row processing (a third to a half of the time). `sql` uses `?` markers."""
    connection = db.session.connection()
    if connection.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("?", "%s")
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def execute_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One statement over many rows, straight through the driver, in the session's transaction (the vote
    path's writes: no per-row work in SQLAlchemy). `sql` uses `?` markers.

    On PostgreSQL an `INSERT ... VALUES (?, ...)` goes as multi-row VALUES, a few hundred rows a statement:
    the driver's executemany runs one statement per row on the server, which on a hall's batch of ballots
    (24 rows each) was a fifth of the server's time. SQLite's executemany is already one C loop."""
    if not rows:
        return
    connection = db.session.connection()
    postgres = connection.dialect.paramstyle in ("format", "pyformat")
    cursor = connection.connection.cursor()
    try:
        marker = _VALUES.search(sql) if postgres else None
        if marker is None:
            cursor.executemany(sql.replace("?", "%s") if postgres else sql, rows)
            return
        head, one, tail = sql[:marker.start(1)], marker.group(1).replace("?", "%s"), sql[marker.end(1):]
        per = max(1, _MAX_PARAMS // len(rows[0]))
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail.replace("?", "%s"),
                           [value for row in chunk for value in row])
    finally:
        cursor.close()


#: The one row of placeholders in an INSERT's VALUES, expanded to many rows on PostgreSQL.
_VALUES = re.compile(r"\bVALUES\s*(\((?:\?\s*,\s*)*\?\))")
_MAX_PARAMS = 8000


def read(activity_id: int, round_: int) -> list[tuple[Any, ...]]:
    """One round's non-zero tallies: rows of (group_id, kind, item_id, dimension, value, n); primary-key scan."""
    return fetch("SELECT group_id, kind, item_id, dimension, value, n FROM tally "
                 "WHERE activity_id = ? AND round = ? AND n <> 0", (activity_id, round_))


def ballot_rows(activity_id: int, round_: int, dimension: str, *, positive: bool) -> list[tuple[Any, ...]]:
    """One round's ballot rows (participant_id, item_id, value) of one dimension, non-null (and > 0 when
    `positive`), in participant then value order, for the ballot types: an index-only scan of
    `ix_response_ballot`. (Joining `participant` for the group doubles the time; see `participant_groups`.)"""
    condition = "value > 0" if positive else "value IS NOT NULL"
    return fetch("SELECT participant_id, item_id, value FROM response "
                 f"WHERE activity_id = ? AND round = ? AND dimension = ? AND {condition} "
                 "ORDER BY participant_id, value", (activity_id, round_, dimension))


def participant_groups(workshop_id: int) -> dict[int, int]:
    """participant id -> group id for a whole workshop, in one indexed query."""
    return dict(fetch("SELECT id, group_id FROM participant WHERE workshop_id = ?", (workshop_id,)))


def rounds(activity_id: int) -> set[int]:
    """Rounds that have any tally row (responses saved at some point)."""
    return set(db.session.scalars(sa.select(sa.distinct(Tally.round)).where(Tally.activity_id == activity_id)))
