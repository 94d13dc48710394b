"""Console: the next Delphi round on the items without consensus (preview at a threshold, start), the
per-round report on the results page, and resetting an activity (with its confirmation)."""

from __future__ import annotations

import re
from typing import Any

from tests.support.pages import Browser, body


def _url(workshop: dict[str, Any], name: str) -> str:
    return f"/facilitator/workshops/{workshop['id']}/activities/constraints/{name}"


def _voted(api: Any, join: Any, workshop: dict[str, Any]) -> None:
    """Six voters (k = 3): finance unanimous on both axes, skills split on severity, power unrated."""
    assert api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open").status_code == 200
    for n in range(6):
        token = join(workshop["join_code"], ("gov", "firms")[n % 2])
        response = api.put(f"/api/v1/workshops/{workshop['id']}/activities/constraints/responses", json={
            "ratings": [{"item": "finance", "x": 4, "y": 5}, {"item": "skills", "x": 3, "y": 1 if n % 2 else 5}]},
            token=token)
        assert response.status_code == 200


def _row(page: str, item: str) -> str:
    match = re.search(rf'<tr data-item="{item}"[^>]*data-converged="(\d)"', page)
    assert match, item
    return match.group(1)


def test_preview_threshold_start_round_and_report(api: Any, join: Any, owner: Browser,
                                                  workshop: dict[str, Any]) -> None:
    _voted(api, join, workshop)
    run = f"/facilitator/workshops/{workshop['id']}/run"
    page = body(owner.get(run))
    assert "Start round 2 with only the items without consensus" in page
    assert (_row(page, "finance"), _row(page, "skills"), _row(page, "power")) == ("1", "0", "0")
    assert "1 asked again" not in page and "2 asked again, 1 left out" in page
    everything = body(owner.get(run + "?threshold-constraints=0"))  # JS off: "Preview" with a typed threshold
    assert _row(everything, "skills") == "1" and _row(everything, "power") == "0"  # no answers: always asked
    refused = body(owner.get(run + "?threshold-constraints=7"))  # out of range: the default is shown again
    assert _row(refused, "skills") == "0"

    response = owner.submit(run, _url(workshop, "rounds/unconverged"), {"threshold": "0.7"})
    assert response.status_code == 302
    after = body(owner.get(run))
    assert "Round 2 of “Rate the constraints” is open with 2 of 3 items" in after
    assert "Round 2 asks 2 of 3 items; the others reached consensus." in after
    doc = api.get(f"/api/v1/workshops/{workshop['id']}/activities/constraints/results").get_json()
    assert doc["asked_items"] == ["skills", "power"]

    bad = owner.submit(run, _url(workshop, "rounds/unconverged"), {"threshold": "abc"})
    assert bad.status_code == 302
    assert "The threshold is a number." in body(owner.get(run))

    results_page = body(owner.get(f"/facilitator/workshops/{workshop['id']}/activities/constraints/results"))
    assert "Delphi rounds" in results_page and "consensus ≥ 0.7" in results_page
    assert 'data-converged-in="1"' in results_page and "converged in round 1" in results_page


def test_reset_needs_the_box_ticked(api: Any, join: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    _voted(api, join, workshop)
    run = f"/facilitator/workshops/{workshop['id']}/run"
    assert "Reset answers (after a rehearsal)" in body(owner.get(run))
    owner.submit(run, _url(workshop, "reset"), {})
    assert "Nothing was reset" in body(owner.get(run))
    assert api.get(f"/api/v1/workshops/{workshop['id']}/activities/constraints/results").get_json()["respondents"] == 6
    response = owner.submit(run, _url(workshop, "reset"), {"confirm": "yes"})
    assert response.status_code == 302
    assert "is reset: 24 answers removed" in body(owner.get(run))
    doc = api.get(f"/api/v1/workshops/{workshop['id']}").get_json()
    assert doc["activities"][0]["state"] == "pending" and doc["activities"][0]["round"] == 1
    assert api.get(f"/api/v1/workshops/{workshop['id']}/activities/constraints/results").get_json()["respondents"] == 0
