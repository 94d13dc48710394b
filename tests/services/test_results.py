"""`results.compute` for every activity type equals an independent computation from the raw votes.

A seeded room votes through `participation.upsert_values` (with changed votes, replaced ballots and a removed
participant); the test keeps its own record of the final votes and works out the contract's figures with
numpy (means per head and under equal_groups, n, respondents, points scores, Borda, pairwise, Schulze).
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import numpy as np
import pytest

from tests.support.builders import EVERY_TYPE_CRITERIA as CRITERIA
from tests.support.builders import EVERY_TYPE_GROUPS as GROUPS
from tests.support.builders import EVERY_TYPE_ITEMS as ITEMS
from tests.support.builders import EVERY_TYPE_K as K
from tests.support.database import BACKEND_NAMES as BACKENDS
from tests.support.services import build

WEIGHT = dict(GROUPS)
GROUP_KEYS = [g for g, _ in GROUPS]
PEOPLE = {"gov": 4, "firms": 7, "workers": 3, "obs": 3}
WEIGHTINGS = ("per_head", "equal_groups")

#: activity key -> participant id -> (item, dimension) -> value
Votes = dict[str, dict[int, dict[tuple[str, str], int | None]]]


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def room(app: Any) -> tuple[dict[str, int], Votes, dict[int, str]]:
    """Vote a seeded room; returns (activity ids, the final votes as the test recorded them, group of each)."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity, Participant
    from app.services import participation
    from app.services.database import transaction

    publisher.hub.stop(app)
    _, activities, people = build(app, PEOPLE)
    group_of = dict(people)
    rng = random.Random(20261129)
    votes: Votes = defaultdict(dict)
    lean = {(g, i): rng.uniform(1.5, 4.5) for g in GROUP_KEYS for i in ITEMS}

    def rating(group: str, item: str, low: int, high: int) -> int | None:
        if rng.random() < 0.12:
            return None
        return min(high, max(low, round(rng.gauss(lean[(group, item)] - 3 + (low + high) / 2, 1.1))))

    with app.app_context():
        act = {key: db.session.get(Activity, aid) for key, aid in activities.items()}
        ids = {i.key: i.id for i in act["m"].items}

        def save(key: str, pid: int, rows: list[tuple[str, str, int | None]], replace: bool = False) -> None:
            with transaction():
                participation.upsert_values(act[key], db.session.get(Participant, pid),
                                            [(ids[i], d, v) for i, d, v in rows], replace_ballot=replace)
            mine = {} if replace else votes[key].get(pid, {})
            mine.update({(i, d): v for i, d, v in rows})
            votes[key][pid] = mine

        for pid, group in people:
            rated = [i for i in ITEMS if rng.random() < 0.85]
            if rated:
                save("m", pid, [(i, axis, rating(group, i, 1, 5)) for i in rated for axis in ("x", "y")])
                save("s", pid, [(i, "value", rating(group, i, 0, 6)) for i in rated])
                save("c", pid, [(i, c["key"], rating(group, i, 1, 5)) for i in rated for c in CRITERIA
                                if rng.random() < 0.9])
            left, ballot = 5, {}
            for item in rng.sample(ITEMS, len(ITEMS)):
                ballot[item] = min(3, left, rng.choice([0, 0, 1, 2, 3]))
                left -= ballot[item]
            if group != "obs" or rng.random() < 0.5:
                save("p", pid, [(i, "points", ballot[i]) for i in ITEMS], replace=True)
            order = rng.sample(ITEMS, len(ITEMS))[: rng.randint(1, len(ITEMS))]
            save("r", pid, [(i, "rank", n + 1) for n, i in enumerate(order)], replace=True)
        # second thoughts: changed ratings, a replaced ballot with no points, a shorter ranking
        for pid, group in people[::3]:
            save("m", pid, [(ITEMS[0], "x", rating(group, ITEMS[0], 1, 5))])
            save("s", pid, [(ITEMS[1], "value", None)])
            save("p", pid, [(i, "points", 0) for i in ITEMS], replace=True)
            save("r", pid, [(ITEMS[2], "rank", 1)], replace=True)
        removed = people[1][0]
        with transaction():
            for key in ("m", "s", "p", "r", "c"):
                participation.delete_values(act[key], db.session.get(Participant, removed))
        for key in list(votes):
            votes[key].pop(removed, None)
        db.session.remove()
    return activities, votes, group_of


# --- independent figures ------------------------------------------------------------------------------------

def _mean_rule(values_by_group: dict[str, list[int]], weighting: str) -> float | None:
    """The contract's mean: plain per head; equal_groups = sum W_g mean_g / sum W_g over groups with >= k
    values, else plain; under equal_groups None with fewer than k values in all."""
    everyone = [v for vs in values_by_group.values() for v in vs]
    if not everyone:
        return None
    plain = float(np.mean(everyone))
    if weighting == "per_head":
        return plain
    if len(everyone) < K:
        return None
    used = [g for g, vs in values_by_group.items() if len(vs) >= K]
    total = sum(WEIGHT[g] for g in used)
    if not used or total == 0:
        return plain
    return float(sum(WEIGHT[g] * np.mean(values_by_group[g]) for g in used) / total)


def _fell_back_hides_groups(values_by_group: dict[str, list[int]], weighting: str) -> bool:
    used = [g for g, vs in values_by_group.items() if len(vs) >= K]
    fell_back = not used or sum(WEIGHT[g] for g in used) == 0
    return weighting == "equal_groups" and fell_back and any(0 < len(vs) < K for vs in values_by_group.values())


def _values(votes: dict[int, dict[tuple[str, str], int | None]], group_of: dict[int, str], item: str,
            dimension: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {g: [] for g in GROUP_KEYS}
    for pid, answers in votes.items():
        value = answers.get((item, dimension))
        if value is not None:
            out[group_of[pid]].append(value)
    return out


def _respondents(votes: dict[int, Any], group_of: dict[int, str]) -> dict[str, int]:
    out = dict.fromkeys(GROUP_KEYS, 0)
    for pid, answers in votes.items():
        if answers:
            out[group_of[pid]] += 1
    return out


def _item_n(votes: dict[int, dict[tuple[str, str], int | None]], group_of: dict[int, str], item: str
            ) -> dict[str, int]:
    out = dict.fromkeys(GROUP_KEYS, 0)
    for pid, answers in votes.items():
        if any(i == item and v is not None for (i, _), v in answers.items()):
            out[group_of[pid]] += 1
    return out


def _close(actual: float | None, expected: float | None) -> None:
    if expected is None:
        assert actual is None
    else:
        assert actual == pytest.approx(expected, abs=1e-9)


def _compute(app: Any, activity_id: int, weighting: str) -> dict[str, Any]:
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    with app.app_context():
        try:
            return results.compute(db.session.get(Activity, activity_id), weighting)
        finally:
            db.session.remove()


def _check_header(doc: dict[str, Any], votes: dict[int, Any], group_of: dict[int, str]) -> None:
    expected = _respondents(votes, group_of)
    assert doc["respondents"] == sum(expected.values())
    assert doc["groups"] == {g: {"respondents": n} for g, n in expected.items()}


# --- the tests ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_matrix_and_scale_equal_numpy(app: Any, room: Any, weighting: str) -> None:
    activities, votes, group_of = room
    for key, dimensions in (("m", ("x", "y")), ("s", ("value",))):
        doc = _compute(app, activities[key], weighting)
        _check_header(doc, votes[key], group_of)
        by_item = {entry["item"]: entry for entry in doc["items"]}
        assert set(by_item) == set(ITEMS)
        for item in ITEMS:
            entry = by_item[item]
            item_n = _item_n(votes[key], group_of, item)
            assert entry["n"] == sum(item_n.values())
            for dimension in dimensions:
                values = _values(votes[key], group_of, item, dimension)
                _close(entry[dimension]["mean"], _mean_rule(values, weighting))
                dont_know = sum(1 for a in votes[key].values() if (item, dimension) in a
                                and a[(item, dimension)] is None)
                assert entry[dimension]["dont_know"] == dont_know
                hidden = _fell_back_hides_groups(values, weighting)
                for group in GROUP_KEYS:
                    shown = entry["by_group"][group]
                    if item_n[group] < K:
                        assert shown is None
                        continue
                    assert shown["n"] == item_n[group]
                    expected = None if hidden or len(values[group]) < K else float(np.mean(values[group]))
                    _close(shown[dimension]["mean"], expected)


@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_criteria_equal_numpy(app: Any, room: Any, weighting: str) -> None:
    activities, votes, group_of = room
    doc = _compute(app, activities["c"], weighting)
    _check_header(doc, votes["c"], group_of)
    for entry in doc["items"]:
        item = entry["item"]
        assert entry["by_group"].keys() == set(GROUP_KEYS)
        item_n = _item_n(votes["c"], group_of, item)
        for group in GROUP_KEYS:
            assert (entry["by_group"][group] is None) == (item_n[group] < K)
            if entry["by_group"][group] is not None:
                assert entry["by_group"][group]["n"] == item_n[group]
        scores: dict[str, list[tuple[float, float]]] = {"x": [], "y": []}
        for criterion in CRITERIA:
            values = _values(votes["c"], group_of, item, criterion["key"])
            mean = _mean_rule(values, weighting)
            figure = entry["by_criterion"][criterion["key"]]
            assert figure["n"] == sum(len(v) for v in values.values())
            _close(figure["mean"], mean)
            if mean is not None:
                normalised = (mean - 1) / 4 if criterion["direction"] == 1 else (5 - mean) / 4
                scores[criterion["axis"]].append((criterion["weight"], normalised))
        for axis in ("x", "y"):
            pairs = scores[axis]
            expected = (sum(w * v for w, v in pairs) / sum(w for w, _ in pairs)) if pairs else None
            _close(entry[axis]["score"], expected)


@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_points_equal_numpy(app: Any, room: Any, weighting: str) -> None:
    activities, votes, group_of = room
    doc = _compute(app, activities["p"], weighting)
    _check_header(doc, votes["p"], group_of)
    ballots = {pid: np.array([a[(i, "points")] for i in ITEMS], dtype=float) for pid, a in votes["p"].items()}
    givers = {pid: b for pid, b in ballots.items() if b.sum() > 0}
    totals = sum(ballots.values())
    weights = dict.fromkeys(givers, 1.0)
    if weighting == "equal_groups":
        n_g = {g: sum(1 for pid in givers if group_of[pid] == g) for g in GROUP_KEYS}
        weights = {pid: (WEIGHT[group_of[pid]] / n_g[group_of[pid]]
                         if n_g[group_of[pid]] >= K and WEIGHT[group_of[pid]] > 0 else 0.0) for pid in givers}
        if not any(weights.values()):
            weights = dict.fromkeys(givers, 1.0)
    shares = {pid: b / b.sum() for pid, b in givers.items()}
    score = sum(weights[p] * shares[p] for p in givers) / sum(weights.values())
    breadth = sum((b > 0).astype(float) for b in givers.values()) / len(givers)
    share = totals / totals.sum()
    by_item = {entry["item"]: entry for entry in doc["items"]}
    for n, item in enumerate(ITEMS):
        entry = by_item[item]
        assert entry["total"] == totals[n]
        _close(entry["breadth"], float(breadth[n]))
        _close(entry["score"], float(score[n]))
        for group in GROUP_KEYS:
            mine = [shares[p][n] for p in givers if group_of[p] == group]
            if len(mine) < K:
                assert entry["by_group"][group] is None
            else:
                assert entry["by_group"][group]["n"] == len(mine)
                _close(entry["by_group"][group]["score"], float(np.mean(mine)))
    effective = doc.get("effective_priorities", by_item[ITEMS[0]].get("effective_priorities"))
    _close(effective, float(1 / np.sum(share ** 2)))


def _schulze(d: np.ndarray) -> list[int]:
    m = len(d)
    p = np.where(d > d.T + 1e-12, d, 0.0)
    for k in range(m):
        for i in range(m):
            for j in range(m):
                if len({i, j, k}) == 3:
                    p[i, j] = max(p[i, j], min(p[i, k], p[k, j]))
    beats = [sum(1 for j in range(m) if j != i and p[i, j] > p[j, i] + 1e-12) for i in range(m)]
    return sorted(range(m), key=lambda i: (-beats[i], i))


@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_ranking_equal_numpy(app: Any, room: Any, weighting: str) -> None:
    activities, votes, group_of = room
    doc = _compute(app, activities["r"], weighting)
    _check_header(doc, votes["r"], group_of)
    m = len(ITEMS)
    weights = dict.fromkeys(votes["r"], 1.0)
    if weighting == "equal_groups":
        n_g = {g: sum(1 for pid in votes["r"] if group_of[pid] == g) for g in GROUP_KEYS}
        weights = {pid: (WEIGHT[group_of[pid]] / n_g[group_of[pid]]
                         if n_g[group_of[pid]] >= K and WEIGHT[group_of[pid]] > 0 else 0.0) for pid in votes["r"]}
        if not any(weights.values()):
            weights = dict.fromkeys(votes["r"], 1.0)
    d = np.zeros((m, m))
    borda = np.zeros(m)
    ranks = []
    for pid, answers in votes["r"].items():
        place = {ITEMS.index(i): v for (i, _), v in answers.items()}
        t = len(place)
        unranked = [i for i in range(m) if i not in place]
        points = np.array([m - place[i] if i in place else 0.0 for i in range(m)])
        if unranked:
            points[unranked] = (m * (m - 1) / 2 - points.sum()) / len(unranked)
        borda += weights[pid] * points
        position = np.array([place.get(i, (t + 1 + m) / 2) for i in range(m)])
        ranks.append(position)
        for a in range(m):
            for b in range(m):
                if a != b and position[a] < position[b]:
                    d[a, b] += weights[pid]
    borda /= sum(weights.values())
    mean_rank = np.mean(ranks, axis=0)
    got = np.array([[doc["pairwise"][a].get(b, 0) if a != b else 0 for b in ITEMS] for a in ITEMS], dtype=float)
    if weighting == "per_head":
        assert np.allclose(got, d)
    else:  # the same matrix up to how the weights are normalised
        assert np.allclose(got * (d.sum() / got.sum()), d)
    for n, item in enumerate(ITEMS):
        _close(doc["borda"][item], float(borda[n]))
    assert [entry["item"] for entry in doc["items"]] == ITEMS
    for n, entry in enumerate(doc["items"]):
        _close(entry["mean_rank"], float(mean_rank[n]))
    assert doc["schulze"] == [ITEMS[i] for i in _schulze(d)]


def test_empty_activity_of_every_type(app: Any) -> None:
    """No vote yet: every type answers with respondents 0 (the pending/just-opened case)."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    publisher.hub.stop(app)
    _, activities, _ = build(app, {"gov": 1})
    with app.app_context():
        for key, activity_id in activities.items():
            activity = db.session.get(Activity, activity_id)
            doc = results.compute(activity, "equal_groups")
            assert doc["respondents"] == 0, key
            assert doc["groups"] == {g: {"respondents": 0} for g in GROUP_KEYS}
