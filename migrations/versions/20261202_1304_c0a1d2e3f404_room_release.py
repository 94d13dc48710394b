"""Anonymity: what the room has been shown, per activity and round

Revision ID: c0a1d2e3f404
Revises: c0a1d2e3f403
Create Date: 2026-12-02 13:04:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f404'
down_revision = 'c0a1d2e3f403'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "room_release",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), server_default="0", nullable=False),
        sa.Column("final", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], name=op.f("fk_room_release_activity_id_activity"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("activity_id", "round", name=op.f("pk_room_release")),
    )
    op.create_table(
        "room_answer",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("batch", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], name=op.f("fk_room_answer_activity_id_activity"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("activity_id", "round", "participant_id", "item_id", "dimension",
                                name=op.f("pk_room_answer")),
    )
    op.create_table(
        "room_tally",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], name=op.f("fk_room_tally_activity_id_activity"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("activity_id", "round", "group_id", "kind", "item_id", "dimension", "value",
                                name=op.f("pk_room_tally")),
    )


def downgrade():
    op.drop_table("room_tally")
    op.drop_table("room_answer")
    op.drop_table("room_release")
