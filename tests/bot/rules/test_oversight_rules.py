"""The trustees' oversight rules: harms in words, reminders, the digest's period and median."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.rules.safeguarding import (
    Harm,
    check_serious,
    digest_period,
    harms_in_words,
    median_days,
    next_reminder_after,
    read_harms,
    store_harms,
)

DAY = timedelta(hours=24)
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("harms", "words"), [
    ([Harm.PEOPLE], "harm to people"),
    ([Harm.DAMAGE, Harm.PEOPLE], "harm to people and damage to property"),
    (list(Harm), "harm to people, loss of money or assets, damage to property and harm to "
                 "the charity's reputation"),
])
def test_harms_read_as_plain_words_in_the_forms_order(harms: list[Harm], words: str) -> None:
    assert harms_in_words(harms) == words


def test_harms_are_stored_once_each_and_unknown_ones_are_ignored() -> None:
    assert store_harms([Harm.LOSS, Harm.PEOPLE, Harm.LOSS]) == "harm_to_people,loss"
    assert read_harms("loss,harm_to_people,not_a_harm,") == (Harm.PEOPLE, Harm.LOSS)


def test_at_least_one_harm_is_needed() -> None:
    assert check_serious([]) and check_serious([Harm.LOSS]) == {}


@pytest.mark.parametrize(("now", "expected"), [
    (T0, T0 + DAY),                                     # on time: a period on
    (T0 + timedelta(hours=5), T0 + DAY),                # a little late: still the same slot
    (T0 + 3 * DAY + timedelta(hours=1), T0 + 4 * DAY),  # after days stopped: one, not a burst
])
def test_the_next_reminder_is_a_period_on_and_never_already_past(
    now: datetime, expected: datetime
) -> None:
    assert next_reminder_after(T0, now, DAY) == expected


@pytest.mark.parametrize(("today", "months", "period"), [
    (date(2026, 12, 1), 1, (date(2026, 11, 1), date(2026, 12, 1))),
    (date(2026, 12, 15), 1, (date(2026, 11, 1), date(2026, 12, 1))),
    (date(2027, 1, 1), 1, (date(2026, 12, 1), date(2027, 1, 1))),
    (date(2027, 1, 1), 3, (date(2026, 10, 1), date(2027, 1, 1))),
    (date(2027, 1, 1), 12, (date(2026, 1, 1), date(2027, 1, 1))),
])
def test_the_digest_covers_the_whole_months_just_ended(
    today: date, months: int, period: tuple[date, date]
) -> None:
    assert digest_period(today, months) == period


@pytest.mark.parametrize(("days", "median"), [
    ([], None), ([2], 2.0), ([4, 2], 3.0), ([1, 9, 2], 2.0), ([0.5, 1], 0.8),
])
def test_the_median_time_to_resolve_in_days(days: list[float], median: float | None) -> None:
    assert median_days([timedelta(days=d) for d in days]) == median
