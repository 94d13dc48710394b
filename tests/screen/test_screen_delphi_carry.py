"""A Delphi round that asks only the items without consensus: the projector keeps the items that converged,
drawn apart (outlined on the matrix, dimmed and ticked on the bars) with the round they converged in."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS
from tests.support.builders import typed_definition
from tests.support.server import make_facilitator_token


@pytest.mark.browser
@pytest.mark.server
def test_items_converged_in_an_earlier_round_stay_on_the_screen_set_apart(live_server: Any,
                                                                          chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10, json=typed_definition())
    assert created.status_code == 201, created.text
    workshop = created.json()
    activities = f"{base}/api/v1/workshops/{workshop['id']}/activities"

    def post(path: str, body: dict[str, Any] | None = None) -> None:
        response = requests.post(f"{activities}/{path}", headers=headers, json=body, timeout=10)
        assert response.status_code == 200, response.text

    def ballot(key: str, group: str, body: dict[str, Any]) -> None:
        token = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                              timeout=10).json()["participant_token"]
        response = requests.put(f"{activities}/{key}/responses", headers={"Authorization": f"Bearer {token}"},
                                json=body, timeout=10)
        assert response.status_code == 200, response.text

    post("constraints/open")
    post("urgency/open")
    # Round 1: every group agrees on skills (consensus 1 on both axes); finance splits them.
    for group, severity, urgency in (("gov", 1, 1), ("firms", 5, 4), ("workers", 3, 2)):
        for _ in range(3):
            ballot("constraints", group, {"ratings": [{"item": "finance", "x": 2, "y": severity},
                                                      {"item": "skills", "x": 4, "y": 4}]})
            ballot("urgency", group, {"ratings": [{"item": "finance", "value": urgency},
                                                  {"item": "skills", "value": 3}]})

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            errors: list[str] = []
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            screen.on("pageerror", lambda error: errors.append(str(error)))
            screen.goto(f"{base}/screen/{workshop['screen_token']}")
            chart = screen.locator("#chart")
            expect(chart).to_have_attribute("data-activity", "constraints", timeout=10_000)
            expect(chart).to_have_attribute("data-carried", "")  # round 1 asks everything

            post("urgency/close")
            post("constraints/rounds", {"drop_converged": True, "min_consensus": 0.7})
            expect(chart).to_have_attribute("data-carried", "skills:1", timeout=10_000)
            expect(screen.locator("#chart-note")).to_contain_text(
                "1 item agreed in an earlier round (outlined, not asked again)")
            carried = screen.evaluate("() => window.prioritasScreen.results.constraints.items"
                                      ".filter(e => e.converged_in_round).map(e => e.item)")
            assert carried == ["skills"]

            # The bars of a scale activity: the converged item dimmed, ticked, with its round.
            post("constraints/close")
            post("urgency/rounds", {"drop_converged": True, "min_consensus": 0.7})
            skills = screen.locator('#board .sc-bar[data-item="skills"]')
            expect(skills).to_have_attribute("data-carried", "1", timeout=10_000)
            expect(skills).to_have_class("sc-bar is-carried")
            expect(skills).to_have_attribute("title", "Agreed in round 1; not asked again")
            expect(screen.locator('#board .sc-bar[data-item="finance"]')).not_to_have_attribute("data-carried", "1")
            assert not errors, errors
        finally:
            browser.close()
