"""Proposals from phones, actions from the top quadrant, facilitators' own templates; item second-language
title and evidence; workshop second language

Revision ID: e5a7c3f1b9d2
Revises: d9492f396dbd
Create Date: 2026-11-29 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c3f1b9d2'
down_revision = 'd9492f396dbd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_language', sa.String(length=12), server_default='', nullable=False))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_2', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('evidence', sa.Text(), server_default='', nullable=False))

    op.create_table(
        'proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('constraint', 'sector', 'outlier_firm')",
                           name=op.f('ck_proposal_proposal_kind_known')),
        sa.CheckConstraint("status IN ('pending', 'approved', 'merged', 'rejected')",
                           name=op.f('ck_proposal_proposal_status_known')),
        sa.ForeignKeyConstraint(['group_id'], ['stakeholder_group.id'],
                                name=op.f('fk_proposal_group_id_stakeholder_group'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_proposal_item_id_item'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'],
                                name=op.f('fk_proposal_participant_id_participant'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_proposal_workshop_id_workshop'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_workshop_id'), ['workshop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_participant_id'), ['participant_id'], unique=False)

    op.create_table(
        'action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=120), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_action_activity_id_activity'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_action_item_id_item'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_action_workshop_id_workshop'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action')),
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_workshop_id'), ['workshop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_activity_id'), ['activity_id'], unique=False)

    op.create_table(
        'workshop_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('definition', sa.JSON(), nullable=False),
        sa.Column('source', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'],
                                name=op.f('fk_workshop_template_owner_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_template')),
        sa.UniqueConstraint('key', name=op.f('uq_workshop_template_key')),
    )
    with op.batch_alter_table('workshop_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_template_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('workshop_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_template_owner_id'))
    op.drop_table('workshop_template')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_activity_id'))
        batch_op.drop_index(batch_op.f('ix_action_workshop_id'))
    op.drop_table('action')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_participant_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_workshop_id'))
    op.drop_table('proposal')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('evidence')
        batch_op.drop_column('title_2')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('second_language')
