"""The phone's join pages with JavaScript off: passcode after the code, seat codes, the device cookie."""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Participant, SeatCode, Workshop
from app.services import admission
from app.services.database import transaction

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_group(client: Any, code: str, group: str, **fields: str) -> Any:
    page = client.get(f"/j/{code}" + (f"?seat={fields['seat']}" if "seat" in fields else ""))
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    return client.post(f"/j/{code}", data={"csrf_token": token, "group": group, **fields})


def setup(app: Any, code: str, passcode: str = "", seats_required: bool = False, seats: int = 0,
          group: str = "") -> list[str]:
    with app.app_context():
        workshop = db.session.scalar(sa.select(Workshop).where(Workshop.join_code == code))
        with transaction():
            admission.set_access(workshop, passcode, seats_required)
            made = admission.generate_seat_codes(workshop, seats, group) if seats else []
            return [s.code for s in made]


def people(app: Any) -> list[tuple[str, str]]:
    with app.app_context():
        return [(p.pseudonym, p.group.key) for p in db.session.scalars(sa.select(Participant).order_by(Participant.id))]


def test_the_phone_asks_for_the_passcode_after_the_code(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    code = workshop["join_code"]
    setup(app, code, passcode="Baobab")
    page = page_text(client.get(f"/j/{code}"))
    assert 'name="passcode"' in page and "Workshop passcode" in page
    wrong = post_group(client, code, "gov", passcode="acacia")
    assert wrong.status_code == 403
    assert "That passcode is not right" in page_text(wrong) and 'aria-invalid="true"' in page_text(wrong)
    assert people(app) == []
    right = post_group(client, code, "gov", passcode=" baobab ")
    assert right.status_code == 302 and right.headers["Location"].endswith("/p")
    assert people(app) == [("P001", "gov")]


def test_a_workshop_without_passcode_asks_nothing_more(app: Any, client: Any, workshop: dict[str, Any]) -> None:
    page = page_text(client.get(f"/j/{workshop['join_code']}"))
    assert 'name="passcode"' not in page and 'name="seat"' not in page


def test_the_device_cookie_brings_the_same_participant_back(app: Any, client: Any,
                                                            workshop: dict[str, Any]) -> None:
    code = workshop["join_code"]
    assert post_group(client, code, "firms").status_code == 302
    cookie = client.get_cookie("prioritas_device")
    assert cookie is not None and cookie.http_only and cookie.max_age and cookie.max_age > 300 * 24 * 3600
    page = client.get("/leave")
    client.post("/leave", data={"csrf_token": CSRF.search(page.get_data(as_text=True)).group(1)})
    back = client.get(f"/j/{code}")
    assert back.status_code == 302 and back.headers["Location"].endswith("/p")
    assert "Welcome back" in page_text(client.get("/p"))
    assert people(app) == [("P001", "firms")]
    # A tampered cookie is a new phone (the id is signed): it must pick a group and becomes P002.
    other = app.test_client()
    other.set_cookie("prioritas_device", cookie.value[:-2] + "xx")
    assert 'name="group"' in page_text(other.get(f"/j/{code}"))
    assert post_group(other, code, "gov").status_code == 302
    assert people(app) == [("P001", "firms"), ("P002", "gov")]


def test_seat_codes_on_the_phone(app: Any, workshop: dict[str, Any]) -> None:
    code = workshop["join_code"]
    seats = setup(app, code, seats_required=True, seats=2, group="workers")
    phone = app.test_client()
    missing = post_group(phone, code, "gov")
    assert missing.status_code == 403 and "needs a seat code" in page_text(missing)
    card = page_text(phone.get(f"/j/{code}?seat={seats[0]}"))
    assert f'value="{seats[0]}"' in card and "Your card is for this group." in card
    assert post_group(phone, code, "workers", seat=seats[0]).status_code == 302
    second = app.test_client()
    reused = post_group(second, code, "workers", seat=seats[0])
    assert reused.status_code == 403 and "used already" in page_text(reused)
    assert people(app) == [("P001", "workers")]
    with app.app_context():
        used = db.session.scalar(sa.select(SeatCode).where(SeatCode.code == seats[0]))
        assert used.participant_id is not None and used.used_at is not None
        kinds = {(s.kind, s.group_key): s.count for s in admission.signals(used.group.workshop)}
    assert kinds == {("seat_required", ""): 1, ("seat_used", "workers"): 1}
