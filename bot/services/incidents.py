"""Incidents: reporting, paging the safeguarding leads at once, escalating until someone
acknowledges, the timeline, and counting guideline breaches for the HR officer."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.rules.incidents import (
    BREACH_KINDS,
    BREACH_WINDOW,
    BreachStep,
    IncidentForm,
    IncidentKind,
    IncidentRoute,
    IncidentStatus,
    Severity,
    breach_step,
    check_incident,
    escalation_tier,
    exclude_involved,
    is_urgent,
    route_incident,
)
from bot.rules.roles import NotAllowed, Role
from bot.rules.sms_text import compose_text
from bot.signposting import Signpost, load_signposts
from handlers.blocks import incidents as messages
from storage.models import (
    Incident,
    IncidentPerson,
    IncidentRecipient,
    IncidentStep,
    Member,
    OutboxChannel,
)
from storage.repositories import (
    AuditRepository,
    IncidentRepository,
    MemberRepository,
    OutboxRepository,
    SessionRepository,
)

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
URGENT_TEXT = "An urgent safeguarding report needs someone now. Please check Slack."


class InvalidIncident(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class StepView:
    at: datetime
    step: str
    detail: str
    actor_slack_id: str | None
    note: str | None


@dataclass(frozen=True)
class IncidentView:
    id: int
    kind: IncidentKind
    severity: Severity
    route: IncidentRoute
    danger: bool
    status: IncidentStatus
    what_happened: str
    done_already: str
    session_title: str | None
    involved: tuple[str, ...]
    reporter_slack_id: str
    message_ref: str | None
    created_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    escalation_level: int
    timeline: tuple[StepView, ...]


@dataclass(frozen=True)
class Reported:
    incident_id: int
    urgent: bool
    route: IncidentRoute
    told: int
    danger: bool
    signposts: tuple[Signpost, ...]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


class IncidentsService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 nudge: Nudge) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.nudge = nudge
        self.every = timedelta(minutes=settings.coprod_escalate_after_minutes)
        self.signposts = tuple(load_signposts(settings.coprod_signposting_file))

    # -- the form's choices -------------------------------------------------------------------
    def session_choices(self) -> list[Choice]:
        """Sessions from the last week and the next: the ones an incident is likely about."""
        now = self.clock()
        tz = self.settings.timezone
        with self.sessions() as session:
            found = SessionRepository(session).list_starting_between(
                now - timedelta(days=7), now + timedelta(days=7))
            return [Choice(str(s.id), f"{s.title[:40]}, {s.starts_at.astimezone(tz):%a %d %b}")
                    for s in found[:100]]

    def people_choices(self) -> list[Choice]:
        with self.sessions() as session:
            return [Choice(str(m.id), m.name[:75])
                    for m in MemberRepository(session).list_all()[:100]]

    # -- reporting ----------------------------------------------------------------------------
    def report(self, form: IncidentForm, reporter: str) -> Reported:
        errors = check_incident(form)
        if errors:
            raise InvalidIncident(errors)
        assert form.kind and form.severity and form.danger is not None
        now = self.clock()
        with self.sessions.begin() as session:
            members = MemberRepository(session)
            involved = [m for m in (members.get(i) for i in form.involved_member_ids) if m]
            involved_ids = [m.slack_user_id for m in involved if m.slack_user_id]
            team = any(m.role_set - {Role.MEMBER} for m in involved)
            route = route_incident(form.kind, form.severity, team)
            urgent = is_urgent(form.kind, form.severity)
            recipients = self._first_recipients(members, route, involved_ids)
            incident = IncidentRepository(session).add(Incident(
                kind=form.kind, severity=form.severity, route=route, danger=form.danger,
                session_id=form.session_id, what_happened=form.what_happened,
                done_already=form.done_already, message_ref=form.message_ref,
                reporter_slack_id=reporter, status=IncidentStatus.OPEN, escalation_level=0,
                next_escalation_at=now + self.every if urgent else None, created_at=now,
                involved=[IncidentPerson(member_id=m.id) for m in involved],
            ))
            self._step(incident, now, "reported", actor=reporter,
                       detail=f"{form.kind.value}, {form.severity.value}"
                              + (", someone in immediate danger" if form.danger else ""))
            outbox = OutboxRepository(session)
            for recipient in recipients:
                self._send_alert(session, outbox, incident, recipient, level=0, now=now)
            if form.kind in BREACH_KINDS:
                self._count_breaches(session, incident, involved, now)
            told = len(recipients)
        if urgent:
            self.nudge()
        # No free text and no names: what kind, how serious, how many were told.
        log.info("incident %d reported: %s, %s, %d told", incident.id, form.kind.value,
                 form.severity.value, told)
        return Reported(incident.id, urgent, route, told, form.danger, self.signposts)

    def _first_recipients(self, members: MemberRepository, route: IncidentRoute,
                          involved: Sequence[str]) -> list[str]:
        order = {
            IncidentRoute.SAFEGUARDING: [Role.SAFEGUARDING_LEAD, Role.COORDINATOR],
            IncidentRoute.HR: [Role.HR_OFFICER, Role.COORDINATOR, Role.TRUSTEE],
            IncidentRoute.COORDINATORS: [Role.COORDINATOR, Role.SAFEGUARDING_LEAD,
                                         Role.TRUSTEE],
        }[route]
        holders = members.slack_ids_by_role(*order)
        for role in order:
            chosen = exclude_involved(holders[role], involved)
            if chosen:
                return chosen
        return []

    def _send_alert(self, session: Session, outbox: OutboxRepository, incident: Incident,
                    recipient: str, *, level: int, now: datetime) -> None:
        if recipient not in {r.slack_user_id for r in incident.recipients}:
            incident.recipients.append(IncidentRecipient(slack_user_id=recipient))
        session.flush()
        outbox.enqueue(key=f"incident:{incident.id}:alert:L{level}:{recipient}",
                       channel=OutboxChannel.SLACK_DM, target=recipient, now=now,
                       payload=messages.incident_alert(self.view_of(incident),
                                                       self.settings.timezone))
        self._step(incident, now, "notified", detail=f"Slack message to <@{recipient}>")

    def _count_breaches(self, session: Session, incident: Incident, involved: Sequence[Member],
                        now: datetime) -> None:
        repo = IncidentRepository(session)
        members = MemberRepository(session)
        outbox = OutboxRepository(session)
        for person in involved:
            history = repo.list_breaches_involving(person.id, now - BREACH_WINDOW,
                                                   sorted(BREACH_KINDS))
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
            summary = [(i.created_at, i.kind, i.severity) for i in history]
            for target in targets:
                if target not in {r.slack_user_id for r in incident.recipients}:
                    incident.recipients.append(IncidentRecipient(slack_user_id=target))
                outbox.enqueue(
                    key=f"incident:{incident.id}:{step.value}:{person.id}:{target}",
                    channel=OutboxChannel.SLACK_DM, target=target, now=now,
                    payload=messages.breach_task(step, person.name, team, summary,
                                                 self.settings.timezone))
            self._step(incident, now, step.value,
                       detail=f"{len(history)} in 12 months for member {person.id}; "
                              f"sent to {len(targets)}")

    # -- escalation (scheduled) ---------------------------------------------------------------
    def escalate_unacknowledged(self) -> int:
        now = self.clock()
        escalated = 0
        with self.sessions.begin() as session:
            members = MemberRepository(session)
            outbox = OutboxRepository(session)
            for incident in IncidentRepository(session).list_due_escalations(now):
                level = incident.escalation_level + 1
                tier = escalation_tier(level)
                involved = [p.member for p in incident.involved]
                involved_slack = [m.slack_user_id for m in involved if m.slack_user_id]
                involved_ids = {m.id for m in involved}
                leads = members.list_with_role(Role.SAFEGUARDING_LEAD)
                coordinators = members.list_with_role(Role.COORDINATOR)
                dm_people = ([*leads] if tier.dm_safeguarding else []) + (
                    [*coordinators] if tier.dm_coordinators else [])
                for recipient in exclude_involved(
                        [m.slack_user_id for m in dm_people if m.slack_user_id], involved_slack):
                    self._send_alert(session, outbox, incident, recipient, level=level, now=now)
                texted = 0
                if tier.text:
                    phones = {m.id: m for m in [*leads, *coordinators]
                              if m.phone and m.id not in involved_ids}
                    for member in phones.values():
                        outbox.enqueue(
                            key=f"incident:{incident.id}:text:L{level}:{member.id}",
                            channel=OutboxChannel.SMS, target=str(member.id), now=now,
                            payload={"text": compose_text(self.settings.coprod_org_name,
                                                          URGENT_TEXT), "urgent": True})
                        texted += 1
                    self._step(incident, now, "texted", detail=f"{texted} text(s), level {level}")
                if tier.tell_reporter:
                    outbox.enqueue(key=f"incident:{incident.id}:chasing",
                                   channel=OutboxChannel.SLACK_DM,
                                   target=incident.reporter_slack_id, now=now,
                                   payload=messages.being_chased_dm(incident.id))
                self._step(incident, now, "escalated", detail=f"level {level}")
                incident.escalation_level = level
                incident.next_escalation_at = now + self.every
                escalated += 1
        if escalated:
            self.nudge()
        return escalated

    # -- the responders' side -----------------------------------------------------------------
    def acknowledge(self, incident_id: int, actor: str) -> IncidentView:
        return self._settle(incident_id, actor, IncidentStatus.ACKNOWLEDGED)

    def resolve(self, incident_id: int, actor: str) -> IncidentView:
        return self._settle(incident_id, actor, IncidentStatus.RESOLVED)

    def _settle(self, incident_id: int, actor: str, to: IncidentStatus) -> IncidentView:
        now = self.clock()
        with self.sessions.begin() as session:
            incident = self._for_responder(session, incident_id, actor, lock=True,
                                           action=to.value)
            order = list(IncidentStatus)
            if order.index(incident.status) >= order.index(to):
                return self.view_of(incident)
            if incident.acknowledged_by is None:
                incident.acknowledged_by, incident.acknowledged_at = actor, now
            if to is IncidentStatus.RESOLVED:
                incident.resolved_by, incident.resolved_at = actor, now
            incident.status = to
            incident.next_escalation_at = None  # stops the escalation
            self._step(incident, now, to.value, actor=actor)
            session.flush()
            view = self.view_of(incident)
            outbox = OutboxRepository(session)
            for key in outbox.keys_with_prefix(f"incident:{incident.id}:alert:"):
                outbox.enqueue(key=f"{key}:{to.value}", channel=OutboxChannel.SLACK_UPDATE,
                               target=f"outbox:{key}", now=now,
                               payload=messages.incident_alert(view, self.settings.timezone))
            if to is IncidentStatus.ACKNOWLEDGED:
                member = MemberRepository(session).get_by_slack_id(actor)
                outbox.enqueue(key=f"incident:{incident.id}:acknowledged:to-reporter",
                               channel=OutboxChannel.SLACK_DM,
                               target=incident.reporter_slack_id, now=now,
                               payload=messages.picked_up_dm(incident.id, actor,
                                                             member.name if member else None))
        self.nudge()
        return view

    def add_note(self, incident_id: int, actor: str, note: str) -> IncidentView:
        if not note.strip() or len(note) > 3000:
            raise InvalidIncident({"note": "Please write a note of up to 3000 characters."})
        now = self.clock()
        with self.sessions.begin() as session:
            incident = self._for_responder(session, incident_id, actor, lock=True,
                                           action="note")
            self._step(incident, now, "note", actor=actor, note=note)
            session.flush()
            return self.view_of(incident)

    def view_for(self, incident_id: int, actor: str) -> IncidentView:
        with self.sessions.begin() as session:
            return self.view_of(self._for_responder(session, incident_id, actor))

    def open_for(self, slack_user_id: str) -> list[IncidentView]:
        with self.sessions.begin() as session:
            found = IncidentRepository(session).list_open_sent_to(slack_user_id)
            audit = AuditRepository(session)
            for incident in found:
                audit.record(self.clock(), slack_user_id, "listed", f"incident:{incident.id}")
            return [self.view_of(i) for i in found]

    def counts_between(self, start: datetime, end: datetime) -> Counter[tuple[str, str]]:
        with self.sessions() as session:
            return Counter((i.kind.value, i.severity.value) for i in
                           IncidentRepository(session).list_created_between(start, end))

    def _for_responder(self, session: Session, incident_id: int, actor: str, *,
                       lock: bool = False, action: str = "read") -> Incident:
        """Only the people an incident was sent to may read or act on it, whatever a request
        claims; someone named as involved is never among them. Every try is audited."""
        repo = IncidentRepository(session)
        incident = repo.get_for_update(incident_id) if lock else repo.get(incident_id)
        audit = AuditRepository(session)
        if incident is None or actor not in {r.slack_user_id for r in incident.recipients}:
            audit.record(self.clock(), actor, f"refused {action}", f"incident:{incident_id}")
            session.commit()
            raise NotAllowed(Role.SAFEGUARDING_LEAD)
        audit.record(self.clock(), actor, action, f"incident:{incident.id}")
        return incident

    @staticmethod
    def _step(incident: Incident, at: datetime, step: str, *, detail: str = "",
              actor: str | None = None, note: str | None = None) -> None:
        incident.timeline.append(IncidentStep(at=at, step=step, detail=detail[:200],
                                              actor_slack_id=actor, note=note))

    @staticmethod
    def view_of(incident: Incident) -> IncidentView:
        return IncidentView(
            id=incident.id, kind=incident.kind, severity=incident.severity,
            route=incident.route, danger=incident.danger, status=incident.status,
            what_happened=incident.what_happened, done_already=incident.done_already,
            session_title=incident.session.title if incident.session else None,
            involved=tuple(p.member.name for p in incident.involved),
            reporter_slack_id=incident.reporter_slack_id, message_ref=incident.message_ref,
            created_at=incident.created_at, acknowledged_by=incident.acknowledged_by,
            acknowledged_at=incident.acknowledged_at, resolved_by=incident.resolved_by,
            escalation_level=incident.escalation_level,
            timeline=tuple(StepView(s.at, s.step, s.detail, s.actor_slack_id, s.note)
                           for s in incident.timeline),
        )
