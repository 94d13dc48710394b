"""The repository stands on its own: no tracked file points at documents kept outside it, and every
`docs/<name>.md` that a file mentions exists.

The rules the code implements are written in `docs/methods.md` (the arithmetic) and `docs/interface.md` (the
public interface); a comment or docstring cites those, or states the rule itself.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

#: Names of documents that are not part of the repository.
OUTSIDE = (b"domain.md", b"contract.md", b"engineering.md", b"/work/shared", b"seeds/")

#: Files that still cite an outside document, until their citations are reworded. Each entry must still need
#: its exemption (the test fails once a file is clean, so the list only shrinks); the list is meant to be empty.
EXEMPT: frozenset[str] = frozenset()

DOC_PATH = re.compile(rb"docs/[A-Za-z0-9_\-/]+\.md")


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in out.decode("utf-8").split("\0") if name and name != THIS]


def contents(name: str) -> bytes:
    path = ROOT / name
    return path.read_bytes() if path.is_file() else b""


def outside_mentions(data: bytes) -> list[str]:
    return [needle.decode() for needle in OUTSIDE if needle in data]


def test_no_file_points_outside_the_repository() -> None:
    offenders = {}
    for name in tracked_files():
        if name in EXEMPT:
            continue
        found = outside_mentions(contents(name))
        if found:
            offenders[name] = found
    assert offenders == {}, "cite docs/methods.md or docs/interface.md instead, or state the rule"


def test_every_exemption_is_still_needed() -> None:
    files = set(tracked_files())
    stale = sorted(name for name in EXEMPT if name not in files or not outside_mentions(contents(name)))
    assert stale == [], "these files no longer cite an outside document: remove them from EXEMPT"


def test_every_mentioned_docs_page_exists() -> None:
    missing: dict[str, list[str]] = {}
    for name in tracked_files():
        for match in sorted(set(DOC_PATH.findall(contents(name)))):
            page = match.decode()
            if not (ROOT / page).is_file():
                missing.setdefault(page, []).append(name)
    assert missing == {}
