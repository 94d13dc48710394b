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
    pass


def downgrade():
    pass
