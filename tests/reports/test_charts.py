"""Charts: PNG/SVG read back (PIL, XML), item positions from the results, groups only where they may be shown."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
from PIL import Image

from app.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
ACTIVITY = {"key": "constraints", "type": "matrix", "title": "Rate the constraints", "items": ["a", "b", "c"],
            "x": {"label": "Tractability", "min": 1, "max": 5}, "y": {"label": "Severity", "min": 1, "max": 5},
            "quadrants": {"top_right": "Quick wins", "top_left": "Advocacy", "bottom_right": "Fill-ins",
                          "bottom_left": "Park"}, "state": "closed"}
TITLES = {"a": "Access to finance", "b": "Skills", "c": "Electricity"}
GROUPS = {"gov": "Government", "firms": "Employers", "small": "Tiny group"}


def item(key: str, x: float | None, y: float | None, by_group: dict[str, Any]) -> dict[str, Any]:
    return {"item": key, "n": 10, "x": {"mean": x}, "y": {"mean": y}, "quadrant": None, "by_group": by_group}


RESULTS = {"activity": "constraints", "weighting": "equal_groups", "respondents": 12, "groups": {},
           "items": [item("a", 4.5, 1.5, {"gov": {"n": 5, "x": {"mean": 4.0}, "y": {"mean": 2.0}},
                                          "firms": {"n": 5, "x": {"mean": 5.0}, "y": {"mean": 1.0}},
                                          "small": None}),
                     item("b", 1.5, 4.5, {"gov": {"n": 5, "x": {"mean": 2.0}, "y": {"mean": None}},
                                          "firms": None, "small": None}),
                     item("c", None, None, {"gov": None, "firms": None, "small": None})]}


def svg_tree(activity: dict[str, Any] = ACTIVITY, document: dict[str, Any] = RESULTS) -> ET.Element:
    return ET.fromstring(charts.chart(activity, document, TITLES, GROUPS, "svg"))


def marker_position(root: ET.Element, gid: str) -> tuple[float, float]:
    [group] = [g for g in root.iter(f"{SVG}g") if g.get("id") == gid]
    [use] = list(group.iter(f"{SVG}use"))
    return float(use.get("x")), float(use.get("y"))


def all_text(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_svg_places_items_where_the_results_put_them() -> None:
    root = svg_tree()
    ax, ay = marker_position(root, "item-a")
    bx, by = marker_position(root, "item-b")
    assert ax > bx, "a has the higher x mean, so it is further right"
    assert ay > by, "a has the lower y mean, so it is lower (SVG y grows downwards)"
    # The midpoint lines split them: quadrant positions follow the means, not the item order.
    text = all_text(root)
    for name in ("Quick wins", "Advocacy", "Fill-ins", "Park", "Access to finance", "Skills", "Tractability",
                 "Severity", "Government", "Employers"):
        assert name in text, name
    assert "Electricity" not in text, "an item without means has no marker and no label"


def test_svg_draws_only_shown_groups() -> None:
    ids = {g.get("id") for g in svg_tree().iter(f"{SVG}g")}
    assert {"group-gov-a", "group-firms-a"} <= ids
    assert not any(i and i.startswith("group-small") for i in ids), "a suppressed group is never drawn"
    assert "group-gov-b" not in ids, "a group without a y mean has no point"
    assert "Tiny group" not in all_text(svg_tree())


def test_group_marker_positions_follow_their_means() -> None:
    root = svg_tree()
    gov = marker_position(root, "group-gov-a")
    firms = marker_position(root, "group-firms-a")
    pooled = marker_position(root, "item-a")
    assert gov[0] < pooled[0] < firms[0]
    assert gov[1] < pooled[1] < firms[1]


def test_png_is_a_real_image() -> None:
    raw = charts.chart(ACTIVITY, RESULTS, TITLES, GROUPS, "png")
    assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(raw))
    assert image.format == "PNG" and image.width >= 600 and image.height >= 450
    # Not blank: the black item markers are there.
    pixels = np.asarray(image.convert("RGB"))
    assert (pixels == 0).all(axis=2).any()


def test_svg_is_reproducible() -> None:
    first = charts.chart(ACTIVITY, RESULTS, TITLES, GROUPS, "svg")
    assert first == charts.chart(ACTIVITY, RESULTS, TITLES, GROUPS, "svg")
    assert b"<dc:date>" not in first


def test_criteria_chart_uses_scores_on_zero_to_one() -> None:
    activity = {"key": "s", "type": "criteria", "title": "Score sectors", "items": ["a", "b"],
                "x": {"label": "Feasibility"}, "y": {"label": "Attractiveness"}, "scale": {"min": 1, "max": 5}}
    document = {"items": [{"item": "a", "x": {"score": 0.9}, "y": {"score": 0.2}, "by_group": {}},
                          {"item": "b", "x": {"score": 0.1}, "y": {"score": 0.8}, "by_group": {}}]}
    root = svg_tree(activity, document)
    (ax, ay), (bx, by) = marker_position(root, "item-a"), marker_position(root, "item-b")
    assert ax > bx and ay > by
    assert "Feasibility" in all_text(root) and "Attractiveness" in all_text(root)
    data = charts.scatter_points(activity, document)
    assert data["ranges"] == {"x": (0.0, 1.0), "y": (0.0, 1.0)}


def test_bar_charts_follow_the_results_order() -> None:
    points = {"key": "p", "type": "points", "title": "Dots", "items": ["a", "b", "c"]}
    document = {"items": [{"item": "b", "score": 0.6}, {"item": "a", "score": 0.3}, {"item": "c", "score": None}]}
    label, values, limits = charts.bar_values(points, document)
    assert values == [("b", 0.6), ("a", 0.3)]
    assert limits[0] == 0.0 and 0.6 < limits[1] <= 1.0, "the longest bar fits, shares never pass 1"
    root = svg_tree(points, document)
    ids = [g.get("id") for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("item-")]
    assert sorted(ids) == ["item-a", "item-b"]
    ranking = {"key": "r", "type": "ranking", "title": "Order", "items": ["a", "b", "c"]}
    ranked = {"schulze": ["c", "a", "b"], "borda": {"a": 1.0, "b": 0.5, "c": 1.5}, "items": []}
    assert charts.bar_values(ranking, ranked)[1] == [("c", 1.5), ("a", 1.0), ("b", 0.5)]
    scale = {"key": "v", "type": "scale", "title": "Importance", "items": ["a"],
             "scale": {"label": "Importance", "min": 0, "max": 10}}
    label, values, limits = charts.bar_values(scale, {"items": [{"item": "a", "value": {"mean": 7.5}}]})
    assert (label, values, limits) == ("Importance", [("a", 7.5)], (0.0, 10.0))


def test_titles_are_shortened_not_dropped() -> None:
    long_titles = {**TITLES, "a": "A very long constraint title that will not fit beside its marker"}
    text = all_text(ET.fromstring(charts.chart(ACTIVITY, RESULTS, long_titles, GROUPS, "svg")))
    assert re.search(r"A very long constraint\S*…", text)
