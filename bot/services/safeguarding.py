"""Safeguarding adults: the three Care Act s42 questions for an incident, the decision to refer
or not with reasons; a safeguarding lead's export of one incident's full chronology for a
referral (drawn as Markdown and PDF by handlers/chronology.py), audited and refused to everyone
else; and the counts `coprod incidents export` writes (never any words)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.rules.incidents import IncidentKind, IncidentStatus, Severity
from bot.rules.roles import Role
from bot.rules.safeguarding import (
    RESPONDERS,
    Agency,
    CharityDecision,
    FollowUpStatus,
    NeedsMore,
    S42Decision,
    S42Form,
    Spoken,
    check_s42,
    s42_applies,
    s42_summary,
)
from bot.services.incident_record import RecordView, S42View, load_record
from bot.services.incidents import IncidentsService
from bot.services.timeline import record_step
from bot.signposting import Signpost
from storage.models import (
    Incident,
    IncidentFollowUp,
    IncidentOutcome,
    IncidentReferral,
    IncidentStep,
    SafeguardingCheck,
    SeriousIncident,
)
from storage.repositories import MemberRepository

# The step the record's reopening writes on the timeline (counted by the export).
REOPENED_STEP = "reopened"


class S42NotOffered(Exception):
    """The s42 questions are for safeguarding kinds only (`s42_applies`)."""


@dataclass(frozen=True)
class S42Start:
    """What the s42 form shows: the incident, the answers given before (answering again
    replaces them), and the council's adult safeguarding contact(s)."""

    incident_id: int
    kind: IncidentKind
    previous: S42View | None
    reference: str              # the council's reference from the s42 referral, if any
    contacts: tuple[Signpost, ...]


@dataclass
class KindCounts:
    """One row of `coprod incidents export`: counts of one kind of incident, no words."""

    kind: IncidentKind
    severity: Counter[Severity] = field(default_factory=Counter)
    resolved: int = 0
    reopened: int = 0
    spoken_first: int = 0
    referred: int = 0
    referred_to_council: int = 0
    s42_checks: int = 0
    follow_ups_overdue: int = 0
    marked_serious: int = 0
    reported: int = 0
    not_reported: int = 0

    @property
    def total(self) -> int:
        return sum(self.severity.values())


class SafeguardingService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 incidents: IncidentsService) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.incidents = incidents

    # -- the s42 step -------------------------------------------------------------------------
    def start_s42(self, incident_id: int, actor: str) -> S42Start:
        """What the s42 form needs, for a responder the incident was sent to (audited)."""
        with self.incidents.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, action="read s42",
                                            roles=RESPONDERS)
            if not s42_applies(incident.kind):
                raise S42NotOffered(incident.kind)
            record = load_record(session, incident, roles_of(session, actor), self.clock())
            referral = _s42_referral(session, incident.id)
            return S42Start(incident.id, incident.kind, record.s42,
                            referral.reference if referral else "",
                            self.incidents.adult_safeguarding)

    def record_s42(self, incident_id: int, actor: str, form: S42Form) -> RecordView:
        """The answers and the decision (again replaces them; each time is on the timeline).
        Deciding to refer records the referral to the council, with its reference."""
        errors = check_s42(form)
        if errors:
            raise NeedsMore(errors)
        answers = tuple(a for a in form.answers if a is not None)
        decision = form.decision
        assert len(answers) == 3 and decision is not None  # checked just above
        now = self.clock()
        with self.incidents.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, action="s42",
                                            lock=True, roles=RESPONDERS)
            if not s42_applies(incident.kind):
                raise S42NotOffered(incident.kind)
            self.incidents.take_up(session, incident, actor, now)  # working on it is having it
            check = session.get(SafeguardingCheck, incident.id)
            again = check is not None
            if check is None:
                check = SafeguardingCheck(incident_id=incident.id)
                session.add(check)
            check.care_needs, check.abuse_or_neglect, check.cannot_protect = answers
            check.decision, check.reasons = decision, form.reasons.strip()
            check.recorded_by, check.recorded_at = actor, now
            if decision is S42Decision.REFER:
                _refer_to_council(session, incident.id, actor, form.reference.strip(), now)
            record_step(incident, now, "s42", actor=actor,
                        detail=("answered again: " if again else "")
                        + s42_summary(answers, decision))
            session.flush()
            return load_record(session, incident, roles_of(session, actor), now)

    # -- the chronology, for a referral -------------------------------------------------------
    def chronology(self, incident_id: int, actor: str) -> RecordView:
        """One incident's whole record for a safeguarding lead it was sent to, to pass on with
        a referral. Audited; refused (and the refusal audited) to everyone else."""
        with self.incidents.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor,
                                            action="exported chronology",
                                            roles={Role.SAFEGUARDING_LEAD})
            return load_record(session, incident, roles_of(session, actor), self.clock())

    # -- counts for the quarterly review ------------------------------------------------------
    def export_counts(self, start: datetime, end: datetime) -> list[KindCounts]:
        """Per kind, the incidents reported in [start, end): by severity, and what followed
        them. Counts only: one query per table, and no encrypted column is read."""
        period = select(Incident.id).where(Incident.created_at >= start,
                                           Incident.created_at < end)
        with self.sessions() as session:
            rows = {kind: KindCounts(kind) for kind in IncidentKind}
            kinds: dict[int, IncidentKind] = {}
            for number, kind, severity, status in session.execute(
                    select(Incident.id, Incident.kind, Incident.severity, Incident.status)
                    .where(Incident.id.in_(period))):
                kinds[number] = kind
                rows[kind].severity[severity] += 1
                rows[kind].resolved += int(status is IncidentStatus.RESOLVED)

            def each(*columns: Any, where: Sequence[Any] = ()) -> list[Any]:
                return list(session.execute(select(*columns).where(
                    columns[0].in_(period), *where)).all())

            _count_what_followed(rows, kinds, each, self.clock())
            return [rows[kind] for kind in IncidentKind]


Query = Callable[..., list[Any]]


def _count_what_followed(rows: dict[IncidentKind, KindCounts], kinds: dict[int, IncidentKind],
                         each: Query, now: datetime) -> None:
    def incidents(found: list[Any]) -> list[IncidentKind]:
        return [kinds[n] for n in {row[0] for row in found} if n in kinds]

    for kind in incidents(each(IncidentStep.incident_id,
                               where=[IncidentStep.step == REOPENED_STEP])):
        rows[kind].reopened += 1
    for kind in incidents(each(IncidentOutcome.incident_id,
                               where=[IncidentOutcome.spoken == Spoken.YES])):
        rows[kind].spoken_first += 1
    referrals = each(IncidentReferral.incident_id, IncidentReferral.agency)
    for kind in incidents(referrals):
        rows[kind].referred += 1
    for kind in incidents([r for r in referrals if r[1] is Agency.ADULT_SAFEGUARDING]):
        rows[kind].referred_to_council += 1
    for kind in incidents(each(SafeguardingCheck.incident_id)):
        rows[kind].s42_checks += 1
    overdue = each(IncidentFollowUp.incident_id,
                   where=[IncidentFollowUp.status == FollowUpStatus.OPEN,
                          IncidentFollowUp.due_at < now])
    for number, in overdue:  # follow-ups, not incidents: one may have several
        if number in kinds:
            rows[kinds[number]].follow_ups_overdue += 1
    for number, decision in each(SeriousIncident.incident_id, SeriousIncident.decision):
        if number not in kinds:  # reported since the incidents were read
            continue
        counts = rows[kinds[number]]
        counts.marked_serious += 1
        counts.reported += int(decision is CharityDecision.REPORTED)
        counts.not_reported += int(decision is CharityDecision.NOT_REPORTED)


def roles_of(session: Session, slack_user_id: str) -> frozenset[Role]:
    member = MemberRepository(session).get_by_slack_id(slack_user_id)
    return member.role_set if member else frozenset()


def _s42_referral(session: Session, incident_id: int) -> IncidentReferral | None:
    """The referral to the council made at the s42 step (not one from an outcome)."""
    return session.scalars(
        select(IncidentReferral)
        .where(IncidentReferral.incident_id == incident_id,
               IncidentReferral.outcome_id.is_(None),
               IncidentReferral.agency == Agency.ADULT_SAFEGUARDING)
        .order_by(IncidentReferral.id)).first()


def _refer_to_council(session: Session, incident_id: int, actor: str, reference: str,
                      now: datetime) -> None:
    """A referral made stays made: answering again with a reference adds it to the one the
    s42 step recorded before, and never adds a second."""
    made = _s42_referral(session, incident_id)
    if made is None:
        session.add(IncidentReferral(incident_id=incident_id, agency=Agency.ADULT_SAFEGUARDING,
                                     reference=reference, recorded_by=actor,
                                     recorded_at=now))
    elif reference:
        made.reference = reference

