"""The rota's scheduled jobs on a real database: each item on its own, so one that cannot be
handled is logged by id and the others still are."""

from __future__ import annotations

import logging
from datetime import time, timedelta

import pytest
from sqlalchemy import text

from bot.rules.sessions import SessionDraft, SessionKind
from bot.wiring import Runtime
from tests.conftest import FakeClock

COORDINATOR, FACILITATOR, EXPIRED = "U0COORD01", "U0FACIL02", "U0TRAIN03"


def session_with_an_offer(runtime: Runtime, clock: FakeClock, title: str) -> int:
    """Two places, both taken; Cleo waits; Bram lets his go, so it is offered to Cleo."""
    start = (clock.now + timedelta(days=5)).astimezone(runtime.settings.timezone)
    [view] = runtime.services.sessions.create(None, SessionDraft(
        title=title, kind=SessionKind.PEER_GROUP, day=start.date(), start_time=time(18, 0),
        end_time=time(20, 0), place="Hope Centre", places=2))
    rota = runtime.services.rota
    rota.claim(view.id, COORDINATOR)
    rota.claim(view.id, FACILITATOR)
    rota.join_waiting_list(view.id, EXPIRED)
    rota.release(view.id, FACILITATOR)
    assert runtime.services.sessions.get(view.id).held_places == 1
    return view.id


def test_an_offer_that_cannot_be_passed_on_does_not_hold_up_the_others(
    members: Runtime, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    first = session_with_an_offer(members, clock, "Tuesday group")
    second = session_with_an_offer(members, clock, "Thursday group")
    # The first session was changed by a newer version of Coprod (as during a rolling
    # upgrade) to a kind this one does not know: it cannot be read, so its offer can't pass on.
    with members.sessions.begin() as session:
        session.execute(text("UPDATE group_sessions SET kind = 'retreat' WHERE id = :id"),
                        {"id": first})
    clock.advance(hours=3)
    with caplog.at_level(logging.ERROR, logger="bot.services.rota"):
        assert members.services.rota.expire_offers() == 1
    view = members.services.sessions.get(second)
    assert view.held_places == 0 and view.free_places == 1
    [failed] = [r for r in caplog.records if r.name == "bot.services.rota"]
    assert failed.getMessage().startswith("waiting-list offer ")
    assert failed.getMessage().endswith("could not be passed on (LookupError)")
    # Put right, it is passed on at the next run, and only it.
    with members.sessions.begin() as session:
        session.execute(text("UPDATE group_sessions SET kind = 'peer_group' WHERE id = :id"),
                        {"id": first})
    assert members.services.rota.expire_offers() == 1
    assert members.services.sessions.get(first).free_places == 1


def test_coverage_alerts_go_once_per_threshold_even_with_no_coordinator_to_tell(
    runtime: Runtime, clock: FakeClock
) -> None:
    """Only the call for cover in the channel goes (nobody holds the coordinator role yet), and
    it still counts as the alert for that threshold."""
    start = (clock.now + timedelta(days=2)).astimezone(runtime.settings.timezone)
    runtime.services.sessions.create(None, SessionDraft(
        title="Drop-in", kind=SessionKind.DROP_IN, day=start.date(), start_time=time(18, 0),
        end_time=time(20, 0), place="Hope Centre", channel="C0DROPIN"))
    assert runtime.services.rota.send_coverage_alerts() == 1
    assert runtime.services.rota.send_coverage_alerts() == 0


def test_i_cant_come_pressed_twice_never_signs_anyone_up(
    members: Runtime, clock: FakeClock
) -> None:
    from bot.rules.coverage import Outcome

    rota = members.services.rota
    start = clock.now + timedelta(days=3)
    [made] = members.services.sessions.create(None, SessionDraft(
        title="Tuesday group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    assert rota.attend(made.id, "U0MEMBR06").outcome is Outcome.ATTENDING
    for _ in range(2):  # a double press, or a click on a Home drawn before the first
        assert rota.attend(made.id, "U0MEMBR06", wants=False).outcome is Outcome.NOT_ATTENDING
    assert members.services.sessions.get(made.id).attendees == 0
