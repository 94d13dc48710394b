"""Contract, "Exports": text cells that start with =, +, -, @ are neutralised; numbers stay numbers.

`app.services.archive.neutralise` directly (no database); the CSV export itself is checked, with cells reached
through an imported archive, in test_api_exports.py.
"""

from __future__ import annotations

from typing import Any

import pytest

DANGEROUS = ("=", "+", "-", "@")


@pytest.mark.parametrize("raw", ["=1+1", "+A1", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "-", "@"])
def test_neutralise_formula_cells(raw: str) -> None:
    from app.services.archive import neutralise

    cell = neutralise(raw)
    assert isinstance(cell, str) and not cell.startswith(DANGEROUS) and raw in cell


@pytest.mark.parametrize("value", ["P017", "finance", "x", "", "a=b", "2025-01-01T10:00:00Z", -3, 0, 4, None])
def test_neutralise_leaves_other_cells(value: Any) -> None:
    from app.services.archive import neutralise

    assert neutralise(value) == value
