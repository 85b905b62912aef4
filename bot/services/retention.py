"""The nightly clear-out: records past their retention period are deleted; counts are logged,
never content."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.rules.feedback_words import FeedbackStatus
from bot.rules.incidents import IncidentStatus
from bot.rules.retention import parse_retention
from storage.models import (
    AuditEntry,
    DebriefRequest,
    FeedbackCase,
    GroupSession,
    InboundText,
    Incident,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    ProcessedEvent,
    ReminderLog,
    UnknownNumber,
)

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class RetentionService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.periods = parse_retention(settings.coprod_retention)

    def apply(self) -> dict[str, int]:
        now = self.clock()

        def before(kind: str) -> datetime:
            return now - timedelta(days=self.periods[kind])

        statements = {
            "feedback": delete(FeedbackCase)
            .where(FeedbackCase.status == FeedbackStatus.RESOLVED)
            .where(FeedbackCase.updated_at < before("feedback")),
            "incidents": delete(Incident)
            .where(Incident.status == IncidentStatus.RESOLVED)
            .where(Incident.resolved_at < before("incidents")),
            "audit": delete(AuditEntry).where(AuditEntry.at < before("audit")),
            "sessions": delete(GroupSession).where(GroupSession.ends_at < before("activity")),
            "meetings": delete(Meeting).where(Meeting.ends_at < before("activity")),
            "debriefs": delete(DebriefRequest)
            .where(DebriefRequest.requested_at < before("debriefs")),
            "texts": delete(InboundText).where(InboundText.received_at < before("texts")),
            "deliveries": delete(OutboxMessage)
            .where(OutboxMessage.status != OutboxStatus.PENDING)
            .where(OutboxMessage.created_at < before("deliveries")),
            "reminder log": delete(ReminderLog)
            .where(ReminderLog.handled_at < before("deliveries")),
            "processed events": delete(ProcessedEvent)
            .where(ProcessedEvent.received_at < before("deliveries")),
            "unknown numbers": delete(UnknownNumber)
            .where(UnknownNumber.last_answered_at < before("deliveries")),
        }
        counts: dict[str, int] = {}
        with self.sessions.begin() as session:
            for name, statement in statements.items():
                result = session.execute(statement.execution_options(synchronize_session=False))
                counts[name] = int(getattr(result, "rowcount", 0) or 0)
        removed = {k: v for k, v in counts.items() if v}
        if removed:
            log.info("retention: removed %s", ", ".join(f"{v} {k}" for k, v in removed.items()))
        return counts
