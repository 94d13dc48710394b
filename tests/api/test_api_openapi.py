"""Contract: "Everything here must also be described in the OpenAPI document", served without credentials.

The `jsonschema` package is not in the venv, so real responses are checked with `support.schema_errors`, a
small validator that refuses any schema keyword it does not implement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import API, activity_url, rating, schema_errors
from tests.support.database import BACKENDS

pytestmark = BACKENDS

ACTIVITY = "/workshops/{id}/activities/{key}"
OPERATIONS = [
    ("/openapi.json", "get"),
    ("/auth/token", "post"),
    ("/templates", "get"),
    ("/workshops", "post"),
    ("/workshops/{id}", "get"),
    (ACTIVITY + "/open", "post"),
    (ACTIVITY + "/close", "post"),
    (ACTIVITY + "/results", "get"),
    (ACTIVITY + "/responses", "put"),
    ("/workshops/{id}/export", "get"),
    ("/workshops/import", "post"),
    ("/join", "post"),
]


@pytest.fixture
def spec(api: Any) -> dict[str, Any]:
    response = api.get(f"{API}/openapi.json", token="")
    assert response.status_code == 200
    return response.get_json()


def response_schema(spec: dict[str, Any], path: str, method: str, status: int,
                    media: str = "application/json") -> dict[str, Any]:
    return spec["paths"][path][method]["responses"][str(status)]["content"][media]["schema"]


def check(spec: dict[str, Any], path: str, method: str, response: Any, status: int) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    media = "application/problem+json" if status >= 400 else "application/json"
    assert response.mimetype == media
    body = response.get_json()
    errors = schema_errors(body, response_schema(spec, path, method, status, media), spec)
    assert errors == [], errors
    return body


def test_served_without_credentials(api: Any, spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] and spec["info"]["version"]
    # Also with a bad token: the document needs none and rejects none.
    assert api.get(f"{API}/openapi.json", token="forged").status_code == 200


def test_every_operation_is_described(spec: dict[str, Any]) -> None:
    servers = [s["url"] for s in spec.get("servers", [])]
    assert any(url.rstrip("/").endswith("/api/v1") for url in servers), servers
    for path, method in OPERATIONS:
        assert path in spec["paths"], path
        operation = spec["paths"][path].get(method)
        assert operation is not None, (path, method)
        assert any(code.startswith("2") for code in operation["responses"]), (path, method)


def _concrete(path: str) -> str:
    """A documented path with example values: `/workshops/{id}/actions/{action_id}` -> `/workshops/1/actions/1`."""
    return re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1) == "id" or m.group(1).endswith("id") else "k", path)


def test_every_api_route_is_in_the_document(app: Any, spec: dict[str, Any]) -> None:
    """Read from the application's own URL map, not from a list kept by hand: each documented operation must
    reach a view, and every view of /api/v1 (each method) must be reached by a documented operation."""
    urls = app.url_map.bind("localhost")
    reached: set[tuple[str, str]] = set()
    for path, operations in spec["paths"].items():
        for method in operations:
            endpoint, _args = urls.match(API + _concrete(path), method=method.upper())
            reached.add((endpoint, method.upper()))
    served = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.rule.startswith(API + "/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert len(served) > 40  # the whole interface, not an empty map
    assert served - reached == set(), "views no documented operation reaches"
    assert reached <= served


@pytest.mark.parametrize("path,method,codes", [
    ("/auth/token", "post", {"200", "401", "422"}),
    ("/templates", "get", {"200", "401"}),
    ("/workshops", "post", {"201", "401", "422"}),
    ("/workshops/{id}", "get", {"200", "401", "403", "404"}),
    (ACTIVITY + "/open", "post", {"200", "401", "403", "404"}),
    (ACTIVITY + "/results", "get", {"200", "401", "403", "404", "422"}),
    (ACTIVITY + "/responses", "put", {"200", "401", "403", "404", "409", "422", "429"}),
    ("/workshops/{id}/export", "get", {"200", "401", "403", "404"}),
    ("/workshops/import", "post", {"201", "401", "422"}),
    ("/join", "post", {"201", "404", "422"}),
])
def test_documented_status_codes(spec: dict[str, Any], path: str, method: str, codes: set[str]) -> None:
    assert set(spec["paths"][path][method]["responses"]) >= codes


def test_every_reference_resolves(spec: dict[str, Any]) -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    found = refs(spec)
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in spec["components"]["schemas"], ref


def test_real_responses_match_the_schemas(api: Any, join: Callable[..., str], spec: dict[str, Any]) -> None:
    token = api.post(f"{API}/auth/token", json={"email": "facilitator@example.org", "password": "correct horse"},
                     token="")
    check(spec, "/auth/token", "post", token, 200)
    check(spec, "/auth/token", "post", api.post(f"{API}/auth/token", json={"email": "x@y.z", "password": "p"},
                                                 token=""), 401)
    check(spec, "/templates", "get", api.get(f"{API}/templates"), 200)
    check(spec, "/templates", "get", api.get(f"{API}/templates", token=""), 401)

    doc = check(spec, "/workshops", "post",
                api.post(f"{API}/workshops", json={"template": "regional", "title": "Schemas"}), 201)
    check(spec, "/workshops", "post", api.post(f"{API}/workshops", json={"title": "No groups"}), 422)
    check(spec, "/workshops/{id}", "get", api.get(f"{API}/workshops/{doc['id']}"), 200)
    check(spec, "/workshops/{id}", "get", api.get(f"{API}/workshops/{doc['id'] + 99}"), 404)

    key = doc["activities"][0]["key"]
    items = doc["activities"][0]["items"]
    check(spec, ACTIVITY + "/open", "post", api.post(activity_url(doc["id"], key, "open")), 200)
    groups = [g["key"] for g in doc["groups"]]
    for n in range(7):
        joined = api.post(f"{API}/join", json={"code": doc["join_code"], "group": groups[n % 3]}, token="")
        participant = check(spec, "/join", "post", joined, 201)["participant_token"]
        body = {"ratings": [rating(item, (n + i) % 5 + 1, None if (n + i) % 4 == 0 else (n * i) % 5 + 1)
                            for i, item in enumerate(items)]}
        check(spec, ACTIVITY + "/responses", "put",
              api.put(activity_url(doc["id"], key, "responses"), json=body, token=participant), 200)
    check(spec, ACTIVITY + "/responses", "put",
          api.put(activity_url(doc["id"], key, "responses"), json={"ratings": []}, token=participant), 422)
    check(spec, "/join", "post", api.post(f"{API}/join", json={"code": "ZZZZZ0", "group": "x"}, token=""), 404)

    for weighting in ("per_head", "equal_groups"):
        document = check(spec, ACTIVITY + "/results", "get",
                         api.get(activity_url(doc["id"], key, "results") + f"?weighting={weighting}"), 200)
        assert document["respondents"] == 7
    check(spec, ACTIVITY + "/results", "get",
          api.get(activity_url(doc["id"], key, "results"), token=participant), 403)

    archive = check(spec, "/workshops/{id}/export", "get", api.get(f"{API}/workshops/{doc['id']}/export"), 200)
    check(spec, "/workshops/import", "post", api.post(f"{API}/workshops/import", json=archive), 201)
    check(spec, ACTIVITY + "/close", "post", api.post(activity_url(doc["id"], key, "close")), 200)
    check(spec, ACTIVITY + "/responses", "put",
          api.put(activity_url(doc["id"], key, "responses"), json=body, token=participant), 409)


def test_schemas_reject_what_the_contract_forbids(spec: dict[str, Any]) -> None:
    """The declared schemas are not so loose that anything passes."""
    schemas = {"$ref": "#/components/schemas/MatrixResults"}
    assert schema_errors({"activity": "x", "weighting": "median", "respondents": 1, "groups": {}, "items": []},
                         schemas, spec)
    assert schema_errors({"activity": "x", "weighting": "per_head", "groups": {}, "items": []}, schemas, spec)
    problem = {"$ref": "#/components/schemas/Problem"}
    assert schema_errors({"title": "t", "status": 422, "detail": "d"}, problem, spec)
    ratings = {"$ref": "#/components/schemas/MatrixResponses"}
    assert schema_errors({"ratings": [{"item": "finance", "x": 3.5, "y": 1}]}, ratings, spec)
    assert schema_errors({"ratings": []}, ratings, spec)
    assert schema_errors({"ratings": [{"item": "finance", "x": 3}]}, ratings, spec)
