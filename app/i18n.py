"""Which language a page speaks.

Phones follow the workshop's language unless the participant picked another one on the phone; the screen always
speaks the workshop's language (it is a projector, not a person); the console follows the facilitator's choice
(any of the five languages). Views that know the workshop call `use_workshop_language` before they translate anything.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, has_request_context, redirect, request, session
from flask_babel import get_locale, refresh
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.extensions import babel

#: Languages with a catalogue under app/translations (English is the source text).
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt", "ar")
#: Languages the facilitator console is translated into.
CONSOLE_LANGUAGES: tuple[str, ...] = LANGUAGES
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
#: Session key of a language chosen explicitly on this browser (phone picker or console menu).
SESSION_KEY = "language"
#: Each language's name in itself, for the pickers (never translated: people look for their own language).
NATIVE_NAMES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español", "pt": "Português",
                                "ar": "العربية"}
#: Names of the languages in the reader's language, for the console's workshop settings.
LANGUAGE_NAMES: dict[str, Any] = {"en": _l("English"), "fr": _l("French"), "es": _l("Spanish"),
                                  "pt": _l("Portuguese"), "ar": _l("Arabic")}

bp = Blueprint("i18n", __name__)


def _console_request() -> bool:
    return request.blueprint == "facilitator"


def select_locale() -> str:
    """Screen: the workshop's language, always. Console: the facilitator's choice among the console languages.
    Phones and other pages: the browser's choice, then the workshop's language, then Accept-Language, then en."""
    forced = g.get("forced_language")
    if forced in LANGUAGES:
        return forced
    if not has_request_context():  # a command or a background task: the workshop's language, if it set one
        return g.get("workshop_language") if g.get("workshop_language") in LANGUAGES else "en"
    allowed = CONSOLE_LANGUAGES if _console_request() else LANGUAGES
    chosen = session.get(SESSION_KEY)
    if chosen in allowed:
        return chosen
    workshop_language = g.get("workshop_language")
    if workshop_language in allowed and not _console_request():
        return workshop_language
    return request.accept_languages.best_match(allowed) or "en"


def use_workshop_language(language: str | None, *, force: bool = False) -> None:
    """The language of the workshop this request is about, used unless the browser chose its own.

    With `force` (the projector) the browser's own choice is ignored. Any locale already worked out for this
    request is forgotten, so a later gettext speaks the workshop's language."""
    g.workshop_language = language
    if force:
        g.forced_language = language
    refresh()


def current_language() -> str:
    return str(get_locale() or "en")


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only a path on this site: no scheme, no host, no `//host` or `/\\host` tricks (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ch in target for ch in "\r\n\t\\"):
        return fallback
    return target


@bp.post("/language")
def choose() -> Response:
    """Store the language picked on a phone or in the console, then go back to the page it was picked on.

    A plain form post, so it works with JavaScript off; an unknown language changes nothing."""
    language = request.form.get("language", "")
    if language in LANGUAGES:
        session[SESSION_KEY] = language
    elif language == "auto":
        session.pop(SESSION_KEY, None)
    return redirect(safe_next(request.form.get("next") or request.args.get("next")), code=303)


def _template_context() -> dict[str, Any]:
    language = current_language()
    return {"current_language": language, "current_direction": direction(language),
            "native_names": NATIVE_NAMES, "languages": LANGUAGES, "console_languages": CONSOLE_LANGUAGES,
            "language_direction": direction}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.context_processor(_template_context)
    app.register_blueprint(bp)
