"""The domain model: facilitators run workshops; participants of a stakeholder group respond to activities.

Business rules that must hold under concurrent writes are database constraints (one value per participant,
item, dimension and round), so a repeated or simultaneous submission can never count twice.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db

#: Join codes avoid characters that are easy to confuse when read off a projector (0/O, 1/I/L).
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def token_digest(token: str) -> str:
    """Tokens are stored as digests, so a copied database does not hand out live credentials."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class ItemKind(enum.StrEnum):
    constraint = "constraint"
    sector = "sector"


class ActivityState(enum.StrEnum):
    pending = "pending"
    open = "open"
    closed = "closed"


class User(UserMixin, db.Model):
    """A facilitator account."""

    __tablename__ = "user_account"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Administrators invite facilitators; the first account (made from the command line) is one.
    is_admin: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    workshops: so.WriteOnlyMapped[Workshop] = so.relationship(back_populates="owner")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class ApiToken(db.Model):
    """A bearer token for the public API; only its digest is kept."""

    __tablename__ = "api_token"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: A name the facilitator recognises on the account page ("laptop script", "dashboard").
    label: so.Mapped[str] = so.mapped_column(sa.String(80), default="", server_default="")
    #: None only for tokens issued before expiry existed; new tokens always expire.
    expires_at: so.Mapped[datetime | None] = so.mapped_column()
    last_used_at: so.Mapped[datetime | None] = so.mapped_column()

    user: so.Mapped[User] = so.relationship()


class Workshop(db.Model):
    __tablename__ = "workshop"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    language: so.Mapped[str] = so.mapped_column(sa.String(12), default="en")
    #: Language of the items' second text (`Item.title_2`), shown beside the first; empty when there is none.
    second_language: so.Mapped[str] = so.mapped_column(sa.String(12), default="", server_default="")
    min_group_size: so.Mapped[int] = so.mapped_column(default=5)
    join_code: so.Mapped[str] = so.mapped_column(sa.String(12), unique=True)
    screen_token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    joining_locked: so.Mapped[bool] = so.mapped_column(default=False)
    template_key: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    #: The method in a facilitator's words, printed with the results.
    method_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Presenter pace: `self` (phones show every open activity), `activity` or `item` (phones show only the
    #: step the facilitator is on, `pace_activity` and, in item pace, its item number `pace_item`).
    pace: so.Mapped[str] = so.mapped_column(sa.String(10), default="self", server_default="self")
    pace_activity: so.Mapped[str] = so.mapped_column(sa.String(40), default="", server_default="")
    pace_item: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    #: Whether phones may suggest missing items, and how many suggestions one phone may send per window.
    proposals_open: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    proposal_limit: so.Mapped[int] = so.mapped_column(default=10, server_default="10")
    #: Optional word the room is told aloud: phones must type it after the join code (empty = none).
    passcode: so.Mapped[str] = so.mapped_column(sa.String(40), default="", server_default="")
    #: Only a one-time seat code lets a new phone in (the join code alone is not enough).
    seat_codes_required: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: A notice phones show before the group choice (data use, recording...); empty when there is none.
    consent_text: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    #: When set, a phone must press "I understand" on the notice before it can pick a group.
    consent_required: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: Delete the workshop this many days after it was last used (None: keep until deleted by hand).
    retention_days: so.Mapped[int | None] = so.mapped_column()
    #: The own template this workshop is a draft of ("Edit contents"); deleted with it or once saved back.
    draft_of: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    #: Moves with every committed change to the workshop, its groups, items or activities: the vote path
    #: caches what it reads per (workshop, revision), so every server process sees an edit at the next vote.
    revision: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    #: The last pseudonym number handed out (P001, P002, ...): one counter, never reused.
    participant_seq: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    owner: so.Mapped[User] = so.relationship(back_populates="workshops")
    groups: so.Mapped[list[StakeholderGroup]] = so.relationship(
        back_populates="workshop", order_by="StakeholderGroup.position", cascade="all, delete-orphan"
    )
    items: so.Mapped[list[Item]] = so.relationship(
        back_populates="workshop", order_by="Item.position", cascade="all, delete-orphan"
    )
    activities: so.Mapped[list[Activity]] = so.relationship(
        back_populates="workshop", order_by="Activity.position", cascade="all, delete-orphan"
    )
    participants: so.WriteOnlyMapped[Participant] = so.relationship(
        back_populates="workshop", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (sa.CheckConstraint("min_group_size >= 3", name="min_group_size_at_least_3"),)

    def group(self, key: str) -> StakeholderGroup | None:
        return next((g for g in self.groups if g.key == key), None)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def activity(self, key: str) -> Activity | None:
        return next((a for a in self.activities if a.key == key), None)


class StakeholderGroup(db.Model):
    """A constituency in the room (government, employers, workers...), with its weight under parity."""

    __tablename__ = "stakeholder_group"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    weight: so.Mapped[float] = so.mapped_column(default=1.0)
    #: Who belongs here, shown when a participant picks a group.
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: How many people of this group the facilitator expects, for the participation bar (optional).
    expected: so.Mapped[int | None] = so.mapped_column()
    #: Observers (academia, NGOs...) get weight 0 under the `equal` weighting preset.
    observer: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: The group's name in the workshop's second language (`Workshop.second_language`); empty when none.
    name_2: so.Mapped[str] = so.mapped_column(sa.String(120), default="", server_default="")

    workshop: so.Mapped[Workshop] = so.relationship(back_populates="groups")

    __table_args__ = (
        sa.UniqueConstraint("workshop_id", "key"),
        sa.CheckConstraint("weight >= 0", name="weight_not_negative"),
    )


class Item(db.Model):
    """Something to prioritise: a constraint or a candidate sector."""

    __tablename__ = "item"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default=ItemKind.constraint.value)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: The title in the workshop's second language, shown side by side with `title`.
    title_2: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Short facts and an optional link, shown on phones before rating.
    evidence: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    category: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    #: Who could act on it (PACA): local, regional, national or international; empty when not set.
    locus: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)

    workshop: so.Mapped[Workshop] = so.relationship(back_populates="items")

    __table_args__ = (
        sa.UniqueConstraint("workshop_id", "key"),
        sa.CheckConstraint("kind IN ('constraint', 'sector')", name="kind_known"),
    )


class Activity(db.Model):
    """One prioritisation exercise of a workshop (a matrix, a scale...).

    Type-specific settings (axes, scale, budget, criteria, quadrant names) live in `settings`, a JSON
    document validated by the workshop service, so new activity types need no schema change.
    """

    __tablename__ = "activity"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40))
    type: so.Mapped[str] = so.mapped_column(sa.String(20))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default=ActivityState.pending.value)
    settings: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    #: Voting round (a Delphi re-vote starts round 2); responses are kept per round.
    round: so.Mapped[int] = so.mapped_column(default=1)
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: How many times its answers were reset (a rehearsal run); cached results of earlier rounds carry it.
    resets: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    opened_at: so.Mapped[datetime | None] = so.mapped_column()
    closed_at: so.Mapped[datetime | None] = so.mapped_column()

    workshop: so.Mapped[Workshop] = so.relationship(back_populates="activities")
    activity_items: so.Mapped[list[ActivityItem]] = so.relationship(
        order_by="ActivityItem.position", cascade="all, delete-orphan"
    )
    #: Delphi rounds that asked only some of the items (rounds without a row ask every item).
    delphi_rounds: so.Mapped[list[DelphiRound]] = so.relationship(
        order_by="DelphiRound.round", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.UniqueConstraint("workshop_id", "key"),
        sa.CheckConstraint("state IN ('pending', 'open', 'closed')", name="state_known"),
    )

    @property
    def items(self) -> list[Item]:
        return [ai.item for ai in self.activity_items]

    @property
    def is_open(self) -> bool:
        return self.state == ActivityState.open.value

    def items_in_round(self, round_: int) -> list[Item]:
        """The items round `round_` asked: all of them, unless the round was started on the unconverged ones."""
        for entry in self.delphi_rounds:
            if entry.round == round_:
                keys = set(entry.items or [])
                return [i for i in self.items if i.key in keys]
        return self.items

    @property
    def round_items(self) -> list[Item]:
        """What phones, paper ballots and the API accept in the current round."""
        return self.items_in_round(self.round or 1)


class DelphiRound(db.Model):
    """A Delphi round started on the items that had not reached consensus: which items it asks, and the rule
    (criterion and threshold) that dropped the others on the previous round's figures."""

    __tablename__ = "delphi_round"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    round: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    #: Item keys asked in this round, in the activity's order.
    items: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: `consensus` (rated types: Tastle–Wierman on every axis) or `iqr` (rankings: spread of positions).
    criterion: so.Mapped[str] = so.mapped_column(sa.String(20))
    threshold: so.Mapped[float] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class ActivityItem(db.Model):
    """Which items an activity asks about, in the author's order."""

    __tablename__ = "activity_item"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    position: so.Mapped[int] = so.mapped_column(default=0)

    item: so.Mapped[Item] = so.relationship(lazy="joined")


class Participant(db.Model):
    """An anonymous phone (or a paper ballot) in a stakeholder group; known only by a pseudonym."""

    __tablename__ = "participant"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stakeholder_group.id", ondelete="CASCADE"))
    pseudonym: so.Mapped[str] = so.mapped_column(sa.String(12))
    token_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: `phone` or `paper` (votes entered by the facilitator for someone without a phone).
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="phone")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Digest of the phone's device id (cookie or API `device`): the same phone gets this participant back.
    device_digest: so.Mapped[str | None] = so.mapped_column(sa.String(64))

    workshop: so.Mapped[Workshop] = so.relationship(back_populates="participants")
    group: so.Mapped[StakeholderGroup] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("workshop_id", "pseudonym"),
                      sa.UniqueConstraint("workshop_id", "device_digest"))


class Response(db.Model):
    """One saved value: a participant's answer for one item on one dimension (axis, criterion...).

    `value` is NULL for "don't know": stored and counted as an abstention, never as a number.
    """

    __tablename__ = "response"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"))
    dimension: so.Mapped[str] = so.mapped_column(sa.String(40))
    value: so.Mapped[int | None] = so.mapped_column()
    round: so.Mapped[int] = so.mapped_column(default=1)
    submitted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    participant: so.Mapped[Participant] = so.relationship()
    item: so.Mapped[Item] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("activity_id", "round", "participant_id", "item_id", "dimension"),
        sa.Index("ix_response_activity_round", "activity_id", "round"),
        # Covering index for results of the ballot types (points, ranking): one round's ballots in participant
        # order, read from the index alone (services/tally.ballot_rows).
        sa.Index("ix_response_ballot", "activity_id", "round", "dimension", "participant_id", "value", "item_id"),
    )


class Tally(db.Model):
    """Counts derived from `response`, kept in step in the same transaction as every response write.

    Results read these few hundred rows instead of grouping every saved value, so a recompute costs the same
    for 20 or 2,000 people. Kinds (unused key parts are 0 / ''):
    `value` (item, dimension, value): non-null values; `dk` (item, dimension): "don't know" answers;
    `item` (item): participants with any non-null value for the item; `resp`: participants with any row.
    Rows that fall to 0 are kept (so concurrent writers only ever update in place); readers skip them.
    `tally.rebuild` recomputes them from `response` for repair.
    """

    __tablename__ = "tally"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    round: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("stakeholder_group.id", ondelete="CASCADE"), primary_key=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)
    #: No foreign key: 0 stands for "not per item" (an item removed later cascades its responses, not this).
    item_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    dimension: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    value: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    n: so.Mapped[int] = so.mapped_column(default=0)


class ProposalKind(enum.StrEnum):
    constraint = "constraint"
    sector = "sector"
    outlier_firm = "outlier_firm"


class ProposalStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    merged = "merged"
    rejected = "rejected"


class Proposal(db.Model):
    """Something a participant says is missing: a constraint, a sector or an outlier firm.

    The facilitator approves it (it becomes an item that can join the next activity), merges it into an existing
    item, or rejects it. Only the group is reported, never who proposed it.
    """

    __tablename__ = "proposal"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    participant_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stakeholder_group.id", ondelete="SET NULL"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default=ProposalKind.constraint.value)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=ProposalStatus.pending.value)
    #: The item it became (approved) or was merged into (merged).
    item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("item.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column()

    group: so.Mapped[StakeholderGroup | None] = so.relationship()
    item: so.Mapped[Item | None] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('constraint', 'sector', 'outlier_firm')", name="proposal_kind_known"),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'merged', 'rejected')", name="proposal_status_known"
        ),
    )


class Action(db.Model):
    """A next step agreed for an item of the top priority quadrant: who, by when, and what."""

    __tablename__ = "action"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"))
    owner: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    due_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    activity: so.Mapped[Activity] = so.relationship()
    item: so.Mapped[Item] = so.relationship()


class WorkshopTemplate(db.Model):
    """A facilitator's own template: a workshop definition (contract shape) cloned from the library or saved
    from a workshop. Workshops created from it carry its `key` in `Workshop.template_key`, which is what the
    comparison across workshops matches on."""

    __tablename__ = "workshop_template"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    definition: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    #: The library template or workshop it started from, for the facilitator's orientation.
    source: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    owner: so.Mapped[User] = so.relationship()


class SeatCode(db.Model):
    """A one-time code printed on a card: it lets one person in (optionally into a given group), once."""

    __tablename__ = "seat_code"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(16))
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stakeholder_group.id", ondelete="SET NULL"))
    participant_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("participant.id", ondelete="SET NULL"))
    revoked: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    used_at: so.Mapped[datetime | None] = so.mapped_column()

    group: so.Mapped[StakeholderGroup | None] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("workshop_id", "code"),)


class JoinSignal(db.Model):
    """A count of one kind of suspicious join event per workshop, group and minute (never who)."""

    __tablename__ = "join_signal"

    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"),
                                                   primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(24), primary_key=True)
    #: The group concerned ('' when none, e.g. a wrong passcode typed before a group was chosen).
    group_key: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    #: The minute it happened (UTC, seconds cut off), so a flood adds to one row instead of many.
    minute: so.Mapped[datetime] = so.mapped_column(primary_key=True)
    n: so.Mapped[int] = so.mapped_column(default=0)


class WorkshopRole(enum.StrEnum):
    """What a member may do in one workshop; the owner (`Workshop.owner_id`) is not stored here."""

    co_facilitator = "co_facilitator"
    observer = "observer"


class WorkshopMember(db.Model):
    """A facilitator account given a role in someone else's workshop."""

    __tablename__ = "workshop_member"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    added_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user: so.Mapped[User] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("workshop_id", "user_id", name="uq_workshop_member"),
        sa.CheckConstraint("role IN ('co_facilitator', 'observer')", name="workshop_member_role"),
    )


class Invitation(db.Model):
    """A single-use link an administrator hands to a new facilitator; only its digest is kept."""

    __tablename__ = "invitation"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    note: so.Mapped[str] = so.mapped_column(sa.String(120), default="", server_default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column()
    used_at: so.Mapped[datetime | None] = so.mapped_column()
    used_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column()


class LoginFailure(db.Model):
    """One failed sign-in, counted per account and client for throttling; rows older than a day are purged."""

    __tablename__ = "login_failure"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    client: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)


class AuditEntry(db.Model):
    """Who did what to a workshop's data, and when (removals, deletions, purges, retention changes).

    No foreign keys: an entry outlives the workshop it speaks of (a deletion is itself audited), so the
    workshop's title and owner are copied in. Never holds a participant's votes, only counts and pseudonyms.
    """

    __tablename__ = "audit_entry"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    workshop_id: so.Mapped[int | None] = so.mapped_column(index=True)
    workshop_title: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: The facilitator whose workshop it is, so they see its entries even after the workshop is gone.
    owner_id: so.Mapped[int | None] = so.mapped_column(index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column()
    #: The actor's e-mail address, or `system` for the retention purge and the command line.
    actor: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    details: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)


class RoomRelease(db.Model):
    """How far the room's view of one activity round has advanced (docs/anonymity.md).

    Everything a non-owner sees (screen, its socket, the screen-token API and charts, the phones' Delphi
    feedback) is computed from the released answers only; `seq` counts the releases, `final` marks an earlier
    round whose last release has been made (it can no longer change). One row per activity round, also the row
    that serialises releases across server processes.
    """

    __tablename__ = "room_release"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    round: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    seq: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    final: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    released_at: so.Mapped[datetime | None] = so.mapped_column()


class RoomAnswer(db.Model):
    """A participant's answer as the room was last shown it (a copy of a `response` row at a release).

    No foreign key to the participant: if one goes, their released rows stay until the next release of their
    group removes them, so the released tallies never drift from these rows. `group_id` is kept for the same
    reason."""

    __tablename__ = "room_answer"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    round: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    participant_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    item_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    dimension: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column()
    value: so.Mapped[int | None] = so.mapped_column()
    #: The release (`RoomRelease.seq`) that set this participant's released answers: the participants of one
    #: group released together form a batch, which later releases may split only into parts of at least k.
    batch: so.Mapped[int] = so.mapped_column(default=0, server_default="0")


class RoomTally(db.Model):
    """`Tally`, over the released answers: what the room's rating figures are computed from."""

    __tablename__ = "room_tally"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    round: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    group_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)
    item_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    dimension: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    value: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    n: so.Mapped[int] = so.mapped_column(default=0, server_default="0")


# --- the workshop's revision ------------------------------------------------------------------------------------

#: What a ballot is validated against: any change to these moves the workshop's revision (`Workshop.revision`).
_DEFINITION = (Workshop, StakeholderGroup, Item, Activity, ActivityItem, DelphiRound)


@sa.event.listens_for(so.Session, "after_flush")
def _move_revisions(session: so.Session, _context: Any) -> None:
    """In the flush's own transaction, so the new revision commits (or rolls back) with the change itself."""
    workshop_ids: set[int] = set()
    activity_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, _DEFINITION):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Workshop):
            if obj not in session.new:
                workshop_ids.add(obj.id)
        elif isinstance(obj, (ActivityItem, DelphiRound)):
            activity_ids.add(obj.activity_id)
        elif obj.workshop_id is not None:
            workshop_ids.add(obj.workshop_id)
    connection = session.connection()
    if activity_ids:
        workshop_ids.update(connection.execute(
            sa.select(Activity.__table__.c.workshop_id).where(Activity.__table__.c.id.in_(activity_ids))).scalars())
    if workshop_ids:
        table = Workshop.__table__
        connection.execute(sa.update(table).where(table.c.id.in_(sorted(workshop_ids)))
                           .values(revision=table.c.revision + 1))
