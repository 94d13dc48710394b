"""stakeholder_group.observer: observers get weight 0 under the `equal` weighting preset

Revision ID: b7e1c2d3a4f5
Revises: ac28d2eb1b75
Create Date: 2026-11-29 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c2d3a4f5'
down_revision = 'ac28d2eb1b75'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stakeholder_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observer', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('stakeholder_group', schema=None) as batch_op:
        batch_op.drop_column('observer')
