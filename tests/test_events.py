"""Socket.IO event names come from one list (app/events.py): the server emits them, the browser reads them from
the page, so a name used on one side and missing from the list fails here rather than in a live workshop."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from app import events

ROOT = Path(__file__).resolve().parents[1]


#: Socket.IO's own events, not the app's.
RESERVED = {"connect", "disconnect", "connect_error"}

EMIT_LITERAL = re.compile(r"""\bemit\(\s*["']([A-Za-z_]+)["']""")
ON_LITERAL = re.compile(r"""\.on\(\s*["']([A-Za-z_]+)["']""")
EVENT_CONSTANT = re.compile(r"""\b(?:events|E)\.([A-Z][A-Z_]*)\b(?!\s*=)""")
EVENTS_BLOCK = re.compile(r'<script[^>]* id="prioritas-events"[^>]*>(.*?)</script>', re.S)


def _python_files() -> list[Path]:
    return [p for p in sorted((ROOT / "app").rglob("*.py")) if p.relative_to(ROOT).as_posix() != "app/events.py"]


def _js_files() -> list[Path]:
    return sorted((ROOT / "static" / "js").glob("*.js"))


def test_all_lists_every_constant_once() -> None:
    constants = {name: value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}
    assert constants == events.ALL
    assert len(set(events.ALL.values())) == len(events.ALL)


def test_python_emits_use_the_constants() -> None:
    literal: dict[str, list[str]] = {}
    for path in _python_files():
        names = EMIT_LITERAL.findall(path.read_text(encoding="utf-8"))
        if names:
            literal[path.relative_to(ROOT).as_posix()] = names
    assert literal == {}, f"emit with a string literal: {literal}"


def test_python_constants_exist() -> None:
    for path in _python_files():
        for name in re.findall(r"\bevents\.([A-Z][A-Z_]*)\b", path.read_text(encoding="utf-8")):
            assert name in events.ALL or name == "ALL", f"{path.name}: events.{name}"


def test_browser_listens_only_to_listed_events() -> None:
    values = set(events.ALL.values())
    listened: set[str] = set()
    for path in _js_files():
        text = path.read_text(encoding="utf-8")
        for name in ON_LITERAL.findall(text):
            assert name in values or name in RESERVED, f"{path.name}: .on({name!r})"
            listened |= {k for k, v in events.ALL.items() if v == name}
        for name in EVENT_CONSTANT.findall(text):
            assert name in events.ALL, f"{path.name}: events.{name}"
            listened.add(name)
    # Every event the server sends is listened to somewhere (console, phone, screen or remote): no dead names.
    assert listened == set(events.ALL)


def _block(html: str) -> Any:
    match = EVENTS_BLOCK.search(html)
    assert match, "no #prioritas-events block"
    return json.loads(match.group(1))


def test_rendered_pages_carry_the_list(client: Any, workshop: dict[str, Any]) -> None:
    for url in ("/join", f"/screen/{workshop['screen_token']}"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert _block(html) == events.ALL
        tag = re.search(r'<script[^>]* id="prioritas-events"[^>]*>', html)
        assert tag and "nonce=" in tag.group(0) and 'type="application/json"' in tag.group(0)
