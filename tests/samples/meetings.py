"""Samples of the notices meetings and reminders record."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.services.meetings import MeetingReminder
from tests.samples import SampleWorld, sample


def _forum(world: SampleWorld) -> int:
    return world.services.meetings.create(None, MeetingDraft(
        title="Winter forum", kind=MeetingKind.FORUM, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
        channel="C0FORUM"))[0].id


@sample(MeetingReminder)
def meeting_reminder(world: SampleWorld) -> MeetingReminder:
    _forum(world)
    world.clock.now = world.clock.now.replace(day=1, month=12) + timedelta(hours=8)
    assert world.services.reminders.send_due() == 1
    return world.recorded(MeetingReminder)
