"""The communication profile's rules, table-driven: quiet hours as typed, when a held message
may go (across midnight and the clocks changing in Europe/London), reading styles as a
spreadsheet writes them, and what the profile form may save."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.rules.communication import (
    ProfileChoice,
    ProfileField,
    QuietHours,
    Reading,
    check_profile,
    parse_quiet_hours,
    parse_reading,
    quiet_release,
)

LONDON = ZoneInfo("Europe/London")
NIGHT = QuietHours(time(21), time(8))      # spans midnight
AFTERNOON = QuietHours(time(13), time(15))


@pytest.mark.parametrize(("typed", "quiet"), [
    ("21:00-08:00", NIGHT),
    ("21-8", NIGHT),
    ("21:00 to 08:00", NIGHT),
    (" 21:00 \u2013 08:00 ", NIGHT),
    ("13:00-15:00", AFTERNOON),
    ("22:30-07:15", QuietHours(time(22, 30), time(7, 15))),
    ("", None),
    ("none", None),
    ("No", None),
    ("-", None),
])
def test_quiet_hours_are_read_as_people_type_them(typed: str, quiet: QuietHours | None) -> None:
    assert parse_quiet_hours(typed) == quiet


@pytest.mark.parametrize(("typed", "says"), [
    ("9pm to 8am", "should look like 21:00-08:00"),
    ("21:00", "should look like 21:00-08:00"),
    ("25:00-08:00", "should be two times of day"),
    ("21:75-08:00", "should be two times of day"),
    ("21:00-21:00", "start and end at different times"),
    ("8-8", "start and end at different times"),
])
def test_quiet_hours_that_cannot_be_read_say_what_they_should_look_like(typed: str,
                                                                       says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_quiet_hours(typed)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("now", "quiet", "release"), [
    # No quiet hours, or outside them: it goes now.
    ("2026-12-01T18:00", None, None),
    ("2026-12-01T20:59", NIGHT, None),
    ("2026-12-01T08:00", NIGHT, None),
    ("2026-12-01T12:59", AFTERNOON, None),
    ("2026-12-01T15:00", AFTERNOON, None),
    # In winter (GMT) local time is UTC: the evening part waits for tomorrow morning...
    ("2026-12-01T21:00", NIGHT, "2026-12-02T08:00"),
    ("2026-12-01T23:59", NIGHT, "2026-12-02T08:00"),
    # ... and the morning part for this morning's end.
    ("2026-12-02T00:00", NIGHT, "2026-12-02T08:00"),
    ("2026-12-02T07:59", NIGHT, "2026-12-02T08:00"),
    ("2026-12-01T13:30", AFTERNOON, "2026-12-01T15:00"),
    # The last night of December goes into the new year.
    ("2026-12-31T22:00", NIGHT, "2027-01-01T08:00"),
    # In summer (BST, UTC+1): 21:00 local is 20:00 UTC, and 08:00 local is 07:00 UTC.
    ("2026-07-01T19:59", NIGHT, None),
    ("2026-07-01T20:00", NIGHT, "2026-07-02T07:00"),
    ("2026-07-01T12:30", AFTERNOON, "2026-07-01T14:00"),
    # The clocks go forward in the night of 28-29 March 2026 (01:00 GMT becomes 02:00 BST):
    # held at 22:00 GMT, released at 08:00 BST, which is 07:00 UTC.
    ("2026-03-28T22:00", NIGHT, "2026-03-29T07:00"),
    ("2026-03-29T01:30", NIGHT, "2026-03-29T07:00"),  # 02:30 BST, after the change
    # The clocks go back in the night of 24-25 October 2026 (02:00 BST becomes 01:00 GMT):
    # held at 21:00 BST (20:00 UTC), released at 08:00 GMT, which is 08:00 UTC.
    ("2026-10-24T20:00", NIGHT, "2026-10-25T08:00"),
    ("2026-10-25T00:30", NIGHT, "2026-10-25T08:00"),  # 01:30 BST, the first time round
    ("2026-10-25T01:30", NIGHT, "2026-10-25T08:00"),  # 01:30 GMT, the second time round
])
def test_a_held_message_goes_when_their_quiet_hours_end(now: str, quiet: QuietHours | None,
                                                      release: str | None) -> None:
    found = quiet_release(_at(now), LONDON, quiet)
    if release is None:
        assert found is None
    else:
        assert found is not None and found.astimezone(UTC) == _at(release)
        assert found > _at(now)


def test_quiet_hours_ending_in_the_hour_the_clocks_skip_still_end_after_now() -> None:
    # 23:00-01:30 on the night the clocks go forward: 01:30 local never happens that night,
    # and the message goes at the first moment after it (01:30 UTC, which is 02:30 BST).
    quiet = QuietHours(time(23), time(1, 30))
    found = quiet_release(_at("2026-03-29T00:45"), LONDON, quiet)
    assert found is not None and found.astimezone(UTC) == _at("2026-03-29T01:30")


@pytest.mark.parametrize(("typed", "reading"), [
    ("standard", Reading.STANDARD), ("Standard", Reading.STANDARD),
    ("easy read", Reading.EASY_READ), ("Easy Read", Reading.EASY_READ),
    ("easy_read", Reading.EASY_READ), ("easy-read", Reading.EASY_READ),
    ("  easy   read ", Reading.EASY_READ),
])
def test_reading_styles_as_a_spreadsheet_writes_them(typed: str, reading: Reading) -> None:
    assert parse_reading(typed) == reading


@pytest.mark.parametrize("typed", ["easy", "large print", "yes", ""])
def test_other_reading_styles_say_what_is_taken(typed: str) -> None:
    with pytest.raises(ValueError, match="should be standard or easy read"):
        parse_reading(typed)


GOOD = ProfileChoice(contact="slack", reading=Reading.EASY_READ)


@pytest.mark.parametrize(("choice", "facts", "errors"), [
    (GOOD, {}, {}),
    (ProfileChoice("both", Reading.STANDARD, True, time(21), time(8)), {}, {}),
    (ProfileChoice(None, None), {},
     {ProfileField.CONTACT: "Please choose how we reach you.",
      ProfileField.READING: "Please choose how messages are written."}),
    (ProfileChoice("sms", Reading.STANDARD), {"has_phone": False},
     {ProfileField.CONTACT: "We don't have a phone number for you yet. Please ask a "
                            "coordinator to add it, then choose texts."}),
    (ProfileChoice("both", Reading.STANDARD), {"has_phone": False},
     {ProfileField.CONTACT: "We don't have a phone number for you yet. Please ask a "
                            "coordinator to add it, then choose texts."}),
    (ProfileChoice("slack", Reading.STANDARD), {"has_phone": False}, {}),
    (ProfileChoice("slack", Reading.STANDARD), {"has_slack": False},
     {ProfileField.CONTACT: "You don't use Slack with us, so messages can only come by "
                            "text."}),
    (ProfileChoice("slack", Reading.STANDARD, quiet_from=time(21)), {},
     {ProfileField.QUIET_UNTIL: "Please choose both times, or no quiet hours."}),
    (ProfileChoice("slack", Reading.STANDARD, quiet_until=time(8)), {},
     {ProfileField.QUIET_FROM: "Please choose both times, or no quiet hours."}),
    (ProfileChoice("slack", Reading.STANDARD, quiet_from=time(9), quiet_until=time(9)), {},
     {ProfileField.QUIET_UNTIL: "Quiet hours need to start and end at different times."}),
    # A coordinator, for someone else: in their words, and only with their agreement.
    (GOOD, {"for_someone_else": True, "agreed": True}, {}),
    (GOOD, {"for_someone_else": True, "agreed": False},
     {ProfileField.AGREED: "Please tick this to say they agreed. We only change someone's "
                           "profile with their agreement."}),
    (ProfileChoice("sms", Reading.EASY_READ), {"for_someone_else": True, "has_phone": False},
     {ProfileField.CONTACT: "We don't have a phone number for them yet. Add it to the member "
                            "list first, then choose texts."}),
])
def test_what_the_profile_form_may_save(choice: ProfileChoice, facts: dict[str, bool],
                                        errors: dict[ProfileField, str]) -> None:
    given = {"has_slack": True, "has_phone": True, **facts}
    assert check_profile(choice, **given) == errors
