"""The checks every dated thing shares (sessions and meetings): a name, a kind, a day, a start
in the future, an end after it, and a place."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

TITLE, KIND, DAY, START, END, PLACE = "title", "kind", "day", "start", "end", "place"


def check_when_and_where(*, noun: str, title: str, has_kind: bool, day: date | None,
                         start_time: time | None, end_time: time | None, place: str,
                         now: datetime, tz: tzinfo) -> dict[str, str]:
    """Field -> a kind sentence for each thing to change; `noun` is "session" or "meeting"."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors[TITLE] = f"Please give the {noun} a name."
    elif len(title) > 150:
        errors[TITLE] = "Please keep the name under 150 characters."
    if not has_kind:
        errors[KIND] = f"Please choose what kind of {noun} it is."
    if day is None:
        errors[DAY] = "Please choose the day."
    if start_time is None:
        errors[START] = "Please choose a start time."
    if end_time is None:
        errors[END] = "Please choose an end time."
    # Each field says what is wrong with it, all at once: a day gone by is the day's fault,
    # not the start's, and an end before the start is worth saying alongside either.
    if day and day < now.astimezone(tz).date():
        errors[DAY] = "That day has already passed. Please choose a later one."
    elif day and start_time and datetime.combine(day, start_time, tzinfo=tz) <= now:
        errors[START] = "That time has already passed today. Please choose a later one."
    if start_time and end_time and end_time <= start_time:
        errors[END] = "The end needs to be after the start."
    if not place.strip():
        errors[PLACE] = "Please say where it is, or give the online link."
    elif len(place) > 300:
        errors[PLACE] = "Please keep the place under 300 characters."
    return errors
