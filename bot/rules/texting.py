"""Texting rules: what a reply means, and when a text may go out (quiet hours, the daily cap)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

# The words carriers and Twilio treat as opting out and back in; only a single word counts.
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                           "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
YES_WORDS = frozenset({"YES", "Y", "YEP", "YEAH", "OK"})
NO_WORDS = frozenset({"NO", "N", "NOPE"})

QUIET_FROM = time(21, 0)
QUIET_UNTIL_WEEKDAY = time(9, 0)
QUIET_UNTIL_WEEKEND = time(10, 0)


class Reply(enum.StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    YES = "yes"
    NO = "no"
    OTHER = "other"


def classify_reply(body: str) -> Reply:
    """One word (any case, trailing punctuation ignored) is a keyword; anything longer is a
    message for the team. START is also YES to Twilio, but here START always means opt in."""
    words = body.strip().split()
    if len(words) != 1:
        return Reply.OTHER
    word = words[0].strip(".!,").upper()
    if word in OPT_OUT_WORDS:
        return Reply.STOP
    if word in OPT_IN_WORDS:
        return Reply.START
    if word in HELP_WORDS:
        return Reply.HELP
    if word in YES_WORDS:
        return Reply.YES
    if word in NO_WORDS:
        return Reply.NO
    return Reply.OTHER


class RsvpSubject(enum.StrEnum):
    """What a YES or NO by text can answer."""

    MEETING = "meeting"
    SESSION = "session"


@dataclass(frozen=True)
class RsvpFor:
    """The meeting or session a text invites someone to, so that a YES or NO to it can be
    answered. Stored as "meeting:12" on the text's outbox row (and as the subject of the
    reminder log): built and read only here."""

    subject: RsvpSubject
    id: int

    @property
    def stored(self) -> str:
        return f"{self.subject.value}:{self.id}"

    @classmethod
    def read(cls, stored: str | None) -> RsvpFor | None:
        """The invitation a stored value names; None for anything else."""
        subject, _, number = (stored or "").partition(":")
        if subject not in set(RsvpSubject) or not number.isdigit():
            return None
        return cls(RsvpSubject(subject), int(number))


def quiet_hours_release(now: datetime, tz: tzinfo) -> datetime | None:
    """When a non-urgent text held for quiet hours may go: nothing between 21:00 and 09:00
    (10:00 at weekends). None means it may go now."""
    local = now.astimezone(tz)
    if QUIET_UNTIL_WEEKDAY <= local.time() < QUIET_FROM and not (
            local.weekday() >= 5 and local.time() < QUIET_UNTIL_WEEKEND):
        return None
    day = local.date() if local.time() < QUIET_FROM else local.date() + timedelta(days=1)
    until = QUIET_UNTIL_WEEKEND if day.weekday() >= 5 else QUIET_UNTIL_WEEKDAY
    return datetime.combine(day, until, tzinfo=tz)


def next_morning(now: datetime, tz: tzinfo) -> datetime:
    """The start of tomorrow's texting day, for a text over the daily cap."""
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    until = QUIET_UNTIL_WEEKEND if tomorrow.weekday() >= 5 else QUIET_UNTIL_WEEKDAY
    return datetime.combine(tomorrow, until, tzinfo=tz)


def start_of_day(now: datetime, tz: tzinfo) -> datetime:
    return datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz)
