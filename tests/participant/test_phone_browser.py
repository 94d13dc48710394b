"""A real phone: Debian's Chromium at 360x740 against the real server, with and without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, PHONE, pick
from tests.support.server import make_facilitator_token


@pytest.mark.browser
@pytest.mark.server
def test_phone_joins_votes_and_follows_the_facilitator(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10,
                            json={"template": "regional", "title": "Eastern Cape constraints and sectors"})
    assert created.status_code == 201, created.text
    workshop = created.json()
    activities = f"{base}/api/v1/workshops/{workshop['id']}/activities"
    assert requests.post(f"{activities}/constraints/open", headers=headers, timeout=10).status_code == 200
    code = workshop["join_code"]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            page = browser.new_context(**PHONE).new_page()
            page.goto(f"{base}/join")
            page.fill("#code", f"{code[:3].lower()} {code[3:].lower()}")
            page.get_by_role("button", name="Join").click()
            expect(page.get_by_role("heading", name="Which group are you in?")).to_be_visible()
            page.get_by_role("button", name=re.compile("^Employers and business")).click()
            expect(page).to_have_url(re.compile(r"/p$"))
            expect(page.get_by_role("heading", name="Rate the constraints")).to_be_visible()
            expect(page.locator("html")).to_have_attribute("data-live", "connected")

            pick(page, "finance", "y", "5")
            pick(page, "finance", "x", "2")
            pick(page, "land", "y", "4")
            pick(page, "land", "x", "dk")
            expect(page.locator("[data-progress]")).to_contain_text("2 of 15 answered")
            page.get_by_role("button", name="Save answers").click()
            expect(page.locator("#status .notice-ok")).to_contain_text(
                "Saved 2 ratings. You can change them until the facilitator closes this activity.")
            expect(page.locator("#item-finance .chip-ok")).to_have_text("Saved")
            expect(page).to_have_url(re.compile(r"/p$"))  # saved in place, no page load

            assert requests.post(f"{activities}/sectors/open", headers=headers, timeout=10).status_code == 200
            expect(page).to_have_url(re.compile(r"/p/sectors$"), timeout=10_000)
            expect(page.get_by_role("heading", name="Rate the candidate sectors")).to_be_visible()

            # Without JavaScript the same pages work as plain forms.
            plain = browser.new_context(**PHONE, java_script_enabled=False).new_page()
            plain.goto(f"{base}/j/{code.lower()}")
            plain.get_by_role("button", name=re.compile("^Workers")).click()
            plain.get_by_role("link", name=re.compile("^Rate the constraints")).click()
            pick(plain, "finance", "y", "3")
            pick(plain, "finance", "x", "3")
            plain.get_by_role("button", name="Save answers").click()
            expect(plain.locator("#status .notice-ok")).to_contain_text("Saved 1 rating.")
        finally:
            browser.close()

    results = requests.get(f"{activities}/constraints/results?weighting=per_head", headers=headers, timeout=10)
    finance = next(i for i in results.json()["items"] if i["item"] == "finance")
    assert finance["n"] == 2 and finance["y"]["mean"] == 4
