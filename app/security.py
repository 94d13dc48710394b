"""What every answer and every request goes through: security headers, HTTPS behind a proxy, and input checks.

Headers: a nonce-based Content-Security-Policy (no inline script, no outside host, no framing), nosniff, a
referrer policy that never leaks a join code, and HSTS when the app is served over HTTPS.

Input: text that the app stores or echoes must be printable. Control characters (C0 except tab, newline and
carriage return, DEL, C1) and lone surrogates are refused where they enter (JSON bodies, form fields, query
strings), so no export can break on them later; JSON nested deeper than any real document is refused before
anything walks it; ids beyond a database integer are a plain 404.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask, Request, g, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from app.services.errors import MAX_LISTED_ERRORS, FieldError, Problem, invalid
from app.services.safetext import forbidden_character

#: No real document (workshop definition, archive, ballot) nests deeper than about eight levels.
MAX_JSON_DEPTH = 32
#: A phone form (the largest ballot: 200 items x 10 criteria of ~50 bytes each) stays far below this.
PHONE_FORM_MAX_BYTES = 256 * 1024
#: A 64-bit signed integer: the largest id a database column holds.
MAX_ID = 2**63 - 1


def _at_most(limit: int) -> str:
    """A regex for the decimal numbers 0..limit, so a larger id never matches a rule at all (a 404, never a
    405 from a sibling rule of another method, as a converter's range check would give)."""
    digits = str(limit)
    parts = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        if d != "0":
            rest = len(digits) - i - 1
            parts.append(digits[:i] + f"[0-{int(d) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class BoundedInt(IntegerConverter):
    """`<int:...>` path parts stop at the largest database id, so 2**63 and beyond are a 404, not a crash."""

    regex = _at_most(MAX_ID)

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max,
                         signed=signed)
        if signed:
            self.regex = "-?" + _at_most(MAX_ID)


def text_problem(field: str, text: str) -> FieldError | None:
    what = forbidden_character(text)
    if what is None:
        return None
    return FieldError(field, _("The text contains %(what)s; remove it and send again.", what=what))


def check_json(data: Any) -> None:
    """Walk a parsed JSON document once, without recursion: too deep is a 400, bad text a 422 naming the field."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    errors: list[FieldError] = []
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Problem(400, "Bad request", _("The JSON body is nested more than %(n)s levels deep.",
                                                n=MAX_JSON_DEPTH))
        if isinstance(value, str):
            if (error := text_problem(path, value)) is not None:
                errors.append(error)
        elif isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if (error := text_problem(where, str(key))) is not None:
                    errors.append(error)
                stack.append((item, where, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{n}]", depth + 1) for n, item in enumerate(value))
        if len(errors) > MAX_LISTED_ERRORS:
            break
    if errors:
        raise invalid(errors, _("Text may not contain control characters or broken characters."))


class CheckedRequest(Request):
    """A request whose JSON body is checked when a view reads it (so auth and state checks still come first)."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            data = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            raise Problem(400, "Bad request", _("The JSON body is nested too deep.")) from None
        if data is not None and not getattr(self, "_prioritas_json_checked", False):
            check_json(data)
            self._prioritas_json_checked = True
        return data


def _check_form_and_query() -> None:
    """Query strings and form fields (pages and phone forms) hold only printable text."""
    errors: list[FieldError] = []
    sources = [request.args]
    if request.blueprint != "api" and request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
    for source in sources:
        for name, value in source.items(multi=True):
            for error in (text_problem(name, name), text_problem(name, value)):
                if error is not None:
                    errors.append(error)
    if request.files:
        for name, file in request.files.items(multi=True):
            if (error := text_problem(name, file.filename or "")) is not None:
                errors.append(error)
    if errors:
        raise invalid(errors[:MAX_LISTED_ERRORS], "Text may not contain control characters or broken characters.")


# --- headers --------------------------------------------------------------------------------------------------

def csp_nonce() -> str:
    """This answer's script nonce (one per request), for `<script nonce="...">`."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def content_security_policy(nonce: str) -> str:
    """Scripts only from this origin and with this answer's nonce; nothing from another host; never framed.

    `style-src-attr 'unsafe-inline'`: three templates set a layout value as a style attribute (a scale's
    number of points, a participation bar's width) and the charts' tooltips carry inline styles; a style
    attribute cannot run script or select other elements, and with `img-src`/`font-src` limited to this
    origin it cannot send anything elsewhere either. `<style>` elements still need the nonce.
    """
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",  # fetch and Socket.IO (ws: and wss: of the same origin match 'self')
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Join links carry the workshop code: no-referrer means no page ever sends its address to another one,
    # not even to a link a participant follows from an item's evidence.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if g.get("https_app"):  # browsers ignore it over plain HTTP, so it is safe to send whenever HTTPS is on
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# --- wiring ---------------------------------------------------------------------------------------------------

def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered (the `int` converter applies to rules added afterwards)."""
    app.url_map.converters["int"] = BoundedInt
    app.request_class = CheckedRequest

    https = bool(app.config.get("PRIORITAS_HTTPS", _env_flag("PRIORITAS_HTTPS")))
    hops = int(app.config.get("PRIORITAS_PROXY_HOPS", os.environ.get("PRIORITAS_PROXY_HOPS") or 0))
    app.config["PRIORITAS_HTTPS"] = https
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust exactly `hops` proxies for the client address, scheme, host and port (never more: a client
        # could otherwise claim any address and escape the per-address rate limits).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]

    app.jinja_env.globals["csp_nonce"] = csp_nonce

    def _limit_and_check() -> None:
        g.https_app = https
        if request.blueprint == "participant":  # a phone form holds one ballot: refuse a huge body unread
            request.max_content_length = PHONE_FORM_MAX_BYTES
        _check_form_and_query()

    # First of all hooks: the CSRF check reads the form too, and must not parse a huge body first.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_and_check)

    app.after_request(_headers)
