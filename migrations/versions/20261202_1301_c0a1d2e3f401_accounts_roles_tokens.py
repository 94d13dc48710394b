"""Accounts with roles: administrator, invitations, workshop members, token expiry, login throttling

Revision ID: c0a1d2e3f401
Revises: e5a7c3f1b9d2
Create Date: 2026-12-02 13:01:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f401'
down_revision = 'e5a7c3f1b9d2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
