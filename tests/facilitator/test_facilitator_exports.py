"""Exports from the console with the facilitator's login: the same files the API serves, and only to the owner."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
from pypdf import PdfReader

from tests.support.pages import Browser, body


def vote(api: Any, join: Any, workshop: dict[str, Any]) -> None:
    api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open")
    for i, group in enumerate(["gov", "gov", "gov", "firms", "firms", "firms", "workers", "workers", "workers"]):
        token = join(workshop["join_code"], group)
        response = api.put(f"/api/v1/workshops/{workshop['id']}/activities/constraints/responses", token=token,
                           json={"ratings": [{"item": "finance", "x": 1 + i % 5, "y": 5 - i % 3},
                                             {"item": "skills", "x": None, "y": 2}]})
        assert response.status_code == 200, response.get_data(as_text=True)


def download(owner: Browser, workshop: dict[str, Any], fmt: str) -> Any:
    response = owner.get(f"/facilitator/workshops/{workshop['id']}/export.{fmt}")
    assert response.status_code == 200, (fmt, response.status_code)
    assert f'filename="prioritas-workshop-{workshop["id"]}.{fmt}"' in response.headers["Content-Disposition"]
    return response


def test_console_links_every_export(owner: Browser, workshop: dict[str, Any]) -> None:
    page = body(owner.get(f"/facilitator/workshops/{workshop['id']}/run"))
    for fmt in ("pdf", "xlsx", "csv", "json"):
        assert f'href="/facilitator/workshops/{workshop["id"]}/export.{fmt}" data-export="{fmt}"' in page


def test_console_exports_equal_the_api_exports(api: Any, owner: Browser, join: Any,
                                               workshop: dict[str, Any]) -> None:
    vote(api, join, workshop)
    api_csv = api.get(f"/api/v1/workshops/{workshop['id']}/export?format=csv").get_data(as_text=True)
    page_csv = download(owner, workshop, "csv").get_data(as_text=True)
    assert page_csv == api_csv
    rows = list(csv.DictReader(io.StringIO(page_csv)))
    assert len(rows) == 9 * 4  # nine phones, two items, two axes
    assert sum(1 for r in rows if r["item"] == "skills" and r["axis"] == "x" and r["value"] == "") == 9

    archive = json.loads(download(owner, workshop, "json").get_data(as_text=True))
    api_archive = api.get(f"/api/v1/workshops/{workshop['id']}/export?format=json").get_json()
    assert {k: v for k, v in archive.items() if k != "exported_at"} == \
        {k: v for k, v in api_archive.items() if k != "exported_at"}
    assert archive["workshop"]["title"] == workshop["title"] and len(archive["responses"]) == 36

    book = openpyxl.load_workbook(io.BytesIO(download(owner, workshop, "xlsx").get_data()), read_only=True)
    assert "Summary" in book.sheetnames and "Raw responses" in book.sheetnames

    pdf = PdfReader(io.BytesIO(download(owner, workshop, "pdf").get_data()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert workshop["title"] in text and "Access to finance" in text


def test_exports_belong_to_the_owner_only(owner: Browser, stranger: Browser, workshop: dict[str, Any],
                                          browser: Browser) -> None:
    url = f"/facilitator/workshops/{workshop['id']}/export.csv"
    assert stranger.get(url).status_code == 403
    assert owner.get(f"/facilitator/workshops/{workshop['id']}/export.exe").status_code == 404
    owner.logout()
    response = browser.get(url)
    assert response.status_code == 302 and "/facilitator/login" in response.headers["Location"]
