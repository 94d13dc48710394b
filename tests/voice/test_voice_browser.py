"""Chromium against the real server: the phone joins with the passcode (JavaScript off and on, and from a
seat card's link), the facilitator prints seat cards, and the console flags a group over its expected count
live."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.support.a11y import assert_accessible
from tests.support.browser import LAUNCH_ARGS, PHONE
from tests.support.builders import small_definition
from tests.support.server import make_facilitator_token

EMAIL, PASSWORD = "live@example.org", "live-password"


@pytest.mark.browser
@pytest.mark.server
def test_phone_joins_with_passcode_and_seat_cards_print(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10, json=small_definition())
    assert created.status_code == 201, created.text
    workshop = created.json()
    code, run = workshop["join_code"], f"{base}/facilitator/workshops/{workshop['id']}/run"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            desk = browser.new_context(viewport={"width": 1280, "height": 900})
            console = desk.new_page()
            console.set_default_timeout(15_000)
            console.goto(f"{base}/facilitator/login")
            console.fill("#email", EMAIL)
            console.fill("#password", PASSWORD)
            console.get_by_role("button", name="Sign in").click()
            console.goto(run)
            console.fill("#voice-passcode", "Baobab")
            console.get_by_role("button", name="Save joining rules").click()
            expect(console.locator(".flash-success")).to_contain_text("Joining rules saved.")
            console.fill("#expected-gov", "1")
            console.get_by_role("button", name="Save expected counts").click()
            console.fill("#seat-count", "4")
            console.select_option("#seat-group", "workers")
            console.get_by_role("button", name="Make seat codes").click()
            expect(console.locator(".flash-success")).to_contain_text("4 seat codes made")

            # The printable page: four cards, each with its code and a QR code, two per row on paper.
            cards = desk.new_page()  # the facilitator's session
            cards.set_viewport_size({"width": 1000, "height": 1400})
            cards.goto(f"{base}/facilitator/workshops/{workshop['id']}/seats/print")
            expect(cards.locator(".seat-card")).to_have_count(4)
            expect(cards.locator(".seat-card svg")).to_have_count(4)
            seats = [c.strip() for c in cards.locator(".seat-code").all_inner_texts()]
            assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", s) for s in seats), seats
            expect(cards.locator(".seat-card").first).to_contain_text("Workers")
            cards.emulate_media(media="print")
            expect(cards.locator(".seat-print-head")).to_be_hidden()
            boxes = [cards.locator(".seat-card").nth(n).bounding_box() for n in range(4)]
            assert boxes[0]["y"] == boxes[1]["y"] and boxes[1]["x"] > boxes[0]["x"]  # two cards per row
            assert boxes[2]["y"] > boxes[0]["y"]
            pdf = cards.pdf(format="A4")
            assert pdf[:4] == b"%PDF" and len(pdf) > 2000
            cards.emulate_media(media="screen")
            assert_accessible(cards, "seat cards")
            cards.goto(f"{base}/facilitator/workshops/{workshop['id']}/seats")
            expect(cards.locator('[data-seat-state="unused"]')).to_have_count(4)
            assert_accessible(cards, "seat code list")

            console.goto(run)
            expect(console.locator("[data-live-status]")).to_have_text("Live")
            expect(console.locator("[data-over-alert]")).to_be_hidden()

            # A phone with JavaScript off: code, then the passcode with the group.
            plain = browser.new_context(**PHONE, java_script_enabled=False).new_page()
            plain.goto(f"{base}/join")
            plain.fill("#code", code.lower())
            plain.get_by_role("button", name="Join").click()
            expect(plain.get_by_role("heading", name="Which group are you in?")).to_be_visible()
            expect(plain.get_by_label("Workshop passcode")).to_be_visible()
            plain.fill("#passcode", "acacia")
            plain.get_by_role("button", name=re.compile("^Government")).click()
            expect(plain.locator("#passcode-error")).to_contain_text("That passcode is not right")
            expect(plain.locator("#passcode")).to_have_attribute("aria-invalid", "true")
            plain.fill("#passcode", "baobab")
            plain.get_by_role("button", name=re.compile("^Government")).click()
            expect(plain).to_have_url(re.compile(r"/p$"))
            # The same phone again (its session gone, its device cookie kept): the same participant, P001.
            plain.context.clear_cookies(name="session")
            plain.goto(f"{base}/j/{code}")
            expect(plain).to_have_url(re.compile(r"/p$"))
            expect(plain.locator(".topbar-group")).to_have_text("Government")

            # A phone with JavaScript, from a seat card's link: the card's group, the passcode, in.
            phone = browser.new_context(**PHONE).new_page()
            phone.goto(f"{base}/j/{code}?seat={seats[0]}")
            expect(phone.locator("#seat")).to_have_value(seats[0])
            expect(phone.get_by_text("Your card is for this group.")).to_be_visible()
            phone.fill("#passcode", "Acacia")
            phone.get_by_role("button", name=re.compile("^Workers")).click()
            expect(phone.locator("#passcode-error")).to_be_visible()
            assert_accessible(phone, "group page with a seat code and a wrong passcode")
            phone.fill("#passcode", "Baobab")
            phone.get_by_role("button", name=re.compile("^Workers")).click()
            expect(phone).to_have_url(re.compile(r"/p$"))
            expect(phone.locator(".topbar-group")).to_have_text("Workers")

            # A second phone joins Government (expected 1): the console says so live, without a reload.
            extra = requests.post(f"{base}/api/v1/join", timeout=10,
                                  json={"code": code, "group": "gov", "passcode": "baobab"})
            assert extra.status_code == 201, extra.text
            expect(console.locator("[data-over-alert]")).to_be_visible(timeout=10_000)
            expect(console.locator("[data-over-groups]")).to_have_text("Government")
            expect(console.locator('.people-panel [data-group="gov"]')).to_have_class(re.compile("over-expected"))
            console.reload()
            expect(console.locator('[data-signal="wrong_passcode"]')).to_contain_text("2")
            expect(console.locator("[data-seat-counts]")).to_contain_text("1 used · 3 unused")
            assert_accessible(console, "console with joining rules and signals")
        finally:
            browser.close()

    joined = requests.get(f"{base}/api/v1/workshops/{workshop['id']}/export?format=csv", headers=headers, timeout=10)
    assert joined.status_code == 200
