"""An incident's record as the people entitled to it see it: the chronology of every step with
who and when, the outcomes with the person's views and wishes, decisions and reasons, referrals,
follow-ups, the s42 questions, the trustees' decision on a serious incident, and breach
follow-ups. Read through the incident's audited guard; drawn by handlers/blocks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.notices import Notice, NoticeGone
from bot.rules.incidents import (
    BreachStep,
    IncidentKind,
    IncidentStatus,
    InvalidIncident,
    exclude_involved,
)
from bot.rules.lifecycle import RequestStatus
from bot.rules.roles import Role
from bot.rules.safeguarding import (
    REFERRAL_DETAIL,
    RESPONDERS,
    STANDING_IN,
    Agency,
    Answer,
    BreachOutcome,
    CharityDecision,
    FollowUpForm,
    FollowUpStatus,
    Harm,
    NeedsMore,
    OutcomeForm,
    S42Decision,
    Spoken,
    check_follow_up_form,
    check_follow_up_person,
    check_outcome,
    check_reopen,
    follow_up_due_at,
    follow_up_reminder,
    read_harms,
    responding_roles,
    s42_applies,
    short_day,
)
from bot.services.cases import CaseDesk
from bot.services.declarations import related_slack_ids
from bot.services.incidents import (
    IncidentAlert,
    IncidentsService,
    IncidentView,
    ReportPickedUp,
    incident_view,
    involved_slack_ids,
    responder_can_act,
)
from bot.services.jobs import one_by_one
from bot.services.notices import NoticeBook
from bot.services.timeline import record_step
from storage.models import (
    BreachTask,
    Incident,
    IncidentFollowUp,
    IncidentOutcome,
    IncidentRecipient,
    IncidentReferral,
    Member,
    SafeguardingCheck,
    SeriousIncident,
)
from storage.repositories import IncidentRepository, MemberRepository

log = logging.getLogger(__name__)

NOT_LISTED = "someone no longer in the directory"
Row = TypeVar("Row")
# A step's detail may name a Slack user by id ("Slack message to <@U0...>"): shown by name.
MENTION = re.compile(r"<@([A-Z0-9]+)>")


# -- what the record tells people (drawn by handlers/blocks/incident_record.py) ---------------
class FollowUpNotice(Notice):
    """A follow-up: to the person doing it when it becomes theirs (number 0), on the day it is
    due (1), and each grace period after while it is not done (2 and on), when the safeguarding
    leads are chased too (`chase`). Every copy is redrawn to say done once it is."""

    kind = "incident.follow-up"
    identity = ("follow_up_id",)
    follow_up_id: int
    number: int
    chase: bool = False


@dataclass(frozen=True)
class FollowUpNoticeView:
    """A follow-up as its messages show it."""

    id: int
    incident_id: int
    kind: IncidentKind
    what: str
    who: str
    due_at: datetime
    done: bool
    done_by: str | None
    done_at: datetime | None


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
    done_by: str | None = None


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
    may_act: bool                            # the reader may take the response's steps: a
    #                                          responder, or a trustee standing in for them
    may_export: bool                         # the reader is a safeguarding lead
    may_decide: bool                         # the reader is a trustee (serious incidents)
    # The step asked for had already been taken (resolving a resolved incident, reopening an
    # open one, marking a follow-up done twice): nothing was changed.
    unchanged: bool = False


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
    mentioned = [m for s in incident.timeline for m in MENTION.findall(s.detail)]
    names = Names(session, [
        incident.reporter_slack_id, *(s.actor_slack_id for s in incident.timeline), *mentioned,
        *(o.recorded_by for o in outcomes), *(r.recorded_by for r in referrals),
        *(f.assignee_slack_id for f in follow_ups),
        *(f.done_by for f in follow_ups), *(t.acted_by for t in tasks),
        s42.recorded_by if s42 else None,
        *((serious.marked_by, serious.acknowledged_by, serious.decided_by) if serious else ())])

    def referral(r: IncidentReferral) -> ReferralView:
        return ReferralView(r.agency, r.reference, r.recorded_at, names(r.recorded_by))

    return RecordView(
        incident=incident_view(incident),
        reporter=names(incident.reporter_slack_id),
        chronology=tuple(ChronologyEntry(s.at, s.step,
                                         MENTION.sub(lambda m: names(m.group(1)), s.detail),
                                         names(s.actor_slack_id) if s.actor_slack_id else None,
                                         s.note) for s in incident.timeline),
        outcomes=tuple(OutcomeView(
            o.recorded_at, names(o.recorded_by), o.what_was_done, o.spoken, o.views_and_wishes,
            o.decision, o.reasons,
            tuple(referral(r) for r in referrals if r.outcome_id == o.id)) for o in outcomes),
        referrals=tuple(referral(r) for r in referrals),
        follow_ups=tuple(FollowUpView(
            f.id, f.what, names(f.assignee_slack_id), f.assignee_slack_id, f.due_at, f.status,
            f.done_at, f.status is FollowUpStatus.OPEN and f.due_at < now,
            names(f.done_by) if f.done_by else None) for f in follow_ups),
        s42=S42View((s42.care_needs, s42.abuse_or_neglect, s42.cannot_protect), s42.decision,
                    s42.reasons, names(s42.recorded_by), s42.recorded_at) if s42 else None,
        serious=_serious_view(serious, names) if serious else None,
        breach_tasks=tuple(BreachTaskView(
            t.id, t.step, t.member.name, t.status, t.outcome, t.outcome_note,
            names(t.acted_by) if t.acted_by else None) for t in tasks),
        s42_offered=s42_applies(incident.kind),
        may_act=bool(reader_roles & responding_roles(responder_can_act(session, incident))),
        may_export=Role.SAFEGUARDING_LEAD in reader_roles,
        may_decide=Role.TRUSTEE in reader_roles,
    )


def _serious_view(serious: SeriousIncident, names: Names) -> SeriousView:
    return SeriousView(
        read_harms(serious.harms), names(serious.marked_by),
        serious.marked_at, names(serious.acknowledged_by) if serious.acknowledged_by else None,
        serious.decision, serious.reported_on, serious.reference, serious.reason,
        names(serious.decided_by) if serious.decided_by else None, serious.decided_at)


class IncidentRecordService:
    """Reading the record; notes; resolving with an outcome; reopening; follow-ups and their
    reminders. Every read and every step goes through the incident's audited guard."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 incidents: IncidentsService, nudge: Nudge) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.incidents = incidents
        self.nudge = nudge
        self.grace = timedelta(hours=settings.coprod_follow_up_grace_hours)

    @property
    def desk(self) -> CaseDesk:
        return self.incidents.desk

    # -- reading ------------------------------------------------------------------------------
    def record(self, incident_id: int, actor: str) -> RecordView:
        """The record, for someone it was sent to who holds a role that may see it now."""
        with self.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, action="read record")
            return self._view(session, incident, actor)

    def before_step(self, incident_id: int, actor: str, step: str) -> RecordView:
        """The record as it stands, for a responder about to take a step on it (resolve,
        reopen, a follow-up): the form for it is opened only for them."""
        with self.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor,
                                            action=f"open {step} form", roles=RESPONDERS)
            return self._view(session, incident, actor)

    def _view(self, session: Session, incident: Incident, actor: str, *,
              unchanged: bool = False) -> RecordView:
        session.flush()
        reader = MemberRepository(session).get_by_slack_id(actor)
        view = load_record(session, incident, reader.role_set if reader else frozenset(),
                           self.clock())
        return replace(view, unchanged=True) if unchanged else view

    # -- notes, resolving, reopening ----------------------------------------------------------
    def add_note(self, incident_id: int, actor: str, note: str) -> RecordView:
        if not note.strip() or len(note) > 3000:
            raise InvalidIncident({"note": "Please write a note of up to 3000 characters."})
        now = self.clock()
        with self.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, lock=True,
                                            action="note", roles=RESPONDERS)
            self.incidents.take_up(session, incident, actor, now)  # working on it is having it
            record_step(incident, now, "note", actor=actor, note=note)
            return self._view(session, incident, actor)

    def resolve(self, incident_id: int, actor: str, form: OutcomeForm) -> RecordView:
        """Resolving records the outcome: what was done, whether the person was spoken with
        first and their views and wishes, the decision and its reasons, referrals, and any
        follow-up. An incident already resolved is left as it is."""
        now = self.clock()
        with self.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, action="resolved",
                                            lock=True, roles=RESPONDERS)
            if incident.status is IncidentStatus.RESOLVED:
                return self._view(session, incident, actor, unchanged=True)
            errors = check_outcome(form, self._today(now))
            if form.follow_up.who is not None:
                errors |= self._person_errors(session, incident, form.follow_up.who)
            if errors:
                raise NeedsMore(errors)
            book = NoticeBook(session, now)
            if incident.acknowledged_by is None:
                incident.acknowledged_by, incident.acknowledged_at = actor, now
                book.to_slack_user(incident.reporter_slack_id,
                                   ReportPickedUp(incident_id=incident.id))
            incident.status = IncidentStatus.RESOLVED
            incident.resolved_by, incident.resolved_at = actor, now
            incident.next_escalation_at = None  # stops the escalation
            _record_outcome(session, incident, actor, form, now)
            if form.follow_up.who is not None:
                self._add_follow_up(session, book, incident, actor, form.follow_up)
            record_step(incident, now, "resolved", actor=actor)
            _redraw_alerts(book, incident, "resolved")
            view = self._view(session, incident, actor)
        self.nudge()
        return view

    def reopen(self, incident_id: int, actor: str, why: str) -> RecordView:
        """Statuses only move forward, except here: reopening a resolved incident is the one
        deliberate step back, and it is recorded on the timeline with why."""
        now = self.clock()
        with self.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, action="reopened",
                                            lock=True, roles=RESPONDERS)
            if incident.status is not IncidentStatus.RESOLVED:
                return self._view(session, incident, actor, unchanged=True)
            errors = check_reopen(why)
            if errors:
                raise NeedsMore(errors)
            incident.status = IncidentStatus.ACKNOWLEDGED
            # No longer resolved, so retention (which counts from resolved_at) keeps it.
            incident.resolved_by = incident.resolved_at = None
            record_step(incident, now, "reopened", actor=actor, note=why.strip())
            _redraw_alerts(NoticeBook(session, now), incident, "reopened")
            view = self._view(session, incident, actor)
        self.nudge()
        return view

    # -- follow-ups ---------------------------------------------------------------------------
    def add_follow_up(self, incident_id: int, actor: str, form: FollowUpForm) -> RecordView:
        now = self.clock()
        with self.desk.transaction() as session:
            incident = self.incidents.admit(session, incident_id, actor, lock=True,
                                            action="follow-up added", roles=RESPONDERS)
            errors = check_follow_up_form(form, self._today(now))
            if form.who is not None:
                errors |= self._person_errors(session, incident, form.who)
            if errors:
                raise NeedsMore(errors)
            self.incidents.take_up(session, incident, actor, now)
            self._add_follow_up(session, NoticeBook(session, now), incident, actor, form)
            view = self._view(session, incident, actor)
        self.nudge()
        return view

    def _person_errors(self, session: Session, incident: Incident, who: str) -> dict[str, str]:
        """A trustee standing in for the responders may give a follow-up to a trustee."""
        member = MemberRepository(session).get_by_slack_id(who)
        named = not exclude_involved([who], involved_slack_ids(incident))
        return check_follow_up_person(member.role_set if member else frozenset(), named,
                                      responding_roles(responder_can_act(session, incident)))

    def _add_follow_up(self, session: Session, book: NoticeBook, incident: Incident,
                       actor: str, form: FollowUpForm) -> None:
        """The follow-up, its person made one of the incident's recipients (so they can open
        the record), and told it is theirs."""
        assert form.who is not None and form.by is not None  # checked by the form's rules
        tz = self.settings.timezone
        due = follow_up_due_at(form.by, tz)
        follow_up = IncidentFollowUp(
            incident_id=incident.id, what=form.what.strip(), assignee_slack_id=form.who,
            due_at=due, status=FollowUpStatus.OPEN, created_by=actor, created_at=book.now,
            reminders_sent=0, next_reminder_at=due)
        session.add(follow_up)
        _add_recipient(incident, form.who)
        session.flush()
        book.to_slack_user(form.who, FollowUpNotice(follow_up_id=follow_up.id, number=0),
                           about=[p.member_id for p in incident.involved])
        record_step(incident, book.now, "follow-up added", actor=actor,
                    detail=f"due {short_day(due, tz)}")

    def mark_follow_up_done(self, follow_up_id: int, actor: str) -> RecordView:
        """By the person doing it (a trustee, if one stood in and gave it to one) or anyone
        the incident was sent to who may take the response's steps. Its reminders stop, and
        every message about it is redrawn to say it is done."""
        now = self.clock()
        with self.desk.transaction() as session:
            follow_up = session.get(IncidentFollowUp, follow_up_id)
            theirs = follow_up is not None and follow_up.assignee_slack_id == actor
            # A follow-up that doesn't exist is refused as an incident that doesn't: (0).
            incident = self.incidents.admit(
                session, follow_up.incident_id if follow_up else 0, actor, lock=True,
                action="follow-up done", roles=STANDING_IN if theirs else RESPONDERS)
            assert follow_up is not None
            if follow_up.status is FollowUpStatus.DONE:
                return self._view(session, incident, actor, unchanged=True)
            follow_up.status = FollowUpStatus.DONE
            follow_up.done_by, follow_up.done_at = actor, now
            follow_up.next_reminder_at = None
            record_step(incident, now, "follow-up done", actor=actor,
                        detail=f"due {short_day(follow_up.due_at, self.settings.timezone)}")
            NoticeBook(session, now).redraw(
                FollowUpNotice(follow_up_id=follow_up.id, number=0), "done")
            view = self._view(session, incident, actor)
        self.nudge()
        return view

    def remind_follow_ups(self) -> int:
        """Scheduled: a follow-up due today reminds its person; one missed (each grace period
        after) reminds them and chases the safeguarding leads. Each in a savepoint of its own."""
        now = self.clock()
        with self.sessions.begin() as session:
            due = session.scalars(
                select(IncidentFollowUp)
                .where(IncidentFollowUp.status == FollowUpStatus.OPEN)
                .where(IncidentFollowUp.next_reminder_at.is_not(None))
                .where(IncidentFollowUp.next_reminder_at <= now)
                .order_by(IncidentFollowUp.next_reminder_at, IncidentFollowUp.id)).all()
            reminded = one_by_one(session, due, lambda f: self._remind(session, f, now), log,
                                  "follow-up %d could not be reminded")
        if reminded:
            self.nudge()
        return reminded

    def _remind(self, session: Session, follow_up: IncidentFollowUp, now: datetime) -> int:
        incident = IncidentRepository(session).get(follow_up.incident_id)
        if incident is None:
            return 0
        reminder = follow_up_reminder(follow_up.due_at, follow_up.reminders_sent, self.grace,
                                      now)
        book = NoticeBook(session, now)
        about = [p.member_id for p in incident.involved]
        book.to_slack_user(follow_up.assignee_slack_id, FollowUpNotice(
            follow_up_id=follow_up.id, number=reminder.number), about=about)
        leads = _leads_to_chase(session, incident, follow_up) if reminder.chase else []
        for lead in leads:  # chased, and so able to open the record
            _add_recipient(incident, lead)
            book.to_slack_user(lead, FollowUpNotice(follow_up_id=follow_up.id,
                                                    number=reminder.number, chase=True),
                               about=about)
        follow_up.reminders_sent = reminder.number
        follow_up.next_reminder_at = reminder.next_at
        due = short_day(follow_up.due_at, self.settings.timezone)
        record_step(incident, now, "follow-up reminded",
                    detail=f"missed (due {due}); to the person doing it and {len(leads)} "
                           "safeguarding lead(s)" if reminder.chase else f"due today ({due})")
        return 1

    # -- for drawing notices at delivery ------------------------------------------------------
    def follow_up_notice(self, follow_up_id: int) -> FollowUpNoticeView:
        with self.sessions() as session:
            follow_up = session.get(IncidentFollowUp, follow_up_id)
            incident = IncidentRepository(session).get_for_alert(
                follow_up.incident_id) if follow_up else None
            if follow_up is None or incident is None:
                raise NoticeGone(follow_up_id)
            names = Names(session, [follow_up.assignee_slack_id, follow_up.done_by])
            return FollowUpNoticeView(
                id=follow_up.id, incident_id=incident.id, kind=incident.kind,
                what=follow_up.what, who=names(follow_up.assignee_slack_id),
                due_at=follow_up.due_at, done=follow_up.status is FollowUpStatus.DONE,
                done_by=names(follow_up.done_by) if follow_up.done_by else None,
                done_at=follow_up.done_at)

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.settings.timezone).date()


def _leads_to_chase(session: Session, incident: Incident,
                    follow_up: IncidentFollowUp) -> list[str]:
    """The safeguarding leads, but the person doing it: never anyone named in the incident,
    nor anyone with a declared relationship to them while another lead can be chased."""
    holders = MemberRepository(session).slack_ids_by_role(Role.SAFEGUARDING_LEAD)
    blocked = [*involved_slack_ids(incident), follow_up.assignee_slack_id]
    related = related_slack_ids(session, [p.member_id for p in incident.involved])
    leads = holders[Role.SAFEGUARDING_LEAD]
    return exclude_involved(leads, [*blocked, *related]) or exclude_involved(leads, blocked)


def _add_recipient(incident: Incident, slack_user_id: str) -> None:
    if slack_user_id not in {r.slack_user_id for r in incident.recipients}:
        incident.recipients.append(IncidentRecipient(slack_user_id=slack_user_id))


def _record_outcome(session: Session, incident: Incident, actor: str, form: OutcomeForm,
                    now: datetime) -> None:
    assert form.spoken is not None  # checked by the form's rules
    outcome = IncidentOutcome(
        incident_id=incident.id, recorded_by=actor, recorded_at=now,
        what_was_done=form.what_was_done.strip(), spoken=form.spoken,
        views_and_wishes=form.views_and_wishes.strip(), decision=form.decision.strip(),
        reasons=form.reasons.strip())
    session.add(outcome)
    session.flush()
    record_step(incident, now, "outcome recorded", actor=actor,
                detail="no referral" if form.no_referral else
                f"{len(form.referrals)} referral(s)")
    for referral in form.referrals:
        session.add(IncidentReferral(
            incident_id=incident.id, outcome_id=outcome.id, agency=referral.agency,
            reference=referral.reference.strip(), recorded_by=actor, recorded_at=now))
        record_step(incident, now, "referral", actor=actor,
                    detail=REFERRAL_DETAIL[referral.agency])


def _redraw_alerts(book: NoticeBook, incident: Incident, step: str) -> None:
    """Every copy of the alert drawn again: one redraw per step (a reopened incident can be
    resolved again, and that is a new version)."""
    book.redraw(IncidentAlert(incident_id=incident.id, level=0),
                f"{step}-{len(incident.timeline)}")
