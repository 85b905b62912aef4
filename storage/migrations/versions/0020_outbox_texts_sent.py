"""an index for counting the texts sent since a moment (the day's cap, asked before each text),
which otherwise read the whole outbox each time

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_outbox_texts_sent', 'outbox', ['channel', 'sent_at'])


def downgrade() -> None:
    op.drop_index('ix_outbox_texts_sent', table_name='outbox')
