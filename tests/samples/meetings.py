"""Samples of the notices meetings and reminders record."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.rules.lifecycle import RequestStatus
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from bot.services.meetings import (
    MeetingCancelled,
    MeetingInvitation,
    MeetingReminder,
    PresentAnswer,
    PresentRequested,
)
from bot.services.reminders import SessionReminder
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"   # coordinator
BRAM = "U0FACIL02"  # facilitator
FIN = "U0MEMBR06"   # member


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


@sample(MeetingInvitation)
def invitation(world: SampleWorld) -> MeetingInvitation:
    _forum(world)
    return world.recorded(MeetingInvitation)


@sample(MeetingCancelled)
def cancelled(world: SampleWorld) -> MeetingCancelled:
    meeting_id = _forum(world)
    world.deliver()  # only those told of a meeting hear it is off
    world.services.meetings.cancel(ADA, meeting_id)
    return world.recorded(MeetingCancelled)


@sample(SessionReminder)
def session_reminder(world: SampleWorld) -> SessionReminder:
    [session] = world.services.sessions.create(None, SessionDraft(
        title="Tuesday peer group", kind=SessionKind.PEER_GROUP, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    world.services.rota.claim(session.id, BRAM)
    world.services.rota.attend(session.id, FIN, wants=True)
    world.clock.now = world.clock.now.replace(day=7, month=12, hour=18)
    assert world.services.reminders.send_due() == 1
    return world.recorded(SessionReminder)  # to Fin, who is coming


def _asked_to_present(world: SampleWorld) -> int:
    world.services.meetings.create(None, MeetingDraft(
        title="Trustees' meeting", kind=MeetingKind.TRUSTEES, day=date(2026, 12, 10),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
        invited="trustee"))
    return world.services.meetings.request_to_present(
        BRAM, world.typed("Evening groups for people who work")).id


@sample(PresentRequested)
def present_request(world: SampleWorld) -> PresentRequested:
    _asked_to_present(world)
    return world.recorded(PresentRequested)


@sample(PresentAnswer)
def present_answer(world: SampleWorld) -> PresentAnswer:
    request_id = _asked_to_present(world)
    world.services.meetings.step_present(request_id, ADA, RequestStatus.ARRANGED)
    return world.recorded(PresentAnswer)
