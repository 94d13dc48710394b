"""Languages through the real app: phones in five languages, the picker, the screen, the console, evidence."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.api import create_facilitator
from tests.support.builders import small_definition
from tests.support.pages import csrf, html_lang, text

#: One phone string per language, written here by hand (not read from the catalogue).
WHICH_GROUP = {"en": "Which group are you in?", "fr": "À quel groupe appartenez-vous ?",
               "es": "¿A qué grupo pertenece?", "pt": "A que grupo pertence?", "ar": "إلى أي مجموعة تنتمي؟"}
SAVE = {"en": "Save answers", "fr": "Enregistrer les réponses", "es": "Guardar respuestas",
        "pt": "Guardar respostas", "ar": "حفظ الإجابات"}
DONT_KNOW = {"en": "Don't know", "fr": "Je ne sais pas", "es": "No sé", "pt": "Não sei", "ar": "لا أعرف"}


def make_workshop(api: Any, **overrides: Any) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=small_definition(**overrides))
    assert response.status_code == 201, text(response)
    return response.get_json()


def join_and_open(client: Any, api: Any, workshop: dict[str, Any]) -> str:
    """Join as an employer with the matrix open; returns the vote page's HTML."""
    opened = api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open")
    assert opened.status_code == 200, text(opened)
    page = client.get(f"/j/{workshop['join_code']}")
    joined = client.post(f"/j/{workshop['join_code']}", data={"csrf_token": csrf(text(page)), "group": "firms"})
    assert joined.status_code == 302, text(joined)
    vote = client.get("/p")
    assert vote.status_code == 200
    return text(vote)


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ar"])
def test_phone_pages_speak_the_workshop_language(client: Any, api: Any, language: str) -> None:
    workshop = make_workshop(api, language=language)
    groups = text(client.get(f"/j/{workshop['join_code']}"))
    assert WHICH_GROUP[language] in groups
    assert html_lang(groups) == (language, "rtl" if language == "ar" else "ltr")
    vote = join_and_open(client, api, workshop)
    assert SAVE[language] in vote and DONT_KNOW[language] in vote
    assert html_lang(vote) == (language, "rtl" if language == "ar" else "ltr")
    if language != "en":
        assert "Save answers" not in vote


def test_english_stays_the_default_without_accept_language(client: Any) -> None:
    page = text(client.get("/join"))
    assert "Join the workshop" in page and html_lang(page) == ("en", "ltr")
    assert html_lang(text(client.get("/join", headers={"Accept-Language": "pt-BR,pt;q=0.9"})))[0] == "pt"


def test_picker_works_without_javascript_and_overrides_the_workshop(client: Any, api: Any) -> None:
    workshop = make_workshop(api, language="en")
    path = f"/j/{workshop['join_code']}"
    page = text(client.get(path))
    form = re.search(r'<form class="langs" method="post" action="(/language)"', page)
    assert form, "the picker is a plain form"
    for code in ("en", "fr", "es", "pt", "ar"):
        assert f'name="language" value="{code}"' in page
    assert re.search(rf'name="next" value="{re.escape(path)}"', page)
    chosen = client.post("/language", data={"csrf_token": csrf(page), "language": "ar", "next": path})
    assert chosen.status_code == 303 and chosen.headers["Location"] == path
    arabic = text(client.get(path))
    assert WHICH_GROUP["ar"] in arabic and html_lang(arabic) == ("ar", "rtl")
    assert 'value="ar" lang="ar" aria-current="true"' in arabic
    # An unknown language changes nothing.
    client.post("/language", data={"csrf_token": csrf(arabic), "language": "xx", "next": path})
    assert WHICH_GROUP["ar"] in text(client.get(path))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "evil.example", "/%0d%0aSet-Cookie:x", ""])
def test_picker_never_redirects_off_site(client: Any, target: str) -> None:
    page = text(client.get("/join"))
    response = client.post("/language", data={"csrf_token": csrf(page), "language": "fr", "next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location or location == target  # only an on-site path is ever echoed back
    assert "\n" not in location and "\r" not in location


def test_picker_needs_the_form_token(client: Any) -> None:
    client.get("/join")
    response = client.post("/language", data={"language": "fr", "next": "/join"})
    assert response.status_code == 400
    assert "Join the workshop" in text(client.get("/join"))


def test_service_messages_reach_the_phone_translated(client: Any, api: Any) -> None:
    workshop = make_workshop(api, language="fr")
    page = client.get(f"/j/{workshop['join_code']}")
    response = client.post(f"/j/{workshop['join_code']}", data={"csrf_token": csrf(text(page)), "group": "aliens"})
    assert response.status_code == 422
    assert "Choisissez l’un des groupes de l’atelier." in text(response)
    # /join knows no workshop yet: it speaks the browser's choice.
    client.post("/language", data={"csrf_token": csrf(text(page)), "language": "es", "next": "/join"})
    unknown = client.post("/join", data={"csrf_token": csrf(text(page)), "code": "NOPE42"})
    assert unknown.status_code == 422
    assert "Ningún taller tiene el código NOPE42." in text(unknown)


def test_screen_follows_the_workshop_language_not_the_browser(client: Any, api: Any) -> None:
    workshop = make_workshop(api, language="es")
    token = workshop["screen_token"]
    page = text(client.get("/join"))
    client.post("/language", data={"csrf_token": csrf(page), "language": "fr", "next": "/join"})
    screen = text(client.get(f"/screen/{token}", headers={"Accept-Language": "fr"}))
    assert html_lang(screen) == ("es", "ltr")
    assert "Participe desde su teléfono" in screen and "Join on your phone" not in screen
    strings = re.search(r'<script[^>]* id="i18n"[^>]*>(.*?)</script>', screen, re.S)
    assert strings and '"badge_open": "En vivo"' in strings.group(1)

    arabic = make_workshop(api, language="ar", title="Arabic workshop")
    screen = text(client.get(f"/screen/{arabic['screen_token']}"))
    assert html_lang(screen) == ("ar", "rtl") and "شارك عبر هاتفك" in screen


def test_console_switches_to_french(app: Any, client: Any) -> None:
    create_facilitator(app)
    login = client.get("/facilitator/login")
    assert "Facilitator sign-in" in text(login) and html_lang(text(login)) == ("en", "ltr")
    client.post("/facilitator/login", data={"csrf_token": csrf(text(login)), "email": "facilitator@example.org",
                                            "password": "correct horse"})
    index = text(client.get("/facilitator/"))
    assert "Your workshops" in index
    assert re.search(r'<form class="console-langs" method="post" action="/language"', index)
    client.post("/language", data={"csrf_token": csrf(index), "language": "fr", "next": "/facilitator/"})
    french = text(client.get("/facilitator/"))
    assert "Vos ateliers" in french and "Your workshops" not in french
    assert html_lang(french) == ("fr", "ltr")
    # The console speaks the five languages: Arabic lays it out right to left.
    client.post("/language", data={"csrf_token": csrf(french), "language": "ar", "next": "/facilitator/"})
    arabic = text(client.get("/facilitator/"))
    assert "ورش العمل الخاصة بك" in arabic and "Your workshops" not in arabic and html_lang(arabic) == ("ar", "rtl")
    for code, words in (("es", "Sus talleres"), ("pt", "As suas oficinas")):
        client.post("/language", data={"csrf_token": csrf(arabic), "language": code, "next": "/facilitator/"})
        page = text(client.get("/facilitator/"))
        assert words in page and html_lang(page) == (code, "ltr")
    # The menu offers every language, each named in itself.
    assert all(f'value="{code}" lang="{code}"' in page for code in ("en", "fr", "es", "pt", "ar"))


def test_second_language_title_and_evidence_on_the_phone(client: Any, api: Any) -> None:
    long_facts = "Only 12 % of firms in the province have a bank loan; " * 4
    definition = small_definition(language="en", second_language="fr")
    definition["items"][0].update(
        title_2="Accès au financement",
        evidence="Survey 2024: https://example.org/report?a=1&b=2 javascript:alert(1) <script>alert(1)</script>")
    definition["items"][1].update(title_2="Compétences", evidence=long_facts)
    created = api.post("/api/v1/workshops", json=definition)
    assert created.status_code == 201, text(created)
    vote = join_and_open(client, api, created.get_json())

    assert '<span class="item-title-2" lang="fr" dir="ltr">Accès au financement</span>' in vote
    assert '<span class="item-title-2" lang="fr" dir="ltr">Compétences</span>' in vote
    assert ('<a href="https://example.org/report?a=1&amp;b=2" rel="nofollow noopener" target="_blank">'
            'https://example.org/report?a=1&amp;b=2</a>') in vote
    assert 'href="javascript:' not in vote and "<script>alert(1)</script>" not in vote
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in vote
    # Evidence comes before the rating buttons of its item; long evidence is folded away.
    card = vote[vote.index('id="item-finance"'):vote.index('id="item-skills"')]
    assert card.index('class="evidence"') < card.index('class="scale')
    skills = vote[vote.index('id="item-skills"'):vote.index('id="item-power"')]
    assert '<details class="evidence"><summary>Evidence</summary>' in skills
    assert "Only 12 % of firms" in skills


def test_no_second_title_without_a_second_language(client: Any, api: Any) -> None:
    definition = small_definition(language="en")
    definition["items"][0]["title_2"] = "Accès au financement"
    created = api.post("/api/v1/workshops", json=definition)
    assert created.status_code == 201, text(created)
    vote = join_and_open(client, api, created.get_json())
    assert "Accès au financement" not in vote


def test_screen_carries_the_second_language_titles(client: Any, api: Any) -> None:
    definition = small_definition(language="fr", second_language="ar")
    definition["items"][0]["title_2"] = "الوصول إلى التمويل"
    created = api.post("/api/v1/workshops", json=definition)
    assert created.status_code == 201, text(created)
    screen = text(client.get(f"/screen/{created.get_json()['screen_token']}"))
    data = re.search(r'<script[^>]* id="workshop-data"[^>]*>(.*?)</script>', screen, re.S)
    assert data is not None
    import json

    document = json.loads(data.group(1))
    assert document["second_language"] == "ar"
    assert [i.get("title_2") for i in document["items"]] == ["الوصول إلى التمويل", "", ""]


def test_console_results_show_the_evidence(client: Any, api: Any) -> None:
    definition = small_definition(language="en", second_language="pt")
    definition["items"][0].update(title_2="Acesso ao financiamento",
                                  evidence="Loans: https://example.org/loans <b>bold</b>")
    created = api.post("/api/v1/workshops", json=definition)
    assert created.status_code == 201, text(created)
    login = client.get("/facilitator/login")
    signed_in = client.post("/facilitator/login", data={"csrf_token": csrf(text(login)),
                                                        "email": "facilitator@example.org",
                                                        "password": "correct horse"})
    assert signed_in.status_code == 302
    page = text(client.get(f"/facilitator/workshops/{created.get_json()['id']}/activities/constraints/results"))
    section = page[page.index('id="evidence"'):]
    assert ('<dt data-item="finance">Access to finance · '
            '<span lang="pt" dir="ltr">Acesso ao financiamento</span>') in section
    assert '<a href="https://example.org/loans" rel="nofollow noopener" target="_blank">' in section
    assert "&lt;b&gt;bold&lt;/b&gt;" in section and "<b>bold</b>" not in section
    assert 'data-item="skills"' not in section  # no evidence, no entry


def test_error_pages_speak_the_browser_language(client: Any) -> None:
    page = text(client.get("/join"))
    client.post("/language", data={"csrf_token": csrf(page), "language": "pt", "next": "/join"})
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "<h1>Não encontrado</h1>" in text(missing) and "Voltar" in text(missing)
    assert html_lang(text(missing)) == ("pt", "ltr")
