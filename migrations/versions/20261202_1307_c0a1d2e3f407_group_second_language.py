"""Second-language group names

Revision ID: c0a1d2e3f407
Revises: c0a1d2e3f406
Create Date: 2026-12-02 13:07:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f407'
down_revision = 'c0a1d2e3f406'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stakeholder_group") as batch:
        batch.add_column(sa.Column("name_2", sa.String(length=120), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("stakeholder_group") as batch:
        batch.drop_column("name_2")
