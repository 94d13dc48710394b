"""A bare Flask-SocketIO gevent server doing what a workshop's vote path does, with no database: the
framework's ceiling on this machine, which `bench/burst.py` sets the project against in the same run.

It joins (a token per phone), takes a matrix ballot per phone (same JSON as the public interface, checked
for shape and range), keeps ballots in memory, and pushes coalesced per-item means to the screens every
0.25 s, like the project's live hub. Nothing more: no persistence, no anonymity rules, no rate limits.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import secrets  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

ITEMS = [f"item{i:02d}" for i in range(int(os.environ.get("BARE_ITEMS", "12")))]
app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", ping_interval=20, ping_timeout=25)
tokens: dict[str, tuple[int, str]] = {}
ballots: dict[int, dict[str, tuple[int | None, int | None]]] = {}
dirty = {"results": False}


@app.post("/api/v1/join")
def join() -> Any:
    body = request.get_json(silent=True) or {}
    if body.get("code") != "BARE00" or not isinstance(body.get("group"), str):
        return jsonify({"title": "Unknown"}), 404
    token = secrets.token_urlsafe(24)
    tokens[token] = (len(tokens) + 1, body["group"])
    return jsonify({"participant_token": token, "workshop": 1}), 201


@app.put("/api/v1/workshops/<int:wid>/activities/<key>/responses")
def save(wid: int, key: str) -> Any:
    token = request.headers.get("Authorization", "")[7:]
    if token not in tokens:
        return jsonify({"title": "Unauthorized"}), 401
    ratings = (request.get_json(silent=True) or {}).get("ratings")
    if not isinstance(ratings, list) or not ratings:
        return jsonify({"title": "Invalid"}), 422
    ballot: dict[str, tuple[int | None, int | None]] = {}
    for rating in ratings:
        x, y = rating.get("x"), rating.get("y")
        if rating.get("item") not in ITEMS or any(v is not None and (type(v) is not int or not 1 <= v <= 5)
                                                  for v in (x, y)):
            return jsonify({"title": "Invalid"}), 422
        ballot[rating["item"]] = (x, y)
    ballots.setdefault(tokens[token][0], {}).update(ballot)
    dirty["results"] = True
    return jsonify({"saved": len(ballot)})


@app.get("/count")
def count() -> Any:
    return jsonify({"respondents": len(ballots)})


@socketio.on("connect")
def connect(auth: Any = None) -> None:
    join_room("screens")


def pusher() -> None:
    while True:
        socketio.sleep(0.25)
        if not dirty["results"]:
            continue
        dirty["results"] = False
        items = []
        for item in ITEMS:
            xs = [b[item][0] for b in ballots.values() if item in b and b[item][0] is not None]
            ys = [b[item][1] for b in ballots.values() if item in b and b[item][1] is not None]
            items.append({"item": item, "n": len(xs), "x": {"mean": sum(xs) / len(xs) if xs else None},
                          "y": {"mean": sum(ys) / len(ys) if ys else None}})
        socketio.emit("results", {"activity": "constraints", "respondents": len(ballots), "items": items},
                      to="screens")


if __name__ == "__main__":
    socketio.start_background_task(pusher)
    socketio.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_output=False)
