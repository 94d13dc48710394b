"""Sign-in throttling: the right password from a known device always gets in, guessing and spraying do not.

The form and `POST /api/v1/auth/token` share one store of failures (the `login_failure` table), so an
attacker cannot double their tries by alternating.
"""

from __future__ import annotations

from typing import Any

from tests.support.pages import PASSWORD, Browser

API_TOKEN = "/api/v1/auth/token"
ATTACKER = {"REMOTE_ADDR": "10.9.9.9"}


def add_user(app: Any, email: str) -> None:
    from app.services import accounts
    from app.services.database import transaction

    with app.app_context(), transaction():
        accounts.create_user(email, PASSWORD)


def api_login(client: Any, email: str, password: str, device: str | None = None,
              environ: dict[str, str] | None = None) -> Any:
    headers = {"X-Prioritas-Device": device} if device else {}
    return client.post(API_TOKEN, json={"email": email, "password": password}, headers=headers,
                       environ_base=environ or {})


def test_thirty_wrong_then_right_from_a_known_device_gets_in(app: Any, browser: Browser) -> None:
    add_user(app, "ana@example.org")
    assert browser.login("ana@example.org").status_code == 302  # this browser is now a known device
    assert browser.client.get_cookie("prioritas_device") is not None
    browser.logout()
    for _ in range(30):
        assert browser.login("ana@example.org", "wrong password").status_code == 401
    # Thirty failures on one account: every other client now waits (even with the right password, which
    # is not checked), while this known device does not.
    other = app.test_client()
    statuses = {api_login(other, "ana@example.org", guess, environ=ATTACKER).status_code
                for guess in ("guess", PASSWORD)}
    assert statuses == {429}
    refused = api_login(other, "ana@example.org", PASSWORD, environ=ATTACKER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    response = browser.login("ana@example.org")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert refused.mimetype == "application/problem+json"


def test_an_unknown_client_is_slowed_after_five_failures(app: Any, client: Any) -> None:
    add_user(app, "bea@example.org")
    statuses = [api_login(client, "bea@example.org", f"guess {n}").status_code for n in range(7)]
    assert statuses == [401] * 5 + [429, 429]
    # The right password does not help while the wait runs (the password is not even checked).
    assert api_login(client, "bea@example.org", PASSWORD).status_code == 429


def test_the_wait_doubles_with_each_failure(app: Any) -> None:
    from app.extensions import db
    from app.models import LoginFailure, utcnow
    from app.services import throttle

    add_user(app, "cas@example.org")
    client = throttle.Client("addr:1.2.3.4", None, [])
    with app.app_context():
        waits = []
        for _ in range(8):
            db.session.add(LoginFailure(email="cas@example.org", client=client.key, at=utcnow()))
            db.session.commit()
            waits.append(throttle.retry_after("cas@example.org", client, None))
    assert waits[:4] == [0, 0, 0, 0]
    assert 28 <= waits[4] <= 30 and 58 <= waits[5] <= 60 and 118 <= waits[6] <= 120 and 238 <= waits[7] <= 240


def test_one_password_sprayed_across_twenty_accounts_is_blocked(app: Any) -> None:
    emails = [f"person{n}@example.org" for n in range(20)]
    for email in emails:
        add_user(app, email)
    sprayer = app.test_client()
    statuses = [api_login(sprayer, email, "Spring2026!", environ=ATTACKER).status_code for email in emails]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}, statuses
    # Not even the right password of a fresh account gets through from the sprayer...
    assert api_login(sprayer, emails[-1], PASSWORD, environ=ATTACKER).status_code == 429
    # ...while the account's owner, from her own machine, signs in.
    assert api_login(app.test_client(), emails[-1], PASSWORD).status_code == 200


def test_form_and_api_count_together(app: Any, browser: Browser) -> None:
    add_user(app, "dan@example.org")
    for _ in range(3):
        assert browser.login("dan@example.org", "wrong").status_code == 401
    for _ in range(2):
        assert api_login(browser.client, "dan@example.org", "wrong").status_code == 401
    assert api_login(browser.client, "dan@example.org", "wrong").status_code == 429
    page = browser.login("dan@example.org", "wrong")
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "wait" in page.get_data(as_text=True)


def test_the_api_device_value_makes_a_known_device(app: Any, client: Any) -> None:
    add_user(app, "eve@example.org")
    first = api_login(client, "eve@example.org", PASSWORD)
    assert first.status_code == 200
    device = first.get_json()["device"]
    for _ in range(10):
        api_login(client, "eve@example.org", "wrong", device=device)
    assert api_login(client, "eve@example.org", PASSWORD, device=device).status_code == 200
    # Without the header the same client is an unknown one, and waits.
    # Without the header the same client is another one, with no failures of its own yet.
    assert api_login(client, "eve@example.org", PASSWORD).status_code == 200
    # A forged device value is ignored (treated as no device): counted against the address.
    for _ in range(5):
        assert api_login(client, "eve@example.org", "wrong", device="forged.value").status_code == 401
    assert api_login(client, "eve@example.org", PASSWORD, device="forged.value").status_code == 429


def test_a_success_clears_that_clients_failures(app: Any, client: Any) -> None:
    add_user(app, "fay@example.org")
    for _ in range(4):
        api_login(client, "fay@example.org", "wrong")
    assert api_login(client, "fay@example.org", PASSWORD).status_code == 200
    for _ in range(4):
        assert api_login(client, "fay@example.org", "wrong").status_code == 401
