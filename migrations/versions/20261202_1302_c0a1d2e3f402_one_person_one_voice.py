"""One person, one voice: device binding, workshop passcode, seat codes, expected headcount

Revision ID: c0a1d2e3f402
Revises: c0a1d2e3f401
Create Date: 2026-12-02 13:02:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f402'
down_revision = 'c0a1d2e3f401'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
