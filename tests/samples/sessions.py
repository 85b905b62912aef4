"""Samples of the notices sessions, the rota and aftercare record: the card in each state it
can show (each kind of cover it may lack, covered, full, online, cancelled, started), the
changes and alerts facilitators and coordinators get, and a debrief at each step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any

from bot.rules.lifecycle import RequestStatus
from bot.rules.sessions import SessionDraft, SessionKind
from bot.services.aftercare import CheckIn, DebriefAsked, DebriefRequested, DebriefStep
from bot.services.rota import CoverageAlert, PlaceOffered
from bot.services.sessions import (
    CallForCover,
    ReleaseAlert,
    SessionCancelled,
    SessionCard,
    SessionChanged,
)
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"   # coordinator, trained facilitator
BRAM = "U0FACIL02"  # facilitator, not trained
CLEO = "U0TRAIN03"  # facilitator, training expired
FIN = "U0MEMBR06"   # member, who comes along
CHANNEL = "C0TUESDAY"


def _draft(day: date, **changes: Any) -> SessionDraft:
    return replace(SessionDraft(
        title="Tuesday peer group", kind=SessionKind.PEER_GROUP, day=day,
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre", channel=CHANNEL),
        **changes)


def _session(world: SampleWorld, *, days_ahead: int = 9, **changes: Any) -> int:
    """A peer group at 6pm, `days_ahead` days from the world's first morning."""
    day = (world.clock.now + timedelta(days=days_ahead)).date()
    [view] = world.services.sessions.create(None, _draft(day, **changes))
    return view.id


def _claimed(world: SampleWorld, *facilitators: str, **changes: Any) -> int:
    session_id = _session(world, **changes)
    for slack_user_id in facilitators:
        world.services.rota.claim(session_id, slack_user_id)
    return session_id


# -- the card -------------------------------------------------------------------------------------
@sample(SessionCard)
def card(world: SampleWorld) -> SessionCard:
    """Bram, not trained, has a place: it needs one more, who has done the training."""
    session_id = _claimed(world, BRAM, capacity=12)
    world.services.rota.attend(session_id, FIN, wants=True)
    return world.recorded(SessionCard)


@sample(SessionCard, state="covered")
def card_covered(world: SampleWorld) -> SessionCard:
    _claimed(world, ADA, BRAM)
    return world.recorded(SessionCard)


@sample(SessionCard, state="nobody yet")
def card_nobody(world: SampleWorld) -> SessionCard:
    _session(world)
    return world.recorded(SessionCard)


@sample(SessionCard, state="needs one more")
def card_one_more(world: SampleWorld) -> SessionCard:
    """Ada, who is trained, has a place: anyone can take the other."""
    _claimed(world, ADA)
    return world.recorded(SessionCard)


@sample(SessionCard, state="needs someone trained")
def card_needs_trained(world: SampleWorld) -> SessionCard:
    """Bram and Cleo make two, but neither has training in date."""
    _claimed(world, BRAM, CLEO)
    return world.recorded(SessionCard)


@sample(SessionCard, state="places taken, room full")
def card_full(world: SampleWorld) -> SessionCard:
    """Both places to run it are taken (a waiting list now) and its one seat too."""
    session_id = _claimed(world, ADA, BRAM, places=2, capacity=1)
    world.services.rota.attend(session_id, FIN, wants=True)
    return world.recorded(SessionCard)


@sample(SessionCard, state="online")
def card_online(world: SampleWorld) -> SessionCard:
    _claimed(world, ADA, BRAM, place="Online")
    return world.recorded(SessionCard)


@sample(SessionCard, state="another kind of session")
def card_other_kind(world: SampleWorld) -> SessionCard:
    _claimed(world, ADA, BRAM, title="Walk in the park", kind=SessionKind.OTHER)
    return world.recorded(SessionCard)


@sample(SessionCard, state="cancelled")
def card_cancelled(world: SampleWorld) -> SessionCard:
    world.services.sessions.cancel(ADA, _claimed(world, BRAM))
    return world.recorded(SessionCard)


@sample(SessionCard, state="started")
def card_started(world: SampleWorld) -> SessionCard:
    _claimed(world, ADA, BRAM, days_ahead=1)
    world.clock.advance(days=1, hours=8, minutes=5)  # 6:05pm tomorrow
    assert world.services.sessions.close_started() == 1
    return world.recorded(SessionCard)


# -- changes, to those signed up ------------------------------------------------------------------
@sample(SessionChanged)
def changed(world: SampleWorld) -> SessionChanged:
    session_id = _claimed(world, BRAM)
    later = (world.clock.now + timedelta(days=10)).date()
    world.services.sessions.edit(ADA, session_id, _draft(later, place="Hope Centre, room 2"))
    return world.recorded(SessionChanged)


@sample(SessionChanged, state="online")
def changed_online(world: SampleWorld) -> SessionChanged:
    session_id = _claimed(world, ADA, BRAM)
    day = (world.clock.now + timedelta(days=9)).date()
    world.services.sessions.edit(ADA, session_id, _draft(
        day, place="Online: https://meet.example.org/tuesday"))
    return world.recorded(SessionChanged)


@sample(SessionCancelled)
def cancelled(world: SampleWorld) -> SessionCancelled:
    world.services.sessions.cancel(ADA, _claimed(world, BRAM))
    return world.recorded(SessionCancelled)


# -- places given up and offered ------------------------------------------------------------------
@sample(ReleaseAlert)
def release_alert(world: SampleWorld) -> ReleaseAlert:
    """Bram gives up his place the day before: late, and the group is short again."""
    session_id = _claimed(world, BRAM, ADA, days_ahead=1)
    world.services.rota.release(session_id, BRAM, confirmed=True)
    return world.recorded(ReleaseAlert)


@sample(ReleaseAlert, state="in good time")
def release_alert_early(world: SampleWorld) -> ReleaseAlert:
    """Ada gives up her place nine days ahead: not late, but the group is not covered now."""
    world.services.rota.release(_claimed(world, BRAM, ADA), ADA)
    return world.recorded(ReleaseAlert)


@sample(PlaceOffered)
def place_offered(world: SampleWorld) -> PlaceOffered:
    """Both places are taken and Cleo waits; Bram gives his up, and it is offered to her."""
    session_id = _claimed(world, ADA, BRAM, places=2)
    world.services.rota.join_waiting_list(session_id, CLEO)
    world.services.rota.release(session_id, BRAM)
    return world.recorded(PlaceOffered)


# -- not covered yet ------------------------------------------------------------------------------
def _uncovered(world: SampleWorld, *facilitators: str, days_ahead: int = 1) -> None:
    """A session at 6pm `days_ahead` days on, short of cover: the coverage alerts run at 7pm
    (for a session tomorrow, the last, 24-hour, warning: by text too)."""
    _claimed(world, *facilitators, days_ahead=days_ahead)
    world.clock.advance(hours=9)
    assert world.services.rota.send_coverage_alerts() == 1


@sample(CoverageAlert)
def coverage_alert(world: SampleWorld) -> CoverageAlert:
    _uncovered(world, BRAM)
    return world.recorded(CoverageAlert)


@sample(CoverageAlert, state="three days ahead")
def coverage_alert_72h(world: SampleWorld) -> CoverageAlert:
    _uncovered(world, BRAM, days_ahead=3)
    return world.recorded(CoverageAlert)


@sample(CoverageAlert, state="a week ahead, nobody yet")
def coverage_alert_7d(world: SampleWorld) -> CoverageAlert:
    _uncovered(world, days_ahead=7)
    return world.recorded(CoverageAlert)


@sample(CallForCover)
def call_for_cover(world: SampleWorld) -> CallForCover:
    _uncovered(world, BRAM)
    return world.recorded(CallForCover)


@sample(CallForCover, state="nobody yet")
def call_for_cover_nobody(world: SampleWorld) -> CallForCover:
    _uncovered(world)
    return world.recorded(CallForCover)


# -- aftercare ------------------------------------------------------------------------------------
def _after_the_session(world: SampleWorld) -> int:
    """Ada and Bram ran a session yesterday evening; the check-ins have gone."""
    session_id = _claimed(world, ADA, BRAM, days_ahead=1)
    world.clock.advance(days=1, hours=12)  # 10pm, two hours after it ended
    assert world.services.aftercare.send_check_ins() == 2
    return session_id


def _debrief(world: SampleWorld, *steps: RequestStatus) -> None:
    """Bram asks for a debrief; Ada takes it through `steps`."""
    session_id = _after_the_session(world)
    asked = world.services.aftercare.ask_for_debrief(session_id, BRAM)
    assert asked is DebriefAsked.ASKED
    request = world.recorded(DebriefRequested)
    for step in steps:
        world.services.aftercare.move_debrief(request.request_id, ADA, step)


@sample(CheckIn)
def check_in(world: SampleWorld) -> CheckIn:
    _after_the_session(world)
    return world.recorded(CheckIn)


@sample(DebriefRequested)
def debrief_request(world: SampleWorld) -> DebriefRequested:
    _debrief(world)
    return world.recorded(DebriefRequested)


@sample(DebriefRequested, state="acknowledged")
def debrief_request_acknowledged(world: SampleWorld) -> DebriefRequested:
    _debrief(world, RequestStatus.ACKNOWLEDGED)
    return world.recorded(DebriefRequested)


@sample(DebriefRequested, state="arranged")
def debrief_request_arranged(world: SampleWorld) -> DebriefRequested:
    _debrief(world, RequestStatus.ACKNOWLEDGED, RequestStatus.ARRANGED)
    return world.recorded(DebriefRequested)


@sample(DebriefRequested, state="can't arrange")
def debrief_request_declined(world: SampleWorld) -> DebriefRequested:
    _debrief(world, RequestStatus.DECLINED)
    return world.recorded(DebriefRequested)


@sample(DebriefStep)
def debrief_step(world: SampleWorld) -> DebriefStep:
    _debrief(world, RequestStatus.DECLINED)
    return world.recorded(DebriefStep)


@sample(DebriefStep, state="acknowledged")
def debrief_step_acknowledged(world: SampleWorld) -> DebriefStep:
    _debrief(world, RequestStatus.ACKNOWLEDGED)
    return world.recorded(DebriefStep)


@sample(DebriefStep, state="arranged")
def debrief_step_arranged(world: SampleWorld) -> DebriefStep:
    _debrief(world, RequestStatus.ACKNOWLEDGED, RequestStatus.ARRANGED)
    return world.recorded(DebriefStep)
