"""The run console and the editor in Portuguese and Arabic in Debian's Chromium at 1280x800 against the real
server: the text is translated (the live status comes from console.js), Arabic runs right to left, and nothing
sticks out sideways."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.browser import LAUNCH_ARGS
from tests.support.builders import small_definition
from tests.support.server import make_facilitator_token

EMAIL, PASSWORD = "maputo@example.org", "live-password"
#: Written by hand: what each console says once its socket is connected, and a heading of the editor.
LIVE = {"pt": "Ao vivo", "ar": "مباشر"}
GROUPS_HEADING = {"pt": "Grupos de partes interessadas", "ar": "مجموعات أصحاب المصلحة"}
OPEN_BUTTON = {"pt": "Abrir", "ar": "فتح"}

#: Elements whose right or left edge leaves the viewport (screen-reader-only text is clipped, so left out).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".sr-only")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.left < -1 || box.right > width + 1) out.push(el.tagName + "." + el.className + " " +
      Math.round(box.left) + ".." + Math.round(box.right));
  }
  return {scroll: document.documentElement.scrollWidth, width: width, out: out.slice(0, 8)};
}"""


def _measure(page: Any) -> dict[str, Any]:
    return {"lang": page.locator("html").get_attribute("lang"), "dir": page.locator("html").get_attribute("dir"),
            "brand": page.locator(".topbar .brand").bounding_box(),
            "account": page.locator(".topbar .account").bounding_box(),
            "overflow": page.evaluate(OVERFLOW)}


@pytest.mark.browser
@pytest.mark.server
def test_console_and_editor_in_portuguese_and_arabic(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    token = make_facilitator_token(base, live_server.database_url, EMAIL, PASSWORD)
    definition = small_definition(language="pt", second_language="ar",
                                  title="Oficina de priorização das restrições ao emprego na província de Maputo")
    definition["groups"][0].update(name="Governo e instituições públicas provinciais", name_2="الحكومة")
    definition["items"][0].update(title="Acesso ao financiamento para pequenas e médias empresas", title_2="التمويل")
    created = requests.post(f"{base}/api/v1/workshops", json=definition, timeout=10,
                            headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201, created.text
    workshop_id = created.json()["id"]

    seen: dict[str, dict[str, Any]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/facilitator/login")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            for language in ("pt", "ar"):
                page.goto(f"{base}/facilitator/workshops/{workshop_id}/run")
                page.locator(f'.console-langs button[value="{language}"]').click()  # the footer menu
                page.wait_for_url(f"**/facilitator/workshops/{workshop_id}/run")
                expect(page.locator("[data-live-status]")).to_have_text(LIVE[language])
                console = _measure(page)
                console["open"] = page.locator('.activity[data-activity="constraints"] .when-pending').inner_text()
                page.goto(f"{base}/facilitator/workshops/{workshop_id}")
                editor = _measure(page)
                editor["text"] = page.locator("main").inner_text()
                seen[language] = {"console": console, "editor": editor}
        finally:
            browser.close()

    for language in ("pt", "ar"):
        console, editor = seen[language]["console"], seen[language]["editor"]
        direction = "rtl" if language == "ar" else "ltr"
        assert (console["lang"], console["dir"]) == (language, direction)
        assert (editor["lang"], editor["dir"]) == (language, direction)
        assert console["open"].strip() == OPEN_BUTTON[language]
        assert GROUPS_HEADING[language] in editor["text"] and "Stakeholder groups" not in editor["text"]
        for name, measured in (("console", console), ("editor", editor)):
            overflow = measured["overflow"]
            assert overflow["scroll"] <= overflow["width"], (language, name, overflow)
            assert overflow["out"] == [], (language, name, overflow)
    # The top bar mirrors: the brand sits on the right in Arabic, on the left in Portuguese.
    ar, pt = seen["ar"]["console"], seen["pt"]["console"]
    assert ar["brand"]["x"] > ar["account"]["x"]
    assert pt["brand"]["x"] < pt["account"]["x"]
