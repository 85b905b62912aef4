"""requests (debriefs, presenting to trustees) share one workflow's statuses

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('debrief_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum(
            'requested', 'acknowledged', 'arranged', 'declined', name='requeststatus',
            native_enum=False, length=20), nullable=False, server_default='requested'))
    op.execute("UPDATE debrief_requests SET status = 'arranged' WHERE arranged_at IS NOT NULL")
    with op.batch_alter_table('debrief_requests', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
    op.execute("UPDATE present_requests SET status = 'arranged' WHERE status = 'accepted'")
    op.execute("UPDATE present_requests SET status = 'declined' WHERE status = 'another_date'")
    with op.batch_alter_table('present_requests', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=20), type_=sa.Enum(
            'requested', 'acknowledged', 'arranged', 'declined', name='requeststatus',
            native_enum=False, length=20), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('present_requests', schema=None) as batch_op:
        batch_op.alter_column('status', type_=sa.String(length=20), existing_nullable=False)
    op.execute("UPDATE present_requests SET status = 'accepted' WHERE status = 'arranged'")
    op.execute("UPDATE present_requests SET status = 'another_date' WHERE status = 'declined'")
    # Values the old code cannot load: its requests to present were requested, accepted or
    # another_date, and its MeetingStatus was not_asked, requested, acknowledged or arranged.
    op.execute("UPDATE present_requests SET status = 'requested' WHERE status = 'acknowledged'")
    op.execute("UPDATE feedback_cases SET meeting = 'acknowledged' WHERE meeting = 'declined'")
    with op.batch_alter_table('debrief_requests', schema=None) as batch_op:
        batch_op.drop_column('status')
