"""Restart the server while the hall is connected: every phone comes back and is current again, and an
answer a phone kept while the server was down is sent once and counted once.

A real phone page in Chromium (its offline queue and reconnection are what is tested) plus a hundred
python-socketio phones with the page's reconnection settings. How fast 2,000 phones come back is measured
by `bench/reconnect.py`, not here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as sio

from tests.support.browser import LAUNCH_ARGS, PHONE, pick
from tests.support.builders import small_definition
from tests.support.database import migrate_to_head
from tests.support.server import make_facilitator_token, start_server, stop_server

pytestmark = [pytest.mark.server, pytest.mark.browser]

PHONES = 100


def test_phones_come_back_after_a_restart_and_kept_answers_count_once(tmp_path: Path, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate_to_head(database_url)
    server = start_server(tmp_path, database_url)
    port = int(server.url.rsplit(":", 1)[1])
    clients: list[Any] = []
    try:
        headers = {"Authorization": f"Bearer {make_facilitator_token(server.url, database_url)}"}
        workshop = requests.post(f"{server.url}/api/v1/workshops", headers=headers, json=small_definition(),
                                 timeout=10).json()
        wid = workshop["id"]
        requests.post(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/open", headers=headers,
                      timeout=10).raise_for_status()

        current: dict[int, float] = {}
        for n in range(PHONES):
            token = requests.post(f"{server.url}/api/v1/join", timeout=10,
                                  json={"code": workshop["join_code"], "group": "gov"}).json()["participant_token"]
            client = sio.Client(reconnection=True, reconnection_delay=1, reconnection_delay_max=10,
                                randomization_factor=0.5)
            client.on("state", lambda data, n=n: current.__setitem__(n, time.monotonic())
                      if data.get("state") == "open" else None)
            client.connect(server.url, auth={"participant_token": token}, transports=["websocket"], wait_timeout=10)
            clients.append(client)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
            try:
                page = browser.new_context(**PHONE).new_page()
                page.goto(f"{server.url}/j/{workshop['join_code']}")
                page.get_by_role("button", name=re.compile("^Workers")).click()
                expect(page.locator("html")).to_have_attribute("data-live", "connected")

                current.clear()
                stop_server(server)
                # While the server is down the phone keeps its answer.
                pick(page, "finance", "y", "5")
                pick(page, "finance", "x", "2")
                page.get_by_role("button", name="Save answers").click()
                expect(page.locator("[data-queue-notice]")).to_have_attribute("data-queued", "1", timeout=15000)

                server = start_server(tmp_path, database_url, port=port)
                deadline = time.monotonic() + 60
                while len(current) < PHONES and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert len(current) == PHONES, f"{PHONES - len(current)} phones did not come back"
                expect(page.locator("html")).to_have_attribute("data-live", "connected", timeout=30000)
                expect(page.locator("#status .notice-ok")).to_contain_text("Saved 1 rating.", timeout=30000)
                expect(page.locator("[data-queue-notice]")).to_have_count(0)
                assert page.evaluate("localStorage.getItem('prioritas.queue.v1')") in (None, "[]", "{}")
                # Sending it again (another reconnect) changes nothing: one value per item and axis.
                page.evaluate("window.dispatchEvent(new Event('online'))")
                time.sleep(1)
            finally:
                browser.close()

        rows = requests.get(f"{server.url}/api/v1/workshops/{wid}/export?format=csv", headers=headers,
                            timeout=10).text.strip().splitlines()[1:]
        assert sorted(r.split(",")[5:7] for r in rows) == [["x", "2"], ["y", "5"]]
        results = requests.get(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/results"
                               "?weighting=per_head", headers=headers, timeout=10).json()
        assert results["respondents"] == 1
    finally:
        for client in clients:
            client.disconnect()
        stop_server(server)
