"""sessions and rota

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('session_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('repeat', sa.Enum('none', 'weekly', 'fortnightly', name='repeat', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('kind', sa.Enum('peer_group', 'drop_in', 'workshop', 'training', 'other', name='sessionkind', native_enum=False, length=20), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('facilitators_needed', sa.Integer(), nullable=False),
    sa.Column('trained_needed', sa.Integer(), nullable=False),
    sa.Column('facilitator_places', sa.Integer(), nullable=False),
    sa.Column('participant_capacity', sa.Integer(), nullable=True),
    sa.Column('made_until', sa.Date(), nullable=False),
    sa.Column('ended', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_series'))
    )
    op.create_table('group_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('kind', sa.Enum('peer_group', 'drop_in', 'workshop', 'training', 'other', name='sessionkind', native_enum=False, length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('facilitators_needed', sa.Integer(), nullable=False),
    sa.Column('trained_needed', sa.Integer(), nullable=False),
    sa.Column('facilitator_places', sa.Integer(), nullable=False),
    sa.Column('participant_capacity', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['session_series.id'], name=op.f('fk_group_sessions_series_id_session_series'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_sessions'))
    )
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_sessions_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_sessions_starts_at'), ['starts_at'], unique=False)

    op.create_table('debrief_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('arranged_by', sa.String(length=32), nullable=True),
    sa.Column('arranged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_debrief_requests_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['group_sessions.id'], name=op.f('fk_debrief_requests_session_id_group_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debrief_requests')),
    sa.UniqueConstraint('session_id', 'member_id', name=op.f('uq_debrief_requests_session_id'))
    )
    with op.batch_alter_table('debrief_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debrief_requests_session_id'), ['session_id'], unique=False)

    op.create_table('session_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_session_attendees_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['group_sessions.id'], name=op.f('fk_session_attendees_session_id_group_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_attendees')),
    sa.UniqueConstraint('session_id', 'member_id', name=op.f('uq_session_attendees_session_id'))
    )
    with op.batch_alter_table('session_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_attendees_session_id'), ['session_id'], unique=False)

    op.create_table('session_facilitators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_session_facilitators_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['group_sessions.id'], name=op.f('fk_session_facilitators_session_id_group_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_facilitators')),
    sa.UniqueConstraint('session_id', 'member_id', name=op.f('uq_session_facilitators_session_id'))
    )
    with op.batch_alter_table('session_facilitators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_facilitators_session_id'), ['session_id'], unique=False)

    op.create_table('session_waiting_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_session_waiting_list_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['group_sessions.id'], name=op.f('fk_session_waiting_list_session_id_group_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_waiting_list')),
    sa.UniqueConstraint('session_id', 'member_id', name=op.f('uq_session_waiting_list_session_id'))
    )
    with op.batch_alter_table('session_waiting_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_waiting_list_session_id'), ['session_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('session_waiting_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_waiting_list_session_id'))

    op.drop_table('session_waiting_list')
    with op.batch_alter_table('session_facilitators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_facilitators_session_id'))

    op.drop_table('session_facilitators')
    with op.batch_alter_table('session_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_attendees_session_id'))

    op.drop_table('session_attendees')
    with op.batch_alter_table('debrief_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debrief_requests_session_id'))

    op.drop_table('debrief_requests')
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_sessions_starts_at'))
        batch_op.drop_index(batch_op.f('ix_group_sessions_series_id'))

    op.drop_table('group_sessions')
    op.drop_table('session_series')

