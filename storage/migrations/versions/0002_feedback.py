"""feedback cases

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('feedback_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('compliment', 'suggestion', 'complaint', 'concern', 'between_people', name='feedbackkind', native_enum=False, length=20), nullable=False),
    sa.Column('topic', sa.Enum('session', 'service', 'team_member', 'other', name='feedbacktopic', native_enum=False, length=20), nullable=False),
    sa.Column('about_slack_id', sa.String(length=32), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('submitter_slack_id', sa.String(length=32), nullable=True),
    sa.Column('wants_acknowledgement', sa.Boolean(), nullable=False),
    sa.Column('testimony_consent', sa.Boolean(), nullable=False),
    sa.Column('meeting', sa.Enum('not_asked', 'requested', 'acknowledged', 'arranged', name='meetingstatus', native_enum=False, length=20), nullable=False),
    sa.Column('route', sa.Enum('coordinators', 'hr', name='feedbackroute', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('new', 'acknowledged', 'resolved', name='feedbackstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_cases')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_feedback_cases_code_hash'))
    )
    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_cases_created_at'), ['created_at'], unique=False)

    op.create_table('feedback_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=40), nullable=False),
    sa.Column('actor_slack_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['feedback_cases.id'], name=op.f('fk_feedback_events_case_id_feedback_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_events'))
    )
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_events_case_id'), ['case_id'], unique=False)

    op.create_table('feedback_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_team', sa.Boolean(), nullable=False),
    sa.Column('author_slack_id', sa.String(length=32), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['feedback_cases.id'], name=op.f('fk_feedback_messages_case_id_feedback_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_messages'))
    )
    with op.batch_alter_table('feedback_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_messages_case_id'), ['case_id'], unique=False)

    op.create_table('feedback_recipients',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['feedback_cases.id'], name=op.f('fk_feedback_recipients_case_id_feedback_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'slack_user_id', name=op.f('pk_feedback_recipients'))
    )



def downgrade() -> None:

    op.drop_table('feedback_recipients')
    with op.batch_alter_table('feedback_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_messages_case_id'))

    op.drop_table('feedback_messages')
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_events_case_id'))

    op.drop_table('feedback_events')
    with op.batch_alter_table('feedback_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_cases_created_at'))

    op.drop_table('feedback_cases')

