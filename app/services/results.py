"""From saved responses to results documents: SQL counts per value, then the pure aggregation engine.

The database returns histograms (item x group x axis x value -> count), never one row per vote, so the
work grows with the number of items and scale points, not with the number of people in the room.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from app.engine.matrix import GroupSpec, MatrixData, Scale, matrix_results
from app.extensions import db
from app.models import Activity, Participant, Response
from app.services.errors import invalid_field

WEIGHTINGS = ("per_head", "equal_groups")


def check_weighting(value: str | None) -> str:
    weighting = value or "equal_groups"
    if weighting not in WEIGHTINGS:
        raise invalid_field("weighting", "The weighting is per_head or equal_groups.")
    return weighting


def matrix_data(activity: Activity) -> MatrixData:
    workshop = activity.workshop
    group_key = {g.id: g.key for g in workshop.groups}
    item_key = {i.id: i.key for i in activity.items}
    scope = (Response.activity_id == activity.id, Response.round == activity.round)

    histograms: dict[tuple[str, str, str], dict[int, int]] = defaultdict(dict)
    for item_id, group_id, dimension, value, count in db.session.execute(
        sa.select(Response.item_id, Participant.group_id, Response.dimension, Response.value, sa.func.count())
        .join(Participant, Participant.id == Response.participant_id)
        .where(*scope, Response.value.is_not(None))
        .group_by(Response.item_id, Participant.group_id, Response.dimension, Response.value)
    ):
        if item_id in item_key:
            histograms[(item_key[item_id], group_key[group_id], dimension)][int(value)] = int(count)

    item_n: dict[tuple[str, str], int] = {}
    for item_id, group_id, count in db.session.execute(
        sa.select(Response.item_id, Participant.group_id, sa.func.count(sa.distinct(Response.participant_id)))
        .join(Participant, Participant.id == Response.participant_id)
        .where(*scope, Response.value.is_not(None))
        .group_by(Response.item_id, Participant.group_id)
    ):
        if item_id in item_key:
            item_n[(item_key[item_id], group_key[group_id])] = int(count)

    respondents = {
        group_key[group_id]: int(count)
        for group_id, count in db.session.execute(
            sa.select(Participant.group_id, sa.func.count(sa.distinct(Response.participant_id)))
            .join(Participant, Participant.id == Response.participant_id)
            .where(*scope)
            .group_by(Participant.group_id)
        )
    }
    settings = activity.settings
    return MatrixData(
        activity=activity.key,
        groups=[GroupSpec(g.key, g.weight) for g in workshop.groups],
        items=[i.key for i in activity.items],
        x=Scale(settings["x"]["min"], settings["x"]["max"]),
        y=Scale(settings["y"]["min"], settings["y"]["max"]),
        min_group_size=workshop.min_group_size,
        respondents=respondents,
        item_n=item_n,
        values=dict(histograms),
    )


def compute(activity: Activity, weighting: str = "equal_groups") -> dict[str, Any]:
    if activity.type == "matrix":
        return matrix_results(matrix_data(activity), weighting)
    raise ValueError(f"no results for activity type {activity.type}")
