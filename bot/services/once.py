"""Slack requests acted on once: an event Slack retries, and a form submitted twice (a retry, a
double press racing itself, the same signed request replayed within its five minutes).

What is kept is only a keyed digest of Slack's id for the event or the form, with the day (for
the retention clear-out), in the same table. A form's digest never names the form's author, and
the day says less than the record it guards already does; so even an anonymous submission
leaves nothing that points at its sender."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from storage.crypto import keyed_digest
from storage.models import ProcessedEvent

# The form being handled on this thread (its keyed digest), until its first write commits.
# (With the thread it belongs to: work handed to another thread copies the context, and must
# not mark the form as its own.)
_pending_form: ContextVar[tuple[str, int] | None] = ContextVar("pending_form", default=None)

# Slack retries an event after about a minute, then five: a retry is looked for this long, among
# at most this many ids (a burst of Home openings is a few thousand).
RETRIES_WITHIN = timedelta(minutes=10)
RECENT_IDS = 50_000


def _note_a_write(session: Session, _context: object) -> None:
    session.info["wrote"] = True


class Once:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self._recent: OrderedDict[str, datetime] = OrderedDict()
        self._recent_lock = threading.Lock()

    def first_time_seen(self, event_id: str) -> bool:
        """True the first time an event id arrives; False for Slack's retries of it."""
        return self._claim(event_id[:64], self.clock())

    def first_time_here(self, event_id: str) -> bool:
        """For an event whose handling only redraws (App Home): True the first time this
        process sees its id lately; False for Slack's retries of it. Nothing is written: a
        retry that reaches another process redraws once more, which changes nothing, whereas
        the write would cost every opening of Home a commit on the ack's path."""
        now = self.clock()
        with self._recent_lock:
            while self._recent and (len(self._recent) >= RECENT_IDS
                                    or next(iter(self._recent.values())) < now - RETRIES_WITHIN):
                self._recent.popitem(last=False)
            if event_id in self._recent:
                return False
            self._recent[event_id] = now
            return True

    @contextmanager
    def form(self, view_id: str) -> Iterator[None]:
        """While a form's submission is handled, the first transaction that writes anything
        also records the form as done, in the same commit: no extra write, and a copy racing
        it fails that commit (the record's unique key) instead of making a second record."""
        token = _pending_form.set((self._form_key(view_id), threading.get_ident()))
        try:
            yield
        finally:
            _pending_form.reset(token)

    def form_done(self, view_id: str) -> bool:
        with self.sessions() as session:
            return session.get(ProcessedEvent, self._form_key(view_id)) is not None

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Hooks the marking into every transaction this process begins."""
        event.listen(sessions, "after_flush", _note_a_write)
        event.listen(sessions, "before_commit", self._mark_form)

    def _mark_form(self, session: Session) -> None:
        pending = _pending_form.get()
        wrote = session.info.pop("wrote", False)
        if pending is None or not wrote or pending[1] != threading.get_ident():
            return
        _pending_form.set(None)  # once per submission: its first write
        session.add(ProcessedEvent(event_id=pending[0], received_at=_day(self.clock())))
        session.flush()

    @staticmethod
    def _form_key(view_id: str) -> str:
        # Keyed (a subkey of the data key, shared by every process of an install), so the
        # stored digest can't be matched to a view id by anyone holding only the database.
        return f"form:{keyed_digest('form', view_id)[:40]}"

    def _claim(self, key: str, at: datetime) -> bool:
        try:
            with self.sessions.begin() as session:
                session.add(ProcessedEvent(event_id=key, received_at=at))
        except IntegrityError:
            return False
        return True


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
