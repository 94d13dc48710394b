"""In Chromium against the real server: the console's next-round preview follows the threshold live and starts
a round on the unconverged items; a reset asks first; a phone at 360x740 moves to where it stands when the
facilitator reveals the results, and shows its own answer beside the room's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, PHONE, sign_in
from tests.support.builders import small_definition
from tests.support.server import make_facilitator_token

EMAIL, PASSWORD = "live@example.org", "live-password"


def _workshop(base: str, headers: dict[str, str], reveal: str = "live") -> tuple[dict[str, Any], str]:
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, json=small_definition(), timeout=10)
    assert created.status_code == 201, created.text
    workshop = created.json()
    activity = f"{base}/api/v1/workshops/{workshop['id']}/activities/constraints"
    if reveal != "live":
        assert requests.patch(activity, headers=headers, json={"reveal_mode": reveal}, timeout=10).ok
    assert requests.post(f"{activity}/open", headers=headers, timeout=10).ok
    return workshop, activity


def _vote(base: str, workshop: dict[str, Any], activity: str, group: str, ratings: list[dict[str, Any]]) -> None:
    joined = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group}, timeout=10)
    token = joined.json()["participant_token"]
    saved = requests.put(f"{activity}/responses", json={"ratings": ratings}, timeout=10,
                         headers={"Authorization": f"Bearer {token}"})
    assert saved.status_code == 200, saved.text


@pytest.mark.browser
@pytest.mark.server
def test_console_previews_the_threshold_live_and_resets(live_server: Any, chromium_path: str,
                                                       tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    workshop, activity = _workshop(base, headers)
    for n in range(6):
        _vote(base, workshop, activity, ("gov", "firms")[n % 2],
              [{"item": "finance", "x": 4, "y": 5}, {"item": "skills", "x": 3, "y": 1 if n % 2 else 5}])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            sign_in(page, base, EMAIL, PASSWORD)
            page.goto(f"{base}/facilitator/workshops/{workshop['id']}/run")
            box = page.locator("#delphi-constraints")
            box.locator("summary").click()
            status = {item: box.locator(f'tr[data-item="{item}"] [data-delphi-status]')
                      for item in ("finance", "skills", "power")}
            expect(status["finance"]).to_have_text("converged: left out")
            expect(status["skills"]).to_have_text("asked again")
            slider = box.locator("[data-delphi-slider]")
            expect(slider).to_be_visible()  # with JS, the slider moves the table at once
            slider.fill("0")
            expect(status["skills"]).to_have_text("converged: left out")
            expect(status["power"]).to_have_text("asked again")  # no answers: always asked
            expect(box.locator("[data-delphi-summary]")).to_have_text("1 asked again, 2 left out")
            expect(box.locator("[data-delphi-threshold]")).to_have_value("0")
            box.locator("[data-delphi-threshold]").fill("0.7")
            expect(status["skills"]).to_have_text("asked again")
            expect(box.locator("[data-delphi-start]")).to_have_text("Start round 2 with 2 items")
            page.screenshot(path=str(tmp_path / "console-delphi.png"))
            box.locator("[data-delphi-start]").click()
            expect(page.locator(".flash, [role=status]").first).to_contain_text("open with 2 of 3 items")
            round_doc = requests.get(f"{activity}/results", headers=headers, timeout=10).json()
            assert round_doc["round"] == 2 and round_doc["asked_items"] == ["skills", "power"]

            reset = page.locator('.activity[data-activity="constraints"] .reset-activity')
            reset.locator("summary").click()
            reset.locator("input[name=confirm]").check()
            page.once("dialog", lambda dialog: dialog.accept())
            reset.get_by_role("button", name=re.compile("^Reset answers")).click()
            expect(page.locator(".flash, [role=status]").first).to_contain_text("is reset: 24 answers removed")
            card = page.locator('.activity[data-activity="constraints"]')
            expect(card).to_have_attribute("data-state", "pending")
        finally:
            browser.close()
    after = requests.get(f"{activity}/results?weighting=per_head", headers=headers, timeout=10).json()
    assert after["respondents"] == 0 and "round" not in after


@pytest.mark.browser
@pytest.mark.server
def test_phone_moves_to_where_it_stands_when_revealed(live_server: Any, chromium_path: str,
                                                     tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    workshop, activity = _workshop(base, headers, reveal="on_reveal")
    for group in ("gov", "gov", "gov", "workers"):  # Government reaches k = 3: the room has figures to show
        _vote(base, workshop, activity, group, [{"item": "finance", "x": 5, "y": 5}])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            page = browser.new_context(**PHONE).new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/j/{workshop['join_code']}")
            page.get_by_role("button", name=re.compile("^Employers")).click()
            expect(page.get_by_role("heading", name="Rate the constraints")).to_be_visible()
            for axis, value in (("y", "2"), ("x", "1")):
                page.locator(f'label.opt:has(input[name="finance.{axis}"][value="{value}"])').click()
            page.get_by_role("button", name="Save answers").click()
            expect(page.locator("#status .notice-ok")).to_contain_text("Saved 1 rating.")
            expect(page.locator("html")).to_have_attribute("data-live", "connected")

            assert requests.post(f"{activity}/close", headers=headers, timeout=10).ok
            expect(page.get_by_role("heading", name="Waiting for the facilitator…")).to_be_visible()
            expect(page.locator("[data-standing-link]")).to_have_count(0)  # not revealed yet
            expect(page.locator("html")).to_have_attribute("data-live", "connected")

            assert requests.post(f"{activity}/reveal", headers=headers, timeout=10).ok
            expect(page).to_have_url(re.compile(r"/p/constraints/standing$"), timeout=10_000)
            expect(page.locator('[data-standing="shown"]')).to_be_visible()
            expect(page.locator('svg [data-own="finance"]')).to_have_count(1)
            expect(page.locator('svg [data-room="finance"]')).to_have_count(1)
            expect(page.locator('li[data-item="finance"] [data-own-text]')).to_have_text(
                re.compile(r"You:\s+Severity 2, Tractability 1"))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360  # nothing wider than the phone
            assert page.locator("script[src*=echarts]").count() == 0
            page.screenshot(path=str(tmp_path / "phone-standing.png"), full_page=True)

            assert requests.post(f"{activity}/reveal", headers=headers, json={"revealed": False}, timeout=10).ok
            expect(page.locator('[data-standing="hidden"]')).to_be_visible(timeout=10_000)

            assert requests.post(f"{activity}/reveal", headers=headers, timeout=10).ok
            plain = browser.new_context(**PHONE, java_script_enabled=False).new_page()
            plain.goto(f"{base}/j/{workshop['join_code']}")
            plain.get_by_role("button", name=re.compile("^Workers")).click()
            plain.get_by_role("link", name=re.compile("^Where you stand")).click()
            expect(plain.locator('[data-standing="shown"]')).to_be_visible()
            expect(plain.locator('svg [data-room="finance"]')).to_have_count(1)
            expect(plain.locator("svg [data-own]")).to_have_count(0)  # this phone gave no answer
        finally:
            browser.close()
