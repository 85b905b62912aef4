"""incident outcomes: what was done, referrals, follow-ups, the s42 questions, serious
incidents for the trustees, and breach follow-ups as tasks

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('breach_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('none', 'talk_it_through', 'hiatus_review', name='breachstep', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('requested', 'acknowledged', 'arranged', 'declined', name='requeststatus', native_enum=False, length=20), nullable=False),
    sa.Column('acted_by', sa.String(length=32), nullable=True),
    sa.Column('outcome', sa.Enum('talked', 'no_break', 'break_agreed', 'not_going_ahead', name='breachoutcome', native_enum=False, length=20), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_breach_tasks_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_breach_tasks_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach_tasks'))
    )
    with op.batch_alter_table('breach_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_tasks_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_tasks_member_id'), ['member_id'], unique=False)

    op.create_table('incident_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('assignee_slack_id', sa.String(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', name='followupstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_by', sa.String(length=32), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_follow_ups_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_follow_ups'))
    )
    with op.batch_alter_table('incident_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_follow_ups_assignee_slack_id'), ['assignee_slack_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_follow_ups_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_follow_ups_next_reminder_at'), ['next_reminder_at'], unique=False)

    op.create_table('incident_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=32), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('what_was_done', sa.Text(), nullable=False),
    sa.Column('spoken', sa.Enum('yes', 'not_possible', 'no', name='spoken', native_enum=False, length=20), nullable=False),
    sa.Column('views_and_wishes', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_outcomes_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_outcomes'))
    )
    with op.batch_alter_table('incident_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_outcomes_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_s42_checks',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('care_needs', sa.Enum('yes', 'no', 'not_sure', name='answer', native_enum=False, length=20), nullable=False),
    sa.Column('abuse_or_neglect', sa.Enum('yes', 'no', 'not_sure', name='answer', native_enum=False, length=20), nullable=False),
    sa.Column('cannot_protect', sa.Enum('yes', 'no', 'not_sure', name='answer', native_enum=False, length=20), nullable=False),
    sa.Column('decision', sa.Enum('refer', 'not_refer', name='s42decision', native_enum=False, length=20), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=32), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_s42_checks_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', name=op.f('pk_incident_s42_checks'))
    )
    op.create_table('serious_incidents',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('harms', sa.String(length=120), nullable=False),
    sa.Column('marked_by', sa.String(length=32), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.String(length=32), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.Enum('reported', 'not_reported', name='charitydecision', native_enum=False, length=20), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_serious_incidents_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', name=op.f('pk_serious_incidents'))
    )
    with op.batch_alter_table('serious_incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serious_incidents_next_reminder_at'), ['next_reminder_at'], unique=False)

    op.create_table('incident_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('agency', sa.Enum('emergency_999', 'crisis_team', 'gp', 'adult_safeguarding', 'police', name='agency', native_enum=False, length=30), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=32), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_referrals_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['incident_outcomes.id'], name=op.f('fk_incident_referrals_outcome_id_incident_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_referrals'))
    )
    with op.batch_alter_table('incident_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_referrals_incident_id'), ['incident_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('incident_referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_referrals_incident_id'))

    op.drop_table('incident_referrals')
    with op.batch_alter_table('serious_incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serious_incidents_next_reminder_at'))

    op.drop_table('serious_incidents')
    op.drop_table('incident_s42_checks')
    with op.batch_alter_table('incident_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_outcomes_incident_id'))

    op.drop_table('incident_outcomes')
    with op.batch_alter_table('incident_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_follow_ups_next_reminder_at'))
        batch_op.drop_index(batch_op.f('ix_incident_follow_ups_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_follow_ups_assignee_slack_id'))

    op.drop_table('incident_follow_ups')
    with op.batch_alter_table('breach_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_tasks_member_id'))
        batch_op.drop_index(batch_op.f('ix_breach_tasks_incident_id'))

    op.drop_table('breach_tasks')

