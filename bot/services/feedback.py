"""Feedback: taking it in (anonymous when wanted), routing it, and the conversation after.

Anonymity is kept here, in one place: when a form says anonymous, the submitter's Slack id is
dropped before anything is written, the case's time is the delivery round rather than the
second it was typed, and every notification about it waits for that round.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.rules.feedback import (
    FeedbackForm,
    anonymous_release_time,
    check_feedback,
    choose_recipients,
    hash_case_code,
    new_case_code,
    normalise_code,
    route_feedback,
)
from bot.rules.feedback_words import (
    FeedbackKind,
    FeedbackRoute,
    FeedbackStatus,
    FeedbackTopic,
    MeetingStatus,
)
from bot.rules.roles import NotAllowed, Role
from handlers.blocks import feedback as messages
from storage.models import (
    FeedbackCase,
    FeedbackEvent,
    FeedbackMessage,
    FeedbackRecipient,
    OutboxChannel,
)
from storage.repositories import (
    AuditRepository,
    FeedbackRepository,
    MemberRepository,
    OutboxRepository,
)

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class InvalidFeedback(ValueError):
    """The form needs changes; `errors` maps each field to a kind sentence."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class TooManyGuesses(Exception):
    """Too many wrong case codes in a short time."""


@dataclass(frozen=True)
class CaseMessageView:
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

    @classmethod
    def of(cls, case: FeedbackCase) -> CaseView:
        return cls(
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
            messages=tuple(CaseMessageView(m.from_team, m.author_slack_id, m.body, m.created_at)
                           for m in case.messages),
            events=tuple(CaseEventView(e.change, e.actor_slack_id, e.at) for e in case.events),
        )


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


class GuessLimiter:
    """Counts wrong case codes per person, in memory only: writing it down would record who
    was looking up a case. Five wrong codes in fifteen minutes, then a pause."""

    def __init__(self, clock: Clock, limit: int = 5, window: timedelta = timedelta(minutes=15)):
        self.clock = clock
        self.limit = limit
        self.window = window
        self._misses: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def check(self, who: str) -> None:
        with self._lock:
            misses = self._recent(who)
            if len(misses) >= self.limit:
                raise TooManyGuesses

    def record_miss(self, who: str) -> None:
        with self._lock:
            self._recent(who).append(self.clock())

    def _recent(self, who: str) -> deque[datetime]:
        misses = self._misses.setdefault(who, deque())
        cutoff = self.clock() - self.window
        while misses and misses[0] < cutoff:
            misses.popleft()
        return misses


class FeedbackService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.guesses = GuessLimiter(clock)

    # -- taking feedback in -------------------------------------------------------------------
    def submit(self, form: FeedbackForm, submitter_slack_id: str | None) -> Submitted:
        errors = check_feedback(form)
        if errors:
            raise InvalidFeedback(errors)
        assert form.kind is not None and form.topic is not None and form.anonymous is not None
        now = self.clock()
        anonymous = form.anonymous
        submitter = None if anonymous else submitter_slack_id
        release_at = anonymous_release_time(now) if anonymous else now
        code = new_case_code()

        with self.sessions.begin() as session:
            members = MemberRepository(session)
            about = members.get_by_slack_id(form.about_slack_id) if form.about_slack_id else None
            about_is_team = about is not None and bool(about.role_set - {Role.MEMBER})
            route = route_feedback(form.kind, form.topic, about_is_team)
            team = members.slack_ids_by_role(Role.HR_OFFICER, Role.COORDINATOR, Role.TRUSTEE)
            recipients, _ = choose_recipients(
                route,
                hr_officers=team[Role.HR_OFFICER],
                coordinators=team[Role.COORDINATOR],
                trustees=team[Role.TRUSTEE],
                about_slack_id=form.about_slack_id,
            )
            case = FeedbackRepository(session).add(FeedbackCase(
                code_hash=hash_case_code(code),
                kind=form.kind,
                topic=form.topic,
                about_slack_id=form.about_slack_id,
                body=form.text,
                anonymous=anonymous,
                submitter_slack_id=submitter,
                wants_acknowledgement=form.wants_acknowledgement and not anonymous,
                testimony_consent=form.testimony_consent and form.kind is FeedbackKind.COMPLIMENT,
                meeting=(MeetingStatus.REQUESTED if form.wants_meeting and not anonymous
                         else MeetingStatus.NOT_ASKED),
                route=route,
                status=FeedbackStatus.NEW,
                created_at=release_at,
                updated_at=release_at,
                recipients=[FeedbackRecipient(slack_user_id=r) for r in recipients],
            ))
            view = CaseView.of(case)
            outbox = OutboxRepository(session)
            for key, target, channel in self._notice_targets(view, team[Role.COORDINATOR]):
                # Dated by the round, like the case: no row records the second it was typed.
                outbox.enqueue(key=key, channel=channel, target=target,
                               payload=messages.case_notice(view, self.settings.timezone),
                               now=release_at, deliver_at=release_at)
            if view.meeting is MeetingStatus.REQUESTED:
                for recipient in recipients:
                    outbox.enqueue(key=f"feedback:{case.id}:meeting:{recipient}",
                                   channel=OutboxChannel.SLACK_DM, target=recipient,
                                   payload=messages.meeting_task(view), now=now)
            if not recipients:
                log.warning("feedback case %d has nobody to go to: add coordinators", case.id)
        if not anonymous:
            # Not even a log line for an anonymous case: its timestamp would say when it came.
            log.info("feedback case %d received", view.id)
        return Submitted(case_id=view.id, code=code, anonymous=anonymous, release_at=release_at)

    def _notice_targets(self, case: CaseView,
                        coordinators: list[str]) -> list[tuple[str, str, OutboxChannel]]:
        """Where the case notice goes: the coordinators' channel when it is theirs and none of
        them is the person it is about; otherwise a DM to each recipient."""
        channel = self.settings.coprod_coordinators_channel
        if (channel and case.route is FeedbackRoute.COORDINATORS
                and case.about_slack_id not in coordinators):
            return [(f"feedback:{case.id}:notice:channel", channel, OutboxChannel.SLACK_CHANNEL)]
        return [(f"feedback:{case.id}:notice:{r}", r, OutboxChannel.SLACK_DM)
                for r in case.recipients]

    # -- the team's side ----------------------------------------------------------------------
    def acknowledge(self, case_id: int, actor: str) -> ChangeOutcome:
        return self._change_status(case_id, actor, FeedbackStatus.ACKNOWLEDGED)

    def resolve(self, case_id: int, actor: str) -> ChangeOutcome:
        return self._change_status(case_id, actor, FeedbackStatus.RESOLVED)

    def _change_status(self, case_id: int, actor: str, to: FeedbackStatus) -> ChangeOutcome:
        now = self.clock()
        with self.sessions.begin() as session:
            case = self._case_for_team(session, case_id, actor, to.value)
            order = list(FeedbackStatus)
            if order.index(case.status) >= order.index(to):
                return ChangeOutcome(CaseView.of(case), changed=False)
            case.status = to
            case.updated_at = now
            case.events.append(FeedbackEvent(change=to.value, actor_slack_id=actor, at=now))
            session.flush()
            view = CaseView.of(case)
            outbox = OutboxRepository(session)
            self._refresh_notices(session, view, now)
            if view.submitter_slack_id and view.wants_acknowledgement:
                outbox.enqueue(key=f"feedback:{case.id}:{to.value}:to-submitter",
                               channel=OutboxChannel.SLACK_DM, target=view.submitter_slack_id,
                               payload=messages.status_dm(view), now=now)
        return ChangeOutcome(view, changed=True)

    def reply_from_team(self, case_id: int, actor: str, text: str) -> CaseView:
        errors = _check_reply(text)
        if errors:
            raise InvalidFeedback(errors)
        now = self.clock()
        with self.sessions.begin() as session:
            case = self._case_for_team(session, case_id, actor, "reply")
            case.messages.append(FeedbackMessage(from_team=True, author_slack_id=actor,
                                                 body=text, created_at=now))
            if case.status is FeedbackStatus.NEW:
                # Replying is picking it up.
                case.status = FeedbackStatus.ACKNOWLEDGED
                case.events.append(FeedbackEvent(change=FeedbackStatus.ACKNOWLEDGED.value,
                                                  actor_slack_id=actor, at=now))
            case.updated_at = now
            session.flush()
            view = CaseView.of(case)
            outbox = OutboxRepository(session)
            self._refresh_notices(session, view, now)
            if view.submitter_slack_id:
                outbox.enqueue(key=f"feedback:{case.id}:reply:{len(view.messages)}:to-submitter",
                               channel=OutboxChannel.SLACK_DM, target=view.submitter_slack_id,
                               payload=messages.reply_dm(view, text), now=now)
        return view

    def meeting_update(self, case_id: int, actor: str, to: MeetingStatus) -> ChangeOutcome:
        now = self.clock()
        with self.sessions.begin() as session:
            case = self._case_for_team(session, case_id, actor, f"meeting {to.value}")
            order = list(MeetingStatus)
            if case.meeting is MeetingStatus.NOT_ASKED or (
                    order.index(case.meeting) >= order.index(to)):
                return ChangeOutcome(CaseView.of(case), changed=False)
            case.meeting = to
            case.updated_at = now
            case.events.append(FeedbackEvent(change=f"meeting_{to.value}", actor_slack_id=actor,
                                             at=now))
            session.flush()
            view = CaseView.of(case)
            outbox = OutboxRepository(session)
            for recipient in view.recipients:
                original = f"feedback:{case.id}:meeting:{recipient}"
                outbox.enqueue(key=f"{original}:v{len(view.events)}",
                               channel=OutboxChannel.SLACK_UPDATE, target=f"outbox:{original}",
                               payload=messages.meeting_task(view), now=now)
            if view.submitter_slack_id:
                outbox.enqueue(key=f"feedback:{case.id}:meeting-{to.value}:to-submitter",
                               channel=OutboxChannel.SLACK_DM, target=view.submitter_slack_id,
                               payload=messages.meeting_dm(view), now=now)
        return ChangeOutcome(view, changed=True)

    def case_for_team(self, case_id: int, actor: str) -> CaseView:
        with self.sessions.begin() as session:
            return CaseView.of(self._case_for_team(session, case_id, actor))

    def _case_for_team(self, session: Session, case_id: int, actor: str,
                       action: str = "read") -> FeedbackCase:
        case = FeedbackRepository(session).get(case_id)
        if case is None or actor not in {r.slack_user_id for r in case.recipients}:
            # Only the people it was routed to may read or act on a case.
            needed = (Role.HR_OFFICER if case is not None and case.route is FeedbackRoute.HR
                      else Role.COORDINATOR)
            AuditRepository(session).record(self.clock(), actor, f"refused {action}",
                                            f"feedback:{case_id}")
            session.commit()
            raise NotAllowed(needed)
        AuditRepository(session).record(self.clock(), actor, action, f"feedback:{case.id}")
        return case

    def _refresh_notices(self, session: Session, view: CaseView, now: datetime) -> None:
        """Every copy of the case notice shows the new state, wherever it was posted."""
        outbox = OutboxRepository(session)
        coordinators = MemberRepository(session).slack_ids_by_role(Role.COORDINATOR)
        for key, _, _ in self._notice_targets(view, coordinators[Role.COORDINATOR]):
            outbox.enqueue(key=f"{key}:v{len(view.events)}:{len(view.messages)}",
                           channel=OutboxChannel.SLACK_UPDATE, target=f"outbox:{key}",
                           payload=messages.case_notice(view, self.settings.timezone), now=now)

    # -- the person who raised it, by case code -----------------------------------------------
    def case_by_code(self, code_text: str, asker: str) -> CaseView | None:
        """The case for a code, or None: a wrong code says nothing about any case."""
        self.guesses.check(asker)
        with self.sessions.begin() as session:
            case = self._case_for_code(session, code_text, asker)
            if case is None:
                return None
            # Recorded without the reader: it may be the anonymous person themselves.
            AuditRepository(session).record(self.clock(), None, "read by case code",
                                            f"feedback:{case.id}")
            return CaseView.of(case)

    def add_by_code(self, code_text: str, asker: str, text: str) -> CaseView | None:
        errors = _check_reply(text)
        if errors:
            raise InvalidFeedback(errors)
        self.guesses.check(asker)
        now = self.clock()
        with self.sessions.begin() as session:
            case = self._case_for_code(session, code_text, asker)
            if case is None:
                return None
            release_at = anonymous_release_time(now) if case.anonymous else now
            case.messages.append(FeedbackMessage(from_team=False, author_slack_id=None,
                                                 body=text, created_at=release_at))
            session.flush()
            view = CaseView.of(case)
            outbox = OutboxRepository(session)
            for recipient in view.recipients:
                outbox.enqueue(
                    key=f"feedback:{case.id}:more:{len(view.messages)}:{recipient}",
                    channel=OutboxChannel.SLACK_DM, target=recipient,
                    payload=messages.more_words_notice(view, text), now=release_at,
                    deliver_at=release_at)
        return view

    def _case_for_code(self, session: Session, code_text: str, asker: str) -> FeedbackCase | None:
        """The case a code opens; a miss counts towards the asker's guesses."""
        code = normalise_code(code_text)
        case = FeedbackRepository(session).get_by_code_hash(hash_case_code(code)) if code else None
        if case is None:
            self.guesses.record_miss(asker)
        return case

    # -- coordinators' overview ---------------------------------------------------------------
    def open_cases_for(self, slack_user_id: str) -> Sequence[CaseView]:
        with self.sessions.begin() as session:
            cases = FeedbackRepository(session).list_open_routed_to(
                slack_user_id, list(FeedbackRoute))
            audit = AuditRepository(session)
            for case in cases:
                audit.record(self.clock(), slack_user_id, "listed", f"feedback:{case.id}")
            return [CaseView.of(c) for c in cases]

    def cases_between(self, start: datetime, end: datetime) -> Sequence[CaseView]:
        with self.sessions() as session:
            return [CaseView.of(c)
                    for c in FeedbackRepository(session).list_created_between(start, end)]


def _check_reply(text: str) -> dict[str, str]:
    form = FeedbackForm(kind=FeedbackKind.SUGGESTION, topic=FeedbackTopic.OTHER, text=text,
                        anonymous=False)
    return {k: v for k, v in check_feedback(form).items() if k == "text"}
