"""Activity types as plug-ins: one module per type behind one interface (`base.ActivityType`), found by name.

Every caller that used to branch on an activity's type (definitions, the vote path, results, phone and paper
forms, archive import, the OpenAPI document) asks the registry instead: `of(activity)` or `get("matrix")`.
A new type is a subclass registered with `register`; docs/architecture.md lists the files it touches.
"""

from __future__ import annotations

from typing import Any

from app.activities.base import ActivityType
from app.activities.criteria import CriteriaType
from app.activities.matrix import Matrix
from app.activities.points import Points
from app.activities.ranking import Ranking
from app.activities.scale import ScaleType

_REGISTRY: dict[str, ActivityType] = {}


def register(kind: ActivityType) -> ActivityType:
    """Make a type known by its name (a type registered again under the same name replaces the first)."""
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def get(name: Any) -> ActivityType | None:
    return _REGISTRY.get(name) if isinstance(name, str) else None


def of(activity: Any) -> ActivityType:
    """The type of an activity (an ORM row or a vote-path snapshot); a stored type is always registered."""
    kind = get(activity.type)
    if kind is None:
        raise LookupError(f"no activity type {activity.type!r} is registered")
    return kind


def names() -> tuple[str, ...]:
    """Every registered type's name, in registration order (the order the editor and the API list them)."""
    return tuple(_REGISTRY)


def types() -> tuple[ActivityType, ...]:
    return tuple(_REGISTRY.values())


def entry_fields() -> tuple[str, ...]:
    """The body fields that carry ballot entries, over every type (each checked against a ballot's size)."""
    return tuple(dict.fromkeys(kind.entries for kind in _REGISTRY.values()))


for _kind in (Matrix(), ScaleType(), Points(), Ranking(), CriteriaType()):
    register(_kind)

__all__ = ["ActivityType", "entry_fields", "get", "names", "of", "register", "types", "unregister"]
