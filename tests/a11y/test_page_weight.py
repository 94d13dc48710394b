"""The phone's first visit (join page, group page, first vote page with its CSS, JS and socket client) stays under
60 KB on the wire; what makes that true (gzip, cache headers on content-hashed static URLs) is checked resource by
resource against the files on disk; compression leaves Socket.IO and binary exports alone; the vote can be
completed on an emulated Slow 3G network (the timings live in bench/page_weight.py and docs/performance.md)."""

from __future__ import annotations

import gzip
import hashlib
import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bench.page_weight import BUDGET, SLOW_3G, phone_journey, regional_workshop, report
from tests.support.a11y import Room

pytestmark = [pytest.mark.browser, pytest.mark.server]
STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture(scope="module")
def regional(room: Room) -> dict[str, Any]:
    return regional_workshop(room.base, room.headers)


def test_first_visit_stays_under_60_kb_compressed(room: Room, browser: Any, regional: dict[str, Any]) -> None:
    journey = phone_journey(browser, room.base, regional["join_code"])
    summary = report(journey, "first visit")
    assert journey.total < BUDGET, summary
    # The figure is made of what a phone really fetches: the three pages, the CSS, the scripts, the socket.
    paths = {urlsplit(t.url).path for t in journey.transfers}
    assert {"/join", "/p", "/static/css/app.css", "/static/js/common.js", "/static/js/phone.js",
            "/static/vendor/socket.io-client-4.8.4/socket.io.min.js"} <= paths, summary
    assert any(p.startswith("/socket.io/") for p in paths), summary
    for t in journey.transfers:
        if t.status == 200 and t.body > 1000 and not urlsplit(t.url).path.startswith("/socket.io/"):
            assert t.encoding == "gzip", f"{t.url} came uncompressed\n{summary}"


def test_each_resource_of_the_vote_page_is_gzip_and_cached_for_good(room: Room, regional: dict[str, Any]) -> None:
    """Independent of Chromium: fetch the vote page's resources with `requests` and read the raw gzip bytes."""
    phone = requests.Session()
    page = phone.get(f"{room.base}/j/{regional['join_code']}", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    phone.post(f"{room.base}/j/{regional['join_code']}", data={"csrf_token": token, "group": "gov"}, timeout=10)
    vote = phone.get(f"{room.base}/p", headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
    raw_page = vote.raw.read(decode_content=False)
    assert vote.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(raw_page).decode()
    assert "Rate the constraints" in html
    total = len(raw_page)

    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(urls) == 4, urls  # app.css, socket.io.min.js, common.js, phone.js
    for url in urls:
        response = requests.get(f"{room.base}{url}", headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
        raw = response.raw.read(decode_content=False)
        on_disk = (STATIC / urlsplit(url).path.removeprefix("/static/")).read_bytes()
        assert response.headers["Content-Encoding"] == "gzip", url
        assert gzip.decompress(raw) == on_disk, url
        assert len(raw) < len(on_disk) / 2, url
        assert parse_qs(urlsplit(url).query)["v"] == [hashlib.sha256(on_disk).hexdigest()[:12]], url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        total += len(raw)
    assert total < BUDGET
    # A client that asks for nothing gets the plain file.
    plain = requests.get(f"{room.base}{urls[0]}", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers
    assert plain.content == (STATIC / "css" / "app.css").read_bytes()


def test_compression_leaves_socketio_and_binary_exports_alone(room: Room, regional: dict[str, Any]) -> None:
    handshake = requests.get(f"{room.base}/socket.io/?EIO=4&transport=polling", timeout=10,
                             headers={"Accept-Encoding": "gzip"})
    assert handshake.status_code == 200
    assert handshake.text.startswith('0{"sid"')

    export = f"{room.base}/api/v1/workshops/{regional['id']}/export"
    xlsx = requests.get(export, params={"format": "xlsx"}, headers={**room.headers, "Accept-Encoding": "gzip"},
                        timeout=60)
    assert xlsx.status_code == 200
    assert "Content-Encoding" not in xlsx.headers
    assert int(xlsx.headers["Content-Length"]) == len(xlsx.content)
    assert zipfile.ZipFile(BytesIO(xlsx.content)).testzip() is None
    as_json = requests.get(export, params={"format": "json"}, headers={**room.headers, "Accept-Encoding": "gzip"},
                           timeout=60)
    assert as_json.headers["Content-Encoding"] == "gzip"
    assert "attachment" in as_json.headers["Content-Disposition"]
    assert as_json.json()["workshop"]["title"] == "Eastern Cape constraints and sectors"


def test_a_vote_completes_on_slow_3g(room: Room, browser: Any, regional: dict[str, Any]) -> None:
    """No timing assertion (benchmarks carry the figures): the phone joins, loads and saves on Slow 3G."""
    journey = phone_journey(browser, room.base, regional["join_code"], throttle=SLOW_3G)
    assert journey.timings["save.tap_to_saved"] > 0
    # The throttle was on: even one round trip costs 400 ms, so no page could paint sooner.
    assert journey.timings["join.fcp"] > SLOW_3G["latency"]
