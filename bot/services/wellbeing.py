"""Wellbeing checks: a short private check-in before the work, at its end, and a few days
after. An answer asking for support goes to the named contact at once; skipping is fine and
says nothing to anyone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.nudge import Nudge
from bot.notices import Notice, NoticeGone
from bot.rules.involvement import CheckStage, OpportunityKind, Wellbeing
from bot.rules.roles import NotAllowed, Role
from bot.rules.texting import Invitation, RsvpFor, RsvpSubject, TextOutcome
from bot.rules.wellbeing import (
    ANSWERABLE_BY_TEXT,
    BY_NUMBER,
    CHECKED,
    SEND_WITHIN,
    next_answer,
    reply_to_number,
    still_asked,
    worth_sending,
)
from bot.services.involvement import named_contact
from bot.services.jobs import one_by_one
from bot.services.notices import NoticeBook
from bot.services.personal_data import Person, PersonalData, iso, rows_changed
from storage.models import Involvement, Member, Opportunity, WellbeingCheck
from storage.repositories import MemberRepository

log = logging.getLogger(__name__)


# -- what wellbeing checks tell people (drawn by handlers/blocks/wellbeing.py) -----------------
class WellbeingCheckSent(Notice):
    """The check-in, to the person their own way: buttons in Slack, "Reply 1, 2 or 3" by text.
    Redrawn once answered."""

    kind = "wellbeing.check"
    identity = ("check_id",)
    check_id: int


class SupportAsked(Notice):
    """To the work's contact (else the coordinators), at once: someone would like someone to
    get in touch. Nothing more."""

    kind = "wellbeing.support-asked"
    urgent = True
    check_id: int


class CheckGone(NoticeGone):
    """No such check (any more)."""


class NotYourCheck(LookupError):
    """A check that is someone else's: nothing about it is said."""


@dataclass(frozen=True)
class CheckView:
    id: int
    stage: CheckStage
    kind: OpportunityKind
    title: str                  # the work's title: in Slack only, never in a text
    name: str                   # the person checked on
    answer: Wellbeing | None
    contact: str | None         # who is asked to get in touch (None: the coordinators)
    # Unanswered, still worth showing now (see `still_asked`): not a "coming up soon" about
    # work that has since ended, nor any check once the work is withdrawn.
    still_asked: bool = True


def _contacts(session: Session, opportunity: Opportunity, member_id: int) -> list[Member]:
    """Who hears that someone would like someone to get in touch: the work's contact, else
    the coordinators (on Slack, and never the person themselves). A contact who is no longer
    a coordinator or the HR officer is not told: see `named_contact`."""
    members = MemberRepository(session)
    contact = named_contact(session, opportunity)
    if contact is not None and contact.id != member_id:
        return [contact]
    return [m for m in members.list_with_role(Role.COORDINATOR)
            if m.slack_user_id and m.id != member_id]


class WellbeingService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 nudge: Nudge) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.nudge = nudge

    # -- sending (scheduled) ------------------------------------------------------------------
    def send_wellbeing_checks(self) -> int:
        """Scheduled: the wellbeing checks that have fallen due, each once, each in a savepoint
        of its own."""
        now = self.clock()
        with self.sessions.begin() as session:
            due = session.scalars(
                select(WellbeingCheck).join(Involvement)
                .where(WellbeingCheck.sent_at.is_(None), WellbeingCheck.due_at <= now,
                       WellbeingCheck.due_at > now - SEND_WITHIN,
                       Involvement.status.in_(CHECKED))
                .order_by(WellbeingCheck.due_at, WellbeingCheck.id)).all()
            book = NoticeBook(session, now)
            return one_by_one(session, due, lambda check: self._send(session, book, check),
                              log, "wellbeing check %d could not be sent")

    @staticmethod
    def _send(session: Session, book: NoticeBook, check: WellbeingCheck) -> int:
        involvement = session.get(Involvement, check.involvement_id)
        if involvement is None or not worth_sending(check.stage, check.due_at, book.now,
                                                    involvement.opportunity.starts_at):
            return 0
        check.sent_at = book.now
        book.to_member(involvement.member, WellbeingCheckSent(check_id=check.id), texts=True,
                       rsvp_for=RsvpFor(RsvpSubject.WELLBEING, check.id).stored)
        return 1

    # -- answers ------------------------------------------------------------------------------
    def answer(self, check_id: int, slack_user_id: str, given: Wellbeing) -> CheckView:
        """An answer by button, from the person the check is for (NotYourCheck for anyone
        else). The check is redrawn with thanks; asking for someone to get in touch tells the
        contact at once."""
        with self.sessions.begin() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                raise NotAllowed(Role.MEMBER)
            check, involvement = self._check(session, check_id)
            if involvement.member_id != member.id:
                raise NotYourCheck(check_id)
            asked = self._record(session, check, involvement, given)
            view = self._view(session, check, involvement)
        self.nudge()
        if asked:
            log.info("wellbeing check %d: support asked for", check_id)
        return view

    def _record(self, session: Session, check: WellbeingCheck, involvement: Involvement,
                given: Wellbeing) -> bool:
        """Records what changed, redraws the check, and tells the contact when someone asks
        for support. True when the contact was told."""
        now = self.clock()
        changed = next_answer(check.answer, given)
        if changed is None:
            return False
        check.answer, check.answered_at = changed, now
        session.flush()
        book = NoticeBook(session, now)
        book.redraw(WellbeingCheckSent(check_id=check.id), changed.value)
        if changed is not Wellbeing.SUPPORT:
            return False
        for contact in _contacts(session, involvement.opportunity, involvement.member_id):
            book.to_slack_user(str(contact.slack_user_id), SupportAsked(check_id=check.id),
                               about=[involvement.member_id])
        return True

    @staticmethod
    def _check(session: Session, check_id: int) -> tuple[WellbeingCheck, Involvement]:
        check = session.get(WellbeingCheck, check_id)
        involvement = session.get(Involvement, check.involvement_id) if check else None
        if check is None or involvement is None:
            raise CheckGone(check_id)
        return check, involvement

    # -- by text (the RsvpDesk for wellbeing checks: answered by number) ----------------------
    def invitation_for(self, session: Session, check_id: int,
                       member: Member) -> Invitation | None:
        """A check texted to this member, while a number texted back still answers it."""
        check = session.get(WellbeingCheck, check_id)
        involvement = session.get(Involvement, check.involvement_id) if check else None
        if check is None or involvement is None or involvement.member_id != member.id \
                or check.sent_at is None or self.clock() - check.sent_at > ANSWERABLE_BY_TEXT:
            return None
        return Invitation(rsvp=RsvpFor(RsvpSubject.WELLBEING, check.id), label="Wellbeing check",
                          title="", starts_at=check.sent_at.astimezone(self.settings.timezone),
                          answered=check.answer is not None)

    def answer_by_text(self, session: Session, check_id: int, member: Member,
                       number: int) -> TextOutcome:
        """"1", "2" or "3" texted back to a check, inside the caller's transaction: what it
        did, worded for the member by handlers/blocks/texting.py."""
        check, involvement = self._check(session, check_id)
        given = BY_NUMBER.get(number)
        recorded = None
        if given is not None and self._record(session, check, involvement, given):
            recorded = Wellbeing.SUPPORT
            # Texting commits as the reply goes back: should the run this starts come first,
            # the dispatcher's next regular tick sends the contact's message.
            self.nudge()
        return TextOutcome(reply_to_number(number, recorded, check.answer))

    # -- for drawing notices at delivery ------------------------------------------------------
    def check_view(self, check_id: int) -> CheckView:
        with self.sessions() as session:
            check, involvement = self._check(session, check_id)
            return self._view(session, check, involvement)

    def _view(self, session: Session, check: WellbeingCheck,
              involvement: Involvement) -> CheckView:
        opportunity = involvement.opportunity
        contact = named_contact(session, opportunity)
        return CheckView(check.id, check.stage, opportunity.kind, opportunity.title,
                         involvement.member.name, check.answer,
                         contact.name if contact and contact.id != involvement.member_id
                         else None,
                         still_asked=still_asked(check.stage, involvement.status, self.clock(),
                                                 opportunity.starts_at))


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export(session: Session, person: Person) -> dict[str, Any]:
    rows = session.execute(
        select(Opportunity.title, WellbeingCheck)
        .join(Involvement, Involvement.id == WellbeingCheck.involvement_id)
        .join(Opportunity, Opportunity.id == Involvement.opportunity_id)
        .where(Involvement.member_id == person.member_id)
        .order_by(WellbeingCheck.due_at)).all()
    return {"wellbeing_checks": [
        {"for": title, "stage": check.stage.value, "due": iso(check.due_at),
         "sent": iso(check.sent_at), "your_answer": check.answer.value if check.answer else None,
         "answered": iso(check.answered_at)} for title, check in rows]}


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    # Erasing their involvements takes their checks too (ON DELETE CASCADE); this makes sure
    # whichever area runs first.
    mine = select(Involvement.id).where(Involvement.member_id == person.member_id)
    return {"wellbeing checks": rows_changed(session, delete(WellbeingCheck).where(
        WellbeingCheck.involvement_id.in_(mine.scalar_subquery())))}


PERSONAL_DATA = PersonalData(
    area="wellbeing",
    tables=("wellbeing_checks",),
    export=_export,
    erase=_erase,
)
