"""Delphi rounds in results: `round=` picks the round, round N carries round N-1 as `previous`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.services.errors import Problem
from tests.support.builders import EVERY_TYPE_ITEMS as ITEMS
from tests.support.services import build


def _vote(app: Any, activity_id: int, participant_id: int, values: dict[str, int]) -> None:
    from app.extensions import db
    from app.models import Activity, Participant
    from app.services import participation
    from app.services.database import transaction

    with app.app_context(), transaction():
        activity = db.session.get(Activity, activity_id)
        ids = {i.key: i.id for i in activity.items}
        participation.upsert_values(activity, db.session.get(Participant, participant_id),
                                    [(ids[item], "value", v) for item, v in values.items()])


def _next_round(app: Any, activity_id: int) -> None:
    from app.extensions import db
    from app.models import Activity
    from app.services.database import transaction

    with app.app_context(), transaction():
        db.session.get(Activity, activity_id).round += 1


def _compute(app: Any, activity_id: int, **kwargs: Any) -> dict[str, Any]:
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    with app.app_context():
        return results.compute(db.session.get(Activity, activity_id), "per_head", **kwargs)


def test_rounds_are_kept_apart_and_previous_is_round_n_minus_1(app: Any) -> None:
    from app import publisher

    publisher.hub.stop(app)
    _, activities, people = build(app, {"gov": 3, "firms": 3})
    scale = activities["s"]
    first = {pid: {"a": 1 + n % 3, "b": 6} for n, (pid, _) in enumerate(people)}
    for pid, values in first.items():
        _vote(app, scale, pid, values)
    round1 = _compute(app, scale)
    assert "round" not in round1 and "previous" not in round1
    _next_round(app, scale)
    second = {pid: {"a": 4 + n % 2} for n, (pid, _) in enumerate(people[:4])}
    for pid, values in second.items():
        _vote(app, scale, pid, values)

    current = _compute(app, scale)
    assert current["round"] == 2
    assert current["respondents"] == 4
    a = next(e for e in current["items"] if e["item"] == "a")
    assert a["value"]["mean"] == pytest.approx(np.mean([v["a"] for v in second.values()]))
    assert a["n"] == 4
    assert current["previous"]["round"] == 1
    assert set(current["previous"]["items"]) == set(ITEMS)
    # previous holds exactly round 1's per-item figures, as round 1 alone gives them
    assert current["previous"]["items"] == {e["item"]: {k: v for k, v in e.items() if k != "item"}
                                            for e in round1["items"]}
    assert current["previous"]["items"]["a"]["value"]["mean"] == pytest.approx(
        np.mean([v["a"] for v in first.values()]))
    assert _compute(app, scale, round=1) == round1  # round 2's votes do not touch round 1
    assert _compute(app, scale, round=2) == current


@pytest.mark.parametrize("value,status", [(0, 422), ("0", 422), (3, 404), ("3", 404), ("x", 422), ("-1", 422),
                                          (" 2", 422), (True, 422)])
def test_unknown_round_is_a_problem(app: Any, value: Any, status: int) -> None:
    from app import publisher

    publisher.hub.stop(app)
    _, activities, _ = build(app, {"gov": 1})
    _next_round(app, activities["m"])
    with pytest.raises(Problem) as raised:
        _compute(app, activities["m"], round=value)
    assert raised.value.status == status
    if status == 422:
        assert raised.value.errors[0].field == "round"
    assert _compute(app, activities["m"], round="2")["round"] == 2  # a query string value


def test_earlier_rounds_are_read_once_and_follow_the_weights(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 1 takes no new answers once round 2 runs, so its document is kept: a second recompute reads only
    round 2. A weight change still reaches it (equal_groups), as a fresh computation gives it."""
    import sqlalchemy as sa

    from app import publisher
    from app.extensions import db
    from app.models import Activity, StakeholderGroup
    from app.services import results
    from app.services.database import transaction

    publisher.hub.stop(app)
    _, activities, people = build(app, {"gov": 3, "firms": 3})
    scale = activities["s"]
    for pid, group in people:
        _vote(app, scale, pid, {"a": 1 if group == "gov" else 5})
    _next_round(app, scale)
    for pid, _group in people[:4]:
        _vote(app, scale, pid, {"a": 3})

    # A spy on the real reader: it still reads, and records which rounds were read.
    read_rounds: list[int | None] = []
    from app import activities as activity_types

    scale_type = activity_types.get("scale")
    reader = scale_type.engine_data

    def reading(activity: Any, round_: int | None = None, **options: Any) -> Any:
        read_rounds.append(round_)
        return reader(activity, round_, **options)

    monkeypatch.setattr(scale_type, "engine_data", reading)

    def previous_mean() -> float:
        with app.app_context():
            document = results.compute(db.session.get(Activity, scale), "equal_groups")
        return document["previous"]["items"]["a"]["value"]["mean"]

    results._EARLIER_ROUNDS.clear()
    assert previous_mean() == pytest.approx(3.0)  # gov 1 and firms 5, equal weights
    assert read_rounds == [2, 1]
    assert previous_mean() == pytest.approx(3.0)
    assert read_rounds == [2, 1, 2]  # round 1 was not read again

    with app.app_context(), transaction():
        db.session.scalars(sa.select(StakeholderGroup).where(StakeholderGroup.key == "gov")).one().weight = 3.0
    weighted = previous_mean()
    assert weighted == pytest.approx((3 * 1 + 1 * 5) / 4)
    assert read_rounds[-2:] == [2, 1]  # the weights are part of what identifies round 1's document
    results._EARLIER_ROUNDS.clear()
    assert previous_mean() == weighted  # what a fresh computation gives
