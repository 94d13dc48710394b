"""The PDF report read back with pypdf: the room's (equal_groups) numbers as displayed, the method, languages."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from pypdf import PdfReader

from tests.support.api import API, activity_url, rating, results
from tests.support.builders import exports_definition
from tests.support.database import BACKENDS
from tests.support.reports import VOTES

pytestmark = BACKENDS


def fetch(api: Any, wid: int) -> PdfReader:
    response = api.get(f"{API}/workshops/{wid}/export?format=pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert f'filename="prioritas-workshop-{wid}.pdf"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(raw))


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text with runs of white space collapsed (table cells and lines come out space-separated)."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def shown(value: float | None) -> str:
    """How the report displays a figure: two decimals (an independent formatter, not the report's)."""
    return "–" if value is None else f"{value:.2f}"


def test_report_shows_the_rooms_numbers(api: Any, voted: dict[str, Any]) -> None:
    texts = page_texts(fetch(api, voted["id"]))
    cover, method = texts[0], texts[1]
    assert "Workshop report" in cover and "Exports — Éastern Cape" in cover
    assert str(len(VOTES)) in cover  # participants joined
    assert "Method" in method and "k = 3" in method
    assert "@note: perceptions" in method  # the workshop's own method note, verbatim (a PDF runs no formulas)

    [page] = [t for t in texts if "Rate the constraints" in t and "Tractability" in t]
    compact = page
    equal = results(api, voted["id"], "constraints", "equal_groups")
    per_head = {i["item"]: i for i in results(api, voted["id"], "constraints", "per_head")["items"]}
    for item in equal["items"]:
        for axis in ("x", "y"):
            figures, other = item[axis], per_head[item["item"]][axis]
            ci = "–" if not figures["ci95"] else f"{shown(figures['ci95'][0])}–{shown(figures['ci95'][1])}"
            # One table row per item and axis: axis, mean, per-head mean, median, interval, consensus.
            row = " ".join([axis, shown(figures["mean"]), shown(other["mean"]), shown(figures["median"]), ci,
                            shown(figures["consensus"])])
            assert row in compact, (item["item"], row)
        for flag in item.get("flags", []):
            assert flag.replace("_", " ") in compact
    # Quadrant names from the activity, and the pending activity says it has nothing yet.
    assert any(name in compact for name in ("Quick wins", "Advocacy", "Fill-ins", "Park"))
    # The cover's highlights list each top quadrant's items, as the API places them.
    titles = {i["key"]: i["title"] for i in voted["doc"]["items"]}
    for quadrant, name in (("top_right", "Quick wins"), ("top_left", "Advocacy")):
        keys = [i["item"] for i in equal["items"] if i["quadrant"] == quadrant]
        assert f"{name}: {', '.join(titles[k] for k in keys) or '–'}" in cover, quadrant
    [pending] = [t for t in texts if "Not yet" in t and "Type: matrix" in t]
    assert "No results yet." in pending


def test_hidden_groups_stay_hidden(api: Any, voted: dict[str, Any]) -> None:
    """The one observer is below k: the report must not print its name beside a figure."""
    texts = page_texts(fetch(api, voted["id"]))
    sections = [t.split("Where the groups disagree", 1)[1].split("(groups below k are not shown)")[0]
                for t in texts if "Where the groups disagree" in t]
    assert len(sections) == 2  # both matrix activities
    constraints_section = sections[0]
    # Government (x about 1.5) and +Employers (x about -1.6) differ by far more than a quarter of the -2..2 scale.
    assert "Government" in constraints_section and "+Employers" in constraints_section
    assert all("Academia" not in section for section in sections)
    document = results(api, voted["id"], "constraints", "equal_groups")
    assert all(item["by_group"]["academia"] is None for item in document["items"])
    # Participation is public: the number who joined per group is printed on the method page.
    assert "Academia" in texts[1]


def test_report_in_french_and_arabic_text(api: Any, join: Callable[..., str]) -> None:
    doc = api.post(f"{API}/workshops", json=exports_definition("fr", "Atelier régional — تونس")).get_json()
    wid = doc["id"]
    api.post(activity_url(wid, "constraints", "open"))
    token = join(doc["join_code"], "gov")
    assert api.put(activity_url(wid, "constraints", "responses"), token=token,
                   json={"ratings": [rating("finance", 1, 4)]}).status_code == 200
    texts = page_texts(fetch(api, wid))
    assert "Rapport d'atelier" in texts[0]
    assert "Méthode" in texts[1] and "Poids" in texts[1]
    assert "Atelier régional" in texts[0]
