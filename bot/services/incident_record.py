"""An incident's record as the people entitled to it see it: the chronology of every step with
who and when, the outcomes with the person's views and wishes, decisions and reasons, referrals,
follow-ups, the s42 questions, the trustees' decision on a serious incident, and breach
follow-ups. Read through the incident's audited guard; drawn by handlers/blocks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.rules.incidents import BreachStep
from bot.rules.lifecycle import RequestStatus
from bot.rules.roles import Role
from bot.rules.safeguarding import (
    RESPONDERS,
    Agency,
    Answer,
    BreachOutcome,
    CharityDecision,
    FollowUpStatus,
    Harm,
    S42Decision,
    Spoken,
    s42_applies,
)
from bot.services.incidents import IncidentsService, IncidentView, incident_view
from storage.models import (
    BreachTask,
    Incident,
    IncidentFollowUp,
    IncidentOutcome,
    IncidentReferral,
    Member,
    SafeguardingCheck,
    SeriousIncident,
)

NOT_LISTED = "someone no longer in the directory"
Row = TypeVar("Row")


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime
    step: str             # the step's name as recorded: "reported", "acknowledged", "note", ...
    detail: str           # plain words recorded with it, never anything typed
    who: str | None       # the actor's name from the directory (None: Coprod itself)
    note: str | None      # a note's words


@dataclass(frozen=True)
class ReferralView:
    agency: Agency
    reference: str
    at: datetime
    by: str


@dataclass(frozen=True)
class OutcomeView:
    at: datetime
    by: str
    what_was_done: str
    spoken: Spoken
    views_and_wishes: str
    decision: str
    reasons: str
    referrals: tuple[ReferralView, ...]


@dataclass(frozen=True)
class FollowUpView:
    id: int
    what: str
    who: str
    who_slack_id: str
    due_at: datetime
    status: FollowUpStatus
    done_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class S42View:
    answers: tuple[Answer, Answer, Answer]
    decision: S42Decision
    reasons: str
    by: str
    at: datetime


@dataclass(frozen=True)
class SeriousView:
    harms: tuple[Harm, ...]
    marked_by: str
    marked_at: datetime
    acknowledged_by: str | None
    decision: CharityDecision | None
    reported_on: date | None
    reference: str
    reason: str
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class BreachTaskView:
    id: int
    step: BreachStep
    member_name: str
    status: RequestStatus
    outcome: BreachOutcome | None
    outcome_note: str
    acted_by: str | None


@dataclass(frozen=True)
class RecordView:
    incident: IncidentView
    reporter: str
    chronology: tuple[ChronologyEntry, ...]
    outcomes: tuple[OutcomeView, ...]
    referrals: tuple[ReferralView, ...]      # every referral, from outcomes and the s42 step
    follow_ups: tuple[FollowUpView, ...]
    s42: S42View | None
    serious: SeriousView | None
    breach_tasks: tuple[BreachTaskView, ...]
    s42_offered: bool                        # a safeguarding kind: the s42 step applies
    may_act: bool                            # the reader is a responder (lead, coordinator, HR)
    may_export: bool                         # the reader is a safeguarding lead
    may_decide: bool                         # the reader is a trustee (serious incidents)


class Names:
    """Slack ids to the directory's names, looked up once per record."""

    def __init__(self, session: Session, ids: Iterable[str | None]) -> None:
        wanted = {i for i in ids if i}
        found = session.scalars(select(Member).where(Member.slack_user_id.in_(wanted))).all() \
            if wanted else []
        self.names = {m.slack_user_id: m.name for m in found if m.slack_user_id}

    def __call__(self, slack_id: str | None) -> str:
        return self.names.get(slack_id or "", NOT_LISTED)


def _rows(session: Session, model: type[Row], incident_id: int, order: Any) -> Sequence[Row]:
    column = model.__table__.c.incident_id  # type: ignore[attr-defined]
    return session.scalars(select(model).where(column == incident_id).order_by(order)).all()


def load_record(session: Session, incident: Incident, reader_roles: frozenset[Role],
                now: datetime) -> RecordView:
    """The whole record of one incident, for a reader already admitted by the guard."""
    outcomes = _rows(session, IncidentOutcome, incident.id, IncidentOutcome.id)
    referrals = _rows(session, IncidentReferral, incident.id, IncidentReferral.id)
    follow_ups = _rows(session, IncidentFollowUp, incident.id, IncidentFollowUp.due_at)
    tasks = _rows(session, BreachTask, incident.id, BreachTask.id)
    s42 = session.get(SafeguardingCheck, incident.id)
    serious = session.get(SeriousIncident, incident.id)
    names = Names(session, [
        incident.reporter_slack_id, *(s.actor_slack_id for s in incident.timeline),
        *(o.recorded_by for o in outcomes), *(r.recorded_by for r in referrals),
        *(f.assignee_slack_id for f in follow_ups), *(t.acted_by for t in tasks),
        s42.recorded_by if s42 else None,
        *((serious.marked_by, serious.acknowledged_by, serious.decided_by) if serious else ())])

    def referral(r: IncidentReferral) -> ReferralView:
        return ReferralView(r.agency, r.reference, r.recorded_at, names(r.recorded_by))

    return RecordView(
        incident=incident_view(incident),
        reporter=names(incident.reporter_slack_id),
        chronology=tuple(ChronologyEntry(s.at, s.step, s.detail,
                                         names(s.actor_slack_id) if s.actor_slack_id else None,
                                         s.note) for s in incident.timeline),
        outcomes=tuple(OutcomeView(
            o.recorded_at, names(o.recorded_by), o.what_was_done, o.spoken, o.views_and_wishes,
            o.decision, o.reasons,
            tuple(referral(r) for r in referrals if r.outcome_id == o.id)) for o in outcomes),
        referrals=tuple(referral(r) for r in referrals),
        follow_ups=tuple(FollowUpView(
            f.id, f.what, names(f.assignee_slack_id), f.assignee_slack_id, f.due_at, f.status,
            f.done_at, f.status is FollowUpStatus.OPEN and f.due_at < now) for f in follow_ups),
        s42=S42View((s42.care_needs, s42.abuse_or_neglect, s42.cannot_protect), s42.decision,
                    s42.reasons, names(s42.recorded_by), s42.recorded_at) if s42 else None,
        serious=SeriousView(
            tuple(Harm(h) for h in serious.harms.split(",") if h), names(serious.marked_by),
            serious.marked_at,
            names(serious.acknowledged_by) if serious.acknowledged_by else None,
            serious.decision, serious.reported_on, serious.reference, serious.reason,
            names(serious.decided_by) if serious.decided_by else None, serious.decided_at,
        ) if serious else None,
        breach_tasks=tuple(BreachTaskView(
            t.id, t.step, t.member.name, t.status, t.outcome, t.outcome_note,
            names(t.acted_by) if t.acted_by else None) for t in tasks),
        s42_offered=s42_applies(incident.kind),
        may_act=bool(reader_roles & RESPONDERS),
        may_export=Role.SAFEGUARDING_LEAD in reader_roles,
        may_decide=Role.TRUSTEE in reader_roles,
    )


class IncidentRecordService:
    """Reading the record; resolving with an outcome; reopening; follow-ups and their
    reminders."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 incidents: IncidentsService, nudge: Nudge) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.incidents = incidents
        self.nudge = nudge

    def remind_follow_ups(self) -> int:
        """Scheduled: reminds follow-ups due, and chases missed ones with the leads."""
        return 0
