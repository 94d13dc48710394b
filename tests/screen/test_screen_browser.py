"""A phone votes in a points and a ranking activity in Debian's Chromium, and the projector screen shows the new
results live; scale bars and the criteria sector matrix render from real results documents too."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, PHONE
from tests.support.builders import typed_definition
from tests.support.server import make_facilitator_token


@pytest.mark.browser
@pytest.mark.server
def test_phone_points_and_ranking_reach_the_screen(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10, json=typed_definition())
    assert created.status_code == 201, created.text
    workshop = created.json()
    activities = f"{base}/api/v1/workshops/{workshop['id']}/activities"

    def state(key: str, action: str) -> None:
        response = requests.post(f"{activities}/{key}/{action}", headers=headers, timeout=10)
        assert response.status_code == 200, response.text

    def same_as_the_phone(key: str, body: dict[str, Any]) -> None:
        """Two more Employers send the phone's ballot: the group reaches k = 3, so the room sees it."""
        for _ in range(2):
            token = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": "firms"},
                                  timeout=10).json()["participant_token"]
            response = requests.put(f"{activities}/{key}/responses", json=body, timeout=10,
                                    headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            errors: list[str] = []
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            screen.on("pageerror", lambda error: errors.append(str(error)))
            screen.goto(f"{base}/screen/{workshop['screen_token']}")
            expect(screen.locator("#screen")).to_have_attribute("data-view", "join")

            state("dots", "open")
            expect(screen.locator("#screen")).to_have_attribute("data-view", "board", timeout=10_000)
            expect(screen.locator("#activity-title")).to_have_text("Spend your points")

            phone = browser.new_context(**PHONE).new_page()
            phone.on("pageerror", lambda error: errors.append(str(error)))
            phone.goto(f"{base}/j/{workshop['join_code']}")
            phone.get_by_role("button", name=re.compile("^Employers")).click()
            expect(phone.get_by_role("heading", name="Spend your points")).to_be_visible()
            expect(phone.locator("html")).to_have_attribute("data-live", "connected")
            plus = phone.get_by_role("button", name="One point more for Access to finance")
            plus.click()
            plus.click()
            expect(plus).to_be_disabled()  # the cap of 2 per item
            expect(phone.locator("[data-points-left]")).to_have_text("1 of 3 points left")
            phone.get_by_role("button", name="One point more for Electricity").click()
            expect(phone.locator("[data-points-left]")).to_have_text("0 of 3 points left")
            expect(phone.get_by_role("button", name="One point more for Skills")).to_be_disabled()  # budget spent
            phone.get_by_role("button", name="Save answers").click()
            expect(phone.locator("#status .notice-ok")).to_contain_text("Your points are saved.")
            same_as_the_phone("dots", {"points": {"finance": 2, "power": 1}})

            # Three voters alike: finance has 2 of 3 points, power 1 of 3; each chosen by every voter.
            finance = screen.locator('#board .sc-bar[data-item="finance"]')
            expect(finance).to_contain_text("67 %", timeout=10_000)
            expect(finance).to_contain_text("chosen by 100 %")
            expect(screen.locator('#board .sc-bar[data-item="power"]')).to_contain_text("33 %")
            expect(screen.locator("#board .sc-bar").first).to_have_attribute("data-item", "finance")

            # The facilitator moves on: the phone follows to the ranking, taps two items in order.
            state("dots", "close")
            state("order", "open")
            expect(phone).to_have_url(re.compile(r"/p/order$"), timeout=10_000)
            expect(screen.locator("#activity-title")).to_have_text("Put them in order", timeout=10_000)
            phone.locator('.rank-item[data-key="power"]').click()
            phone.locator('.rank-item[data-key="skills"]').click()
            order = phone.locator("[data-rank-order] li")
            expect(order).to_have_count(2)
            phone.get_by_role("button", name="Move up: Skills").click()
            expect(order.first).to_have_attribute("data-key", "skills")
            phone.get_by_role("button", name="Save answers").click()
            expect(phone.locator("#status .notice-ok")).to_contain_text("Your order is saved.")
            same_as_the_phone("order", {"ranking": ["skills", "power"]})

            bars = screen.locator("#board .sc-bar")
            expect(bars.first).to_have_attribute("data-item", "skills", timeout=10_000)
            expect(bars.nth(1)).to_have_attribute("data-item", "power")
            # Borda with 3 items and a top-2 ballot: 2 points for the first place, 1 for the second.
            expect(bars.first).to_contain_text("2.0 Borda")
            expect(bars.nth(1)).to_contain_text("1.0 Borda")

            # Criteria: scores through the API, the screen draws the sector matrix.
            state("order", "close")
            state("sectors", "open")
            for group in ("gov", "gov", "gov"):
                token = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                                      timeout=10).json()["participant_token"]
                response = requests.put(f"{activities}/sectors/responses", timeout=10,
                                        headers={"Authorization": f"Bearer {token}"},
                                        json={"scores": [{"item": "finance", "criterion": "jobs", "value": 5},
                                                         {"item": "finance", "criterion": "risk", "value": 1}]})
                assert response.status_code == 200, response.text
            expect(screen.locator("#screen")).to_have_attribute("data-view", "matrix", timeout=10_000)
            expect(screen.locator("#chart")).to_have_attribute("data-activity", "sectors")
            expect(screen.locator("#respondents")).to_have_attribute("data-respondents", "3", timeout=10_000)
            assert not errors, errors
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.server
def test_screen_marks_flags_and_delphi_arrows_and_follows_weight_sliders(live_server: Any,
                                                                          chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10, json=typed_definition())
    assert created.status_code == 201, created.text
    workshop = created.json()
    activities = f"{base}/api/v1/workshops/{workshop['id']}/activities"

    def ballot(key: str, group: str, body: dict[str, Any]) -> None:
        token = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                              timeout=10).json()["participant_token"]
        response = requests.put(f"{activities}/{key}/responses", headers={"Authorization": f"Bearer {token}"},
                                json=body, timeout=10)
        assert response.status_code == 200, response.text

    assert requests.post(f"{activities}/constraints/open", headers=headers, timeout=10).status_code == 200

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            errors: list[str] = []
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            screen.on("pageerror", lambda error: errors.append(str(error)))
            screen.goto(f"{base}/screen/{workshop['screen_token']}")
            chart = screen.locator("#chart")
            expect(chart).to_have_attribute("data-activity", "constraints")
            # Round 1: the groups disagree on finance's severity (1 vs 5 vs 3: a 4-point range, >= 25 % of 1-5).
            # Live group figures (and the flags drawn from them) are held back in batches while the activity
            # is open; closing it releases them, and the screen keeps the final results up.
            for group, severity in (("gov", 1), ("firms", 5), ("workers", 3)):
                for _ in range(3):
                    ballot("constraints", group, {"ratings": [{"item": "finance", "x": 2, "y": severity},
                                                              {"item": "skills", "x": 4, "y": 4}]})
            expect(screen.locator("#respondents")).to_have_attribute("data-respondents", "9", timeout=10_000)
            assert requests.post(f"{activities}/constraints/close", headers=headers, timeout=10).status_code == 200
            expect(chart).to_have_attribute("data-flags", re.compile(r"\bfinance:[a-z,]*divergent"), timeout=10_000)
            expect(screen.locator("#chart-note")).to_contain_text("D divergent: Access to finance")
            expect(chart).to_have_attribute("data-arrows", "0")

            # Round 2: everyone moves; the screen draws an arrow per item rated in both rounds.
            assert requests.post(f"{activities}/constraints/rounds", headers=headers, timeout=10).status_code == 200
            for group in ("gov", "firms", "workers"):
                for _ in range(3):
                    ballot("constraints", group, {"ratings": [{"item": "finance", "x": 3, "y": 3},
                                                              {"item": "skills", "x": 4, "y": 5}]})
            expect(chart).to_have_attribute("data-arrows", "2", timeout=10_000)
            assert requests.post(f"{activities}/constraints/close", headers=headers, timeout=10).status_code == 200
            expect(chart).not_to_have_attribute("data-flags", re.compile("divergent"), timeout=10_000)
            # Everyone agrees in round 2: consensus rises from round 1.
            expect(screen.locator("#chart-note")).to_contain_text("Consensus since round 1: +")

            # Criteria weights from the console: the slider saves at once and the screen gets new scores.
            assert requests.post(f"{activities}/sectors/open", headers=headers, timeout=10).status_code == 200
            for group in ("gov", "firms", "workers"):
                ballot("sectors", group, {"scores": [{"item": "skills", "criterion": "jobs", "value": 5},
                                                     {"item": "skills", "criterion": "risk", "value": 5}]})
            expect(chart).to_have_attribute("data-activity", "sectors", timeout=10_000)
            console = browser.new_page(viewport={"width": 1280, "height": 900})
            console.on("pageerror", lambda error: errors.append(str(error)))
            console.goto(f"{base}/facilitator/login")
            console.fill("#email", "live@example.org")
            console.fill("#password", "live-password")
            console.click("button[type=submit]")
            console.goto(f"{base}/facilitator/workshops/{workshop['id']}/run")
            slider = console.locator('#activity-sectors input[type="range"][data-slider-for="c-jobs"]')
            expect(slider).to_be_visible()
            slider.fill("0.3")
            expect(console.locator("#activity-sectors [data-weights-status]")).to_have_text(
                "Saved: the screen shows the new scores.")
            expect(console.locator('#activity-sectors input[name="c-jobs"]')).to_have_value("0.3")
            weights = requests.get(f"{base}/api/v1/workshops/{workshop['id']}", headers=headers,
                                   timeout=10).json()["activities"]
            sectors = next(a for a in weights if a["key"] == "sectors")
            assert [c["weight"] for c in sectors["criteria"]] == [0.3, 1.0]
            screen.wait_for_function(
                "() => { const d = window.prioritasScreen.results.sectors;"
                " return d && d.criteria && d.criteria[0].weight === 0.3; }", timeout=10_000)
            assert not errors, errors
        finally:
            browser.close()
