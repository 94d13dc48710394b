"""The API side of the reports: content types, the contract's 401/404/403 order, charts and every activity type."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, results
from tests.support.database import BACKENDS
from tests.support.reports import VOTES, blocks

pytestmark = BACKENDS
SVG = "{http://www.w3.org/2000/svg}"
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def chart_url(wid: int, key: str, fmt: str) -> str:
    return activity_url(wid, key, f"chart.{fmt}")


def test_exports_answer_in_the_contracts_order(api: Any, other_api: Any, voted: dict[str, Any],
                                               join: Callable[..., str]) -> None:
    wid, doc = voted["id"], voted["doc"]
    participant = voted["tokens"][0]
    for fmt, mimetype in TYPES.items():
        url = f"{API}/workshops/{wid}/export?format={fmt}"
        assert_problem(api.get(url, token=""), 401)
        assert_problem(api.get(url, token="not-a-token"), 401)
        assert_problem(api.get(url, token=participant), 401)
        assert_problem(api.get(url, token=doc["screen_token"]), 401)
        assert_problem(api.get(f"{API}/workshops/{wid + 1000}/export?format={fmt}", token=""), 401)
        assert_problem(api.get(f"{API}/workshops/{wid + 1000}/export?format={fmt}"), 404)
        assert_problem(other_api.get(f"{API}/workshops/{wid + 1000}/export?format={fmt}"), 404)
        assert_problem(other_api.get(url), 403)
        response = api.get(url)
        assert response.status_code == 200 and response.mimetype == mimetype
    assert_problem(api.get(f"{API}/workshops/{wid}/export?format=docx"), 422, "format")


def test_charts_answer_in_the_contracts_order(api: Any, other_api: Any, voted: dict[str, Any]) -> None:
    wid, doc = voted["id"], voted["doc"]
    participant = voted["tokens"][0]
    for fmt in ("png", "svg"):
        url = chart_url(wid, "constraints", fmt)
        assert_problem(api.get(url, token=""), 401)
        assert_problem(api.get(chart_url(wid + 1000, "constraints", fmt), token=""), 401)
        assert_problem(api.get(chart_url(wid + 1000, "constraints", fmt)), 404)
        assert_problem(api.get(chart_url(wid, "nope", fmt)), 404)
        assert_problem(other_api.get(chart_url(wid, "nope", fmt)), 404)
        assert_problem(other_api.get(url), 403)
        assert_problem(api.get(url, token=participant), 403)
        assert_problem(api.get(url + "?weighting=per_head", token=doc["screen_token"]), 403)
        assert_problem(api.get(url + "?weighting=loudest"), 422, "weighting")
        for token in (None, doc["screen_token"]):
            response = api.get(url, token=token)
            assert response.status_code == 200, response.get_data(as_text=True)
            assert response.mimetype == {"png": "image/png", "svg": "image/svg+xml"}[fmt]
        assert api.get(url + "?weighting=per_head").status_code == 200
    assert_problem(api.get(chart_url(wid, "constraints", "gif"), token=""), 401)
    assert_problem(api.get(chart_url(wid, "constraints", "gif")), 404)


def test_svg_chart_matches_the_results(api: Any, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    for weighting in ("equal_groups", "per_head"):
        root = ET.fromstring(api.get(chart_url(wid, "constraints", "svg") + f"?weighting={weighting}").get_data())
        document = results(api, wid, "constraints", weighting)
        positions = {}
        for group in root.iter(f"{SVG}g"):
            gid = group.get("id") or ""
            if gid.startswith("item-"):
                [use] = list(group.iter(f"{SVG}use"))
                positions[gid.removeprefix("item-")] = (float(use.get("x")), float(use.get("y")))
        placed = {i["item"]: (i["x"]["mean"], i["y"]["mean"]) for i in document["items"]
                  if i["x"]["mean"] is not None and i["y"]["mean"] is not None}
        assert set(positions) == set(placed)
        # Same order on both axes as the means (SVG y grows downwards).
        for a in placed:
            for b in placed:
                if placed[a][0] < placed[b][0] - 1e-9:
                    assert positions[a][0] < positions[b][0]
                if placed[a][1] < placed[b][1] - 1e-9:
                    assert positions[a][1] > positions[b][1]
        shown_groups = {g for i in document["items"] for g, v in i["by_group"].items() if v is not None}
        drawn = {(g.get("id") or "").split("-")[1] for g in root.iter(f"{SVG}g")
                 if (g.get("id") or "").startswith("group-")}
        assert drawn <= shown_groups
        assert "academia" not in drawn


def test_png_chart_is_an_image(api: Any, voted: dict[str, Any]) -> None:
    from PIL import Image

    raw = api.get(chart_url(voted["id"], "constraints", "png")).get_data()
    image = Image.open(io.BytesIO(raw))
    assert image.format == "PNG" and image.size[0] > 500


@pytest.mark.parametrize("template", ["sector-selection", "paca-proposals"])
def test_exports_of_criteria_and_points_activities(api: Any, join: Callable[..., str], template: str) -> None:
    """The new activity types export without failing, with the API's numbers wherever results exist."""
    doc = api.post(f"{API}/workshops", json={"template": template, "title": "Types"}).get_json()
    wid = doc["id"]
    scores, dots = doc["activities"]
    for activity in doc["activities"]:
        assert api.post(activity_url(wid, activity["key"], "open")).status_code == 200
    for n, group in enumerate(["gov"] * 3 + ["employers"] * 3 + ["workers"] * 3):
        token = join(doc["join_code"], group)
        body = {"scores": [{"item": item, "criterion": c["key"], "value": 1 + (n + i + j) % 5}
                           for i, item in enumerate(scores["items"]) for j, c in enumerate(scores["criteria"])]}
        assert api.put(activity_url(wid, scores["key"], "responses"), json=body, token=token).status_code == 200
        ballot = {dots["items"][n % len(dots["items"])]: 2, dots["items"][(n + 1) % len(dots["items"])]: 1}
        answer = api.put(activity_url(wid, dots["key"], "responses"), json={"points": ballot}, token=token)
        assert answer.status_code == 200, answer.get_data(as_text=True)

    book = load_workbook(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=xlsx").get_data()))
    assert {scores["key"], dots["key"]} <= set(book.sheetnames)
    criteria_results = api.get(activity_url(wid, scores["key"], "results"))
    if criteria_results.status_code == 200:
        document = criteria_results.get_json()
        cells = [c for row in book[scores["key"]].iter_rows(values_only=True) for c in row]
        for item in document["items"]:
            if item["x"]["score"] is not None:
                assert any(isinstance(c, float) and abs(c - item["x"]["score"]) < 1e-12 for c in cells)
    reader = PdfReader(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=pdf").get_data()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    assert scores["title"] in text and dots["title"] in text
    if criteria_results.status_code == 200:
        for item in criteria_results.get_json()["items"]:
            if item["x"]["score"] is not None and item["y"]["score"] is not None:
                assert f"{item['x']['score']:.2f} {item['y']['score']:.2f}" in text, item["item"]
    points_results = api.get(activity_url(wid, dots["key"], "results"))
    if points_results.status_code == 200:
        for item in points_results.get_json()["items"]:
            assert f"{item['total']} {item['breadth']:.2f} {item['score']:.2f}" in text, item["item"]
    for activity in doc["activities"]:
        response = api.get(chart_url(wid, activity["key"], "svg"))
        assert response.status_code in (200, 422), response.get_data(as_text=True)
        if response.status_code == 200:
            ET.fromstring(response.get_data())


def test_exports_of_scale_and_ranking_activities(api: Any, join: Callable[..., str]) -> None:
    definition = builders.definition(
        "Scale and ranking", language="es",
        groups=[builders.group("gov", "Gobierno"), builders.group("emp", "Empleadores"),
                builders.group("wrk", "Trabajadores")],
        items=[builders.item(k, t) for k, t in (("a", "Crédito"), ("b", "Energía"), ("c", "Formación"))],
        activities=[builders.scale("importance", ["a", "b", "c"], "Importance", "Importance", 0, 10),
                    builders.ranking("order", ["a", "b", "c"], "Order them")])
    doc = api.post(f"{API}/workshops", json=definition).get_json()
    wid = doc["id"]
    for key in ("importance", "order"):
        assert api.post(activity_url(wid, key, "open")).status_code == 200
    for n, group in enumerate(["gov", "emp", "wrk"] * 3):
        token = join(doc["join_code"], group)
        ratings = [{"item": "a", "value": n % 11}, {"item": "b", "value": (3 * n) % 11}, {"item": "c", "value": 7}]
        assert api.put(activity_url(wid, "importance", "responses"), json={"ratings": ratings},
                       token=token).status_code == 200
        ranking = [["a", "b", "c"], ["b", "a"], ["c"]][n % 3]
        assert api.put(activity_url(wid, "order", "responses"), json={"ranking": ranking},
                       token=token).status_code == 200
    book = load_workbook(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=xlsx").get_data()))
    reader = PdfReader(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=pdf").get_data()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    scale = api.get(activity_url(wid, "importance", "results"))
    if scale.status_code == 200:
        cells = [c for row in book["importance"].iter_rows(values_only=True) for c in row]
        for item in scale.get_json()["items"]:
            mean = item["value"]["mean"]
            # A whole-number float such as 7.0 reads back from the workbook as the int 7: compare by value.
            assert any(isinstance(c, (int, float)) and not isinstance(c, bool) and abs(c - mean) < 1e-12
                       for c in cells), item
            assert f"value {mean:.2f}" in text
    assert "Informe del taller" in text, "Spanish headings for a workshop in Spanish"
    ranking = api.get(activity_url(wid, "order", "results"))
    if ranking.status_code == 200:
        document = ranking.get_json()
        titles = {"a": "Crédito", "b": "Energía", "c": "Formación"}
        for n, key in enumerate(document["schulze"], start=1):
            assert f"{n} {titles[key]} {document['borda'][key]:.2f}" in text
    for key in ("importance", "order"):
        response = api.get(chart_url(wid, key, "png"))
        assert response.status_code in (200, 422)
        if scale.status_code == 200 and ranking.status_code == 200:
            assert response.status_code == 200 and response.get_data().startswith(b"\x89PNG")


def test_delphi_round_two_reports_the_previous_round(api: Any, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    response = api.post(activity_url(wid, "constraints", "rounds"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["round"] == 2
    for token, (_group, finance, skills, power) in zip(voted["tokens"], VOTES, strict=True):
        moved = [{"item": key, "x": None if x is None else max(-2, min(2, x + 1)), "y": y}
                 for key, (x, y) in (("finance", finance), ("skills", skills), ("power", power))]
        answer = api.put(activity_url(wid, "constraints", "responses"), json={"ratings": moved}, token=token)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    document = results(api, wid, "constraints")
    assert document["previous"]["round"] == 1

    book = load_workbook(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=xlsx").get_data()))
    table = {row["item"]: row for row in blocks(book["constraints"])["equal_groups"]}
    for key, before in document["previous"]["items"].items():
        for axis in ("x", "y"):
            expected = before[axis]["mean"]
            got = table[key][f"previous.{axis}.mean"]
            assert (got is None and expected is None) or abs(got - expected) < 1e-12, (key, axis)
        assert table[key]["x.mean"] != table[key]["previous.x.mean"], "everyone moved right by one point"

    reader = PdfReader(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=pdf").get_data()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    assert "Change since round 1" in text and "Round 2" in text
    for item in document["items"]:
        before = document["previous"]["items"][item["item"]]
        row = (f"x {before['x']['mean']:.2f} {item['x']['mean']:.2f} {before['x']['consensus']:.2f} "
               f"{item['x']['consensus']:.2f}")
        assert row in text, row

    root = ET.fromstring(api.get(chart_url(wid, "constraints", "svg")).get_data())
    arrows = {g.get("id") for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("previous-")}
    assert arrows == {f"previous-{i['item']}" for i in document["items"]}
    first = ET.fromstring(api.get(chart_url(wid, "constraints", "svg") + "?round=1").get_data())
    assert not any((g.get("id") or "").startswith("previous-") for g in first.iter(f"{SVG}g"))
    assert_problem(api.get(chart_url(wid, "constraints", "svg") + "?round=3"), 404)
    assert_problem(api.get(chart_url(wid, "constraints", "svg") + "?round=two"), 422, "round")


def test_an_activity_without_results_does_not_break_the_exports(api: Any, voted: dict[str, Any],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A type the results service cannot compute (yet) is listed with a note; the other activities still export."""
    from app.reports import collect

    real = collect.results.compute

    def compute(activity: Any, weighting: str = "equal_groups", **kwargs: Any) -> dict[str, Any]:
        if activity.key == "constraints":
            raise ValueError("no results for activity type matrix")
        return real(activity, weighting, **kwargs)

    monkeypatch.setattr(collect.results, "compute", compute)
    wid = voted["id"]
    book = load_workbook(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=xlsx").get_data()))
    cells = [c for row in book["constraints"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("not available" in c for c in cells)
    assert "Weighting: equal_groups" not in cells
    summary = [c for row in book["Summary"].iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, str) and "not available" in c for c in summary)
    raw = list(book["Raw responses"].iter_rows(values_only=True))
    assert len(raw) - 1 == len(VOTES) * 6, "the votes themselves are still exported"
    reader = PdfReader(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=pdf").get_data()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    assert "could not be computed" in text and "Not yet" in text
