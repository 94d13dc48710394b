"""Actions, proposals, paper ballots and Arabic in the XLSX and PDF exports; the CSV stays as the contract says."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.api import API, activity_url, rating, results
from tests.support.builders import exports_definition


def export(api: Any, wid: int, fmt: str) -> bytes:
    response = api.get(f"{API}/workshops/{wid}/export?format={fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def pdf_text(raw: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages))


def add_proposals(app: Any, wid: int) -> None:
    """Proposals as the proposals service leaves them (written to the table directly: we only read it)."""
    from app.extensions import db
    from app.models import Proposal, Workshop, utcnow
    from app.services.database import transaction

    with app.app_context(), transaction():
        workshop = db.session.get(Workshop, wid)
        gov, firms = workshop.group("gov"), workshop.group("firms")
        db.session.add_all([
            Proposal(workshop_id=wid, group_id=gov.id, kind="constraint", title="Port congestion",
                     status="approved", item_id=workshop.item("power").id, decided_at=utcnow()),
            Proposal(workshop_id=wid, group_id=firms.id, kind="outlier_firm", title="=Acme exports", status="pending"),
            Proposal(workshop_id=wid, group_id=gov.id, kind="sector", title="Agro-processing", status="merged",
                     item_id=workshop.item("skills").id, decided_at=utcnow()),
        ])


@pytest.fixture
def with_actions(api: Any, voted: dict[str, Any], app: Any) -> dict[str, Any]:
    wid = voted["id"]
    url = activity_url(wid, "constraints", "actions")
    made = [api.post(url, json=body) for body in (
        {"item": "finance", "owner": "=Treasury", "due_date": "2027-02-01", "note": "+Draft the scheme"},
        {"item": "power", "owner": "Utility board"},
    )]
    assert all(r.status_code == 201 for r in made), [r.get_data(as_text=True) for r in made]
    add_proposals(app, wid)
    return voted


def test_workbook_actions_and_proposals(api: Any, with_actions: dict[str, Any]) -> None:
    wid = with_actions["id"]
    book = load_workbook(io.BytesIO(export(api, wid, "xlsx")))
    equal = {i["item"]: i["quadrant"] for i in results(api, wid, "constraints", "equal_groups")["items"]}
    names = {"top_right": "Quick wins", "top_left": "Advocacy", "bottom_right": "Fill-ins", "bottom_left": "Park"}
    rows = list(book["Actions"].iter_rows(values_only=True))
    assert rows[0] == ("activity", "item", "title", "quadrant", "quadrant name", "owner", "due date", "note")
    assert rows[1] == ("constraints", "finance", "'=HYPERLINK(\"http://x\")", equal["finance"],
                       names[equal["finance"]], "'=Treasury", "2027-02-01", "'+Draft the scheme")
    assert rows[2][:2] == ("constraints", "power") and rows[2][5:] == ("Utility board", None, None)
    assert rows[2][3] == equal["power"]
    proposals = list(book["Proposals"].iter_rows(values_only=True))
    assert [r[:5] for r in proposals[1:]] == [
        ("Port congestion", "constraint", "Government", "approved", "'-Electricity"),
        ("'=Acme exports", "outlier_firm", "'+Employers", "pending", None),
        ("Agro-processing", "sector", "Government", "merged", "Skills"),
    ]
    method = {row[0]: row[1] for row in book["Method"].iter_rows(min_row=2, values_only=True)}
    assert "Actions" in method
    # The CSV is the contract's: one row per saved value, nothing about actions or proposals.
    csv_text = export(api, wid, "csv").decode("utf-8")
    assert "Treasury" not in csv_text and "Port congestion" not in csv_text


def test_report_actions_and_proposals(api: Any, with_actions: dict[str, Any]) -> None:
    text = pdf_text(export(api, with_actions["id"], "pdf"))
    actions = text[text.index("Next steps agreed"):]
    assert "=Treasury" in actions and "2027-02-01" in actions and "+Draft the scheme" in actions
    assert "Utility board" in actions
    proposals = text[text.index("Proposals from participants"):]
    for expected in ("Port congestion", "Constraint", "Approved", "-Electricity", "=Acme exports", "Outlier firm",
                     "Pending", "Agro-processing", "Merged"):
        assert expected in proposals, expected


def test_no_sections_without_actions_or_proposals(api: Any, voted: dict[str, Any]) -> None:
    text = pdf_text(export(api, voted["id"], "pdf"))
    assert "Next steps agreed" not in text and "Proposals from participants" not in text


def test_participation_counts_paper_ballots(app: Any, api: Any, voted: dict[str, Any]) -> None:
    from app.services import participation
    from app.services.database import transaction

    wid = voted["id"]
    with app.app_context():
        for _ in range(2):
            with transaction():
                participation.join(voted["doc"]["join_code"], "workers", channel="paper")
    text = pdf_text(export(api, wid, "pdf"))
    assert "Paper ballots" in text
    # Workers: weight 0.50, expected –, joined 3 phones + 2 paper = 5, of which paper 2, then respondents.
    assert re.search(r"Workers 0\.50 – 5 2 3 0", text), text[text.index("Participation"):][:400]
    assert re.search(r"Government 2\.00 4 4 0 4 0", text)


ARABIC = {"finance": "الوصول إلى التمويل", "skills": "المهارات", "power": "الكهرباء"}


def test_arabic_letters_join_and_read_right_to_left(api: Any, join: Callable[..., str]) -> None:
    doc = exports_definition("ar", "ورشة عمل إقليمية")
    for item in doc["items"]:
        item["title"] = ARABIC[item["key"]]
    doc["groups"][0]["name"] = "الحكومة"
    wid = api.post(f"{API}/workshops", json=doc).get_json()["id"]
    api.post(activity_url(wid, "constraints", "open"))
    code = api.get(f"{API}/workshops/{wid}").get_json()["join_code"]
    for _ in range(3):
        token = join(code, "gov")
        assert api.put(activity_url(wid, "constraints", "responses"), token=token,
                       json={"ratings": [rating("finance", 1, 4), rating("skills", 2, 5)]}).status_code == 200
    text = pdf_text(export(api, wid, "pdf"))
    # Shaped and laid out right to left, the words extract in reading (logical) order; unshaped text drawn left
    # to right comes back reversed ("ليومتلا"), so this fails without shaping.
    for title in (*ARABIC.values(), "الحكومة", "ورشة عمل إقليمية"):
        assert title in text, title
    assert "ليومتلا" not in text
    # The report's own wording is Arabic too (the workshop's language), not English labels around Arabic items.
    for label in ("تقرير ورشة العمل", "المنهجية", "المشاركة"):
        assert label in text, label
    assert "Workshop report" not in text


def test_shaping_only_when_needed(app: Any, api: Any, voted: dict[str, Any]) -> None:
    from app.extensions import db
    from app.models import Workshop
    from app.reports.collect import collect
    from app.reports.pdf import needs_shaping

    with app.app_context():
        report = collect(db.session.get(Workshop, voted["id"]), "test")
        assert not needs_shaping(report)  # accents and dashes need no shaping
        report.document["title"] = "تونس"
        assert needs_shaping(report)
