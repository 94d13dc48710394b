"""Workshop revision (what the vote path caches) and the pseudonym counter

Revision ID: c0a1d2e3f408
Revises: c0a1d2e3f407
Create Date: 2026-12-02 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f408'
down_revision = 'c0a1d2e3f407'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("participant_seq", sa.Integer(), nullable=False, server_default="0"))
    # The counter starts after the highest pseudonym number given so far (P001, P002, ...), so no
    # pseudonym is handed out twice; a workshop without participants starts at 0.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT workshop_id, pseudonym FROM participant")).all()
    highest: dict[int, int] = {}
    for workshop_id, pseudonym in rows:
        digits = (pseudonym or "")[1:]
        if digits.isdigit():
            highest[workshop_id] = max(highest.get(workshop_id, 0), int(digits))
    for workshop_id, number in highest.items():
        connection.execute(sa.text("UPDATE workshop SET participant_seq = :n WHERE id = :id"),
                           {"n": number, "id": workshop_id})


def downgrade():
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("participant_seq")
        batch.drop_column("revision")
