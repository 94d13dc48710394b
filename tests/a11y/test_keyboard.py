"""Everything operable by keyboard alone (Tab, Shift+Tab, Enter, Space, arrow keys), with a visible focus
indicator at every stop: the phone joins and answers a matrix, a ranking and points; the console opens, reveals
and closes an activity; the screen toggles its group overlay and confidence marks. Checked against the server."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.a11y.keys import focus_problem, is_focused, tab_to, walk_all
from tests.support.a11y import DESKTOP, Room
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_phone_by_keyboard_only(room: Room, browser: Any) -> None:
    from playwright.sync_api import expect

    workshop = room.workshop("Keyboard phone")
    for key in ("constraints", "order", "dots"):
        room.state(workshop, key, "open")
    problems: list[str] = []
    page = browser.new_context(**PHONE).new_page()

    # Join: type the code, Enter submits.
    page.goto(f"{room.base}/join")
    tab_to(page, page.locator("#code"), problems)
    page.keyboard.type(workshop["join_code"].lower())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Which group are you in?")).to_be_visible()

    # Group: Tab to the third group button, Shift+Tab back to the second, Space chooses it.
    tab_to(page, page.get_by_role("button", name=re.compile("^Workers")), problems)
    tab_to(page, page.get_by_role("button", name=re.compile("^Employers")), problems, backwards=True)
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/p$"))

    # Several activities are open: a list of links; Enter follows the matrix.
    tab_to(page, page.get_by_role("link", name=re.compile("^Rate the constraints")), problems)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Rate the constraints")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    walk_all(page, problems)

    # Matrix card: Tab into a row of radio buttons, arrows move the choice, Space picks the first one.
    first_y = page.locator('input[name="finance.y"][value="1"]')
    tab_to(page, first_y, problems)
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator('input[name="finance.y"][value="4"]')).to_be_checked()
    tab_to(page, page.locator('input[name="finance.x"][value="1"]'), problems)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(page.locator('input[name="finance.x"][value="2"]')).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save answers"), problems)
    page.keyboard.press("Enter")
    expect(page.locator("#status .notice-ok")).to_contain_text("Saved 1 rating.")

    # Ranking: Tab to an item and press Enter or Space to give it the next place; move it up with a button.
    page.goto(f"{room.base}/p/order")
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    tab_to(page, page.locator('.rank-item[data-key="power"]'), problems)
    page.keyboard.press("Enter")
    tab_to(page, page.locator('.rank-item[data-key="skills"]'), problems, backwards=True)
    page.keyboard.press("Space")
    order = page.locator("[data-rank-order] li")
    expect(order).to_have_count(2)
    expect(order.first).to_have_attribute("data-key", "power")
    tab_to(page, page.get_by_role("button", name="Move up: Skills"), problems, backwards=True)
    page.keyboard.press("Enter")
    expect(order.first).to_have_attribute("data-key", "skills")
    tab_to(page, page.get_by_role("button", name="Save answers"), problems)
    page.keyboard.press("Enter")
    expect(page.locator("#status .notice-ok")).to_contain_text("Your order is saved.")

    # Points: the + and − buttons with Enter and Space.
    page.goto(f"{room.base}/p/dots")
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    plus = page.get_by_role("button", name="One point more for Access to finance")
    tab_to(page, plus, problems)
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    expect(page.locator("[data-points-left]")).to_have_text("1 of 3 points left")
    tab_to(page, page.get_by_role("button", name="One point less for Access to finance"), problems, backwards=True)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="One point more for Electricity"), problems)
    page.keyboard.press("Enter")
    expect(page.locator("[data-points-left]")).to_have_text("1 of 3 points left")
    tab_to(page, page.get_by_role("button", name="Save answers"), problems)
    page.keyboard.press("Enter")
    expect(page.locator("#status .notice-ok")).to_contain_text("Your points are saved.")
    assert not problems, "\n".join(problems)

    # What the keys saved, read back from the server's own pages (rendered without this page's script).
    check = requests.Session()
    check.cookies.update({c["name"]: c["value"] for c in page.context.cookies()})
    matrix = check.get(f"{room.base}/p/constraints", timeout=10).text
    assert re.search(r'name="finance\.y" value="4" checked', matrix)
    assert re.search(r'name="finance\.x" value="2" checked', matrix)
    ranking = check.get(f"{room.base}/p/order", timeout=10).text
    assert re.search(r'name="skills\.rank".*?value="1" selected', ranking, re.S)
    assert re.search(r'name="power\.rank".*?value="2" selected', ranking, re.S)
    points = check.get(f"{room.base}/p/dots", timeout=10).text
    assert re.search(r'name="finance\.points"[^>]*value="1"', points)
    assert re.search(r'name="power\.points"[^>]*value="1"', points)
    assert re.search(r'name="skills\.points"[^>]*value=""', points)


def test_console_by_keyboard_only(room: Room, browser: Any) -> None:
    from playwright.sync_api import expect

    workshop = room.workshop("Keyboard console")
    context = browser.new_context(**DESKTOP)
    context.add_cookies(room.cookies())
    page = context.new_page()
    problems: list[str] = []
    page.goto(f"{room.base}/facilitator/workshops/{workshop['id']}/run")
    expect(page.locator("[data-live-status]")).to_have_text("Live")
    walk_all(page, problems)
    card = page.locator('.activity[data-activity="constraints"]')

    def press(name: str) -> None:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        tab_to(page, card.get_by_role("button", name=name, exact=True), problems, limit=250)
        page.keyboard.press("Enter")

    press("Hide until revealed for “Rate the constraints”")
    expect(card.get_by_role("button", name="Show live results for “Rate the constraints”")).to_be_visible()
    press("Open “Rate the constraints”")
    expect(card).to_have_attribute("data-state", "open")
    press("Reveal results of “Rate the constraints”")
    expect(card.get_by_role("button", name="Hide results again of “Rate the constraints”")).to_be_visible()
    press("Close “Rate the constraints”")
    expect(card).to_have_attribute("data-state", "closed")
    assert not problems, "\n".join(problems)

    document = requests.get(f"{room.base}/api/v1/workshops/{workshop['id']}", headers=room.headers, timeout=10).json()
    constraints = next(a for a in document["activities"] if a["key"] == "constraints")
    assert constraints["state"] == "closed"


def test_screen_by_keyboard_only(room: Room, browser: Any) -> None:
    from playwright.sync_api import expect

    workshop = room.workshop("Keyboard screen")
    room.state(workshop, "constraints", "open")
    for group in ("gov", "gov", "gov"):
        room.vote(workshop, "constraints", group, {"ratings": [{"item": "finance", "x": 4, "y": 5}]})
    problems: list[str] = []
    page = browser.new_page(**DESKTOP)
    page.goto(f"{room.base}/screen/{workshop['screen_token']}")
    chart = page.locator("#chart")
    expect(page.locator("#screen")).to_have_attribute("data-view", "matrix", timeout=10_000)
    expect(chart).to_have_attribute("data-groups", "off")
    page.keyboard.press("g")
    expect(chart).to_have_attribute("data-groups", "on")
    page.keyboard.press("G")
    expect(chart).to_have_attribute("data-groups", "off")
    expect(chart).to_have_attribute("data-ci", "on")  # confidence crosshairs: "c" hides and shows them
    page.keyboard.press("c")
    expect(chart).to_have_attribute("data-ci", "off")
    page.keyboard.press("c")
    expect(chart).to_have_attribute("data-ci", "on")

    # The Groups button: Tab to it, Space and Enter toggle it, and it says whether it is pressed.
    button = page.get_by_role("button", name="Groups")
    tab_to(page, button, problems, limit=20)
    page.keyboard.press("Space")
    expect(chart).to_have_attribute("data-groups", "on")
    expect(button).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "false")
    assert is_focused(button)
    # Full screen: Tab on to its button, Enter enters full screen, "f" leaves it.
    tab_to(page, page.get_by_role("button", name="Full screen"), problems, limit=5)
    page.keyboard.press("Enter")
    expect(page.locator("#screen")).to_have_class(re.compile(r"\bis-fullscreen\b"))
    assert focus_problem(page) is None, focus_problem(page)  # the tools fade out in full screen, not on focus
    page.keyboard.press("f")
    expect(page.locator("#screen")).not_to_have_class(re.compile(r"\bis-fullscreen\b"))
    count = walk_all(page, problems)
    assert count >= 1
    assert not problems, "\n".join(problems)


def test_every_focus_stop_shows_a_ring_that_nothing_covers(room: Room, browser: Any) -> None:
    """Tab once round each page: every stop has a visible ring (3:1 against its background), not under a
    sticky bar."""
    from playwright.sync_api import expect

    workshop = room.workshop("Focus rings")
    for key in ("constraints", "urgency", "dots", "order", "sectors"):
        room.state(workshop, key, "open")
    problems: list[str] = []
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{room.base}/join")
    walk_all(phone, problems)
    phone.goto(f"{room.base}/j/{workshop['join_code']}")
    walk_all(phone, problems)
    phone.get_by_role("button", name=re.compile("^Government")).click()
    stops = {}
    for key in ("constraints", "urgency", "dots", "order", "sectors"):
        phone.goto(f"{room.base}/p/{key}")
        expect(phone.locator("html")).to_have_attribute("data-live", "connected")
        stops[key] = walk_all(phone, problems)
    assert stops["constraints"] >= 3 * 2 + 1, stops  # a stop per radio row (3 items x 2 axes) and Save

    anonymous = browser.new_page(**DESKTOP)
    anonymous.goto(f"{room.base}/facilitator/login")
    walk_all(anonymous, problems)
    context = browser.new_context(**DESKTOP)
    context.add_cookies(room.cookies())
    page = context.new_page()
    base = f"{room.base}/facilitator/workshops/{workshop['id']}"
    for url in (f"{room.base}/facilitator/", f"{room.base}/facilitator/workshops/new", base,
                f"{base}/activities/constraints/edit", f"{base}/activities/constraints/results",
                f"{base}/activities/constraints/paper"):
        page.goto(url)
        assert walk_all(page, problems) > 0, url
    screen = browser.new_page(**DESKTOP)
    screen.goto(f"{room.base}/screen/{workshop['screen_token']}")
    expect(screen.locator("#screen")).to_have_attribute("data-view", re.compile("matrix|board"), timeout=10_000)
    walk_all(screen, problems)
    assert not problems, "\n".join(problems)
