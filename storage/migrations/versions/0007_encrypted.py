"""encrypted outbox payloads

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Encrypted values are Fernet tokens in text columns. PostgreSQL needs telling how to turn
    # the old JSON into text; values written before are read back as they are (legacy plain).
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("payload", existing_type=sa.JSON(), type_=sa.Text(),
                              existing_nullable=False, postgresql_using="payload::text")
    with op.batch_alter_table("present_requests", schema=None) as batch_op:
        batch_op.alter_column("subject", existing_type=sa.String(length=300), type_=sa.Text(),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("present_requests", schema=None) as batch_op:
        batch_op.alter_column("subject", existing_type=sa.Text(), type_=sa.String(length=300),
                              existing_nullable=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("payload", existing_type=sa.Text(), type_=sa.JSON(),
                              existing_nullable=False, postgresql_using="payload::json")
