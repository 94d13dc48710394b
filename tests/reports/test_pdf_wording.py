"""The PDF report's wording comes from the gettext catalogues, in the workshop's language whatever the console
speaks, with the exact words the report has always used."""

from __future__ import annotations

import re
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
    assert spanish["overtakes"] == "{b} supera a {a} si el peso de «{criterion}» pasa de {start} a {end}."
    assert spanish["report"] == "Informe del taller"
    # Every placeholder of the English wording survives the translation (the report fills them in).
    for key, text in english.items():
        for language in (french, spanish):
            assert sorted(re.findall(r"\{[a-z_]+\}", language[key])) == sorted(re.findall(r"\{[a-z_]+\}", text)), key


def test_unknown_language_reads_english(app: Any) -> None:
    with app.app_context():
        assert pdf.strings("de") == pdf.strings("en")
