"""Arabic reads right to left on a real phone: Debian's Chromium at 360x740 against the real server."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, PHONE
from tests.support.builders import small_definition
from tests.support.server import make_facilitator_token


def _phone_boxes(page: Any, base: str, code: str) -> dict[str, Any]:
    """Join in the first group, then measure where the workshop title and the group chip sit."""
    page.goto(f"{base}/j/{code}")
    page.locator("button.group-btn").first.click()
    page.wait_for_selector(".topbar .chip")
    return {"dir": page.locator("html").get_attribute("dir"), "lang": page.locator("html").get_attribute("lang"),
            "title": page.locator(".topbar-title").bounding_box(), "chip": page.locator(".topbar .chip").bounding_box(),
            "save": page.locator("[data-save]").inner_text(),
            "item": page.locator(".item-title").first.bounding_box(),
            "card": page.locator(".item.card").first.bounding_box()}


@pytest.mark.browser
@pytest.mark.server
def test_arabic_phone_page_is_mirrored(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    codes, screens = {}, {}
    for language in ("ar", "en"):
        created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10,
                                json=small_definition(language=language, title=f"Workshop {language}"))
        assert created.status_code == 201, created.text
        workshop = created.json()
        opened = requests.post(f"{base}/api/v1/workshops/{workshop['id']}/activities/constraints/open",
                               headers=headers, timeout=10)
        assert opened.status_code == 200, opened.text
        codes[language] = workshop["join_code"]
        screens[language] = f"{base}/screen/{workshop['screen_token']}"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            arabic = _phone_boxes(browser.new_context(**PHONE).new_page(), base, codes["ar"])
            english = _phone_boxes(browser.new_context(**PHONE).new_page(), base, codes["en"])
            projector = {}
            for language, url in screens.items():
                page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                page.goto(url)
                page.wait_for_selector("#activity-view:not([hidden])")
                page.wait_for_selector("#side:not([hidden])")
                projector[language] = {"dir": page.locator("html").get_attribute("dir"),
                                       "side": page.locator(".sc-join-corner").bounding_box(),
                                       "title": page.locator("#activity-title").bounding_box()}
        finally:
            browser.close()

    assert (arabic["dir"], arabic["lang"]) == ("rtl", "ar")
    assert arabic["save"] == "حفظ الإجابات"
    # Right to left: the title starts at the right edge, the group chip sits to its left; English is the mirror.
    assert arabic["chip"]["x"] + arabic["chip"]["width"] <= arabic["title"]["x"] + 1
    assert english["title"]["x"] + english["title"]["width"] <= english["chip"]["x"] + 1
    # An item's title hugs the card's right edge in Arabic and its left edge in English.
    right_gap = (arabic["card"]["x"] + arabic["card"]["width"]) - (arabic["item"]["x"] + arabic["item"]["width"])
    left_gap = arabic["item"]["x"] - arabic["card"]["x"]
    assert right_gap < left_gap
    # The projector mirrors too: the join corner moves from the right of the title to its left.
    assert projector["ar"]["dir"] == "rtl" and projector["en"]["dir"] == "ltr"
    assert projector["ar"]["side"]["x"] + projector["ar"]["side"]["width"] <= projector["ar"]["title"]["x"]
    assert projector["en"]["title"]["x"] + projector["en"]["title"]["width"] <= projector["en"]["side"]["x"]
