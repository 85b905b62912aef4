"""Guideline breaches followed through: each person's breaches are counted, the first asks the
HR officer or a coordinator to talk it through, the third (or one serious) asks for a hiatus
review to be considered. Each is a task on the shared request workflow (requested ->
acknowledged -> arranged or declined) with its outcome recorded. Neither ever changes
membership, roles or a voice in decisions: nothing here touches a member's record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
from bot.rules.lifecycle import RequestStatus, request_step
from bot.rules.roles import Role
from bot.rules.safeguarding import (
    BREACH_OUTCOME_WORDS,
    BreachOutcome,
    BreachOutcomeForm,
    NeedsMore,
    breach_task_status,
    check_breach_outcome,
)
from bot.services.cases import CaseDesk, Refused
from bot.services.declarations import related_slack_ids
from bot.services.notices import NoticeBook
from bot.services.timeline import record_step
from storage.models import BreachTask, Incident, IncidentRecipient, Member
from storage.repositories import IncidentRepository, MemberRepository

# Who may act on a breach follow-up they were sent: the HR officer or a coordinator, now.
BREACH_ROLES = frozenset({Role.HR_OFFICER, Role.COORDINATOR})
STEP_WORDS = {BreachStep.TALK_IT_THROUGH: "talk it through",
              BreachStep.HIATUS_REVIEW: "hiatus review", BreachStep.NONE: "none"}


class BreachFollowUp(Notice):
    """A "talk it through" task, or a hiatus review to consider, about one person. Every copy
    is redrawn when the task moves on. Rows queued before tasks existed have no task_id, and
    still draw (without buttons)."""

    kind = "incident.breach-follow-up"
    identity = ("task_id",)
    incident_id: int
    member_id: int
    task_id: int | None = None


@dataclass(frozen=True)
class BreachTaskState:
    id: int
    status: RequestStatus
    outcome: BreachOutcome | None
    acted_by: str | None        # the name of whoever acted on it last
    closed_at: datetime | None


@dataclass(frozen=True)
class BreachView:
    step: BreachStep
    name: str
    team: bool
    history: tuple[tuple[datetime, IncidentKind, Severity], ...]
    task: BreachTaskState | None = None


@dataclass(frozen=True)
class BreachTaskDone:
    """What a click or a form did: `changed` is False when the task had already moved on
    (acknowledged twice, or its outcome already recorded)."""

    view: BreachView
    changed: bool


class BreachTasksService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        # The incident's own guard (the same audit subject, "incident:N"), narrowed to the
        # roles that follow breaches through.
        self.desk = CaseDesk(sessions, clock, "incident", roles=BREACH_ROLES)

    # -- for drawing the DM -------------------------------------------------------------------
    def breach_view(self, incident_id: int, member_id: int,
                    task_id: int | None = None) -> BreachView:
        with self.sessions() as session:
            incident = IncidentRepository(session).get(incident_id)
            person = MemberRepository(session).get(member_id)
            if incident is None or person is None:
                raise NoticeGone(incident_id)
            task = session.get(BreachTask, task_id) if task_id is not None else None
            return _view(session, incident, person, task)

    # -- the people it was sent to ------------------------------------------------------------
    def view_task(self, task_id: int, actor: str) -> BreachView:
        """The task, for someone it was sent to (audited): what the outcome form shows."""
        with self.desk.transaction() as session:
            task, incident = self._admit(session, task_id, actor, "read breach task")
            return _view(session, incident, task.member, task)

    def acknowledge(self, task_id: int, actor: str) -> BreachTaskDone:
        now = self.clock()
        with self.desk.transaction() as session:
            task, incident = self._admit(session, task_id, actor, "breach task acknowledged")
            to = request_step(task.status, RequestStatus.ACKNOWLEDGED)
            if to is not None:
                task.status, task.acted_by = to, actor
                record_step(incident, now, "breach task acknowledged", actor=actor,
                            detail=f"{STEP_WORDS[task.step]} for member {task.member_id}")
                self._redraw(session, task, now)
            return BreachTaskDone(_view(session, incident, task.member, task), to is not None)

    def record_outcome(self, task_id: int, actor: str,
                       form: BreachOutcomeForm) -> BreachTaskDone:
        """How it went: arranged, or declined when it is not going ahead. A task closed
        already changes nothing. The note is encrypted; the timeline has the outcome's words."""
        now = self.clock()
        with self.desk.transaction() as session:
            task, incident = self._admit(session, task_id, actor, "breach task outcome")
            errors = check_breach_outcome(task.step, form)
            if errors:
                raise NeedsMore(errors)
            assert form.outcome is not None  # checked just above
            to = request_step(task.status, breach_task_status(form.outcome))
            if to is not None:
                task.status, task.outcome, task.outcome_note = to, form.outcome, form.note.strip()
                task.acted_by, task.closed_at = actor, now
                record_step(incident, now, "breach task outcome", actor=actor,
                            detail=BREACH_OUTCOME_WORDS[form.outcome])
                self._redraw(session, task, now)
            return BreachTaskDone(_view(session, incident, task.member, task), to is not None)

    def _admit(self, session: Session, task_id: int, actor: str,
               action: str) -> tuple[BreachTask, Incident]:
        """The task and its incident, for one of the incident's recipients who holds a role
        that follows breaches through now; every try audited on the incident."""
        task = session.get(BreachTask, task_id, with_for_update=True)
        if task is None:
            raise Refused(Role.HR_OFFICER, actor, action, f"breach task:{task_id}")
        # Never anyone named in the incident, whatever its recipients say.
        incident = self.desk.admit(
            session, task.incident_id, IncidentRepository(session).get(task.incident_id),
            actor, lambda i: set(exclude_involved([r.slack_user_id for r in i.recipients],
                                                  _slack_ids(p.member for p in i.involved))),
            action=action, needed=Role.HR_OFFICER)
        return task, incident

    @staticmethod
    def _redraw(session: Session, task: BreachTask, now: datetime) -> None:
        session.flush()
        NoticeBook(session, now).redraw(
            BreachFollowUp(incident_id=task.incident_id, member_id=task.member_id,
                           task_id=task.id), task.status.value)


def _view(session: Session, incident: Incident, person: Member,
          task: BreachTask | None) -> BreachView:
    history = [i for i in breaches_of(session, person.id, incident.created_at)
               if i.id <= incident.id]
    state = None
    if task is not None:
        acted = MemberRepository(session).get_by_slack_id(task.acted_by) \
            if task.acted_by else None
        state = BreachTaskState(task.id, task.status, task.outcome,
                                acted.name if acted else None, task.closed_at)
    return BreachView(
        step=task.step if task else breach_step(len(history),
                                                incident.severity is Severity.SERIOUS),
        name=person.name, team=bool(person.role_set - {Role.MEMBER}),
        history=tuple((i.created_at, i.kind, i.severity) for i in history), task=state)


def open_breach_tasks(session: Session, book: NoticeBook, incident: Incident,
                      involved: Sequence[Member]) -> None:
    """Each person named in a breach who has reached a step gets a task, sent to the HR
    officer (a hiatus review, or anyone on the team) or a coordinator, the other standing in
    when none is left. A task makes its people recipients of the incident, so never anyone
    named in it (not only the person the task is about), nor anyone with a declared
    relationship to them while someone else can be told."""
    holders = MemberRepository(session).slack_ids_by_role(*BREACH_ROLES)
    named = _slack_ids(involved)
    related = related_slack_ids(session, [m.id for m in involved])
    for person in involved:
        history = breaches_of(session, person.id, book.now)
        step = breach_step(len(history), incident.severity is Severity.SERIOUS)
        if step is BreachStep.NONE:
            continue
        team = bool(person.role_set - {Role.MEMBER})
        order = [Role.HR_OFFICER, Role.COORDINATOR] \
            if step is BreachStep.HIATUS_REVIEW or team else [Role.COORDINATOR, Role.HR_OFFICER]
        targets = next((chosen for blocked in ([*named, *related], named) for role in order
                        if (chosen := exclude_involved(holders[role], blocked))), [])
        task = BreachTask(incident_id=incident.id, member_id=person.id, step=step,
                          status=RequestStatus.REQUESTED, created_at=book.now)
        session.add(task)
        session.flush()
        for target in targets:
            if target not in {r.slack_user_id for r in incident.recipients}:
                incident.recipients.append(IncidentRecipient(slack_user_id=target))
            book.to_slack_user(target, BreachFollowUp(incident_id=incident.id,
                                                      member_id=person.id, task_id=task.id),
                               about=[person.id])
        record_step(incident, book.now, step.value,
                    detail=f"{len(history)} in 12 months for member {person.id}; "
                           f"sent to {len(targets)}")


def _slack_ids(people: Iterable[Member]) -> list[str]:
    return [m.slack_user_id for m in people if m.slack_user_id]


def breaches_of(session: Session, member_id: int, now: datetime) -> Sequence[Incident]:
    return IncidentRepository(session).list_breaches_involving(
        member_id, now - BREACH_WINDOW, sorted(BREACH_KINDS))
