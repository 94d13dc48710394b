"""How every browser test starts Debian's Chromium, the phone it pretends to be, and what it does on a page
more than once (tap a matrix value, sign in)."""

from __future__ import annotations

from typing import Any

#: Headless Chromium as root in a container, with nothing that reaches out to the network.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
#: A cheap Android phone's screen.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def pick(page: Any, item: str, axis: str, value: str) -> None:
    """Tap one value of a matrix item's axis on the phone's vote page."""
    page.locator(f'label.opt:has(input[name="{item}.{axis}"][value="{value}"])').click()


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    """Sign in to the facilitator console."""
    page.goto(f"{base}/facilitator/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit] >> text=Sign in")
