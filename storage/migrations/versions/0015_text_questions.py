"""text questions and recorded answers: the numbered question last texted to a member, and
who recorded a meeting answer given by phone or in person

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'text_questions',
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('going', sa.Boolean(), nullable=False),
        sa.Column('choices', sa.String(length=250), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                                name=op.f('fk_text_questions_member_id_members'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('member_id', name=op.f('pk_text_questions')),
    )
    with op.batch_alter_table('meeting_rsvps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meeting_rsvps', schema=None) as batch_op:
        batch_op.drop_column('recorded_by')
    op.drop_table('text_questions')
