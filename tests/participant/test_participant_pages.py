"""Phone pages through Flask's test client, with real CSRF tokens read from the forms (JavaScript off)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Participant, Workshop
from app.services import participation
from tests.support.builders import small_definition
from tests.support.pages import csrf, join_group, open_activity, post_vote, saved, text


def participants(app: Any) -> list[Participant]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Participant)))


@pytest.fixture
def voter(client: Any, api: Any, workshop: dict[str, Any]) -> Any:
    """A phone that joined as an employer while the matrix is open."""
    open_activity(api, workshop)
    assert join_group(client, workshop["join_code"]).status_code == 302
    return client


# --- joining ----------------------------------------------------------------------------------------------

def test_root_redirects_to_join(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/join")


def test_join_page_is_a_plain_form(client: Any) -> None:
    html = text(client.get("/join"))
    assert 'name="code"' in html and csrf(html)
    assert "socket.io" not in html  # no live connection before joining
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no outside assets: the hall may be offline


def test_join_with_code(client: Any, workshop: dict[str, Any]) -> None:
    page = client.get("/join")
    response = client.post("/join", data={"csrf_token": csrf(text(page)), "code": workshop["join_code"]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{workshop['join_code']}")


def test_join_code_ignores_case_and_spaces(client: Any, workshop: dict[str, Any]) -> None:
    code = workshop["join_code"]
    typed = f"  {code[:3].lower()} {code[3:].lower()} "
    page = client.get("/join")
    response = client.post("/join", data={"csrf_token": csrf(text(page)), "code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{code}")


def test_unknown_code_is_a_form_error(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    page = client.get("/join")
    response = client.post("/join", data={"csrf_token": csrf(text(page)), "code": "ZZZZ99"})
    assert response.status_code == 422
    html = text(response)
    assert "No workshop has the code ZZZZ99" in html
    assert 'aria-invalid="true"' in html and 'value="ZZZZ99"' in html
    assert participants(app) == []


def test_join_form_needs_csrf_token(client: Any, workshop: dict[str, Any]) -> None:
    response = client.post("/join", data={"code": workshop["join_code"]})
    assert response.status_code == 302  # sent back to the form with an explanation, nothing done
    assert "expired" in text(client.get(response.headers["Location"]))


def test_qr_target_shows_title_and_groups(api: Any, client: Any) -> None:
    definition = small_definition()
    definition["groups"][0]["description"] = "Ministries and public agencies"
    created = api.post("/api/v1/workshops", json=definition).get_json()
    html = text(client.get(f"/j/{created['join_code'].lower()}"))
    assert "Test workshop" in html
    for name in ("Government", "Employers", "Workers"):
        assert name in html
    assert "Ministries and public agencies" in html
    assert 'name="group" value="gov"' in html


def test_unknown_qr_code(client: Any) -> None:
    response = client.get("/j/NOPE42")
    assert response.status_code == 404
    assert "No workshop has this code" in text(response)


def test_choosing_a_group_creates_the_participant(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    response = join_group(client, workshop["join_code"], "workers")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/p")
    assert "Expires=" in response.headers["Set-Cookie"]  # permanent: a reload or a restart keeps it
    with client.session_transaction() as session:
        token = session["participant_token"]
    with app.app_context():
        participant = participation.participant_for_token(token)
        assert participant is not None and participant.group.key == "workers"
        assert participant.channel == "phone"


def test_unknown_group_creates_nothing(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    response = join_group(client, workshop["join_code"], "aliens")
    assert response.status_code == 422
    assert "Choose one of the workshop" in text(response)
    assert participants(app) == []


def test_joined_phone_goes_straight_to_voting(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    join_group(client, workshop["join_code"])
    response = client.get(f"/j/{workshop['join_code']}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/p")
    assert "You already joined" in text(client.get("/join"))
    assert len(participants(app)) == 1


def test_joining_locked(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    with app.app_context():
        db.session.get(Workshop, workshop["id"]).joining_locked = True
        db.session.commit()
    html = text(client.get(f"/j/{workshop['join_code']}"))
    assert "closed joining" in html and 'name="group"' not in html
    response = client.post(f"/j/{workshop['join_code']}", data={"csrf_token": csrf(text(client.get("/join"))),
                                                                 "group": "gov"})
    assert response.status_code == 409
    assert participants(app) == []


def test_leave_forgets_this_phone(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    join_group(client, workshop["join_code"])
    page = client.get("/leave")
    assert "Forget me on this phone" in text(page)
    response = client.post("/leave", data={"csrf_token": csrf(text(page))})
    assert response.headers["Location"].endswith("/join")  # rejoining from this phone brings the same one back
    with client.session_transaction() as session:
        assert "participant_token" not in session
    assert client.get("/p").headers["Location"].endswith("/join")
    assert len(participants(app)) == 1  # the first participant and its answers stay


# --- voting -----------------------------------------------------------------------------------------------

def test_vote_needs_a_participant(client: Any) -> None:
    response = client.get("/p")
    assert response.status_code == 302 and response.headers["Location"].endswith("/join")


def test_waiting_page(client: Any, workshop: dict[str, Any]) -> None:
    join_group(client, workshop["join_code"])
    response = client.get("/p")
    html = text(response)
    assert response.status_code == 200
    assert "Waiting for the facilitator" in html
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in html
    assert "socket.io.min.js" in html and "js/phone.js" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_vote_page_shows_every_item_and_axis(voter: Any) -> None:
    html = text(voter.get("/p"))
    for title in ("Rate the constraints", "Access to finance", "Skills", "Electricity", "Severity",
                  "Tractability", "Don't know", "Employers"):
        assert title in html
    for item in ("finance", "skills", "power"):
        for axis in ("x", "y"):
            for value in ("1", "5", "dk"):
                assert f'name="{item}.{axis}" value="{value}"' in html
    assert 'data-open="constraints"' in html


def test_vote_saves_and_prefills(app: Any, api: Any, voter: Any, workshop: dict[str, Any]) -> None:
    response = post_vote(voter, {"finance.x": "4", "finance.y": "5", "skills.x": "2", "skills.y": "3"})
    assert response.status_code == 200
    html = text(response)
    assert "Saved 2 ratings. You can change them until the facilitator closes this activity." in html
    assert saved(app) == {("finance", "x"): 4, ("finance", "y"): 5, ("skills", "x"): 2, ("skills", "y"): 3}
    page = text(voter.get("/p"))
    assert 'name="finance.x" value="4" checked' in page and 'name="skills.y" value="3" checked' in page
    assert 'name="power.x" value="1" checked' not in page
    results = api.get(f"/api/v1/workshops/{workshop['id']}/activities/constraints/results?weighting=per_head")
    finance = next(i for i in results.get_json()["items"] if i["item"] == "finance")
    assert finance["n"] == 1 and finance["x"]["mean"] == 4 and finance["y"]["mean"] == 5


def test_later_answers_replace_earlier_ones(app: Any, voter: Any) -> None:
    post_vote(voter, {"finance.x": "4", "finance.y": "5", "skills.x": "2", "skills.y": "3"})
    response = post_vote(voter, {"finance.x": "1", "finance.y": "2"})
    assert "Saved 1 rating." in text(response)
    assert saved(app) == {("finance", "x"): 1, ("finance", "y"): 2, ("skills", "x"): 2, ("skills", "y"): 3}


def test_dont_know_is_saved_as_null(app: Any, voter: Any) -> None:
    response = post_vote(voter, {"finance.x": "dk", "finance.y": "4", "power.x": "dk", "power.y": "dk"})
    assert response.status_code == 200
    assert saved(app) == {("finance", "x"): None, ("finance", "y"): 4, ("power", "x"): None, ("power", "y"): None}
    assert 'name="finance.x" value="dk" checked' in text(voter.get("/p"))


def test_half_answered_item_waits(app: Any, voter: Any) -> None:
    response = post_vote(voter, {"finance.x": "3", "finance.y": "3", "skills.y": "5"})
    html = text(response)
    assert "Saved 1 rating." in html and "1 item not saved yet" in html
    assert 'name="skills.y" value="5" checked' in html  # the half answer is still on screen
    assert ("skills", "y") not in saved(app)


def test_nothing_answered_is_an_error(app: Any, voter: Any) -> None:
    response = post_vote(voter, {"skills.x": "2"})
    assert response.status_code == 422
    assert "Nothing was saved" in text(response)
    assert saved(app) == {}


def test_bad_value_saves_nothing(app: Any, voter: Any) -> None:
    response = post_vote(voter, {"finance.x": "4", "finance.y": "4", "skills.x": "9", "skills.y": "2"})
    assert response.status_code == 422
    html = text(response)
    assert "Nothing was saved: please check the highlighted items." in html
    assert 'id="item-skills"' in html and "Tractability: choose a number from 1 to 5" in html
    assert re.search(r'class="item card has-error" id="item-skills"', html)
    assert not re.search(r'class="item card has-error" id="item-finance"', html)
    assert 'name="finance.x" value="4" checked' in html  # the good answers are kept on screen
    assert saved(app) == {}


def test_closed_activity(app: Any, api: Any, voter: Any, workshop: dict[str, Any]) -> None:
    page = voter.get("/p/constraints")
    token = csrf(text(page))
    open_activity(api, workshop, action="close")
    response = voter.post("/p/constraints", data={"csrf_token": token, "finance.x": "4", "finance.y": "4"})
    assert response.status_code == 409
    assert "closed this activity before your answers arrived" in text(response)
    assert saved(app) == {}
    assert "The facilitator has closed this activity." in text(voter.get("/p/constraints"))
    waiting = text(voter.get("/p?closed=constraints"))
    assert "Waiting for the facilitator" in waiting and "closed “Rate the constraints”" in waiting


def test_several_open_activities_are_listed(api: Any, client: Any) -> None:
    definition = small_definition()
    second = dict(definition["activities"][0], key="again", title="Rate them again")
    definition["activities"].append(second)
    created = api.post("/api/v1/workshops", json=definition).get_json()
    open_activity(api, created, "constraints")
    open_activity(api, created, "again")
    join_group(client, created["join_code"])
    html = text(client.get("/p"))
    assert "Choose an activity" in html and "/p/constraints" in html and "/p/again" in html
    assert 'data-open="constraints again"' in html
    vote_page = text(client.get("/p/again"))
    assert "Also open:" in vote_page and "Rate the constraints" in vote_page


def test_unknown_activity_is_404(voter: Any) -> None:
    assert voter.get("/p/nothing-here").status_code == 404


def test_arabic_workshop_reads_right_to_left(api: Any, client: Any) -> None:
    created = api.post("/api/v1/workshops", json=small_definition(language="ar")).get_json()
    html = text(client.get(f"/j/{created['join_code']}"))
    assert '<html lang="ar" dir="rtl">' in html
