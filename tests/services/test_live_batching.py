"""The room's released state: answers reach the room only in whole batches of k changed voters of a group.

docs/anonymity.md. `publish` is what every non-owner view is made from (`results.live_document`, after a
release is made if one is due); `fresh` is the facilitator's exact document.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.publisher import LiveHub
from app.services.release import due_batches
from tests.support.builders import EVERY_TYPE_K as K
from tests.support.database import BACKEND_NAMES as BACKENDS
from tests.support.services import build


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def scene(app: Any) -> dict[str, Any]:
    """A matrix with k=3 voters in gov and firms, released once."""
    from app import publisher

    publisher.hub.stop(app)  # the process-wide hub stays out of the way
    _, activities, people = build(app, {"gov": 6, "firms": 6, "workers": 2})
    by_group: dict[str, list[int]] = {}
    for pid, group in people:
        by_group.setdefault(group, []).append(pid)
    scene = {"app": app, "activity": activities["m"], "people": by_group}
    for group in ("gov", "firms"):
        for pid in by_group[group][:K]:
            vote(scene, pid, 2)
    first = publish(scene)
    assert first["items"][0]["by_group"]["firms"]["x"]["mean"] == 2.0
    return scene


def vote(scene: dict[str, Any], participant_id: int, value: int) -> None:
    """Save x = y = value on the first item."""
    from app.extensions import db
    from app.models import Activity, Participant
    from app.services import participation
    from app.services.database import transaction

    with scene["app"].app_context():
        with transaction():
            activity = db.session.get(Activity, scene["activity"])
            participant = db.session.get(Participant, participant_id)
            item = activity.items[0].id
            participation.upsert_values(activity, participant, [(item, "x", value), (item, "y", value)])
        db.session.remove()


def publish(scene: dict[str, Any]) -> dict[str, Any]:
    """A push: advance the release, then the room's document."""
    from app.extensions import db
    from app.models import Activity
    from app.services import release, results

    with scene["app"].app_context():
        try:
            release.advance(db.session.get(Activity, scene["activity"]))
            return results.live_document(db.session.get(Activity, scene["activity"]))
        finally:
            db.session.remove()


def fresh(scene: dict[str, Any]) -> dict[str, Any]:
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    with scene["app"].app_context():
        try:
            return results.compute(db.session.get(Activity, scene["activity"]), "equal_groups")
        finally:
            db.session.remove()


def first_item(document: dict[str, Any]) -> dict[str, Any]:
    return document["items"][0]


def test_single_votes_move_nothing_until_their_group_has_a_batch(scene: dict[str, Any]) -> None:
    firms = scene["people"]["firms"]
    before = first_item(publish(scene))
    vote(scene, firms[K], 5)  # one new firm
    after = first_item(publish(scene))
    assert after == before  # pooled figures, n, sd, median, panels: all as released
    assert first_item(fresh(scene))["n"] == 2 * K + 1  # the facilitator's figures have it

    vote(scene, firms[K], 1)  # the same firm again: still one voter
    vote(scene, firms[K + 1], 5)  # two firms so far: still held
    assert first_item(publish(scene)) == before

    vote(scene, firms[K + 2], 5)  # a third new firm: released, with the others' current votes
    released = publish(scene)
    assert first_item(released)["by_group"]["firms"] == first_item(fresh(scene))["by_group"]["firms"]
    assert first_item(released)["by_group"]["firms"]["n"] == 2 * K
    assert first_item(released)["by_group"]["gov"] == before["by_group"]["gov"]


def test_a_released_batch_splits_only_into_parts_of_k(scene: dict[str, Any]) -> None:
    """Two of the first three firms change their vote and three new firms arrive: the new ones are released,
    the two changes wait (they would leave one unchanged firm of that batch readable by difference)."""
    firms = scene["people"]["firms"]
    before = first_item(publish(scene))
    vote(scene, firms[0], 5)
    vote(scene, firms[1], 5)
    for pid in firms[K:2 * K]:
        vote(scene, pid, 4)
    doc = first_item(publish(scene))
    assert doc["by_group"]["firms"]["n"] == 2 * K
    assert doc["by_group"]["firms"]["x"]["mean"] == pytest.approx((2 * K + 4 * K) / (2 * K))  # old votes, 2s
    vote(scene, firms[2], 5)  # now the whole first batch has changed: released together
    assert first_item(publish(scene))["by_group"]["firms"] == first_item(fresh(scene))["by_group"]["firms"]
    assert before != doc


def test_closing_releases_nothing_by_itself(scene: dict[str, Any]) -> None:
    from app.extensions import db
    from app.models import Activity
    from app.services.database import transaction

    firms = scene["people"]["firms"]
    before = publish(scene)
    vote(scene, firms[K], 5)
    with scene["app"].app_context(), transaction():
        db.session.get(Activity, scene["activity"]).state = "closed"
    assert first_item(publish(scene)) == first_item(before)
    assert first_item(fresh(scene)) != first_item(before)


def test_a_group_below_k_is_in_no_room_figure(scene: dict[str, Any]) -> None:
    """workers (2 voters) never reach a batch: not in n, not in the pooled sd or median, not in a panel."""
    before = first_item(publish(scene))
    for pid in scene["people"]["workers"]:
        vote(scene, pid, 5)
    assert first_item(publish(scene)) == before
    assert first_item(fresh(scene))["n"] == 2 * K + 2


def test_due_batches_rule() -> None:
    groups = {1: 10, 2: 10, 3: 10, 4: 10, 5: 20}
    before: dict[int, Any] = {1: {(1, "x"): 1}, 2: {(1, "x"): 2}, 3: {(1, "x"): 3}}
    after: dict[int, Any] = {1: {(1, "x"): 2}, 2: {(1, "x"): 2}, 3: {(1, "x"): 4}, 4: {(1, "x"): 5},
                             5: {(1, "x"): 1}}
    batches = {1: (10, 1), 2: (10, 1), 3: (10, 1)}
    # participant 2 did not really change; 1 and 3 split batch 1 into 2 + 1: only the new voter 4 is free.
    assert due_batches(3, groups, before, after, batches) == {}
    after[2] = {(1, "x"): 3}
    assert due_batches(3, groups, before, after, batches) == {10: [1, 2, 3, 4]}
    assert due_batches(2, groups, before, after, batches) == {10: [1, 2, 3, 4]}


def test_a_stopped_app_gets_no_pushes(app: Any) -> None:
    hub = LiveHub()
    with app.app_context():
        hub.stop(app)
        hub.votes_saved(1, 1, 1)
        hub.results_changed(1)
    assert not hub._dirty_results
    assert not hub._started


def _recording_hub(monkeypatch: pytest.MonkeyPatch, pushed: list[tuple[Any, set[int]]]) -> LiveHub:
    hub = LiveHub()
    hub.interval = 0.02
    monkeypatch.setattr(hub, "_push", lambda app, activities, workshops: pushed.append((app, set(activities))))
    return hub


def _wait_for(condition: Any, seconds: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_a_loop_that_died_is_replaced_by_the_next_change(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pushed: list[tuple[Any, set[int]]] = []
    hub = _recording_hub(monkeypatch, pushed)
    with app.app_context():
        hub.results_changed(1)
        assert _wait_for(lambda: pushed == [(app, {1})])
        hub.shutdown()  # the loop ends as a crashed one would...
        hub._started, hub._beat = True, 0.0  # ...but still looks started, having last woken long ago
        hub.results_changed(2)
        assert _wait_for(lambda: (app, {2}) in pushed)
        hub.stop(app)


def test_a_push_under_way_for_one_app_does_not_hold_up_another(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from flask import Flask

    pushed: list[tuple[Any, set[int]]] = []
    hub = _recording_hub(monkeypatch, pushed)
    other = Flask("other")
    busy = hub._push_lock(other)
    busy.acquire()  # as if a push for `other` hung on its database
    try:
        with other.app_context():
            hub.results_changed(7)
        with app.app_context():
            hub.results_changed(1)
        assert _wait_for(lambda: (app, {1}) in pushed)
        assert (other, {7}) not in pushed and hub._dirty_results.get(other) == {7}  # kept for a later turn
    finally:
        busy.release()
    assert _wait_for(lambda: (other, {7}) in pushed)
    hub.stop(app)
    hub.stop(other)
    hub.shutdown()
