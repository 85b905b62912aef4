"""Samples of the notices sessions, the rota and aftercare record."""

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


@sample(SessionCard)
def card(world: SampleWorld) -> SessionCard:
    session_id = _session(world, capacity=12)
    world.services.rota.claim(session_id, BRAM)
    world.services.rota.attend(session_id, "U0MEMBR06", wants=True)
    return world.recorded(SessionCard)


@sample(SessionChanged)
def changed(world: SampleWorld) -> SessionChanged:
    session_id = _session(world)
    world.services.rota.claim(session_id, BRAM)
    later = (world.clock.now + timedelta(days=10)).date()
    world.services.sessions.edit(ADA, session_id, _draft(later, place="Hope Centre, room 2"))
    return world.recorded(SessionChanged)


@sample(SessionCancelled)
def cancelled(world: SampleWorld) -> SessionCancelled:
    session_id = _session(world)
    world.services.rota.claim(session_id, BRAM)
    world.services.sessions.cancel(ADA, session_id)
    return world.recorded(SessionCancelled)


@sample(ReleaseAlert)
def release_alert(world: SampleWorld) -> ReleaseAlert:
    """Bram gives up his place the day before: late, and the group is short again."""
    session_id = _session(world, days_ahead=1)
    world.services.rota.claim(session_id, BRAM)
    world.services.rota.claim(session_id, ADA)
    world.services.rota.release(session_id, BRAM, confirmed=True)
    return world.recorded(ReleaseAlert)


@sample(PlaceOffered)
def place_offered(world: SampleWorld) -> PlaceOffered:
    """Both places are taken and Cleo waits; Bram gives his up, and it is offered to her."""
    session_id = _session(world, places=2)
    rota = world.services.rota
    rota.claim(session_id, ADA)
    rota.claim(session_id, BRAM)
    rota.join_waiting_list(session_id, CLEO)
    rota.release(session_id, BRAM)
    return world.recorded(PlaceOffered)


def _a_day_away_uncovered(world: SampleWorld) -> None:
    """A session tomorrow at 6pm with only Bram: the last (24-hour) warning, by text too."""
    session_id = _session(world, days_ahead=1)
    world.services.rota.claim(session_id, BRAM)
    world.clock.advance(hours=9)  # 7pm, the evening before
    assert world.services.rota.send_coverage_alerts() == 1


@sample(CoverageAlert)
def coverage_alert(world: SampleWorld) -> CoverageAlert:
    _a_day_away_uncovered(world)
    return world.recorded(CoverageAlert)


@sample(CallForCover)
def call_for_cover(world: SampleWorld) -> CallForCover:
    _a_day_away_uncovered(world)
    return world.recorded(CallForCover)


def _after_the_session(world: SampleWorld) -> int:
    """Ada and Bram ran a session yesterday evening; the check-ins have gone."""
    session_id = _session(world, days_ahead=1)
    world.services.rota.claim(session_id, ADA)
    world.services.rota.claim(session_id, BRAM)
    world.clock.advance(days=1, hours=12)  # 10pm, two hours after it ended
    assert world.services.aftercare.send_check_ins() == 2
    return session_id


@sample(CheckIn)
def check_in(world: SampleWorld) -> CheckIn:
    _after_the_session(world)
    return world.recorded(CheckIn)


@sample(DebriefRequested)
def debrief_request(world: SampleWorld) -> DebriefRequested:
    session_id = _after_the_session(world)
    asked = world.services.aftercare.ask_for_debrief(session_id, BRAM)
    assert asked is DebriefAsked.ASKED
    return world.recorded(DebriefRequested)


@sample(DebriefStep)
def debrief_step(world: SampleWorld) -> DebriefStep:
    session_id = _after_the_session(world)
    world.services.aftercare.ask_for_debrief(session_id, BRAM)
    request = world.recorded(DebriefRequested)
    world.services.aftercare.move_debrief(request.request_id, ADA, RequestStatus.DECLINED)
    return world.recorded(DebriefStep)
