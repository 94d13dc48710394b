"""Derived tallies always equal a from-scratch GROUP BY over `response`, whatever sequence of writes led there.

Writes go through `participation.upsert_values` / `delete_values` (the only write paths), on real SQLite and
PostgreSQL; `tally.from_responses` is the independent computation (plain SQL over the raw rows).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.builders import EVERY_TYPE_ITEMS as ITEMS
from tests.support.database import BACKENDS
from tests.support.services import build

pytestmark = BACKENDS

value = st.one_of(st.none(), st.integers(1, 5))
rate = st.tuples(st.just("rate"), st.integers(0, 5),
                 st.lists(st.tuples(st.integers(0, len(ITEMS) - 1), st.sampled_from(["x", "y"]), value),
                          min_size=1, max_size=8, unique_by=lambda t: (t[0], t[1])))
ballot = st.tuples(st.just("ballot"), st.integers(0, 5),
                   st.lists(st.integers(0, 2), min_size=len(ITEMS), max_size=len(ITEMS)))
ranking = st.tuples(st.just("ranking"), st.integers(0, 5), st.permutations(range(len(ITEMS))),
                    st.integers(1, len(ITEMS)))
remove = st.tuples(st.just("remove"), st.integers(0, 5), st.booleans())
operation = st.one_of(rate, rate, ballot, ranking, remove, st.just(("round",)), st.just(("reset",)))


def _apply(app: Any, activities: dict[str, int], people: list[tuple[int, str]], op: tuple[Any, ...]) -> None:
    from app.extensions import db
    from app.models import Activity, Participant
    from app.services import participation
    from app.services.database import transaction

    with app.app_context(), transaction():
        matrix, points, ranks = (db.session.get(Activity, activities[k]) for k in ("m", "p", "r"))
        ids = [i.id for i in matrix.items]
        kind = op[0]
        if kind == "rate":
            who = db.session.get(Participant, people[op[1]][0])
            participation.upsert_values(matrix, who, [(ids[i], axis, v) for i, axis, v in op[2]])
        elif kind == "ballot":
            who = db.session.get(Participant, people[op[1]][0])
            participation.upsert_values(points, who, [(ids[i], "points", v) for i, v in enumerate(op[2])],
                                        replace_ballot=True)
        elif kind == "ranking":
            who = db.session.get(Participant, people[op[1]][0])
            order, top = op[2], op[3]
            participation.upsert_values(ranks, who, [(ids[i], "rank", place + 1) for place, i in
                                                      enumerate(order[:top])], replace_ballot=True)
        elif kind == "remove":
            who = db.session.get(Participant, people[op[1]][0])
            participation.delete_values(matrix, who, round=matrix.round if op[2] else None)
            participation.delete_values(points, who)
        elif kind == "round":
            for activity in (matrix, points, ranks):
                activity.round += 1
        elif kind == "reset":
            participation.delete_values(matrix, round=matrix.round)
            participation.delete_values(ranks)


def _assert_in_step(app: Any, activities: dict[str, int]) -> None:
    from app.services import tally

    with app.app_context():
        for activity_id in activities.values():
            assert tally.stored(activity_id) == tally.from_responses(activity_id)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_incremental_tallies_equal_a_rebuild(app: Any, ops: list[tuple[Any, ...]]) -> None:
    from app import publisher

    publisher.hub.stop(app)  # pushes are not under test here
    _, activities, people = build(app, {"gov": 2, "firms": 2, "workers": 1, "obs": 1})
    for op in ops:
        _apply(app, activities, people, op)
        _assert_in_step(app, activities)


def test_counts_by_hand_and_rebuild_repairs(app: Any) -> None:
    """Hand-checked cells after a few writes, and `rebuild` restores tallies that were damaged."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity, Participant, Tally
    from app.services import participation, tally
    from app.services.database import transaction

    publisher.hub.stop(app)
    _, activities, people = build(app, {"gov": 2, "firms": 1})
    with app.app_context():
        matrix = db.session.get(Activity, activities["m"])
        a, b = (i.id for i in matrix.items[:2])
        (g1, _), (g2, _), (f1, _) = people
        gov = db.session.get(Participant, g1).group_id
        with transaction():
            participation.upsert_values(matrix, db.session.get(Participant, g1), [(a, "x", 4), (a, "y", None)])
            participation.upsert_values(matrix, db.session.get(Participant, g2), [(a, "x", 4), (b, "y", 2)])
            participation.upsert_values(matrix, db.session.get(Participant, g1), [(a, "x", 5)])  # changes 4 -> 5
            participation.upsert_values(matrix, db.session.get(Participant, f1), [(b, "x", None)])
        cells = {key: n for key, n in tally.stored(matrix.id).items() if key[1] == gov}
        assert cells == {
            (1, gov, "resp", 0, "", 0): 2,
            (1, gov, "value", a, "x", 4): 1,
            (1, gov, "value", a, "x", 5): 1,
            (1, gov, "dk", a, "y", 0): 1,
            (1, gov, "value", b, "y", 2): 1,
            (1, gov, "item", a, "", 0): 2,
            (1, gov, "item", b, "", 0): 1,
        }
        firms = {key: n for key, n in tally.stored(matrix.id).items() if key[1] != gov}
        assert sorted((k[2], n) for k, n in firms.items()) == [("dk", 1), ("resp", 1)]  # no "item": only dk
        with transaction():
            db.session.execute(sa.update(Tally).values(n=Tally.n + 7))
        assert tally.stored(matrix.id) != tally.from_responses(matrix.id)
        with transaction():
            tally.rebuild(matrix)
        assert tally.stored(matrix.id) == tally.from_responses(matrix.id)


def test_a_rejected_write_leaves_no_tally(app: Any) -> None:
    """The tally moves in the caller's transaction: a write that fails afterwards rolls both back."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity, Participant
    from app.services import participation, tally
    from app.services.database import transaction

    publisher.hub.stop(app)
    _, activities, people = build(app, {"gov": 1})
    with app.app_context():
        matrix = db.session.get(Activity, activities["m"])
        item = matrix.items[0].id
        with pytest.raises(RuntimeError), transaction():
            participation.upsert_values(matrix, db.session.get(Participant, people[0][0]), [(item, "x", 3)])
            raise RuntimeError("validation failed later in the request")
        assert tally.stored(matrix.id) == {} == tally.from_responses(matrix.id)


def test_concurrent_writers_of_one_group_stay_in_step(app: Any, db_backend: str) -> None:
    """Several threads saving ballots of the same group at once: no deadlock, no lost update."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity, Participant
    from app.services import participation, tally
    from app.services.database import transaction

    publisher.hub.stop(app)
    _, activities, people = build(app, {"firms": 8})
    errors: list[BaseException] = []

    def vote(participant_id: int, seed: int) -> None:
        try:
            with app.app_context():
                matrix = db.session.get(Activity, activities["m"])
                ids = [i.id for i in matrix.items]
                who = db.session.get(Participant, participant_id)
                for round_trip in range(6):
                    rows = [(item, axis, 1 + (seed + round_trip + n) % 5)
                            for n, item in enumerate(reversed(ids) if seed % 2 else ids) for axis in ("x", "y")]
                    with transaction():
                        participation.upsert_values(matrix, who, rows)
                db.session.remove()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=vote, args=(pid, n)) for n, (pid, _) in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with app.app_context():
        assert tally.stored(activities["m"]) == tally.from_responses(activities["m"])
        firms = {key: n for key, n in tally.stored(activities["m"]).items() if key[2] == "resp"}
        assert list(firms.values()) == [8]


def test_many_row_writes_in_small_chunks_equal_the_rows_sent(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`execute_many` sends an INSERT as multi-row VALUES in chunks on PostgreSQL (one statement per row on
    SQLite); an upsert whose rows span several chunks ends exactly as the rows say, NULLs included."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity, Participant, utcnow
    from app.services import tally
    from app.services.database import transaction

    publisher.hub.stop(app)
    monkeypatch.setattr(tally, "_MAX_PARAMS", 15)  # two rows of seven values a statement
    _, activities, people = build(app, {"gov": 3})
    upsert = ("INSERT INTO response (activity_id, round, participant_id, item_id, dimension, value, submitted_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, round, participant_id, item_id, dimension) "
              "DO UPDATE SET value = excluded.value")
    with app.app_context():
        matrix = db.session.get(Activity, activities["m"])
        items = [i.id for i in matrix.items]
        now = utcnow() if db.engine.dialect.name == "postgresql" else utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
        first = [(matrix.id, 1, pid, item, axis, (n % 5) + 1, now) for n, (pid, item, axis) in
                 enumerate((p, i, a) for p, _ in people for i in items for a in ("x", "y"))]
        second = [(a, r, p, i, d, None if n % 3 == 0 else 5, t) for n, (a, r, p, i, d, v, t) in enumerate(first)]
        with transaction():
            tally.execute_many(upsert, first)
        with transaction():
            tally.execute_many(upsert, second)
        stored = {(p, i, d): v for p, i, d, v in db.session.execute(sa.text(
            "SELECT participant_id, item_id, dimension, value FROM response WHERE activity_id = :a"),
            {"a": matrix.id})}
        assert len(first) > 2 and stored == {(p, i, d): v for _, _, p, i, d, v, _ in second}
        assert {p for p, _, _ in stored} == {db.session.get(Participant, pid).id for pid, _ in people}
