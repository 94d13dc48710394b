"""The console in five languages: Arabic lays it out right to left, and console.js holds no text of its own —
every string it shows comes from the page's translated #i18n block."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.builders import small_definition
from tests.support.pages import csrf, html_lang, text

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_JS = (ROOT / "static" / "js" / "console.js").read_text(encoding="utf-8")
I18N_BLOCK = re.compile(r'<script[^>]* id="i18n"[^>]*>(.*?)</script>', re.S)
#: Written here by hand, not read from the catalogue: the connection messages of the run console.
OFFLINE = {"en": "Offline: retrying…", "fr": "Hors ligne : nouvelle tentative…", "es": "Sin conexión: reintentando…",
           "pt": "Sem ligação: a tentar de novo…", "ar": "غير متصل: جارٍ إعادة المحاولة…"}
RUN_CONSOLE = {"es": "Consola de conducción", "pt": "Consola de condução", "ar": "وحدة التحكم في الإدارة"}


def signed_in(app: Any, client: Any, language: str) -> None:
    """Sign in as the facilitator behind the `api` fixture and pick the console language in the footer menu."""
    login = text(client.get("/facilitator/login"))
    client.post("/facilitator/login", data={"csrf_token": csrf(login), "email": "facilitator@example.org",
                                            "password": "correct horse"})
    index = text(client.get("/facilitator/"))
    client.post("/language", data={"csrf_token": csrf(index), "language": language, "next": "/facilitator/"})


def console_page(app: Any, client: Any, api: Any, language: str) -> str:
    created = api.post("/api/v1/workshops", json=small_definition(title="Atelier de Maputo"))
    assert created.status_code == 201, text(created)
    signed_in(app, client, language)
    response = client.get(f"/facilitator/workshops/{created.get_json()['id']}/run")
    assert response.status_code == 200
    return text(response)


def js_keys() -> set[str]:
    return set(re.findall(r'\bt\("(\w+)"\)', CONSOLE_JS))


def test_console_js_reads_every_string_from_the_block() -> None:
    keys = js_keys()
    assert {"offline", "live", "reconnecting", "connecting", "not_saved"} <= keys
    # No English left behind: no t() fallback, and no string literal with words assigned to what people see.
    assert not re.search(r'\bt\("\w+",', CONSOLE_JS)
    shown = re.findall(r'(?:textContent\s*=|setStatus\()\s*"([^"]*[A-Za-z]{3,}[^"]*)"', CONSOLE_JS)
    assert shown == [], shown


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ar"])
def test_console_block_translates_every_key(app: Any, client: Any, api: Any, language: str) -> None:
    page = console_page(app, client, api, language)
    block = I18N_BLOCK.search(page)
    assert block, "the console has no #i18n block"
    strings = json.loads(block.group(1))
    assert js_keys() <= set(strings), js_keys() - set(strings)
    assert strings["offline"] == OFFLINE[language]
    assert "{reason}" in strings["not_saved"]
    if language != "en":
        english = json.loads(I18N_BLOCK.search(console_page_english(app, client)).group(1))
        same = [k for k in strings if strings[k] == english[k]]
        assert same == [], same


def console_page_english(app: Any, client: Any) -> str:
    index = text(client.get("/facilitator/"))
    client.post("/language", data={"csrf_token": csrf(index), "language": "en", "next": "/facilitator/"})
    run = re.search(r'href="(/facilitator/workshops/\d+/run)"', text(client.get("/facilitator/")))
    assert run
    return text(client.get(run.group(1)))


@pytest.mark.parametrize("language", ["es", "pt", "ar"])
def test_console_speaks_the_language_and_arabic_reads_right_to_left(app: Any, client: Any, api: Any,
                                                                     language: str) -> None:
    page = console_page(app, client, api, language)
    assert html_lang(page) == (language, "rtl" if language == "ar" else "ltr")
    assert RUN_CONSOLE[language] in page or RUN_CONSOLE[language] in text(client.get("/facilitator/"))
    assert "Live updates off" not in page and "Join code" not in page


def test_no_composed_sentences_in_flash_messages(app: Any, client: Any, api: Any) -> None:
    """Saving a group in Spanish says so in a whole sentence that agrees ("Grupo ... guardado")."""
    created = api.post("/api/v1/workshops", json=small_definition()).get_json()
    signed_in(app, client, "es")
    url = f"/facilitator/workshops/{created['id']}/groups/workers/edit"
    form = text(client.get(url))
    assert "Guardar el grupo de partes interesadas" in form and "Editar el grupo de partes interesadas" in form
    saved = client.post(url, data={"csrf_token": csrf(form), "key": "workers", "name": "Trabajadores",
                                   "weight": "1"}, follow_redirects=True)
    assert "Grupo de partes interesadas «Trabajadores» guardado." in text(saved)
