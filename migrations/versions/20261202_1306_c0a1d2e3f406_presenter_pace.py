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
    pass


def downgrade():
    pass
