"""Every export stays valid whatever text the database holds.

The rows are written straight through SQLAlchemy, as old data, a database console or a path without the
input checks might have stored them: NUL, ESC, vertical tab, C1, right-to-left override, formula prefixes,
markup, very long strings (lone surrogates cannot be stored: SQLite's driver refuses to encode them).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.support.api import API, activity_url

NASTY = ["NUL\x00inside", "esc\x1b[31mred", "vt\x0bform\x0cfeed", "c1\x85\x9bnext", "\u202eevil\u202c rtl",
         "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "</script><script>alert(1)</script>",
         "x" * 5000 + "\x00", "tab\tnew\nline\rend", "\x7fdel"]


@pytest.fixture
def nasty(api: Any, app: Any, join: Any) -> list[dict[str, Any]]:
    """Two workshops of one template, with votes, an action and a proposal, then every text made nasty."""
    docs = []
    for title in ("One", "Two"):
        doc = api.post(f"{API}/workshops", json={"template": "regional", "title": title}).get_json()
        key = doc["activities"][0]["key"]
        assert api.post(activity_url(doc["id"], key, "open")).status_code == 200
        items = doc["activities"][0]["items"]
        for group in [g["key"] for g in doc["groups"]] * 3:
            token = join(doc["join_code"], group)
            ratings = [{"item": item, "x": 2 + n % 3, "y": 1 + n % 4} for n, item in enumerate(items)]
            assert api.put(activity_url(doc["id"], key, "responses"), json={"ratings": ratings},
                           token=token).status_code == 200
        api.post(activity_url(doc["id"], key, "actions"), json={"item": items[0], "owner": "Treasury"})
        api.post(f"{API}/workshops/{doc['id']}/proposals", json={"title": "Ports", "kind": "constraint"},
                 token=token)
        docs.append(doc)
    from app.extensions import db
    from app.models import Action, Activity, Item, Proposal, StakeholderGroup, Workshop

    with app.app_context():
        n = 0
        for model, fields in ((Workshop, ("title",)), (StakeholderGroup, ("name",)), (Activity, ("title",)),
                              (Item, ("title", "description", "evidence", "category", "title_2")),
                              (Proposal, ("title", "description")), (Action, ("owner", "note"))):
            for row in db.session.scalars(db.select(model)):
                for field in fields:
                    setattr(row, field, NASTY[n % len(NASTY)] + f" {n}")
                    n += 1
        db.session.commit()
    return docs


def _valid(fmt: str, data: bytes) -> None:
    if fmt == "json":
        json.loads(data)
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    elif fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book.worksheets and book.worksheets[0].max_row > 1
        for sheet in book.worksheets:  # no cell became a live formula
            for row in sheet.iter_rows(values_only=True):
                assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) and len(v) > 1
                               and not v.startswith("- ") and not v[1:2].isdigit() for v in row), row
    elif fmt == "pdf":
        from pypdf import PdfReader

        assert len(PdfReader(io.BytesIO(data)).pages) >= 1
    elif fmt == "svg":
        ET.fromstring(data)
    elif fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:  # pragma: no cover
        raise AssertionError(fmt)


def test_every_export_answers_and_stays_valid(api: Any, nasty: list[dict[str, Any]], client: Any) -> None:
    from tests.support.pages import Browser

    checked = []
    for doc in nasty:
        wid = doc["id"]
        for fmt in ("json", "csv", "xlsx", "pdf"):
            response = api.get(f"{API}/workshops/{wid}/export?format={fmt}")
            assert response.status_code == 200, (fmt, response.get_data(as_text=True)[:500])
            _valid(fmt, response.get_data())
            checked.append(fmt)
        for activity in doc["activities"]:
            for fmt in ("png", "svg"):
                response = api.get(activity_url(wid, activity["key"], f"chart.{fmt}"))
                if response.status_code == 422:  # a type without a chart
                    continue
                assert response.status_code == 200, (activity["key"], fmt, response.get_data(as_text=True)[:300])
                _valid(fmt, response.get_data())
                checked.append(fmt)
        response = api.get(activity_url(wid, doc["activities"][0]["key"], "results"))
        assert response.status_code == 200
        assert api.get(f"{API}/workshops/{wid}").status_code == 200
        assert api.get(f"{API}/workshops/{wid}/proposals").status_code == 200
        assert api.get(f"{API}/workshops/{wid}/actions").status_code == 200
    ids = ",".join(str(d["id"]) for d in nasty)
    key = nasty[0]["activities"][0]["key"]
    response = api.get(f"{API}/comparisons?template=regional&activity={key}&workshops={ids}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    # The facilitator's pages and files.
    browser = Browser(client)
    assert browser.login("facilitator@example.org").status_code == 302
    for doc in nasty:
        for fmt in ("csv", "json", "xlsx", "pdf"):
            response = client.get(f"/facilitator/workshops/{doc['id']}/export.{fmt}")
            assert response.status_code == 200, (fmt, response.status_code)
            _valid(fmt, response.get_data())
        key = doc["activities"][0]["key"]
        for page in (f"/facilitator/workshops/{doc['id']}", f"/facilitator/workshops/{doc['id']}/run",
                     f"/facilitator/workshops/{doc['id']}/activities/{key}/results",
                     f"/screen/{doc['screen_token']}"):
            response = client.get(page)
            assert response.status_code == 200, page
            assert "<script>alert(1)" not in response.get_data(as_text=True)
    query = f"template=regional&activity={key}&workshops={nasty[0]['id']}&workshops={nasty[1]['id']}"
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/facilitator/comparison.{fmt}?{query}")
        assert response.status_code == 200, (fmt, response.get_data(as_text=True)[:500])
        _valid(fmt, response.get_data())
    assert client.get(f"/facilitator/comparison?{query}").status_code == 200
    assert {"json", "csv", "xlsx", "pdf", "png", "svg"} <= set(checked)
