"""Trustee oversight: incidents a lead marks as possibly serious for the charity reach the
trustees (no names, no words unless they open the record) until they record whether it was
reported to the Charity Commission; and a digest of counts, monthly by default."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.notices import Notice, NoticeGone
from bot.rules.coverage import assess_coverage
from bot.rules.feedback_words import FeedbackStatus
from bot.rules.incidents import BREACH_KINDS, BreachStep, IncidentKind, Severity, exclude_involved
from bot.rules.lifecycle import REQUEST_OPEN
from bot.rules.roles import Role
from bot.rules.safeguarding import (
    RESPONDERS,
    CharityDecision,
    CharityDecisionForm,
    FollowUpStatus,
    Harm,
    NeedsMore,
    check_charity_decision,
    check_serious,
    days_since,
    digest_period,
    harms_in_words,
    median_days,
    next_reminder_after,
    read_harms,
    store_harms,
)
from bot.services.declarations import related_slack_ids
from bot.services.incident_record import RecordView, load_record
from bot.services.incidents import IncidentsService, involved_slack_ids
from bot.services.jobs import one_by_one
from bot.services.notices import NoticeBook
from bot.services.sessions import facilitator
from bot.services.timeline import record_step
from storage.models import (
    BreachTask,
    FeedbackCase,
    FeedbackEvent,
    GroupSession,
    Incident,
    IncidentFollowUp,
    IncidentPerson,
    IncidentRecipient,
    Member,
    SeriousIncident,
)
from storage.repositories import MemberRepository

log = logging.getLogger(__name__)
TRUSTEES = frozenset({Role.TRUSTEE})


# -- what oversight tells people (drawn by handlers/blocks/oversight.py) -----------------------
class SeriousIncidentNotice(Notice):
    """To each trustee: an incident marked possibly serious (`reminder` 0), then each reminder
    until they decide. Every copy, reminders too, is redrawn when one acknowledges or decides."""

    kind = "oversight.serious-incident"
    identity = ("incident_id",)
    incident_id: int
    reminder: int = 0


class TrusteesDecided(Notice):
    """To the lead who marked it: the trustees have recorded their decision."""

    kind = "oversight.trustees-decided"
    incident_id: int


class TrusteeDigest(Notice):
    """Counts for the months from `first_month` ("2026-11"): one per trustee, once a period."""

    kind = "oversight.trustee-digest"
    first_month: str
    months: int


class NotMarked(LookupError):
    """The incident is not (or no longer) marked as possibly serious: a stale button."""


class AlreadyMarked(Exception):
    """Marking again changes nothing."""


class AlreadyDecided(Exception):
    """The trustees' decision was recorded before: there is nothing left to decide."""


@dataclass(frozen=True)
class SeriousNoticeView:
    """What a trustee's message shows: numbers, harms, dates and trustees' names only."""

    incident_id: int
    harms: tuple[Harm, ...]
    marked_at: datetime
    marked_days_ago: int
    acknowledged_by: str | None       # a trustee's name from the directory
    decision: CharityDecision | None
    reported_on: date | None
    decided_by: str | None


@dataclass(frozen=True)
class Marked:
    record: RecordView
    trustees_told: int
    newly: bool

    @property
    def nobody_to_tell(self) -> bool:
        return self.newly and self.trustees_told == 0


@dataclass(frozen=True)
class PendingDecision:
    incident_id: int
    kind: IncidentKind
    marked_at: datetime


@dataclass(frozen=True)
class DigestView:
    start: date                       # the first day of the period
    end: date                         # the first day after it
    incidents: tuple[tuple[IncidentKind, Severity, int], ...]
    follow_ups_open: int              # now, whenever they were set
    follow_ups_overdue: int
    decisions_pending: int
    breaches: int
    hiatus_reviews_open: int
    feedback_received: int
    feedback_resolved: int
    median_days_to_resolve: float | None
    sessions_ran: int
    sessions_without_cover: int


class OversightService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 incidents: IncidentsService, nudge: Nudge) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.incidents = incidents
        self.nudge = nudge
        self.every = timedelta(hours=settings.coprod_serious_incident_reminder_hours)

    # -- a lead marks an incident as possibly serious -----------------------------------------
    def may_mark(self, incident_id: int, actor: str) -> None:
        """Before the form opens: the actor may mark it (else Refused), and it isn't marked
        yet (else AlreadyMarked)."""
        with self.incidents.desk.transaction() as session:
            self.incidents.admit(session, incident_id, actor, action="open serious form",
                                 roles=RESPONDERS)
            if session.get(SeriousIncident, incident_id) is not None:
                raise AlreadyMarked(incident_id)

    def mark_serious(self, incident_id: int, actor: str, harms: Sequence[Harm]) -> Marked:
        errors = check_serious(harms)
        if errors:
            raise NeedsMore(errors)
        now = self.clock()
        with self.incidents.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, lock=True,
                                            action="marked serious", roles=RESPONDERS)
            self.incidents.take_up(session, incident, actor, now)  # working on it is having it
            told, newly = 0, session.get(SeriousIncident, incident.id) is None
            if newly:
                session.add(SeriousIncident(
                    incident_id=incident.id, harms=store_harms(harms), marked_by=actor,
                    marked_at=now, next_reminder_at=now + self.every))
                told = self._tell_trustees(session, NoticeBook(session, now), incident)
                sent = (f"sent to {told} trustee(s)" if told
                        else "no trustees are set up in Coprod to tell")
                record_step(incident, now, "marked possibly serious", actor=actor,
                            detail=f"{harms_in_words(harms)}; {sent}")
                log.info("incident %d marked possibly serious: %d trustee(s) told",
                         incident.id, told)
            return Marked(self._record(session, incident, actor, now, unchanged=not newly),
                          told, newly)

    def _tell_trustees(self, session: Session, book: NoticeBook, incident: Incident, *,
                       reminder: int = 0) -> int:
        """The trustees now, who may then open the record (`_trustees_for`), are sent the
        notice: the first, or a reminder."""
        trustees = _trustees_for(session, incident)
        already = {r.slack_user_id for r in incident.recipients}
        for trustee in trustees:
            if trustee not in already:
                incident.recipients.append(IncidentRecipient(slack_user_id=trustee))
            book.to_slack_user(trustee, SeriousIncidentNotice(incident_id=incident.id,
                                                              reminder=reminder))
        session.flush()
        return len(trustees)

    # -- the trustees' side -------------------------------------------------------------------
    def acknowledge(self, incident_id: int, actor: str) -> SeriousNoticeView:
        now = self.clock()
        with self.incidents.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, lock=True,
                                            action="acknowledged serious", roles=TRUSTEES)
            serious = _marked(session, incident.id)
            if serious.acknowledged_by is None:
                serious.acknowledged_by, serious.acknowledged_at = actor, now
                record_step(incident, now, "trustee acknowledged", actor=actor)
                NoticeBook(session, now).redraw(
                    SeriousIncidentNotice(incident_id=incident.id), "acknowledged")
            return _notice_view(session, serious, now)

    def may_decide(self, incident_id: int, actor: str) -> None:
        """Before the decision form opens: a trustee it was sent to (else Refused), and not
        decided yet (else AlreadyDecided)."""
        with self.incidents.desk.transaction() as session:
            self.incidents.admit(session, incident_id, actor,
                                 action="open charity decision form", roles=TRUSTEES)
            if _marked(session, incident_id).decision is not None:
                raise AlreadyDecided(incident_id)

    def record_decision(self, incident_id: int, actor: str,
                        form: CharityDecisionForm) -> RecordView:
        """The trustees' decision; a second one changes nothing, and the record says so."""
        now = self.clock()
        with self.incidents.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, lock=True,
                                            action="charity decision", roles=TRUSTEES)
            serious = _marked(session, incident.id)
            if serious.decision is not None:
                return self._record(session, incident, actor, now, unchanged=True)
            errors = check_charity_decision(form, now.astimezone(self.settings.timezone).date())
            if errors or form.decision is None:
                raise NeedsMore(errors)
            reported = form.decision is CharityDecision.REPORTED
            serious.decision = form.decision
            serious.reported_on = form.reported_on if reported else None
            serious.reference = form.reference.strip() if reported else ""
            serious.reason = "" if reported else form.reason.strip()
            serious.decided_by, serious.decided_at = actor, now
            serious.next_reminder_at = None  # the reminders stop
            record_step(incident, now, "charity decision", actor=actor,
                        detail=decision_words(serious.decision, serious.reported_on))
            book = NoticeBook(session, now)
            book.redraw(SeriousIncidentNotice(incident_id=incident.id), "decided")
            if serious.marked_by != actor:
                book.to_slack_user(serious.marked_by, TrusteesDecided(incident_id=incident.id))
            return self._record(session, incident, actor, now)

    def pending_for(self, slack_user_id: str) -> list[PendingDecision]:
        """App Home: the serious incidents sent to this trustee still waiting for a decision
        (listed on the audit log); nothing for anyone who no longer holds the role."""
        with self.incidents.desk.transaction() as session:
            if not self.incidents.desk.holds_one_of(session, slack_user_id, TRUSTEES):
                return []
            rows = session.execute(
                select(Incident.id, Incident.kind, SeriousIncident.marked_at)
                .join(SeriousIncident, SeriousIncident.incident_id == Incident.id)
                .join(IncidentRecipient, IncidentRecipient.incident_id == Incident.id)
                .where(IncidentRecipient.slack_user_id == slack_user_id)
                .where(~Incident.involved.any(IncidentPerson.member.has(
                    Member.slack_user_id == slack_user_id)))
                .where(SeriousIncident.decision.is_(None))
                .order_by(SeriousIncident.marked_at, Incident.id).limit(30)).all()
            self.incidents.desk.listed(session, slack_user_id, [r.id for r in rows])
            return [PendingDecision(r.id, r.kind, r.marked_at) for r in rows]

    # -- reminders (scheduled) ----------------------------------------------------------------
    def remind_trustees(self) -> int:
        """Scheduled: each serious incident still waiting for the trustees' decision, whose
        reminder is due, is reminded to its trustees, one incident at a time."""
        now = self.clock()
        with self.sessions.begin() as session:
            query = (select(Incident)
                     .join(SeriousIncident, SeriousIncident.incident_id == Incident.id)
                     .where(SeriousIncident.decision.is_(None))
                     .where(SeriousIncident.next_reminder_at <= now)
                     .order_by(SeriousIncident.next_reminder_at, Incident.id))
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(of=SeriousIncident, skip_locked=True)
            return one_by_one(session, session.scalars(query).all(),
                              lambda incident: self._remind(session, incident, now), log,
                              "serious incident %d: the trustees could not be reminded")

    def _remind(self, session: Session, incident: Incident, now: datetime) -> int:
        """To the trustees now: those it was sent to who still hold the role, and any trustee
        who joined since (or all of them, when there were none to tell when it was marked, or
        every one told has stepped down), who may then open the record and decide. Never
        anyone named in it."""
        serious = _marked(session, incident.id)
        serious.next_reminder_at = next_reminder_after(serious.next_reminder_at or now, now,
                                                       self.every)
        if not _trustees_for(session, incident):
            return 0
        serious.reminders_sent += 1
        told = self._tell_trustees(session, NoticeBook(session, now), incident,
                                   reminder=serious.reminders_sent)
        record_step(incident, now, "trustees reminded",
                    detail=f"reminder {serious.reminders_sent}, to {told} trustee(s)")
        return told

    # -- the digest (scheduled) ---------------------------------------------------------------
    def send_digest(self) -> int:
        """Scheduled: to each trustee, counts for the months just ended; once per period,
        however often the job runs. The counts are worked out when each message is drawn, at
        delivery: the outbox holds only the period."""
        months = self.settings.coprod_trustee_digest_months
        if not months:
            return 0
        now = self.clock()
        start, _ = digest_period(now.astimezone(self.settings.timezone).date(), months)
        notice = TrusteeDigest(first_month=f"{start:%Y-%m}", months=months)
        with self.sessions.begin() as session:
            book = NoticeBook(session, now)
            if book.was_queued(notice):
                return 0
            trustees = MemberRepository(session).slack_ids_by_role(Role.TRUSTEE)[Role.TRUSTEE]
            for trustee in trustees:
                book.to_slack_user(trustee, notice)
        log.info("trustee digest for %s (%d month(s)) queued for %d trustee(s)",
                 notice.first_month, months, len(trustees))
        return len(trustees)

    # -- for drawing notices at delivery (the recipient was chosen when it was queued) --------
    def notice_view(self, incident_id: int) -> SeriousNoticeView:
        with self.sessions() as session:
            serious = session.get(SeriousIncident, incident_id)
            if serious is None:
                raise NoticeGone(incident_id)
            return _notice_view(session, serious, self.clock())

    def digest(self, first_month: str, months: int) -> DigestView:
        try:
            start = date.fromisoformat(f"{first_month}-01")
        except ValueError as error:
            raise NoticeGone(first_month) from error
        end = _month_after(start, months)
        with self.sessions() as session:
            return count_digest(session, start, end, self.clock(), self.settings.timezone)

    def _record(self, session: Session, incident: Incident, actor: str, now: datetime, *,
                unchanged: bool = False) -> RecordView:
        session.flush()
        member = MemberRepository(session).get_by_slack_id(actor)
        record = load_record(session, incident, member.role_set if member else frozenset(), now)
        return replace(record, unchanged=True) if unchanged else record


def _trustees_for(session: Session, incident: Incident) -> list[str]:
    """The trustees in Slack now, never anyone named as involved; and not anyone with a
    declared relationship to someone who is, while another trustee can be told (one told
    already, while the only trustee, is still reminded)."""
    involved = involved_slack_ids(incident)
    trustees = exclude_involved(
        MemberRepository(session).slack_ids_by_role(Role.TRUSTEE)[Role.TRUSTEE], involved)
    related = related_slack_ids(session, [p.member_id for p in incident.involved])
    told = {r.slack_user_id for r in incident.recipients}
    unrelated = [t for t in trustees if t not in related or t in told]
    return unrelated if set(unrelated) - related else trustees


def decision_words(decision: CharityDecision, reported_on: date | None) -> str:
    """The decision as the timeline and the trustees' messages say it: never the reference
    or the reasons, which are kept in the record."""
    if decision is CharityDecision.REPORTED and reported_on is not None:
        return f"reported on {reported_on.day} {reported_on:%b %Y}"
    return "reported" if decision is CharityDecision.REPORTED else "not reported"


def _marked(session: Session, incident_id: int) -> SeriousIncident:
    serious = session.get(SeriousIncident, incident_id)
    if serious is None:
        raise NotMarked(incident_id)
    return serious


def _name(session: Session, slack_id: str | None) -> str | None:
    if slack_id is None:
        return None
    member = session.scalar(select(Member).where(Member.slack_user_id == slack_id))
    return member.name if member else "a trustee no longer in the directory"


def _notice_view(session: Session, serious: SeriousIncident, now: datetime
                 ) -> SeriousNoticeView:
    return SeriousNoticeView(
        incident_id=serious.incident_id, harms=read_harms(serious.harms),
        marked_at=serious.marked_at, marked_days_ago=days_since(serious.marked_at, now),
        acknowledged_by=_name(session, serious.acknowledged_by), decision=serious.decision,
        reported_on=serious.reported_on, decided_by=_name(session, serious.decided_by))


def _month_after(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# -- the digest's counts: numbers only, never a name or a word anyone typed ---------------------
def count_digest(session: Session, start: date, end: date, now: datetime,
                 tz: tzinfo) -> DigestView:
    since = datetime.combine(start, time(0), tzinfo=tz)
    until = datetime.combine(end, time(0), tzinfo=tz)
    kinds = session.execute(
        select(Incident.kind, Incident.severity, func.count())
        .where(Incident.created_at >= since, Incident.created_at < until)
        .group_by(Incident.kind, Incident.severity)).all()
    by_kind = tuple(sorted(((k, s, n) for k, s, n in kinds),
                           key=lambda row: (list(IncidentKind).index(row[0]),
                                            list(Severity).index(row[1]))))
    open_follow_ups = session.scalars(select(IncidentFollowUp.due_at).where(
        IncidentFollowUp.status == FollowUpStatus.OPEN)).all()
    received, resolved, median = _feedback_counts(session, since, until)
    ran, uncovered = _sessions_without_cover(session, since, min(until, now), tz)
    return DigestView(
        start=start, end=end, incidents=by_kind,
        follow_ups_open=len(open_follow_ups),
        follow_ups_overdue=sum(1 for due in open_follow_ups if due < now),
        decisions_pending=_count(session, select(func.count()).select_from(SeriousIncident)
                                 .where(SeriousIncident.decision.is_(None))),
        breaches=sum(n for k, _, n in by_kind if k in BREACH_KINDS),
        hiatus_reviews_open=_count(session, select(func.count()).select_from(BreachTask)
                                   .where(BreachTask.step == BreachStep.HIATUS_REVIEW)
                                   .where(BreachTask.status.in_(REQUEST_OPEN))),
        feedback_received=received, feedback_resolved=resolved, median_days_to_resolve=median,
        sessions_ran=ran, sessions_without_cover=uncovered)


def _count(session: Session, query: Select[int]) -> int:
    return session.scalar(query) or 0


def _feedback_counts(session: Session, since: datetime, until: datetime
                     ) -> tuple[int, int, float | None]:
    """Received in the period; resolved in it, and the median days from received to resolved.
    There is no resolved_at column: a case's "resolved" event says when (its updated_at moves
    on with any later message, so it is only the fallback for a case without the event)."""
    received = _count(session, select(func.count()).select_from(FeedbackCase)
                      .where(FeedbackCase.created_at >= since, FeedbackCase.created_at < until))
    resolved_at = (select(FeedbackEvent.case_id, func.min(FeedbackEvent.at).label("at"))
                   .where(FeedbackEvent.change == FeedbackStatus.RESOLVED.value)
                   .group_by(FeedbackEvent.case_id).subquery())
    rows = session.execute(
        select(FeedbackCase.created_at, FeedbackCase.updated_at, resolved_at.c.at)
        .outerjoin(resolved_at, resolved_at.c.case_id == FeedbackCase.id)
        .where(FeedbackCase.status == FeedbackStatus.RESOLVED)).all()
    took = [(at or updated) - created for created, updated, at in rows
            if since <= (at or updated) < until]
    return received, len(took), median_days(took)


def _sessions_without_cover(session: Session, since: datetime, until: datetime,
                            tz: tzinfo) -> tuple[int, int]:
    """Sessions that ran in the period (started, not cancelled), and how many of them without
    cover, by the same rule the rota uses (bot/rules/coverage.py)."""
    ran = session.scalars(select(GroupSession)
                          .where(GroupSession.starts_at >= since, GroupSession.starts_at < until)
                          .where(GroupSession.cancelled_at.is_(None))).all()
    uncovered = sum(1 for s in ran if not assess_coverage(
        [facilitator(f.member) for f in s.facilitators], s.starts_at.astimezone(tz).date(),
        needed=s.facilitators_needed, trained_needed=s.trained_needed).covered)
    return len(ran), uncovered
