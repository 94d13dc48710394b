"""The console's suggestion settings form (JavaScript off): on/off and the limit per phone, through the same
service as the API, so the same refusals."""

from __future__ import annotations

import html
from typing import Any

from tests.support.pages import Browser, settings_url


def test_console_form_sets_them(app: Any, api: Any, workshop: dict[str, Any], owner: Browser) -> None:
    run = f"/facilitator/workshops/{workshop['id']}/run"
    assert 'data-proposal-settings data-open="1"' in owner.text(run)
    done = owner.submit(run, f"/facilitator/workshops/{workshop['id']}/proposal-settings", {"limit": "4"},
                        follow_redirects=True)
    assert "Suggestions are closed" in html.unescape(done.get_data(as_text=True))
    assert api.get(settings_url(workshop)).get_json() == {"open": False, "limit": 4, "window_minutes": 10}
    bad = owner.submit(run, f"/facilitator/workshops/{workshop['id']}/proposal-settings",
                       {"open": "1", "limit": "zero"}, follow_redirects=True)
    assert "Nothing was changed" in bad.get_data(as_text=True)
    assert api.get(settings_url(workshop)).get_json()["open"] is False
