"""Delphi rounds on the items without consensus; activity resets

Revision ID: c0a1d2e3f405
Revises: c0a1d2e3f404
Create Date: 2026-12-02 13:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f405'
down_revision = 'c0a1d2e3f404'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resets', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'delphi_round',
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('criterion', sa.String(length=20), nullable=False),
        sa.Column('threshold', sa.Double(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('activity_id', 'round'),
    )


def downgrade():
    op.drop_table('delphi_round')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('resets')
