"""PNG and SVG charts of activity results (matplotlib, Agg, no pyplot state shared between requests).

Matrices (and criteria scores) are drawn as the screen shows them: quadrant lines at the scale midpoint, the
quadrant names in the corners, one labelled marker per item and, where a group may be shown, its own marker
joined to the pooled one. Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies;
groups also differ by marker shape, so the chart survives a black-and-white printer.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from app import activities as activity_types
from app.activities.base import number
from app.services.safetext import printable, printable_tree

matplotlib.use("Agg")  # never a GUI backend on a server; Figure objects need no pyplot state

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442", "#999999")
GROUP_MARKERS = ("s", "^", "D", "v", "P", "X", "h", "*")
POOLED_COLOUR = "#000000"
DEFAULT_QUADRANTS = {"top_right": "High / high", "top_left": "High y / low x",
                     "bottom_right": "Low y / high x", "bottom_left": "Low / low"}
#: `text.parse_math` off: a title with two dollar signs is text, not a formula that may fail to parse.
RC = {"svg.fonttype": "none", "svg.hashsalt": "prioritas", "font.family": "DejaVu Sans", "font.size": 9,
      "text.parse_math": False}


def _short(text: str, width: int = 26) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


def scatter_points(activity: Mapping[str, Any], results: Mapping[str, Any]) -> dict[str, Any]:
    """Axis ranges, labels and positions (pooled and per group) of a matrix or criteria chart."""
    if activity["type"] == "criteria":
        field, ranges = "score", {"x": (0.0, 1.0), "y": (0.0, 1.0)}
        labels = {axis: (activity.get(axis) or {}).get("label", axis) for axis in ("x", "y")}
    else:
        field = "mean"
        ranges = {axis: (float(activity[axis]["min"]), float(activity[axis]["max"])) for axis in ("x", "y")}
        labels = {axis: activity[axis].get("label", axis) for axis in ("x", "y")}
    pooled: dict[str, tuple[float, float]] = {}
    groups: dict[str, dict[str, tuple[float, float]]] = {}
    for item in results.get("items", []):
        x, y = number(item.get("x"), field), number(item.get("y"), field)
        if x is not None and y is not None:
            pooled[item["item"]] = (x, y)
        for group, entry in (item.get("by_group") or {}).items():
            if isinstance(entry, Mapping):
                gx, gy = number(entry.get("x"), field), number(entry.get("y"), field)
                if gx is not None and gy is not None:
                    groups.setdefault(group, {})[item["item"]] = (gx, gy)
    previous: dict[str, tuple[float, float]] = {}
    for item, entry in ((results.get("previous") or {}).get("items") or {}).items():
        if isinstance(entry, Mapping):
            px, py = number(entry.get("x"), field), number(entry.get("y"), field)
            if px is not None and py is not None:
                previous[item] = (px, py)
    return {"ranges": ranges, "labels": labels, "pooled": pooled, "groups": groups, "previous": previous}


#: Where a label may sit relative to its marker, in points (right/above first, then below, left, further out).
LABEL_OFFSETS = ((5, 4), (5, -11), (-5, 4), (-5, -11), (5, 13), (5, -20), (-5, 13), (-5, -20))
CHAR_WIDTH, LINE_HEIGHT = 4.6, 9.0  # DejaVu Sans at 8 pt, in points


def _label_offset(ax: Any, point: tuple[float, float], label: str,
                  placed: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """A label offset that does not cover a label already placed (greedy; the first free candidate wins).

    Boxes are estimated in points from the axes' data transform, so no drawing pass is needed. A negative x
    offset means the label ends at the marker (its width is subtracted).
    """
    scale = 72 / ax.figure.dpi
    x0, y0 = (v * scale for v in ax.transData.transform(point))
    width = CHAR_WIDTH * len(label)
    chosen: tuple[float, float] | None = None
    for dx, dy in LABEL_OFFSETS:
        left = x0 + dx if dx >= 0 else x0 + dx - width
        box = (left, y0 + dy, left + width, y0 + dy + LINE_HEIGHT)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            chosen = (dx if dx >= 0 else dx - width, dy)
            placed.append(box)
            break
    if chosen is None:
        chosen = LABEL_OFFSETS[0]
        placed.append((x0 + 5, y0 + 4, x0 + 5 + width, y0 + 4 + LINE_HEIGHT))
    return chosen


def matrix_figure(activity: Mapping[str, Any], results: Mapping[str, Any], titles: Mapping[str, str],
                  group_names: Mapping[str, str], *, overlays: bool = True) -> Figure:
    """The four-field matrix of a `matrix` or `criteria` activity."""
    data = scatter_points(activity, results)
    (x_lo, x_hi), (y_lo, y_hi) = data["ranges"]["x"], data["ranges"]["y"]
    x_mid, y_mid = (x_lo + x_hi) / 2, (y_lo + y_hi) / 2
    figure = Figure(figsize=(8, 6.4), dpi=110, layout="constrained")
    ax = figure.add_subplot()
    pad_x, pad_y = (x_hi - x_lo) * 0.04, (y_hi - y_lo) * 0.04
    ax.set_xlim(x_lo - pad_x, x_hi + pad_x)
    ax.set_ylim(y_lo - pad_y, y_hi + pad_y)
    ax.axvline(x_mid, color="#555555", linewidth=1, linestyle="--", zorder=1)
    ax.axhline(y_mid, color="#555555", linewidth=1, linestyle="--", zorder=1)
    names = {**DEFAULT_QUADRANTS, **(activity.get("quadrants") or {})}
    corners = {"top_right": (0.98, 0.98, "right", "top"), "top_left": (0.02, 0.98, "left", "top"),
               "bottom_right": (0.98, 0.02, "right", "bottom"), "bottom_left": (0.02, 0.02, "left", "bottom")}
    for quadrant, (qx, qy, ha, va) in corners.items():
        ax.text(qx, qy, names[quadrant], transform=ax.transAxes, ha=ha, va=va, fontsize=9, color="#444444",
                fontweight="bold", alpha=0.85, gid=f"quadrant-{quadrant}")
    ax.set_xlabel(str(data["labels"]["x"]))
    ax.set_ylabel(str(data["labels"]["y"]))
    ax.set_title(str(activity.get("title", "")), fontsize=11)
    ax.grid(True, color="#e6e6e6", linewidth=0.6, zorder=0)

    if overlays:
        for n, (group, points) in enumerate(data["groups"].items()):
            colour, marker = OKABE_ITO[n % len(OKABE_ITO)], GROUP_MARKERS[n % len(GROUP_MARKERS)]
            first = True
            for item, (gx, gy) in points.items():
                if item in data["pooled"]:
                    px, py = data["pooled"][item]
                    ax.plot([px, gx], [py, gy], color=colour, linewidth=0.7, alpha=0.6, zorder=2)
                ax.scatter([gx], [gy], s=28, marker=marker, color=colour, edgecolors="white", linewidths=0.5,
                           zorder=3, label=group_names.get(group, group) if first else None,
                           gid=f"group-{group}-{item}")
                first = False
    placed: list[tuple[float, float, float, float]] = []
    for item, (px, py) in data["pooled"].items():
        if item in data["previous"]:  # Delphi: where the room stood in the previous round
            ox, oy = data["previous"][item]
            arrow = ax.annotate("", xy=(px, py), xytext=(ox, oy), zorder=3,
                                arrowprops={"arrowstyle": "->", "color": "#777777", "linewidth": 0.9})
            if arrow.arrow_patch is not None:
                arrow.arrow_patch.set_gid(f"previous-{item}")
        ax.scatter([px], [py], s=46, color=POOLED_COLOUR, zorder=4, gid=f"item-{item}")
        label = _short(titles.get(item, item))
        ax.annotate(label, (px, py), xytext=_label_offset(ax, (px, py), label, placed), textcoords="offset points",
                    fontsize=8, zorder=5, gid=f"label-{item}")
    if not data["pooled"]:
        ax.text(0.5, 0.5, "No results yet", transform=ax.transAxes, ha="center", va="center", color="#777777")
    if overlays and data["groups"]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(4, len(data["groups"])),
                  fontsize=8, frameon=False)
    return figure


def bar_values(activity: Mapping[str, Any], results: Mapping[str, Any]) -> tuple[str, list[tuple[str, float]],
                                                                                tuple[float, float]]:
    """The figure each bar shows (the activity type says which), in the results' order; items without one
    (too few answers) have no bar."""
    label, values, limits = activity_types.get(activity["type"]).bar_values(activity, results)
    return label, [(key, value) for key, value in values if value is not None], limits


def bar_figure(activity: Mapping[str, Any], results: Mapping[str, Any], titles: Mapping[str, str]) -> Figure:
    """Horizontal bars, best at the top, for activity types without a matrix."""
    label, values, limits = bar_values(activity, results)
    figure = Figure(figsize=(8, max(2.5, 0.42 * len(values) + 1.4)), dpi=110, layout="constrained")
    ax = figure.add_subplot()
    names = [_short(titles.get(key, key), 34) for key, _ in values][::-1]
    numbers = [value for _, value in values][::-1]
    bars = ax.barh(names, numbers, color=OKABE_ITO[4])
    for bar, (key, _value) in zip(bars, values[::-1], strict=True):
        bar.set_gid(f"item-{key}")
    ax.set_xlim(*limits)
    ax.set_xlabel(label)
    ax.set_title(str(activity.get("title", "")), fontsize=11)
    if not values:
        ax.text(0.5, 0.5, "No results yet", transform=ax.transAxes, ha="center", va="center", color="#777777")
    return figure


def figure_for(activity: Mapping[str, Any], results: Mapping[str, Any], titles: Mapping[str, str],
               group_names: Mapping[str, str]) -> Figure:
    # Stored text may hold characters no font draws (old data, another path): drawn as U+FFFD instead.
    activity = printable_tree(activity, strict=True)
    titles = {k: printable(v, strict=True) for k, v in titles.items()}
    group_names = {k: printable(v, strict=True) for k, v in group_names.items()}
    kind = activity_types.get(activity["type"])
    if kind is None or kind.chart is None:
        raise ValueError(f"no chart for {activity['type']!r} activities")
    if kind.chart == "matrix":
        return matrix_figure(activity, results, titles, group_names)
    return bar_figure(activity, results, titles)


def render(figure: Figure, fmt: str) -> bytes:
    """PNG or SVG bytes; SVG keeps text as <text> so labels stay searchable and selectable."""
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
    with matplotlib.rc_context(RC):
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def chart(activity: Mapping[str, Any], results: Mapping[str, Any], titles: Mapping[str, str],
          group_names: Mapping[str, str], fmt: str) -> bytes:
    """One activity's chart as PNG or SVG bytes."""
    with matplotlib.rc_context(RC):
        figure = figure_for(activity, results, titles, group_names)
    return render(figure, fmt)


def chart_types() -> Sequence[str]:
    """The activity types that have a chart."""
    return tuple(kind.name for kind in activity_types.types() if kind.chart)
