"""The "Compare workshops" page: reachable from the workshop list, picks the template, workshops and activity,
shows the same figures as the API, and downloads the table as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.support.pages import Browser, body

API = "/api/v1"


@pytest.fixture(autouse=True)
def live_pushes(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import publisher

    monkeypatch.setattr(publisher.hub, "results_changed", lambda activity_id: None)
    monkeypatch.setattr(publisher.hub, "participation_changed", lambda workshop_id: None)


@pytest.fixture
def two(api: Any, join: Any) -> list[int]:
    """Two workshops of the regional template (k = 5); five per group rate finance and skills."""
    ids = []
    for n, (fx, sx) in enumerate(((5, 2), (2, 5))):
        doc = api.post(f"{API}/workshops", json={"template": "regional", "title": f"Town {n + 1}"}).get_json()
        ids.append(doc["id"])
        assert api.post(f"{API}/workshops/{doc['id']}/activities/constraints/open").status_code == 200
        for group in ("gov", "employers", "workers"):
            for _ in range(5):
                token = join(doc["join_code"], group)
                ratings = [{"item": "finance", "x": fx, "y": 4}, {"item": "skills", "x": sx, "y": 4}]
                response = api.put(f"{API}/workshops/{doc['id']}/activities/constraints/responses", token=token,
                                   json={"ratings": ratings})
                assert response.status_code == 200
    return ids


def test_page_matches_the_api(owner: Browser, api: Any, two: list[int]) -> None:
    assert "/facilitator/comparison" in owner.text("/facilitator/")
    chooser = body(owner.get("/facilitator/comparison"))
    assert 'value="regional" selected' in chooser and 'value="constraints" selected' in chooser
    page = body(owner.get("/facilitator/comparison?template=regional&activity=constraints"))
    doc = api.get(f"{API}/comparisons?template=regional&activity=constraints").get_json()
    finance = re.search(r'<tr data-item="finance">.*?</tr>', page, re.S).group(0)
    cells = re.findall(r'data-stat="(x|rank|rank_change)">([^<]*)<', finance)
    assert cells == [("x", "5.00"), ("rank", "1"), ("x", "2.00"), ("rank", "2"), ("x", "3.50"), ("rank", "1"),
                     ("rank_change", "-1")]
    row = next(r for r in doc["items"] if r["item"] == "finance")
    assert [c["x"] for c in row["workshops"]] == [5.0, 2.0] and row["pooled"]["x"] == 3.5
    assert row["rank_change"] == -1
    tax = re.search(r'<tr data-item="tax">.*?</tr>', page, re.S).group(0)
    assert "—" in tax  # nobody rated it: no position, no rank


def test_downloads(owner: Browser, two: list[int]) -> None:
    query = f"template=regional&activity=constraints&workshops={two[0]}&workshops={two[1]}"
    response = owner.get(f"/facilitator/comparison.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header = rows[0]
    finance = next(r for r in rows if r[0] == "finance")
    assert float(finance[header.index(f"{two[1]}: x")]) == 2.0
    assert float(finance[header.index("pooled: x")]) == 3.5
    xlsx = owner.get(f"/facilitator/comparison.xlsx?{query}")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.get_data()))["Comparison"]
    assert [c.value for c in sheet[1]] == header
    assert owner.get(f"/facilitator/comparison.pdf?{query}").status_code == 404


def test_one_workshop_only(owner: Browser, two: list[int]) -> None:
    page = body(owner.get(f"/facilitator/comparison?template=regional&activity=constraints&workshops={two[1]}"))
    finance = re.search(r'<tr data-item="finance">.*?</tr>', page, re.S).group(0)
    assert re.findall(r'data-stat="x">([^<]*)<', finance) == ["2.00", "2.00"]  # the workshop and the pool


def test_strangers_see_nothing(stranger: Browser, two: list[int]) -> None:
    page = stranger.get("/facilitator/comparison")
    assert page.status_code == 200 and "data-no-templates" in body(page)
    denied = stranger.get(f"/facilitator/comparison?template=regional&activity=constraints&workshops={two[0]}")
    assert denied.status_code == 403
    assert stranger.get(f"/facilitator/comparison.csv?template=regional&activity=constraints&workshops={two[0]}"
                        ).status_code == 403
