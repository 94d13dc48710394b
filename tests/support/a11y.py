"""Test-only accessibility helpers: axe-core injected into a Playwright page, and a small room on the real server.

axe-core comes from the npm registry (tests/assets/axe-core-*/README.md); the app never serves it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import requests

from tests.support.builders import typed_definition
from tests.support.pages import csrf_from
from tests.support.server import LiveServer, make_facilitator_token

AXE_DIR = Path(__file__).resolve().parent.parent / "assets" / "axe-core-4.14.1"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
BLOCKING = ("serious", "critical")
FACILITATOR = ("live@example.org", "live-password")


@cache
def axe_source() -> str:
    return (AXE_DIR / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page: Any, selector: str | None = None) -> list[dict[str, Any]]:
    """All violations axe-core finds on the page as it is now (WCAG 2.x A/AA rules and best practices)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the browser's debugging protocol, as a test tool: the page's own CSP (no inline
        # script) stays in force for everything the page runs.
        page.evaluate(axe_source())
    return page.evaluate(
        """async (selector) => {
            const result = await axe.run(selector ? document.querySelector(selector) : document,
                                         {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        selector,
    )


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """Every violation, blocking or not, so a failing assertion says what to fix."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            summary = (node["summary"] or "").replace("\n", " ")
            lines.append(f"    {node['target']}  {summary[:300]}")
    return "\n".join(lines) or "(none)"


def assert_accessible(page: Any, where: str) -> list[dict[str, Any]]:
    """No serious or critical axe-core violation; the message lists all of them."""
    violations = run_axe(page)
    bad = blocking(violations)
    assert not bad, f"{where}: {len(bad)} serious/critical axe violations\n{describe(violations)}"
    if violations:
        print(f"{where}: minor axe findings\n{describe(violations)}")
    return violations


@dataclass
class Room:
    """Workshops on the live server, driven through the public API and the facilitator's session."""

    server: LiveServer
    headers: dict[str, str] = field(default_factory=dict)
    console: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        token = make_facilitator_token(self.base, self.server.database_url, *FACILITATOR)
        self.headers = {"Authorization": f"Bearer {token}"}
        page = self.console.get(f"{self.base}/facilitator/login", timeout=10).text
        signed_in = self.console.post(f"{self.base}/facilitator/login", timeout=10, allow_redirects=False, data={
            "email": FACILITATOR[0], "password": FACILITATOR[1], "csrf_token": csrf_from(page)})
        assert signed_in.status_code == 302, signed_in.text

    @property
    def base(self) -> str:
        return self.server.url

    def workshop(self, title: str = "Accessibility check") -> dict[str, Any]:
        """The five activity types over three items (matrix, scale, points, ranking, criteria)."""
        definition = {**typed_definition(), "title": title}
        created = requests.post(f"{self.base}/api/v1/workshops", headers=self.headers, json=definition, timeout=10)
        assert created.status_code == 201, created.text
        return created.json()

    def state(self, workshop: dict[str, Any], key: str, action: str) -> None:
        response = requests.post(f"{self.base}/api/v1/workshops/{workshop['id']}/activities/{key}/{action}",
                                 headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text

    def submit(self, workshop: dict[str, Any], key: str, name: str, data: dict[str, str]) -> None:
        """A console form post (reveal mode, reveal, timer) with the session's CSRF token."""
        run = self.console.get(f"{self.base}/facilitator/workshops/{workshop['id']}/run", timeout=10).text
        response = self.console.post(
            f"{self.base}/facilitator/workshops/{workshop['id']}/activities/{key}/{name}",
            data={**data, "csrf_token": csrf_from(run)}, timeout=10, allow_redirects=False)
        assert response.status_code == 302, response.text

    def vote(self, workshop: dict[str, Any], key: str, group: str, body: dict[str, Any]) -> None:
        joined = requests.post(f"{self.base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                               timeout=10)
        assert joined.status_code == 201, joined.text
        response = requests.put(f"{self.base}/api/v1/workshops/{workshop['id']}/activities/{key}/responses",
                                json=body, timeout=10,
                                headers={"Authorization": f"Bearer {joined.json()['participant_token']}"})
        assert response.status_code == 200, response.text

    def cookies(self) -> list[dict[str, Any]]:
        """The signed-in console session, for a browser context."""
        return [{"name": c.name, "value": c.value or "", "url": self.base} for c in self.console.cookies]


def dump(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1)
