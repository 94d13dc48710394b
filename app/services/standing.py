"""Where a participant stands: the room's figures, exactly as the screen shows them, with this phone's own
answers beside them, once the facilitator has revealed the activity.

Room figures come only from `results.room_view(activity)`, the screen's view
(pooled, groups-weighted, suppressed as the room sees it), and only its pooled figures are used: no group
appears on a phone. The participant's own answers are read for that participant only. The page draws plain
shapes (server-side SVG and CSS bars), so it is light and works without JavaScript.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from app.engine import Criterion, Scale
from app.engine.criteria import axis_scores
from app.models import Activity, Participant
from app.services import live, participation, results

#: Plot area of the phone matrix (SVG user units; the picture scales to the phone's width).
SIZE, PAD = 300, 34


def visible(activity: Activity) -> bool:
    """Shown on phones once revealed (`on_reveal`), or once closed for a live activity (see live.phones_may_see),
    and never while the screen itself holds the figures back."""
    return live.phones_may_see(activity) and not live.is_hidden(activity)


def room_view(activity: Activity) -> dict[str, Any]:
    """The screen's document: the one view of the room a phone may show."""
    return results.room_view(activity)


def _place(value: float, low: float, high: float, flip: bool = False) -> float:
    share = 0.5 if high == low else (value - low) / (high - low)
    share = min(1.0, max(0.0, share))
    return round(PAD + (1 - share if flip else share) * (SIZE - 2 * PAD), 1)


def _matrix_points(rows: list[dict[str, Any]], low: dict[str, float], high: dict[str, float]) -> None:
    for row in rows:
        for who in ("room", "own"):
            point = row.get(who)
            row[f"{who}_xy"] = None if point is None else (
                _place(point[0], low["x"], high["x"]), _place(point[1], low["y"], high["y"], flip=True))


def standing(activity: Activity, participant: Participant) -> dict[str, Any] | None:
    """The phone page's figures, or None while they are not to be shown."""
    if not visible(activity):
        return None
    room = room_view(activity)
    if room.get("hidden"):
        return None
    own = participation.saved_values(participant, activity)
    titles = {i.key: i.title for i in activity.items}
    entries = [e for e in room.get("items", []) if isinstance(e, dict) and e.get("item") in titles]
    settings = activity.settings or {}
    view: dict[str, Any] = {"type": activity.type, "round": activity.round, "respondents": room.get("respondents"),
                            "size": SIZE, "pad": PAD}
    if activity.type == "matrix":
        rows = []
        for n, e in enumerate(entries, 1):
            x, y = (e.get("x") or {}).get("mean"), (e.get("y") or {}).get("mean")
            mine = own.get((e["item"], "x")), own.get((e["item"], "y"))
            rows.append({"n": n, "item": e["item"], "title": titles[e["item"]],
                         "room": (x, y) if x is not None and y is not None else None,
                         "own": mine if None not in mine else None, "carried": e.get("converged_in_round")})
        low = {a: settings[a]["min"] for a in ("x", "y")}
        high = {a: settings[a]["max"] for a in ("x", "y")}
        _matrix_points(rows, low, high)
        view.update(rows=rows, x=settings["x"], y=settings["y"],
                    mid=(_place((low["x"] + high["x"]) / 2, low["x"], high["x"]),
                         _place((low["y"] + high["y"]) / 2, low["y"], high["y"], flip=True)))
    elif activity.type == "criteria":
        criteria = [Criterion(key=c["key"], label=c.get("label", c["key"]), axis=c["axis"],
                              direction=int(c.get("direction", 1)), weight=float(c.get("weight", 1.0)))
                    for c in settings.get("criteria", [])]
        scale = Scale(settings["scale"]["min"], settings["scale"]["max"])
        rows = []
        for n, e in enumerate(entries, 1):
            x, y = (e.get("x") or {}).get("score"), (e.get("y") or {}).get("score")
            values = {c.key: own.get((e["item"], c.key)) for c in criteria}
            mine = axis_scores({k: None if v is None else Fraction(v) for k, v in values.items()}, criteria, scale)
            mx, my = mine.get("x"), mine.get("y")
            rows.append({"n": n, "item": e["item"], "title": titles[e["item"]],
                         "room": (x, y) if x is not None and y is not None else None,
                         "own": (float(mx), float(my)) if mx is not None and my is not None else None,
                         "carried": e.get("converged_in_round")})
        _matrix_points(rows, {"x": 0, "y": 0}, {"x": 1, "y": 1})
        axis_label = {"x": "x", "y": "y"}
        view.update(rows=rows, x={"label": axis_label["x"], "min": 0, "max": 1},
                    y={"label": axis_label["y"], "min": 0, "max": 1}, mid=(_place(0.5, 0, 1), _place(0.5, 0, 1, True)))
        view["type"] = "matrix"
    elif activity.type == "scale":
        low, high = settings["scale"]["min"], settings["scale"]["max"]
        rows = []
        for e in entries:
            mean = (e.get("value") or {}).get("mean")
            mine = own.get((e["item"], "value"))
            rows.append({"item": e["item"], "title": titles[e["item"]], "room": mean, "own": mine,
                         "room_pct": None if mean is None else round(100 * (mean - low) / ((high - low) or 1), 1),
                         "own_pct": None if mine is None else round(100 * (mine - low) / ((high - low) or 1), 1),
                         "carried": e.get("converged_in_round")})
        view.update(rows=rows, low=low, high=high, label=settings["scale"].get("label", ""))
    elif activity.type == "points":
        rows = []
        for e in entries:
            score = e.get("score")
            rows.append({"item": e["item"], "title": titles[e["item"]], "room": score,
                         "room_pct": None if score is None else round(100 * score, 1),
                         "own": own.get((e["item"], "points")) or 0})
        view.update(rows=rows)
    elif activity.type == "ranking":
        mine = {key: place for (key, dim), place in own.items() if dim == "rank" and place}
        order = list(room.get("schulze") or [])
        rows = [{"place": n, "item": key, "title": titles.get(key, key), "own": mine.get(key)}
                for n, key in enumerate(order, 1) if key in titles]
        carried = [{"item": e["item"], "title": titles[e["item"]], "carried": e["converged_in_round"]}
                   for e in entries if e.get("converged_in_round")]
        view.update(rows=rows, carried=carried)
    else:
        return None
    return view
