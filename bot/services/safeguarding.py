"""Safeguarding adults: the three Care Act s42 questions for an incident, the decision to refer
or not with reasons; and a safeguarding lead's export of one incident's full chronology for a
referral (Markdown and PDF), audited and refused to everyone else."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.services.incidents import IncidentsService


class SafeguardingService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 incidents: IncidentsService) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.incidents = incidents
