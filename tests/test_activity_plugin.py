"""A new activity type is one module behind the registry's interface, and one phone template.

The test registers a toy type, "approval" (tick the items you approve of), written against
`app.activities.base.ActivityType` only, with its phone template, and uses it as a facilitator and a room
would: a workshop defined through the API, ballots through the API and through the phone's plain form, a
refused ballot that saves nothing, the results document checked against an independent computation, the
archive import's value check, and the interface document. Nothing else in the application is told about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from jinja2 import ChoiceLoader, DictLoader
from werkzeug.datastructures import MultiDict

from app import activities
from app.activities.base import ActivityType, Ballot, Rows, entry_list, raise_if, ref
from app.activities.reading import counts, groups, round_items
from app.engine import Scale, ScaleData, scale_results
from app.services.errors import FieldError

ITEMS = ["finance", "skills", "power"]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

PHONE_TEMPLATE = """{% extends "participant/_layout.html" %}
{% block title %}{{ activity.title }}{% endblock %}
{% block page %}vote{% endblock %}
{% block phone %}
{% if message %}<p class="message {{ message.kind }}">{{ message.text }}</p>{% endif %}
<form method="post" action="{{ url_for('participant.vote', activity_key=activity.key) }}">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <input type="hidden" name="round" value="{{ activity.round }}">
  {% for item in items %}
  <label><input type="checkbox" name="approve" value="{{ item.key }}"
    {% if shown.get(item.key) == "1" %}checked{% endif %}> {{ item.title }}</label>
  {% endfor %}
  <p class="answered">{{ answered|length }} approved</p>
  <button>Send</button>
</form>
{% endblock %}
"""


class Approval(ActivityType):
    """Tick the items you approve of: a whole ballot, 1 per approved item and 0 for the others."""

    name = "approval"
    settings_keys = ()
    entries = "approve"
    replaces_ballot = True
    settings_schema, ballot_schema, results_schema = "ApprovalActivity", "ApprovalResponses", "ApprovalResults"

    def parse(self, activity: Any, body: Any) -> Rows:
        approved = entry_list(body, "approve", '{"approve": ["<item>", ...]}')
        items = {i.key: i for i in activity.round_items}
        errors = [FieldError(f"approve[{n}]", f"'{key}' is not an item of this activity.")
                  for n, key in enumerate(approved) if not isinstance(key, str) or key not in items]
        raise_if(errors, "The ballot is invalid; nothing was saved.")
        return [(item.id, "value", int(key in approved)) for key, item in items.items()]

    def dimensions(self, activity: Any) -> tuple[str, ...]:
        return ("value",)

    def check_value(self, activity: Any, dimension: Any, value: Any) -> list[tuple[str, str]]:
        if dimension != "value" or value not in (0, 1):
            return [("value", "An approval is 0 or 1.")]
        return []

    def engine_data(self, activity: Any, round_: int | None = None, *, room: bool = False) -> ScaleData:
        c = counts(activity, round_, room=room)
        return ScaleData(activity=activity.key, groups=groups(activity), items=round_items(activity, round_),
                         scale=Scale(0, 1), min_group_size=activity.workshop.min_group_size,
                         respondents=c.respondents,
                         values={(i, g): h for (i, g, d), h in c.values.items() if d == "value"},
                         dont_know={})

    def results(self, data: Any, weighting: str) -> dict[str, Any]:
        return scale_results(data, weighting)

    def read_form(self, activity: Any, form: MultiDict[str, str]) -> Ballot:
        approved = [key for key in form.getlist("approve") if key]
        return Ballot({"approve": approved}, dict.fromkeys(approved, "1"), empty=not approved)

    def shown_from_saved(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> dict[str, Any]:
        return {key: str(value) for (key, _dimension), value in saved.items()}

    def answered(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> set[str]:
        return {key for (key, _dimension), value in saved.items() if value}

    def openapi_schemas(self) -> dict[str, dict[str, Any]]:
        return {
            "ApprovalActivity": {"type": "object", "properties": {"type": {"const": "approval"}},
                                 "required": ["type"]},
            "ApprovalResponses": {"type": "object", "required": ["approve"],
                                  "properties": {"approve": {"type": "array", "items": {"type": "string"}}}},
            "ApprovalResults": {"allOf": [ref("ScaleResults")]},
        }


@pytest.fixture
def approval(app: Any) -> Iterator[Approval]:
    kind = activities.register(Approval())
    app.jinja_loader = ChoiceLoader([DictLoader({"participant/vote_approval.html": PHONE_TEMPLATE}),
                                     app.jinja_loader])
    yield kind
    activities.unregister("approval")


def definition() -> dict[str, Any]:
    return {
        "title": "Approval voting", "language": "en", "min_group_size": 3,
        "groups": [{"key": "gov", "name": "Government"}, {"key": "firms", "name": "Employers"}],
        "items": [{"key": k, "kind": "constraint", "title": k.title()} for k in ITEMS],
        "activities": [{"key": "ok", "type": "approval", "title": "Which do you approve of?", "items": ITEMS}],
    }


def test_a_type_outside_the_registry_is_refused(api: Any) -> None:
    response = api.post("/api/v1/workshops", json=definition())
    assert response.status_code == 422
    assert any(e["field"] == "activities[0].type" for e in response.get_json()["errors"])


def test_a_registered_toy_type_works_end_to_end(app: Any, api: Any, join: Any, client: Any,
                                                approval: Approval) -> None:
    created = api.post("/api/v1/workshops", json=definition())
    assert created.status_code == 201, created.get_data(as_text=True)
    workshop = created.get_json()
    assert [a["type"] for a in workshop["activities"]] == ["approval"]
    activity = f"/api/v1/workshops/{workshop['id']}/activities/ok"
    assert api.post(f"{activity}/open").status_code == 200

    # Ballots through the API: three per group; a refused one saves nothing.
    ballots = {"gov": [["finance"], ["finance", "power"], ["skills", "finance"]],
               "firms": [["power"], [], ["power", "skills", "finance"]]}
    for group, group_ballots in ballots.items():
        for approved in group_ballots:
            token = join(workshop["join_code"], group)
            if not approved:  # an empty list is refused like every empty ballot; then a real one
                refused = api.put(f"{activity}/responses", json={"approve": []}, token=token)
                assert refused.status_code == 422
                approved = ["skills"]
                ballots[group][group_ballots.index([])] = approved
            answer = api.put(f"{activity}/responses", json={"approve": approved}, token=token)
            assert answer.status_code == 200, answer.get_data(as_text=True)
    bad = api.put(f"{activity}/responses", json={"approve": ["finance", "nope"]},
                  token=join(workshop["join_code"], "gov"))
    assert bad.status_code == 422
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in bad.get_json()["errors"]] == ["approve[1]"]

    # One more through the phone's plain form (JavaScript off), into the firms.
    page = client.get(f"/j/{workshop['join_code']}")
    assert client.post(f"/j/{workshop['join_code']}",
                       data={"csrf_token": CSRF.search(page.get_data(as_text=True)).group(1),
                             "group": "firms"}).status_code == 302
    form = client.get("/p/ok")
    assert form.status_code == 200 and 'name="approve"' in form.get_data(as_text=True)
    sent = client.post("/p/ok", data=MultiDict([("csrf_token", CSRF.search(form.get_data(as_text=True)).group(1)),
                                                 ("approve", "finance"), ("approve", "power")]))
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert "2 approved" in sent.get_data(as_text=True)
    ballots["firms"].append(["finance", "power"])

    # Results: the engine's scale figures over 0/1, i.e. each item's share of approvals, checked by numpy.
    results = api.get(f"{activity}/results?weighting=equal_groups")
    assert results.status_code == 200, results.get_data(as_text=True)
    document = results.get_json()
    assert document["respondents"] == 1 + 3 + 3
    for entry in document["items"]:
        shares = [np.mean([entry["item"] in b for b in ballots[g]]) for g in ("gov", "firms")]
        assert entry["value"]["mean"] == pytest.approx(np.mean(shares))
    per_head = api.get(f"{activity}/results?weighting=per_head").get_json()
    everyone = ballots["gov"] + ballots["firms"]
    for entry in per_head["items"]:
        assert entry["value"]["mean"] == pytest.approx(np.mean([entry["item"] in b for b in everyone]))

    # A type without a chart says so (the five built-in types draw a matrix or bars); the files still come.
    chart = api.get(f"{activity}/chart.svg")
    assert chart.status_code == 422 and "No chart" in chart.get_json()["detail"]
    for fmt, start in (("csv", b"workshop"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        file = api.get(f"/api/v1/workshops/{workshop['id']}/export?format={fmt}")
        assert file.status_code == 200 and file.get_data().startswith(start), (fmt, file.status_code)

    # The interface document describes the type; the archive checks its values with the type's own rule.
    document = api.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert "approval" in schemas["Activity"]["allOf"][0]["properties"]["type"]["enum"]
    assert {"ApprovalActivity", "ApprovalResponses", "ApprovalResults"} <= set(schemas)
    archive = api.get(f"/api/v1/workshops/{workshop['id']}/export?format=json")
    assert archive.status_code == 200
    body = archive.get_json()
    body["responses"][0]["value"] = 7
    refused = api.post("/api/v1/workshops/import", json=body)
    assert refused.status_code == 422
    assert any(e["message"] == "An approval is 0 or 1." for e in refused.get_json()["errors"])


def test_a_type_must_say_how_it_reads_ballots_and_makes_results() -> None:
    """The interface's abstract methods: a type that leaves one out cannot even be made, so it never reaches
    the registry half-finished."""

    class Unfinished(ActivityType):
        name = "unfinished"
        entries = "ratings"

        def parse(self, activity: Any, body: Any) -> Rows:
            return []

    with pytest.raises(TypeError, match="abstract"):
        Unfinished()  # type: ignore[abstract]
    assert activities.get("unfinished") is None
