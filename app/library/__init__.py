"""Built-in workshop templates.

Each template is a full workshop definition in the shape `POST /api/v1/workshops` accepts (docs/interface.md), so the
API can create a workshop from a template key exactly as from a posted definition. Extension fields beyond the
contract (`method_note`, group `expected`/`description`, item `locus`/`gd_branch`, activity `scale_labels`,
`quadrants`, `quadrant_notes`, axis `hint`) carry the method's wording to the screens; clients may ignore them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import ModuleType

from app.library import growth_diagnostics, paca_proposals, regional, sector_selection, systemic_competitiveness
from app.library._parts import Definition

__all__ = ["get_template", "list_templates"]

# Display order: the general regional workshop first, then the method-specific ones.
_MODULES: tuple[ModuleType, ...] = (
    regional, growth_diagnostics, systemic_competitiveness, sector_selection, paca_proposals,
)

_BUILDERS: dict[str, Callable[[], Definition]] = {module.KEY: module.build for module in _MODULES}
# Built once: the definitions are static, and get_template hands out deep copies so callers cannot alter them.
_TEMPLATES: dict[str, Definition] = {key: build() for key, build in _BUILDERS.items()}
_SUMMARIES: tuple[tuple[str, str, str], ...] = tuple(
    (module.KEY, module.TITLE, module.DESCRIPTION) for module in _MODULES
)


def list_templates() -> list[dict[str, str]]:
    """Key, title and description of every template, in a stable display order (for GET /api/v1/templates)."""
    return [{"key": key, "title": title, "description": description} for key, title, description in _SUMMARIES]


def get_template(key: str) -> Definition | None:
    """A fresh deep copy of the template's full definition, or None for an unknown key."""
    template = _TEMPLATES.get(key)
    return copy.deepcopy(template) if template is not None else None
