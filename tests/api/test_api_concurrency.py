"""Fifty phones saving at the same moment, on SQLite behind the real server: every vote is saved.

SQLite allows one writer at a time; the app must queue its writers rather than answer "database is locked".
Runs the server `make run` starts (deploy/serve.py, gevent) in a subprocess, with rate limiting on as in
production: fifty participants on one address must not be throttled as one.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from tests.support import builders
from tests.support.server import make_facilitator_token

PHONES = 50
GROUPS = ("gov", "firms", "workers")


@pytest.mark.server
def test_fifty_phones_vote_at_once_on_sqlite(live_server: Any) -> None:
    assert live_server.database_url.startswith("sqlite")
    base = live_server.url
    token = make_facilitator_token(base, live_server.database_url, "rush@example.org", "rush password")
    facilitator = {"Authorization": f"Bearer {token}"}
    definition = builders.definition(
        "Rush", groups=[builders.group(g, g.title()) for g in GROUPS],
        items=[builders.item(k, k.title(), kind=None) for k in ("finance", "skills", "power")],
        activities=[builders.matrix("constraints", ["finance", "skills", "power"], "Rate", builders.axis("X"),
                                    builders.axis("Y"))])
    created = requests.post(f"{base}/api/v1/workshops", json=definition, headers=facilitator, timeout=30)
    assert created.status_code == 201, created.text
    doc = created.json()
    url = f"{base}/api/v1/workshops/{doc['id']}/activities/constraints"
    assert requests.post(f"{url}/open", headers=facilitator, timeout=30).status_code == 200

    tokens = []
    for n in range(PHONES):
        joined = requests.post(f"{base}/api/v1/join", json={"code": doc["join_code"], "group": GROUPS[n % 3]},
                               timeout=30)
        assert joined.status_code == 201, joined.text
        tokens.append(joined.json()["participant_token"])

    barrier = threading.Barrier(PHONES)
    outcomes: list[tuple[int, str] | None] = [None] * PHONES

    def phone(n: int) -> None:
        body = {"ratings": [{"item": "finance", "x": n % 5 + 1, "y": (n * 2) % 5 + 1},
                            {"item": "skills", "x": None, "y": n % 5 + 1},
                            {"item": "power", "x": 3, "y": 3}]}
        session = requests.Session()
        try:
            barrier.wait(timeout=60)
            response = session.put(f"{url}/responses", json=body,
                                   headers={"Authorization": f"Bearer {tokens[n]}"}, timeout=60)
            outcomes[n] = (response.status_code, response.text)
        except Exception as error:  # reported below, with the others
            outcomes[n] = (0, repr(error))
        finally:
            session.close()

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    failures = [(n, o) for n, o in enumerate(outcomes) if o is None or o[0] != 200]
    assert not failures, (failures[:5], live_server.log()[-3000:])
    assert all(o is not None and '"saved":3' in o[1].replace(" ", "") for o in outcomes)

    summary = requests.get(f"{url}/results?weighting=per_head", headers=facilitator, timeout=30)
    assert summary.status_code == 200, summary.text
    document = summary.json()
    assert document["respondents"] == PHONES
    assert sum(g["respondents"] for g in document["groups"].values()) == PHONES
    finance = next(i for i in document["items"] if i["item"] == "finance")
    assert finance["n"] == PHONES
    assert finance["x"]["mean"] == pytest.approx(sum(n % 5 + 1 for n in range(PHONES)) / PHONES)
    assert "database is locked" not in live_server.log()
