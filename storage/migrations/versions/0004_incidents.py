"""incidents

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('safeguarding', 'crisis_disclosure', 'guideline_breach', 'harassment', 'boundary', 'gift', 'other', name='incidentkind', native_enum=False, length=20), nullable=False),
    sa.Column('severity', sa.Enum('low', 'moderate', 'serious', name='severity', native_enum=False, length=20), nullable=False),
    sa.Column('route', sa.Enum('safeguarding', 'coordinators', 'hr', name='incidentroute', native_enum=False, length=20), nullable=False),
    sa.Column('danger', sa.Boolean(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('done_already', sa.Text(), nullable=False),
    sa.Column('message_ref', sa.String(length=80), nullable=True),
    sa.Column('reporter_slack_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'acknowledged', 'resolved', name='incidentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('next_escalation_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=32), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=32), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['group_sessions.id'], name=op.f('fk_incidents_session_id_group_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_next_escalation_at'), ['next_escalation_at'], unique=False)

    op.create_table('incident_people',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_people_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_incident_people_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'member_id', name=op.f('pk_incident_people'))
    )
    with op.batch_alter_table('incident_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_people_member_id'), ['member_id'], unique=False)

    op.create_table('incident_recipients',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_recipients_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'slack_user_id', name=op.f('pk_incident_recipients'))
    )
    op.create_table('incident_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('actor_slack_id', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_steps_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_steps'))
    )
    with op.batch_alter_table('incident_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_steps_incident_id'), ['incident_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('incident_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_steps_incident_id'))

    op.drop_table('incident_steps')
    op.drop_table('incident_recipients')
    with op.batch_alter_table('incident_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_people_member_id'))

    op.drop_table('incident_people')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_next_escalation_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_created_at'))

    op.drop_table('incidents')

