"""Service errors through the JSON API speak the language the request asks for (Accept-Language), English by
default: a ballot outside the scale and a workshop definition with a bad activity."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import activity_url, assert_problem
from tests.support.builders import small_definition

#: Written here by hand (not read from the catalogue).
OUT_OF_SCALE = {"en": "x must be a whole number from 1 to 5, or null.",
                "fr": "x doit être un nombre entier de 1 à 5, ou null."}
BALLOT_INVALID = {"en": "One or more ratings are invalid; nothing was saved.",
                  "fr": "Une ou plusieurs notes ne sont pas valides ; rien n’a été enregistré."}
UNKNOWN_ITEM = {"en": "'nowhere' is not an item of this workshop.",
                "fr": "« nowhere » n’est pas un élément de cet atelier."}


def send(api: Any, method: str, path: str, body: Any, token: str, language: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if language:
        headers["Accept-Language"] = language
    return api.client.open(path, method=method, json=body, headers=headers)


@pytest.fixture
def ballot_setup(api: Any, join: Any) -> tuple[dict[str, Any], str]:
    response = api.post("/api/v1/workshops", json=small_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    workshop = response.get_json()
    assert api.post(activity_url(workshop["id"], "constraints", "open")).status_code == 200
    return workshop, join(workshop["join_code"], "workers")


@pytest.mark.parametrize("language", [None, "en", "fr"])
def test_a_ballot_error_in_the_requested_language(api: Any, ballot_setup: Any, language: str | None) -> None:
    workshop, token = ballot_setup
    body = {"ratings": [{"item": "finance", "x": 9, "y": 3}]}
    response = send(api, "PUT", activity_url(workshop["id"], "constraints", "responses"), body, token,
                    "fr-FR,fr;q=0.9" if language == "fr" else language)
    problem = assert_problem(response, 422, "ratings[0].x")
    expected = language or "en"
    assert problem["detail"] == BALLOT_INVALID[expected]
    assert {e["field"]: e["message"] for e in problem["errors"]}["ratings[0].x"] == OUT_OF_SCALE[expected]


@pytest.mark.parametrize("language", [None, "en", "fr"])
def test_a_definition_error_in_the_requested_language(api: Any, language: str | None) -> None:
    definition = small_definition()
    definition["activities"][0]["items"] = ["finance", "nowhere"]
    response = send(api, "POST", "/api/v1/workshops", definition, api.token, language)
    problem = assert_problem(response, 422, "activities[0].items[1]")
    message = {e["field"]: e["message"] for e in problem["errors"]}["activities[0].items[1]"]
    assert message == UNKNOWN_ITEM[language or "en"]


#: An archive import refused, a suggestion setting out of range and a body with an unknown field: each detail
#: and field message in English, French and Arabic (by hand too).
ARCHIVE_REFUSED = {
    "en": ("The archive has 1 problem(s); nothing was imported.", "The channel is phone or paper."),
    "fr": ("L’archive présente 1 problème(s) ; rien n’a été importé.", "Le canal est phone ou paper."),
    "ar": ("عدد المشكلات في الأرشيف: 1؛ لم يُستورد شيء.", "القناة هي phone أو paper."),
}
SETTINGS_REFUSED = {
    "en": ("The suggestion settings are invalid; nothing was changed.", "The limit is a whole number from 1 to 100."),
    "fr": ("Les réglages des propositions ne sont pas valides ; rien n’a été modifié.",
           "La limite est un nombre entier de 1 à 100."),
    "ar": ("إعدادات الاقتراحات غير صالحة؛ لم يتغير شيء.", "الحد عدد صحيح من 1 إلى 100."),
}
UNKNOWN_FIELD = {
    "en": ("Unknown field(s): weightz; nothing was changed.", "Unknown field 'weightz' (accepted: preset, weights).",
           "'preset' must be string."),
    "fr": ("Champ(s) inconnu(s) : weightz ; rien n’a été modifié.",
           "Champ inconnu « weightz » (acceptés : preset, weights).", "« preset » doit être de type string."),
    "ar": ("حقول غير معروفة: weightz؛ لم يتغير شيء.", "حقل غير معروف «weightz» (الحقول المقبولة: preset, weights).",
           "يجب أن يكون «preset» من النوع string."),
}
ACCEPT = {"fr": "fr-FR,fr;q=0.9", "ar": "ar"}


def messages(problem: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem["errors"]}


@pytest.fixture
def workshop(api: Any) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=small_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("language", [None, "fr", "ar"])
def test_an_archive_import_refusal_in_the_requested_language(api: Any, workshop: Any, language: str | None) -> None:
    exported = api.get(f"/api/v1/workshops/{workshop['id']}/export?format=json")
    assert exported.status_code == 200, exported.get_data(as_text=True)
    archive = exported.get_json()
    archive["participants"] = [{"pseudonym": "P001", "group": "workers", "channel": "fax"}]
    response = send(api, "POST", "/api/v1/workshops/import", archive, api.token, ACCEPT.get(language or ""))
    problem = assert_problem(response, 422, "participants[0].channel")
    detail, message = ARCHIVE_REFUSED[language or "en"]
    assert problem["title"] == "Invalid request"  # titles stay as the interface document writes them
    assert problem["detail"] == detail
    assert messages(problem)["participants[0].channel"] == message


@pytest.mark.parametrize("language", [None, "fr", "ar"])
def test_a_suggestion_settings_refusal_in_the_requested_language(api: Any, workshop: Any,
                                                                  language: str | None) -> None:
    response = send(api, "PUT", f"/api/v1/workshops/{workshop['id']}/proposal-settings", {"limit": 0}, api.token,
                    ACCEPT.get(language or ""))
    problem = assert_problem(response, 422, "limit")
    detail, message = SETTINGS_REFUSED[language or "en"]
    assert problem["detail"] == detail
    assert messages(problem)["limit"] == message


@pytest.mark.parametrize("language", [None, "fr", "ar"])
def test_an_unknown_body_field_in_the_requested_language(api: Any, workshop: Any, language: str | None) -> None:
    response = send(api, "POST", f"/api/v1/workshops/{workshop['id']}/weights", {"weightz": {}, "preset": 5},
                    api.token, ACCEPT.get(language or ""))
    problem = assert_problem(response, 422, "weightz", "preset")
    detail, unknown, mistyped = UNKNOWN_FIELD[language or "en"]
    assert problem["detail"] == detail
    assert messages(problem) == {"weightz": unknown, "preset": mistyped}


#: Written here by hand (not read from the catalogue).
BAD_FORMAT = {"en": "The format is csv, json, xlsx or pdf.", "fr": "Le format est csv, json, xlsx ou pdf.",
              "ar": "الصيغة هي csv أو json أو xlsx أو pdf."}
TOO_DEEP = {"en": "The JSON body is nested more than 32 levels deep.",
            "fr": "Le corps JSON est imbriqué sur plus de 32 niveaux.",
            "ar": "جسم JSON متداخل بأكثر من 32 مستويات."}


@pytest.mark.parametrize("language", [None, "fr", "ar"])
def test_an_export_format_and_a_deep_body_in_the_requested_language(api: Any, workshop: Any,
                                                                      language: str | None) -> None:
    headers = {"Authorization": f"Bearer {api.token}", **({"Accept-Language": language} if language else {})}
    export = api.client.get(f"/api/v1/workshops/{workshop['id']}/export?format=docx", headers=headers)
    assert assert_problem(export, 422, "format")["errors"][0]["message"] == BAD_FORMAT[language or "en"]
    deep: Any = 1
    for _ in range(100):
        deep = [deep]
    answer = api.client.post("/api/v1/join", data=f'{{"code": {deep}}}'.replace("'", '"'),
                             content_type="application/json", headers=headers)
    assert answer.status_code == 400
    assert answer.get_json()["detail"] == TOO_DEEP[language or "en"]
