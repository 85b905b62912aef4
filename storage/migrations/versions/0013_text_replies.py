"""text replies: a coordinator's words to someone who texted us, pointed at by their notice

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'text_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inbound_text_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('sent_by', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['inbound_text_id'], ['inbound_texts.id'],
                                name=op.f('fk_text_replies_inbound_text_id_inbound_texts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                                name=op.f('fk_text_replies_member_id_members'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_text_replies')),
    )
    with op.batch_alter_table('text_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_text_replies_inbound_text_id'), ['inbound_text_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_text_replies_member_id'), ['member_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('text_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_text_replies_member_id'))
        batch_op.drop_index(batch_op.f('ix_text_replies_inbound_text_id'))
    op.drop_table('text_replies')
