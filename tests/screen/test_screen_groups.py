"""The projector's group overlay in Debian's Chromium: one marker per group large enough to be shown (a group
below k is never drawn), a legend naming them, a toggle (button, `g`, `?groups=1`) and, in a second Delphi
round, an arrow per group from where it stood before."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS
from tests.support.builders import typed_definition
from tests.support.server import make_facilitator_token

# Hand-worked: every member of a group gives the same ratings, so each group mean is that rating.
ROUND_1 = {"gov": {"finance": (2, 1), "skills": (4, 4)},
           "firms": {"finance": (4, 5), "skills": (2, 2)},
           "workers": {"finance": (5, 5), "skills": (5, 5)}}
ROUND_2 = {"gov": {"finance": (3, 2), "skills": (4, 5)},
           "firms": {"finance": (3, 4), "skills": (3, 2)},
           "workers": {"finance": (1, 1), "skills": (1, 1)}}
MEMBERS = {"gov": 3, "firms": 3, "workers": 1}  # k = 3: workers (one member) must never be drawn


def drawn(page: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """The overlay as the screen last drew it, keyed by (item, group)."""
    points = page.evaluate("() => window.prioritasScreen.groupOverlay")
    return {(p["item"], p["group"]): p for p in points}


@pytest.mark.browser
@pytest.mark.server
def test_group_overlay_markers_legend_toggle_and_delphi_arrows(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10, json=typed_definition())
    assert created.status_code == 201, created.text
    workshop = created.json()
    assert workshop["min_group_size"] == 3
    activities = f"{base}/api/v1/workshops/{workshop['id']}/activities"

    def post(path: str) -> None:
        response = requests.post(f"{activities}/{path}", headers=headers, timeout=10)
        assert response.status_code == 200, response.text

    def join(group: str) -> str:
        response = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                                 timeout=10)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["participant_token"])

    def put(token: str, key: str, body: dict[str, Any]) -> None:
        response = requests.put(f"{activities}/{key}/responses", headers={"Authorization": f"Bearer {token}"},
                                json=body, timeout=10)
        assert response.status_code == 200, response.text

    def vote(tokens: dict[str, list[str]], ratings: dict[str, dict[str, tuple[int, int]]]) -> None:
        for group, members in tokens.items():
            body = {"ratings": [{"item": item, "x": x, "y": y} for item, (x, y) in ratings[group].items()]}
            for token in members:
                put(token, "constraints", body)

    post("constraints/open")
    tokens = {group: [join(group) for _ in range(count)] for group, count in MEMBERS.items()}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            errors: list[str] = []
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            screen.on("pageerror", lambda error: errors.append(str(error)))
            screen.goto(f"{base}/screen/{workshop['screen_token']}")
            chart = screen.locator("#chart")
            button = screen.get_by_role("button", name="Groups")
            legend = screen.locator("#group-legend")
            expect(chart).to_have_attribute("data-activity", "constraints")
            expect(chart).to_have_attribute("data-groups", "off")  # default off
            expect(button).to_be_visible()
            expect(button).to_have_attribute("aria-pressed", "false")

            vote(tokens, ROUND_1)
            expect(screen.locator("#respondents")).to_have_attribute("data-respondents", "7", timeout=10_000)
            post("constraints/close")  # releases the live batches of by_group
            expect(screen.locator("#state-badge")).to_contain_text("Closed", timeout=10_000)
            expect(chart).to_have_attribute("data-group-markers", "0")  # still off
            expect(legend).to_be_hidden()

            button.click()
            expect(button).to_have_attribute("aria-pressed", "true")
            expect(chart).to_have_attribute("data-groups", "on")
            # 2 items x 2 groups with n >= k; the lone worker is not drawn.
            expect(chart).to_have_attribute("data-group-markers", "4", timeout=10_000)
            expect(chart).to_have_attribute("data-group-arrows", "0")
            expect(legend).to_be_visible()
            expect(legend.locator("li[data-group]")).to_have_count(2)
            expect(legend.locator('li[data-group="gov"]')).to_have_text("Government")
            expect(legend.locator('li[data-group="firms"]')).to_have_text("Employers")
            expect(legend.locator('li[data-group="workers"]')).to_have_count(0)
            points = drawn(screen)
            assert set(points) == {(i, g) for i in ("finance", "skills") for g in ("gov", "firms")}
            for (item, group), point in points.items():
                assert (point["x"], point["y"]) == pytest.approx(ROUND_1[group][item])
                assert point["prev"] is None

            # Keyboard toggle: off, then on again.
            screen.keyboard.press("g")
            expect(chart).to_have_attribute("data-groups", "off")
            expect(chart).to_have_attribute("data-group-markers", "0")
            expect(button).to_have_attribute("aria-pressed", "false")
            expect(legend).to_be_hidden()
            screen.keyboard.press("g")
            expect(chart).to_have_attribute("data-group-markers", "4")

            # Round 2: everyone re-rates; after closing, each shown group gets an arrow per item.
            post("constraints/rounds")
            expect(screen.locator("#state-badge")).to_have_text("Live", timeout=10_000)

            # A second screen opened with ?groups=1 starts with the overlay on.
            other = browser.new_page(viewport={"width": 1024, "height": 640})
            other.on("pageerror", lambda error: errors.append(str(error)))
            other.goto(f"{base}/screen/{workshop['screen_token']}?groups=1")
            expect(other.locator("#chart")).to_have_attribute("data-activity", "constraints")
            expect(other.locator("#chart")).to_have_attribute("data-groups", "on")
            expect(other.get_by_role("button", name="Groups")).to_have_attribute("aria-pressed", "true")
            expect(other.locator("#group-legend")).to_be_visible()
            other.close()

            vote(tokens, ROUND_2)
            post("constraints/close")
            expect(chart).to_have_attribute("data-group-arrows", "4", timeout=10_000)
            expect(chart).to_have_attribute("data-group-markers", "4")
            expect(legend.locator("li[data-group]")).to_have_count(2)
            points = drawn(screen)
            assert set(points) == {(i, g) for i in ("finance", "skills") for g in ("gov", "firms")}
            for (item, group), point in points.items():
                assert (point["x"], point["y"]) == pytest.approx(ROUND_2[group][item])
                assert (point["prev"]["x"], point["prev"]["y"]) == pytest.approx(ROUND_1[group][item])

            # Turning the overlay off removes the arrows too.
            button.click()
            expect(chart).to_have_attribute("data-group-arrows", "0")
            expect(chart).to_have_attribute("data-group-markers", "0")
            button.click()

            # Criteria: the sector matrix gets the same overlay from by_group scores.
            post("sectors/open")
            for group, count in MEMBERS.items():
                for token in tokens[group][:count]:
                    put(token, "sectors", {"scores": [{"item": "finance", "criterion": "jobs", "value": 5},
                                                      {"item": "finance", "criterion": "risk", "value": 1}]})
            post("sectors/close")
            expect(chart).to_have_attribute("data-activity", "sectors", timeout=10_000)
            expect(chart).to_have_attribute("data-group-markers", "2", timeout=10_000)
            expect(legend.locator("li[data-group]")).to_have_count(2)
            expect(legend.locator('li[data-group="workers"]')).to_have_count(0)
            assert not errors, errors
        finally:
            browser.close()
