"""A group's name in the workshop's second language (`name_2`): set in a definition or in the editor, carried by
the workshop document and the JSON archive (an archive without it still imports), and shown beside the first name
on the phone's group choice, the screen's data, the editor and the XLSX workbook."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from openpyxl import load_workbook

from tests.support.builders import small_definition
from tests.support.pages import Browser, body

API = "/api/v1"


def bilingual() -> dict[str, Any]:
    definition = small_definition(language="fr", second_language="ar")
    definition["groups"][0].update(name="Gouvernement", name_2="الحكومة")
    definition["groups"][1].update(name="Employeurs", name_2="أصحاب العمل")
    return definition


def created(api: Any, definition: dict[str, Any]) -> dict[str, Any]:
    response = api.post(f"{API}/workshops", json=definition)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def names(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(g["name"], g["name_2"]) for g in doc["groups"]]


EXPECTED = [("Gouvernement", "الحكومة"), ("Employeurs", "أصحاب العمل"), ("Workers", "")]


def test_definition_document_archive_import_round_trip(api: Any) -> None:
    doc = created(api, bilingual())
    assert names(doc) == EXPECTED
    assert names(api.get(f"{API}/workshops/{doc['id']}").get_json()) == EXPECTED

    archive = api.get(f"{API}/workshops/{doc['id']}/export?format=json").get_json()
    assert names(archive["workshop"]) == EXPECTED
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    copy = imported.get_json()
    assert copy["id"] != doc["id"] and names(copy) == EXPECTED
    # ...and once more: the copy's archive is the original's.
    again = api.get(f"{API}/workshops/{copy['id']}/export?format=json").get_json()
    assert again["workshop"]["groups"] == archive["workshop"]["groups"]


def test_an_archive_from_before_name_2_still_imports(api: Any) -> None:
    doc = created(api, bilingual())
    archive = api.get(f"{API}/workshops/{doc['id']}/export?format=json").get_json()
    for group in archive["workshop"]["groups"]:
        group.pop("name_2")
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    assert {g["name_2"] for g in imported.get_json()["groups"]} == {""}


def test_a_too_long_name_2_is_refused_and_creates_nothing(api: Any) -> None:
    before = api.get(f"{API}/workshops").get_json()
    definition = bilingual()
    definition["groups"][0]["name_2"] = "x" * 121
    response = api.post(f"{API}/workshops", json=definition)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "groups[0].name_2" in response.get_data(as_text=True)
    assert api.get(f"{API}/workshops").get_json() == before


def test_phone_group_choice_shows_both_names(api: Any, client: Any) -> None:
    doc = created(api, bilingual())
    page = client.get(f"/j/{doc['join_code']}").get_data(as_text=True)
    assert re.search(r'<span class="group-name">Gouvernement <span class="group-name-2" lang="ar" dir="rtl">'
                     r'الحكومة</span></span>', page), page
    assert '<span class="group-name">Workers</span>' in page  # no second name: nothing beside it

    # Without a second language the second names stay out of sight.
    plain = small_definition()
    plain["groups"][0]["name_2"] = "Gobierno"
    monolingual = created(api, plain)
    page = client.get(f"/j/{monolingual['join_code']}").get_data(as_text=True)
    assert "Gobierno" not in page and "Government" in page


def test_screen_data_carries_name_2_only_with_a_second_language(api: Any, client: Any) -> None:
    doc = created(api, bilingual())
    page = client.get(f"/screen/{doc['screen_token']}").get_data(as_text=True)
    data = json.loads(re.search(r'<script[^>]* id="workshop-data"[^>]*>(.*?)</script>', page,
                                re.S).group(1))
    assert names(data) == EXPECTED


def test_editor_edits_name_2_next_to_the_name(api: Any, owner: Browser) -> None:
    doc = created(api, bilingual())
    url = f"/facilitator/workshops/{doc['id']}/groups/workers/edit"
    form = owner.text(url)
    assert 'name="name_2"' in form and form.index('name="name"') < form.index('name="name_2"')
    response = owner.submit(url, data={"key": "workers", "name": "Travailleurs", "name_2": "العمال",
                                       "weight": "1", "description": ""})
    assert response.status_code == 302, body(response)
    assert names(api.get(f"{API}/workshops/{doc['id']}").get_json())[2] == ("Travailleurs", "العمال")
    editor = owner.text(f"/facilitator/workshops/{doc['id']}")
    assert '<span lang="ar" dir="rtl">العمال</span>' in editor
    # The saved form shows what it holds.
    assert 'value="العمال"' in owner.text(url)


def test_workbook_lists_name_2(api: Any) -> None:
    doc = created(api, bilingual())
    response = api.get(f"{API}/workshops/{doc['id']}/export?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    found = None
    for sheet in book.worksheets:
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        if rows and "name_2" in rows[0] and "paper ballots" in rows[0]:
            found = {row[0]: row[rows[0].index("name_2")] for row in rows[1:]}
    assert found == {"gov": "الحكومة", "firms": "أصحاب العمل", "workers": ""} or found == {
        "gov": "الحكومة", "firms": "أصحاب العمل", "workers": None}


def test_report_names_groups_in_both_languages() -> None:
    from app.reports.collect import display_name

    assert display_name({"name": "Gouvernement", "name_2": "الحكومة"}, "ar") == "Gouvernement · الحكومة"
    assert display_name({"name": "Gouvernement", "name_2": "الحكومة"}, "") == "Gouvernement"
    assert display_name({"name": "Workers"}, "ar") == "Workers"
