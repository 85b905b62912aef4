"""state shared by every process: which one schedules and when its dispatcher last ran (for
/healthz and `coprod status`), and wrong case codes counted across processes; an outbox target
long enough for an update of any copy ("outbox:" and a key of up to 200 characters)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite doesn't enforce a VARCHAR's length, and rebuilding the table there would drop it
    # under its foreign keys (outbox_concerns): only other databases need the change.
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('outbox', 'target', existing_type=sa.String(length=64),
                        type_=sa.String(length=210), existing_nullable=False)
    op.create_table('case_code_misses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asker_digest', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_code_misses'))
    )
    with op.batch_alter_table('case_code_misses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_code_misses_asker_digest'), ['asker_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_code_misses_at'), ['at'], unique=False)

    op.create_table('scheduler_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('held_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_dispatch_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_state'))
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('outbox', 'target', existing_type=sa.String(length=210),
                        type_=sa.String(length=64), existing_nullable=False)
    op.drop_table('scheduler_state')
    with op.batch_alter_table('case_code_misses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_code_misses_at'))
        batch_op.drop_index(batch_op.f('ix_case_code_misses_asker_digest'))

    op.drop_table('case_code_misses')
