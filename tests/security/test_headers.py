"""Every GET page of the app, as each kind of visitor, answers with the security headers (and never a 500)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API
from tests.support.builders import small_definition
from tests.support.pages import Browser

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def check_headers(response: Any, where: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (where, name, response.headers.get(name))
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], (where, csp)
    assert directives.get("object-src") == ["'none'"], (where, csp)
    script = directives.get("script-src", [])
    assert "'self'" in script and any(s.startswith("'nonce-") for s in script), (where, csp)
    assert not any(s in ("'unsafe-inline'", "'unsafe-eval'", "*") for s in script), (where, csp)
    for values in directives.values():  # no outside host anywhere: only keywords, data:/blob: and nonces
        assert all(v.startswith("'") or v in ("data:", "blob:") for v in values), (where, csp)
    assert "Strict-Transport-Security" not in response.headers  # only when PRIORITAS_HTTPS is on


def nonce_of(response: Any) -> str:
    match = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert match
    return match.group(1)


def check_scripts(response: Any, where: str) -> None:
    """Every script tag carries this answer's nonce; no inline handler or javascript: URL anywhere."""
    if response.mimetype != "text/html":
        return
    page = response.get_data(as_text=True)
    nonce = nonce_of(response)
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert f'nonce="{nonce}"' in tag, (where, tag)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page), where
    assert "javascript:" not in page.lower(), where


@pytest.fixture
def seeded(api: Any, app: Any, client: Any) -> dict[str, Any]:
    """A workshop with an open activity, an action and a proposal; a signed-in facilitator and a joined phone."""
    definition = small_definition()
    definition["activities"].append(builders.scale("sectors", ["finance"], "Sectors", "Score"))
    workshop = api.post(f"{API}/workshops", json=definition).get_json()
    wid = workshop["id"]
    assert api.post(f"{API}/workshops/{wid}/activities/constraints/open").status_code == 200
    action = api.post(f"{API}/workshops/{wid}/activities/constraints/actions",
                      json={"item": "finance", "owner": "Ministry", "note": "Talk"})
    phone = app.test_client()
    token = api.post(f"{API}/join", json={"code": workshop["join_code"], "group": "gov"}, token="")
    participant_token = token.get_json()["participant_token"]
    proposal = api.post(f"{API}/workshops/{wid}/proposals", json={"title": "Ports", "kind": "constraint"},
                        token=participant_token)
    from tests.support.pages import csrf_from

    page = phone.get(f"/j/{workshop['join_code']}").get_data(as_text=True)
    joined = phone.post(f"/j/{workshop['join_code']}", data={"csrf_token": csrf_from(page), "group": "gov"})
    assert joined.status_code == 302, joined.get_data(as_text=True)
    facilitator = Browser(client)
    assert facilitator.login("facilitator@example.org").status_code == 302
    return {"workshop": workshop, "phone": phone, "facilitator": client,
            "action_id": action.get_json().get("id", 1) if action.status_code == 201 else 1,
            "proposal_id": proposal.get_json().get("id", 1) if proposal.status_code == 201 else 1}


def _values(rule: Any, seeded: dict[str, Any]) -> list[dict[str, Any]] | None:
    workshop = seeded["workshop"]
    known = {"workshop_id": workshop["id"], "key": "constraints", "activity_key": "constraints",
             "action_id": seeded["action_id"], "proposal_id": seeded["proposal_id"],
             "code": workshop["join_code"], "token": workshop["screen_token"], "fmt": "csv",
             "filename": "js/phone.js", "secret": "an-unknown-invitation"}  # its error page carries them too
    if rule.endpoint.endswith("chart") or "chart" in rule.rule:
        known["fmt"] = "svg"
    if rule.endpoint == "api.get_template":
        known["key"] = "regional"
    if "kind" in rule.arguments:  # the editor's groups / items / activities pages, each with a real key
        return [{"workshop_id": known["workshop_id"], "kind": kind, **({"key": key} if "key" in rule.arguments
                                                                      else {})}
                for kind, key in (("groups", "gov"), ("items", "finance"), ("activities", "constraints"))]
    values = {}
    for name in rule.arguments:
        if name not in known:
            return None
        values[name] = known[name]
    return [values]


def _visit(url: str, rule: Any, seeded: dict[str, Any], anonymous: Any) -> None:
    """As a stranger, then as the page's own audience (phone pages as the phone, others as the facilitator)."""
    own = seeded["phone"] if rule.endpoint.startswith("participant.") else seeded["facilitator"]
    headers = {"Authorization": f"Bearer {seeded['workshop']['screen_token']}"} \
        if rule.endpoint.startswith("api.") and "results" in rule.rule else {}
    for client in (anonymous, own):
        response = client.get(url, headers=headers)
        assert response.status_code < 500, (url, response.status_code)
        check_headers(response, url)
        check_scripts(response, url)
        response.close()


def test_every_get_page_has_the_security_headers(app: Any, seeded: dict[str, Any]) -> None:
    from flask import url_for

    visited: list[str] = []
    skipped: list[str] = []
    anonymous = app.test_client()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        choices = _values(rule, seeded)
        if choices is None:
            skipped.append(rule.rule)
            continue
        for values in choices:
            with app.test_request_context():
                visited.append(url_for(rule.endpoint, **values))
            _visit(visited[-1], rule, seeded, anonymous)
    assert not skipped, f"GET rules with arguments this test cannot fill: {skipped}"
    assert len(visited) >= 30, visited
    # The pages that matter most were really rendered, not answered with an error.
    for url in (f"/screen/{seeded['workshop']['screen_token']}", f"/facilitator/workshops/{seeded['workshop']['id']}",
                "/p/constraints"):
        client = seeded["phone"] if url.startswith("/p") else seeded["facilitator"]
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "<script" in response.get_data(as_text=True)
        check_scripts(response, url)
    # A fresh nonce on every answer.
    first = anonymous.get("/facilitator/login")
    second = anonymous.get("/facilitator/login")
    assert nonce_of(first) != nonce_of(second)


def test_errors_and_static_files_have_the_headers_too(client: Any) -> None:
    for url in ("/no-such-page", f"{API}/no-such-thing", "/static/js/phone.js", f"{API}/openapi.json"):
        response = client.get(url)
        check_headers(response, url)
        response.close()


def test_https_switch_sets_secure_cookies_hsts_and_the_proxy_scheme(database_url: str) -> None:
    from app import create_app
    from tests.support.database import config_dict

    app = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": database_url, "PRIORITAS_HTTPS": True,
                      "PRIORITAS_PROXY_HOPS": 1})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    client = app.test_client()
    response = client.get("/facilitator/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3",
                                                         "X-Forwarded-Host": "workshop.example.org"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie, cookie
    redirect = client.get("/facilitator/", headers={"X-Forwarded-Proto": "https",
                                                    "X-Forwarded-Host": "workshop.example.org"})
    assert redirect.status_code == 302
    assert redirect.headers["Location"].startswith(("https://workshop.example.org/", "/")), redirect.headers
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
