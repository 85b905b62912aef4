"""Wellbeing checks: a short private check-in before the work, at its end, and a few days
after. An answer asking for support goes to the named contact at once; skipping is fine and
says nothing to anyone."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.services.personal_data import PersonalData


class WellbeingService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 nudge: Nudge) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.nudge = nudge

    def send_wellbeing_checks(self) -> int:
        """Scheduled: the wellbeing checks that have fallen due."""
        return 0


# -- personal data: export, erasure, retention ---------------------------------------------------
PERSONAL_DATA = PersonalData(
    area="wellbeing",
    tables=("wellbeing_checks",),
    kept="(being written: see issue 18)",
)
