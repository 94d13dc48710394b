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
