"""Use cases, one module per area. `Services` is what handlers receive through Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.rules.texting import RsvpSubject
from bot.services import (
    cases,
    declarations,
    deliveries,
    expenses,
    feedback,
    guesses,
    incidents,
    involvement,
    meetings,
    members,
    policies,
    reminders,
    sessions,
    texting,
    wellbeing,
)
from bot.services.aftercare import AftercareService
from bot.services.breaches import BreachTasksService
from bot.services.declarations import DeclarationsService
from bot.services.deliveries import DeliveriesService
from bot.services.expenses import ExpensesService
from bot.services.feedback import FeedbackService
from bot.services.health import HealthService
from bot.services.incident_record import IncidentRecordService
from bot.services.incidents import IncidentsService
from bot.services.involvement import InvolvementService
from bot.services.meetings import MeetingsService
from bot.services.members import MembersService
from bot.services.once import Once
from bot.services.oversight import OversightService
from bot.services.personal_data import PersonalData
from bot.services.policies import PoliciesService
from bot.services.privacy import PrivacyService
from bot.services.profiles import ProfilesService
from bot.services.reminders import RemindersService
from bot.services.retention import RetentionService
from bot.services.rota import RotaService
from bot.services.safeguarding import SafeguardingService
from bot.services.sessions import SessionsService
from bot.services.texting import RsvpDesk, TextingService
from bot.services.wellbeing import WellbeingService

# Every area that holds anything about a person declares it (one line per area). Erasure walks
# them in this order, so the member record, which the others find people by, comes last.
PERSONAL_DATA: tuple[PersonalData, ...] = (
    deliveries.PERSONAL_DATA,
    feedback.PERSONAL_DATA,
    guesses.PERSONAL_DATA,
    incidents.PERSONAL_DATA,
    sessions.PERSONAL_DATA,
    meetings.PERSONAL_DATA,
    reminders.PERSONAL_DATA,
    texting.PERSONAL_DATA,
    policies.PERSONAL_DATA,
    involvement.PERSONAL_DATA,
    wellbeing.PERSONAL_DATA,
    expenses.PERSONAL_DATA,
    declarations.PERSONAL_DATA,
    cases.PERSONAL_DATA,
    members.PERSONAL_DATA,
)


@dataclass(frozen=True)
class Services:
    settings: Settings
    database: sessionmaker[Session]
    clock: Clock
    members: MembersService
    deliveries: DeliveriesService
    feedback: FeedbackService
    sessions: SessionsService
    rota: RotaService
    aftercare: AftercareService
    incidents: IncidentsService
    incident_record: IncidentRecordService
    safeguarding: SafeguardingService
    oversight: OversightService
    breaches: BreachTasksService
    policies: PoliciesService
    involvement: InvolvementService
    expenses: ExpensesService
    declarations: DeclarationsService
    wellbeing: WellbeingService
    texting: TextingService
    meetings: MeetingsService
    reminders: RemindersService
    retention: RetentionService
    privacy: PrivacyService
    profiles: ProfilesService
    nudge: Nudge
    once: Once
    health: HealthService


def build_services(
    settings: Settings, database: sessionmaker[Session], clock: Clock = system_clock
) -> Services:
    members = MembersService(database, clock)
    once = Once(database, clock)
    once.watch(database)
    nudge = Nudge()
    rota = RotaService(database, clock, settings)
    meetings = MeetingsService(database, clock, settings)
    incidents = IncidentsService(database, clock, settings, nudge)
    policies = PoliciesService(database, clock, settings)
    wellbeing = WellbeingService(database, clock, settings, nudge)
    return Services(
        settings=settings,
        database=database,
        clock=clock,
        members=members,
        deliveries=DeliveriesService(database, members),
        feedback=FeedbackService(database, clock, settings),
        sessions=SessionsService(database, clock, settings),
        rota=rota,
        aftercare=AftercareService(database, clock, settings),
        incidents=incidents,
        incident_record=IncidentRecordService(database, clock, settings, incidents, nudge),
        safeguarding=SafeguardingService(database, clock, settings, incidents),
        oversight=OversightService(database, clock, settings, incidents, nudge),
        breaches=BreachTasksService(database, clock),
        policies=policies,
        involvement=InvolvementService(database, clock, settings),
        expenses=ExpensesService(database, clock, settings),
        declarations=DeclarationsService(database, clock, settings),
        wellbeing=wellbeing,
        # What a reply by text answers (a yes or no, or a number): one line per kind.
        texting=TextingService(database, clock, settings, {
            RsvpSubject.SESSION: RsvpDesk(rota.invitation_for, rota.rsvp_in),
            RsvpSubject.MEETING: RsvpDesk(meetings.answers.invitation_for,
                                          meetings.answers.rsvp_by_text),
            RsvpSubject.POLICY: RsvpDesk(policies.invitation_for, policies.answer_by_text),
            RsvpSubject.WELLBEING: RsvpDesk(wellbeing.invitation_for,
                                            numbered=wellbeing.answer_by_text)}),
        meetings=meetings,
        reminders=RemindersService(database, clock, settings),
        retention=RetentionService(database, clock, settings, PERSONAL_DATA),
        privacy=PrivacyService(database, clock, settings, PERSONAL_DATA),
        profiles=ProfilesService(database, clock),
        nudge=nudge,
        once=once,
        health=HealthService(database, clock),
    )
