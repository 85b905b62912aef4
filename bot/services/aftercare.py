"""After a session: each facilitator is asked how they are, and one who would like a debrief
asks for it. A debrief follows the request workflow every request shares (requested ->
acknowledged -> arranged or declined); the facilitator hears at each step."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice
from bot.rules.lifecycle import RequestStatus, request_step
from bot.rules.roles import Role
from bot.services.jobs import one_by_one
from bot.services.members import require_coordinator
from bot.services.notices import NoticeBook
from bot.services.sessions import SessionDesk, SessionGone, SessionView
from storage.models import DebriefRequest, GroupSession
from storage.repositories import MemberRepository, SessionRepository

log = logging.getLogger(__name__)

CHECK_IN_WITHIN = timedelta(hours=12)


# -- what aftercare tells people (drawn by handlers/blocks/sessions.py) ------------------------
class CheckIn(Notice):
    """To a facilitator after their session: how are you? (I'm OK / I'd like a debrief)"""

    kind = "session.check-in"
    session_id: int
    member_id: int


class DebriefRequested(Notice):
    """A task for coordinators: this facilitator would like a debrief. Every copy is redrawn
    at each step, so each coordinator sees who has taken it on."""

    kind = "session.debrief-request"
    identity = ("request_id",)
    request_id: int


class DebriefStep(Notice):
    """To the facilitator who asked: their debrief was acknowledged, arranged or declined."""

    kind = "session.debrief-step"
    request_id: int
    status: RequestStatus


class DebriefAsked(enum.StrEnum):
    ASKED = "asked"
    NOT_A_FACILITATOR = "not_a_facilitator"  # only that session's facilitators may ask


@dataclass(frozen=True)
class DebriefView:
    request_id: int
    session: SessionView
    name: str
    status: RequestStatus
    handled_by: str | None


class AftercareService:
    """Looking after facilitators once a session is over."""

    def __init__(self, database: sessionmaker[Session], clock: Clock,
                 settings: Settings) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.desk = SessionDesk(database, clock, settings)

    # -- check-ins (scheduled) ----------------------------------------------------------------
    def send_check_ins(self) -> int:
        """After a session, each facilitator is asked how they are (once); each session in a
        savepoint of its own."""
        now = self.clock()
        with self.database.begin() as session:
            book = NoticeBook(session, now)
            return one_by_one(
                session, SessionRepository(session).list_ending_between(
                    now - CHECK_IN_WITHIN, now),
                lambda found: self._check_in(book, found),
                log, "session %d could not check in with its facilitators")

    @staticmethod
    def _check_in(book: NoticeBook, found: GroupSession) -> int:
        sent = 0
        for place in found.facilitators:
            if place.member.slack_user_id is None:
                continue
            book.to_slack_user(place.member.slack_user_id,
                               CheckIn(session_id=found.id, member_id=place.member_id),
                               about=[place.member_id])
            sent += 1
        return sent

    # -- debriefs -----------------------------------------------------------------------------
    def ask_for_debrief(self, session_id: int, slack_user_id: str) -> DebriefAsked:
        """A facilitator of the session asks for a debrief; the coordinators get a task."""
        now = self.clock()
        with self.database.begin() as session:
            repo = SessionRepository(session)
            found = repo.get(session_id)
            if found is None:
                raise SessionGone(session_id)
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None or all(f.member_id != member.id for f in found.facilitators):
                return DebriefAsked.NOT_A_FACILITATOR
            request = repo.find_debrief(found.id, member.id) or repo.add_debrief(
                DebriefRequest(session_id=found.id, member_id=member.id, requested_at=now,
                               status=RequestStatus.REQUESTED))
            book = NoticeBook(session, now)
            task = DebriefRequested(request_id=request.id)
            for coordinator in MemberRepository(session).list_with_role(Role.COORDINATOR):
                if coordinator.slack_user_id and coordinator.id != member.id:
                    book.to_slack_user(coordinator.slack_user_id, task,
                                       about=[coordinator.id, member.id])
            return DebriefAsked.ASKED

    def move_debrief(self, request_id: int, actor: str, to: RequestStatus) -> DebriefView:
        """A coordinator acknowledges, arranges or declines a debrief: the facilitator is told,
        and every coordinator's copy of the task shows the new step. A step that changes
        nothing (arranging what is arranged) tells nobody again."""
        now = self.clock()
        with self.database.begin() as session:
            require_coordinator(session, actor)
            request = SessionRepository(session).get_debrief(request_id)
            if request is None:
                raise SessionGone(request_id)
            new = request_step(request.status, to)
            if new is not None:
                request.status, request.arranged_by, request.arranged_at = new, actor, now
                session.flush()
                book = NoticeBook(session, now)
                book.redraw(DebriefRequested(request_id=request.id), new.value)
                member = MemberRepository(session).get(request.member_id)
                if member is not None and member.slack_user_id:
                    book.to_slack_user(member.slack_user_id,
                                       DebriefStep(request_id=request.id, status=new),
                                       about=[member.id])
            return self._debrief_view(session, request)

    # -- for drawing notices at delivery ------------------------------------------------------
    def check_in_view(self, session_id: int) -> SessionView:
        return self.desk.view(session_id)

    def debrief_view(self, request_id: int) -> DebriefView:
        with self.database() as session:
            request = SessionRepository(session).get_debrief(request_id)
            if request is None:
                raise SessionGone(request_id)
            return self._debrief_view(session, request)

    def _debrief_view(self, session: Session, request: DebriefRequest) -> DebriefView:
        found = SessionRepository(session).get(request.session_id)
        member = MemberRepository(session).get(request.member_id)
        if found is None or member is None:
            raise SessionGone(request.session_id)
        return DebriefView(request.id, self.desk.view_of(found), member.name, request.status,
                           request.arranged_by)
