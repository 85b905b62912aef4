"""Reply keywords and the hours texts may go out, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.rules.texting import (
    Reply,
    RsvpFor,
    RsvpSubject,
    classify_reply,
    next_morning,
    quiet_hours_release,
)

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("body", "reply"),
    [
        ("STOP", Reply.STOP), ("stop", Reply.STOP), (" Unsubscribe. ", Reply.STOP),
        ("STOPALL", Reply.STOP), ("quit", Reply.STOP), ("START", Reply.START),
        ("unstop", Reply.START), ("HELP", Reply.HELP), ("info", Reply.HELP),
        ("Yes", Reply.YES), ("y", Reply.YES), ("YES!", Reply.YES), ("no", Reply.NO),
        ("please stop", Reply.OTHER), ("yes please", Reply.OTHER), ("", Reply.OTHER),
        ("Running late, sorry", Reply.OTHER),
    ],
)
def test_classify_reply(body: str, reply: Reply) -> None:
    assert classify_reply(body) is reply


@pytest.mark.parametrize(
    ("utc", "release"),
    [
        # Monday 23 Nov 2026 (London is on GMT): daytime goes at once.
        ((2026, 11, 23, 9, 0), None),
        ((2026, 11, 23, 20, 59), None),
        ((2026, 11, 23, 21, 0), (2026, 11, 24, 9, 0)),
        ((2026, 11, 24, 2, 30), (2026, 11, 24, 9, 0)),
        ((2026, 11, 23, 8, 59), (2026, 11, 23, 9, 0)),
        # Friday night and Saturday morning wait until 10:00 on Saturday.
        ((2026, 11, 27, 22, 0), (2026, 11, 28, 10, 0)),
        ((2026, 11, 28, 9, 30), (2026, 11, 28, 10, 0)),
        ((2026, 11, 28, 10, 0), None),
        # Summer time: 21:00 in London is 20:00 UTC.
        ((2027, 6, 14, 20, 0), (2027, 6, 15, 9, 0)),
    ],
)
def test_quiet_hours(utc: tuple[int, ...], release: tuple[int, ...] | None) -> None:
    now = datetime(*utc, tzinfo=UTC)
    expected = datetime(*release, tzinfo=LONDON) if release else None
    assert quiet_hours_release(now, LONDON) == expected


def test_next_morning_for_the_daily_cap() -> None:
    assert next_morning(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), LONDON) == datetime(
        2026, 11, 24, 9, 0, tzinfo=LONDON)
    assert next_morning(datetime(2026, 11, 27, 15, 0, tzinfo=UTC), LONDON) == datetime(
        2026, 11, 28, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("meeting:12", RsvpFor(RsvpSubject.MEETING, 12)),
        ("session:7", RsvpFor(RsvpSubject.SESSION, 7)),
        (None, None), ("", None), ("meeting:", None), ("meeting:x", None),
        ("incident:3", None), ("session:-1", None), ("12", None),
    ],
)
def test_what_a_yes_or_no_answers_is_read_back_as_stored(stored: str | None,
                                                         read: RsvpFor | None) -> None:
    assert RsvpFor.read(stored) == read
    if read is not None:
        assert read.stored == stored
