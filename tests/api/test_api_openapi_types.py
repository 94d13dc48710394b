"""The OpenAPI document describes the new activity types and endpoints, and real answers validate against it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import API, activity_url, schema_errors
from tests.support.builders import new_types_definition

ACTIVITY = "/workshops/{id}/activities/{key}"


@pytest.fixture
def spec(api: Any) -> dict[str, Any]:
    response = api.get(f"{API}/openapi.json", token="")
    assert response.status_code == 200
    return response.get_json()


def check(spec: dict[str, Any], path: str, method: str, response: Any, status: int) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    media = "application/problem+json" if status >= 400 else "application/json"
    schema = spec["paths"][path][method]["responses"][str(status)]["content"][media]["schema"]
    body = response.get_json()
    errors = schema_errors(body, schema, spec)
    if errors and "anyOf" in schema:  # say which of the alternatives came closest
        errors = [schema_errors(body, alternative, spec) for alternative in schema["anyOf"]]
    assert not errors, errors
    return body


def request_schema(spec: dict[str, Any], path: str, method: str) -> Any:
    return spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("path,method,codes", [
    (ACTIVITY, "patch", {"200", "401", "403", "404", "422"}),
    (ACTIVITY + "/rounds", "post", {"200", "401", "403", "404", "409"}),
    ("/workshops/{id}/weights", "post", {"200", "401", "403", "404", "422"}),
])
def test_new_operations_are_described(spec: dict[str, Any], path: str, method: str, codes: set[str]) -> None:
    assert set(spec["paths"][path][method]["responses"]) >= codes
    results = spec["paths"][ACTIVITY + "/results"]["get"]
    assert "round" in {p["name"] for p in results["parameters"]}


def test_real_documents_of_every_type_match(api: Any, join: Callable[..., str], spec: dict[str, Any]) -> None:
    doc = check(spec, "/workshops", "post", api.post(f"{API}/workshops", json=new_types_definition()), 201)
    wid = doc["id"]
    bodies = {"severity": {"ratings": [{"item": "finance", "value": 3}, {"item": "skills", "value": None}]},
              "dots": {"points": {"finance": 2, "power": 1}},
              "order": {"ranking": ["power", "finance"]},
              "mcda": {"scores": [{"item": "agro", "criterion": "jobs", "value": 4},
                                  {"item": "agro", "criterion": "risk", "value": None}]}}
    tokens = [join(doc["join_code"], g) for g in ("gov",) * 3 + ("employers",) * 3 + ("workers",) * 3]
    responses = request_schema(spec, ACTIVITY + "/responses", "put")
    for key, body in bodies.items():
        assert not schema_errors(body, responses, spec), key
        check(spec, ACTIVITY + "/open", "post", api.post(activity_url(wid, key, "open")), 200)
        for token in tokens:
            check(spec, ACTIVITY + "/responses", "put",
                  api.put(activity_url(wid, key, "responses"), json=body, token=token), 200)
        for weighting in ("per_head", "equal_groups"):
            check(spec, ACTIVITY + "/results", "get",
                  api.get(activity_url(wid, key, "results") + f"?weighting={weighting}"), 200)
    check(spec, ACTIVITY + "/rounds", "post", api.post(activity_url(wid, "severity", "rounds")), 200)
    check(spec, ACTIVITY + "/responses", "put",
          api.put(activity_url(wid, "severity", "responses"), json=bodies["severity"], token=tokens[0]), 200)
    check(spec, ACTIVITY + "/results", "get", api.get(activity_url(wid, "severity", "results")), 200)
    check(spec, ACTIVITY + "/results", "get", api.get(activity_url(wid, "severity", "results") + "?round=1"), 200)
    check(spec, ACTIVITY + "/results", "get", api.get(activity_url(wid, "severity", "results") + "?round=9"), 404)
    check(spec, ACTIVITY + "/results", "get", api.get(activity_url(wid, "severity", "results") + "?round=x"), 422)
    check(spec, ACTIVITY + "/rounds", "post", api.post(activity_url(wid, "nope", "rounds")), 404)

    patch = {"criteria": [{"key": "risk", "weight": 0.25}]}
    assert not schema_errors(patch, request_schema(spec, ACTIVITY, "patch"), spec)
    check(spec, ACTIVITY, "patch", api.call("PATCH", f"{API}/workshops/{wid}/activities/mcda", json=patch), 200)
    check(spec, ACTIVITY, "patch", api.call("PATCH", f"{API}/workshops/{wid}/activities/mcda",
                                            json={"criteria": []}), 422)
    weights = {"preset": "custom", "weights": {"gov": 2}}
    assert not schema_errors(weights, request_schema(spec, "/workshops/{id}/weights", "post"), spec)
    check(spec, "/workshops/{id}/weights", "post", api.post(f"{API}/workshops/{wid}/weights", json=weights), 200)
    check(spec, "/workshops/{id}/weights", "post", api.post(f"{API}/workshops/{wid}/weights",
                                                           json={"preset": "none"}), 422)
    check(spec, "/workshops/{id}", "get", api.get(f"{API}/workshops/{wid}"), 200)


def test_schemas_reject_what_the_contract_forbids(spec: dict[str, Any]) -> None:
    def errors(value: Any, name: str) -> list[str]:
        return schema_errors(value, {"$ref": f"#/components/schemas/{name}"}, spec)

    assert errors({"points": {"finance": -1}}, "PointsResponses")
    assert errors({"points": {"finance": 1.5}}, "PointsResponses")
    assert not errors({"points": {}}, "PointsResponses")
    assert errors({"ranking": []}, "RankingResponses")
    assert errors({"scores": [{"item": "agro", "value": 3}]}, "CriteriaResponses")
    assert errors({"ratings": [{"item": "agro", "value": 2.5}]}, "ScaleResponses")
    assert errors({"criteria": [{"key": "jobs", "weight": -1}]}, "CriteriaWeights")
    assert errors({"preset": "parity"}, "WeightsPreset")
    activity = {"key": "a", "type": "points", "title": "A", "items": ["x"], "budget": 0}
    assert errors(activity, "Activity")
    assert not errors({**activity, "budget": 2}, "Activity")
    assert errors({"key": "a", "type": "criteria", "title": "A", "items": ["x"], "scale": {"min": 1, "max": 5}},
                  "Activity")
