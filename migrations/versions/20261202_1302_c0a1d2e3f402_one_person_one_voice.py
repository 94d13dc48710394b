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
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passcode', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('seat_codes_required', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_digest', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_participant_workshop_id_device_digest',
                                          ['workshop_id', 'device_digest'])
    op.create_table(
        'seat_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('revoked', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name='fk_seat_code_workshop_id_workshop',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['stakeholder_group.id'],
                                name='fk_seat_code_group_id_stakeholder_group', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name='fk_seat_code_participant_id_participant', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_seat_code'),
        sa.UniqueConstraint('workshop_id', 'code', name='uq_seat_code_workshop_id_code'),
    )
    with op.batch_alter_table('seat_code', schema=None) as batch_op:
        batch_op.create_index('ix_seat_code_workshop_id', ['workshop_id'], unique=False)
    op.create_table(
        'join_signal',
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('group_key', sa.String(length=40), nullable=False),
        sa.Column('minute', sa.DateTime(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name='fk_join_signal_workshop_id_workshop',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('workshop_id', 'kind', 'group_key', 'minute', name='pk_join_signal'),
    )


def downgrade():
    op.drop_table('join_signal')
    with op.batch_alter_table('seat_code', schema=None) as batch_op:
        batch_op.drop_index('ix_seat_code_workshop_id')
    op.drop_table('seat_code')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_constraint('uq_participant_workshop_id_device_digest', type_='unique')
        batch_op.drop_column('device_digest')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('seat_codes_required')
        batch_op.drop_column('passcode')
