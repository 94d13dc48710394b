"""Exports: the "Delphi rounds" sheet and PDF section (items asked and converged per round, Kendall's W per
round with groups only from k ballots), checked against the API's own documents."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.api import API, activity_url, results
from tests.support.builders import new_types_definition


def test_delphi_rounds_in_xlsx_and_pdf(api: Any, join: Any) -> None:
    ws = api.post(f"{API}/workshops", json=new_types_definition()).get_json()
    wid = ws["id"]
    for key in ("severity", "order"):
        assert api.post(activity_url(wid, key, "open")).status_code == 200
    tokens = [join(ws["join_code"], g) for g in ("gov",) * 3 + ("employers",) * 3]
    for n, token in enumerate(tokens):
        api.put(activity_url(wid, "severity", "responses"), token=token,
                json={"ratings": [{"item": "finance", "value": 4}, {"item": "skills", "value": 4 * (n % 2)}]})
        api.put(activity_url(wid, "order", "responses"), token=token,
                json={"ranking": ["finance", "skills", "power"] if n % 2 else ["power", "skills"]})
    started = api.post(activity_url(wid, "severity", "rounds"), json={"drop_converged": True, "min_consensus": 0.8})
    assert started.status_code == 200 and "finance" not in started.get_json()["round_items"]
    ranking = results(api, wid, "order")

    book = load_workbook(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=xlsx").get_data()))
    rows = list(book["Delphi rounds"].iter_rows(values_only=True))
    assert rows[0][:3] == ("activity", "round", "asked")
    severity = [r for r in rows[1:] if r[0] == "severity"]
    assert [(r[1], r[5]) for r in severity] == [(1, "finance"), (2, None)]
    assert severity[1][3] == "consensus" and severity[1][4] == pytest.approx(0.8)
    order = next(r for r in rows[1:] if r[0] == "order")
    assert order[6] == pytest.approx(ranking["kendall_w"])
    shown = {"gov": "Government", "employers": "Employers"}
    assert order[7] == "; ".join(f"{name} {ranking['by_group'][g]['kendall_w']:.3f}" for g, name in shown.items())
    assert ranking["by_group"]["workers"] is None and "Workers" not in order[7]  # no ballots: no figure

    text = " ".join(page.extract_text() for page in
                    PdfReader(io.BytesIO(api.get(f"{API}/workshops/{wid}/export?format=pdf").get_data())).pages)
    text = " ".join(text.split())
    assert "Delphi rounds" in text and "converged: Finance" in text
    assert f"W = {ranking['kendall_w']:.2f}" in text
