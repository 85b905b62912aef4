"""APScheduler 3 set-up: the outbox dispatcher runs every few seconds, and only one scheduler
runs against a database (a PostgreSQL advisory lock, or a lock file beside a SQLite database)."""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, text

from bot.delivery.dispatcher import Dispatcher

log = logging.getLogger(__name__)

DELIVER_OUTBOX_JOB = "deliver-outbox"
# An arbitrary, fixed number: the advisory lock that says "I am the scheduler".
SCHEDULER_LOCK_KEY = 7_420_115


def build_scheduler(dispatcher: Dispatcher, interval_seconds: float, *,
                    blocking: bool = False) -> BaseScheduler:
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=UTC, job_defaults=defaults)
        if blocking
        else BackgroundScheduler(timezone=UTC, job_defaults=defaults)
    )
    scheduler.add_job(
        dispatcher.deliver_due,
        IntervalTrigger(seconds=interval_seconds),
        id=DELIVER_OUTBOX_JOB,
        name="deliver the outbox",
        replace_existing=True,
    )
    return scheduler


@contextlib.contextmanager
def scheduler_lock(engine: Engine, *, wait: bool) -> Iterator[bool]:
    """Yields True while this process holds the right to schedule, False if another has it
    (only when `wait` is False: with `wait` it blocks, a hot standby)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            if wait:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": SCHEDULER_LOCK_KEY})
                held = True
            else:
                held = bool(connection.scalar(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": SCHEDULER_LOCK_KEY}))
            connection.commit()
            try:
                yield held
            finally:
                if held:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"),
                                       {"k": SCHEDULER_LOCK_KEY})
                    connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield True
        return
    lock_path = Path(database).with_suffix(".scheduler.lock")
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
