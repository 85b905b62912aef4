"""Engine and session factory: SQLite (WAL, foreign keys) by default, PostgreSQL via psycopg 3."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here; SQLAlchemy would otherwise look for psycopg2."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        # pysqlite's own transaction handling defers BEGIN; take it over so that a write
        # transaction starts with BEGIN IMMEDIATE and waits its turn instead of failing late.
        return _sqlite_engine(url, _sqlite_begin)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str, begin: Any) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


class ReadWriteSessionmaker(sessionmaker[Session]):
    """`sessions()` for reading, `sessions.begin()` for writing. On SQLite the two use separate
    connections: reads begin a plain (deferred) transaction and never wait for the write lock;
    writes begin with BEGIN IMMEDIATE, so they queue for the lock up front instead of failing
    when they try to upgrade. On PostgreSQL both are the same engine.

    Writers in this process also queue on a lock before BEGIN IMMEDIATE: SQLite's own busy
    handler waits by sleeping in growing steps (up to 100 ms at a time), so under load a writer
    could sleep long after the lock came free. A Python lock hands it over at once. The busy
    timeout still covers writers in other processes (the worker, the CLI)."""

    def __init__(self, read_engine: Engine, write_engine: Engine) -> None:
        super().__init__(read_engine, expire_on_commit=False)
        self.write_engine = write_engine
        self._writer = threading.RLock()

    @contextmanager
    def begin(self) -> Iterator[Session]:  # type: ignore[override]
        with self._writer, self(bind=self.write_engine)._maker_context_manager() as session:
            yield session


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    if engine.dialect.name != "sqlite":
        return sessionmaker(engine, expire_on_commit=False)
    reader = _sqlite_engine(engine.url.render_as_string(hide_password=False),
                            _sqlite_begin_deferred)
    return ReadWriteSessionmaker(reader, engine)
