"""In Chromium, on the real server: an administrator invites, the invited person signs up on the link, the
owner adds them as co-facilitator, and they run the console (open an activity, make a new screen link that
sends the projector's old link to "not valid")."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, sign_in
from tests.support.builders import small_definition
from tests.support.server import make_facilitator_token

PASSWORD = "a long passphrase"


@pytest.mark.browser
@pytest.mark.server
def test_invitation_then_co_facilitator_runs_the_console(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    make_facilitator_token(base, live_server.database_url, "admin@example.org", "admin-password")  # the first
    owner_token = make_facilitator_token(base, live_server.database_url, "owner@example.org", "owner-password")
    created = requests.post(f"{base}/api/v1/workshops", json=small_definition(title="Shared workshop"),
                            headers={"Authorization": f"Bearer {owner_token}"}, timeout=10)
    assert created.status_code == 201, created.text
    workshop = created.json()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            admin = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            admin.set_default_timeout(15_000)
            sign_in(admin, base, "admin@example.org", "admin-password")
            admin.click("text=Invitations")
            admin.fill("#invite-note", "Lindiwe")
            admin.click("text=Make an invitation link")
            link = admin.locator("[data-invite-link]").input_value()
            assert "/facilitator/invite/" in link

            newcomer = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            newcomer.set_default_timeout(15_000)
            newcomer.goto(link)
            expect(newcomer.locator("h1")).to_have_text("Create your facilitator account")
            newcomer.fill("#name", "Lindiwe Mokoena")
            newcomer.fill("#email", "lindiwe@example.org")
            newcomer.fill("#password", PASSWORD)
            newcomer.fill("#confirm", PASSWORD)
            newcomer.click("button[type=submit] >> text=Create account")
            expect(newcomer.locator("h1")).to_have_text("Your workshops")
            admin.reload()
            expect(admin.locator("tr[data-state=used]")).to_have_count(1)

            owner = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            owner.set_default_timeout(15_000)
            sign_in(owner, base, "owner@example.org", "owner-password")
            owner.goto(f"{base}/facilitator/workshops/{workshop['id']}/run")
            owner.click("#screen-link >> text=Members")
            owner.fill("#member-email", "lindiwe@example.org")
            owner.select_option("#member-role", "co_facilitator")
            owner.click("button[type=submit] >> text=Add")
            expect(owner.locator('tr[data-member="lindiwe@example.org"]')).to_have_attribute(
                "data-role", "co_facilitator")

            projector = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            projector.goto(f"{base}/screen/{workshop['screen_token']}")
            expect(projector.locator("body")).not_to_contain_text("not valid")

            newcomer.reload()
            row = newcomer.locator(f'tr[data-workshop="{workshop["id"]}"]')
            expect(row.locator("[data-role]")).to_have_text("co-facilitator")
            row.locator("text=Run").click()
            expect(newcomer.locator("[data-live-status]")).to_have_text("Live")
            card = newcomer.locator('.activity[data-activity="constraints"]')
            card.locator("button:has-text('Open')").click()
            expect(card).to_have_attribute("data-state", "open")

            newcomer.click("[data-new-screen-link]")
            expect(newcomer.locator(".flash")).to_contain_text("old link no longer works")
            new_href = newcomer.locator("[data-screen-link]").get_attribute("href")
            assert new_href and workshop["screen_token"] not in new_href
            # The projector on the old link is told at once and reloads onto "not valid".
            expect(projector.locator("body")).to_contain_text("not valid", timeout=10_000)
        finally:
            browser.close()
