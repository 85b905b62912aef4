"""The checks sessions and meetings share: each field says what is wrong with it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.rules.schedule import DAY, END, START, check_when_and_where

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "start", "end", "expected"),
    [
        (date(2026, 12, 1), time(18), time(20), {}),
        # A day gone by is the day's to fix, not the start's.
        (date(2026, 11, 1), time(18), time(20), {DAY: "That day has already passed"}),
        # Today, but the time has gone by.
        (date(2026, 11, 30), time(9), time(10), {START: "That time has already passed today"}),
        # Two things wrong with the times: both are said at once.
        (date(2026, 11, 30), time(9), time(8), {START: "already passed today",
                                                END: "after the start"}),
        (date(2026, 11, 1), time(18), time(17), {DAY: "already passed", END: "after the start"}),
        (date(2026, 12, 1), time(18), time(18), {END: "after the start"}),
    ],
)
def test_each_time_field_says_what_is_wrong_with_it(
    day: date, start: time, end: time, expected: dict[str, str]
) -> None:
    errors = check_when_and_where(noun="meeting", title="Forum", has_kind=True, day=day,
                                  start_time=start, end_time=end, place="Hope Centre",
                                  now=NOW, tz=UTC)
    assert set(errors) == set(expected)
    for field, words in expected.items():
        assert words in errors[field]
