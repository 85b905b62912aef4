"""Meeting rules, table-driven: series dates, reminder offsets and which reminder is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules.meetings import (
    MeetingRepeat,
    is_invited,
    meeting_days,
    nth_weekday,
    offset_label,
    parse_offsets,
    plan_reminders,
    series_words,
)

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2027, 1, 12), (1, 2)), (date(2027, 1, 1), (4, 1)), (date(2027, 3, 30), (1, -1)),
     (date(2027, 3, 23), (1, 4))],
)
def test_nth_weekday(day: date, expected: tuple[int, int]) -> None:
    assert nth_weekday(day) == expected


def test_a_quarterly_forum_keeps_the_second_tuesday_and_its_local_time_across_dst() -> None:
    days = meeting_days(date(2027, 1, 12), MeetingRepeat.QUARTERLY, date(2028, 1, 31))
    assert days == [date(2027, 1, 12), date(2027, 4, 13), date(2027, 7, 13),
                    date(2027, 10, 12), date(2028, 1, 11)]
    starts = [datetime.combine(d, time(18, 0), tzinfo=LONDON) for d in days]
    assert [s.astimezone(UTC).hour for s in starts] == [18, 17, 17, 17, 18]
    assert {s.astimezone(LONDON).hour for s in starts} == {18}
    assert series_words(MeetingRepeat.QUARTERLY, date(2027, 1, 12)) == (
        "every third month, second Tuesday")


def test_last_weekday_series_and_yearly() -> None:
    assert meeting_days(date(2027, 3, 30), MeetingRepeat.MONTHLY, date(2027, 6, 30)) == [
        date(2027, 3, 30), date(2027, 4, 27), date(2027, 5, 25), date(2027, 6, 29)]
    assert meeting_days(date(2027, 9, 18), MeetingRepeat.YEARLY, date(2029, 1, 1)) == [
        date(2027, 9, 18), date(2028, 9, 16)]


def test_parse_offsets() -> None:
    offsets = parse_offsets("default=7d,1d,2h;agm=28d,7d;session=90m")
    assert offsets["default"] == (timedelta(days=7), timedelta(days=1), timedelta(hours=2))
    assert offsets["agm"] == (timedelta(days=28), timedelta(days=7))
    assert [offset_label(o) for o in offsets["session"]] == ["90m"]
    assert parse_offsets("2d,3h")["default"] == (timedelta(days=2), timedelta(hours=3))
    with pytest.raises(ValueError, match="is not like 7d"):
        parse_offsets("a week")


START = datetime(2027, 1, 12, 18, 0, tzinfo=UTC)
OFFSETS = (timedelta(days=7), timedelta(days=1), timedelta(hours=2))


@pytest.mark.parametrize(
    ("before", "done", "send", "missed"),
    [
        (timedelta(days=8), set(), None, ()),
        (timedelta(days=7), set(), "7d", ()),
        (timedelta(days=3), {"7d"}, None, ()),
        (timedelta(hours=20), {"7d"}, "1d", ()),
        (timedelta(hours=20), set(), "1d", ("7d",)),  # down for a week: the old one is missed
        (timedelta(hours=1), {"7d", "1d"}, "2h", ()),
        (timedelta(0), {"7d", "1d"}, None, ("2h",)),  # started: too late to be useful
        (-timedelta(hours=1), {"7d", "1d", "2h"}, None, ()),
    ],
)
def test_plan_reminders(before: timedelta, done: set[str], send: str | None,
                        missed: tuple[str, ...]) -> None:
    plan = plan_reminders(START, START - before, OFFSETS, done)
    assert (plan.send, plan.missed) == (send, missed)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"title": " ", "place": ""}, {"title", "place"}),
        ({"place": "x" * 301}, {"place"}),  # the column holds 300
        ({"end_time": time(17, 0)}, {"end"}),
        ({"day": date(2026, 11, 1)}, {"day"}),  # a day gone by is the day's to fix
        ({"invited": "wizard"}, {"invited"}),
        ({"invited": "trustee"}, set()),
    ],
)
def test_check_meeting(changes: dict[str, object], fields: set[str]) -> None:
    from bot.rules.meetings import MeetingDraft, MeetingKind, check_meeting
    from bot.rules.roles import Role

    values: dict[str, object] = {"title": "Forum", "kind": MeetingKind.FORUM,
                                 "day": date(2027, 1, 12), "start_time": time(18, 0),
                                 "end_time": time(20, 0), "place": "Hope Centre"}
    values.update(changes)
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    errors = check_meeting(MeetingDraft(**values), now, LONDON,  # type: ignore[arg-type]
                           [r.value for r in Role])
    assert set(errors) == fields


@pytest.mark.parametrize(
    ("roles", "invited", "expected"),
    [
        ({"member"}, "everyone", True), (set(), "everyone", True),
        ({"member"}, "coordinator", False), ({"coordinator", "trustee"}, "trustee", True),
        ({"facilitator"}, "trustee", False), (set(), "coordinator", False),
    ],
)
def test_who_is_invited(roles: set[str], invited: str, expected: bool) -> None:
    assert is_invited(roles, invited) is expected
