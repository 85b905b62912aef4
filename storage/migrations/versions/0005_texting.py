"""texting

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('unknown_numbers',
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('last_answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('phone', name=op.f('pk_unknown_numbers'))
    )
    op.create_table('inbound_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_inbound_texts_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_texts'))
    )
    with op.batch_alter_table('inbound_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_texts_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rsvp_for', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('provider_status', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_delivered_ref'), ['delivered_ref'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_delivered_ref'))
        batch_op.drop_column('provider_status')
        batch_op.drop_column('rsvp_for')

    with op.batch_alter_table('inbound_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_texts_member_id'))

    op.drop_table('inbound_texts')
    op.drop_table('unknown_numbers')

