"""Release batches end to end: API votes → after-commit hook → hub push (release) → a screen's `results`."""

from __future__ import annotations

from typing import Any

from app.extensions import socketio
from tests.support.realtime import received, vote


def test_one_vote_moves_nothing_the_room_sees_until_its_group_has_k(app: Any, api: Any, workshop: dict[str, Any],
                                                                    join: Any) -> None:
    base = f"/api/v1/workshops/{workshop['id']}/activities/constraints"
    assert api.post(f"{base}/open").status_code == 200
    screen = socketio.test_client(app, auth={"screen_token": workshop["screen_token"]})
    assert screen.is_connected()
    received(screen, "results")  # the snapshot on connect
    for group, x in (("gov", 2), ("firms", 2)):
        for _ in range(3):  # k = 3
            vote(api, workshop, join(workshop["join_code"], group), x, 2)

    def finance(doc: dict[str, Any]) -> dict[str, Any]:
        return next(i for i in doc["items"] if i["item"] == "finance")

    shown = received(screen, "results", until=lambda e: e[-1]["respondents"] == 6
                     and all(finance(e[-1])["by_group"][g] for g in ("gov", "firms")))
    before = finance(shown[-1])
    assert before["by_group"]["firms"] == {"n": 3, "x": {"mean": 2.0}, "y": {"mean": 2.0}}

    vote(api, workshop, join(workshop["join_code"], "firms"), 5, 5)  # one more firm, far from the others
    after = received(screen, "results", until=lambda e: e[-1]["respondents"] == 7)
    assert after[-1]["respondents"] == 7  # participation is live: who answered, never what
    assert finance(after[-1]) == before  # pooled figures, n, sd, median and panels alike stay as released
    exact = api.get(f"{base}/results").get_json()  # the facilitator's own figures follow the vote at once
    assert finance(exact)["n"] == 7 and finance(exact)["x"]["mean"] != before["x"]["mean"]

    # A screen that connects now gets the same released document.
    late = socketio.test_client(app, auth={"screen_token": workshop["screen_token"]})
    assert finance(received(late, "results")[0]) == before

    assert api.post(f"{base}/close").status_code == 200  # closing releases nothing by itself
    assert finance(api.get(f"{base}/results", token=workshop["screen_token"]).get_json()) == before
    assert api.post(f"{base}/open").status_code == 200
    for _ in range(2):  # two more firms: with the lone one, a batch of k = 3
        vote(api, workshop, join(workshop["join_code"], "firms"), 5, 5)
    released = received(screen, "results", until=lambda e: finance(e[-1])["by_group"]["firms"]["n"] == 6)
    assert finance(released[-1])["by_group"]["firms"] == {"n": 6, "x": {"mean": 3.5}, "y": {"mean": 3.5}}
    assert released[-1] == api.get(f"{base}/results", token=workshop["screen_token"]).get_json()
    screen.disconnect()
    late.disconnect()
