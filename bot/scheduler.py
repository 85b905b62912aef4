"""APScheduler 3 set-up: the outbox dispatcher runs every few seconds, and only one scheduler
runs against a database (a PostgreSQL advisory lock, or a lock file beside a SQLite database)."""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from bot.delivery.dispatcher import Dispatcher
from bot.delivery.wakeup import WakeupListener
from bot.logs import in_own_scope
from bot.services import Services

# APScheduler is loaded when a scheduler is built, not with this module: at import it reads
# every installed package's entry points (~60 ms), and `coprod serve` takes the scheduler's
# lock and answers /healthz before it builds one.
if TYPE_CHECKING:
    from apscheduler.events import SchedulerEvent
    from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger(__name__)

DELIVER_OUTBOX_JOB = "deliver-outbox"
# An arbitrary, fixed number: the advisory lock that says "I am the scheduler".
SCHEDULER_LOCK_KEY = 7_420_115


def build_scheduler(dispatcher: Dispatcher, interval_seconds: float, *,
                    services: Services | None = None, blocking: bool = False) -> BaseScheduler:
    """Every job is derived from the database each time it runs, so a restart loses nothing:
    the jobs themselves live in memory, with fixed ids, and are added afresh at start."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=UTC, job_defaults=defaults)
        if blocking
        else BackgroundScheduler(timezone=UTC, job_defaults=defaults)
    )
    scheduler.add_job(
        in_own_scope(_delivering(dispatcher, services)),
        IntervalTrigger(seconds=interval_seconds),
        id=DELIVER_OUTBOX_JOB,
        name="deliver the outbox",
        replace_existing=True,
    )
    if services is not None:
        _add_jobs(scheduler, services)
    return scheduler


def _add_jobs(scheduler: BaseScheduler, services: Services) -> None:
    """The organisation's own jobs, beside the outbox's delivery."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    for job_id, job, every in (
        # Checked often enough that an escalation is never much later than its time.
        ("escalate-incidents", services.incidents.escalate_unacknowledged,
         min(timedelta(seconds=20), services.incidents.every / 3)),
        ("follow-up-reminders", services.incident_record.remind_follow_ups,
         timedelta(minutes=5)),
        ("serious-incident-reminders", services.oversight.remind_trustees,
         timedelta(minutes=15)),
        ("wellbeing-checks", services.wellbeing.send_wellbeing_checks,
         timedelta(minutes=5)),
        ("coverage-alerts", services.rota.send_coverage_alerts, timedelta(minutes=5)),
        ("after-session-check-ins", services.aftercare.send_check_ins, timedelta(minutes=5)),
        ("waiting-list-offers", services.rota.expire_offers, timedelta(minutes=1)),
        ("close-started-sessions", services.sessions.close_started, timedelta(minutes=1)),
        ("extend-series", services.sessions.extend_series, timedelta(hours=6)),
        ("extend-meeting-series", services.meetings.extend_series, timedelta(hours=6)),
        ("reminders", _reminders_then_replan(scheduler, services), timedelta(minutes=5)),
    ):
        scheduler.add_job(_logged(job_id, job), IntervalTrigger(seconds=every.total_seconds()),
                          id=job_id, name=job_id, replace_existing=True,
                          next_run_time=datetime.now(UTC))
    # The nightly clear-out, at 03:10 local: clear of the hour the clocks change in.
    scheduler.add_job(_logged("retention", lambda: sum(services.retention.apply().values())),
                      CronTrigger(hour=3, minute=10, timezone=services.settings.timezone),
                      id="retention", name="retention", replace_existing=True)
    _add_trustee_digest(scheduler, services)
    # An urgent alert asks for delivery at once rather than at the next tick.
    services.nudge.connect(lambda: scheduler.modify_job(DELIVER_OUTBOX_JOB,
                                                        next_run_time=datetime.now(UTC)))
    _listen_for_wakeups(scheduler, services)


def _delivering(dispatcher: Dispatcher, services: Services | None) -> Callable[[], None]:
    """A dispatcher run, noted for /healthz and `coprod status`."""

    def run() -> None:
        dispatcher.deliver_due()
        if services is not None:
            services.health.dispatched()

    return run


def _listen_for_wakeups(scheduler: BaseScheduler, services: Services) -> None:
    """Once started, this process is the one scheduling (noted for /healthz); on PostgreSQL,
    nudges from other processes (web processes beside a worker) arrive by NOTIFY while it
    runs."""
    from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN, EVENT_SCHEDULER_STARTED

    engine = services.database.kw.get("bind")
    listener = (WakeupListener(engine, services.nudge.wake_here)
                if isinstance(engine, Engine) and engine.dialect.name == "postgresql" else None)

    def follow(event: SchedulerEvent) -> None:
        if event.code == EVENT_SCHEDULER_STARTED:
            # The listener first: noting who schedules is for reports, wake-ups are for people.
            if listener is not None:
                listener.start()
            services.health.now_scheduling()
        elif event.code == EVENT_SCHEDULER_SHUTDOWN and listener is not None:
            listener.stop()

    scheduler.add_listener(follow, EVENT_SCHEDULER_STARTED | EVENT_SCHEDULER_SHUTDOWN)


def _add_trustee_digest(scheduler: BaseScheduler, services: Services) -> None:
    """The trustees' digest: from 9am local on the 1st, every so many months. It is tried
    every hour that day (each period goes out once), so a restart or a failover at 9am
    doesn't lose a month."""
    from apscheduler.triggers.cron import CronTrigger

    months = services.settings.coprod_trustee_digest_months
    if months:
        scheduler.add_job(_logged("trustee-digest", services.oversight.send_digest),
                          CronTrigger(month=f"*/{months}", day=1, hour="9-23",
                                      timezone=services.settings.timezone),
                          id="trustee-digest", name="trustee-digest", replace_existing=True)


NEXT_REMINDER_JOB = "next-reminder"


def _reminders_then_replan(scheduler: BaseScheduler, services: Services) -> Callable[[], int]:
    """Sends what is due, then sets a one-off job for the moment the next reminder falls due,
    so reminders are not up to a polling interval late. The five-minute job is the safety net
    (and picks up meetings set up since)."""
    from apscheduler.triggers.date import DateTrigger

    def run() -> int:
        sent = services.reminders.send_due()
        if sent:
            services.nudge()  # hand them to the dispatcher now, not at its next tick
        upcoming = services.reminders.next_due_at()
        if upcoming is not None:
            scheduler.add_job(in_own_scope(run), DateTrigger(run_date=upcoming),
                              id=NEXT_REMINDER_JOB, name=NEXT_REMINDER_JOB,
                              replace_existing=True, misfire_grace_time=None)
        return sent

    return run


def _logged(name: str, job: Callable[[], int]) -> Callable[[], None]:
    @in_own_scope
    def run() -> None:
        count = job()
        if count:
            log.info("%s: %d", name, count)

    return run


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
