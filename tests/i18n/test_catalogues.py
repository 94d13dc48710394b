"""The catalogues: every phone, screen and console string translated into fr/es/pt/ar, and the
committed .mo files compiled from the .po files as they are now (so they cannot go stale)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
LANGUAGES = ("fr", "es", "pt", "ar")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2)}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
#: What phones and the screen show, and what the facilitator's pages show (all four languages each).
PHONE_SOURCES = ["templates/participant", "templates/screen", "templates/errors", "app/participant", "app/screen",
                 "app/activities"]  # the activity types word the phone forms and their messages
CONSOLE_SOURCES = ["templates/facilitator", "app/facilitator", "app/activities"]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def msgids(folders: list[str]) -> set[Any]:
    """Extracted here, independently of messages.pot, so a string nobody re-extracted is still checked."""
    found: set[Any] = set()
    for folder in folders:
        for _file, _line, message, _comments, context in extract_from_dir(
                ROOT / folder, METHODS, keywords=KEYWORDS, comment_tags=()):
            found.add(Contextual(message, context) if context else message)
    return found


class Contextual(str):
    """A msgid with its msgctxt (pgettext): the same English word for two meanings, e.g. the button "Open" and
    the state "Open"."""

    context: str

    def __new__(cls, message: str, context: str) -> Contextual:
        made = super().__new__(cls, message)
        made.context = context
        return made

    def __hash__(self) -> int:
        return hash((str(self), self.context))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Contextual) and (str(self), self.context) == (str(other), other.context)


def catalogue(language: str) -> Any:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def translated(cat: Any, msgid: Any) -> list[str]:
    message = cat.get(str(msgid), context=msgid.context) if isinstance(msgid, Contextual) else cat.get(msgid)
    if message is None or message.fuzzy:
        return []
    strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    return strings if all(strings) else []


def frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_phone_and_screen_strings_are_found() -> None:
    ids = msgids(PHONE_SOURCES)
    assert "Save answers" in ids and "Join on your phone" in ids and "Time is up" in ids
    assert ("Saved %(num)s rating.", "Saved %(num)s ratings.") in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phone_and_screen_string_is_translated(language: str) -> None:
    cat = catalogue(language)
    missing = [m for m in msgids(PHONE_SOURCES) if not translated(cat, m)]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_console_strings_are_found() -> None:
    ids = msgids(CONSOLE_SOURCES)
    assert "Your workshops" in ids and "Offline: retrying…" in ids and "Save stakeholder group" in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_console_string_is_translated(language: str) -> None:
    """Login, workshop list, editor, run console, results, paper ballots, proposals, actions, templates, imports,
    comparison and their flash messages: no empty or fuzzy msgstr in any language."""
    cat = catalogue(language)
    missing = [m for m in msgids(CONSOLE_SOURCES) if not translated(cat, m)]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_no_composed_noun_messages() -> None:
    """A noun dropped into a sentence ("Save %(noun)s") cannot agree in gender in French, Spanish or Portuguese:
    each case is a whole sentence of its own."""
    composed = [m for m in msgids(CONSOLE_SOURCES)
                if any(p in str(m) for p in ("%(noun)s", "%(state)s", "%(missing)s"))]
    assert not composed, composed


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_plural_forms(language: str) -> None:
    cat = catalogue(language)
    for message in cat:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple):
            assert len(strings) == cat.num_plurals, message.id
        expected = placeholders(ids[-1])
        for text in strings:
            if not text:
                continue
            found = placeholders(text)
            # A plural form may leave the number out ("one rating"); it never brings in a stranger.
            assert found <= expected | placeholders(ids[0]), (language, message.id, text)
            if not isinstance(message.id, tuple):
                assert found == expected, (language, message.id, text)
            # Templates format every translation with %: a lone % would break the page.
            assert "%" not in PLACEHOLDER.sub("", text).replace("%%", ""), (language, message.id, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_matches_the_po(language: str) -> None:
    """Recompiling the .po gives the committed .mo: `make translations` was run after the last edit."""
    po = catalogue(language)
    compiled = io.BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    fresh = {frozen(m.id): frozen(m.string) for m in read_mo(compiled) if m.id}
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        committed = {frozen(m.id): frozen(m.string) for m in read_mo(handle) if m.id}
    assert committed == fresh
    assert len(committed) > 100
