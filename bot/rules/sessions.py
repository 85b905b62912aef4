"""Sessions as rules: their kinds, checking a new one, and the dates of a weekly series."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.rules.forms import NeedsChanges
from bot.rules.schedule import DAY, END, KIND, PLACE, START, TITLE, check_when_and_where

SERIES_AHEAD = timedelta(weeks=8)


class SessionKind(enum.StrEnum):
    PEER_GROUP = "peer_group"
    DROP_IN = "drop_in"
    WORKSHOP = "workshop"
    TRAINING = "training"
    OTHER = "other"


SESSION_KIND_WORDS: dict[SessionKind, str] = {
    SessionKind.PEER_GROUP: "Peer group",
    SessionKind.DROP_IN: "Drop-in",
    SessionKind.WORKSHOP: "Workshop",
    SessionKind.TRAINING: "Training",
    SessionKind.OTHER: "Other",
}


class Repeat(enum.StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"

    @property
    def weeks(self) -> int:
        return {"none": 0, "weekly": 1, "fortnightly": 2}[self.value]


class DraftField:
    TITLE, KIND, DAY, START, END, PLACE = TITLE, KIND, DAY, START, END, PLACE
    NEEDED = "needed"
    TRAINED = "trained"
    PLACES = "places"
    CAPACITY = "capacity"


@dataclass(frozen=True)
class SessionDraft:
    title: str
    kind: SessionKind | None
    day: date | None
    start_time: time | None
    end_time: time | None
    place: str
    channel: str | None = None
    facilitators_needed: int = 2
    trained_needed: int = 1
    places: int = 3
    capacity: int | None = None
    repeat: Repeat = Repeat.NONE


def local_moment(day: date, at: time, tz: tzinfo) -> datetime:
    """A wall-clock time where the organisation is, as an aware datetime (then kept in UTC)."""
    return datetime.combine(day, at, tzinfo=tz)


class InvalidSession(NeedsChanges):
    """A session draft that can't be saved: what to fix, by field."""


@dataclass(frozen=True)
class ValidSession:
    """A draft that passed every check: each field is there and makes sense."""

    title: str
    kind: SessionKind
    day: date
    start_time: time
    end_time: time
    place: str
    channel: str | None
    facilitators_needed: int
    trained_needed: int
    places: int
    capacity: int | None
    repeat: Repeat

    def starts_on(self, day: date, tz: tzinfo) -> datetime:
        return local_moment(day, self.start_time, tz)

    def ends_on(self, day: date, tz: tzinfo) -> datetime:
        return local_moment(day, self.end_time, tz)


def _facilitators(count: int) -> str:
    return "one facilitator" if count == 1 else f"{count} facilitators"


def draft_errors(draft: SessionDraft, now: datetime, tz: tzinfo) -> dict[str, str]:
    """What is wrong with a draft, by field, in words for the person who filled it in."""
    errors = check_when_and_where(
        noun="session", title=draft.title, has_kind=draft.kind is not None, day=draft.day,
        start_time=draft.start_time, end_time=draft.end_time, place=draft.place, now=now, tz=tz)
    if draft.facilitators_needed < 2:
        errors[DraftField.NEEDED] = ("Every session needs at least two facilitators, so "
                                     "nobody runs a group alone.")
    if draft.trained_needed < 1:
        errors[DraftField.TRAINED] = "Every session needs at least one trained facilitator."
    elif draft.trained_needed > draft.facilitators_needed:
        needed = _facilitators(draft.facilitators_needed)
        errors[DraftField.TRAINED] = f"This can't be more than the {needed} needed."
    if draft.places < draft.facilitators_needed:
        errors[DraftField.PLACES] = (f"There are fewer places than the "
                                     f"{_facilitators(draft.facilitators_needed)} needed.")
    elif draft.places > 20:
        errors[DraftField.PLACES] = "Please keep facilitator places to 20 or fewer."
    if draft.capacity is not None and draft.capacity < 1:
        errors[DraftField.CAPACITY] = "Leave it empty for no limit, or give a number above 0."
    return errors


def check_draft(draft: SessionDraft, now: datetime, tz: tzinfo) -> ValidSession:
    """The draft as a session that can be saved, or InvalidSession saying what to fix."""
    errors = draft_errors(draft, now, tz)
    kind, day, start, end = draft.kind, draft.day, draft.start_time, draft.end_time
    # A missing kind, day or time is always among the errors; naming them again lets the
    # checker see that the fields below are all there.
    if errors or kind is None or day is None or start is None or end is None:
        raise InvalidSession(errors)
    return ValidSession(
        title=draft.title.strip(), kind=kind, day=day, start_time=start, end_time=end,
        place=draft.place.strip(), channel=draft.channel,
        facilitators_needed=draft.facilitators_needed, trained_needed=draft.trained_needed,
        places=draft.places, capacity=draft.capacity, repeat=draft.repeat)


def series_days(first: date, repeat: Repeat, until: date) -> list[date]:
    """The days of a series from `first` up to `until`. Each keeps its wall-clock time when
    combined with local_moment, so the clocks changing never moves a session."""
    if repeat is Repeat.NONE:
        return [first]
    step = timedelta(weeks=repeat.weeks)
    days, day = [], first
    while day <= until:
        days.append(day)
        day += step
    return days
