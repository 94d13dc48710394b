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
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('consent_required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('draft_of', sa.String(length=40), nullable=True))

    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=True),
        sa.Column('workshop_title', sa.String(length=200), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_workshop_id'), ['workshop_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_owner_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
    op.drop_table('audit_entry')

    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('draft_of')
        batch_op.drop_column('retention_days')
        batch_op.drop_column('consent_required')
        batch_op.drop_column('consent_text')
