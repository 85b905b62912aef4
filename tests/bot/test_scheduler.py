"""One scheduler per database, and the dispatcher job set up the way APScheduler 3 wants."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from sqlalchemy import Engine

from bot.scheduler import DELIVER_OUTBOX_JOB, build_scheduler, scheduler_lock
from bot.wiring import Runtime
from storage.db import make_engine
from storage.models import OutboxChannel
from storage.repositories import OutboxRepository
from tests.fakes.slack import FakeSlack


def test_the_dispatcher_job_has_a_fixed_id_and_is_not_doubled(runtime: Runtime) -> None:
    scheduler = build_scheduler(runtime.dispatcher(), 5)
    scheduler.start(paused=True)
    try:
        # What a restart does: the same job again, replacing rather than doubling.
        scheduler.add_job(runtime.dispatcher().deliver_due, "interval", seconds=5,
                          id=DELIVER_OUTBOX_JOB, replace_existing=True)
        jobs = scheduler.get_jobs()
    finally:
        scheduler.shutdown()
    assert [job.id for job in jobs] == [DELIVER_OUTBOX_JOB]
    assert jobs[0].coalesce is True and jobs[0].max_instances == 1


def test_the_running_scheduler_delivers_the_outbox(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    with runtime.sessions.begin() as session:
        OutboxRepository(session).enqueue(key="hello", channel=OutboxChannel.SLACK_DM,
                                          target="U0FACIL02", payload={"text": "Hello"},
                                          now=runtime.services.clock())
    scheduler = build_scheduler(runtime.dispatcher(), 0.1)
    scheduler.start()
    try:
        assert fake_slack.wait_for("chat.postMessage")
    finally:
        scheduler.shutdown()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_only_one_process_holds_the_scheduler_lock(engine: Engine, tmp_path: Path) -> None:
    engines = [engine] if engine.dialect.name == "postgresql" else []
    engines.append(make_engine(f"sqlite:///{tmp_path / 'lock.db'}"))
    for each in engines:
        with scheduler_lock(each, wait=False) as first:
            assert first is True
            # A second holder, as another process would be, is told no at once...
            second = make_engine(each.url.render_as_string(hide_password=False))
            with scheduler_lock(second, wait=False) as other:
                assert other is False
            # ...or, as a hot standby, waits until the first lets go.
            took_over = threading.Event()

            def standby(engine: Engine = second, done: threading.Event = took_over) -> None:
                with scheduler_lock(engine, wait=True):
                    done.set()

            waiter = threading.Thread(target=standby)
            waiter.start()
            assert not took_over.wait(0.5)
        assert took_over.wait(10)
        waiter.join(10)
        second.dispose()


def test_an_urgent_incident_does_not_wait_for_the_next_tick(
    members: Runtime, fake_slack: FakeSlack
) -> None:
    from bot.rules.incidents import IncidentForm, IncidentKind, Severity

    # A tick ten minutes away: only the nudge can get the alert out within the wait below.
    scheduler = build_scheduler(members.dispatcher(), 600, services=members.services)
    at_start = {job.id for job in scheduler.get_jobs()} - {DELIVER_OUTBOX_JOB, "retention",
                                                            "trustee-digest"}
    ran: set[str] = set()
    started = threading.Event()

    def note(event: JobExecutionEvent) -> None:
        ran.add(event.job_id)
        if ran >= at_start:
            started.set()

    scheduler.add_listener(note, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert started.wait(10)  # the run each job makes at start is over
        assert fake_slack.calls_to("chat.postMessage") == []
        members.services.incidents.report(IncidentForm(
            IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone today", danger=False),
            "U0FACIL02")
        assert fake_slack.wait_for("chat.postMessage", timeout=30)
    finally:
        scheduler.shutdown()
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")] == ["U0SAFEG05"]


def test_a_nudge_during_a_run_makes_one_more_pass() -> None:
    from bot.delivery.nudge import Nudge

    nudge = Nudge()
    calls: list[str] = []
    nudge.connect(lambda: calls.append("run now"))
    nudge()
    assert calls == ["run now"] and nudge.take() is True and nudge.take() is False
    nudge.running.set()
    nudge()  # a run is under way: no second run is asked for, the work is marked instead
    assert calls == ["run now"] and nudge.take() is True


def test_the_trustee_digest_is_tried_each_hour_of_the_first_so_a_restart_loses_no_month(
    members: Runtime
) -> None:
    from zoneinfo import ZoneInfo

    scheduler = build_scheduler(members.dispatcher(), 600, services=members.services)
    trigger = scheduler.get_job("trustee-digest").trigger
    london = ZoneInfo("Europe/London")
    # Down at 9am on the 1st: the next try is at 10, the same day.
    after_nine = datetime(2027, 1, 1, 9, 30, tzinfo=london)
    assert trigger.get_next_fire_time(None, after_nine) == datetime(2027, 1, 1, 10, 0,
                                                                     tzinfo=london)
    # And not again until the 1st of the next month.
    late = datetime(2027, 1, 1, 23, 30, tzinfo=london)
    assert trigger.get_next_fire_time(None, late) == datetime(2027, 2, 1, 9, 0, tzinfo=london)
