"""Anonymity as a property: an attacker with the screen link, recording everything, learns no vote.

The attacker watches the room (docs/anonymity.md, "The argument"): every `results` push on a screen socket, the
connect snapshot, the screen-token API (`.../results` and `.../chart.svg`) after every single arrival, and the
phones' Delphi feedback, and knows who voted when (they watch the phones). Voters arrive one at a time; groups
cross k, a group lifted over k, a group that never reaches k (academia, two voters), a lone revision, a
revision of a whole batch, close and reopen, a Delphi round 2.

Two proofs that nothing can be solved for, by any method:
- *Indistinguishability*: the same arrivals are played in a second world where EVERY voter's every value is
  different (values rotated within each batch, the sub-threshold group's and never-shown values replaced). If
  every recorded view is identical in both worlds, no attack on the views can tell any voter's vote (or the
  small group's) — two different answers fit everything seen.
- *The attacks themselves*: differences between consecutive views and linear solving over n and group means.

The same recorder pointed at the facilitator's exact figures (`per_head`, `equal_groups` with the
facilitator token) tells the worlds apart and the same solver recovers every single arrival exactly: the
test can fail, and those figures stay exact for the workshop's facilitators.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.extensions import socketio
from tests.support import builders
from tests.support.api import Api, create_facilitator
from tests.support.database import config_dict
from tests.support.realtime import received

K = 3
ITEMS = ["finance", "skills"]
DEFINITION = builders.definition(
    "Anonymity attack", min_group_size=K,
    groups=[builders.group("gov", "Government", 1.0), builders.group("firms", "Employers", 1.0),
            builders.group("workers", "Workers", 2.0), builders.group("academia", "Academia", 1.0)],
    items=[builders.item(key, key.title()) for key in ITEMS],
    activities=[builders.matrix("m", ITEMS)])
GROUP = {"G": "gov", "F": "firms", "W": "workers", "A": "academia"}

#: One action per step: ("vote", voter, slot) where slot names the value the voter sends; or a facilitator
#: action. Slots are filled per world (`values`). Who acts when is the same in both worlds.
PLAN: list[tuple[str, ...]] = [
    ("vote", "G1", "g1"), ("vote", "F1", "f1"), ("vote", "A1", "a1"), ("vote", "G2", "g2"),
    ("vote", "W1", "w1"), ("vote", "F2", "f2"), ("vote", "G3", "g3"),    # gov: a batch of 3
    ("vote", "W2", "w2"), ("vote", "A2", "a2"), ("vote", "F3", "f3"),    # firms: a batch of 3
    ("vote", "W3", "w3"),                                                # workers: a batch of 3
    ("vote", "G4", "g4"), ("vote", "G5", "g5"),                          # two new gov votes: held
    ("close",), ("open",),
    ("vote", "G6", "g6"),                                                # gov lifted by a second batch
    ("vote", "F1", "f1r"),                                               # a lone revision: never shown
    ("vote", "G1", "g1r"), ("vote", "G2", "g2r"), ("vote", "G3", "g3r"),  # a whole batch revises
    ("close",), ("round",),                                              # Delphi round 2
    ("vote", "G1", "g1d"), ("vote", "F1", "f1d"), ("vote", "G2", "g2d"), ("vote", "F2", "f2d"),
    ("vote", "G3", "g3d"), ("vote", "W1", "w1d"),
    ("close",),
]


def _batch(seed: int) -> list[dict[str, tuple[int, int]]]:
    """Three ballots whose values differ from one another on every item and axis."""
    out = []
    for i in range(3):
        out.append({item: (1 + (seed + i + 2 * n) % 5, 1 + (seed * 3 + i + n) % 5) for n, item in enumerate(ITEMS)})
    return out


def worlds() -> tuple[dict[str, Any], dict[str, Any]]:
    """World A's values, and world B's: each batch rotated (every member gets another member's values), the
    values the room is never shown (academia, the lone revision, round 2's firms and workers) replaced."""
    batches = {"g": ["g1", "g2", "g3"], "g2nd": ["g4", "g5", "g6"], "f": ["f1", "f2", "f3"],
               "w": ["w1", "w2", "w3"], "gr": ["g1r", "g2r", "g3r"], "gd": ["g1d", "g2d", "g3d"]}
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    for seed, slots in enumerate(batches.values()):
        values = _batch(seed)
        for n, slot in enumerate(slots):
            a[slot] = values[n]
            b[slot] = values[(n + 1) % 3]
    for seed, slot in enumerate(["a1", "a2", "f1r", "f1d", "f2d", "w1d"]):
        a[slot] = {item: (1 + (seed + n) % 5, 5 - (seed + n) % 5) for n, item in enumerate(ITEMS)}
        b[slot] = {item: (1 + (seed + n + 2) % 5, 5 - (seed + n + 3) % 5) for n, item in enumerate(ITEMS)}
    return a, b


def test_every_value_differs_between_the_worlds() -> None:
    a, b = worlds()
    assert a.keys() == b.keys()
    for slot in a:
        for item in ITEMS:
            assert a[slot][item][0] != b[slot][item][0] and a[slot][item][1] != b[slot][item][1], (slot, item)


@pytest.fixture(scope="module")
def played(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Both worlds played once for the module (each in an app and database of its own)."""
    from app import create_app, publisher
    from app.extensions import db

    made = []
    folder = tmp_path_factory.mktemp("worlds")

    def _make(name: str) -> Any:
        path = folder / f"{name}.db"
        shutil.copy(sqlite_template, path)
        application = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        made.append(application)
        return application

    values_a, values_b = worlds()
    try:
        yield {"a": play(_make, "a", values_a), "b": play(_make, "b", values_b), "values_a": values_a}
    finally:
        for application in made:
            publisher.hub.stop(application)
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in ("respondents", "groups")}


def play(make_app: Any, name: str, values: dict[str, Any]) -> dict[str, Any]:
    """Play PLAN in a fresh app; record what the room sees and, separately, the facilitator's figures."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity
    from app.participant.routes import previous_round

    app = make_app(name)
    create_facilitator(app)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": "facilitator@example.org",
                                                   "password": "correct horse"}).get_json()["token"]
    api = Api(client, token)
    workshop = api.post("/api/v1/workshops", json=DEFINITION).get_json()
    base = f"/api/v1/workshops/{workshop['id']}/activities/m"
    screen_token = workshop["screen_token"]
    assert api.post(f"{base}/open").status_code == 200
    screen = socketio.test_client(app, auth={"screen_token": screen_token})
    assert screen.is_connected()
    tokens: dict[str, str] = {}
    room: list[Any] = []
    pushes: list[Any] = []
    exact: list[Any] = []
    actors: list[tuple[str, ...]] = []
    for step in PLAN:
        if step[0] == "vote":
            _, voter, slot = step
            if voter not in tokens:
                tokens[voter] = api.post("/api/v1/join", json={"code": workshop["join_code"],
                                                               "group": GROUP[voter[0]]}, token="").get_json()[
                    "participant_token"]
            ratings = [{"item": item, "x": x, "y": y} for item, (x, y) in values[slot].items()]
            response = api.put(f"{base}/responses", json={"ratings": ratings}, token=tokens[voter])
            assert response.status_code == 200, response.get_json()
        elif step[0] == "round":
            assert api.post(f"{base}/rounds").status_code == 200
        else:
            assert api.post(f"{base}/{step[0]}").status_code == 200
        publisher.hub.flush(app)
        pushes += received(screen, "results", timeout=0.2)
        late = socketio.test_client(app, auth={"screen_token": screen_token})  # a screen connecting now
        snapshot = received(late, "results", timeout=0.5)
        late.disconnect()
        view = api.get(f"{base}/results", token=screen_token).get_json()
        # Charts are drawn from the same room document; drawing one takes a second, so only every few steps
        # (among them the ones right after a held single vote) and at the end.
        chart = (api.get(f"{base}/chart.svg", token=screen_token)
                 if len(room) % 4 == 0 or len(room) == len(PLAN) - 1 else None)
        with app.test_request_context("/"), app.app_context():
            phones = previous_round(db.session.get(Activity, 1))
            db.session.remove()
        room.append({"api": view, "socket_snapshot": snapshot[-1:] if snapshot else [],
                     "chart": None if chart is None else (chart.get_data(as_text=True) if chart.status_code == 200
                                                          else chart.status_code),
                     "phones": phones})
        exact.append({w: api.get(f"{base}/results?weighting={w}").get_json() for w in ("per_head", "equal_groups")})
        actors.append(step)
    screen.disconnect()
    distinct_pushes = [p for n, p in enumerate(pushes) if n == 0 or p != pushes[n - 1]]
    return {"room": room, "pushes": distinct_pushes, "exact": exact, "actors": actors}


def solve_by_differences(views: list[dict[str, Any]], actors: list[tuple[str, ...]]) -> dict[tuple[Any, ...], float]:
    """The attack: between consecutive views, where exactly one voter of a group acted and the group's (or the
    pooled per-head) n rose by one, that voter's value is n1 * mean1 - n0 * mean0. Returns what it recovered,
    keyed by (step, voter, item, axis)."""
    found: dict[tuple[Any, ...], float] = {}
    for step in range(1, len(views)):
        action = actors[step]
        if action[0] != "vote":
            continue
        voter = action[1]
        before, after = views[step - 1], views[step]
        for old, new in zip(before.get("items", []), after.get("items", []), strict=False):
            pairs = [(old, new)]
            pairs += [((old.get("by_group") or {}).get(GROUP[voter[0]]) or {},
                       (new.get("by_group") or {}).get(GROUP[voter[0]]) or {})]
            for o, n in pairs:
                if not o or not n or n.get("n") != (o.get("n") or 0) + 1:
                    continue
                for axis in ("x", "y"):
                    m0, m1 = (o.get(axis) or {}).get("mean"), (n.get(axis) or {}).get("mean")
                    if m0 is not None and m1 is not None:
                        found[(step, voter, new["item"], axis)] = n["n"] * m1 - o["n"] * m0
    return found


def _truth(step: int, values: dict[str, Any], key: tuple[Any, ...]) -> int:
    _, _voter, item, axis = key
    return values[PLAN[step][2]][item][0 if axis == "x" else 1]


def test_no_sequence_of_room_views_gives_away_a_vote(played: dict[str, Any]) -> None:
    a, b = played["a"], played["b"]

    # The scene is not empty: the room did see batches, the group lifted, the revision, round 2's feedback.
    last_round1 = a["room"][PLAN.index(("round",)) - 1]["api"]
    finance = next(i for i in last_round1["items"] if i["item"] == "finance")
    assert {g: (finance["by_group"][g] or {}).get("n") for g in ("gov", "firms", "workers", "academia")} == {
        "gov": 6, "firms": 3, "workers": 3, "academia": None}
    assert a["room"][-1]["phones"] and a["room"][-1]["api"]["round"] == 2
    assert len(a["pushes"]) >= 5

    # 1. Indistinguishable: every voter's every value differs between the worlds, every view is the same.
    assert a["room"] == b["room"]
    assert a["pushes"] == b["pushes"]

    # 2. The attacks on what the room sees recover nothing...
    room_views = [r["api"] for r in a["room"]]
    assert solve_by_differences(room_views, a["actors"]) == {}
    # ...because between two different views, every group whose figures moved had at least k voters act.
    changed_since: dict[str, set[str]] = {"gov": {"G1"}}  # step 0
    for step in range(1, len(room_views)):
        action = a["actors"][step]
        if action[0] == "vote":
            changed_since.setdefault(GROUP[action[1][0]], set()).add(action[1])
        if action[0] == "round":
            changed_since = {}
            continue
        before, after = (_strip(v) for v in room_views[step - 1:step + 1])
        for group in ("gov", "firms", "workers", "academia"):
            if any(old["by_group"][group] != new["by_group"][group]
                   for old, new in zip(before["items"], after["items"], strict=True)):
                assert len(changed_since.get(group, ())) >= K, (step, group)
                changed_since[group] = set()
        if before != after:  # pooled figures move only with some group's batch
            assert any(changed == set() for changed in changed_since.values()), step
        assert all(item["by_group"]["academia"] is None for item in after["items"])


def test_the_same_attack_reads_every_vote_off_the_facilitators_exact_figures(played: dict[str, Any]) -> None:
    """The companion: the recorder and solver above are strong enough. Pointed at the facilitator's own
    figures (per_head, and equal_groups with the facilitator token), they tell the worlds apart and recover
    every single arrival, the sub-threshold group's included."""
    a, b, values_a = played["a"], played["b"], played["values_a"]
    assert a["exact"] != b["exact"]
    per_head = [e["per_head"] for e in a["exact"]]
    found = solve_by_differences(per_head, a["actors"])
    first_votes = {(step, action[1]) for step, action in enumerate(a["actors"])
                   if action[0] == "vote" and action[1] not in {x[1] for x in a["actors"][:step] if x[0] == "vote"}}
    recovered = {(step, voter) for (step, voter, _item, _axis) in found}
    assert first_votes - {(0, "G1")} <= recovered  # every arrival but the very first (no view before it)
    for key, value in found.items():
        assert value == pytest.approx(_truth(key[0], values_a, key)), key
    academia = {key for key in found if key[1].startswith("A")}
    assert academia, "the sub-threshold group's votes are read off per_head"
    exact_groups = solve_by_differences([e["equal_groups"] for e in a["exact"]], a["actors"])
    assert any(key[1] == "G4" for key in exact_groups)  # one new vote in a shown group, read off its panel
