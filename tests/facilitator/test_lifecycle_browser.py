"""In Debian's Chromium: a phone (JavaScript off) passes the consent step, then the facilitator archives and deletes
the workshop, after which its phone and screen pages are gone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.a11y import assert_accessible
from tests.support.browser import LAUNCH_ARGS, PHONE
from tests.support.pages import live_invite_path

TITLE = "Eastern Cape: data lifecycle"
NOTICE = "Your answers are kept for 30 days, then deleted."


@pytest.mark.browser
@pytest.mark.server
def test_consent_on_a_phone_then_archive_and_delete(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            console = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page = console.new_page()
            page.set_default_timeout(15_000)
            page.goto(base + live_invite_path(live_server.database_url))  # registration is closed: an invitation
            page.fill("#name", "Nomvula Dlamini")
            page.fill("#email", "nomvula@example.org")
            page.fill("#password", "a long passphrase")
            page.fill("#confirm", "a long passphrase")
            page.click("button[type=submit] >> text=Create account")
            page.click("text=+ New workshop")
            page.check("input[name=tpl-template][value=regional]")
            page.fill("#tpl-title", TITLE)
            page.click("text=Create from template")
            expect(page.locator("h1")).to_have_text(TITLE)

            page.fill("#consent-text", NOTICE)
            page.check("input[name=consent_required]")
            page.fill("#retention-days", "30")
            page.click("text=Save data settings")
            expect(page.locator(".flash-success")).to_contain_text("Data settings saved.")
            workshop_id = int(page.url.split("/workshops/")[1].split("/")[0].split("#")[0])
            page.goto(f"{base}/facilitator/workshops/{workshop_id}/run")
            expect(page.locator("[data-purge-at]")).to_contain_text("Deleted automatically on")
            code = page.locator("[data-join-code]").inner_text().strip()
            screen = page.locator("[data-screen-link]").get_attribute("href")

            assert_accessible(page, "run console with the retention panel")
            page.goto(f"{base}/facilitator/workshops/{workshop_id}")
            assert_accessible(page, "editor with data settings")
            checker = browser.new_context(**PHONE).new_page()  # axe needs scripts: a second phone, JS on
            checker.goto(f"{base}/j/{code}")
            assert_accessible(checker, "phone consent notice")
            page.goto(f"{base}/facilitator/workshops/{workshop_id}/run")

            # A phone with JavaScript off: the notice and "I understand" come before the group choice.
            phone_context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                                is_mobile=True)
            phone = phone_context.new_page()
            phone.set_default_timeout(15_000)
            phone.goto(f"{base}/j/{code}")
            expect(phone.locator("[data-consent-notice]")).to_contain_text(NOTICE)
            expect(phone.locator("button[name=group]")).to_have_count(0)
            phone.click("[data-consent-accept]")
            expect(phone.locator("button[name=group]").first).to_be_visible()
            phone.locator("button[name=group][value=workers]").click()
            expect(phone.locator("body")).not_to_contain_text("Which group are you in?")
            expect(page.locator("[data-total]")).to_have_text("1")

            # Archive, then delete: the confirmation only proceeds with the archive in hand and the title typed.
            page.click("text=Archive and delete…")
            expect(page.locator("[data-archive-state]")).to_have_attribute("data-archive-state", "missing")
            assert_accessible(page, "delete confirmation")
            page.fill("#confirm-title", TITLE)
            page.click("[data-delete-confirm]")
            expect(page.locator("[data-delete-error]")).to_contain_text("Download the archive first")
            with page.expect_download() as download:
                page.click("[data-delete-archive]")
            archive = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
            assert archive["workshop"]["title"] == TITLE and len(archive["participants"]) == 1
            assert archive["workshop"]["consent_text"] == NOTICE
            page.click("[data-delete-reload]")
            expect(page.locator("[data-archive-state]")).to_have_attribute("data-archive-state", "fetched")
            page.fill("#confirm-title", TITLE)
            page.click("[data-delete-confirm]")
            expect(page.locator("h1")).to_have_text("Your workshops")
            expect(page.locator(".flash-success")).to_contain_text("were deleted")
            expect(page.locator(f"tr[data-workshop='{workshop_id}']")).to_have_count(0)

            assert phone.goto(f"{base}/j/{code}").status == 404
            assert requests.get(f"{base}{screen}", timeout=10).status_code == 404
            assert page.goto(f"{base}/facilitator/workshops/{workshop_id}/run").status == 404
            page.goto(f"{base}/facilitator/audit")
            expect(page.locator("[data-audit-entry=workshop_deleted]")).to_contain_text(TITLE)
            assert_accessible(page, "audit log")
        finally:
            browser.close()
