"""The data's whole life: retention, consent notice, audit log

Revision ID: c0a1d2e3f403
Revises: c0a1d2e3f402
Create Date: 2026-12-02 13:03:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f403'
down_revision = 'c0a1d2e3f402'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
