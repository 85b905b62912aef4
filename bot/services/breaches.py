"""Guideline breaches followed through: each person's breaches are counted, the first asks the
HR officer or a coordinator to talk it through, the third (or one serious) asks for a hiatus
review to be considered. Neither ever changes membership or a voice in decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notices import Notice, NoticeGone
from bot.rules.incidents import (
    BREACH_KINDS,
    BREACH_WINDOW,
    BreachStep,
    IncidentKind,
    Severity,
    breach_step,
    exclude_involved,
)
from bot.rules.roles import Role
from bot.services.notices import NoticeBook
from bot.services.timeline import record_step
from storage.models import Incident, IncidentRecipient, Member
from storage.repositories import IncidentRepository, MemberRepository


class BreachFollowUp(Notice):
    """A "talk it through" task, or a hiatus review to consider, about one person."""

    kind = "incident.breach-follow-up"
    incident_id: int
    member_id: int


@dataclass(frozen=True)
class BreachView:
    step: BreachStep
    name: str
    team: bool
    history: tuple[tuple[datetime, IncidentKind, Severity], ...]


class BreachTasksService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    def breach_view(self, incident_id: int, member_id: int) -> BreachView:
        with self.sessions() as session:
            incident = IncidentRepository(session).get(incident_id)
            person = MemberRepository(session).get(member_id)
            if incident is None or person is None:
                raise NoticeGone(incident_id)
            history = [i for i in breaches_of(session, member_id, incident.created_at)
                       if i.id <= incident.id]
            return BreachView(
                step=breach_step(len(history), incident.severity is Severity.SERIOUS),
                name=person.name, team=bool(person.role_set - {Role.MEMBER}),
                history=tuple((i.created_at, i.kind, i.severity) for i in history))


def open_breach_tasks(session: Session, book: NoticeBook, incident: Incident,
                      involved: Sequence[Member]) -> None:
        members = MemberRepository(session)
        for person in involved:
            history = breaches_of(session, person.id, book.now)
            step = breach_step(len(history), incident.severity is Severity.SERIOUS)
            if step is BreachStep.NONE:
                continue
            team = bool(person.role_set - {Role.MEMBER})
            role = Role.HR_OFFICER if step is BreachStep.HIATUS_REVIEW or team \
                else Role.COORDINATOR
            exclude = [person.slack_user_id] if person.slack_user_id else []
            holders = members.slack_ids_by_role(role, Role.COORDINATOR)
            targets = exclude_involved(holders[role], exclude) or \
                exclude_involved(holders[Role.COORDINATOR], exclude)
            for target in targets:
                if target not in {r.slack_user_id for r in incident.recipients}:
                    incident.recipients.append(IncidentRecipient(slack_user_id=target))
                book.to_slack_user(target, BreachFollowUp(incident_id=incident.id,
                                                          member_id=person.id),
                                   about=[person.id])
            record_step(incident, book.now, step.value,
                       detail=f"{len(history)} in 12 months for member {person.id}; "
                              f"sent to {len(targets)}")


def breaches_of(session: Session, member_id: int, now: datetime) -> Sequence[Incident]:
    return IncidentRepository(session).list_breaches_involving(
        member_id, now - BREACH_WINDOW, sorted(BREACH_KINDS))
