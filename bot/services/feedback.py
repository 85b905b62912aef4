"""Feedback: taking it in (anonymous when wanted), routing it, and the conversation after.

Anonymity is kept here, in one place: when a form says anonymous, the submitter's Slack id is
dropped before anything is written, the case's time is the delivery round rather than the
second it was typed, and every notice about it waits for that round (and is dated by it). The
team sees nothing of an anonymous case, or of words added to one, before its round.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice, NoticeGone
from bot.rules.feedback import (
    STANDARD_ERRORS,
    FeedbackErrors,
    FeedbackForm,
    InvalidFeedback,
    anonymous_release_time,
    check_feedback,
    choose_recipients,
    hash_case_code,
    meeting_step,
    new_case_code,
    normalise_code,
    route_feedback,
    validate_feedback,
)
from bot.rules.feedback_words import (
    FeedbackKind,
    FeedbackRoute,
    FeedbackStatus,
    FeedbackTopic,
    MeetingStatus,
)
from bot.rules.lifecycle import moves_forward
from bot.rules.roles import Role
from bot.services.cases import CaseDesk
from bot.services.declarations import related_slack_ids
from bot.services.guesses import CaseCodeGuesses
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.crypto import keyed_digest
from storage.models import (
    FeedbackCase,
    FeedbackEvent,
    FeedbackMessage,
    FeedbackRecipient,
)
from storage.repositories import (
    AuditRepository,
    FeedbackRepository,
    MemberRepository,
)

log = logging.getLogger(__name__)


# -- what feedback tells people (drawn by handlers/blocks/feedback.py) -------------------------
# Notices hold ids only: never the submitter of an anonymous case, never anyone's words.
class CaseNotice(Notice):
    """The case, in the coordinators' channel or to each person it was sent to; every copy is
    redrawn as the case moves on."""

    kind = "feedback.case"
    identity = ("case_id",)
    case_id: int


class MeetingTask(Notice):
    """A confidential meeting asked for, to each person the case was sent to."""

    kind = "feedback.meeting-task"
    identity = ("case_id",)
    case_id: int


class StatusToSubmitter(Notice):
    """"Received" or "resolved", to a named person who asked to be told."""

    kind = "feedback.status"
    case_id: int
    status: FeedbackStatus


class TeamReply(Notice):
    """A reply from the team, to a named person: the message by its id, never its words."""

    kind = "feedback.team-reply"
    case_id: int
    message_id: int


class MeetingStep(Notice):
    """Each step of a confidential meeting request, to the named person who asked for it."""

    kind = "feedback.meeting-step"
    case_id: int
    step: MeetingStatus


class MoreWords(Notice):
    """More words from the person who raised a case, to each person it was sent to."""

    kind = "feedback.more-words"
    case_id: int
    message_id: int


@dataclass(frozen=True)
class CaseMessageView:
    id: int
    from_team: bool
    author_slack_id: str | None
    body: str
    created_at: datetime


@dataclass(frozen=True)
class CaseEventView:
    change: str
    actor_slack_id: str
    at: datetime


@dataclass(frozen=True)
class CaseView:
    """A case as people see it. For anonymous cases `submitter_slack_id` is always None."""

    id: int
    kind: FeedbackKind
    topic: FeedbackTopic
    body: str
    anonymous: bool
    submitter_slack_id: str | None
    about_slack_id: str | None
    route: FeedbackRoute
    status: FeedbackStatus
    meeting: MeetingStatus
    wants_acknowledgement: bool
    testimony_consent: bool
    created_at: datetime
    recipients: tuple[str, ...]
    messages: tuple[CaseMessageView, ...]
    events: tuple[CaseEventView, ...]
    # How the team refers to it. Case numbers count up, so an anonymous case numbered between
    # two named ones would say when it was sent: it is known by a reference drawn from its
    # (random) case code, through a keyed digest: holding a code doesn't give its reference.
    reference: str = ""

    @classmethod
    def of(cls, case: FeedbackCase, as_of: datetime | None = None) -> CaseView:
        """The case; as the team sees it `as_of` a moment, without words added to an anonymous
        case that wait for a later round."""
        shown = [m for m in case.messages if as_of is None or m.created_at <= as_of]
        return cls(
            reference=(f"A-{keyed_digest('case reference', case.code_hash)[:6].upper()}"
                       if case.anonymous else f"#{case.id}"),
            id=case.id,
            kind=case.kind,
            topic=case.topic,
            body=case.body,
            anonymous=case.anonymous,
            submitter_slack_id=None if case.anonymous else case.submitter_slack_id,
            about_slack_id=case.about_slack_id,
            route=case.route,
            status=case.status,
            meeting=case.meeting,
            wants_acknowledgement=case.wants_acknowledgement,
            testimony_consent=case.testimony_consent,
            created_at=case.created_at,
            recipients=tuple(r.slack_user_id for r in case.recipients),
            messages=tuple(CaseMessageView(m.id, m.from_team, m.author_slack_id, m.body,
                                           m.created_at) for m in shown),
            events=tuple(CaseEventView(e.change, e.actor_slack_id, e.at) for e in case.events),
        )

    def message(self, message_id: int) -> CaseMessageView:
        """The message a notice refers to by its id."""
        for message in self.messages:
            if message.id == message_id:
                return message
        raise NoticeGone(message_id)


@dataclass(frozen=True)
class Submitted:
    case_id: int
    code: str
    anonymous: bool
    release_at: datetime


@dataclass(frozen=True)
class ChangeOutcome:
    case: CaseView
    changed: bool


class FeedbackService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.guesses = CaseCodeGuesses(sessions, clock)
        # Coordinators and HR officers by routing; trustees when nobody else is left.
        self.desk = CaseDesk(sessions, clock, "feedback",
                             roles=(Role.COORDINATOR, Role.HR_OFFICER, Role.TRUSTEE))

    # -- taking feedback in -------------------------------------------------------------------
    def submit(self, form: FeedbackForm, submitter_slack_id: str | None,
               words: FeedbackErrors = STANDARD_ERRORS) -> Submitted:
        """InvalidFeedback says what needs changing in `words` (the form's reading style)."""
        valid = validate_feedback(form, submitter_slack_id, words)
        now = self.clock()
        anonymous = valid.anonymous
        release_at = anonymous_release_time(now) if anonymous else now
        code = new_case_code()

        with self.sessions.begin() as session:
            team = MemberRepository(session).slack_ids_by_role(
                Role.HR_OFFICER, Role.COORDINATOR, Role.TRUSTEE)
            route = _route(session, valid.kind, valid.topic, valid.about_slack_id)
            left_out = _left_out(session, valid.about_slack_id,
                                 None if anonymous else submitter_slack_id)
            routable = {role: [s for s in ids if s not in left_out] for role, ids in team.items()}
            recipients, _ = choose_recipients(
                route, hr_officers=routable[Role.HR_OFFICER],
                coordinators=routable[Role.COORDINATOR], trustees=routable[Role.TRUSTEE],
                about_slack_id=valid.about_slack_id)
            case = FeedbackRepository(session).add(FeedbackCase(
                code_hash=hash_case_code(code),
                kind=valid.kind,
                topic=valid.topic,
                about_slack_id=valid.about_slack_id,
                body=valid.text,
                anonymous=anonymous,
                submitter_slack_id=None if anonymous else submitter_slack_id,
                wants_acknowledgement=valid.wants_acknowledgement and not anonymous,
                testimony_consent=valid.testimony_consent and valid.kind is FeedbackKind.COMPLIMENT,
                meeting=(MeetingStatus.REQUESTED if valid.wants_meeting and not anonymous
                         else MeetingStatus.NOT_ASKED),
                route=route,
                status=FeedbackStatus.NEW,
                created_at=release_at,
                updated_at=release_at,
                recipients=[FeedbackRecipient(slack_user_id=r) for r in recipients],
            ))
            self._tell_team(session, case, team[Role.COORDINATOR], left_out, release_at)
            if not recipients and not anonymous:
                # Not for an anonymous case: the line's time would say when it was typed.
                log.warning("feedback case %d has nobody to go to: add coordinators", case.id)
            case_id = case.id
        if not anonymous:
            # Not even a log line for an anonymous case: its timestamp would say when it came.
            log.info("feedback case %d received", case_id)
        return Submitted(case_id=case_id, code=code, anonymous=anonymous, release_at=release_at)

    def _tell_team(self, session: Session, case: FeedbackCase, coordinators: list[str],
                   left_out: set[str], release_at: datetime) -> None:
        """The case notice goes to the coordinators' channel when the case is theirs and none
        of them is the person it is about or left out (a declared relationship); otherwise to
        each recipient. Every row is dated by the round, like the case: none records the
        second an anonymous case was typed."""
        book = NoticeBook(session, release_at)
        about = _named_in(session, case)
        notice = CaseNotice(case_id=case.id)
        channel = self.settings.coprod_coordinators_channel
        if (channel and case.route is FeedbackRoute.COORDINATORS
                and not {case.about_slack_id, *left_out} & set(coordinators)):
            book.to_channel(channel, notice, about=about, deliver_at=release_at)
        else:
            for recipient in case.recipients:
                book.to_slack_user(recipient.slack_user_id, notice, about=about,
                                   deliver_at=release_at)
        if case.meeting is MeetingStatus.REQUESTED:
            for recipient in case.recipients:
                book.to_slack_user(recipient.slack_user_id, MeetingTask(case_id=case.id),
                                   about=about, deliver_at=release_at)

    # -- the team's side ----------------------------------------------------------------------
    def acknowledge(self, case_id: int, actor: str) -> ChangeOutcome:
        return self._change_status(case_id, actor, FeedbackStatus.ACKNOWLEDGED)

    def resolve(self, case_id: int, actor: str) -> ChangeOutcome:
        return self._change_status(case_id, actor, FeedbackStatus.RESOLVED)

    def _change_status(self, case_id: int, actor: str, to: FeedbackStatus) -> ChangeOutcome:
        now = self.clock()
        with self.desk.transaction() as session:
            case = self._case_for_team(session, case_id, actor, to.value)
            if not moves_forward(list(FeedbackStatus), case.status, to):
                return ChangeOutcome(CaseView.of(case, now), changed=False)
            case.status = to
            _record(case, now, actor, to.value)
            session.flush()
            book = NoticeBook(session, now)
            _redraw(book, case)
            if case.submitter_slack_id and case.wants_acknowledgement:
                book.to_slack_user(case.submitter_slack_id,
                                   StatusToSubmitter(case_id=case.id, status=to))
            return ChangeOutcome(CaseView.of(case, now), changed=True)

    def reply_from_team(self, case_id: int, actor: str, text: str) -> CaseView:
        errors = _check_reply(text)
        if errors:
            raise InvalidFeedback(errors)
        now = self.clock()
        with self.desk.transaction() as session:
            case = self._case_for_team(session, case_id, actor, "reply")
            message = FeedbackMessage(from_team=True, author_slack_id=actor, body=text,
                                      created_at=now)
            case.messages.append(message)
            if moves_forward(list(FeedbackStatus), case.status, FeedbackStatus.ACKNOWLEDGED):
                # Replying is picking it up.
                case.status = FeedbackStatus.ACKNOWLEDGED
                _record(case, now, actor, FeedbackStatus.ACKNOWLEDGED.value)
            case.updated_at = now
            session.flush()
            book = NoticeBook(session, now)
            _redraw(book, case)
            if case.submitter_slack_id:
                book.to_slack_user(case.submitter_slack_id,
                                   TeamReply(case_id=case.id, message_id=message.id))
            return CaseView.of(case, now)

    def meeting_update(self, case_id: int, actor: str, to: MeetingStatus) -> ChangeOutcome:
        """A step of the meeting request; the person who asked is told of each one."""
        now = self.clock()
        with self.desk.transaction() as session:
            case = self._case_for_team(session, case_id, actor, f"meeting {to.value}")
            step = meeting_step(case.meeting, to)
            if step is None:
                return ChangeOutcome(CaseView.of(case, now), changed=False)
            case.meeting = step
            _record(case, now, actor, f"meeting_{step.value}")
            session.flush()
            book = NoticeBook(session, now)
            _redraw(book, case, meeting=True)
            if case.submitter_slack_id:
                book.to_slack_user(case.submitter_slack_id,
                                   MeetingStep(case_id=case.id, step=step))
            return ChangeOutcome(CaseView.of(case, now), changed=True)

    def case_for_team(self, case_id: int, actor: str) -> CaseView:
        with self.desk.transaction() as session:
            return CaseView.of(self._case_for_team(session, case_id, actor), self.clock())

    def _case_for_team(self, session: Session, case_id: int, actor: str,
                       action: str = "read") -> FeedbackCase:
        """Only the people a case was routed to may read or act on it, and an anonymous case
        only from its round; every look and every refusal is audited (see CaseDesk)."""
        case = FeedbackRepository(session).get(case_id)
        if case is not None and case.created_at > self.clock():
            case = None
        needed = (Role.HR_OFFICER if case is not None and case.route is FeedbackRoute.HR
                  else Role.COORDINATOR)
        return self.desk.admit(session, case_id, case, actor,
                               lambda c: {r.slack_user_id for r in c.recipients},
                               action=action, needed=needed)

    # -- the person who raised it, by case code -----------------------------------------------
    def case_by_code(self, code_text: str, asker: str) -> CaseView | None:
        """The case for a code, or None: a wrong code says nothing about any case."""
        with self.sessions.begin() as session:
            self.guesses.check(session, asker)
            case = self._case_for_code(session, code_text, asker)
            if case is None:
                return None
            # Recorded without the reader: it may be the anonymous person themselves. And not
            # before the case's round, which would say when an anonymous case was typed.
            AuditRepository(session).record(max(self.clock(), case.created_at), None,
                                            "read by case code", self.desk.subject(case.id))
            return CaseView.of(case)

    def add_by_code(self, code_text: str, asker: str, text: str) -> CaseView | None:
        errors = _check_reply(text)
        if errors:
            raise InvalidFeedback(errors)
        now = self.clock()
        with self.sessions.begin() as session:
            self.guesses.check(session, asker)
            case = self._case_for_code(session, code_text, asker)
            if case is None:
                return None
            # Words added to an anonymous case wait for a round too, and are dated by it.
            release_at = anonymous_release_time(now) if case.anonymous else now
            message = FeedbackMessage(from_team=False, author_slack_id=None, body=text,
                                      created_at=release_at)
            case.messages.append(message)
            session.flush()
            book = NoticeBook(session, release_at)
            about = _named_in(session, case)
            for recipient in case.recipients:
                book.to_slack_user(recipient.slack_user_id,
                                   MoreWords(case_id=case.id, message_id=message.id),
                                   about=about, deliver_at=release_at)
            _redraw(book, case)
            return CaseView.of(case)

    def _case_for_code(self, session: Session, code_text: str, asker: str) -> FeedbackCase | None:
        """The case a code opens; a miss counts towards the asker's guesses."""
        code = normalise_code(code_text)
        case = FeedbackRepository(session).get_by_code_hash(hash_case_code(code)) if code else None
        if case is None:
            self.guesses.record_miss(session, asker)
        return case

    # -- coordinators' overview ---------------------------------------------------------------
    def open_cases_for(self, slack_user_id: str) -> Sequence[CaseView]:
        now = self.clock()
        # Most people have none: finding that needs no write (and no wait for the writer).
        with self.sessions() as session:
            if not FeedbackRepository(session).any_open_routed_to(
                    slack_user_id, list(FeedbackRoute), now):
                return []
        with self.sessions.begin() as session:  # listing them is audited
            cases = [c for c in FeedbackRepository(session).list_open_routed_to(
                slack_user_id, list(FeedbackRoute)) if c.created_at <= now]
            if not self.desk.listed(session, slack_user_id, [c.id for c in cases]):
                return []
            return [CaseView.of(c, now) for c in cases]

    def cases_between(self, start: datetime, end: datetime) -> Sequence[CaseView]:
        """The cases of a period as the team sees them now: none, and no words, still waiting
        for their round, whatever `end` says."""
        now = self.clock()
        with self.sessions() as session:
            return [CaseView.of(c, now) for c in FeedbackRepository(session)
                    .list_created_between(start, end) if c.created_at <= now]

    # -- for drawing notices at delivery (the recipient was chosen when it was queued) --------
    def notice_view(self, case_id: int) -> CaseView:
        """The case as its notices show it now; NoticeGone once it is erased or purged."""
        now = self.clock()
        with self.sessions() as session:
            case = FeedbackRepository(session).get(case_id)
            if case is None:
                raise NoticeGone(case_id)
            return CaseView.of(case, now)


def _route(session: Session, kind: FeedbackKind, topic: FeedbackTopic,
           about_slack_id: str | None) -> FeedbackRoute:
    about = MemberRepository(session).get_by_slack_id(about_slack_id) if about_slack_id else None
    return route_feedback(kind, topic, about is not None and bool(about.role_set - {Role.MEMBER}))


def _left_out(session: Session, about_slack_id: str | None,
              submitter_slack_id: str | None) -> set[str]:
    """People a case never goes to besides the person it is about: anyone with a declared
    relationship with that person, or with the person who raised it when they gave their name
    (an anonymous submitter is never looked at)."""
    named = [slack_id for slack_id in (about_slack_id, submitter_slack_id) if slack_id]
    return related_slack_ids(session, MemberRepository(session).ids_of(named)) if named else set()


def _named_in(session: Session, case: FeedbackCase) -> list[int]:
    """The members a case's notices name (so erasure finds them): the person it is about, and
    the person who raised it when they gave their name. Never an anonymous submitter."""
    named = [case.about_slack_id, None if case.anonymous else case.submitter_slack_id]
    return MemberRepository(session).ids_of([slack_id for slack_id in named if slack_id])


def _record(case: FeedbackCase, now: datetime, actor: str, change: str) -> None:
    case.events.append(FeedbackEvent(change=change, actor_slack_id=actor, at=now))
    case.updated_at = now


def _redraw(book: NoticeBook, case: FeedbackCase, *, meeting: bool = False) -> None:
    """Every copy of the case notice (and of the meeting task, when that moved) shows the new
    state, wherever it was posted."""
    version = f"{len(case.events)}.{len(case.messages)}"
    book.redraw(CaseNotice(case_id=case.id), version)
    if meeting:
        book.redraw(MeetingTask(case_id=case.id), version)


def _check_reply(text: str) -> dict[str, str]:
    form = FeedbackForm(kind=FeedbackKind.SUGGESTION, topic=FeedbackTopic.OTHER, text=text,
                        anonymous=False)
    return {k: v for k, v in check_feedback(form).items() if k == "text"}


ERASED = ""  # what a required "who did it" column holds once that person is erased


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export_feedback(session: Session, person: Person) -> dict[str, Any]:
    cases = session.scalars(select(FeedbackCase).where(
        FeedbackCase.submitter_slack_id == person.slack_user_id)).all() \
        if person.slack_user_id else []
    return {"feedback_with_your_name": [
        {"case": c.id, "kind": c.kind.value, "about": c.topic.value, "status": c.status.value,
         "received": iso(c.created_at), "words": c.body,
         "may_share_as_testimony": c.testimony_consent} for c in cases]}


def _erase_feedback(session: Session, person: Person, now: datetime) -> dict[str, int]:
    slack_id = person.slack_user_id
    if not slack_id:
        return {}
    return {
        # Their own named feedback goes; feedback about them or handled by them loses their id.
        "feedback they sent": rows_changed(session, delete(FeedbackCase).where(
            FeedbackCase.submitter_slack_id == slack_id)),
        "mentions in feedback": rows_changed(session, update(FeedbackCase).where(
            FeedbackCase.about_slack_id == slack_id).values(about_slack_id=None)),
        "replies signed": rows_changed(session, update(FeedbackMessage).where(
            FeedbackMessage.author_slack_id == slack_id).values(author_slack_id=None)),
        "case steps signed": rows_changed(session, update(FeedbackEvent).where(
            FeedbackEvent.actor_slack_id == slack_id).values(actor_slack_id=ERASED)),
        "feedback routing": rows_changed(session, delete(FeedbackRecipient).where(
            FeedbackRecipient.slack_user_id == slack_id)),
    }


def _purge_feedback(session: Session, periods: Periods) -> dict[str, int]:
    return {"feedback": rows_changed(session, delete(FeedbackCase)
                                     .where(FeedbackCase.status == FeedbackStatus.RESOLVED)
                                     .where(FeedbackCase.updated_at < periods.before("feedback")))}


PERSONAL_DATA = PersonalData(
    area="feedback",
    tables=("feedback_cases", "feedback_recipients", "feedback_messages", "feedback_events"),
    export=_export_feedback, erase=_erase_feedback, purge=_purge_feedback,
    kept="Anonymous feedback is linked to nobody, so it is neither listed nor erased.",
)
