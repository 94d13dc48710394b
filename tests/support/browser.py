"""How every browser test starts Debian's Chromium, and the phone it pretends to be."""

from __future__ import annotations

#: Headless Chromium as root in a container, with nothing that reaches out to the network.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
#: A cheap Android phone's screen.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
