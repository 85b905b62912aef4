"""Slack requests acted on once: an event Slack retries, and a form submitted twice (a retry, a
double press racing itself, the same signed request replayed within its five minutes).

What is kept is only a keyed digest of Slack's id for the event or the form, with the day (for
the retention clear-out), in the same table. A form's digest never names the form's author, and
the day says less than the record it guards already does; so even an anonymous submission
leaves nothing that points at its sender."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from storage.models import ProcessedEvent


class Once:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock,
                 data_key: str | None) -> None:
        self.sessions = sessions
        self.clock = clock
        # Keyed with the data key, so that the stored digest can't be matched to a view id by
        # anyone holding only the database; every process of an install shares it.
        first_key = (data_key or "").split(",")[0].strip()
        # A key of its own, derived from the data key: never the encryption key itself.
        self._key = (hmac.new(first_key.encode(), b"coprod: forms acted on once",
                              hashlib.sha256).digest()
                     if first_key else secrets.token_bytes(32))

    def first_time_seen(self, event_id: str) -> bool:
        """True the first time an event id arrives; False for Slack's retries of it."""
        return self._claim(event_id[:64], self.clock())

    def claim_form(self, view_id: str) -> bool:
        """True for the first submission of this form; False for any copy of it."""
        return self._claim(self._form_key(view_id), _day(self.clock()))

    def release_form(self, view_id: str) -> None:
        """The form was not taken (a field to fix, a fault): it may be sent again."""
        with self.sessions.begin() as session:
            session.execute(delete(ProcessedEvent).where(
                ProcessedEvent.event_id == self._form_key(view_id)))

    def _form_key(self, view_id: str) -> str:
        digest = hmac.new(self._key, f"form:{view_id}".encode(), hashlib.sha256).hexdigest()
        return f"form:{digest[:40]}"

    def _claim(self, key: str, at: datetime) -> bool:
        try:
            with self.sessions.begin() as session:
                session.add(ProcessedEvent(event_id=key, received_at=at))
        except IntegrityError:
            return False
        return True


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
