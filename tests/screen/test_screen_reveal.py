"""Run the room through the real server: screens get counts only while results are hidden, the full document
on reveal, and a countdown that every client hears; then the same seen in Chromium on the projector page."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import socketio as sio

from tests.support.browser import LAUNCH_ARGS, PHONE
from tests.support.builders import small_definition
from tests.support.pages import csrf_from
from tests.support.server import LiveServer, make_facilitator_token
from tests.support.waiting import wait_until

pytestmark = pytest.mark.server



class Room:
    """A workshop on the live server with its facilitator signed in to the console (session + CSRF)."""

    def __init__(self, server: LiveServer) -> None:
        self.base = server.url
        token = make_facilitator_token(self.base, server.database_url)
        self.headers = {"Authorization": f"Bearer {token}"}
        created = requests.post(f"{self.base}/api/v1/workshops", json=small_definition(), headers=self.headers,
                                timeout=10)
        assert created.status_code == 201, created.text
        self.workshop = created.json()
        self.id = self.workshop["id"]
        self.console = requests.Session()
        page = self.console.get(f"{self.base}/facilitator/login", timeout=10).text
        signed_in = self.console.post(f"{self.base}/facilitator/login", timeout=10, allow_redirects=False, data={
            "email": "live@example.org", "password": "live-password", "csrf_token": csrf_from(page)})
        assert signed_in.status_code == 302, signed_in.text

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        return requests.request(method, f"{self.base}/api/v1/workshops/{self.id}{path}", headers=self.headers,
                                timeout=10, **kwargs)

    def submit(self, name: str, data: dict[str, str]) -> None:
        run = self.console.get(f"{self.base}/facilitator/workshops/{self.id}/run", timeout=10).text
        response = self.console.post(f"{self.base}/facilitator/workshops/{self.id}/activities/constraints/{name}",
                                     data={**data, "csrf_token": csrf_from(run)}, timeout=10, allow_redirects=False)
        assert response.status_code == 302, response.text

    def vote(self, group: str, x: int) -> None:
        joined = requests.post(f"{self.base}/api/v1/join", json={"code": self.workshop["join_code"], "group": group},
                               timeout=10)
        assert joined.status_code == 201, joined.text
        response = requests.put(f"{self.base}/api/v1/workshops/{self.id}/activities/constraints/responses",
                                json={"ratings": [{"item": "finance", "x": x, "y": 4}]}, timeout=10,
                                headers={"Authorization": f"Bearer {joined.json()['participant_token']}"})
        assert response.status_code == 200, response.text


def test_screens_get_counts_while_hidden_then_everything_on_reveal_and_a_timer(live_server: LiveServer) -> None:
    room = Room(live_server)
    assert room.api("POST", "/activities/constraints/open").status_code == 200
    room.submit("reveal-mode", {"mode": "on_reveal"})

    screen_results: list[dict[str, Any]] = []
    screen_timers: list[dict[str, Any]] = []
    screen = sio.Client(reconnection=False)
    screen.on("results", screen_results.append)
    screen.on("timer", screen_timers.append)
    screen.connect(room.base, auth={"screen_token": room.workshop["screen_token"]}, transports=["websocket"])
    facilitator_results: list[dict[str, Any]] = []
    facilitator = sio.Client(reconnection=False)
    facilitator.on("results", facilitator_results.append)
    cookie = "; ".join(f"{c.name}={c.value}" for c in room.console.cookies)
    facilitator.connect(room.base, auth={"workshop": room.id}, headers={"Cookie": cookie}, transports=["websocket"])
    joined = requests.post(f"{room.base}/api/v1/join", json={"code": room.workshop["join_code"], "group": "gov"},
                           timeout=10).json()
    phone_timers: list[dict[str, Any]] = []
    phone = sio.Client(reconnection=False)
    phone.on("timer", phone_timers.append)
    phone_results: list[dict[str, Any]] = []
    phone.on("results", phone_results.append)
    phone.connect(room.base, auth={"participant_token": joined["participant_token"]}, transports=["websocket"])
    try:
        assert wait_until(lambda: bool(screen_results) and bool(facilitator_results))
        assert screen_results[0] == {"activity": "constraints", "hidden": True, "respondents": 0,
                                     "groups": {"gov": {"respondents": 0}, "firms": {"respondents": 0},
                                                "workers": {"respondents": 0}}}
        for x in (1, 3, 5):
            room.vote("gov", x)
        assert wait_until(lambda: screen_results[-1]["respondents"] == 3
                          and facilitator_results[-1]["respondents"] == 3)
        assert screen_results[-1]["hidden"] is True and "items" not in screen_results[-1]
        assert screen_results[-1]["groups"]["gov"] == {"respondents": 3}
        assert all("items" not in doc for doc in screen_results)  # not one figure leaked while hidden
        finance = next(i for i in facilitator_results[-1]["items"] if i["item"] == "finance")
        assert finance["x"]["mean"] == pytest.approx(3.0) and "hidden" not in facilitator_results[-1]

        seen = len(screen_results)
        room.submit("reveal", {"revealed": "1"})
        assert wait_until(lambda: len(screen_results) > seen and "items" in screen_results[-1])
        api_full = room.api("GET", "/activities/constraints/results").json()
        assert "hidden" not in screen_results[-1]
        # Pooled figures are the API's; group panels follow the live batching rule, as the facilitator's do.
        assert [(i["x"], i["y"]) for i in screen_results[-1]["items"]] == [(i["x"], i["y"]) for i in api_full["items"]]
        assert wait_until(lambda: facilitator_results[-1] == screen_results[-1])

        room.submit("timer", {"minutes": "2"})
        assert wait_until(lambda: bool(screen_timers) and bool(phone_timers))
        assert screen_timers[-1] == phone_timers[-1]
        assert screen_timers[-1]["activity"] == "constraints" and screen_timers[-1]["ends_at"].endswith("Z")
        room.submit("timer", {"stop": "1"})
        assert wait_until(lambda: screen_timers[-1]["ends_at"] is None and phone_timers[-1]["ends_at"] is None)
        assert phone_results == []  # phones never hear live results, hidden or not
    finally:
        for client in (screen, facilitator, phone):
            client.disconnect()


@pytest.mark.browser
def test_screen_shows_the_hidden_message_then_the_matrix_and_a_countdown(live_server: LiveServer,
                                                                         chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    room = Room(live_server)
    room.submit("reveal-mode", {"mode": "on_reveal"})
    assert room.api("POST", "/activities/constraints/open").status_code == 200
    for x in (2, 4):
        room.vote("gov", x)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            errors: list[str] = []
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            screen.on("pageerror", lambda error: errors.append(str(error)))
            screen.goto(f"{room.base}/screen/{room.workshop['screen_token']}")
            note = screen.locator("#hidden-note")
            expect(note).to_be_visible(timeout=10_000)
            expect(note).to_contain_text("Results hidden until the facilitator reveals them")
            expect(screen.locator("#hidden-count")).to_have_text("2")
            expect(screen.locator("#chart")).to_be_hidden()

            room.submit("reveal", {"revealed": "1"})
            expect(screen.locator("#screen")).to_have_attribute("data-view", "matrix", timeout=10_000)
            expect(note).to_be_hidden()
            expect(screen.locator("#chart canvas").first).to_be_visible()

            phone = browser.new_context(**PHONE).new_page()
            phone.on("pageerror", lambda error: errors.append(str(error)))
            phone.goto(f"{room.base}/j/{room.workshop['join_code']}")
            phone.get_by_role("button", name=re.compile("^Employers")).click()
            expect(phone.locator("html")).to_have_attribute("data-live", "connected", timeout=10_000)

            room.submit("timer", {"minutes": "1"})
            expect(phone.locator(".phone-timer")).to_have_text(re.compile(r"^Time left [01]:\d\d$"), timeout=10_000)
            timer = screen.locator("#timer-text")
            expect(timer).to_be_visible(timeout=10_000)
            first = int(screen.locator("#timer").get_attribute("data-remaining") or "0")
            assert 55 <= first <= 60
            expect(timer).to_have_text(re.compile(r"^[01]:\d\d$"))
            screen.wait_for_function(
                f"() => Number(document.getElementById('timer').dataset.remaining) < {first}", timeout=5_000)
            # Zero: the screen says so; the activity stays open (the facilitator decides).
            screen.evaluate("window.prioritasScreen.applyTimer({activity: 'constraints', "
                            "ends_at: new Date(Date.now() - 1000).toISOString()})")
            expect(timer).to_have_text("Time is up")
            assert room.api("GET", "").json()["activities"][0]["state"] == "open"
            assert errors == []
        finally:
            browser.close()
