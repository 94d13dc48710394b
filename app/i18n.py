"""Which language a page speaks.

Phones and the screen follow the workshop's language unless the participant picked another one on the phone;
the console follows the facilitator's choice. Views that know the workshop call `use_workshop_language`.
"""

from __future__ import annotations

from flask import Flask, g, request, session

from app.extensions import babel

#: Languages with a catalogue under app/translations (English is the source text).
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt", "ar")
#: Languages the facilitator console is translated into.
CONSOLE_LANGUAGES: tuple[str, ...] = ("en", "fr")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
#: Session key of a language chosen explicitly on this browser (phone picker or console menu).
SESSION_KEY = "language"


def select_locale() -> str:
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    workshop_language = g.get("workshop_language")
    if workshop_language in LANGUAGES:
        return workshop_language
    return request.accept_languages.best_match(LANGUAGES) or "en"


def use_workshop_language(language: str | None) -> None:
    """The language of the workshop this request is about, used unless the browser chose its own."""
    g.workshop_language = language


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
