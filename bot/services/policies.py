"""Policies and induction: coordinators publish policies (a new version asks again), members
agree in Slack or by text, coordinators record induction steps; claiming a facilitator place
needs the induction the organisation asks of facilitators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.services.personal_data import Person, PersonalData, rows_changed
from storage.models import InductionRecord, PolicyAgreement


class PoliciesService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    return {
        "policy_agreements": rows_changed(session, delete(PolicyAgreement).where(
            PolicyAgreement.member_id == person.member_id)),
        "induction_records": rows_changed(session, delete(InductionRecord).where(
            InductionRecord.member_id == person.member_id)),
    }


# -- personal data: export, erasure, retention ---------------------------------------------------
PERSONAL_DATA = PersonalData(
    area="policies",
    tables=("policy_agreements", "induction_records", "policies"),
    erase=_erase,
    kept="(being written: see issue 18)",
)
