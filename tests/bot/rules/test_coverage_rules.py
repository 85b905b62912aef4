"""Lone working, table-driven: coverage, who may claim, warnings, offers, held places and who
may come along."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules.coverage import (
    Attendance,
    ClaimDecision,
    Facilitator,
    Offer,
    Waiting,
    alert_due,
    assess_coverage,
    coverage_words,
    decide_attendance,
    decide_claim,
    free_places,
    held_places,
    next_offer,
    offer_expires_at,
    release_is_late,
)
from bot.rules.sessions import (
    InvalidSession,
    Repeat,
    SessionDraft,
    SessionKind,
    ValidSession,
    check_draft,
    local_moment,
    series_days,
)

DAY = date(2026, 12, 1)
TRAINED = Facilitator(1, "Ada", True, date(2027, 6, 30))
TRAINED_NO_DATE = Facilitator(2, "Esme", True, None)
EXPIRED = Facilitator(3, "Cleo", True, date(2025, 1, 31))
PEER = Facilitator(4, "Bram", False, None)
PEER2 = Facilitator(5, "Fin", False, None)


@pytest.mark.parametrize(
    ("facilitators", "covered", "words"),
    [
        ([], False, "Needs 2 more facilitators, at least one trained"),
        ([PEER], False, "Needs one more facilitator, and they must be trained"),
        ([TRAINED], False, "Needs one more facilitator"),
        ([PEER, PEER2], False, "Needs a trained facilitator"),
        ([PEER, EXPIRED], False, "Needs a trained facilitator"),  # expired: not trained
        ([PEER, TRAINED], True, "Covered"),
        ([PEER, TRAINED_NO_DATE], True, "Covered"),  # no end date: trained until one is set
        ([EXPIRED, TRAINED], True, "Covered"),
        ([PEER, PEER2, TRAINED], True, "Covered"),
        ([PEER, PEER2, EXPIRED], False, "Needs a trained facilitator"),
    ],
)
def test_coverage(facilitators: list[Facilitator], covered: bool, words: str) -> None:
    coverage = assess_coverage(facilitators, DAY)
    assert coverage.covered is covered
    assert coverage_words(coverage)[1] == words


def test_training_counts_up_to_and_including_its_last_day() -> None:
    last_day = Facilitator(6, "Kit", True, DAY)
    assert last_day.is_trained_on(DAY)
    assert not last_day.is_trained_on(DAY + timedelta(days=1))


@pytest.mark.parametrize(
    ("current", "claimant", "places", "held", "decision"),
    [
        ([], PEER, 3, 0, ClaimDecision.OK),
        ([PEER], PEER, 3, 0, ClaimDecision.ALREADY),
        ([PEER, TRAINED, PEER2], TRAINED_NO_DATE, 3, 0, ClaimDecision.FULL),
        ([PEER, PEER2], TRAINED, 3, 0, ClaimDecision.OK),
        ([PEER, PEER2], EXPIRED, 3, 0, ClaimDecision.KEPT_FOR_TRAINED),
        ([PEER], PEER2, 2, 0, ClaimDecision.KEPT_FOR_TRAINED),
        ([TRAINED], PEER, 2, 0, ClaimDecision.OK),
        ([TRAINED], PEER, 2, 1, ClaimDecision.HELD_FOR_OFFER),
        ([TRAINED, PEER], PEER2, 2, 0, ClaimDecision.FULL),
        ([], None, 3, 0, ClaimDecision.NOT_A_FACILITATOR),
    ],
)
def test_who_may_take_a_place(current: list[Facilitator], claimant: Facilitator | None,
                              places: int, held: int, decision: ClaimDecision) -> None:
    assert decide_claim(current, claimant, places=places, held_places=held, trained_needed=1,
                        on=DAY) is decision


START = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before", "label"),
    [
        (timedelta(days=8), None),
        (timedelta(days=7), "7d"),
        (timedelta(days=4), "7d"),
        (timedelta(hours=72), "72h"),
        (timedelta(hours=30), "72h"),
        (timedelta(hours=24), "24h"),
        (timedelta(minutes=5), "24h"),
        (timedelta(0), None),
        (-timedelta(hours=1), None),
    ],
)
def test_alert_thresholds(before: timedelta, label: str | None) -> None:
    assert alert_due(START, START - before) == label


def test_late_release_and_offers() -> None:
    assert release_is_late(START, START - timedelta(hours=47))
    assert not release_is_late(START, START - timedelta(hours=49))
    assert offer_expires_at(START, START - timedelta(days=2)) == START - timedelta(days=2, hours=-2)
    assert offer_expires_at(START, START - timedelta(hours=2)) == START - timedelta(hours=1)
    late = START - timedelta(minutes=30)
    assert offer_expires_at(START, late) == late


# Who is waiting: Cleo with an open offer, Bram whose offer passed, Fin and Kit not yet offered.
OPEN = Waiting(3, START - timedelta(hours=1), False)
LAPSED = Waiting(4, START - timedelta(hours=30), True)
FIN = Waiting(5)
KIT = Waiting(6)
NOW_BEFORE = START - timedelta(hours=2)
LATER = START - timedelta(days=2)


@pytest.mark.parametrize(
    ("waiting", "besides", "held"),
    [
        ([], None, 0),
        ([OPEN], None, 1),
        ([OPEN], 3, 0),  # Cleo claiming with her own offer: it holds no place from her
        ([OPEN, LAPSED, FIN], None, 1),
        ([Waiting(3, NOW_BEFORE, False)], None, 0),  # ends now: no longer held
        ([Waiting(3, START, True)], None, 0),  # declined
    ],
)
def test_places_held_for_offers(waiting: list[Waiting], besides: int | None, held: int) -> None:
    assert held_places(waiting, NOW_BEFORE, besides=besides) == held


@pytest.mark.parametrize(
    ("places", "taken", "held", "free"),
    [(3, 0, 0, 3), (3, 2, 1, 0), (3, 1, 1, 1), (2, 3, 0, 0), (3, 3, 1, 0)],
)
def test_free_places(places: int, taken: int, held: int, free: int) -> None:
    assert free_places(places, taken, held) == free


@pytest.mark.parametrize(
    ("waiting", "places", "taken", "now", "offer"),
    [
        ([FIN, KIT], 3, 2, LATER, Offer(5, LATER + timedelta(hours=2), True)),
        ([LAPSED, FIN], 3, 2, LATER, Offer(5, LATER + timedelta(hours=2), True)),
        ([Waiting(3, NOW_BEFORE + timedelta(minutes=30), False), FIN], 3, 2, NOW_BEFORE,
         None),  # one offer at a time
        ([FIN], 3, 3, LATER, None),  # no place free
        ([LAPSED], 3, 2, LATER, None),  # nobody left to offer it to
        ([], 3, 2, LATER, None),
        # An hour before the start or closer: too late for an offer, the place opens to all.
        ([FIN], 3, 2, START - timedelta(minutes=30),
         Offer(5, START - timedelta(minutes=30), False)),
        ([FIN], 3, 2, NOW_BEFORE, Offer(5, START - timedelta(hours=1), True)),
    ],
)
def test_who_a_freed_place_is_offered_to(waiting: list[Waiting], places: int, taken: int,
                                         now: datetime, offer: Offer | None) -> None:
    assert next_offer(waiting, places=places, taken=taken, starts_at=START, now=now) == offer


@pytest.mark.parametrize(
    ("wants", "attending", "capacity", "coming", "step"),
    [
        (True, False, None, 40, Attendance.JOIN),
        (True, False, 10, 9, Attendance.JOIN),
        (True, False, 10, 10, Attendance.FULL),
        (True, True, 10, 10, Attendance.UNCHANGED),
        (False, True, 10, 10, Attendance.LEAVE),
        (False, False, 10, 3, Attendance.UNCHANGED),
        (False, True, 1, 5, Attendance.LEAVE),  # over capacity (it was lowered): can still go
    ],
)
def test_who_may_come_along(wants: bool, attending: bool, capacity: int | None, coming: int,
                            step: Attendance) -> None:
    assert decide_attendance(wants=wants, attending=attending, capacity=capacity,
                             coming=coming) is step


LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def draft(**changes: object) -> SessionDraft:
    values: dict[str, object] = {
        "title": "Tuesday peer group", "kind": SessionKind.PEER_GROUP, "day": date(2026, 12, 1),
        "start_time": time(18, 0), "end_time": time(20, 0), "place": "Hope Centre"}
    values.update(changes)
    return SessionDraft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"day": date(2026, 11, 22), "start_time": time(11, 0)}, {"start"}),  # in the past
        ({"end_time": time(17, 0)}, {"end"}),
        ({"end_time": time(18, 0)}, {"end"}),
        ({"title": " ", "place": ""}, {"title", "place"}),
        ({"facilitators_needed": 1}, {"needed"}),
        ({"facilitators_needed": 4}, {"places"}),  # needs above places
        ({"trained_needed": 0}, {"trained"}),
        ({"trained_needed": 3}, {"trained"}),
        ({"capacity": 0}, {"capacity"}),
        ({"kind": None, "day": None, "start_time": None, "end_time": None},
         {"kind", "day", "start", "end"}),
    ],
)
def test_check_draft(changes: dict[str, object], fields: set[str]) -> None:
    if not fields:
        assert isinstance(check_draft(draft(**changes), NOW, LONDON), ValidSession)
        return
    with pytest.raises(InvalidSession) as invalid:
        check_draft(draft(**changes), NOW, LONDON)
    assert set(invalid.value.errors) == fields


def test_a_valid_draft_is_tidied_and_has_every_field() -> None:
    valid = check_draft(draft(title="  Tuesday group ", place=" Hope Centre "), NOW, LONDON)
    assert (valid.title, valid.place, valid.kind) == ("Tuesday group", "Hope Centre",
                                                      SessionKind.PEER_GROUP)
    assert valid.starts_on(valid.day, LONDON) == datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)
    assert valid.ends_on(valid.day, LONDON).hour == 20


def test_a_session_after_the_clocks_change_keeps_its_local_time() -> None:
    # The clocks go forward on 28 March 2027; 18:00 the next day is 17:00 UTC.
    moment = local_moment(date(2027, 3, 29), time(18, 0), LONDON)
    assert moment.astimezone(UTC).hour == 17
    assert moment.astimezone(LONDON).hour == 18
    days = series_days(date(2027, 3, 16), Repeat.WEEKLY, date(2027, 4, 6))
    hours = [local_moment(d, time(18, 0), LONDON).astimezone(UTC).hour for d in days]
    assert hours == [18, 18, 17, 17]
    assert [local_moment(d, time(18, 0), LONDON).astimezone(LONDON).hour for d in days] == [18] * 4


def test_series_days() -> None:
    first = date(2026, 12, 1)
    assert series_days(first, Repeat.NONE, date(2027, 3, 1)) == [first]
    assert len(series_days(first, Repeat.WEEKLY, first + timedelta(weeks=8))) == 9
    assert series_days(first, Repeat.FORTNIGHTLY, date(2026, 12, 29)) == [
        first, date(2026, 12, 15), date(2026, 12, 29)]
