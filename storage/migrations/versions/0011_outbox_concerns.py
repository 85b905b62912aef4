"""outbox: the members each notice is to or about

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox_concerns',
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'],
                                name=op.f('fk_outbox_concerns_outbox_id_outbox'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('outbox_id', 'member_id', name=op.f('pk_outbox_concerns')),
    )
    with op.batch_alter_table('outbox_concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_concerns_member_id'), ['member_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_concerns_member_id'))
    op.drop_table('outbox_concerns')
