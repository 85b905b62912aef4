"""Each member's way of being reached: standard or easy read, words for screen readers, and the
hours they'd rather not be messaged. Plain values and rules; the renderers and the dispatcher
apply them at delivery."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo


class Reading(enum.StrEnum):
    STANDARD = "standard"
    EASY_READ = "easy_read"


@dataclass(frozen=True)
class Style:
    """How one recipient's messages are worded. A channel post has no single reader, so it is
    drawn in the standard style; a DM or a text in its reader's."""

    easy_read: bool = False
    screen_reader: bool = False

    @property
    def name(self) -> str:
        words = ["easy read" if self.easy_read else "standard"]
        if self.screen_reader:
            words.append("screen reader")
        return ", ".join(words)


STANDARD = Style()
EASY_READ = Style(easy_read=True)


@dataclass(frozen=True)
class QuietHours:
    """Hours someone would rather not be messaged, in the organisation's time zone. `start`
    after `end` spans midnight ("21:00 to 08:00")."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True)
class Reader:
    """What delivery needs to know about the person a message goes to."""

    style: Style = STANDARD
    quiet: QuietHours | None = None


NOBODY_IN_PARTICULAR = Reader()

# How a spreadsheet or a person may write each reading style.
READING_WORDS = {"standard": Reading.STANDARD, "easy read": Reading.EASY_READ,
                 "easy_read": Reading.EASY_READ, "easy-read": Reading.EASY_READ,
                 "easyread": Reading.EASY_READ}


def parse_reading(text: str) -> Reading:
    """"standard", "easy read" (or easy_read, easy-read); a ValueError says what is taken."""
    found = READING_WORDS.get(" ".join(text.lower().split()))
    if found is None:
        raise ValueError(f"reading {text!r} should be standard or easy read")
    return found

# "21:00-08:00", "21-8", "9pm to 8am" is not taken: times are 24-hour, as the form offers them.
QUIET_HOURS_SHAPE = re.compile(
    r"^\s*(\d{1,2})(?::(\d{2}))?\s*(?:-|to|\u2013)\s*(\d{1,2})(?::(\d{2}))?\s*$", re.IGNORECASE)
NO_QUIET_HOURS = frozenset({"", "none", "no", "-"})


def parse_quiet_hours(text: str) -> QuietHours | None:
    """"21:00-08:00", "21-8" or "21:00 to 08:00"; empty or "none" for none. A ValueError says,
    kindly, what the shape should be."""
    if text.strip().lower() in NO_QUIET_HOURS:
        return None
    found = QUIET_HOURS_SHAPE.match(text)
    if found is None:
        raise ValueError(f"quiet hours {text!r} should look like 21:00-08:00")
    start_h, start_m, end_h, end_m = found.groups()
    try:
        start = time(int(start_h), int(start_m or 0))
        end = time(int(end_h), int(end_m or 0))
    except ValueError:
        raise ValueError(f"quiet hours {text!r} should be two times of day, like 21:00-08:00"
                         ) from None
    if start == end:
        raise ValueError("quiet hours need to start and end at different times")
    return QuietHours(start, end)


def quiet_release(now: datetime, tz: tzinfo, quiet: QuietHours | None) -> datetime | None:
    """When a message held for someone's own quiet hours may go; None if it may go now."""
    if quiet is None:
        return None
    local = now.astimezone(tz)
    if not quiet.contains(local.time()):
        return None
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        day += timedelta(days=1)  # in the evening part of hours that span midnight
    release = datetime.combine(day, quiet.end, tzinfo=tz)
    # In the hour the clocks go back, the end can be a moment already passed: go now.
    return release if release > now else None


# -- words for screen readers -----------------------------------------------------------------
# ":white_check_mark:", but not the "00:30:" of a time: a shortcode has a letter in it.
SHORTCODE = re.compile(r"(?<![\w:]):[a-z0-9_+'-]*[a-z][a-z0-9_+'-]*:(?!\w)")
SPACES = re.compile(r"[ \t]{2,}")


def _is_pictograph(char: str) -> bool:
    if char in "\u200d\ufe0f\ufe0e\u20e3":  # joiners and variation selectors of emoji
        return True
    code = ord(char)
    return (0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF
            or 0x2B00 <= code <= 0x2BFF or unicodedata.category(char) == "So")


# The pictures Coprod's own messages put before their words ("✅ Covered", "📅 New: ..."). A
# screen reader reads each one's name aloud, so for someone who uses one they are left out;
# the words after them say the same. Each ends with an invisible separator (U+2063), so that
# only our own are left out: a "✅" someone texted us is what they said, and stays.
# tests/test_architecture.py fails when a message writes a picture other than these.
MARK = "\u2063"
# A rotating light as a character, not ":rotating_light:": a :shortcode: with the mark after it
# might not be shown as a picture.
DANGER = "\U0001f6a8" + MARK
DONE = "\u2705" + MARK
WARNING = "\u26a0\ufe0f" + MARK
NEW_WAY = "\U0001f331" + MARK
NEW_DATE = "\U0001f4c5" + MARK
DOCUMENT = "\U0001f4c4" + MARK
CANCELLED = "\U0001f6ab" + MARK
CUES = (DANGER, DONE, WARNING, NEW_WAY, NEW_DATE, DOCUMENT, CANCELLED)
CUE_WITH_SPACE = re.compile("(?:" + "|".join(re.escape(cue) for cue in CUES) + r")[ \t]?")


def without_cues(text: str) -> str:
    """Coprod's own pictures left out, every word kept (see CUES)."""
    return CUE_WITH_SPACE.sub("", text)


def without_emoji(text: str) -> str:
    """Every picture left out, every word and time kept: for checking that what a message
    says is in its words."""
    kept = "".join(c for c in SHORTCODE.sub("", text) if not _is_pictograph(c))
    return "\n".join(SPACES.sub(" ", line).strip() for line in kept.split("\n"))


def has_emoji(text: str) -> bool:
    return SHORTCODE.search(text) is not None or any(_is_pictograph(c) for c in text)


# -- choosing a profile -------------------------------------------------------------------------
# How someone is reached, as the directory's contact column and the form say it.
CONTACT_CHOICES = ("slack", "sms", "both")


class ProfileField(enum.StrEnum):
    CONTACT = "contact"
    READING = "reading"
    SCREEN_READER = "screen_reader"
    QUIET_FROM = "quiet_from"
    QUIET_UNTIL = "quiet_until"
    AGREED = "agreed"


@dataclass(frozen=True)
class ProfileChoice:
    """What the profile form says: a way of being reached, a reading style, the screen-reader
    setting, and quiet hours (both times, or neither)."""

    contact: str | None
    reading: Reading | None
    screen_reader: bool = False
    quiet_from: time | None = None
    quiet_until: time | None = None

    @property
    def quiet(self) -> QuietHours | None:
        if self.quiet_from is None or self.quiet_until is None:
            return None
        return QuietHours(self.quiet_from, self.quiet_until)


def check_profile(choice: ProfileChoice, *, has_slack: bool, has_phone: bool,
                  for_someone_else: bool = False, agreed: bool = True
                  ) -> dict[ProfileField, str]:
    """Field errors in kind words; empty when the choice can be saved. `for_someone_else`: a
    coordinator is choosing, which they may do only with the person's agreement."""
    errors: dict[ProfileField, str] = {}
    if choice.contact not in CONTACT_CHOICES:
        errors[ProfileField.CONTACT] = (
            "Please choose how we reach them." if for_someone_else
            else "Please choose how we reach you.")
    elif choice.contact in ("sms", "both") and not has_phone:
        errors[ProfileField.CONTACT] = (
            "We don't have a phone number for them yet. Add it to the member list first, then "
            "choose texts." if for_someone_else else
            "We don't have a phone number for you yet. Please ask a coordinator to add it, "
            "then choose texts.")
    elif choice.contact in ("slack", "both") and not has_slack:
        errors[ProfileField.CONTACT] = (
            "They don't use Slack with us, so messages can only come by text."
            if for_someone_else else
            "You don't use Slack with us, so messages can only come by text.")
    if choice.reading is None:
        errors[ProfileField.READING] = "Please choose how messages are written."
    if (choice.quiet_from is None) != (choice.quiet_until is None):
        missing = (ProfileField.QUIET_UNTIL if choice.quiet_until is None
                   else ProfileField.QUIET_FROM)
        errors[missing] = "Please choose both times, or no quiet hours."
    elif choice.quiet_from is not None and choice.quiet_from == choice.quiet_until:
        errors[ProfileField.QUIET_UNTIL] = "Quiet hours need to start and end at different times."
    if for_someone_else and not agreed:
        errors[ProfileField.AGREED] = (
            "Please tick this to say they agreed. We only change someone's profile with their "
            "agreement.")
    return errors
