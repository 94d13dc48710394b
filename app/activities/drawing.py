"""The phone's "where you stand" matrix: where a point lands in the plot (server-side SVG, no JavaScript)."""

from __future__ import annotations

from typing import Any

#: Plot area of the phone matrix (SVG user units; the picture scales to the phone's width).
SIZE, PAD = 300, 34


def place(value: float, low: float, high: float, flip: bool = False) -> float:
    share = 0.5 if high == low else (value - low) / (high - low)
    share = min(1.0, max(0.0, share))
    return round(PAD + (1 - share if flip else share) * (SIZE - 2 * PAD), 1)


def matrix_points(rows: list[dict[str, Any]], low: dict[str, float], high: dict[str, float]) -> None:
    """Add `room_xy` and `own_xy` to each row from its `room` and `own` (x, y) figures."""
    for row in rows:
        for who in ("room", "own"):
            point = row.get(who)
            row[f"{who}_xy"] = None if point is None else (
                place(point[0], low["x"], high["x"]), place(point[1], low["y"], high["y"], flip=True))


def middle(low: dict[str, float], high: dict[str, float]) -> tuple[float, float]:
    return (place((low["x"] + high["x"]) / 2, low["x"], high["x"]),
            place((low["y"] + high["y"]) / 2, low["y"], high["y"], flip=True))
