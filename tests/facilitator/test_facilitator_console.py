"""The run console: join code and links, live counts that are right at page load, and open/close buttons."""

from __future__ import annotations

import re
from typing import Any

from tests.support.pages import Browser, body, csrf_from, run_url


def states(api: Any, workshop: dict[str, Any]) -> dict[str, str]:
    doc = api.get(f"/api/v1/workshops/{workshop['id']}").get_json()
    return {a["key"]: a["state"] for a in doc["activities"]}


def add_second_activity(api: Any, workshop: dict[str, Any], owner: Browser) -> None:
    response = owner.submit(f"/facilitator/workshops/{workshop['id']}/activities/new", data={
        "key": "again", "title": "Second round", "items": ["finance"], "x_label": "Tractability", "x_min": "1",
        "x_max": "5", "y_label": "Severity", "y_min": "1", "y_max": "5"})
    assert response.status_code == 302


def test_console_shows_code_links_and_counts_at_page_load(api: Any, owner: Browser, join: Any,
                                                          workshop: dict[str, Any]) -> None:
    for group in ("gov", "gov", "workers"):
        join(workshop["join_code"], group)
    page = body(owner.get(run_url(workshop)))
    assert f'data-join-code>{workshop["join_code"]}</p>' in page
    assert workshop["join_url"] in page
    screen = re.search(r'<a [^>]*href="([^"]+)"[^>]*target="_blank"[^>]*data-screen-link', page)
    assert screen and screen.group(1) == f"/screen/{workshop['screen_token']}"
    assert "<span data-total>3</span>" in page
    counts = dict(re.findall(r'data-group="(\w+)" data-expected="[^"]*">.*?<strong data-count>(\d+)</strong>',
                             page, re.S))
    assert counts == {"gov": "2", "firms": "0", "workers": "1"}
    assert 'data-activity="constraints" data-state="pending"' in page
    assert "socket.io.min.js" in page and "console.js" in page


def test_open_and_close_from_the_console(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    base = f"/facilitator/workshops/{workshop['id']}/activities/constraints"
    response = owner.submit(run_url(workshop), base + "/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("#activity-constraints")
    assert states(api, workshop) == {"constraints": "open"}
    page = body(owner.get(run_url(workshop)))
    assert 'data-activity="constraints" data-state="open"' in page and "is open: phones can answer now" in page
    assert owner.submit(run_url(workshop), base + "/close").status_code == 302
    assert states(api, workshop) == {"constraints": "closed"}
    assert owner.submit(run_url(workshop), base + "/open").status_code == 302  # reopen
    assert states(api, workshop) == {"constraints": "open"}


def test_open_closes_the_others_only_when_asked(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    add_second_activity(api, workshop, owner)
    base = f"/facilitator/workshops/{workshop['id']}/activities"
    owner.submit(run_url(workshop), base + "/constraints/open")
    page = body(owner.get(run_url(workshop)))
    offer = page[page.index('id="activity-again"'):]
    assert 'name="close_others"' in offer[:offer.index("</article>")]
    owner.submit(run_url(workshop), base + "/again/open")  # the box unticked: nothing else changes
    assert states(api, workshop) == {"constraints": "open", "again": "open"}
    owner.submit(run_url(workshop), base + "/again/close")
    owner.submit(run_url(workshop), base + "/again/open", {"close_others": "y"})
    assert states(api, workshop) == {"constraints": "closed", "again": "open"}


def test_state_changes_need_the_csrf_token(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.client.post(f"/facilitator/workshops/{workshop['id']}/activities/constraints/open")
    assert response.status_code == 400
    assert states(api, workshop) == {"constraints": "pending"}


def test_unknown_activity_is_404(owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.submit(run_url(workshop), f"/facilitator/workshops/{workshop['id']}/activities/nope/open")
    assert response.status_code == 404


def test_console_shows_who_answered(api: Any, owner: Browser, join: Any, workshop: dict[str, Any]) -> None:
    owner.submit(run_url(workshop), f"/facilitator/workshops/{workshop['id']}/activities/constraints/open")
    for group in ("gov", "gov", "firms"):
        token = join(workshop["join_code"], group)
        response = api.put(f"/api/v1/workshops/{workshop['id']}/activities/constraints/responses",
                           json={"ratings": [{"item": "finance", "x": 4, "y": 5}]}, token=token)
        assert response.status_code == 200
    join(workshop["join_code"], "workers")  # joined, not answered
    page = body(owner.get(run_url(workshop)))
    card = page[page.index('id="activity-constraints"'):]
    card = card[:card.index("</article>")]
    assert "<strong data-respondents>3</strong>" in card
    by_group = dict(re.findall(r'data-group="(\w+)">.*?<strong data-respondents-group>(\d+)</strong>', card, re.S))
    assert by_group == {"gov": "2", "firms": "1", "workers": "0"}
    assert "<span data-total>4</span>" in page


def test_not_ready_workshop_says_what_is_missing(facilitator: Browser) -> None:
    token = csrf_from(facilitator.text("/facilitator/workshops/new"))
    response = facilitator.client.post("/facilitator/workshops/new/blank", data={
        "csrf_token": token, "blank-title": "Blank", "blank-language": "en", "blank-min_group_size": "5"})
    page = body(facilitator.get(response.headers["Location"] + "/run"))
    assert "Not ready to run." in page and "Add at least one item. Add at least one activity." in page


def test_the_console_socket_hears_participation(app: Any, api: Any, owner: Browser, join: Any,
                                                workshop: dict[str, Any]) -> None:
    """The browser's session cookie is what the console's socket authenticates with."""
    from app.extensions import socketio

    live = socketio.test_client(app, flask_test_client=owner.client, auth={"workshop": workshop["id"]})
    assert live.is_connected()
    first = [m for m in live.get_received() if m["name"] == "participation"]
    assert first and first[0]["args"][0]["groups"] == {"gov": 0, "firms": 0, "workers": 0}
    live.disconnect()
    stranger = socketio.test_client(app, auth={"workshop": workshop["id"]})
    assert not stranger.is_connected()
