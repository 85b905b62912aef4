"""each member's communication profile: easy read or standard, words for screen readers, and
the hours they'd rather not be messaged

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


# Plain ADD and DROP COLUMN, not a batch: SQLite (3.35 and later) does both in place, where a
# batch would rebuild `members` under every table that refers to it.
def upgrade() -> None:
    op.add_column('members', sa.Column('reading', sa.Enum('standard', 'easy_read', name='reading', native_enum=False, length=10), server_default='standard', nullable=False))
    op.add_column('members', sa.Column('screen_reader', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('members', sa.Column('quiet_from', sa.Time(), nullable=True))
    op.add_column('members', sa.Column('quiet_until', sa.Time(), nullable=True))


def downgrade() -> None:
    for column in ('quiet_until', 'quiet_from', 'screen_reader', 'reading'):
        op.drop_column('members', column)
