"""Presenter pace, the facilitator's remote, proposal settings

Revision ID: c0a1d2e3f406
Revises: c0a1d2e3f405
Create Date: 2026-12-02 13:06:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f406'
down_revision = 'c0a1d2e3f405'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pace', sa.String(length=10), server_default='self', nullable=False))
        batch_op.add_column(sa.Column('pace_activity', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pace_item', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('proposals_open', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('proposal_limit', sa.Integer(), server_default='10', nullable=False))


def downgrade():
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('proposal_limit')
        batch_op.drop_column('proposals_open')
        batch_op.drop_column('pace_item')
        batch_op.drop_column('pace_activity')
        batch_op.drop_column('pace')
