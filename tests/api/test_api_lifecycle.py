"""`DELETE /api/v1/workshops/{id}`, the retention read-out and the audit trail over the API."""

from __future__ import annotations

from typing import Any

from tests.support.builders import small_definition

API = "/api/v1"


def test_delete_then_everything_of_it_is_404(api: Any, client: Any, join: Any, workshop: dict[str, Any]) -> None:
    wid = workshop["id"]
    assert api.post(f"{API}/workshops/{wid}/activities/constraints/open").status_code == 200
    token = join(workshop["join_code"], "gov")
    body = {"ratings": [{"item": "finance", "x": 3, "y": 4}]}
    assert api.put(f"{API}/workshops/{wid}/activities/constraints/responses", token=token, json=body).status_code == 200
    screen = workshop["screen_token"]

    response = api.call("DELETE", f"{API}/workshops/{wid}")
    assert response.status_code == 204 and response.get_data() == b""

    for path in (f"{API}/workshops/{wid}", f"{API}/workshops/{wid}/activities/constraints/results",
                 f"{API}/workshops/{wid}/export?format=json", f"{API}/workshops/{wid}/actions",
                 f"{API}/workshops/{wid}/retention"):
        gone = api.get(path)
        assert gone.status_code == 404, path
        assert gone.headers["Content-Type"].startswith("application/problem+json")
    assert api.put(f"{API}/workshops/{wid}/activities/constraints/responses", token=token,
                   json=body).status_code in (401, 404)  # the participant token went with the workshop
    assert api.post(f"{API}/join", json={"code": workshop["join_code"], "group": "gov"}, token="").status_code == 404
    assert client.get(f"/screen/{screen}").status_code == 404
    assert client.get(f"/j/{workshop['join_code']}").status_code == 404
    assert api.get(f"{API}/workshops/{wid}/activities/constraints/results", token=screen).status_code == 401
    assert api.call("DELETE", f"{API}/workshops/{wid}").status_code == 404


def test_delete_status_order(app: Any, api: Any, client: Any, workshop: dict[str, Any]) -> None:
    from tests.support.api import create_facilitator

    wid = workshop["id"]
    assert api.call("DELETE", f"{API}/workshops/{wid}", token="").status_code == 401
    assert api.call("DELETE", f"{API}/workshops/{wid}", token="not-a-token").status_code == 401
    assert api.call("DELETE", f"{API}/workshops/99999").status_code == 404
    create_facilitator(app, "other@example.org")
    other = client.post(f"{API}/auth/token", json={"email": "other@example.org", "password": "correct horse"})
    forbidden = api.call("DELETE", f"{API}/workshops/{wid}", token=other.get_json()["token"])
    assert forbidden.status_code == 403
    assert api.get(f"{API}/workshops/{wid}").status_code == 200  # still there


def test_retention_and_audit_over_the_api(app: Any, api: Any) -> None:
    doc = api.post(f"{API}/workshops", json=small_definition(title="=HYPERLINK(\"x\")")).get_json()
    retention = api.get(f"{API}/workshops/{doc['id']}/retention").get_json()
    assert retention["retention_days"] is None and retention["purge_at"] is None
    assert retention["last_used"].endswith("Z")
    app.config["RETENTION_MAX_DAYS"] = 30
    capped = api.get(f"{API}/workshops/{doc['id']}/retention").get_json()
    assert capped["effective_days"] == 30 and capped["purge_at"] > capped["last_used"]
    assert api.call("DELETE", f"{API}/workshops/{doc['id']}").status_code == 204
    page = api.get(f"{API}/audit").get_json()
    assert page["total"] == 1 and page["pages"] == 1
    entry = page["entries"][0]
    assert entry["action"] == "workshop_deleted" and entry["workshop_id"] == doc["id"]
    assert entry["details"] == {"participants": 0, "responses": 0, "via": "api"}
    assert api.get(f"{API}/audit", token="").status_code == 401


def test_openapi_documents_the_lifecycle(api: Any) -> None:
    document = api.get(f"{API}/openapi.json").get_json()
    delete = document["paths"]["/workshops/{id}"]["delete"]
    # 422: a control character in the query string is refused before any view runs, DELETE included.
    assert set(delete["responses"]) == {"204", "401", "404", "403", "422"}
    assert "get" in document["paths"]["/workshops/{id}"]  # the contract's GET is still there
    assert "/workshops/{id}/retention" in document["paths"] and "/audit" in document["paths"]
    definition = document["components"]["schemas"]["WorkshopDefinition"]["properties"]
    assert "2000 characters" in definition["consent_text"]["description"]
    assert definition["consent_required"]["type"] == "boolean"
