"""Samples of the notices meetings and reminders record: each kind of meeting, who it is for,
in a room or online; its reminders a week ahead, the day before and on the day; session
reminders to those coming and those running it; and a request to present at each step."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

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
ONLINE = "https://meet.example.org/winter-forum"


def _forum(world: SampleWorld, **changes: Any) -> int:
    """A forum on Tuesday 8 December at 6pm, for everyone (or as `changes` say)."""
    draft: dict[str, Any] = {
        "title": "Winter forum", "kind": MeetingKind.FORUM, "day": date(2026, 12, 8),
        "start_time": time(18, 0), "end_time": time(20, 0), "place": "Hope Centre",
        "channel": "C0FORUM", **changes}
    return world.services.meetings.create(None, MeetingDraft(**draft))[0].id


TRUSTEES = {"title": "Trustees' meeting", "kind": MeetingKind.TRUSTEES, "invited": "trustee",
            "channel": None}


# -- reminders ------------------------------------------------------------------------------------
def _reminded(world: SampleWorld, *, before: timedelta, **changes: Any) -> MeetingReminder:
    """The reminders run `before` the meeting starts."""
    _forum(world, **changes)
    world.clock.now = world.clock.now.replace(day=8, month=12, hour=18) - before
    assert world.services.reminders.send_due() == 1
    return world.recorded(MeetingReminder)


@sample(MeetingReminder)
def meeting_reminder(world: SampleWorld) -> MeetingReminder:
    _forum(world)
    world.clock.now = world.clock.now.replace(day=1, month=12) + timedelta(hours=8)
    assert world.services.reminders.send_due() == 1
    return world.recorded(MeetingReminder)


@sample(MeetingReminder, state="the day before")
def meeting_reminder_day_before(world: SampleWorld) -> MeetingReminder:
    return _reminded(world, before=timedelta(hours=23))


@sample(MeetingReminder, state="on the day")
def meeting_reminder_on_the_day(world: SampleWorld) -> MeetingReminder:
    return _reminded(world, before=timedelta(hours=1))


@sample(MeetingReminder, state="a trustees' meeting")
def meeting_reminder_trustees(world: SampleWorld) -> MeetingReminder:
    return _reminded(world, before=timedelta(days=6), **TRUSTEES)


@sample(MeetingReminder, state="online")
def meeting_reminder_online(world: SampleWorld) -> MeetingReminder:
    return _reminded(world, before=timedelta(days=6), place=ONLINE)


# -- invitations ----------------------------------------------------------------------------------
def _invited(world: SampleWorld, **changes: Any) -> MeetingInvitation:
    _forum(world, **changes)
    return world.recorded(MeetingInvitation)


@sample(MeetingInvitation)
def invitation(world: SampleWorld) -> MeetingInvitation:
    return _invited(world)


@sample(MeetingInvitation, state="for the trustees")
def invitation_trustees(world: SampleWorld) -> MeetingInvitation:
    return _invited(world, **TRUSTEES)


@sample(MeetingInvitation, state="online")
def invitation_online(world: SampleWorld) -> MeetingInvitation:
    return _invited(world, place=ONLINE)


@sample(MeetingInvitation, state="the AGM")
def invitation_agm(world: SampleWorld) -> MeetingInvitation:
    return _invited(world, title="Annual general meeting", kind=MeetingKind.AGM)


@sample(MeetingInvitation, state="a community meeting")
def invitation_community(world: SampleWorld) -> MeetingInvitation:
    return _invited(world, title="Community meeting", kind=MeetingKind.COMMUNITY)


@sample(MeetingInvitation, state="another kind of meeting")
def invitation_other(world: SampleWorld) -> MeetingInvitation:
    return _invited(world, title="Volunteers' lunch", kind=MeetingKind.OTHER,
                    invited="facilitator")


@sample(MeetingCancelled)
def cancelled(world: SampleWorld) -> MeetingCancelled:
    meeting_id = _forum(world)
    world.deliver()  # only those told of a meeting hear it is off
    world.services.meetings.cancel(ADA, meeting_id)
    return world.recorded(MeetingCancelled)


# -- session reminders ----------------------------------------------------------------------------
def _session_reminded(world: SampleWorld, *, facilitating: bool,
                      before: timedelta = timedelta(days=1)) -> SessionReminder:
    [session] = world.services.sessions.create(None, SessionDraft(
        title="Tuesday peer group", kind=SessionKind.PEER_GROUP, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    world.services.rota.claim(session.id, BRAM)
    world.services.rota.attend(session.id, FIN, wants=True)
    world.clock.now = world.clock.now.replace(day=8, month=12, hour=18) - before
    assert world.services.reminders.send_due() == 1
    return world.recorded(SessionReminder, lambda notice: notice.facilitating is facilitating)


@sample(SessionReminder)
def session_reminder(world: SampleWorld) -> SessionReminder:
    return _session_reminded(world, facilitating=False)  # to Fin, who is coming


@sample(SessionReminder, state="running it")
def session_reminder_facilitating(world: SampleWorld) -> SessionReminder:
    return _session_reminded(world, facilitating=True)  # to Bram


@sample(SessionReminder, state="on the day")
def session_reminder_on_the_day(world: SampleWorld) -> SessionReminder:
    return _session_reminded(world, facilitating=False, before=timedelta(hours=2))


# -- a request to present to the trustees ---------------------------------------------------------
def _asked_to_present(world: SampleWorld, *steps: RequestStatus) -> int:
    world.services.meetings.create(None, MeetingDraft(
        title="Trustees' meeting", kind=MeetingKind.TRUSTEES, day=date(2026, 12, 10),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
        invited="trustee"))
    request_id = world.services.meetings.request_to_present(
        BRAM, world.typed("Evening groups for people who work")).id
    for step in steps:
        world.services.meetings.step_present(request_id, ADA, step)
    return request_id


@sample(PresentRequested)
def present_request(world: SampleWorld) -> PresentRequested:
    _asked_to_present(world)
    return world.recorded(PresentRequested)


@sample(PresentRequested, state="acknowledged")
def present_request_acknowledged(world: SampleWorld) -> PresentRequested:
    _asked_to_present(world, RequestStatus.ACKNOWLEDGED)
    return world.recorded(PresentRequested)


@sample(PresentRequested, state="accepted")
def present_request_accepted(world: SampleWorld) -> PresentRequested:
    _asked_to_present(world, RequestStatus.ACKNOWLEDGED, RequestStatus.ARRANGED)
    return world.recorded(PresentRequested)


@sample(PresentRequested, state="another date")
def present_request_another_date(world: SampleWorld) -> PresentRequested:
    _asked_to_present(world, RequestStatus.DECLINED)
    return world.recorded(PresentRequested)


@sample(PresentAnswer)
def present_answer(world: SampleWorld) -> PresentAnswer:
    _asked_to_present(world, RequestStatus.ARRANGED)
    return world.recorded(PresentAnswer)


@sample(PresentAnswer, state="acknowledged")
def present_answer_acknowledged(world: SampleWorld) -> PresentAnswer:
    _asked_to_present(world, RequestStatus.ACKNOWLEDGED)
    return world.recorded(PresentAnswer)


@sample(PresentAnswer, state="another date")
def present_answer_another_date(world: SampleWorld) -> PresentAnswer:
    _asked_to_present(world, RequestStatus.DECLINED)
    return world.recorded(PresentAnswer)
