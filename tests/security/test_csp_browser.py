"""In Debian's Chromium, under the real headers: the screen draws its chart, a phone votes, the console connects
its socket, and not one Content-Security-Policy violation is reported on any of the three pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS, PHONE
from tests.support.builders import typed_definition
from tests.support.server import make_facilitator_token

#: Runs before any page script (Playwright injects it outside the page's CSP), records every violation.
RECORD = ("window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) {"
          " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':'"
          " + e.lineNumber); });")


@pytest.mark.browser
@pytest.mark.server
def test_no_csp_violation_on_screen_phone_and_console(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10, json=typed_definition())
    assert created.status_code == 201, created.text
    workshop = created.json()
    activities = f"{base}/api/v1/workshops/{workshop['id']}/activities"
    assert "frame-ancestors 'none'" in requests.get(f"{base}/screen/{workshop['screen_token']}",
                                                    timeout=10).headers["Content-Security-Policy"]
    reports: list[str] = []

    def watch(page: Any, name: str) -> Any:
        page.add_init_script(RECORD)
        page.on("console", lambda m: reports.append(f"{name}: {m.text}")
                if "Content Security Policy" in m.text or "Refused to" in m.text else None)
        page.on("pageerror", lambda error: reports.append(f"{name} error: {error}"))
        return page

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            screen = watch(browser.new_page(viewport={"width": 1280, "height": 720}), "screen")
            screen.goto(f"{base}/screen/{workshop['screen_token']}")
            expect(screen.locator("#screen")).to_have_attribute("data-view", "join")
            assert requests.post(f"{activities}/sectors/open", headers=headers, timeout=10).status_code == 200
            expect(screen.locator("#screen")).to_have_attribute("data-view", "matrix", timeout=10_000)
            expect(screen.locator("canvas").first).to_be_visible(timeout=10_000)  # echarts drew the matrix
            requests.post(f"{activities}/sectors/close", headers=headers, timeout=10)
            assert requests.post(f"{activities}/dots/open", headers=headers, timeout=10).status_code == 200

            phone = watch(browser.new_context(**PHONE).new_page(), "phone")
            phone.goto(f"{base}/j/{workshop['join_code']}")
            phone.get_by_role("button", name=re.compile("^Employers")).click()
            expect(phone.get_by_role("heading", name="Spend your points")).to_be_visible()
            expect(phone.locator("html")).to_have_attribute("data-live", "connected")
            phone.get_by_role("button", name="One point more for Access to finance").click()
            phone.get_by_role("button", name=re.compile("^Save")).first.click()
            expect(phone.get_by_text(re.compile("[Ss]aved")).first).to_be_visible(timeout=10_000)

            console = watch(browser.new_context().new_page(), "console")
            console.goto(f"{base}/facilitator/login")
            console.fill("input[name=email]", "live@example.org")
            console.fill("input[name=password]", "live-password")
            console.locator("form button[type=submit], form input[type=submit]").first.click()
            console.goto(f"{base}/facilitator/workshops/{workshop['id']}/run")
            expect(console.locator("[data-live-status]")).to_have_class(re.compile("live-(on|ok|connected|live)"),
                                                                        timeout=10_000)
            for name, page in (("screen", screen), ("phone", phone), ("console", console)):
                reports.extend(f"{name}: {v}" for v in page.evaluate("window.__csp || []"))
            found = list(reports)
            # The recorder does record: an injected inline script is refused and reported.
            console.evaluate("var s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
                             " document.body.appendChild(s);")
            console.wait_for_function("window.__csp.length > 0", timeout=5_000)
            assert console.evaluate("window.__ran") is None
            assert "script-src" in console.evaluate("window.__csp[0]")
        finally:
            browser.close()
    assert not found, found
