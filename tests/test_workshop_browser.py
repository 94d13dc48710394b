"""A whole workshop in Debian's Chromium: a facilitator's console, the projector screen and three phones at 360x740.

One story, as in a hall: phones join (code typed, QR link, one in Arabic), vote, and the screen moves after each
vote; a phone proposes a missing sector, the facilitator approves it into the next activity; results are revealed;
a paper ballot is entered for someone without a phone; one phone loses the Wi-Fi, keeps answering and catches up;
a Delphi re-vote; the next activity shows the approved proposal. Along the way: the phone's first load is weighed
on the wire and axe-core checks each face. Set PRIORITAS_SCREENSHOTS=1 to refresh the README's screenshots.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests

from app.library import get_template
from bench.page_weight import BUDGET, Journey, NetworkLog, report
from tests.support.a11y import assert_accessible
from tests.support.browser import LAUNCH_ARGS, pick
from tests.support.environment import ROOT
from tests.support.server import make_facilitator_token

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "extra_http_headers": {"Accept-Encoding": "gzip, deflate"}}
SHOTS = ROOT / "docs" / "screenshots"
EMAIL, PASSWORD = "hall@example.org", "hall-password"


def shoot(page: Any, name: str, tmp_path: Path) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000  # a real picture, not an empty page
    if os.environ.get("PRIORITAS_SCREENSHOTS") == "1":
        shutil.copy(shot, SHOTS / name)


class Api:
    def __init__(self, base: str, token: str, workshop_id: int) -> None:
        self.base, self.workshop_id = base, workshop_id
        self.headers = {"Authorization": f"Bearer {token}"}

    def results(self, key: str, **params: str) -> dict[str, Any]:
        response = requests.get(f"{self.base}/api/v1/workshops/{self.workshop_id}/activities/{key}/results",
                                params={"weighting": "per_head", **params}, headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def item(self, key: str, item: str, **params: str) -> dict[str, Any]:
        return next(i for i in self.results(key, **params)["items"] if i["item"] == item)

    def csv_rows(self) -> list[dict[str, str]]:
        response = requests.get(f"{self.base}/api/v1/workshops/{self.workshop_id}/export", params={"format": "csv"},
                                headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return list(csv.DictReader(io.StringIO(response.text)))


ROOM = {"gov": 5, "employers": 5, "workers": 5}


#: Where the rest of the room puts five constraints (severity y, tractability x), so the matrix has a shape.
CENTRES = {"finance": (4, 2), "land": (3, 4), "electricity": (5, 4), "skills": (4, 5), "permits": (2, 2)}
#: Arabic titles shown beside the English ones (the workshop's second language).
ARABIC = {"finance": "الحصول على التمويل", "land": "الحصول على الأراضي والمباني", "electricity": "إمدادات الكهرباء"}


def room_ratings(i: int, round_: int) -> list[dict[str, Any]]:
    """The rest of the room (voting through the public API): spread around each item's centre, a little
    closer together in round 2 (after the discussion)."""
    spread = (-1, 0, 1, 0, 1) if round_ == 1 else (0, 0, 1, 0, 0)
    ratings = []
    for j, (item, (y, x)) in enumerate(CENTRES.items()):
        dy, dx = spread[(i + j) % 5], spread[(2 * i + j) % 5]
        ratings.append({"item": item, "y": min(5, max(1, y + dy)), "x": min(5, max(1, x - dx))})
    return ratings


def room_vote(base: str, workshop: dict[str, Any], tokens: list[str], round_: int) -> list[list[dict[str, Any]]]:
    """Fifteen people of three groups vote (joining first if they have no token yet); returns what they sent."""
    if not tokens:
        for group, count in ROOM.items():
            for _ in range(count):
                joined = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                                       timeout=10)
                assert joined.status_code == 201, joined.text
                tokens.append(joined.json()["participant_token"])
    sent = []
    for i, token in enumerate(tokens):
        ratings = room_ratings(i, round_)
        saved = requests.put(f"{base}/api/v1/workshops/{workshop['id']}/activities/constraints/responses",
                             json={"ratings": ratings}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert saved.status_code == 200, saved.text
        sent.append(ratings)
    return sent


def mean_of(sent: list[list[dict[str, Any]]], extra: list[int], item: str, axis: str) -> float:
    values = [r[axis] for ratings in sent for r in ratings if r["item"] == item] + extra
    return sum(values) / len(values)


def join_phone(page: Any, base: str, code: str, group: str, *, typed: bool) -> None:
    """Typed code (as read off the projector) or the QR link; then the group button."""
    from playwright.sync_api import expect

    if typed:
        page.goto(f"{base}/join")
        page.fill("#code", f"{code[:3].lower()} {code[3:]}")
        page.get_by_role("button", name="Join").click()
    else:
        page.goto(f"{base}/j/{code.lower()}")
    expect(page.locator("form button[name=group]").first).to_be_visible()
    page.locator(f"form button[name=group][value={group}]").click()


def test_a_whole_workshop_in_the_hall(live_server: Any, chromium_path: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    token = make_facilitator_token(base, live_server.database_url, EMAIL, PASSWORD)
    definition = get_template("regional")
    assert definition is not None
    definition.update(title="Nelson Mandela Bay: what holds us back?", second_language="ar")
    for item in definition["items"]:
        item["title_2"] = ARABIC.get(item["key"], "")
    created = requests.post(f"{base}/api/v1/workshops", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                            json=definition)
    assert created.status_code == 201, created.text
    workshop = created.json()
    api = Api(base, token, workshop["id"])
    code = workshop["join_code"]
    # Against herding: the screen keeps the constraints' results hidden until the facilitator reveals them.
    patched = requests.patch(f"{base}/api/v1/workshops/{workshop['id']}/activities/constraints",
                             json={"reveal_mode": "on_reveal"}, headers=api.headers, timeout=10)
    assert patched.status_code == 200, patched.text

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            # --- the facilitator signs in and opens the run console ---------------------------------------
            console = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            console.set_default_timeout(15_000)
            console.goto(f"{base}/facilitator/login")
            console.fill("#email", EMAIL)
            console.fill("#password", PASSWORD)
            console.get_by_role("button", name="Sign in").click()
            console.goto(f"{base}/facilitator/workshops/{workshop['id']}/run")
            expect(console.locator("[data-live-status]")).to_have_text("Live")
            assert console.locator("[data-join-code]").inner_text().strip() == code

            # --- the projector ---------------------------------------------------------------------------
            screen = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            screen.set_default_timeout(15_000)
            screen.goto(workshop["screen_url"])
            expect(screen.locator("#screen")).to_have_attribute("data-view", "join")

            card = console.locator('.activity[data-activity="constraints"]')
            card.locator("button:has-text('Open')").click()
            expect(card).to_have_attribute("data-state", "open")
            hidden_note = screen.locator("#hidden-note")
            expect(screen.locator("#chart")).to_be_hidden(timeout=10_000)

            # --- three phones join; the first one's first visit is weighed on the wire ---------------------
            contexts = [browser.new_context(**PHONE) for _ in range(3)]
            phones = [c.new_page() for c in contexts]
            for p in phones:
                p.set_default_timeout(15_000)
            journey = Journey()
            log = NetworkLog(contexts[0].new_cdp_session(phones[0]), journey)
            phones[0].goto(f"{base}/join")
            log.phase = "groups"
            phones[0].fill("#code", f"{code[:3].lower()} {code[3:]}")
            phones[0].get_by_role("button", name="Join").click()
            expect(phones[0].get_by_role("heading", name="Which group are you in?")).to_be_visible()
            phones[0].wait_for_load_state("load")
            log.phase = "vote"
            phones[0].locator("form button[name=group][value=employers]").click()
            expect(phones[0].get_by_role("heading", name="Rate the constraints")).to_be_visible()
            expect(phones[0].locator("html")).to_have_attribute("data-live", "connected")
            phones[0].wait_for_load_state("networkidle")
            assert journey.total < BUDGET, report(journey, "first visit of a phone in the workshop")
            assert journey.total > 10_000, report(journey, "suspiciously small: was anything recorded?")

            join_phone(phones[1], base, code, "workers", typed=False)  # the QR code's link
            expect(phones[1].get_by_role("heading", name="Rate the constraints")).to_be_visible()

            # The third phone reads Arabic: it picks the language first, and the page turns right to left.
            phones[2].goto(f"{base}/j/{code}")
            phones[2].get_by_role("button", name="العربية").click()
            expect(phones[2].locator("html")).to_have_attribute("lang", "ar")
            expect(phones[2].locator("html")).to_have_attribute("dir", "rtl")
            phones[2].locator("form button[name=group][value=gov]").click()
            expect(phones[2].locator("html")).to_have_attribute("dir", "rtl")
            expect(phones[2].locator("html")).to_have_attribute("data-live", "connected")
            # Item texts carry their Arabic title beside the English one, marked up as Arabic for the reader.
            second = phones[2].locator("#item-finance .item-title-2")
            expect(second).to_have_text(ARABIC["finance"])
            expect(second).to_have_attribute("lang", "ar")
            save_ar = phones[2].locator("[data-save], button[type=submit]").filter(has_text="حفظ").first
            expect(save_ar).to_be_visible()

            # --- the rest of the room votes; then each phone's vote moves the screen's count -----------------
            tokens: list[str] = []
            room1 = room_vote(base, workshop, tokens, 1)
            expect(screen.locator("#hidden-count")).to_have_text("15", timeout=10_000)
            respondents = screen.locator("#respondents")
            votes = [("5", "2", "4", "4"), ("4", "3", "5", "1"), ("5", "4", "3", "2")]
            for n, (phone, (fy, fx, ly, lx)) in enumerate(zip(phones, votes, strict=True), start=1):
                pick(phone, "finance", "y", fy)
                pick(phone, "finance", "x", fx)
                if n < 3:  # the Arabic phone answers "land" later, offline
                    pick(phone, "land", "y", ly)
                    pick(phone, "land", "x", lx)
                phone.locator("#phone button[type=submit]").last.click()
                expect(phone.locator("#status .notice-ok")).to_be_visible()
                # Results are hidden, but the room sees the count grow after each phone's vote.
                expect(screen.locator("#hidden-count")).to_have_text(str(15 + n), timeout=10_000)
            expect(hidden_note).to_be_visible()
            expect(card.locator("[data-respondents]")).to_have_text("18")
            expect(screen.locator("#chart")).to_be_hidden()
            finance = api.item("constraints", "finance")
            assert finance["n"] == 18
            assert finance["y"]["mean"] == pytest.approx(mean_of(room1, [5, 4, 5], "finance", "y"))

            assert_accessible(phones[0], "phone: vote page")
            assert_accessible(phones[2], "phone: vote page in Arabic")
            shoot(phones[0], "phone-vote.png", tmp_path)
            shoot(phones[2], "phone-arabic.png", tmp_path)

            # --- a phone proposes a missing sector; the console sees it arrive and approves it ----------------
            phones[1].get_by_role("link", name="Suggest something missing").click()
            phones[1].locator("input[name=kind][value=sector]").check()
            phones[1].fill("#propose-title", "Macadamia processing")
            phones[1].fill("#propose-description", "Three farms nearby already export raw nuts.")
            phones[1].get_by_role("button", name="Send suggestion").click()
            expect(phones[1].locator("[data-proposal-status=pending]")).to_contain_text("Macadamia processing")
            expect(console.locator("[data-proposals-pending]")).to_have_text("1", timeout=10_000)
            console.reload()
            proposal = console.locator(".proposal", has_text="Macadamia processing")
            expect(proposal).to_contain_text("Workers")
            proposal.locator("select[name=activity]").select_option("sectors")
            proposal.get_by_role("button", name=re.compile("^Approve")).click()
            expect(console.locator("[data-proposals-pending]")).to_have_text("0")
            phones[1].reload()
            expect(phones[1].locator("[data-proposal-status=approved]")).to_contain_text("Macadamia processing")
            phones[1].get_by_role("link", name="Back to the activity").click()

            # --- the facilitator reveals the results: the matrix appears -------------------------------------
            card = console.locator('.activity[data-activity="constraints"]')
            card.get_by_role("button", name=re.compile("^Reveal results")).click()
            expect(screen.locator("#screen")).to_have_attribute("data-view", "matrix", timeout=10_000)
            expect(screen.locator("#chart canvas").first).to_be_visible()
            expect(hidden_note).to_be_hidden()
            expect(screen.locator("#chart")).to_have_attribute("data-activity", "constraints")
            assert_accessible(screen, "screen: matrix revealed")

            # --- a paper ballot for a worker without a phone ------------------------------------------------
            card.get_by_role("link", name="Enter a paper ballot").click()
            console.select_option("#paper-group", "workers")
            pick(console, "finance", "y", "3")
            pick(console, "finance", "x", "3")
            console.locator("#paper-form button[type=submit]").click()
            expect(console.locator(".flash, [role=status]").first).to_be_visible()
            expect(respondents).to_have_attribute("data-respondents", "19", timeout=10_000)
            rows = api.csv_rows()
            paper = [r for r in rows if r.get("channel") == "paper"]
            assert {r["group"] for r in paper} == {"workers"} and {r["item"] for r in paper} == {"finance"}
            assert len({r["participant"] for r in rows}) == 19

            # --- the Arabic phone loses the Wi-Fi, answers anyway, and catches up on reconnect ---------------
            contexts[2].set_offline(True)
            pick(phones[2], "land", "y", "3")
            pick(phones[2], "land", "x", "2")
            phones[2].locator("#phone button[type=submit]").last.click()
            expect(phones[2].locator("[data-queue-notice]")).to_have_attribute("data-queued", re.compile(r"^[1-9]"))
            land = api.item("constraints", "land")
            assert land["n"] == 17  # the server has not got it yet
            contexts[2].set_offline(False)
            phones[2].evaluate("window.dispatchEvent(new Event('online'))")
            expect(phones[2].locator("[data-queue-notice]")).to_be_hidden(timeout=20_000)
            land = api.item("constraints", "land")
            assert land["n"] == 18 and land["y"]["mean"] == pytest.approx(mean_of(room1, [4, 5, 3], "land", "y"))
            assert api.item("constraints", "finance")["n"] == 19  # sent once, counted once

            # --- a Delphi re-vote: phones follow into round 2 and the screen shows movement ---------------------
            console.goto(f"{base}/facilitator/workshops/{workshop['id']}/run")
            card = console.locator('.activity[data-activity="constraints"]')
            card.get_by_role("button", name=re.compile("^Start round 2")).click()
            expect(card.locator("[data-round]")).to_contain_text("2")
            for phone in phones[:2]:
                expect(phone.locator("input[name=round]")).to_have_value("2", timeout=10_000)
            pick(phones[0], "finance", "y", "4")
            pick(phones[0], "finance", "x", "4")
            phones[0].locator("#phone button[type=submit]").last.click()
            expect(phones[0].locator("#status .notice-ok")).to_be_visible()
            pick(phones[1], "finance", "y", "4")
            pick(phones[1], "finance", "x", "4")
            phones[1].locator("#phone button[type=submit]").last.click()
            expect(phones[1].locator("#status .notice-ok")).to_be_visible()
            room2 = room_vote(base, workshop, tokens, 2)
            round2 = api.item("constraints", "finance", round="2")
            assert round2["n"] == 17 and round2["y"]["mean"] == pytest.approx(mean_of(room2, [4, 4], "finance", "y"))
            assert api.item("constraints", "finance", round="1")["n"] == 19  # round 1 is kept
            expect(screen.locator("#chart")).to_have_attribute("data-arrows", re.compile(r"^[1-9]"),
                                                                  timeout=10_000)
            screen.wait_for_timeout(1500)  # let the transition of the last update finish for the picture
            # Labels never overlap: titles beside the markers, or numbered markers with a legend.
            if screen.locator("#chart").get_attribute("data-mode") == "numbered":
                expect(screen.locator("#legend")).to_be_visible()
                expect(screen.locator("#legend li")).to_have_count(15)
            shoot(screen, "screen.png", tmp_path)
            assert_accessible(console, "console: running workshop")
            shoot(console, "console.png", tmp_path)

            # --- the next activity carries the approved proposal to every phone ------------------------------
            card.locator("button:has-text('Close')").first.click()
            console.locator('.activity[data-activity="sectors"]').locator("button:has-text('Open')").click()
            for phone in phones:
                expect(phone.locator("#phone")).to_have_attribute("data-activity", "sectors", timeout=10_000)
                expect(phone.locator("[data-item]", has_text="Macadamia processing")).to_be_visible(timeout=10_000)
            expect(screen.locator("#chart")).to_have_attribute("data-activity", "sectors", timeout=10_000)
        finally:
            browser.close()
