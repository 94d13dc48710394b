"""Page weight and Slow 3G: what a phone downloads on its first visit, and how long it waits on a slow network.

A phone (Debian's Chromium at 360x740, empty cache) walks the real journey against the real server
(`deploy/serve.py`, gevent): the join page, the group page, then the first vote page (a 15-item matrix from the
`regional` template) with everything it fetches: CSS, JS, the Socket.IO client and the socket's own traffic.
Chromium's DevTools protocol reports the bytes each response took on the wire (`encodedDataLength`: headers plus
the body as sent, so compressed when the server compressed it). Uploads are not counted.

Then the same journey under the classic DevTools "Slow 3G" profile (400 ms latency, 400 kbit/s down and up,
emulated by Chromium for HTTP traffic): first paint and "usable" of the join page and of the vote page, and the
time from a tap on "Save answers" to the "saved" notice.

    .venv/bin/python bench/page_weight.py            # both parts
    .venv/bin/python bench/page_weight.py --no-slow3g

Loopback only; one phone; bounded by timeouts. Exit status 1 when the first load exceeds --budget bytes.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
#: Chromium DevTools' classic "Slow 3G": 400 ms round trip, 400 kbit/s each way (bytes per second here).
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
BUDGET = 60_000  # bytes: "first load under 60 KB compressed"
#: Chromium offers brotli only to secure origins (HTTPS, localhost); a phone on the venue's Wi-Fi reaches the
#: laptop over plain HTTP at a LAN address and gets gzip. Measure what that phone gets.
LAN_PHONE_ENCODING = {"Accept-Encoding": "gzip, deflate"}
PHASES = ("join", "groups", "vote")

#: Installed in every page before its scripts: when the socket says "connected", and when a notice says "saved".
MARKS = """(() => {
  const seen = {};
  window.__marks = seen;
  new MutationObserver(() => {
    const html = document.documentElement;
    if (!seen.connected && html.dataset.live === 'connected') seen.connected = performance.now();
    if (seen.tap && !seen.saved && document.querySelector('#status .notice-ok')) seen.saved = performance.now();
  }).observe(document, {attributes: true, childList: true, subtree: true});
  document.addEventListener('click', e => {
    if (e.target.closest && e.target.closest('[data-save]')) { seen.tap = performance.now(); seen.saved = 0; }
  }, true);
})();"""


@dataclass
class Transfer:
    phase: str
    url: str
    status: int = 0
    bytes: int = 0  # on the wire: headers + (compressed) body
    body: int = 0  # decoded body
    encoding: str = ""
    kind: str = ""
    cached: bool = False  # served from Chromium's disk cache


@dataclass
class Journey:
    transfers: list[Transfer] = field(default_factory=list)
    socket_bytes: dict[str, int] = field(default_factory=dict)  # frames received per phase (payload + 2 B)
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds

    def phase_bytes(self, phase: str) -> int:
        return sum(t.bytes for t in self.transfers if t.phase == phase) + self.socket_bytes.get(phase, 0)

    @property
    def total(self) -> int:
        return sum(self.phase_bytes(p) for p in PHASES)


class NetworkLog:
    """Every response the page receives, from Chromium's own accounting (DevTools Network domain)."""

    def __init__(self, cdp: Any, journey: Journey) -> None:
        self.journey = journey
        self.phase = "join"
        self.open: dict[str, Transfer] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def _sent(self, event: dict[str, Any]) -> None:
        previous = self.open.pop(event["requestId"], None)
        redirect = event.get("redirectResponse")
        if previous is not None and redirect is not None:  # a 302: its headers travelled too
            previous.status = redirect["status"]
            previous.bytes = int(redirect.get("encodedDataLength", 0))
            previous.kind = "redirect"
            self.journey.transfers.append(previous)
        self.open[event["requestId"]] = Transfer(self.phase, event["request"]["url"])

    def _received(self, event: dict[str, Any]) -> None:
        transfer = self.open.get(event["requestId"])
        if transfer is not None:
            response = event["response"]
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            transfer.status = response["status"]
            transfer.encoding = headers.get("content-encoding", "")
            transfer.kind = event.get("type", "").lower()
            transfer.cached = bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))

    def _data(self, event: dict[str, Any]) -> None:
        transfer = self.open.get(event["requestId"])
        if transfer is not None:
            transfer.body += int(event.get("dataLength", 0))

    def _finished(self, event: dict[str, Any]) -> None:
        transfer = self.open.pop(event["requestId"], None)
        if transfer is not None:
            transfer.bytes = int(event.get("encodedDataLength", 0))
            self.journey.transfers.append(transfer)

    def _frame(self, event: dict[str, Any]) -> None:
        size = len(event["response"].get("payloadData", "").encode()) + 2
        self.journey.socket_bytes[self.phase] = self.journey.socket_bytes.get(self.phase, 0) + size


def paint_timings(page: Any) -> dict[str, float]:
    """Milliseconds from the navigation's start: first contentful paint, DOM ready (deferred scripts have run),
    and load. Under load a headless Chromium may record the paint just after `load`: wait for it (bounded)."""
    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0",
                           timeout=10_000)
    return page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return {fcp: fcp ? fcp.startTime : NaN, ready: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
    }""")


def phone_journey(browser: Any, base: str, code: str, group: str = "^Employers",
                  throttle: dict[str, Any] | None = None, answer: bool = True,
                  headers: dict[str, str] | None = None) -> Journey:
    """Join with the code, pick the group, answer the first item of the vote page and save it (with JS)."""
    from playwright.sync_api import expect

    journey = Journey()
    context = browser.new_context(**PHONE, extra_http_headers=LAN_PHONE_ENCODING if headers is None else headers)
    try:
        context.add_init_script(MARKS)
        page = context.new_page()
        page.set_default_timeout(60_000)
        cdp = context.new_cdp_session(page)
        log = NetworkLog(cdp, journey)
        if throttle:
            cdp.send("Network.emulateNetworkConditions", throttle)

        page.goto(f"{base}/join")
        for name, value in paint_timings(page).items():
            journey.timings[f"join.{name}"] = value
        page.fill("#code", code)
        log.phase = "groups"
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Which group are you in?")).to_be_visible()
        page.wait_for_load_state("load")

        log.phase = "vote"
        page.get_by_role("button", name=re.compile(group)).click()
        expect(page).to_have_url(re.compile(r"/p$"))
        expect(page.locator("html")).to_have_attribute("data-live", "connected")
        page.wait_for_load_state("load")
        page.wait_for_load_state("networkidle")
        for name, value in paint_timings(page).items():
            journey.timings[f"vote.{name}"] = value
        journey.timings["vote.connected"] = page.evaluate("() => window.__marks.connected || NaN")
        if answer:
            first = page.locator("[data-item]").first
            first.locator("fieldset").nth(0).locator("label.opt").nth(2).click()
            first.locator("fieldset").nth(1).locator("label.opt").nth(1).click()
            log.phase = "save"
            page.get_by_role("button", name="Save answers").click()
            expect(page.locator("#status .notice-ok")).to_contain_text("Saved 1 rating")
            marks = page.evaluate("() => window.__marks")
            journey.timings["save.tap_to_saved"] = marks["saved"] - marks["tap"]
            expect(page).to_have_url(re.compile(r"/p$"))  # saved in place, without a page load
    finally:
        context.close()
    return journey


def regional_workshop(base: str, headers: dict[str, str]) -> dict[str, Any]:
    """The `regional` template with its first activity (a 15-item matrix) open: a realistic first vote page."""
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, timeout=10,
                            json={"template": "regional", "title": "Eastern Cape constraints and sectors"})
    created.raise_for_status()
    workshop = created.json()
    opened = requests.post(f"{base}/api/v1/workshops/{workshop['id']}/activities/constraints/open",
                           headers=headers, timeout=10)
    opened.raise_for_status()
    return workshop


def report(journey: Journey, title: str) -> str:
    lines = [title]
    for phase in (*PHASES, "save"):
        rows = [t for t in journey.transfers if t.phase == phase]
        if not rows and phase not in journey.socket_bytes:
            continue
        lines.append(f"  {phase:<7} {journey.phase_bytes(phase):>8,} B")
        for t in rows:
            path = re.sub(r"^https?://[^/]+", "", t.url)
            path = re.sub(r"([?&])(v|sid|t)=[^&]+", r"\1\2=…", path)[:70]
            notes = "".join(f", {n}" for n in (t.encoding, "disk cache" if t.cached else "") if n)
            lines.append(f"    {t.status:>3} {t.bytes:>8,} B  (body {t.body:>7,} B{notes})  {path}")
        if journey.socket_bytes.get(phase):
            lines.append(f"        {journey.socket_bytes[phase]:>8,} B  WebSocket frames received")
    lines.append(f"  first load (join + groups + vote): {journey.total:,} B = {journey.total / 1000:.1f} kB")
    return "\n".join(lines)


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=BUDGET, help="bytes allowed for the first load")
    parser.add_argument("--no-slow3g", action="store_true", help="skip the Slow 3G timings")
    parser.add_argument("--runs", type=int, default=3, help="Slow 3G journeys (median reported)")
    parser.add_argument("--encoding", choices=("lan", "chromium", "none"), default="lan",
                        help="lan: offer gzip only, as Chromium does to a plain-HTTP LAN address (default); "
                             "chromium: its own header, which adds brotli on loopback; "
                             "none: uncompressed, for comparison")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="prioritas-weight-") as tmp:
        server = _server.start(Path(tmp))
        try:
            token = requests.post(f"{server.url}/api/v1/auth/token", timeout=10, json={
                "email": _server.FACILITATOR_EMAIL, "password": _server.FACILITATOR_PASSWORD}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            workshop = regional_workshop(server.url, headers)
            with chromium() as browser:
                headers = {"lan": LAN_PHONE_ENCODING, "chromium": {}, "none": {"Accept-Encoding": "identity"}}[
                    args.encoding]
                journey = phone_journey(browser, server.url, workshop["join_code"], headers=headers)
                print(report(journey, "Phone first visit, empty cache (bytes on the wire, DevTools accounting):"))
                print(f"  budget {args.budget:,} B: {'OK' if journey.total <= args.budget else 'OVER'}")
                if not args.no_slow3g:
                    runs = [phone_journey(browser, server.url, workshop["join_code"], throttle=SLOW_3G, headers=headers)
                            for _ in range(max(1, args.runs))]
                    print(f"\nSlow 3G (400 ms, 400 kbit/s down/up), median of {len(runs)} fresh phones, ms:")
                    for name in runs[0].timings:
                        values = sorted(r.timings[name] for r in runs)
                        print(f"  {name:<22} {values[len(values) // 2]:>8,.0f}   (runs: "
                              + ", ".join(f"{v:,.0f}" for v in values) + ")")
        finally:
            _server.stop(server)
    return 0 if journey.total <= args.budget else 1


if __name__ == "__main__":
    sys.exit(main())
