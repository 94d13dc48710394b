"""One real run in Debian's Chromium: sign up (invitation link), create from a template, open an activity, watch a
phone join."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS
from tests.support.pages import live_invite_path


@pytest.mark.browser
@pytest.mark.server
def test_facilitator_runs_a_workshop_in_chromium(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(15_000)

            page.goto(base + live_invite_path(live_server.database_url))
            page.fill("#name", "Nomvula Dlamini")
            page.fill("#email", "nomvula@example.org")
            page.fill("#password", "a long passphrase")
            page.fill("#confirm", "a long passphrase")
            page.click("button[type=submit] >> text=Create account")
            expect(page.locator("h1")).to_have_text("Your workshops")

            page.click("text=+ New workshop")
            page.check("input[name=tpl-template][value=regional]")
            page.fill("#tpl-title", "Eastern Cape: constraints and sectors")
            page.click("text=Create from template")
            expect(page.locator("h1")).to_have_text("Eastern Cape: constraints and sectors")

            page.click("text=Run console →")
            expect(page.locator("[data-live-status]")).to_have_text("Live")
            code = page.locator("[data-join-code]").inner_text().strip()
            workshop_id = int(page.locator("[data-console]").get_attribute("data-workshop"))
            expect(page.locator("[data-total]")).to_have_text("0")

            card = page.locator('.activity[data-activity="constraints"]')
            card.locator("button:has-text('Open')").click()
            expect(card).to_have_attribute("data-state", "open")
            expect(card.locator("[data-state-label]")).to_have_text("Open")
            expect(page.locator("[data-live-status]")).to_have_text("Live")

            # A phone joins through the public API: the console counts it without a reload.
            joined = requests.post(f"{base}/api/v1/join", json={"code": code, "group": "workers"}, timeout=10)
            assert joined.status_code == 201, joined.text
            expect(page.locator("[data-total]")).to_have_text("1")
            expect(page.locator('[data-groups] [data-group="workers"] [data-count]')).to_have_text("1")

            # ...and its vote shows up in the activity's respondents.
            voted = requests.put(
                f"{base}/api/v1/workshops/{workshop_id}/activities/constraints/responses",
                json={"ratings": [{"item": "finance", "x": 4, "y": 5}]},
                headers={"Authorization": f"Bearer {joined.json()['participant_token']}"}, timeout=10)
            assert voted.status_code == 200, voted.text
            expect(card.locator("[data-respondents]")).to_have_text("1")
            expect(card.locator('[data-group="workers"] [data-respondents-group]')).to_have_text("1")

            # A fuller room: every group's count and the activity's respondents follow.
            for group, count in (("gov", 6), ("employers", 9), ("workers", 6), ("other", 2)):
                for _ in range(count):
                    token = requests.post(f"{base}/api/v1/join", json={"code": code, "group": group},
                                          timeout=10).json()["participant_token"]
                    if group != "other":
                        requests.put(f"{base}/api/v1/workshops/{workshop_id}/activities/constraints/responses",
                                     json={"ratings": [{"item": "finance", "x": 3, "y": 4}]},
                                     headers={"Authorization": f"Bearer {token}"}, timeout=10)
            expect(page.locator("[data-total]")).to_have_text("24")
            expect(card.locator("[data-respondents]")).to_have_text("22")
        finally:
            browser.close()
