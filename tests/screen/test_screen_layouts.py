"""Every projector layout in Debian's Chromium, at 1280×720 and 1920×1080, with the longest realistic titles in
the five languages (and second-language titles beside them, or none): each activity type (matrix with
titles on the plot, matrix with numbered markers and the legend, scale, points, ranking, criteria), with the
group overlay off and on. Checked from the bounding boxes the browser lays out: the note under the chart,
the corner buttons, the legend, the chart or bars and the header never overlap; no text runs out of its box
or is cut off; and no label is drawn smaller than a projector can show (14 px at 720 lines, in proportion
above)."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.screen.long_titles import ACTIVITY_TITLES, TITLES
from tests.support import builders
from tests.support.browser import LAUNCH_ARGS
from tests.support.server import make_facilitator_token

#: (workshop language, second language or "", short titles): every language first once with its longest
#: titles, Arabic right to left, one without a second language; and one with short titles, so the matrix with
#: titles on the plot (no legend) is checked too.
WORKSHOPS = [("en", "fr", False), ("fr", "ar", False), ("es", "pt", False), ("pt", "", False), ("ar", "en", False),
             ("en", "es", True)]
VIEWPORTS = [(1280, 720), (1920, 1080)]
GROUPS = [("gov", "Government"), ("firms", "Employers and business associations"), ("workers", "Trade unions")]
MEMBERS = 4  # per group; k = 3, so every group is drawn
MIN_LABEL_PX_AT_720 = 14.0

#: The activity keys, their types and how many of the twelve items each asks about.
ACTIVITIES = [("trio", "matrix", 2), ("few", "matrix", 5), ("many", "matrix", 12), ("scale", "scale", 12),
              ("points", "points", 8), ("ranking", "ranking", 8), ("criteria", "criteria", 6)]


def shorten(title: str, short: bool) -> str:
    return " ".join(title.split()[:2]) if short else title


def definition(language: str, second: str, short: bool = False) -> dict[str, Any]:
    keys = [f"i{n:02d}" for n in range(12)]
    items = [builders.item(key, shorten(TITLES[language][n], short),
                           title_2=shorten(TITLES[second][n], short) if second else "") for n, key in enumerate(keys)]
    head = ACTIVITY_TITLES[language]
    activities: list[dict[str, Any]] = []
    for key, kind, count in ACTIVITIES:
        title, chosen = f"{head} ({key})", keys[:count]
        if kind == "matrix":
            activities.append(builders.matrix(key, chosen, title))
        elif kind == "scale":
            activities.append(builders.scale(key, chosen, title, "Urgency"))
        elif kind == "points":
            activities.append(builders.points(key, chosen, title, budget=5, max_per_item=3))
        elif kind == "ranking":
            activities.append(builders.ranking(key, chosen, title, top=4))
        else:
            activities.append(builders.criteria(key, chosen, title, [
                builders.criterion("jobs", "Employment potential", "y", direction=1, weight=1),
                builders.criterion("exports", "Export potential", "y", direction=1, weight=1),
                builders.criterion("risk", "Implementation risk", "x", direction=-1, weight=1)]))
    return builders.definition(f"Layout {language}{'+' + second if second else ''}", language=language,
                               second_language=second, groups=[builders.group(k, n, 1.0) for k, n in GROUPS],
                               items=items, activities=activities)


def ballot(kind: str, items: list[str], rng: random.Random) -> dict[str, Any]:
    if kind == "matrix":
        return {"ratings": [{"item": i, "x": rng.randint(1, 5), "y": rng.randint(1, 5)} for i in items]}
    if kind == "scale":
        return {"ratings": [{"item": i, "value": rng.randint(1, 5)} for i in items]}
    if kind == "points":
        chosen = rng.sample(items, 3)
        return {"points": {chosen[0]: 3, chosen[1]: 1, chosen[2]: 1}}
    if kind == "ranking":
        return {"ranking": rng.sample(items, 4)}
    return {"scores": [{"item": i, "criterion": c, "value": rng.randint(1, 5)} for i in items
                       for c in ("jobs", "exports", "risk")]}


def build(base: str, headers: dict[str, str], language: str, second: str, short: bool, seed: int) -> dict[str, Any]:
    """A workshop with every activity voted on by four people per group, then closed (final results)."""
    created = requests.post(f"{base}/api/v1/workshops", headers=headers, json=definition(language, second, short),
                            timeout=10)
    assert created.status_code == 201, created.text
    workshop = created.json()
    api = f"{base}/api/v1/workshops/{workshop['id']}/activities"
    for key, _, _ in ACTIVITIES:
        assert requests.post(f"{api}/{key}/open", headers=headers, timeout=10).status_code == 200
    rng = random.Random(seed)
    keys = [f"i{n:02d}" for n in range(12)]
    with requests.Session() as http:
        for group, _ in GROUPS:
            for _ in range(MEMBERS):
                token = http.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                                  timeout=10).json()["participant_token"]
                for key, kind, count in ACTIVITIES:
                    response = http.put(f"{api}/{key}/responses", headers={"Authorization": f"Bearer {token}"},
                                        json=ballot(kind, keys[:count], rng), timeout=10)
                    assert response.status_code == 200, response.text
    for key, _, _ in ACTIVITIES:
        assert requests.post(f"{api}/{key}/close", headers=headers, timeout=10).status_code == 200
    return workshop


#: Runs in the page (an async function of the smallest acceptable label size): every problem found, as sentences.
CHECK = (Path(__file__).parent / "layout_check.js").read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.server
def test_every_screen_layout_keeps_its_parts_apart_and_legible(live_server: Any, chromium_path: str) -> None:
    from playwright.sync_api import sync_playwright

    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    workshops = [build(base, headers, *config, seed) for seed, config in enumerate(WORKSHOPS)]
    failures: list[str] = []
    seen_modes: set[tuple[str, bool, str]] = set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            for width, height in VIEWPORTS:
                min_px = MIN_LABEL_PX_AT_720 * height / 720
                page = browser.new_page(viewport={"width": width, "height": height})
                errors: list[str] = []
                page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                for workshop, (language, second, short) in zip(workshops, WORKSHOPS, strict=True):
                    page.goto(f"{base}/screen/{workshop['screen_token']}")
                    page.wait_for_function("() => window.prioritasScreen && window.prioritasScreen.show")
                    for key, kind, _ in ACTIVITIES:
                        page.evaluate("k => window.prioritasScreen.show(k)", key)
                        page.wait_for_function("k => !!window.prioritasScreen.results[k]", arg=key, timeout=10_000)
                        overlays = (False, True) if kind in ("matrix", "criteria") else (False,)
                        for groups in overlays:
                            page.evaluate("on => window.prioritasScreen.setGroups(on)", groups)
                            found = page.evaluate(CHECK, min_px)
                            seen_modes.add((kind, found["legend"], found["groups"]))
                            where = (f"{width}x{height} {language}+{second or '-'}{' short' if short else ''} {key} "
                                     f"groups={'on' if groups else 'off'}")
                            failures += [f"{where}: {p}" for p in found["problems"]]
                assert errors == [], errors
                page.close()
        finally:
            browser.close()
    if os.environ.get("PRIORITAS_LAYOUT_REPORT"):
        Path(os.environ["PRIORITAS_LAYOUT_REPORT"]).write_text("\n".join(failures) + "\n", encoding="utf-8")
    assert not failures, f"{len(failures)} layout problem(s):\n" + "\n".join(failures[:80])
    # The layouts named were all reached: titles on the plot and the numbered legend, overlay on and off.
    assert ("matrix", True, "on") in seen_modes and ("matrix", True, "off") in seen_modes
    assert any(kind == "matrix" and not legend for kind, legend, _ in seen_modes), seen_modes
