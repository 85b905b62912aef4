"""Meetings as rules: kinds, series ("every third month, second Tuesday"), who is invited, and
which reminders are due, sent or missed."""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.rules.forms import NeedsChanges
from bot.rules.schedule import DAY, END, KIND, PLACE, START, TITLE, check_when_and_where


class MeetingKind(enum.StrEnum):
    FORUM = "forum"
    COMMUNITY = "community"
    AGM = "agm"
    TRUSTEES = "trustees"
    OTHER = "other"


MEETING_KIND_WORDS: dict[MeetingKind, str] = {
    MeetingKind.FORUM: "Service-user forum",
    MeetingKind.COMMUNITY: "Community meeting",
    MeetingKind.AGM: "AGM",
    MeetingKind.TRUSTEES: "Trustees' meeting",
    MeetingKind.OTHER: "Meeting",
}

# Where members can add agenda items.
AGENDA_KINDS = (MeetingKind.FORUM, MeetingKind.COMMUNITY)


class MeetingRepeat(enum.StrEnum):
    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return {"none": 0, "monthly": 1, "quarterly": 3, "yearly": 12}[self.value]


ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
EVERYONE = "everyone"


def nth_weekday(day: date) -> tuple[int, int]:
    """(weekday, n) for a date: the second Tuesday is (1, 2); a fifth one counts as last (-1),
    since not every month has a fifth."""
    n = (day.day - 1) // 7 + 1
    return day.weekday(), (-1 if n == 5 else n)


def weekday_in_month(year: int, month: int, weekday: int, n: int) -> date:
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() == weekday]
    return date(year, month, days[-1] if n == -1 else days[n - 1])


def is_invited(roles: Iterable[str], invited: str) -> bool:
    """Whether someone holding `roles` is invited to a meeting for `invited` (everyone, or the
    holders of one role)."""
    return invited == EVERYONE or invited in set(roles)


def series_words(repeat: MeetingRepeat, first: date) -> str:
    if repeat is MeetingRepeat.NONE:
        return "once"
    weekday, n = nth_weekday(first)
    every = {MeetingRepeat.MONTHLY: "every month", MeetingRepeat.QUARTERLY: "every third month",
             MeetingRepeat.YEARLY: "every year"}[repeat]
    return f"{every}, {ORDINALS[n]} {calendar.day_name[weekday]}"


def meeting_days(first: date, repeat: MeetingRepeat, until: date) -> list[date]:
    """The days of a series, keeping "the second Tuesday" in each month it falls in."""
    if repeat is MeetingRepeat.NONE:
        return [first]
    weekday, n = nth_weekday(first)
    days: list[date] = []
    year, month = first.year, first.month
    while True:
        day = weekday_in_month(year, month, weekday, n)
        if day > until:
            return days
        days.append(day)
        month += repeat.months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


DEFAULT_OFFSETS = "7d,1d,2h"
_OFFSET = re.compile(r"^(\d+)([dhm])$")


def parse_offsets(text: str) -> dict[str, tuple[timedelta, ...]]:
    """"7d,1d,2h" for every kind, or "default=7d,1d,2h;agm=28d,7d;session=1d,2h" per kind.
    Raises ValueError with a plain reason."""
    result: dict[str, tuple[timedelta, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, _, values = part.rpartition("=")
        offsets = []
        for value in filter(None, (v.strip().lower() for v in values.split(","))):
            match = _OFFSET.match(value)
            if not match:
                raise ValueError(f"{value!r} is not like 7d, 24h or 30m")
            amount, unit = int(match.group(1)), match.group(2)
            offsets.append({"d": timedelta(days=amount), "h": timedelta(hours=amount),
                            "m": timedelta(minutes=amount)}[unit])
        result[name.strip().lower() or "default"] = tuple(sorted(offsets, reverse=True))
    result.setdefault("default", (timedelta(days=7), timedelta(days=1), timedelta(hours=2)))
    return result


def offset_label(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


@dataclass(frozen=True)
class ReminderPlan:
    send: str | None
    missed: tuple[str, ...]


def plan_reminders(starts_at: datetime, now: datetime, offsets: Sequence[timedelta],
                   done: set[str]) -> ReminderPlan:
    """Which reminder to send now, and which are past and no longer worth sending (a later one
    is due too, or the meeting has started): those are recorded as missed."""
    due = [offset_label(o) for o in sorted(offsets, reverse=True)
           if now >= starts_at - o and offset_label(o) not in done]
    if not due:
        return ReminderPlan(None, ())
    if now >= starts_at:
        return ReminderPlan(None, tuple(due))
    return ReminderPlan(due[-1], tuple(due[:-1]))


class MeetingField:
    TITLE, KIND, DAY, START, END, PLACE = TITLE, KIND, DAY, START, END, PLACE
    INVITED = "invited"


@dataclass(frozen=True)
class MeetingDraft:
    title: str
    kind: MeetingKind | None
    day: date | None
    start_time: time | None
    end_time: time | None
    place: str
    invited: str = EVERYONE
    channel: str | None = None
    repeat: MeetingRepeat = MeetingRepeat.NONE


def check_meeting(draft: MeetingDraft, now: datetime, tz: tzinfo,
                  roles: Sequence[str]) -> dict[str, str]:
    errors = check_when_and_where(
        noun="meeting", title=draft.title, has_kind=draft.kind is not None, day=draft.day,
        start_time=draft.start_time, end_time=draft.end_time, place=draft.place, now=now, tz=tz)
    if draft.invited != EVERYONE and draft.invited not in roles:
        errors[MeetingField.INVITED] = "Please choose everyone, or one of the roles."
    return errors


class InvalidMeeting(NeedsChanges):
    """A meeting draft that can't be saved: what to fix, by field."""


@dataclass(frozen=True)
class ValidMeeting:
    """A meeting that passed every check (or a series' stored one): each field is there."""

    title: str
    kind: MeetingKind
    day: date
    start_time: time
    end_time: time
    place: str
    invited: str = EVERYONE
    channel: str | None = None
    repeat: MeetingRepeat = MeetingRepeat.NONE


def validate_meeting(draft: MeetingDraft, now: datetime, tz: tzinfo,
                     roles: Sequence[str]) -> ValidMeeting:
    """The draft as a meeting that can be saved, or InvalidMeeting saying what to fix."""
    errors = check_meeting(draft, now, tz, roles)
    kind, day, start, end = draft.kind, draft.day, draft.start_time, draft.end_time
    # A missing kind, day or time is always among the errors; naming them again lets the
    # checker see that the fields below are all there.
    if errors or kind is None or day is None or start is None or end is None:
        raise InvalidMeeting(errors)
    return ValidMeeting(title=draft.title.strip(), kind=kind, day=day, start_time=start,
                        end_time=end, place=draft.place.strip(), invited=draft.invited,
                        channel=draft.channel, repeat=draft.repeat)
