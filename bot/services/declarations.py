"""Declarations (a pre-existing relationship, a gift offered) as requests for the HR officer or
a coordinator, and leaving people with a declared relationship out of routing; exit
conversations when someone's involvement ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.services.personal_data import Person, PersonalData, rows_changed
from storage.models import Declaration


class DeclarationsService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    return {
        "declarations": rows_changed(session, delete(Declaration).where(
            Declaration.member_id == person.member_id)),
    }


# -- personal data: export, erasure, retention ---------------------------------------------------
PERSONAL_DATA = PersonalData(
    area="declarations",
    tables=("declarations", "exit_conversations"),
    erase=_erase,
    kept="(being written: see issue 18)",
)
