"""The members CSV's profile columns (reading, screen_reader, quiet_hours), on a real database:
kept when given, reported by line when they can't be read, and left alone when absent."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from bot.rules.communication import QuietHours, Reading
from bot.wiring import Runtime
from storage.models import Member
from tests.conftest import FakeClock

HEADER = "name,slack_user_id,phone,roles,contact,sms_consent,reading,screen_reader,quiet_hours\n"


def profile(runtime: Runtime, slack_id: str) -> tuple[Reading, bool, QuietHours | None]:
    with runtime.sessions() as session:
        member = session.scalar(select(Member).where(Member.slack_user_id == slack_id))
        assert member is not None
        return member.reading, member.screen_reader, member.reader.quiet


def test_profile_columns_are_kept_and_bad_ones_reported_by_line(runtime: Runtime) -> None:
    report = runtime.services.members.import_csv(
        HEADER
        + "Rosa Vale,U0ROSA001,,member,slack,no,easy read,yes,21:00-08:00\n"
        + "Sam Ode,U0SAMO002,,member,slack,no,Easy_Read,no,\n"
        + "Kit Lane,U0KITL003,,member,slack,no,,,\n"
        + "Bad Reading,U0BADR004,,member,slack,no,large print,no,\n"
        + "Bad Reader,U0BADS005,,member,slack,no,standard,sometimes,\n"
        + "Bad Hours,U0BADH006,,member,slack,no,standard,no,9pm-8am\n"
        + "Same Hours,U0SAME007,,member,slack,no,standard,no,08:00-08:00\n")
    assert report.added == 3
    assert [str(p) for p in report.problems] == [
        "line 5: reading 'large print' should be standard or easy read",
        "line 6: screen_reader 'sometimes' should be yes or no",
        "line 7: quiet hours '9pm-8am' should look like 21:00-08:00",
        "line 8: quiet hours need to start and end at different times",
    ]
    assert profile(runtime, "U0ROSA001") == (Reading.EASY_READ, True,
                                             QuietHours(time(21), time(8)))
    assert profile(runtime, "U0SAMO002") == (Reading.EASY_READ, False, None)
    # Empty cells are the defaults: standard, no screen reader, no quiet hours.
    assert profile(runtime, "U0KITL003") == (Reading.STANDARD, False, None)
    listed = {m.name: m for m in runtime.services.members.list_members()}
    assert listed["Rosa Vale"].quiet == QuietHours(time(21), time(8))


def test_a_file_without_the_columns_leaves_what_members_chose(runtime: Runtime,
                                                              clock: FakeClock) -> None:
    runtime.services.members.import_csv(
        HEADER + "Rosa Vale,U0ROSA001,,member,slack,no,easy read,yes,22:00-07:00\n")
    clock.advance(days=1)
    report = runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Rosa Vale,U0ROSA001,,member,slack,no\n")
    assert (report.updated, report.unchanged) == (0, 1)
    assert profile(runtime, "U0ROSA001") == (Reading.EASY_READ, True,
                                             QuietHours(time(22), time(7)))

    # Empty cells say nothing either: what Rosa chose stays.
    report = runtime.services.members.import_csv(
        HEADER + "Rosa Vale,U0ROSA001,,member,slack,no,,,\n")
    assert (report.updated, report.unchanged) == (0, 1)
    assert profile(runtime, "U0ROSA001") == (Reading.EASY_READ, True,
                                             QuietHours(time(22), time(7)))
    # A cell with a value is a change: the style, the screen reader, "none" for no quiet hours.
    report = runtime.services.members.import_csv(
        HEADER + "Rosa Vale,U0ROSA001,,member,slack,no,standard,no,none\n")
    assert report.updated == 1
    assert profile(runtime, "U0ROSA001") == (Reading.STANDARD, False, None)


def test_only_the_quiet_hours_column_changes_only_quiet_hours(runtime: Runtime) -> None:
    runtime.services.members.import_csv(
        HEADER + "Rosa Vale,U0ROSA001,,member,slack,no,easy read,yes,\n")
    runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent,quiet_hours\n"
        "Rosa Vale,U0ROSA001,,member,slack,no,21-8\n")
    assert profile(runtime, "U0ROSA001") == (Reading.EASY_READ, True,
                                             QuietHours(time(21), time(8)))
