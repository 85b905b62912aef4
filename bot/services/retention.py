"""The nightly clear-out: records past their retention period are deleted, area by area as each
declares (its PERSONAL_DATA); counts are logged, never content."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.rules.retention import parse_retention
from bot.services.personal_data import Periods, PersonalData

log = logging.getLogger(__name__)


class RetentionService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 declarations: Sequence[PersonalData]) -> None:
        self.sessions = sessions
        self.clock = clock
        self.periods = parse_retention(settings.coprod_retention)
        self.declarations = tuple(declarations)

    def apply(self) -> dict[str, int]:
        periods = Periods(self.clock(), self.periods)
        counts: dict[str, int] = {}
        with self.sessions.begin() as session:
            for declaration in self.declarations:
                if declaration.purge is not None:
                    counts.update(declaration.purge(session, periods))
        removed = {k: v for k, v in counts.items() if v}
        if removed:
            log.info("retention: removed %s", ", ".join(f"{v} {k}" for k, v in removed.items()))
        return counts
