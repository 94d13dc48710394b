"""Live `results`: pooled figures move with every vote, a group's figures only in batches of k voters.

Contract (live updates) and domain.md 3.9 rule 4: a single vote never changes a published group figure until
that group has k new voters since it was last shown, or the activity closes.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.services.live import LiveHub, hold_back
from tests.services.helpers import K, build


@pytest.fixture
def scene(app: Any) -> dict[str, Any]:
    """A matrix with k=3 voters in gov and firms, published once; a hub of the test's own."""
    from app.services import live

    live.hub.stop(app)  # the process-wide hub stays out of the way; the test drives its own
    _, activities, people = build(app, {"gov": 6, "firms": 6, "workers": 1})
    by_group: dict[str, list[int]] = {}
    for pid, group in people:
        by_group.setdefault(group, []).append(pid)
    scene = {"app": app, "activity": activities["m"], "people": by_group, "hub": LiveHub()}
    for group in ("gov", "firms"):
        for pid in by_group[group][:K]:
            vote(scene, pid, 2)
    first = publish(scene)
    assert first["items"][0]["by_group"]["firms"]["x"]["mean"] == 2.0
    return scene


def vote(scene: dict[str, Any], participant_id: int, value: int) -> None:
    """Save x = y = value on the first item, and tell the test's hub (what the after-commit hook does)."""
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
        scene["hub"].votes_saved(activity.id, participant.group_id, participant.id)
        db.session.remove()


def publish(scene: dict[str, Any]) -> dict[str, Any]:
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    with scene["app"].app_context():
        try:
            activity = db.session.get(Activity, scene["activity"])
            return scene["hub"].batched(activity, lambda: results.compute(activity, "equal_groups"))
        finally:
            db.session.remove()


def fresh(scene: dict[str, Any]) -> dict[str, Any]:
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    with scene["app"].app_context():
        return results.compute(db.session.get(Activity, scene["activity"]), "equal_groups")


def first_item(document: dict[str, Any]) -> dict[str, Any]:
    return document["items"][0]


def test_single_votes_move_pooled_figures_but_not_group_figures(scene: dict[str, Any]) -> None:
    firms = scene["people"]["firms"]
    before = first_item(publish(scene))
    vote(scene, firms[K], 5)  # one new firm
    after = first_item(publish(scene))
    assert after["x"]["mean"] != before["x"]["mean"]  # the pooled figure moved...
    assert after["by_group"]["firms"] == before["by_group"]["firms"]  # ...the firms panel did not
    assert after["divergence"] == before["divergence"]
    assert first_item(fresh(scene))["by_group"]["firms"] != before["by_group"]["firms"]  # though it changed

    vote(scene, firms[K], 1)  # the same firm again: still one voter
    vote(scene, firms[K], 5)
    assert first_item(publish(scene))["by_group"]["firms"] == before["by_group"]["firms"]

    vote(scene, firms[K + 1], 5)  # two firms so far: still held
    assert first_item(publish(scene))["by_group"]["firms"] == before["by_group"]["firms"]

    vote(scene, firms[0], 5)  # a third firm (a changed vote counts as new): released
    released = publish(scene)
    assert first_item(released)["by_group"]["firms"] == first_item(fresh(scene))["by_group"]["firms"]
    assert first_item(released)["by_group"]["firms"]["n"] == K + 2
    assert first_item(released)["by_group"]["gov"] == before["by_group"]["gov"]


def test_a_group_crossing_k_appears_only_with_its_batch(scene: dict[str, Any]) -> None:
    """gov's panel is held while firms are released; a group's first appearance also waits for k voters."""
    gov, firms = scene["people"]["gov"], scene["people"]["firms"]
    before = first_item(publish(scene))
    vote(scene, gov[K], 5)
    for pid in firms[K:K + K]:
        vote(scene, pid, 4)
    doc = first_item(publish(scene))
    assert doc["by_group"]["gov"] == before["by_group"]["gov"]
    assert doc["by_group"]["firms"] == first_item(fresh(scene))["by_group"]["firms"]
    shown = [g["x"]["mean"] for g in doc["by_group"].values() if g and g["x"]["mean"] is not None]
    assert doc["divergence"] == pytest.approx(max(shown) - min(shown))  # from the figures shown, not fresh


def test_closing_releases_every_group(scene: dict[str, Any]) -> None:
    from app.extensions import db
    from app.models import Activity
    from app.services.database import transaction

    firms = scene["people"]["firms"]
    vote(scene, firms[K], 5)
    assert first_item(publish(scene))["by_group"]["firms"] != first_item(fresh(scene))["by_group"]["firms"]
    with scene["app"].app_context(), transaction():
        db.session.get(Activity, scene["activity"]).state = "closed"
    assert publish(scene) == fresh(scene)


def test_hold_back_merges_per_group() -> None:
    fresh_doc = {"groups": {"a": {}, "b": {}, "c": {}}, "items": [
        {"item": "i", "n": 9, "x": {"mean": 3.0}, "y": {"mean": 3.0}, "divergence": 3.0,
         "excluded_groups": [], "flags": ["divergent", "borderline"],
         "by_group": {"a": {"n": 3, "x": {"mean": 1.0}, "y": {"mean": 2.0}},
                      "b": {"n": 3, "x": {"mean": 4.0}, "y": {"mean": 4.0}},
                      "c": {"n": 3, "x": {"mean": 2.0}, "y": {"mean": 2.0}}}}]}
    published = {"groups": {"a": {}, "b": {}, "c": {}}, "items": [
        {"item": "i", "n": 7, "x": {"mean": 2.0}, "y": {"mean": 2.0}, "divergence": 0.5,
         "excluded_groups": ["c"], "flags": ["polarised"],
         "by_group": {"a": {"n": 3, "x": {"mean": 1.5}, "y": {"mean": 2.0}},
                      "b": {"n": 3, "x": {"mean": 2.0}, "y": {"mean": 2.0}}, "c": None}}]}
    merged = hold_back(fresh_doc, published, {"a"})
    item = merged["items"][0]
    assert item["x"] == {"mean": 3.0} and item["n"] == 9  # pooled: fresh
    assert item["by_group"] == {"a": fresh_doc["items"][0]["by_group"]["a"],
                                "b": published["items"][0]["by_group"]["b"], "c": None}
    assert item["excluded_groups"] == ["c"]
    assert item["divergence"] == pytest.approx(1.0)  # x: 2.0 - 1.0 over a (fresh) and b (held)
    assert item["flags"] == ["polarised", "borderline"]  # group flags as shown, pooled ones fresh
    assert hold_back(fresh_doc, published, {"a", "b", "c"}) == fresh_doc


def test_hold_back_merges_activity_level_group_figures() -> None:
    """`ranking` has one `by_group` (per-group Borda) for the whole activity: held the same way."""
    fresh_doc = {"groups": {"a": {}, "b": {}}, "schulze": ["x", "y"], "items": [{"item": "x", "mean_rank": 1.2}],
                 "by_group": {"a": {"n": 4, "borda": {"x": 1.0}}, "b": {"n": 5, "borda": {"x": 0.2}}}}
    published = {"groups": {"a": {}, "b": {}}, "schulze": ["y", "x"], "items": [{"item": "x", "mean_rank": 1.5}],
                 "by_group": {"a": {"n": 3, "borda": {"x": 0.0}}, "b": None}}
    merged = hold_back(fresh_doc, published, {"a"})
    assert merged["by_group"] == {"a": fresh_doc["by_group"]["a"], "b": None}
    assert merged["schulze"] == ["x", "y"] and merged["items"] == fresh_doc["items"]  # pooled: fresh


def test_a_stopped_app_gets_no_pushes(app: Any) -> None:
    hub = LiveHub()
    with app.app_context():
        hub.stop(app)
        hub.votes_saved(1, 1, 1)
        hub.results_changed(1)
    assert not hub._dirty_results and not hub._pending_votes
    assert not hub._started
