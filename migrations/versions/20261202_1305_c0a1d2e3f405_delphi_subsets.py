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
    pass


def downgrade():
    pass
