"""Presenter pace in Debian's Chromium: the facilitator walks the room item by item from the phone remote
(360×740), a phone follows live (saving what was unsaved first), the screen names and highlights the current
item, the remote's state follows changes made elsewhere, and an approved suggestion shows briefly on screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, PHONE
from tests.support.builders import typed_definition
from tests.support.server import make_facilitator_token

EMAIL, PASSWORD = "live@example.org", "live-password"


@pytest.mark.browser
@pytest.mark.server
def test_remote_moves_phones_and_screen_item_by_item(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10, json=typed_definition())
    assert created.status_code == 201, created.text
    workshop = created.json()
    api = f"{base}/api/v1/workshops/{workshop['id']}"
    for key in ("constraints", "urgency"):
        assert requests.post(f"{api}/activities/{key}/open", headers=headers, timeout=10).status_code == 200
    assert requests.put(f"{api}/pace", headers=headers, json={"mode": "item"}, timeout=10).status_code == 200

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            errors: list[str] = []
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            screen.on("pageerror", lambda error: errors.append(f"screen: {error}"))
            screen.goto(f"{base}/screen/{workshop['screen_token']}")
            expect(screen.locator("#chart")).to_have_attribute("data-pace-item", "finance", timeout=10_000)
            expect(screen.locator("#pace-now")).to_have_text("Item 1 of 3: Access to finance")

            phone = browser.new_context(**PHONE).new_page()
            phone.on("pageerror", lambda error: errors.append(f"phone: {error}"))
            phone.goto(f"{base}/j/{workshop['join_code']}")
            phone.get_by_role("button", name=re.compile("^Employers")).click()
            expect(phone.locator("[data-pace-note]")).to_have_text("Item 1 of 3")
            expect(phone.locator("section.item")).to_have_count(1)
            expect(phone.locator("#item-finance")).to_be_visible()
            expect(phone.locator("html")).to_have_attribute("data-live", "connected")

            remote = browser.new_context(**PHONE).new_page()
            remote.on("pageerror", lambda error: errors.append(f"remote: {error}"))
            remote.goto(f"{base}/facilitator/workshops/{workshop['id']}/remote")
            remote.fill("#email", EMAIL)
            remote.fill("#password", PASSWORD)
            remote.get_by_role("button", name="Sign in").click()
            expect(remote.locator("[data-remote-item]")).to_contain_text("Item 1 of 3")
            expect(remote.locator("html")).to_have_attribute("data-live", "connected")
            # A small phone: nothing wider than the screen, every button a big target.
            assert remote.evaluate("() => document.documentElement.scrollWidth") <= 360
            for box in remote.locator("button.rbtn").evaluate_all(
                    "els => els.map(e => e.getBoundingClientRect()).map(r => [r.width, r.height, r.right])"):
                assert box[1] >= 48 and box[0] >= 60 and box[2] <= 360, box

            # The phone answers item 1 without saving; the facilitator moves on: the answer is saved, then the
            # phone shows item 2 without anyone touching it.
            phone.locator('label.opt:has(input[name="finance.x"][value="4"])').click()
            phone.locator('label.opt:has(input[name="finance.y"][value="5"])').click()
            remote.get_by_role("button", name=re.compile("Next")).click()
            expect(remote.locator("[data-remote-item]")).to_contain_text("Item 2 of 3: Skills")
            expect(phone.locator("#item-skills")).to_be_visible(timeout=10_000)
            expect(phone.locator("[data-pace-note]")).to_have_text("Item 2 of 3")
            expect(phone.locator("section.item")).to_have_count(1)
            expect(screen.locator("#pace-now")).to_have_text("Item 2 of 3: Skills", timeout=10_000)
            expect(screen.locator("#respondents")).to_have_attribute("data-respondents", "1", timeout=10_000)

            # The console (same login) shows where the room is; the room is moved from elsewhere (the API): the
            # remote and the console follow live.
            console = remote.context.new_page()
            console.goto(f"{base}/facilitator/workshops/{workshop['id']}/run")
            expect(console.locator("[data-pace-now]")).to_contain_text("item 2 of 3")
            expect(console.locator("[data-live-status]")).to_have_text("Live")
            assert requests.put(f"{api}/pace", headers=headers, json={"move": "previous"},
                                timeout=10).status_code == 200
            expect(remote.locator("[data-remote-item]")).to_contain_text("Item 1 of 3", timeout=10_000)
            expect(console.locator("[data-pace-now]")).to_contain_text("item 1 of 3", timeout=10_000)
            console.close()
            expect(phone.locator("#item-finance")).to_be_visible(timeout=10_000)
            expect(phone.locator('input[name="finance.x"][value="4"]')).to_be_checked()  # saved answer stays
            expect(phone.locator('input[name="finance.y"][value="5"]')).to_be_checked()

            # A scale activity: its bar of the current item is highlighted on the screen.
            assert requests.put(f"{api}/pace", headers=headers, json={"activity": "urgency", "item": "skills"},
                                timeout=10).status_code == 200
            expect(screen.locator("#board")).to_have_attribute("data-activity", "urgency", timeout=10_000)
            expect(screen.locator('#board li.is-pace-current')).to_have_count(1)
            expect(screen.locator('#board li[data-item="skills"]')).to_have_class(re.compile("is-pace-current"))
            expect(phone.locator("#item-skills")).to_be_visible(timeout=10_000)
            expect(phone.locator("#phone")).to_have_attribute("data-activity", "urgency")

            # Back to self-paced: the phone lists both open activities again, the screen names no item.
            assert requests.put(f"{api}/pace", headers=headers, json={"mode": "self"}, timeout=10).status_code == 200
            expect(phone.locator("#phone")).to_have_attribute("data-page", "list", timeout=10_000)
            expect(screen.locator("#pace-now")).to_be_hidden()
            expect(remote.get_by_role("button", name=re.compile("Next"))).to_have_count(0, timeout=10_000)

            # An approved suggestion appears on the screen for a few seconds.
            token = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": "gov"},
                                  timeout=10).json()["participant_token"]
            proposal = requests.post(f"{api}/proposals", headers={"Authorization": f"Bearer {token}"},
                                     json={"kind": "constraint", "title": "Port congestion"}, timeout=10).json()
            assert requests.post(f"{api}/proposals/{proposal['id']}/approve", headers=headers,
                                 timeout=10).status_code == 200
            added = screen.locator("#room-added")
            expect(added).to_be_visible(timeout=10_000)
            expect(added.locator("li")).to_have_text(["Port congestion"])
            expect(added).to_be_hidden(timeout=15_000)
            assert errors == []
        finally:
            browser.close()
