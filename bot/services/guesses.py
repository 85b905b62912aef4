"""The limit on guessing case codes: five wrong codes in fifteen minutes, then a pause.

Counted in the database, so that it holds however many processes answer Slack (counted in
memory, N web processes would allow N times the guesses). Who guessed is never written down:
each wrong code is kept as a keyed digest of the asker's Slack id (nobody without the data key
can tell whose it is, and it matches nothing else Coprod stores) and the moment, and only for
the window - every check deletes what is older. Keying on the code space alone instead would
let one person's guessing lock everyone out of their own cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.services.personal_data import Periods, Person, PersonalData, rows_changed
from storage.crypto import keyed_digest
from storage.models import CaseCodeMiss

PURPOSE = "case-code-guesses"


class TooManyGuesses(Exception):
    """Too many wrong case codes in a short time."""


class CaseCodeGuesses:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, limit: int = 5,
                 window: timedelta = timedelta(minutes=15)) -> None:
        self.sessions = sessions
        self.clock = clock
        self.limit = limit
        self.window = window

    def check(self, session: Session, who: str) -> None:
        """TooManyGuesses when `who` has had `limit` wrong codes within the window. Called in
        the transaction that then looks the code up and records a miss, so one person's tries
        are counted one after another even from several processes at once (an advisory lock
        on PostgreSQL; SQLite's writers already take turns)."""
        digest = keyed_digest(PURPOSE, who)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                            {"key": digest})
        session.execute(delete(CaseCodeMiss).where(CaseCodeMiss.at < self.clock() - self.window))
        misses = session.scalar(select(func.count()).select_from(CaseCodeMiss).where(
            CaseCodeMiss.asker_digest == digest))
        if (misses or 0) >= self.limit:
            raise TooManyGuesses

    def record_miss(self, session: Session, who: str) -> None:
        """A wrong code, written in the caller's transaction (which is already writing)."""
        session.add(CaseCodeMiss(asker_digest=keyed_digest(PURPOSE, who), at=self.clock()))


def _erase_misses(session: Session, person: Person, now: datetime) -> dict[str, int]:
    if not person.slack_user_id:
        return {}
    return {"wrong case codes": rows_changed(session, delete(CaseCodeMiss).where(
        CaseCodeMiss.asker_digest == keyed_digest(PURPOSE, person.slack_user_id)))}


def _purge_misses(session: Session, periods: Periods) -> dict[str, int]:
    # Checks delete these after fifteen minutes; this catches any left by a quiet spell.
    return {"wrong case codes": rows_changed(session, delete(CaseCodeMiss).where(
        CaseCodeMiss.at < periods.now - timedelta(hours=1)))}


PERSONAL_DATA = PersonalData(
    area="case code guesses",
    tables=("case_code_misses",),
    erase=_erase_misses,
    purge=_purge_misses,
)
