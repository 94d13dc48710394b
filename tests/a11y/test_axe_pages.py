"""axe-core finds no serious or critical violation on the phone, screen and console pages, in Chromium against
the real server, in the states people see (empty, answered, with results, hidden until revealed)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.a11y import DESKTOP, Room, assert_accessible
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.server]

MATRIX_VOTES = {"ratings": [{"item": "finance", "x": 4, "y": 5}, {"item": "skills", "x": 2, "y": 3},
                            {"item": "power", "x": 5, "y": 1}]}
POINTS_VOTES = {"points": {"finance": 2, "power": 1}}


def _join(page: Any, room: Room, workshop: dict[str, Any], group: str = "^Employers") -> None:
    from playwright.sync_api import expect

    page.goto(f"{room.base}/j/{workshop['join_code']}")
    page.get_by_role("button", name=re.compile(group)).click()
    expect(page).to_have_url(re.compile(r"/p(/\w+)?$"))


@pytest.fixture(scope="module")
def everything_open(room: Room) -> dict[str, Any]:
    workshop = room.workshop("Every type open")
    for key in ("constraints", "urgency", "dots", "order", "sectors"):
        room.state(workshop, key, "open")
    return workshop


def test_phone_join_and_group_pages(room: Room, browser: Any, everything_open: dict[str, Any]) -> None:
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{room.base}/join")
    assert_accessible(page, "phone join")
    page.fill("#code", "XXXXXX")
    page.get_by_role("button", name="Join").click()
    assert_accessible(page, "phone join with an error")
    page.goto(f"{room.base}/j/{everything_open['join_code']}")
    assert_accessible(page, "phone group choice")


@pytest.mark.parametrize("key", ["constraints", "urgency", "dots", "order", "sectors"])
def test_phone_vote_pages(room: Room, browser: Any, everything_open: dict[str, Any], key: str) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(**PHONE).new_page()
    _join(page, room, everything_open)
    page.goto(f"{room.base}/p/{key}")
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    assert_accessible(page, f"phone vote {key}")


def test_phone_pages_after_answering(room: Room, browser: Any, everything_open: dict[str, Any]) -> None:
    """The states that appear only after taps: saved notices and chips, ranked items, points given, an error."""
    from playwright.sync_api import expect

    page = browser.new_context(**PHONE).new_page()
    _join(page, room, everything_open, group="^Workers")
    page.goto(f"{room.base}/p/constraints")
    page.locator('label.opt:has(input[name="finance.y"][value="5"])').click()
    page.get_by_role("button", name="Save answers").click()
    expect(page.locator("#status .notice")).to_be_visible()
    assert_accessible(page, "phone matrix with a half-answered item")
    page.locator('label.opt:has(input[name="finance.x"][value="2"])').click()
    page.get_by_role("button", name="Save answers").click()
    expect(page.locator("#status .notice-ok")).to_be_visible()
    assert_accessible(page, "phone matrix saved")
    page.goto(f"{room.base}/p/order")
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    page.locator('.rank-item[data-key="power"]').click()
    page.locator('.rank-item[data-key="finance"]').click()
    expect(page.locator("[data-rank-order] li")).to_have_count(2)
    assert_accessible(page, "phone ranking with two items ranked")
    page.goto(f"{room.base}/p/dots")
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    page.get_by_role("button", name="One point more for Skills").click()
    page.get_by_role("button", name="Save answers").click()
    expect(page.locator("#status .notice-ok")).to_be_visible()
    assert_accessible(page, "phone points saved")


def test_phone_list_waiting_closed_and_leave_pages(room: Room, browser: Any, everything_open: dict[str, Any]) -> None:
    page = browser.new_context(**PHONE).new_page()
    _join(page, room, everything_open)
    page.goto(f"{room.base}/p")
    assert_accessible(page, "phone list of open activities")
    page.goto(f"{room.base}/leave")
    assert_accessible(page, "phone leave")

    quiet = room.workshop("Nothing open yet")
    other = browser.new_context(**PHONE).new_page()
    _join(other, room, quiet)
    assert_accessible(other, "phone waiting")
    other.goto(f"{room.base}/p/constraints")
    assert_accessible(other, "phone closed")


def test_screen_matrix_with_results(room: Room, browser: Any) -> None:
    from playwright.sync_api import expect

    workshop = room.workshop("Screen matrix")
    page = browser.new_page(**DESKTOP)
    page.goto(f"{room.base}/screen/{workshop['screen_token']}")
    expect(page.locator("#screen")).to_have_attribute("data-view", "join")
    assert_accessible(page, "screen before anything opens (join view)")
    room.state(workshop, "constraints", "open")
    for group in ("gov", "gov", "gov", "firms", "firms", "firms"):
        room.vote(workshop, "constraints", group, MATRIX_VOTES)
    expect(page.locator("#screen")).to_have_attribute("data-view", "matrix", timeout=10_000)
    expect(page.locator("#respondents")).to_have_attribute("data-respondents", "6", timeout=10_000)
    assert_accessible(page, "screen matrix with results")
    page.keyboard.press("g")
    assert_accessible(page, "screen matrix with the group overlay")


def test_screen_bar_chart(room: Room, browser: Any) -> None:
    from playwright.sync_api import expect

    workshop = room.workshop("Screen points")
    room.state(workshop, "dots", "open")
    for group in ("gov", "gov", "gov"):
        room.vote(workshop, "dots", group, POINTS_VOTES)
    page = browser.new_page(**DESKTOP)
    page.goto(f"{room.base}/screen/{workshop['screen_token']}")
    expect(page.locator("#screen")).to_have_attribute("data-view", "board", timeout=10_000)
    expect(page.locator('#board .sc-bar[data-item="finance"]')).to_contain_text("67 %", timeout=10_000)
    assert_accessible(page, "screen bar chart (points)")


def test_screen_results_hidden_until_revealed(room: Room, browser: Any) -> None:
    from playwright.sync_api import expect

    workshop = room.workshop("Screen hidden")
    room.submit(workshop, "constraints", "reveal-mode", {"mode": "on_reveal"})
    room.state(workshop, "constraints", "open")
    room.vote(workshop, "constraints", "gov", MATRIX_VOTES)
    room.submit(workshop, "constraints", "timer", {"minutes": "2"})
    page = browser.new_page(**DESKTOP)
    page.goto(f"{room.base}/screen/{workshop['screen_token']}")
    expect(page.locator("#hidden-note")).to_be_visible(timeout=10_000)
    expect(page.locator("#timer-text")).to_be_visible(timeout=10_000)
    assert_accessible(page, "screen with results hidden and a countdown")


def test_facilitator_pages(room: Room, browser: Any, everything_open: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    anonymous = browser.new_page(**DESKTOP)
    anonymous.goto(f"{room.base}/facilitator/login")
    assert_accessible(anonymous, "login")
    from tests.support.pages import live_invite_path

    anonymous.goto(room.base + live_invite_path(room.server.database_url))
    assert_accessible(anonymous, "invitation sign-up")

    for group in ("gov", "gov", "gov"):
        room.vote(everything_open, "constraints", group, MATRIX_VOTES)
    context = browser.new_context(**DESKTOP)
    context.add_cookies(room.cookies())
    page = context.new_page()
    workshop = f"{room.base}/facilitator/workshops/{everything_open['id']}"
    page.goto(f"{room.base}/facilitator/")
    assert_accessible(page, "workshop list")
    page.goto(f"{room.base}/facilitator/workshops/new")
    assert_accessible(page, "new workshop")
    page.goto(workshop)
    assert_accessible(page, "editor")
    page.goto(f"{workshop}/activities/constraints/edit")
    if page.url.endswith("/edit"):
        assert_accessible(page, "activity form")
    page.goto(f"{workshop}/run")
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    assert_accessible(page, "run console")
    page.goto(f"{workshop}/activities/constraints/results")
    assert_accessible(page, "results")
    page.goto(f"{workshop}/activities/constraints/paper")
    assert_accessible(page, "paper ballot")


def test_the_axe_helper_reports_what_it_should(browser: Any) -> None:
    """The checks above can fail: a nameless icon button and grey-on-white text are caught and classed."""
    from tests.support.a11y import blocking, run_axe

    page = browser.new_page()
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Check</h1>'
                     '<button><svg width="10" height="10"></svg></button>'
                     '<p style="color:#bbb;background:#fff">faint text</p></main></body></html>')
    found = {v["id"]: v["impact"] for v in blocking(run_axe(page))}
    assert found == {"button-name": "critical", "color-contrast": "serious"}
