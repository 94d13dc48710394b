"""Property-based tests of the whole API from its own OpenAPI document (schemathesis), in-process over WSGI.

Every operation the document lists is exercised (new modules' paths included, nothing is listed here by
hand), with real facilitator, participant and screen tokens and a seeded workshop, so authenticated
operations get past 401/404. Checks: no 5xx, status codes, content types, headers and bodies as documented.
Schema-valid (positive) data must also be accepted: a 4xx is allowed only where the operation documents it
for a state of the seeded workshop (403, 404, 409, 429), for a control character in a text, or for the few
cross-references a schema cannot state (`SEMANTIC_422`, each with its reason). So the request schemas are as
strict as the server: a field the server refuses is a field the schema does not allow.
Bounded: a few examples per operation, no deadline, so the module runs in about two minutes.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import create_facilitator  # noqa: E402
from tests.support.builders import small_definition  # noqa: E402
from tests.support.database import config_dict  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
#: 4xx answers schema-valid data may get when the operation documents them: the seeded workshop's state
#: (another role's resource, an activity not open, a proposal decided by an earlier example, a limit reached,
#: a ballot larger than the activity's ballots can be).
STATE_STATUSES = {403, 404, 409, 413, 429}
#: Operations whose valid values depend on the seeded workshop's contents, which no static schema can list:
#: a 422 there is the server checking a reference, not the schema being looser than the server.
SEMANTIC_422 = {
    "POST /auth/token": "the e-mail and password must be an account's (401) and the expiry within the limit",
    "POST /templates": "a definition's activities must name its own items; workshop_id must be the caller's",
    "POST /workshops": "a template key must exist; a definition's activities must name its own items",
    "POST /workshops/import": "an archive's responses must name its own participants, items and activities",
    "PATCH /workshops/{id}/activities/{key}": "criteria weights apply to a criteria activity's own criteria",
    "POST /workshops/{id}/activities/{key}/rounds": "the threshold field depends on the activity's type",
    "POST /workshops/{id}/weights": "custom weights must name the workshop's groups, not all zero",
    "PUT /workshops/{id}/activities/{key}/responses": "a ballot must name the activity's items, within its scale",
    "POST /workshops/{id}/activities/{key}/actions": "the item must be one of the activity's; a due date real",
    "PATCH /workshops/{id}/actions/{action_id}": "the item must be one of the activity's; a due date real",
    "POST /workshops/{id}/proposals/{pid}/approve": "the activity must be one of the workshop's, of that kind",
    "POST /workshops/{id}/proposals/{pid}/merge": "the item must be one of the workshop's",
    "PUT /workshops/{id}/pace": "the activity and item must be the workshop's; item pace needs a rated type",
    "PUT /workshops/{id}/admission": "expected headcounts must name the workshop's groups",
    "POST /workshops/{id}/seat-codes": "the group must be one of the workshop's",
    "POST /join": "the group must be one of the workshop's (a wrong code is a documented 404)",
    "GET /comparisons": "the template and activity must be the caller's",
}
CONTROL_CHARACTERS = "Text may not contain control characters or broken characters."
EXAMPLES = 20
#: Valid data (must be accepted or refused as documented) and invalid data (must be refused, never a 500).
MODES = ("positive", "negative")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[dict[str, Any]]:
    """One app on its own database: a facilitator, a workshop with an open activity, a phone, an action and a
    proposal."""
    from app import create_app, publisher
    from app.extensions import db
    from app.models import Workshop

    path = tmp_path_factory.mktemp("schemathesis") / "prioritas.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    # No pushes for this app (not under test here). Stopping the app, not replacing the process-wide hub's
    # methods: a replaced method would outlive this module and silence every later test's pushes.
    publisher.hub.stop(app)
    create_facilitator(app)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": "facilitator@example.org",
                                                    "password": "correct horse"}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    workshop = client.post("/api/v1/workshops", json=small_definition(), headers=auth).get_json()
    wid = workshop["id"]
    client.post(f"/api/v1/workshops/{wid}/activities/constraints/open", headers=auth)
    phone = client.post("/api/v1/join", json={"code": workshop["join_code"], "group": "gov"}).get_json()
    action = client.post(f"/api/v1/workshops/{wid}/activities/constraints/actions", headers=auth,
                         json={"item": "finance", "owner": "Treasury"}).get_json()
    proposal = client.post(f"/api/v1/workshops/{wid}/proposals", json={"title": "Ports", "kind": "constraint"},
                           headers={"Authorization": f"Bearer {phone['participant_token']}"}).get_json()
    with app.app_context():
        from app.services import admission
        from app.services.database import transaction

        with transaction():
            seat = admission.generate_seat_codes(db.session.get(Workshop, wid), 2)[0].id
    yield {"app": app, "workshop": workshop, "auth": auth, "tokens": {"facilitator": token,
                                                        "participant": phone["participant_token"],
                                                        "screen": workshop["screen_token"]},
           "ids": {"id": wid, "action_id": action.get("id", 1), "pid": proposal.get("id", 1), "key": "constraints",
                   "seat_id": seat}}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _token(case: Any, seeded: dict[str, Any]) -> str | None:
    """The operation's first documented security scheme (facilitator by default); none for public ones."""
    security = case.operation.definition.raw.get("security")
    if security is None:
        security = [{"facilitator": []}]
    if not security:
        return None
    return seeded["tokens"].get(next(iter(security[0]), "facilitator"))


#: Statuses schema-valid data got, per operation: the test also asks that most operations accepted some.
ACCEPTED: dict[str, set[int]] = {}


def _fractional_whole(value: Any) -> bool:
    """A whole number written with a fraction (4.0): JSON Schema calls it an integer, the interface documents
    that it reads whole numbers only without one (as every service does, definitions included)."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_fractional_whole(v) for v in value.values())
    if isinstance(value, list):
        return any(_fractional_whole(v) for v in value)
    return False


def positive_data_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schema-valid data gets a 2xx, or one of the 4xx the operation documents for the workshop's state."""
    status = response.status_code
    ACCEPTED.setdefault(f"{case.operation.method.upper()} {case.operation.path}", set()).add(status)
    if status < 400:
        return None
    documented = {int(code) for code in case.operation.definition.raw.get("responses", {}) if code.isdigit()}
    label = f"{case.operation.method.upper()} {case.operation.path}"
    try:
        body = response.json()
    except ValueError:  # a file (CSV, PNG...), not a problem document
        body = {}
    detail = body.get("detail", "") if isinstance(body, dict) else ""
    if status in STATE_STATUSES & documented:
        return None
    if status == 422 and (label in SEMANTIC_422 or detail == CONTROL_CHARACTERS or _fractional_whole(case.body)):
        return None
    if status == 401 and label == "POST /auth/token":
        return None
    raise AssertionError(f"schema-valid data refused: {label} answered {status} {str(body)[:400]} to "
                         f"{str(case.body)[:300]} {case.query or ''}")


def _throwaway(case: Any, seeded: dict[str, Any]) -> dict[str, Any]:
    """Ids for an operation that removes what it names: its own workshop or action, so that deleting them does
    not leave every later operation answering 404 (which would pass, and test nothing)."""
    client, auth = seeded["app"].test_client(), seeded["auth"]
    if case.operation.path == "/workshops/{id}":
        return {"id": client.post("/api/v1/workshops", json=small_definition(), headers=auth).get_json()["id"]}
    wid = seeded["ids"]["id"]
    action = client.post(f"/api/v1/workshops/{wid}/activities/constraints/actions", headers=auth,
                         json={"item": "finance", "owner": "Treasury"}).get_json()
    return {"action_id": action["id"]}


def _call(case: Any, seeded: dict[str, Any], mode: str) -> None:
    # Real ids of the seeded workshop, so the operation runs past 404 (other ids are covered elsewhere).
    ids = dict(seeded["ids"])
    if case.operation.method.upper() == "DELETE" and case.operation.path.startswith("/workshops/"):
        ids.update(_throwaway(case, seeded))
    for name, value in ids.items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    # The seeded activity open again (an earlier example may have closed or reset it), so voting, timers and
    # rounds are tried on an open activity rather than always answering 409.
    seeded["app"].test_client().post(f"/api/v1/workshops/{ids['id']}/activities/constraints/open",
                                     headers=seeded["auth"])
    headers = {"Accept-Encoding": "identity"}  # the WSGI transport does not decompress
    # The operation's real token, also over a generated Authorization header (which would only ever be a 401:
    # the wrong-token answers are tested elsewhere), so every example reaches the view.
    if token := _token(case, seeded):
        headers["Authorization"] = f"Bearer {token}"
        if case.headers:
            case.headers.pop("Authorization", None)
    checks = [*CHECKS, schemathesis.check(positive_data_accepted)] if mode == "positive" else CHECKS
    case.call_and_validate(headers=headers, checks=checks)


def _mode(name: str) -> Any:
    from schemathesis import GenerationMode

    return GenerationMode(name)


def _runner(operation: Any, mode: str, seeded: dict[str, Any]) -> Any:
    """One hypothesis test of one operation in one generation mode."""
    from hypothesis import given

    @given(case=operation.as_strategy(generation_mode=_mode(mode)))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
              report_multiple_bugs=False)
    def run(case: Any) -> None:
        _call(case, seeded, mode)

    return run


def test_every_operation_conforms(seeded: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded["app"])
    failures: list[str] = []
    operations = 0
    for result, mode in itertools.product(list(schema.get_all_operations()), MODES):
        operation = result.ok()
        operations += mode == MODES[0]
        try:
            _runner(operation, mode, seeded)()
        except (Exception, BaseExceptionGroup) as error:  # schemathesis raises a group of failures
            failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {str(error)[:1500]}")
    assert operations >= 31
    # Valid data really reached the views: most operations accepted some of it (a 4xx-only operation is fine
    # only where its valid values depend on the workshop's contents or state).
    accepted = sorted(label for label, statuses in ACCEPTED.items() if any(200 <= s < 300 for s in statuses))
    assert len(accepted) >= 30, {label: sorted(statuses) for label, statuses in ACCEPTED.items()}
    assert not failures, f"{len(failures)} of {operations} operations fail:\n\n" + "\n\n".join(failures)
