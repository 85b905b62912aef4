"""Use cases, one module per area. `Services` is what handlers receive through Bolt's context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.services.deliveries import DeliveriesService
from bot.services.feedback import FeedbackService
from bot.services.incidents import IncidentsService
from bot.services.meetings import MeetingsService
from bot.services.members import MembersService
from bot.services.privacy import PrivacyService
from bot.services.reminders import RemindersService
from bot.services.retention import RetentionService
from bot.services.sessions import SessionsService
from bot.services.texting import TextingService

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    settings: Settings
    database: sessionmaker[Session]
    clock: Clock
    members: MembersService
    deliveries: DeliveriesService
    feedback: FeedbackService
    sessions: SessionsService
    incidents: IncidentsService
    texting: TextingService
    meetings: MeetingsService
    reminders: RemindersService
    retention: RetentionService
    privacy: PrivacyService
    nudge: Nudge


def build_services(
    settings: Settings, database: sessionmaker[Session], clock: Clock = system_clock
) -> Services:
    members = MembersService(database, clock)
    nudge = Nudge()
    rota = SessionsService(database, clock, settings)
    meetings = MeetingsService(database, clock, settings)
    return Services(
        settings=settings,
        database=database,
        clock=clock,
        members=members,
        deliveries=DeliveriesService(database, members),
        feedback=FeedbackService(database, clock, settings),
        sessions=rota,
        incidents=IncidentsService(database, clock, settings, nudge),
        texting=TextingService(database, clock, settings,
                               {"session": rota.rsvp_in, "meeting": meetings.rsvp_by_text}),
        meetings=meetings,
        reminders=RemindersService(database, clock, settings, meetings, rota),
        retention=RetentionService(database, clock, settings),
        privacy=PrivacyService(database, clock, settings),
        nudge=nudge,
    )
