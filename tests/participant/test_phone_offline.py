"""Answers kept on the phone while the connection is down: Debian's Chromium at 360x740 against the real server.

Vote, go offline, vote more (the page counts what waits, the server has none of it), come back online (the queue
is sent, one value per item, right totals); the same queued ballot sent twice more changes nothing; a queued
answer for a round closed meanwhile is dropped and the phone says so once."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
import requests

from tests.support import builders
from tests.support.browser import LAUNCH_ARGS, PHONE, pick
from tests.support.builders import small_definition
from tests.support.server import make_facilitator_token

QUEUE_KEY = "prioritas.queue.v1"


def csv_values(base: str, headers: dict[str, str], workshop_id: int) -> list[tuple[str, str, str, str]]:
    response = requests.get(f"{base}/api/v1/workshops/{workshop_id}/export?format=csv", headers=headers, timeout=10)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    keys = {"participant", "item", "axis", "value"} & set(rows[0]) if rows else set()
    assert not rows or keys == {"participant", "item", "axis", "value"}, rows[0]
    return sorted((r["participant"], r["item"], r["axis"], r["value"]) for r in rows)


def per_head(base: str, headers: dict[str, str], workshop_id: int) -> dict[str, Any]:
    response = requests.get(f"{base}/api/v1/workshops/{workshop_id}/activities/constraints/results"
                            "?weighting=per_head", headers=headers, timeout=10)
    assert response.status_code == 200
    return response.json()


@pytest.mark.browser
@pytest.mark.server
def test_answers_wait_on_the_phone_and_are_sent_once(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, json=small_definition(), timeout=10)
    assert created.status_code == 201, created.text
    workshop = created.json()
    wid = workshop["id"]
    activities = f"{base}/api/v1/workshops/{wid}/activities"
    assert requests.post(f"{activities}/constraints/open", headers=headers, timeout=10).status_code == 200

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            page.goto(f"{base}/j/{workshop['join_code']}")
            page.get_by_role("button", name=re.compile("^Workers")).click()
            expect(page.get_by_role("heading", name="Rate the constraints")).to_be_visible()
            expect(page.locator("html")).to_have_attribute("data-live", "connected")

            pick(page, "finance", "y", "5")
            pick(page, "finance", "x", "2")
            page.get_by_role("button", name="Save answers").click()
            expect(page.locator("#status .notice-ok")).to_contain_text("Saved 1 rating.")
            assert csv_values(base, headers, wid) == [("P001", "finance", "x", "2"), ("P001", "finance", "y", "5")]

            # offline: two more items are kept on the phone, not sent
            context.set_offline(True)
            pick(page, "skills", "y", "4")
            pick(page, "skills", "x", "3")
            pick(page, "power", "y", "dk")
            pick(page, "power", "x", "1")
            page.get_by_role("button", name="Save answers").click()
            banner = page.locator("[data-queue-notice]")
            expect(banner).to_have_attribute("data-queued", "2")
            expect(banner).to_contain_text("Saved on this phone — will send when connected (2 waiting).")
            queue = json.loads(page.evaluate(f"localStorage.getItem('{QUEUE_KEY}')"))
            (entry,) = queue.values()
            assert entry["activity"] == "constraints" and entry["round"] == "1"
            assert sorted(entry["items"]) == ["power", "skills"]
            assert len(csv_values(base, headers, wid)) == 2  # the server has not got them
            assert per_head(base, headers, wid)["respondents"] == 1

            # a later change while still offline: the latest answer per item wins, still 2 waiting
            pick(page, "skills", "y", "2")
            page.get_by_role("button", name="Save answers").click()
            expect(banner).to_have_attribute("data-queued", "2")
            stale_copy = page.evaluate(f"localStorage.getItem('{QUEUE_KEY}')")

            context.set_offline(False)
            expect(page.locator("[data-queue-notice]")).to_have_count(0, timeout=15_000)
            expect(page.locator("[data-live-notice] .notice-ok")).to_have_text(
                "Sent: the answers kept on this phone are saved (2).")
            expect(page.locator("#status .notice-ok")).to_contain_text("Saved 3 ratings.")
            expect(page.locator("#item-skills .chip-ok")).to_have_text("Saved")
            assert page.evaluate(f"localStorage.getItem('{QUEUE_KEY}')") is None
            expected = [("P001", "finance", "x", "2"), ("P001", "finance", "y", "5"),
                        ("P001", "power", "x", "1"), ("P001", "power", "y", ""),
                        ("P001", "skills", "x", "3"), ("P001", "skills", "y", "2")]
            assert csv_values(base, headers, wid) == expected

            def check_totals() -> None:
                doc = per_head(base, headers, wid)
                assert doc["respondents"] == 1
                by_item = {i["item"]: i for i in doc["items"]}
                assert (by_item["finance"]["y"]["mean"], by_item["finance"]["x"]["mean"]) == (5, 2)
                assert (by_item["skills"]["y"]["mean"], by_item["skills"]["x"]["mean"]) == (2, 3)
                assert by_item["power"]["y"]["mean"] is None and by_item["power"]["x"]["mean"] == 1

            check_totals()

            # the same queued ballot sent twice more: still one value per item, the same totals
            for _ in range(2):
                page.evaluate("([key, value]) => { localStorage.setItem(key, value); "
                              "window.dispatchEvent(new Event('online')); }", [QUEUE_KEY, stale_copy])
                page.wait_for_function(f"() => localStorage.getItem('{QUEUE_KEY}') === null", timeout=15_000)
            assert csv_values(base, headers, wid) == expected
            check_totals()

            # a round closed while the answer waited: dropped, the phone says so once
            context.set_offline(True)
            pick(page, "finance", "y", "1")
            page.get_by_role("button", name="Save answers").click()
            expect(page.locator("[data-queue-notice]")).to_have_attribute("data-queued", "1")
            assert requests.post(f"{activities}/constraints/close", headers=headers, timeout=10).status_code == 200
            context.set_offline(False)
            expect(page.get_by_text("that round is closed")).to_be_visible(timeout=20_000)
            expect(page.get_by_text("that round is closed")).to_have_count(1)
            assert page.evaluate(f"localStorage.getItem('{QUEUE_KEY}')") is None
            assert csv_values(base, headers, wid) == expected

            # it still follows the facilitator after all this: a new round opens, the phone goes to it
            assert requests.post(f"{activities}/constraints/rounds", headers=headers, timeout=10).status_code == 200
            expect(page).to_have_url(re.compile(r"/p/constraints$"), timeout=15_000)
            expect(page.get_by_role("heading", name="Rate the constraints")).to_be_visible()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.server
def test_a_points_ballot_waits_whole_and_replaces_the_saved_one(live_server: Any, chromium_path: str) -> None:
    """Points are one ballot: the queued form replaces the saved ballot as a whole, once."""
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    definition = builders.small_definition(activities=[
        builders.points("constraints", builders.SMALL_ITEMS, "Spend your points", budget=3, max_per_item=2)])
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, json=definition, timeout=10)
    assert created.status_code == 201, created.text
    workshop = created.json()
    wid = workshop["id"]
    assert requests.post(f"{base}/api/v1/workshops/{wid}/activities/constraints/open", headers=headers,
                         timeout=10).status_code == 200

    def step(page: Any, item: str, times: int = 1) -> None:
        for _ in range(times):
            page.locator(f'#item-{item} [data-step="1"]').click()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            page.goto(f"{base}/j/{workshop['join_code']}")
            page.get_by_role("button", name=re.compile("^Government")).click()
            expect(page.get_by_role("heading", name="Spend your points")).to_be_visible()
            step(page, "finance")
            step(page, "skills", 2)
            page.get_by_role("button", name="Save answers").click()
            expect(page.locator("#status .notice-ok")).to_contain_text("Your points are saved.")
            # a points ballot stores every item (0 for none)
            assert [v[1:] for v in csv_values(base, headers, wid)] == [("finance", "points", "1"),
                                                                       ("power", "points", "0"),
                                                                       ("skills", "points", "2")]

            context.set_offline(True)
            page.locator('input[name="skills.points"]').fill("")
            page.locator('input[name="finance.points"]').fill("2")
            page.locator('input[name="power.points"]').fill("1")
            page.get_by_role("button", name="Save answers").click()
            expect(page.locator("[data-queue-notice]")).to_have_attribute("data-queued", "3")
            assert len(csv_values(base, headers, wid)) == 3 and ("P001", "skills", "points", "2") in csv_values(
                base, headers, wid)
            copy = page.evaluate(f"localStorage.getItem('{QUEUE_KEY}')")

            context.set_offline(False)
            expect(page.locator("[data-queue-notice]")).to_have_count(0, timeout=15_000)
            expected = [("finance", "points", "2"), ("power", "points", "1"), ("skills", "points", "0")]
            assert [v[1:] for v in csv_values(base, headers, wid)] == expected
            for _ in range(2):
                page.evaluate("([key, value]) => { localStorage.setItem(key, value); "
                              "window.dispatchEvent(new Event('online')); }", [QUEUE_KEY, copy])
                page.wait_for_function(f"() => localStorage.getItem('{QUEUE_KEY}') === null", timeout=15_000)
            assert [v[1:] for v in csv_values(base, headers, wid)] == expected
            doc = requests.get(f"{base}/api/v1/workshops/{wid}/activities/constraints/results?weighting=per_head",
                               headers=headers, timeout=10).json()
            assert doc["respondents"] == 1
        finally:
            browser.close()
