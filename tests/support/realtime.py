"""Live pushes in tests: collecting Socket.IO events, and the vote that makes the server push."""

from __future__ import annotations

import time
from typing import Any


def received(client: Any, name: str, timeout: float = 10.0, until: Any = None) -> list[Any]:
    """Collect events named `name` until `until(events)` holds or the time is up (pushes are asynchronous)."""
    events: list[Any] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events += [p["args"][0] for p in client.get_received() if p["name"] == name]
        if events and (until is None or until(events)):
            break
        time.sleep(0.02)
    return events


def vote(api: Any, workshop: dict[str, Any], token: str, x: int, y: int, item: str = "finance") -> None:
    """One rating of `item` in the constraints matrix, through the API."""
    response = api.put(f"/api/v1/workshops/{workshop['id']}/activities/constraints/responses",
                       json={"ratings": [{"item": item, "x": x, "y": y}]}, token=token)
    assert response.status_code == 200, response.get_json()
