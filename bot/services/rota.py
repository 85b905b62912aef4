"""The facilitator rota: claiming a place (one at a time, never past the places), releasing
one, the waiting list and its offers, saying you'll attend, and warning coordinators ahead of a
session that is not covered."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, object_session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice
from bot.rules.communication import quiet_release
from bot.rules.coverage import (
    Attendance,
    ClaimDecision,
    Outcome,
    alert_due,
    decide_attendance,
    decide_claim,
    held_places,
    next_offer,
    offer_once_reachable,
    release_is_late,
)
from bot.rules.policies import InductionNeeded
from bot.rules.roles import Role, may_facilitate
from bot.rules.sessions import SESSION_KIND_WORDS
from bot.rules.texting import Happened, Invitation, RsvpFor, RsvpSubject, TextOutcome
from bot.services.jobs import one_by_one
from bot.services.notices import NoticeBook
from bot.services.policies import induction_missing
from bot.services.sessions import (
    CallForCover,
    CoverageAlert,
    ReleaseAlert,
    SessionDesk,
    SessionGone,
    SessionView,
    facilitator,
    waiting,
)
from storage.models import (
    GroupSession,
    Member,
    SessionAttendee,
    SessionFacilitator,
    WaitingListEntry,
)
from storage.repositories import MemberRepository, SessionRepository

log = logging.getLogger(__name__)


# -- what the rota tells people (drawn by handlers/blocks/sessions.py) -------------------------
class PlaceOffered(Notice):
    """To the next person on the waiting list: a place is theirs until a time."""

    kind = "session.place-offered"
    session_id: int
    member_id: int
    until: datetime


# -- outcomes and views -------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimOutcome:
    """What came of a claim: a ClaimDecision, or (a facilitator still missing part of their
    induction) what they need first. `coordinators`: who can help, by name."""

    decision: ClaimDecision | InductionNeeded
    session: SessionView
    coordinators: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeOutcome:
    outcome: Outcome
    session: SessionView


@dataclass(frozen=True)
class ReleaseView:
    session: SessionView
    name: str
    late: bool


def _closed(found: GroupSession, now: datetime) -> str | None:
    """Why a session can no longer be signed up to: "cancelled" or "started" (the same words
    in ClaimDecision and Outcome), or None while it is open."""
    if found.cancelled_at is not None:
        return "cancelled"
    if found.starts_at <= now:
        return "started"
    return None


def _can_facilitate(member: Member | None) -> bool:
    return member is not None and may_facilitate(member.role_set)


class RotaService:
    """Facilitators take and give up places here, and coordinators are warned of gaps."""

    def __init__(self, database: sessionmaker[Session], clock: Clock,
                 settings: Settings) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.desk = SessionDesk(database, clock, settings)

    # -- claiming and releasing ---------------------------------------------------------------
    def claim(self, session_id: int, slack_user_id: str) -> ClaimOutcome:
        now = self.clock()
        with self.database.begin() as session:
            found = self.desk.locked(session, session_id)
            closed = _closed(found, now)
            if closed is not None:
                return ClaimOutcome(ClaimDecision(closed), self.desk.view_of(found))
            members = MemberRepository(session)
            member = members.get_by_slack_id(slack_user_id)
            if member is None or not _can_facilitate(member):
                coordinators = tuple(m.name for m in members.list_with_role(Role.COORDINATOR))
                return ClaimOutcome(ClaimDecision.NOT_A_FACILITATOR, self.desk.view_of(found),
                                    coordinators)
            decision = decide_claim(
                [facilitator(f.member) for f in found.facilitators], facilitator(member),
                places=found.facilitator_places,
                held_places=held_places(waiting(found.waiting), now, besides=member.id),
                trained_needed=found.trained_needed, on=self.desk.day_of(found))
            # The induction comes first (for someone not already facilitating it): nobody is
            # told "join the waiting list" for a place they could not take.
            needed = None if decision is ClaimDecision.ALREADY else induction_missing(
                session, member, self.settings.facilitator_induction)
            if needed is not None:
                return ClaimOutcome(needed, self.desk.view_of(found), needed.helpers)
            if decision is ClaimDecision.OK:
                found.facilitators.append(SessionFacilitator(member_id=member.id,
                                                             member=member, claimed_at=now))
                own_offer = next((w for w in found.waiting if w.member_id == member.id), None)
                if own_offer is not None:
                    found.waiting.remove(own_offer)
                # Someone who was coming now runs it: their seat as a participant is freed,
                # so they are not counted twice and the seat goes to someone else.
                own_seat = next((a for a in found.attendees if a.member_id == member.id), None)
                if own_seat is not None:
                    found.attendees.remove(own_seat)
                self.desk.changed(session, found, NoticeBook(session, now))
            return ClaimOutcome(decision, self.desk.view_of(found))

    def release(self, session_id: int, slack_user_id: str, *,
                confirmed: bool = False) -> ChangeOutcome:
        now = self.clock()
        with self.database.begin() as session:
            found = self.desk.locked(session, session_id)
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            place = next((f for f in found.facilitators
                          if member is not None and f.member_id == member.id), None)
            if member is None or place is None or found.cancelled_at is not None:
                return ChangeOutcome(Outcome.NOT_SIGNED_UP, self.desk.view_of(found))
            late = release_is_late(found.starts_at, now)
            if late and not confirmed:
                return ChangeOutcome(Outcome.CONFIRM_LATE_RELEASE, self.desk.view_of(found))
            was_covered = self.desk.view_of(found).coverage.covered
            found.facilitators.remove(place)
            session.flush()
            book = NoticeBook(session, now)
            self._offer_next(book, found)
            self.desk.changed(session, found, book)
            view = self.desk.view_of(found)
            # Coordinators hear of a late release, and of any that leaves a session short.
            if late or (was_covered and not view.coverage.covered):
                alert = ReleaseAlert(session_id=found.id, member_id=member.id,
                                     version=found.version, late=late)
                for coordinator in MemberRepository(session).list_with_role(Role.COORDINATOR):
                    book.to_member(coordinator, alert, about=[member.id])
            return ChangeOutcome(Outcome.RELEASED, view)

    # -- the waiting list ---------------------------------------------------------------------
    def join_waiting_list(self, session_id: int, slack_user_id: str) -> ChangeOutcome:
        now = self.clock()
        with self.database.begin() as session:
            found = self.desk.live(session, session_id)
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None or not _can_facilitate(member):
                return ChangeOutcome(Outcome.NOT_IN_DIRECTORY, self.desk.view_of(found))
            if any(w.member_id == member.id and not w.declined for w in found.waiting) or any(
                    f.member_id == member.id for f in found.facilitators):
                return ChangeOutcome(Outcome.ALREADY_WAITING, self.desk.view_of(found))
            # Someone whose offer passed joins again at the back of the list.
            for old in [w for w in found.waiting if w.member_id == member.id]:
                found.waiting.remove(old)
            session.flush()
            found.waiting.append(WaitingListEntry(member_id=member.id, member=member,
                                                  joined_at=now))
            self.desk.changed(session, found, NoticeBook(session, now))
            return ChangeOutcome(Outcome.WAITING, self.desk.view_of(found))

    def _offer_next(self, book: NoticeBook, found: GroupSession) -> None:
        """A freed place goes first to the next person waiting, for a short time - the next
        who could take it: a place is never held for someone still missing their induction
        (they stay on the list, and are passed over this time)."""
        session = object_session(found)
        for _ in range(len(found.waiting)):
            offer = next_offer(waiting(found.waiting), places=found.facilitator_places,
                               taken=len(found.facilitators), starts_at=found.starts_at,
                               now=book.now)
            if offer is None:
                return
            entry = next(w for w in found.waiting if w.member_id == offer.member_id)
            if session is None or induction_missing(
                    session, entry.member, self.settings.facilitator_induction) is None:
                reachable = quiet_release(book.now, self.settings.timezone,
                                          entry.member.reader.quiet)
                if reachable is None:
                    break
                offer = offer_once_reachable(offer, found.starts_at, reachable)
                if offer.in_time:
                    break
            # Passed over for this place: missing their induction, or in their quiet hours
            # until too late to take it.
            entry.declined = True
        else:
            return
        entry.offered_until = offer.until
        if not offer.in_time:
            entry.declined = True  # too close to the start: the place opens to everyone
            return
        if entry.member.slack_user_id:
            book.to_slack_user(entry.member.slack_user_id,
                               PlaceOffered(session_id=found.id, member_id=entry.member_id,
                                            until=offer.until),
                               about=[entry.member_id])

    def expire_offers(self) -> int:
        """Offers not taken in time pass to the next person, or the place opens to everyone
        (a scheduled job: each offer in a savepoint of its own)."""
        now = self.clock()
        with self.database.begin() as session:
            book = NoticeBook(session, now)
            return one_by_one(session, SessionRepository(session).list_lapsed_offers(now),
                              lambda entry: self._lapse(session, book, entry),
                              log, "waiting-list offer %d could not be passed on")

    def _lapse(self, session: Session, book: NoticeBook, entry: WaitingListEntry) -> int:
        found = entry.session
        entry.declined = True
        session.flush()
        self._offer_next(book, found)
        self.desk.changed(session, found, book)
        return 1

    # -- coming along -------------------------------------------------------------------------
    def attend(self, session_id: int, slack_user_id: str,
               wants: bool | None = None) -> ChangeOutcome:
        """I'll attend, or, pressed again, I can't come after all (`wants` None). With
        `wants` given, saying it twice is saying it once: "I can't come" never signs anyone
        up, however often it is pressed."""
        now = self.clock()
        with self.database.begin() as session:
            found = self.desk.locked(session, session_id)
            closed = _closed(found, now)
            if closed is not None:
                return ChangeOutcome(Outcome(closed), self.desk.view_of(found))
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                return ChangeOutcome(Outcome.NOT_IN_DIRECTORY, self.desk.view_of(found))
            coming = any(a.member_id == member.id for a in found.attendees)
            step = self._attend(session, found, member,
                                wants=not coming if wants is None else wants, now=now)
            outcome = {Attendance.JOIN: Outcome.ATTENDING, Attendance.LEAVE: Outcome.NOT_ATTENDING,
                       Attendance.FULL: Outcome.ATTENDANCE_FULL,
                       Attendance.UNCHANGED: Outcome.ATTENDING if coming
                       else Outcome.NOT_ATTENDING}[step]
            return ChangeOutcome(outcome, self.desk.view_of(found))

    def _attend(self, session: Session, found: GroupSession, member: Member, *, wants: bool,
                now: datetime) -> Attendance:
        mine = next((a for a in found.attendees if a.member_id == member.id), None)
        step = decide_attendance(wants=wants, attending=mine is not None,
                                 capacity=found.participant_capacity,
                                 coming=len(found.attendees))
        if step is Attendance.LEAVE and mine is not None:
            found.attendees.remove(mine)
        elif step is Attendance.JOIN:
            found.attendees.append(SessionAttendee(member_id=member.id, member=member,
                                                   joined_at=now))
        if step in (Attendance.JOIN, Attendance.LEAVE):
            self.desk.changed(session, found, NoticeBook(session, now))
        return step

    def rsvp_in(self, session: Session, session_id: int, member: Member,
                yes: bool) -> TextOutcome:
        """A YES or NO by text to a session invitation, inside the caller's transaction:
        what it did, worded for the member by handlers/blocks/texting.py."""
        found = SessionRepository(session).get_for_update(session_id)
        if found is None or found.cancelled_at is not None:
            return TextOutcome(Happened.CANCELLED, "session")
        # By kind, never by title: a title can say more than a lock screen should.
        what, when = SESSION_KIND_WORDS[found.kind], found.starts_at.astimezone(self.desk.tz)
        step = self._attend(session, found, member, wants=yes, now=self.clock())
        if not yes:
            return TextOutcome(Happened.NOT_COMING, what, when)
        if step is Attendance.FULL:
            return TextOutcome(Happened.FULL, what, when)
        return TextOutcome(Happened.COMING, what, when)

    def invitation_for(self, session: Session, session_id: int,
                       member: Member) -> Invitation | None:
        """A session texted to a member, while a yes or no by text can still answer it (not
        started, not cancelled). Its reminder asks those coming "Still coming?", so it stays a
        question, never answered, until the session starts."""
        found = SessionRepository(session).get(session_id)
        if found is None or found.cancelled_at is not None or found.starts_at <= self.clock():
            return None
        return Invitation(rsvp=RsvpFor(RsvpSubject.SESSION, found.id),
                          label=SESSION_KIND_WORDS[found.kind], title=found.title,
                          starts_at=found.starts_at.astimezone(self.desk.tz), answered=False)

    # -- warnings (scheduled) -----------------------------------------------------------------
    def send_coverage_alerts(self) -> int:
        """At 7 days, 72 hours and 24 hours before an uncovered session: coordinators their
        own way (by text only at 24 hours) and a call for cover in the session's channel. Each
        alert goes once; each session is checked in a savepoint of its own."""
        now = self.clock()
        with self.database.begin() as session:
            book = NoticeBook(session, now)
            coordinators = MemberRepository(session).list_with_role(Role.COORDINATOR)
            return one_by_one(
                session, SessionRepository(session).list_starting_between(
                    now, now + timedelta(days=7, minutes=1)),
                lambda found: self._alert_coverage(book, found, coordinators),
                log, "session %d could not be checked for cover")

    def _alert_coverage(self, book: NoticeBook, found: GroupSession,
                        coordinators: Sequence[Member]) -> int:
        label = alert_due(found.starts_at, book.now)
        if label is None or self.desk.view_of(found).coverage.covered:
            return 0
        alert = CoverageAlert(session_id=found.id, label=label)
        call = CallForCover(session_id=found.id, label=label)
        if book.was_queued(alert) or book.was_queued(call):
            return 0
        for coordinator in coordinators:
            book.to_member(coordinator, alert, texts=label == "24h", not_after=found.starts_at)
        if found.channel_id:
            book.to_channel(found.channel_id, call)
        return 1

    # -- for drawing notices at delivery ------------------------------------------------------
    def release_view(self, session_id: int, member_id: int, late: bool) -> ReleaseView:
        with self.database() as session:
            found = SessionRepository(session).get(session_id)
            member = MemberRepository(session).get(member_id)
            if found is None or member is None:
                raise SessionGone(session_id)
            return ReleaseView(self.desk.view_of(found), member.name, late)

    def uncovered_view(self, session_id: int) -> SessionView:
        """A session still open and not covered, for the alerts and calls for cover about it:
        SessionGone once it is covered, cancelled or has started, so a late or retried alert
        never asks for cover that is no longer needed."""
        with self.database() as session:
            found = SessionRepository(session).get(session_id)
            if found is None or _closed(found, self.clock()) is not None:
                raise SessionGone(session_id)
            view = self.desk.view_of(found)
            if view.coverage.covered:
                raise SessionGone(session_id)
            return view

    def offer_view(self, session_id: int, member_id: int) -> SessionView:
        """The session of an offer still open to that member."""
        with self.database() as session:
            found = SessionRepository(session).get(session_id)
            if found is None or not any(w.member_id == member_id and not w.declined
                                        for w in found.waiting):
                raise SessionGone(session_id)
            return self.desk.view_of(found)
