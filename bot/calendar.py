"""Add to calendar: an .ics file for a session (icalendar), behind an unguessable link."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from bot.config import Settings
from bot.rules.forms import is_whole_number


def calendar_token(session_id: int, settings: Settings) -> str:
    """Links to a session's calendar file can't be made up: the place of a peer group is
    not something to enumerate."""
    key = (settings.coprod_data_key or settings.slack_signing_secret or "coprod").encode()
    return hmac.new(key, f"session:{session_id}".encode(), hashlib.sha256).hexdigest()[:20]


def calendar_path(session_id: int, token: str) -> str:
    return f"/calendar/session-{session_id}-{token}.ics"


def parse_calendar_path(path: str) -> tuple[int, str] | None:
    name = path.removeprefix("/calendar/session-").removesuffix(".ics")
    number, _, token = name.partition("-")
    if not path.startswith("/calendar/session-") or not is_whole_number(number) or not token:
        return None
    return int(number), token


def session_ics(*, session_id: int, title: str, starts_at: datetime, ends_at: datetime,
                place: str, org_name: str, cancelled: bool, stamp: datetime) -> bytes:
    from icalendar import Calendar, Event  # only when someone adds a session to a calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Coprod//Sessions//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"session-{session_id}@coprod")
    event.add("summary", f"{title} ({org_name})")
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("dtstamp", stamp)
    event.add("location", place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
