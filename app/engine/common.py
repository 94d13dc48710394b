"""Inputs and rules shared by every activity type's results."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "EQUAL_GROUPS",
    "PER_HEAD",
    "WEIGHTINGS",
    "GroupSpec",
    "Scale",
    "check_groups",
    "check_items",
    "check_min_group_size",
    "check_respondents",
    "check_weighting",
    "results_header",
]

PER_HEAD = "per_head"
EQUAL_GROUPS = "equal_groups"
WEIGHTINGS = (PER_HEAD, EQUAL_GROUPS)


@dataclass(frozen=True)
class GroupSpec:
    """A stakeholder group as the engine needs it: its key and its parity weight W_g (>= 0)."""

    key: str
    weight: float


@dataclass(frozen=True)
class Scale:
    """An integer rating scale [min, max]."""

    min: int
    max: int

    @property
    def midpoint(self) -> Fraction:
        """Exact (min + max) / 2, so that "at or above the midpoint" is decided without rounding."""
        return Fraction(self.min + self.max, 2)

    def check(self) -> None:
        """Reject a scale the statistics cannot use."""
        for bound in (self.min, self.max):
            if isinstance(bound, bool) or not isinstance(bound, int):
                raise ValueError(f"scale bounds must be integers, got {bound!r}")
        if self.min > self.max:
            raise ValueError(f"scale minimum {self.min} exceeds maximum {self.max}")


def check_weighting(weighting: str) -> None:
    """Unknown weightings are a caller bug (the API answers 422 before reaching the engine)."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")


def check_min_group_size(k: int) -> None:
    """k < 1 would let an empty group "reach" k; the interface itself requires k >= 3."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"min_group_size must be an integer >= 1, got {k!r}")


def check_groups(groups: Sequence[GroupSpec]) -> list[str]:
    """Validate the groups and return their keys in workshop order."""
    keys = [g.key for g in groups]
    if len(set(keys)) != len(keys):
        raise ValueError("group keys must be unique")
    for g in groups:
        if not (isinstance(g.weight, (int, float)) and math.isfinite(g.weight) and g.weight >= 0):
            raise ValueError(f"weight of group {g.key!r} must be a finite number >= 0, got {g.weight!r}")
    return keys


def check_items(items: Sequence[str]) -> None:
    """Item keys must be unique within an activity."""
    if len(set(items)) != len(items):
        raise ValueError("item keys must be unique")


def check_respondents(respondents: Mapping[str, int], group_keys: Sequence[str]) -> dict[str, int]:
    """Respondents per group for every group (missing = 0); unknown groups are a caller bug."""
    known = set(group_keys)
    for key, n in respondents.items():
        if key not in known:
            raise ValueError(f"respondents given for unknown group {key!r}")
        if n < 0:
            raise ValueError(f"negative respondents for group {key!r}")
    return {key: respondents.get(key, 0) for key in group_keys}


def results_header(activity: str, weighting: str, respondents: Mapping[str, int]) -> dict:
    """The fields every results document starts with; ``respondents`` has every group, in order."""
    return {
        "activity": activity,
        "weighting": weighting,
        "respondents": sum(respondents.values()),
        "groups": {key: {"respondents": n} for key, n in respondents.items()},
    }
