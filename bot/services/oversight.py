"""Trustee oversight: incidents a lead marks as possibly serious for the charity reach the
trustees (no names, no words unless they open the record) until they record whether it was
reported to the Charity Commission; and a digest of counts, monthly by default."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.services.incidents import IncidentsService


class OversightService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 incidents: IncidentsService, nudge: Nudge) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.incidents = incidents
        self.nudge = nudge

    def remind_trustees(self) -> int:
        """Scheduled: reminds the trustees of serious-incident decisions still to be made."""
        return 0

    def send_digest(self) -> int:
        """Scheduled: the trustee digest, counts only."""
        return 0
