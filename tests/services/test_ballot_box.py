"""The ballot box (many ballots per transaction) and the vote path's snapshots of a workshop (per revision).

Two server processes are two apps on one database here: each keeps its own snapshots, and an edit made
through one must be enforced by the other at its very next vote.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.api import Api
from tests.support.database import BACKENDS, config_dict

API = "/api/v1"


def matrix(item: str, x: int | None, y: int | None) -> dict[str, Any]:
    return {"ratings": [{"item": item, "x": x, "y": y}]}


def responses(app: Any, workshop_id: int) -> dict[tuple[str, str, str, int], int | None]:
    """Every stored value as (pseudonym, item, dimension, round) -> value, read with plain SQL."""
    from app.extensions import db

    with app.app_context():
        rows = db.session.execute(sa.text(
            "SELECT p.pseudonym, i.key, r.dimension, r.round, r.value FROM response r "
            "JOIN participant p ON p.id = r.participant_id JOIN item i ON i.id = r.item_id "
            "WHERE p.workshop_id = :w"), {"w": workshop_id}).all()
        return {(p, i, d, rnd): v for p, i, d, rnd, v in rows}


def tallies_in_step(app: Any, workshop_id: int) -> None:
    from app.extensions import db
    from app.models import Activity
    from app.services import tally

    with app.app_context():
        for activity in db.session.scalars(sa.select(Activity).where(Activity.workshop_id == workshop_id)):
            assert tally.stored(activity.id) == tally.from_responses(activity.id), activity.key


@pytest.fixture
def second_app(database_url: str) -> Iterator[Any]:
    """Another process's app on the same database, with its own snapshots and its own ballot box."""
    from app import create_app, publisher
    from app.extensions import db

    other = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    yield other
    publisher.hub.stop(other)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@BACKENDS
def test_a_hall_of_concurrent_ballots_is_stored_once_each_with_tallies_in_step(
        app: Any, api: Api, workshop: dict[str, Any], join: Any) -> None:
    base = f"{API}/workshops/{workshop['id']}/activities/constraints"
    assert api.post(f"{base}/open").status_code == 200
    tokens = [join(workshop["join_code"], ("gov", "firms", "workers")[n % 3]) for n in range(30)]
    answers: dict[int, int] = {}
    failures: list[Any] = []
    start = threading.Barrier(len(tokens))

    def phone(n: int, token: str) -> None:
        client = app.test_client()
        start.wait()
        for attempt in range(2):  # a double tap: the same participant twice, the second with other values
            x = 1 + (n + attempt) % 5
            response = client.put(f"{base}/responses", json={"ratings": [
                {"item": "finance", "x": x, "y": 5 - x + 1}, {"item": "skills", "x": None, "y": 2}]},
                headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 200 or response.get_json() != {"saved": 2}:
                failures.append(response.get_json())
        answers[n] = 1 + (n + 1) % 5

    threads = [threading.Thread(target=phone, args=(n, t)) for n, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    stored = responses(app, workshop["id"])
    assert len(stored) == 30 * 4  # two items, two axes, once per participant however often sent
    finance_x = sorted(v for (_, item, dim, _), v in stored.items() if item == "finance" and dim == "x")
    assert finance_x == sorted(answers.values())  # every participant's last ballot won
    tallies_in_step(app, workshop["id"])
    exact = api.get(f"{base}/results?weighting=per_head").get_json()
    finance = next(i for i in exact["items"] if i["item"] == "finance")
    assert finance["n"] == 30 and finance["x"]["mean"] == pytest.approx(sum(answers.values()) / 30)


@BACKENDS
def test_one_batch_applies_ballots_in_order_and_refuses_only_the_ones_that_cannot_stand(
        app: Any, api: Api, join: Any) -> None:
    """Straight through the box: a batch with a double ballot, a replaced points ballot, a ballot whose
    activity closed after it was validated, and one of a participant who was deleted meanwhile."""
    from app.extensions import db
    from app.models import Participant
    from app.services import ballot_box, vote_cache
    from app.services.errors import Problem
    from tests.support import builders
    from tests.support.builders import small_definition

    definition = small_definition()
    definition["activities"].append(builders.points("budget", builders.SMALL_ITEMS, "Spend", budget=4,
                                                    max_per_item=3))
    workshop = api.post(f"{API}/workshops", json=definition).get_json()
    for key in ("constraints", "budget"):
        assert api.post(f"{API}/workshops/{workshop['id']}/activities/{key}/open").status_code == 200
    tokens = [join(workshop["join_code"], "gov") for _ in range(3)]
    with app.test_request_context():
        voters = [vote_cache.voter_for_token(t) for t in tokens]
        view = vote_cache.workshop_view(workshop["id"], voters[0].revision)
        constraints, budget = view.activity("constraints"), view.activity("budget")
        ids = {i.key: i.id for i in constraints.items}

        def ballot(voter: Any, activity: Any, body: Any) -> ballot_box.Ballot:
            rows, replace, _ = ballot_box.participation.parse_ballot(activity, body)
            return ballot_box.Ballot(voter, activity.id, activity.key, activity.round, rows, replace)

        batch = [ballot(voters[0], constraints, matrix("finance", 1, 1)),
                 ballot(voters[0], constraints, matrix("finance", 4, None)),  # the later one wins
                 ballot(voters[0], budget, {"points": {"finance": 3, "skills": 1}}),
                 ballot(voters[0], budget, {"points": {"power": 2}}),  # a points ballot replaces the whole ballot
                 ballot(voters[1], constraints, matrix("skills", 2, 2)),
                 ballot(voters[2], constraints, matrix("power", 5, 5))]
        gone = db.session.get(Participant, voters[2].id)
        db.session.delete(gone)
        db.session.commit()
        ballot_box._commit(batch)
        assert all(b.done for b in batch)
        assert [b.error for b in batch[:5]] == [None] * 5
        assert isinstance(batch[5].error, Problem) and batch[5].error.status == 401
        db.session.remove()

    stored = responses(app, workshop["id"])
    finance = {k: v for k, v in stored.items() if k[1] == "finance" and k[2] != "points"}
    assert finance == {("P001", "finance", "x", 1): 4, ("P001", "finance", "y", 1): None}
    assert {(p, i): v for (p, i, d, _), v in stored.items() if d == "points"} == {
        ("P001", "power"): 2, ("P001", "finance"): 0, ("P001", "skills"): 0}
    assert {k: v for k, v in stored.items() if k[0] == "P002"} == {("P002", "skills", "x", 1): 2,
                                                                     ("P002", "skills", "y", 1): 2}
    tallies_in_step(app, workshop["id"])

    # Validated while open, written after the facilitator closed it: a 409, and nothing saved.
    assert api.post(f"{API}/workshops/{workshop['id']}/activities/constraints/close").status_code == 200
    with app.test_request_context():
        late = [ballot(voters[1], constraints, matrix("power", 3, 3)),
                ballot(voters[1], budget, {"points": {"skills": 1}})]
        ballot_box._commit(late)
        assert late[0].error is not None and late[0].error.status == 409 and late[1].error is None
        assert ids["power"] not in {item for item, _ in
                                    vote_cache.tally.participant_answers(constraints.id, voters[1].id).get(1, {})}
        db.session.remove()
    tallies_in_step(app, workshop["id"])


@BACKENDS
def test_an_edit_through_one_process_holds_at_the_next_vote_on_another(
        app: Any, api: Api, workshop: dict[str, Any], join: Any, second_app: Any) -> None:
    base = f"{API}/workshops/{workshop['id']}/activities/constraints"
    other = second_app.test_client()
    token = join(workshop["join_code"], "firms")
    auth = {"Authorization": f"Bearer {token}"}

    def vote_on_other(body: dict[str, Any]) -> Any:
        return other.put(f"{base}/responses", json=body, headers=auth)

    assert vote_on_other(matrix("finance", 2, 2)).status_code == 409  # pending: the other process caches that
    assert api.post(f"{base}/open").status_code == 200  # opened through the first process
    assert vote_on_other(matrix("finance", 2, 2)).status_code == 200
    assert api.post(f"{base}/close").status_code == 200
    refused = vote_on_other(matrix("finance", 3, 3))
    assert refused.status_code == 409 and refused.headers["Content-Type"] == "application/problem+json"
    assert api.post(f"{base}/open").status_code == 200
    assert vote_on_other(matrix("skills", 1, 1)).status_code == 200

    # A Delphi round on the first process asks only what did not converge: the second process refuses the rest
    # at once, and files what it accepts under round 2.
    for x in (1, 5, 1):  # three more agree on finance and disagree on skills
        other_token = join(workshop["join_code"], "gov")
        assert api.put(f"{base}/responses", token=other_token, json={"ratings": [
            {"item": "finance", "x": 2, "y": 2}, {"item": "skills", "x": x, "y": 6 - x}]}).status_code == 200
    started = api.post(f"{base}/rounds", json={"drop_converged": True, "min_consensus": 0.7})
    assert started.status_code == 200, started.get_json()
    asked = started.get_json()["round_items"]
    dropped = sorted({"finance", "skills", "power"} - set(asked))
    assert asked and dropped, started.get_json()
    outside = vote_on_other(matrix(dropped[0], 4, 4))
    assert outside.status_code == 422, outside.get_json()
    assert vote_on_other(matrix(asked[0], 5, 5)).status_code == 200
    stored = responses(app, workshop["id"])
    assert stored[("P001", asked[0], "x", 2)] == 5 and ("P001", dropped[0], "x", 2) not in stored
    assert stored[("P001", "finance", "x", 1)] == 2  # the first round's answers stay where they were
    tallies_in_step(app, workshop["id"])


@BACKENDS
def test_the_revision_moves_with_every_edit_and_never_with_a_vote(app: Any, api: Api, workshop: dict[str, Any],
                                                                  join: Any) -> None:
    from app.extensions import db

    def revision() -> int:
        with app.app_context():
            return int(db.session.execute(sa.text("SELECT revision FROM workshop WHERE id = :w"),
                                          {"w": workshop["id"]}).scalar_one())

    base = f"{API}/workshops/{workshop['id']}/activities/constraints"
    first = revision()
    assert api.post(f"{base}/open").status_code == 200
    opened = revision()
    assert opened > first
    token = join(workshop["join_code"], "gov")
    assert api.put(f"{base}/responses", json=matrix("finance", 1, 2), token=token).status_code == 200
    assert revision() == opened  # joining and voting change no definition
    assert api.post(f"{base}/timer", json={"seconds": 60}).status_code == 200
    assert revision() > opened
    assert api.post(f"{base}/close").status_code == 200
    closed = revision()
    refused = api.put(f"{base}/responses", json=matrix("finance", 9, 9), token=token)  # still invalid first
    assert refused.status_code == 409 and revision() == closed


@pytest.mark.parametrize("db_backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_joins_at_once_through_two_processes_get_distinct_pseudonyms(
        app: Any, api: Api, workshop: dict[str, Any], second_app: Any) -> None:
    """The pseudonym counter: no count-and-retry, so no join is ever answered 'busy'."""
    statuses: list[int] = []
    start = threading.Barrier(40)

    def phone(n: int) -> None:
        client = (app if n % 2 else second_app).test_client()
        start.wait()
        response = client.post(f"{API}/join", json={"code": workshop["join_code"], "group": "gov"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [201] * 40
    from app.extensions import db

    with app.app_context():
        names = db.session.execute(sa.text("SELECT pseudonym FROM participant WHERE workshop_id = :w"),
                                   {"w": workshop["id"]}).scalars().all()
    assert sorted(names) == [f"P{n:03d}" for n in range(1, 41)]
