"""Group batching end to end: API votes → after-commit hook → hub push → a screen's Socket.IO `results`."""

from __future__ import annotations

from typing import Any

from app.extensions import socketio
from tests.test_realtime import received, vote


def test_one_vote_moves_the_pool_not_the_group_panel_until_close(app: Any, api: Any, workshop: dict[str, Any],
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
    assert after[-1]["respondents"] == 7
    assert finance(after[-1])["x"]["mean"] != before["x"]["mean"]  # the pooled figure follows the vote
    assert finance(after[-1])["by_group"] == before["by_group"]  # the firms' panel does not give it away

    # A screen that connects now gets the same held-back document, not the fresh one.
    late = socketio.test_client(app, auth={"screen_token": workshop["screen_token"]})
    assert finance(received(late, "results")[0])["by_group"] == before["by_group"]

    assert api.post(f"{base}/close").status_code == 200
    closed = received(screen, "results", until=lambda e: finance(e[-1])["by_group"]["firms"]["n"] == 4)
    assert finance(closed[-1])["by_group"]["firms"] == {"n": 4, "x": {"mean": 2.75}, "y": {"mean": 2.75}}
    assert closed[-1] == api.get(f"{base}/results").get_json()
    screen.disconnect()
    late.disconnect()
