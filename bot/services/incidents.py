"""Incidents: reporting, paging the safeguarding leads at once, escalating until someone
acknowledges, the timeline, and counting guideline breaches for the HR officer."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.notices import Notice, NoticeGone
from bot.rules.incidents import (
    BREACH_KINDS,
    INCIDENT_KIND_WORDS,
    SEVERITY_WORDS,
    IncidentForm,
    IncidentKind,
    IncidentRoute,
    IncidentStatus,
    Severity,
    escalation_tier,
    exclude_involved,
    is_urgent,
    route_incident,
    validate_incident,
)
from bot.rules.lifecycle import moves_forward
from bot.rules.roles import Role
from bot.rules.safeguarding import RESPONDERS, responding_roles
from bot.services.breaches import open_breach_tasks
from bot.services.cases import CaseDesk
from bot.services.declarations import related_member_ids, related_slack_ids
from bot.services.jobs import one_by_one
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from bot.services.timeline import record_step
from bot.signposting import (
    Signpost,
    adult_safeguarding_contacts,
    for_members,
    load_signposts,
)
from storage.models import (
    Incident,
    IncidentPerson,
    IncidentRecipient,
)
from storage.repositories import (
    IncidentRepository,
    MemberRepository,
    SessionRepository,
)

log = logging.getLogger(__name__)


# -- what incidents tell people (drawn by handlers/blocks/incidents.py) ------------------------
class IncidentAlert(Notice):
    """The report, to a lead, coordinator or HR officer; every copy is redrawn on each step."""

    kind = "incident.alert"
    identity = ("incident_id",)
    incident_id: int
    level: int


class UrgentIncidentText(Notice):
    """"Please check Slack" by text, when nobody has acknowledged: never any details."""

    kind = "incident.urgent-text"
    urgent = True
    incident_id: int
    level: int


class ReportBeingChased(Notice):
    kind = "incident.being-chased"
    incident_id: int


class ReportPickedUp(Notice):
    kind = "incident.picked-up"
    incident_id: int


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
        listed = load_signposts(settings.coprod_signposting_file)
        self.signposts = for_members(listed)
        self.adult_safeguarding = adult_safeguarding_contacts(listed)
        # Whoever an incident can reach: by routing, escalation or a breach follow-up.
        self.desk = CaseDesk(sessions, clock, "incident", roles=(
            Role.SAFEGUARDING_LEAD, Role.COORDINATOR, Role.HR_OFFICER, Role.TRUSTEE))

    # -- the form's choices -------------------------------------------------------------------
    def session_choices(self) -> list[Choice]:
        """Sessions from the last week and the next: the ones an incident is likely about."""
        now = self.clock()
        tz = self.settings.timezone
        with self.sessions() as session:
            found = SessionRepository(session).list_starting_between(
                now - timedelta(days=7), now + timedelta(days=7))
            days = ((s, s.starts_at.astimezone(tz)) for s in found[:100])
            return [Choice(str(s.id), f"{s.title[:40]}, {day:%a} {day.day} {day:%b}")
                    for s, day in days]

    def people_choices(self) -> list[Choice]:
        with self.sessions() as session:
            return [Choice(str(m.id), m.name[:75])
                    for m in MemberRepository(session).list_all()[:100]]

    # -- reporting ----------------------------------------------------------------------------
    def report(self, form: IncidentForm, reporter: str) -> Reported:
        valid = validate_incident(form)
        now = self.clock()
        with self.sessions.begin() as session:
            members = MemberRepository(session)
            involved = [m for m in (members.get(i) for i in valid.involved_member_ids) if m]
            involved_ids = [m.slack_user_id for m in involved if m.slack_user_id]
            team = any(m.role_set - {Role.MEMBER} for m in involved)
            route = route_incident(valid.kind, valid.severity, team)
            urgent = is_urgent(valid.kind, valid.severity)
            related = related_slack_ids(session, [m.id for m in involved])
            recipients = self._first_recipients(members, route, involved_ids, related)
            incident = IncidentRepository(session).add(Incident(
                kind=valid.kind, severity=valid.severity, route=route, danger=valid.danger,
                session_id=valid.session_id, what_happened=valid.what_happened,
                done_already=valid.done_already, message_ref=valid.message_ref,
                reporter_slack_id=reporter, status=IncidentStatus.OPEN, escalation_level=0,
                next_escalation_at=now + self.every if urgent else None, created_at=now,
                involved=[IncidentPerson(member_id=m.id) for m in involved],
            ))
            record_step(incident, now, "reported", actor=reporter,
                        detail=f"{INCIDENT_KIND_WORDS[valid.kind]}, "
                               f"{SEVERITY_WORDS[valid.severity][0].lower()}"
                               + (", someone may be in immediate danger" if valid.danger
                                  else ""))
            book = NoticeBook(session, now)
            for recipient in recipients:
                self._send_alert(session, book, incident, recipient, level=0)
            if valid.kind in BREACH_KINDS:
                open_breach_tasks(session, book, incident, involved)
            told = len(recipients)
        if urgent:
            self.nudge()
        # No free text and no names: what kind, how serious, how many were told.
        log.info("incident %d reported: %s, %s, %d told", incident.id, valid.kind.value,
                 valid.severity.value, told)
        return Reported(incident.id, urgent, route, told, valid.danger, self.signposts)

    def _first_recipients(self, members: MemberRepository, route: IncidentRoute,
                          involved: Sequence[str], related: Collection[str]) -> list[str]:
        """The first role in the route's order with someone to tell: never anyone involved, and
        not anyone with a declared relationship to them while someone else can be told."""
        order = {
            IncidentRoute.SAFEGUARDING: [Role.SAFEGUARDING_LEAD, Role.COORDINATOR],
            IncidentRoute.HR: [Role.HR_OFFICER, Role.COORDINATOR, Role.TRUSTEE],
            IncidentRoute.COORDINATORS: [Role.COORDINATOR, Role.SAFEGUARDING_LEAD,
                                         Role.TRUSTEE],
        }[route]
        holders = members.slack_ids_by_role(*order)
        for blocked in ([*involved, *related], involved):
            for role in order:
                chosen = exclude_involved(holders[role], blocked)
                if chosen:
                    return chosen
        return []

    def _send_alert(self, session: Session, book: NoticeBook, incident: Incident,
                    recipient: str, *, level: int) -> None:
        if recipient not in {r.slack_user_id for r in incident.recipients}:
            incident.recipients.append(IncidentRecipient(slack_user_id=recipient))
        session.flush()
        book.to_slack_user(recipient, IncidentAlert(incident_id=incident.id, level=level),
                           about=[p.member_id for p in incident.involved])
        record_step(incident, book.now, "notified", detail=f"Slack message to <@{recipient}>")

    # -- escalation (scheduled) ---------------------------------------------------------------
    def escalate_unacknowledged(self) -> int:
        """Each unacknowledged urgent incident goes one level further, in a savepoint of its
        own: one that fails is logged by number, and the others are still escalated."""
        now = self.clock()
        with self.sessions.begin() as session:
            escalated = one_by_one(
                session, IncidentRepository(session).list_due_escalations(now),
                lambda incident: self._escalate(session, incident, now), log,
                "incident %d could not be escalated")
        if escalated:
            self.nudge()
        return escalated

    def _escalate(self, session: Session, incident: Incident, now: datetime) -> int:
        members = MemberRepository(session)
        book = NoticeBook(session, now)
        level = incident.escalation_level + 1
        tier = escalation_tier(level)
        involved = [p.member for p in incident.involved]
        involved_slack = [m.slack_user_id for m in involved if m.slack_user_id]
        involved_ids = {m.id for m in involved}
        # People with a declared relationship to those involved are left out, unless that
        # would leave nobody to chase it.
        related_ids = related_member_ids(session, involved_ids)
        leads = members.list_with_role(Role.SAFEGUARDING_LEAD)
        coordinators = members.list_with_role(Role.COORDINATOR)
        dm_people = ([*leads] if tier.dm_safeguarding else []) + (
            [*coordinators] if tier.dm_coordinators else [])
        unrelated = [m for m in dm_people if m.id not in related_ids]
        for recipient in exclude_involved(
                [m.slack_user_id for m in (unrelated or dm_people) if m.slack_user_id],
                involved_slack):
            self._send_alert(session, book, incident, recipient, level=level)
        if tier.text:
            chased = [m for m in [*leads, *coordinators] if m.phone and m.id not in involved_ids]
            phones = {m.id: m for m in
                      ([m for m in chased if m.id not in related_ids] or chased)}
            for member in phones.values():
                book.by_text(member, UrgentIncidentText(incident_id=incident.id, level=level))
            record_step(incident, now, "texted", detail=f"{len(phones)} text(s), level {level}")
        if tier.tell_reporter:
            book.to_slack_user(incident.reporter_slack_id,
                               ReportBeingChased(incident_id=incident.id))
        record_step(incident, now, "escalated", detail=f"level {level}")
        incident.escalation_level = level
        incident.next_escalation_at = now + self.every
        return 1

    # -- the responders' side -----------------------------------------------------------------
    # Resolving (with its outcome), reopening, notes and follow-ups are the record's steps:
    # bot/services/incident_record.py.
    def acknowledge(self, incident_id: int, actor: str) -> IncidentView:
        now = self.clock()
        with self.desk.transaction() as session:
            incident = self.admit(session, incident_id, actor, lock=True,
                                  action=IncidentStatus.ACKNOWLEDGED.value, roles=RESPONDERS)
            if not self.take_up(session, incident, actor, now):
                return incident_view(incident)
            view = incident_view(incident)
        self.nudge()
        return view

    def take_up(self, session: Session, incident: Incident, actor: str,
                now: datetime) -> bool:
        """Acknowledges an open incident for `actor` (already admitted): by the button, or by
        any step a responder takes on it (a note, the s42 questions, an outcome), since working
        on it is picking it up. Stops the escalation, redraws every alert copy and tells the
        reporter. False, and nothing done, when someone already has it."""
        if not moves_forward(list(IncidentStatus), incident.status,
                             IncidentStatus.ACKNOWLEDGED):
            return False
        incident.acknowledged_by, incident.acknowledged_at = actor, now
        incident.status = IncidentStatus.ACKNOWLEDGED
        incident.next_escalation_at = None  # stops the escalation
        record_step(incident, now, "acknowledged", actor=actor)
        session.flush()
        book = NoticeBook(session, now)
        book.redraw(IncidentAlert(incident_id=incident.id, level=0), "acknowledged")
        book.to_slack_user(incident.reporter_slack_id, ReportPickedUp(incident_id=incident.id))
        return True

    def view_for(self, incident_id: int, actor: str) -> IncidentView:
        """The incident, for someone about to add a note: notes are a step of the response,
        so the form opens only for those who may take one."""
        with self.desk.transaction() as session:
            return incident_view(self.admit(session, incident_id, actor, roles=RESPONDERS))

    def open_for(self, slack_user_id: str) -> list[IncidentView]:
        # Most people have none: finding that needs no write (and no wait for the writer).
        with self.sessions() as session:
            if not any(slack_user_id not in involved_slack_ids(i) for i in
                       IncidentRepository(session).list_open_sent_to(slack_user_id)):
                return []
        with self.sessions.begin() as session:  # listing them is audited
            found = [i for i in IncidentRepository(session).list_open_sent_to(slack_user_id)
                     if slack_user_id not in involved_slack_ids(i)]
            if not self.desk.listed(session, slack_user_id, [i.id for i in found]):
                return []
            return [incident_view(i) for i in found]

    # -- for drawing notices at delivery (the recipient was chosen when it was queued) --------
    def alert_view(self, incident_id: int) -> IncidentView:
        """The incident as its alert shows it (no timeline: the alert never shows one, and it
        is drawn for every copy on every step)."""
        with self.sessions() as session:
            incident = IncidentRepository(session).get_for_alert(incident_id)
            if incident is None:
                raise NoticeGone(incident_id)
            return incident_view(incident, with_timeline=False)

    def picked_up_by(self, incident_id: int) -> tuple[str, str | None]:
        """Who acknowledged an incident: their Slack id, and their name if in the directory."""
        with self.sessions() as session:
            incident = IncidentRepository(session).get(incident_id)
            if incident is None or incident.acknowledged_by is None:
                raise NoticeGone(incident_id)
            member = MemberRepository(session).get_by_slack_id(incident.acknowledged_by)
            return incident.acknowledged_by, member.name if member else None

    def counts_between(self, start: datetime, end: datetime) -> Counter[tuple[str, str]]:
        with self.sessions() as session:
            return Counter((i.kind.value, i.severity.value) for i in
                           IncidentRepository(session).list_created_between(start, end))

    def admit(self, session: Session, incident_id: int, actor: str, *, action: str = "read",
              lock: bool = False, roles: Collection[Role] | None = None) -> Incident:
        """Only the people an incident was sent to may read or act on it, whatever a request
        claims; someone named as involved never may, whatever its recipients say. `roles`
        narrows an action to holders of one of those roles now: RESPONDERS for a step of the
        response, which the trustees it was sent to may take while no responder can
        (`responding_roles`). Every try is audited; a refusal raises Refused (a NotAllowed)."""
        repo = IncidentRepository(session)
        incident = repo.get_for_update(incident_id) if lock else repo.get(incident_id)
        if incident is not None and roles is not None and frozenset(roles) >= RESPONDERS:
            roles = frozenset(roles) | responding_roles(responder_can_act(session, incident))
        return self.desk.admit(session, incident_id, incident, actor, readers_of,
                               action=action, needed=Role.SAFEGUARDING_LEAD, roles=roles)


def involved_slack_ids(incident: Incident) -> list[str]:
    """The Slack ids of everyone named as involved."""
    return [p.member.slack_user_id for p in incident.involved if p.member.slack_user_id]


def readers_of(incident: Incident) -> set[str]:
    """Who may open an incident: the people it was sent to, never anyone named in it (even if
    a bug or an old row made them a recipient)."""
    return set(exclude_involved([r.slack_user_id for r in incident.recipients],
                                involved_slack_ids(incident)))


def responder_can_act(session: Session, incident: Incident) -> bool:
    """Someone it was sent to, not named in it, holds a responder role now."""
    holders = MemberRepository(session).slack_ids_by_role(*RESPONDERS)
    return bool(readers_of(incident) & {s for ids in holders.values() for s in ids})


def incident_view(incident: Incident, *, with_timeline: bool = True) -> IncidentView:
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
                       for s in incident.timeline) if with_timeline else (),
    )




# -- personal data: export, erasure, retention ---------------------------------------------------
def _export_reported(session: Session, person: Person) -> dict[str, Any]:
    # Only what they reported; records that mention them are safeguarding records (see `kept`).
    reported = IncidentRepository(session).list_reported_by(person.slack_user_id) \
        if person.slack_user_id else []
    return {"incidents_you_reported": [
        {"number": i.id, "kind": i.kind.value, "reported": iso(i.created_at),
         "status": i.status.value} for i in reported]}


def _safeguarding_links(session: Session, person: Person) -> int:
    repo = IncidentRepository(session)
    named = repo.names_member(person.member_id)
    reported = bool(person.slack_user_id) and repo.reported_any(person.slack_user_id or "")
    return int(named) + int(reported)


def _purge_incidents(session: Session, periods: Periods) -> dict[str, int]:
    return {"incidents": rows_changed(session, delete(Incident)
                                      .where(Incident.status == IncidentStatus.RESOLVED)
                                      .where(Incident.resolved_at < periods.before("incidents")))}


PERSONAL_DATA = PersonalData(
    area="incidents",
    # With what follows an incident (outcomes, referrals, follow-ups, the s42 step, the
    # trustees' decision, breach tasks): all part of the one safeguarding record, removed
    # with it when its period ends.
    tables=("incidents", "incident_people", "incident_recipients", "incident_steps",
            "incident_outcomes", "incident_referrals", "incident_follow_ups",
            "incident_s42_checks", "serious_incidents", "breach_tasks"),
    export=_export_reported,
    purge=_purge_incidents,
    safeguarding_links=_safeguarding_links,
    kept="Safeguarding records are kept whole for their retention period (six years), as the "
         "law expects; the member record of someone on one keeps only their name.",
)
