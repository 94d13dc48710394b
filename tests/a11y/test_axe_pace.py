"""axe-core on the pages of presenter pace and suggestion settings: the phone remote (self-paced and paced,
at 360×740), the console's pace and suggestion panels, a phone in item pace, the closed suggestions page."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.support.a11y import DESKTOP, Room, assert_accessible
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_remote_console_and_paced_phone(room: Room, browser: Any) -> None:
    from playwright.sync_api import expect

    workshop = room.workshop("Presenter pace")
    room.state(workshop, "constraints", "open")
    api = f"{room.base}/api/v1/workshops/{workshop['id']}"
    context = browser.new_context(**PHONE)
    context.add_cookies(room.cookies())
    remote = context.new_page()
    remote.goto(f"{room.base}/facilitator/workshops/{workshop['id']}/remote")
    expect(remote.locator("html")).to_have_attribute("data-live", "connected")
    assert_accessible(remote, "remote, self-paced")
    assert requests.put(f"{api}/pace", headers=room.headers, json={"mode": "item"}, timeout=10).status_code == 200
    remote.reload()
    expect(remote.locator("[data-remote-item]")).to_contain_text("Item 1 of 3")
    assert_accessible(remote, "remote, item pace")

    console = browser.new_context(**DESKTOP)
    console.add_cookies(room.cookies())
    run = console.new_page()
    run.goto(f"{room.base}/facilitator/workshops/{workshop['id']}/run")
    expect(run.locator("[data-pace-now]")).to_be_visible()
    assert_accessible(run, "run console with presenter pace")

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{room.base}/j/{workshop['join_code']}")
    phone.get_by_role("button", name=re.compile("^Workers")).click()
    expect(phone.locator("[data-pace-note]")).to_have_text("Item 1 of 3")
    assert_accessible(phone, "phone, item pace")
    assert requests.put(f"{api}/proposal-settings", headers=room.headers, json={"open": False},
                        timeout=10).status_code == 200
    phone.goto(f"{room.base}/propose")
    expect(phone.locator("[data-proposals-closed]")).to_be_visible()
    assert_accessible(phone, "phone, suggestions closed")
