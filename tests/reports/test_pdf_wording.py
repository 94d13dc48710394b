"""The PDF report's wording comes from the gettext catalogues, in the workshop's language whatever the console
speaks, with the exact words the report has always used."""

from __future__ import annotations

from typing import Any

from app.reports import pdf


def test_wording_in_the_workshop_language(app: Any) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        french = pdf.strings("fr")
        english = pdf.strings("en")
        spanish = pdf.strings("es")
    assert french["ci"] == "IC 95 %" and english["ci"] == "95 % CI"
    assert french["report"] == "Rapport d'atelier" and english["report"] == "Workshop report"
    assert "k = {k}" in french["method_text"] and "95 %," in french["method_text"]
    assert french["kind_outlier_firm"] == "Entreprise atypique" and french["status_merged"] == "Fusionnée"
    # Spanish has no wording yet for the weight sensitivity: English, never an empty cell.
    assert spanish["overtakes"] == english["overtakes"] and spanish["report"] == "Informe del taller"


def test_unknown_language_reads_english(app: Any) -> None:
    with app.app_context():
        assert pdf.strings("de") == pdf.strings("en")
