"""In Chromium, on the real server: an observer opens the run console and finds no control they cannot use
(open/close, rounds, reveal, timer, reset, pace, proposal decisions, seat codes and passcode, screen link),
while the answers, the results and the exports stay; the owner's console still has every control."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, sign_in
from tests.support.builders import small_definition
from tests.support.database import config_dict
from tests.support.server import make_facilitator_token

#: Controls of the run console that only the owner and co-facilitators may use.
CONTROLS = (".joining-form", ".pace-panel", "[data-remote-link]", ".open-form", ".close-form", ".round-form",
            ".reveal-mode-form", ".reveal-form", ".timer-form", ".remove-answers", "[data-delphi-next]",
            "[data-paper-link]", ".proposal-actions", ".proposal-settings", ".voice-panel", ".voice-seat-make",
            "[data-new-screen-link]", "a[href$='/delete']")


def _add_observer(database_url: str, workshop_id: int, email: str) -> None:
    from app import create_app
    from app.extensions import db
    from app.models import Workshop
    from app.services import members
    from app.services.database import transaction

    application = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    with application.app_context():
        with transaction():
            workshop = db.session.get(Workshop, workshop_id)
            members.add(workshop, workshop.owner, email, "observer")
        db.session.remove()
        db.engine.dispose()


@pytest.mark.browser
@pytest.mark.server
def test_an_observer_sees_results_and_exports_but_no_controls(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    owner_token = make_facilitator_token(base, live_server.database_url, "owner@example.org", "owner-password")
    make_facilitator_token(base, live_server.database_url, "observer@example.org", "observer-password")
    owner = {"Authorization": f"Bearer {owner_token}"}
    workshop = requests.post(f"{base}/api/v1/workshops", json=small_definition(title="Watched workshop"),
                             headers=owner, timeout=10).json()
    wid = workshop["id"]
    assert requests.post(f"{base}/api/v1/workshops/{wid}/activities/constraints/open", headers=owner,
                         timeout=10).status_code == 200
    assert requests.post(f"{base}/api/v1/workshops/{wid}/activities/constraints/timer", json={"seconds": 300},
                         headers=owner, timeout=10).status_code == 200
    phone = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": "gov"},
                          timeout=10).json()
    voter = {"Authorization": f"Bearer {phone['participant_token']}"}
    saved = requests.put(f"{base}/api/v1/workshops/{wid}/activities/constraints/responses", headers=voter,
                         json={"ratings": [{"item": "finance", "x": 4, "y": 5}]}, timeout=10)
    assert saved.status_code == 200, saved.text
    assert requests.post(f"{base}/api/v1/workshops/{wid}/proposals", json={"kind": "constraint", "title": "Ports"},
                         headers=voter, timeout=10).status_code == 201
    assert requests.post(f"{base}/api/v1/workshops/{wid}/seat-codes", json={"count": 2}, headers=owner,
                         timeout=10).status_code == 201
    _add_observer(live_server.database_url, wid, "observer@example.org")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            errors: list[str] = []
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(15_000)
            page.on("pageerror", lambda error: errors.append(str(error)))
            sign_in(page, base, "observer@example.org", "observer-password")
            expect(page.locator("h1")).to_have_text("Your workshops")
            page.goto(f"{base}/facilitator/workshops/{wid}/run")
            expect(page.locator("body")).to_have_class("console console-run read-only")
            expect(page.locator("[data-read-only-console]")).to_have_count(1)
            expect(page.locator("[data-read-only]")).to_be_visible()
            for selector in CONTROLS:
                expect(page.locator(selector), selector).to_have_count(0)
            # what an observer is there for: who answered, the results, the proposals and the exports
            card = page.locator('.activity[data-activity="constraints"]')
            expect(card.locator("[data-respondents]")).to_have_text("1")
            expect(page.locator("[data-proposals]")).to_contain_text("Ports")
            for fmt in ("pdf", "xlsx", "csv", "json"):
                expect(page.locator(f'[data-export="{fmt}"]')).to_be_visible()
            page.wait_for_function("() => document.querySelector('[data-live-status]').textContent === 'Live'")
            card.locator("text=Results table").click()
            expect(page.locator("table").first).to_be_visible()
            expect(page.locator("body")).to_contain_text("Access to finance")
            assert not errors, errors

            # the owner's console keeps every control (the same template, another role)
            owner_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            owner_page.set_default_timeout(15_000)
            sign_in(owner_page, base, "owner@example.org", "owner-password")
            expect(owner_page.locator("h1")).to_have_text("Your workshops")
            owner_page.goto(f"{base}/facilitator/workshops/{wid}/run")
            expect(owner_page.locator("[data-read-only-console]")).to_have_count(0)
            for selector in (".joining-form", ".pace-panel", ".open-form", ".timer-form", ".proposal-actions",
                             ".voice-panel", "[data-new-screen-link]"):
                expect(owner_page.locator(selector).first, selector).to_be_attached()
        finally:
            browser.close()
