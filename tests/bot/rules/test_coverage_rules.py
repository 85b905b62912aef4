"""Lone working, table-driven: coverage, who may claim, warnings and offers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules.coverage import (
    ClaimDecision,
    Facilitator,
    alert_due,
    assess_coverage,
    coverage_words,
    decide_claim,
    offer_expires_at,
    release_is_late,
)
from bot.rules.sessions import (
    Repeat,
    SessionDraft,
    SessionKind,
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
        ([PEER], False, "Needs one more facilitator, at least one trained"),
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
    assert set(check_draft(draft(**changes), NOW, LONDON)) == fields


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
