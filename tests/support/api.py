"""Talking to the JSON API in tests: a thin client, facilitators and participants, problem checks, CSV reading and a
small validator for the OpenAPI schemas (the `jsonschema` package is not installed in the venv)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from tests.support.builders import small_definition

API = "/api/v1"
PROBLEM_TYPE = "application/problem+json"


@dataclass
class Api:
    """A thin JSON client over Flask's test client, so tests read like the contract."""

    client: Any
    token: str | None = None

    def headers(self, token: str | None = None) -> dict[str, str]:
        token = token if token is not None else self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, json: Any = None, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.open(path, method=method, json=json, headers=self.headers(token), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, json=json, **kwargs)


def create_facilitator(app: Any, email: str = "facilitator@example.org", password: str = "correct horse",
                       name: str = "Test facilitator") -> None:
    """A facilitator account, made through the accounts service."""
    from app.services import accounts
    from app.services.database import transaction

    with app.app_context(), transaction():
        accounts.create_user(email, password, name)


def join_workshop(api: Api, code: str, group: str) -> str:
    """Join the workshop with this code in `group` over the API; returns the participant token."""
    response = api.post(f"{API}/join", json={"code": code, "group": group}, token="")
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["participant_token"]


def activity_url(workshop_id: int, key: str, action: str) -> str:
    return f"{API}/workshops/{workshop_id}/activities/{key}/{action}"


def assert_problem(response: Any, status: int, *fields: str) -> dict[str, Any]:
    """An RFC 9457 answer with the given status; for 422 a non-empty `errors[]` holding each `field` given."""
    body_text = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    assert response.status_code == status, body_text
    content_type = response.headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == PROBLEM_TYPE, content_type
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert isinstance(body, dict)
    assert isinstance(body.get("type"), str) and body["type"]
    assert isinstance(body.get("title"), str) and body["title"]
    assert body.get("status") == status
    assert isinstance(body.get("detail"), str) and body["detail"]
    if status == 422:
        errors = body.get("errors")
        assert isinstance(errors, list) and errors, body
        for error in errors:
            assert isinstance(error, dict) and isinstance(error.get("field"), str)
            assert isinstance(error.get("message"), str) and error["message"]
        reported = {e["field"] for e in errors}
        for name in fields:
            assert name in reported, (name, errors)
    else:
        assert not fields
    return body


def csv_text(api: Any, workshop_id: int) -> str:
    response = api.get(f"{API}/workshops/{workshop_id}/export?format=csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data().decode("utf-8")


def csv_rows(api: Any, workshop_id: int) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text(api, workshop_id))))


def results(api: Any, workshop_id: int, key: str, weighting: str | None = None, token: str | None = None
            ) -> dict[str, Any]:
    query = f"?weighting={weighting}" if weighting else ""
    response = api.get(activity_url(workshop_id, key, "results") + query, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def rating(item: str, x: Any, y: Any) -> dict[str, Any]:
    return {"item": item, "x": x, "y": y}


def count_rows(app: Any, model_name: str) -> int:
    import sqlalchemy as sa

    from app import models
    from app.extensions import db

    model = getattr(models, model_name)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
    return int(count or 0)


def counts(app: Any) -> dict[str, int]:
    """Rows of every table an import or a vote writes to."""
    return {name: count_rows(app, name) for name in
            ("Workshop", "StakeholderGroup", "Item", "Activity", "Participant", "Response")}


# --- a small JSON Schema validator for the OpenAPI document -------------------------------------------------

_IGNORED = {"description", "default", "readOnly", "writeOnly", "title", "examples", "format", "deprecated"}
_SUPPORTED = {"$ref", "allOf", "oneOf", "anyOf", "type", "enum", "const", "properties", "required", "items",
              "additionalProperties", "minItems", "maxItems", "minimum", "maximum", "pattern", "minLength"}


def _type_ok(value: Any, name: str) -> bool:
    return {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }[name]


def schema_errors(value: Any, schema: Any, root: dict[str, Any], path: str = "$") -> list[str]:
    """Errors of `value` against an OpenAPI 3.1 (JSON Schema) `schema`; an unsupported keyword is an error too,
    so that nothing passes just because this validator did not look at it."""
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: no value allowed"]
    unknown = set(schema) - _SUPPORTED - _IGNORED
    if unknown:
        return [f"{path}: the test validator does not support {sorted(unknown)}"]
    errors: list[str] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        errors += schema_errors(value, target, root, path)
    for sub in schema.get("allOf", []):
        errors += schema_errors(value, sub, root, path)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not schema_errors(value, s, root, path)]
        if len(matching) != 1:
            errors.append(f"{path}: matches {len(matching)} of the oneOf schemas")
    if "anyOf" in schema and not any(not schema_errors(value, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: matches none of the anyOf schemas")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(value, n) for n in names):
            return [*errors, f"{path}: {value!r} is not of type {names}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} is not {schema['const']!r}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing required {name!r}")
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], root, f"{path}.{name}")
            elif "additionalProperties" in schema:
                errors += schema_errors(item, schema["additionalProperties"], root, f"{path}.{name}")
    if isinstance(value, list):
        if "items" in schema:
            for n, item in enumerate(value):
                errors += schema_errors(item, schema["items"], root, f"{path}[{n}]")
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']}")
    return errors


def populate(api: Any, join: Any, title: str = "Test workshop") -> dict[str, Any]:
    """The small workshop with a row in every table a workshop owns: nine participants who voted, a proposal,
    an action."""
    doc = api.post(f"{API}/workshops", json=small_definition(title=title)).get_json()
    wid = doc["id"]
    assert api.post(f"{API}/workshops/{wid}/activities/constraints/open").status_code == 200
    tokens = []
    for group in ("gov", "firms", "workers"):
        for n in range(3):
            token = join(doc["join_code"], group)
            tokens.append(token)
            body = {"ratings": [{"item": "finance", "x": 4 + n % 2, "y": 5}, {"item": "power", "x": 1, "y": 2}]}
            response = api.put(f"{API}/workshops/{wid}/activities/constraints/responses", token=token, json=body)
            assert response.status_code == 200, response.get_data(as_text=True)
    proposal = api.post(f"{API}/workshops/{wid}/proposals", token=tokens[0],
                        json={"kind": "constraint", "title": "Transport"})
    assert proposal.status_code == 201, proposal.get_data(as_text=True)
    action = api.post(f"{API}/workshops/{wid}/activities/constraints/actions", json={"item": "finance", "owner": "X"})
    assert action.status_code == 201, action.get_data(as_text=True)
    return doc
