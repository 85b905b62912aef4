"""The meetings and reminders jobs the scheduler runs: each meeting, session and series in a
savepoint of its own, so one that fails is logged by number and the rest still go."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Engine, text, update

from bot.rules.meetings import MeetingDraft, MeetingKind, MeetingRepeat
from bot.wiring import Runtime
from storage.models import Meeting, MeetingSeries, OutboxMessage, ReminderLog
from tests.conftest import FakeClock


def _forum(runtime: Runtime, title: str, day: date,
           repeat: MeetingRepeat = MeetingRepeat.NONE) -> int:
    draft = MeetingDraft(title=title, kind=MeetingKind.FORUM, day=day, start_time=time(18, 0),
                         end_time=time(20, 0), place="Hope Centre", repeat=repeat)
    return runtime.services.meetings.create(None, draft)[0].id


@contextmanager
def refused_inserts(engine: Engine, table: str, condition: str) -> Iterator[None]:
    """The database itself refuses some rows for a while (a full disk, a broken constraint):
    a real fault, not a stand-in for our own code."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(text(
                "CREATE FUNCTION coprod_test_refuse() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"))
            connection.execute(text(
                f"CREATE TRIGGER coprod_test_refuse BEFORE INSERT ON {table} FOR EACH ROW "
                f"WHEN ({condition}) EXECUTE FUNCTION coprod_test_refuse()"))
        else:
            connection.execute(text(
                f"CREATE TRIGGER coprod_test_refuse BEFORE INSERT ON {table} "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
    try:
        yield
    finally:
        with engine.begin() as connection:
            if postgres:
                connection.execute(text(f"DROP TRIGGER IF EXISTS coprod_test_refuse ON {table}"))
                connection.execute(text("DROP FUNCTION IF EXISTS coprod_test_refuse()"))
            else:
                connection.execute(text("DROP TRIGGER IF EXISTS coprod_test_refuse"))


def test_a_meeting_whose_reminder_fails_is_logged_and_the_others_still_go(
    members: Runtime, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    broken = _forum(members, "Winter forum", date(2026, 12, 8))
    fine = _forum(members, "Community meeting", date(2026, 12, 8))
    with members.sessions.begin() as session:  # a role a later version no longer knows
        session.execute(update(Meeting).where(Meeting.id == broken).values(invited="treasurer"))
    clock.now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)

    with caplog.at_level(logging.ERROR):
        assert members.services.reminders.send_due() == 1
    assert f"reminder for meeting {broken} could not be sent (ValueError)" in caplog.messages
    with members.sessions() as session:
        logged = {(r.subject, r.state) for r in session.query(ReminderLog)}
        assert logged == {(f"meeting:{fine}", "sent")}  # the failed one is tried again
        assert session.query(OutboxMessage).count() > 0

    with members.sessions.begin() as session:
        session.execute(update(Meeting).where(Meeting.id == broken).values(invited="everyone"))
    assert members.services.reminders.send_due() == 1


def test_a_series_that_cannot_be_extended_is_logged_and_the_others_still_are(
    members: Runtime, engine: Engine, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    meetings = members.services.meetings
    _forum(members, "Forum", date(2026, 12, 8), repeat=MeetingRepeat.QUARTERLY)
    _forum(members, "Community", date(2026, 12, 9), repeat=MeetingRepeat.MONTHLY)
    with members.sessions() as session:
        first, second = (s.id for s in session.query(MeetingSeries).order_by(MeetingSeries.id))
    clock.now = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)

    with refused_inserts(engine, "meetings", f"NEW.series_id = {first}"), \
            caplog.at_level(logging.ERROR):
        made = meetings.extend_series()
    assert made >= 5  # the monthly series, six months further on
    assert any(m.startswith(f"meeting series {first} could not be extended (")
               for m in caplog.messages)
    with members.sessions() as session:
        horizons = {s.id: s.made_until for s in session.query(MeetingSeries)}
    assert horizons[second] == date(2028, 6, 1) and horizons[first] < date(2028, 1, 1)

    assert meetings.extend_series() == 2  # once the fault is gone it catches up: Dec, March


def test_a_reminder_queued_again_adds_only_what_is_missing(
    members: Runtime, clock: FakeClock
) -> None:
    """Each invited member's reminder goes in together (one read of the keys already queued,
    one write): one already queued under its key is left as it is, and only it."""
    forum = _forum(members, "Winter forum", date(2026, 12, 8))
    with members.sessions.begin() as session:  # the invitations went when it was made
        session.execute(text("DELETE FROM outbox"))
    clock.now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert members.services.reminders.send_due() == 1
    with members.sessions.begin() as session:
        queued = {m.idempotency_key: m.id for m in session.query(OutboxMessage)}
        assert len(queued) > 2
        lost, kept = sorted(queued)[:2]
        session.execute(text("DELETE FROM outbox WHERE id = :id"),
                        {"id": queued[lost]})
        session.execute(text("DELETE FROM reminder_log WHERE subject = :s"),
                        {"s": f"meeting:{forum}"})

    assert members.services.reminders.send_due() == 1

    with members.sessions() as session:
        again = {m.idempotency_key: m.id for m in session.query(OutboxMessage)}
    assert set(again) == set(queued)
    assert again[kept] == queued[kept]
    assert again[lost] != queued[lost]
