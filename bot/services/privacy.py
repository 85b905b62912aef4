"""People's rights: what we hold about me, my consents, and being forgotten."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice, NoticeGone
from bot.rules.roles import Role
from bot.services.notices import NoticeBook
from bot.services.personal_data import Person, PersonalData
from storage.models import FeedbackCase, Member, SmsConsent
from storage.repositories import MemberRepository

log = logging.getLogger(__name__)
CONSENT_FROM_SLACK = "Slack /coprod consent"
SAFEGUARDING_NOTE = ("Safeguarding records that mention you are not listed here: the law asks "
                     "us to keep and protect them. A coordinator can explain what can be shared.")


class ErasureRequested(Notice):
    """A member asked to be forgotten: to each coordinator, with the command that does it."""

    kind = "privacy.erasure-requested"
    member_id: int
    day: date


class NotInDirectory(LookupError):
    """The person is not in the member list."""


@dataclass(frozen=True)
class Erasure:
    name: str
    removed: dict[str, int]
    kept_for_safeguarding: int


class PrivacyService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 declarations: Sequence[PersonalData]) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.declarations = tuple(declarations)

    def _member(self, session: Session, slack_user_id: str) -> Member:
        member = MemberRepository(session).get_by_slack_id(slack_user_id)
        if member is None:
            raise NotInDirectory(slack_user_id)
        return member

    # -- what we hold -------------------------------------------------------------------------
    def my_data(self, slack_user_id: str) -> dict[str, Any]:
        """Everything held about this member, and only them, as plain values: each area says
        what it holds (its PERSONAL_DATA declaration)."""
        with self.sessions() as session:
            person = _person(self._member(session, slack_user_id))
            held: dict[str, Any] = {}
            for declaration in self.declarations:
                if declaration.export is not None:
                    held.update(declaration.export(session, person))
            return {
                **held,
                "note": SAFEGUARDING_NOTE,
                "anonymous_feedback": "Anonymous feedback is not linked to you anywhere, so it "
                                      "can't be listed here.",
            }

    # -- consents -----------------------------------------------------------------------------
    def set_text_consent(self, slack_user_id: str, given: bool) -> bool:
        with self.sessions.begin() as session:
            member = self._member(session, slack_user_id)
            if member.has_sms_consent == given:
                return False
            member.consents.append(SmsConsent(given=given, method=CONSENT_FROM_SLACK,
                                              recorded_at=self.clock()))
            return True

    def withdraw_testimonies(self, slack_user_id: str) -> int:
        with self.sessions.begin() as session:
            self._member(session, slack_user_id)
            result = session.execute(
                update(FeedbackCase).where(FeedbackCase.submitter_slack_id == slack_user_id)
                .where(FeedbackCase.testimony_consent.is_(True)).values(testimony_consent=False))
            return int(getattr(result, "rowcount", 0) or 0)

    # -- being forgotten ----------------------------------------------------------------------
    def request_erasure(self, slack_user_id: str) -> int:
        """Asks every coordinator (but them) to erase this member: once a day at most."""
        now = self.clock()
        with self.sessions.begin() as session:
            member = self._member(session, slack_user_id)
            book = NoticeBook(session, now)
            coordinators = [c for c in MemberRepository(session).list_with_role(Role.COORDINATOR)
                            if c.slack_user_id and c.id != member.id]
            notice = ErasureRequested(member_id=member.id, day=now.date())
            for coordinator in coordinators:
                book.to_member(coordinator, notice, about=[member.id])
            return len(coordinators)

    def erasure_request_view(self, member_id: int) -> tuple[str, str]:
        """Who asked to be forgotten, for the coordinators' notice: name and Slack id."""
        with self.sessions() as session:
            member = MemberRepository(session).get(member_id)
            if member is None or member.slack_user_id is None:
                raise NoticeGone(member_id)
            return member.name, member.slack_user_id

    def erase(self, identifier: str) -> Erasure:
        """Removes a member and what is theirs, area by area as each declares. Safeguarding
        records stay: if they are named in one, their name alone is kept on their member
        record; no Slack id, phone or anything else."""
        now = self.clock()
        with self.sessions.begin() as session:
            members = MemberRepository(session)
            member = members.get_by_slack_id(identifier) or members.get_by_phone(identifier)
            if member is None:
                raise NotInDirectory(identifier)
            person = _person(member)
            safeguarding = sum(d.safeguarding_links(session, person)
                               for d in self.declarations if d.safeguarding_links)
            removed: dict[str, int] = {}
            for declaration in self.declarations:
                if declaration.erase is not None:
                    removed.update(declaration.erase(session, person, now))
            session.expire(member)
            if safeguarding:
                # Kept for safeguarding: the name on the record, nothing that reaches them.
                member.slack_user_id = None
                member.phone = None
                member.roles = []
                member.consents = []
                member.trained_until = None
            else:
                session.delete(member)
            log.info("member %d erased (%d safeguarding link(s) kept)", person.member_id,
                     safeguarding)
            return Erasure(person.name, {k: v for k, v in removed.items() if v}, safeguarding)


def _person(member: Member) -> Person:
    return Person(member_id=member.id, slack_user_id=member.slack_user_id, phone=member.phone,
                  name=member.name)
