"""Property-based tests of the whole API from its own OpenAPI document (schemathesis), in-process over WSGI.

Every operation the document lists is exercised (new modules' paths included, nothing is listed here by
hand), with real facilitator, participant and screen tokens and a seeded workshop, so authenticated
operations get past 401/404. Checks: no 5xx, status codes, content types, headers and bodies as documented.
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

from tests.conftest import _config_dict, create_facilitator, small_definition  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = 20
#: Valid data (must be accepted or refused as documented) and invalid data (must be refused, never a 500).
MODES = ("positive", "negative")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[dict[str, Any]]:
    """One app on its own database: a facilitator, a workshop with an open activity, a phone, an action and a
    proposal."""
    from app import create_app, publisher
    from app.extensions import db

    path = tmp_path_factory.mktemp("schemathesis") / "prioritas.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    publisher.hub.results_changed = lambda activity_id: None  # type: ignore[method-assign]
    publisher.hub.participation_changed = lambda workshop_id: None  # type: ignore[method-assign]
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
    yield {"app": app, "workshop": workshop, "tokens": {"facilitator": token,
                                                        "participant": phone["participant_token"],
                                                        "screen": workshop["screen_token"]},
           "ids": {"id": wid, "action_id": action.get("id", 1), "pid": proposal.get("id", 1), "key": "constraints"}}
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


def _call(case: Any, seeded: dict[str, Any]) -> None:
    # Real ids of the seeded workshop, so the operation runs past 404 (other ids are covered elsewhere).
    for name, value in seeded["ids"].items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    headers = {"Accept-Encoding": "identity"}  # the WSGI transport does not decompress
    if (token := _token(case, seeded)) and not (case.headers or {}).get("Authorization"):
        headers["Authorization"] = f"Bearer {token}"
    case.call_and_validate(headers=headers, checks=CHECKS)


def _mode(name: str) -> Any:
    from schemathesis import GenerationMode

    return GenerationMode(name)


def test_every_operation_conforms(seeded: dict[str, Any]) -> None:
    from hypothesis import given

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded["app"])
    failures: list[str] = []
    operations = 0
    for result, mode in itertools.product(list(schema.get_all_operations()), MODES):
        operation = result.ok()
        operations += mode == MODES[0]

        @given(case=operation.as_strategy(generation_mode=_mode(mode)))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
                  report_multiple_bugs=False)
        def run(case: Any) -> None:
            _call(case, seeded)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # schemathesis raises a group of failures
            failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {str(error)[:1500]}")
    assert operations >= 31
    assert not failures, f"{len(failures)} of {operations} operations fail:\n\n" + "\n\n".join(failures)
