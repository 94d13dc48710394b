"""The ballot box: phones' and the API's ballots, committed many to a transaction, each answered once committed.

A ballot is validated in its own request, against the cached activity (`vote_cache`), before it goes near
the database: a bad one is refused there and changes nothing. A valid one joins the box's queue and its
request waits. One waiting request at a time writes: it takes every ballot queued so far (up to `MAX_BATCH`),
and in one transaction checks that each ballot's activity is still open in the same round, reads the
previous answers of all their participants in one query, applies the ballots in the order they came (a
double tap or a retry counts once), writes the responses with one prepared upsert, moves the derived tallies
by the summed differences (so a hundred ballots of one group touch each tally row once), and commits. Only
then are the requests answered, so an acknowledged ballot is always durable; and a ballot that finds its
activity closed gets the 409 it would have got alone. If the transaction fails as a whole, each of its
ballots is written again on its own, so one ballot's failure is never another's.

Writing many ballots per commit is what lets one process take a hall's burst: SQLite has one writer at a
time, and the per-commit work (lock, journal, tallies of the same group) is shared by the whole batch.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models import utcnow
from app.services import live, participation, tally
from app.services.database import after_commit, transaction
from app.services.errors import Problem, conflict, unauthorized
from app.services.vote_cache import Voter

#: Ballots written in one transaction at most (bounds the lock time and the size of one statement batch).
MAX_BATCH = 200
#: Participants or activities per IN (...) list.
CHUNK = 500

Rows = list[tuple[int, str, int | None]]
#: (participant_id, activity_id, round)
BallotKey = tuple[int, int, int]


@dataclass(eq=False)
class Ballot:
    voter: Voter
    activity_id: int
    activity_key: str
    round: int
    rows: Rows
    replace: bool
    done: bool = False
    error: BaseException | None = None
    #: The submitter's language: another request may write the batch, so refusals are worded in this one.
    language: str = "en"


@dataclass(eq=False)
class _Box:
    queue: list[Ballot] = field(default_factory=list)
    guard: threading.Lock = field(default_factory=threading.Lock)
    writing: threading.Lock = field(default_factory=threading.Lock)


def cast(voter: Voter, activity: Any, body: Any) -> int:
    """Validate a ballot (422 before anything is written), then wait until it is committed; returns `saved`."""
    if not activity.is_open:
        raise _closed(activity.key, activity.state)
    rows, replace, saved = participation.parse_ballot(activity, body)
    ballot = Ballot(voter, activity.id, activity.key, activity.round, rows, replace,
                    language=str(get_locale() or "en"))
    submit(ballot)
    return saved


def _closed(key: str, state: str) -> Problem:
    return conflict(_("The activity '%(key)s' is %(state)s, not open: votes are not accepted now.",
                      key=key, state=state))


def _box() -> _Box:
    box = current_app.extensions.get("prioritas.ballot_box")
    if box is None:
        box = current_app.extensions.setdefault("prioritas.ballot_box", _Box())
    return box


def submit(ballot: Ballot) -> None:
    """Queue the ballot; whoever holds the writing lock commits what is queued. Returns once it is written."""
    box = _box()
    with box.guard:
        box.queue.append(ballot)
    while not ballot.done:
        with box.writing:
            if ballot.done:
                break
            with box.guard:
                batch, box.queue[:] = box.queue[:MAX_BATCH], box.queue[MAX_BATCH:]
            _commit(batch)
    if ballot.error is not None:
        raise ballot.error


def _commit(batch: list[Ballot]) -> None:
    try:
        with transaction():
            _write(batch)
    except BaseException as error:
        if not isinstance(error, Exception):  # the writing request itself is going away (killed, timed out)
            for ballot in batch:
                with force_locale(ballot.language):
                    ballot.error = Problem(503, "Busy", _("The ballot could not be saved; please send it again."))
                ballot.done = True
            raise
        if len(batch) == 1:
            batch[0].error = error
        else:
            for ballot in batch:  # each on its own, so one ballot's failure is never another's
                ballot.error = None
                _commit([ballot])
            return
    for ballot in batch:
        ballot.done = True


def _refusal(ballot: Ballot, state: Any, participants: Any) -> Problem | None:
    """Why this ballot cannot be written now (None if it can), in the current language."""
    if ballot.voter.id not in participants:
        return unauthorized(_("Send a participant token: Authorization: Bearer <participant_token>."))
    if state is None or state[0] != "open":
        return _closed(ballot.activity_key, state[0] if state else "gone")
    if state[1] != ballot.round:
        return conflict(_("A new round of '%(key)s' has started: answer it on the new form. Nothing was saved.",
                          key=ballot.activity_key))
    return None


def _write(batch: list[Ballot]) -> None:
    """Every still-valid ballot of the batch, in the caller's transaction; refused ones get their error."""
    activities = _activities({b.activity_id for b in batch})
    participants = _lock_participants({b.voter.id for b in batch})
    accepted: list[Ballot] = []
    for ballot in batch:
        with force_locale(ballot.language):
            ballot.error = _refusal(ballot, activities.get(ballot.activity_id), participants)
        if ballot.error is None:
            accepted.append(ballot)
    if not accepted:
        return
    before = _answers(accepted)
    after: dict[BallotKey, dict[tuple[int, str], int | None]] = {}
    sent: dict[BallotKey, set[tuple[int, str]]] = defaultdict(set)
    replaced: set[BallotKey] = set()
    for ballot in accepted:  # in arrival order: the last ballot of a participant wins, as it would alone
        key = (ballot.voter.id, ballot.activity_id, ballot.round)
        answers = after.setdefault(key, dict(before.get(key, {})))
        if ballot.replace:
            answers.clear()
            sent[key].clear()
            replaced.add(key)
        for item_id, dimension, value in ballot.rows:
            answers[(item_id, dimension)] = value
            sent[key].add((item_id, dimension))
    _store(before, after, sent, replaced, participants)
    for activity_id in sorted({b.activity_id for b in accepted}):
        after_commit(lambda activity_id=activity_id: live.results_changed(activity_id))


def _activities(ids: set[int]) -> dict[int, tuple[str, int]]:
    """activity id -> (state, round), as committed now (the cached view may be a moment old)."""
    out: dict[int, tuple[str, int]] = {}
    for chunk in _chunks(sorted(ids)):
        marks = ", ".join("?" for _ in chunk)
        for activity_id, state, round_ in tally.fetch(
                f"SELECT id, state, round FROM activity WHERE id IN ({marks})", tuple(chunk)):
            out[int(activity_id)] = (state, int(round_ or 1))
    return out


def _lock_participants(ids: set[int]) -> dict[int, int]:
    """participant id -> group id, locked in id order on PostgreSQL (the order every writer shares), so two
    writers never count one participant's change from the same "before"; SQLite has one writer anyway."""
    lock = " ORDER BY id FOR UPDATE" if db.engine.dialect.name == "postgresql" else ""
    out: dict[int, int] = {}
    for chunk in _chunks(sorted(ids)):
        marks = ", ".join("?" for _ in chunk)
        for participant_id, group_id in tally.fetch(
                f"SELECT id, group_id FROM participant WHERE id IN ({marks}){lock}", tuple(chunk)):
            out[int(participant_id)] = int(group_id)
    return out


def _answers(ballots: list[Ballot]) -> dict[BallotKey, dict[tuple[int, str], int | None]]:
    """The saved answers of every (participant, activity, round) of the batch: one query per activity round
    and chunk, looked up by participant. The unary `+` keeps SQLite off the (activity, round, ...) indexes,
    which without statistics it prefers and then scans every answer of the round: a cost that grows with the
    room on every batch."""
    voters: dict[tuple[int, int], set[int]] = defaultdict(set)
    for b in ballots:
        voters[(b.activity_id, b.round)].add(b.voter.id)
    out: dict[BallotKey, dict[tuple[int, str], int | None]] = {}
    for (activity_id, round_), participants in sorted(voters.items()):
        for chunk in _chunks(sorted(participants)):
            marks = ", ".join("?" for _ in chunk)
            rows = tally.fetch(
                "SELECT participant_id, item_id, dimension, value FROM response "
                f"WHERE +activity_id = ? AND +round = ? AND participant_id IN ({marks})",
                (activity_id, round_, *chunk))
            for participant_id, item_id, dimension, value in rows:
                key = (int(participant_id), activity_id, round_)
                out.setdefault(key, {})[(int(item_id), dimension)] = None if value is None else int(value)
    return out


_UPSERT_RESPONSE = (
    "INSERT INTO response (activity_id, round, participant_id, item_id, dimension, value, submitted_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, round, participant_id, item_id, dimension) "
    "DO UPDATE SET value = excluded.value, submitted_at = excluded.submitted_at")
_DELETE_BALLOT = "DELETE FROM response WHERE activity_id = ? AND round = ? AND participant_id = ?"


def _store(before: dict[BallotKey, Any], after: dict[BallotKey, dict[tuple[int, str], int | None]],
           sent: dict[BallotKey, set[tuple[int, str]]], replaced: set[BallotKey],
           groups: dict[int, int]) -> None:
    now: Any = utcnow()
    if db.engine.dialect.name == "sqlite":
        now = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # the form SQLAlchemy stores and reads back
    drop = [(activity_id, round_, participant_id) for participant_id, activity_id, round_ in sorted(replaced)
            if before.get((participant_id, activity_id, round_))]
    if drop:
        tally.execute_many(_DELETE_BALLOT, drop)
    rows = [(activity_id, round_, participant_id, item_id, dimension, after[key][(item_id, dimension)], now)
            for key in sorted(after) for participant_id, activity_id, round_ in (key,)
            for item_id, dimension in sorted(sent[key])]
    if rows:
        tally.execute_many(_UPSERT_RESPONSE, rows)
    changes: dict[tuple[int, int, int, str, int, str, int], int] = defaultdict(int)
    for key, answers in after.items():
        participant_id, activity_id, round_ = key
        group_id = groups[participant_id]
        for (kind, item_id, dimension, value), delta in tally.deltas(before.get(key, {}), answers).items():
            changes[(activity_id, round_, group_id, kind, item_id, dimension, value)] += delta
    tally.add_many(changes)


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[start:start + CHUNK] for start in range(0, len(values), CHUNK)]
