"""The Alembic migrations build exactly the tables the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, String, inspect

from storage.models import Base


def _same_type(context: MigrationContext, inspected_column: Any, metadata_column: Any,
               inspected_type: Any, metadata_type: Any) -> bool | None:
    """SQLite doesn't enforce a VARCHAR's length, so a length changed only where it is
    enforced (outbox.target, in 0018) is no difference there; anything else is compared as
    Alembic compares it."""
    if context.dialect.name == "sqlite" and isinstance(inspected_type, String) \
            and isinstance(metadata_type, String):
        return False
    return None


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": _same_type})
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_runs_with_foreign_keys_and_wal(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        assert inspect(engine).get_table_names()  # PostgreSQL: tables exist
        return
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
