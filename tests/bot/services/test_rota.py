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


def test_a_place_offered_in_someones_quiet_hours_is_held_from_when_they_can_see_it(
    members: Runtime, clock: FakeClock
) -> None:
    """Cleo asked not to be messaged 09:00-13:00; a place freed at 10:00 is hers until 15:00,
    two hours from when the offer can reach her, not lost while she can't see it."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from storage.models import Member, WaitingListEntry

    with members.sessions.begin() as session:
        cleo = session.scalar(select(Member).where(Member.slack_user_id == EXPIRED))
        assert cleo is not None
        cleo.quiet_from, cleo.quiet_until = time(9, 0), time(13, 0)
    assert clock.now == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # GMT: local is UTC
    session_id = session_with_an_offer(members, clock, "Tuesday group")
    with members.sessions() as session:
        [entry] = session.scalars(select(WaitingListEntry).where(
            WaitingListEntry.session_id == session_id)).all()
        assert entry.offered_until == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    clock.advance(hours=3)  # 13:00: the offer reaches her now, and is still hers
    assert members.services.rota.expire_offers() == 0
    assert members.services.sessions.get(session_id).held_places == 1
    clock.advance(hours=2, minutes=1)
    assert members.services.rota.expire_offers() == 1


def test_a_place_is_not_held_for_someone_whose_quiet_hours_run_past_the_start(
    members: Runtime, clock: FakeClock
) -> None:
    from sqlalchemy import select

    from storage.models import Member

    with members.sessions.begin() as session:
        cleo = session.scalar(select(Member).where(Member.slack_user_id == EXPIRED))
        assert cleo is not None
        cleo.quiet_from, cleo.quiet_until = time(9, 0), time(8, 0)  # all but an hour a day
    start = (clock.now + timedelta(hours=5)).astimezone(members.settings.timezone)
    [view] = members.services.sessions.create(None, SessionDraft(
        title="Today's group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=start.time().replace(minute=0), end_time=time(20, 0), place="Hope Centre",
        places=2))
    rota = members.services.rota
    rota.claim(view.id, COORDINATOR)
    rota.claim(view.id, FACILITATOR)
    rota.join_waiting_list(view.id, EXPIRED)
    rota.release(view.id, FACILITATOR, confirmed=True)  # a late release, confirmed
    found = members.services.sessions.get(view.id)
    assert (found.held_places, found.free_places) == (0, 1)  # open to everyone at once
