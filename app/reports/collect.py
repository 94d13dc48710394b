"""Gather what every export needs in one pass: the workshop, both weightings of each activity, participation.

Results come from `results.compute` (the API's own numbers). An activity type whose results the service cannot
compute yet is kept with `error` set, so the exports show what is available instead of failing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from app import activities as activity_types
from app.engine import EQUAL_GROUPS, PER_HEAD
from app.extensions import db
from app.models import Action, Activity, Participant, Proposal, Response, Workshop, utcnow
from app.services import actions as action_service
from app.services import archive, delphi, results, workshops

log = logging.getLogger(__name__)

WEIGHTINGS = (EQUAL_GROUPS, PER_HEAD)  # the reports lead with the groups-weighted figures


@dataclass
class ActivityReport:
    activity: Activity
    document: dict[str, Any]
    results: dict[str, dict[str, Any] | None]
    error: str | None = None

    @property
    def equal(self) -> dict[str, Any] | None:
        return self.results.get("equal_groups")

    @property
    def per_head(self) -> dict[str, Any] | None:
        return self.results.get("per_head")


@dataclass
class RawRow:
    activity: str
    round: int
    item: str
    group: str
    participant: str
    axis: str
    value: int | None
    submitted_at: datetime
    channel: str = "phone"


@dataclass
class ActionRow:
    """One action with its item's quadrant in the report's own (equal_groups) results."""

    activity: str
    activity_title: str
    item: str
    item_title: str
    quadrant: str | None
    quadrant_name: str | None
    owner: str
    due_date: date | None
    note: str


@dataclass
class ProposalRow:
    """One participant proposal as decided by the facilitator; only the group is reported, never the person."""

    title: str
    kind: str
    group: str
    status: str
    item: str  # the item it became or was merged into (its title), or ""
    description: str
    created_at: datetime
    decided_at: datetime | None


@dataclass
class WorkshopReport:
    workshop: Workshop
    document: dict[str, Any]
    activities: list[ActivityReport]
    joined: dict[str, int]
    respondents: dict[str, dict[str, int]]  # activity key -> group key -> respondents
    raw: list[RawRow]
    app_version: str
    generated_at: datetime = field(default_factory=utcnow)
    paper: dict[str, int] = field(default_factory=dict)  # group key -> paper ballots entered by the facilitator
    actions: list[ActionRow] = field(default_factory=list)
    proposals: list[ProposalRow] = field(default_factory=list)

    @property
    def item_titles(self) -> dict[str, str]:
        return {item["key"]: item["title"] for item in self.document["items"]}

    @property
    def group_names(self) -> dict[str, str]:
        second = self.document.get("second_language") or ""
        return {group["key"]: display_name(group, second) for group in self.document["groups"]}


def activity_results(activity: Activity) -> tuple[dict[str, dict[str, Any] | None], str | None]:
    """Both weightings, or the reason they are missing (a type the results service does not compute yet)."""
    out: dict[str, dict[str, Any] | None] = {}
    for weighting in WEIGHTINGS:
        try:
            out[weighting] = results.compute(activity, weighting)
        except Exception as error:  # an export must never fail because of one activity
            log.warning("no %s results for activity %s (%s): %s", weighting, activity.key, activity.type, error)
            return dict.fromkeys(WEIGHTINGS), f"The results of this {activity.type} activity are not available."
    return out, None


def _respondents(workshop: Workshop) -> dict[str, dict[str, int]]:
    groups = {g.id: g.key for g in workshop.groups}
    activities = {a.id: a for a in workshop.activities}
    counts: dict[str, dict[str, int]] = {a.key: dict.fromkeys(groups.values(), 0) for a in workshop.activities}
    rows = db.session.execute(
        sa.select(Response.activity_id, Response.round, Participant.group_id,
                  sa.func.count(sa.distinct(Response.participant_id)))
        .join(Participant, Participant.id == Response.participant_id)
        .where(Participant.workshop_id == workshop.id)
        .group_by(Response.activity_id, Response.round, Participant.group_id)
    )
    for activity_id, round_, group_id, count in rows:
        activity = activities.get(activity_id)
        if activity is not None and round_ == activity.round:
            counts[activity.key][groups[group_id]] = int(count)
    return counts


def _raw_rows(workshop: Workshop) -> list[RawRow]:
    """The CSV export's rows (same order), with the participant's group spelled out for the workbook."""
    groups = {g.id: g.key for g in workshop.groups}
    return [
        RawRow(activity.key, round_, item, groups[participant.group_id], participant.pseudonym, dimension, value,
               submitted_at, participant.channel or "phone")
        for activity, participant, item, dimension, value, submitted_at, round_ in archive.value_rows(workshop)
    ]


def collect(workshop: Workshop, app_version: str) -> WorkshopReport:
    """Everything the XLSX, PDF and chart exports show, computed once."""
    document = workshops.document(workshop)
    for secret in ("join_code", "join_url", "screen_url", "screen_token"):
        document.pop(secret, None)
    reports = []
    for activity in workshop.activities:
        computed, error = activity_results(activity)
        reports.append(ActivityReport(activity, workshops.activity_document(activity), computed, error))
    joined = dict.fromkeys((g.key for g in workshop.groups), 0)
    paper = dict.fromkeys((g.key for g in workshop.groups), 0)
    groups = {g.id: g.key for g in workshop.groups}
    for group_id, channel, count in db.session.execute(
        sa.select(Participant.group_id, Participant.channel, sa.func.count())
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.group_id, Participant.channel)
    ):
        joined[groups[group_id]] += int(count)
        if channel == "paper":
            paper[groups[group_id]] += int(count)
    return WorkshopReport(workshop, document, reports, joined, _respondents(workshop), _raw_rows(workshop),
                          app_version, paper=paper, actions=_actions(workshop, reports),
                          proposals=_proposals(workshop))


def _actions(workshop: Workshop, reports: list[ActivityReport]) -> list[ActionRow]:
    """Actions with the quadrant their item has in the results printed beside them (no second computation)."""
    placed = {entry.activity.id: {i["item"]: i.get("quadrant") for i in (entry.equal or {}).get("items", [])}
              for entry in reports}
    rows = []
    names: dict[int, dict[str, str]] = {}
    action: Action
    for action in action_service.for_workshop(workshop):
        activity = action.activity
        if activity.id not in names:
            names[activity.id] = action_service.quadrant_names(activity)
        quadrant = placed.get(activity.id, {}).get(action.item.key)
        rows.append(ActionRow(activity.key, activity.title, action.item.key, action.item.title, quadrant,
                              names[activity.id].get(quadrant) if quadrant else None, action.owner,
                              action.due_date, action.note))
    return rows


def _proposals(workshop: Workshop) -> list[ProposalRow]:
    rows = db.session.scalars(sa.select(Proposal).where(Proposal.workshop_id == workshop.id)
                              .order_by(Proposal.created_at, Proposal.id))
    return [ProposalRow(p.title, p.kind, p.group.name if p.group else "", p.status, p.item.title if p.item else "",
                        p.description or "", p.created_at, p.decided_at) for p in rows]


def display_name(group: Mapping[str, Any], second_language: str) -> str:
    """A group's name as the report prints it: both names when the workshop has a second language and the group
    a name in it, so a bilingual room finds its own."""
    second = (group.get("name_2") or "") if second_language else ""
    return f"{group['name']} · {second}" if second else str(group["name"])


def round_summaries(activity: Activity) -> list[dict[str, Any]]:
    """The per-round report for exports: `rounds_report` plus, for rankings, each round's Kendall's W (the
    room's, as the room sees results: none below k ballots) and the shown groups' W."""
    rows = delphi.rounds_report(activity)
    if not activity_types.of(activity).concordance:
        return rows
    for row in rows:
        document = results.compute(activity, "equal_groups", round=row["round"])
        row["kendall_w"] = document.get("kendall_w")
        row["kendall_w_by_group"] = {g: entry.get("kendall_w") for g, entry in (document.get("by_group") or {}).items()
                                     if isinstance(entry, dict) and entry.get("kendall_w") is not None}
    return rows
