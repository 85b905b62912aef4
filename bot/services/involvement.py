"""Involvement opportunities: posted with purpose, expectations, time and place and the
recompense agreed in advance; interest, a written offer accepted as the agreement, the payment
choice, pausing or withdrawing with one button; wellbeing checks; consent for stories."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.services.personal_data import Person, PersonalData, rows_changed
from storage.models import Involvement


class InvolvementService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    return {
        "involvements": rows_changed(session, delete(Involvement).where(
            Involvement.member_id == person.member_id)),
    }


# -- personal data: export, erasure, retention ---------------------------------------------------
PERSONAL_DATA = PersonalData(
    area="involvement",
    tables=("involvements", "opportunities", "story_consents", "story_uses"),
    erase=_erase,
    kept="(being written: see issue 18)",
)
