"""Expenses and payments: the person claims expenses and the agreed fee, a coordinator approves
or asks a question; the finance export; a kind warning as a yearly total nears the configured
amount, pointing to independent welfare-rights advice."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.services.personal_data import PersonalData


class ExpensesService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings


# -- personal data: export, erasure, retention ---------------------------------------------------
PERSONAL_DATA = PersonalData(
    area="expenses",
    tables=("expense_claims",),
    kept="(being written: see issue 18)",
)
