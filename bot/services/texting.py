"""Texts from members: STOP, START, HELP understood; yes and no (in the common ways people say
them) answer the invitations still open for that person, asking which when several fit;
anything else relayed to the coordinators, who can reply by text. What is texted straight back
is returned as data (a TextBack, in the sender's style), worded at the webhook by
handlers/blocks/texting.py. And the provider's word on each text sent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.twilio import OPTED_OUT
from bot.notices import Notice
from bot.rules.communication import STANDARD
from bot.rules.directory import parse_phone
from bot.rules.forms import is_whole_number
from bot.rules.roles import Role
from bot.rules.texting import (
    EASY_READ_CHOICES,
    MAX_CHOICES,
    QUESTION_STANDS,
    Answer,
    Asked,
    AskWhich,
    Happened,
    Invitation,
    NoLongerOpen,
    Reply,
    RsvpFor,
    RsvpSubject,
    TextBack,
    TextOutcome,
    chosen_number,
    classify_reply,
    decide_answer,
    says_more_than_an_answer,
)
from bot.services.members import require_coordinator
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.models import (
    ContactPreference,
    InboundText,
    Member,
    OutboxStatus,
    SmsConsent,
    TextQuestion,
    TextReply,
    UnknownNumber,
)
from storage.repositories import MemberRepository, OutboxRepository, TextingRepository

log = logging.getLogger(__name__)
FAILED_STATUSES = frozenset({"failed", "undelivered"})


@dataclass(frozen=True)
class RsvpDesk:
    """What texting needs from an area whose invitations a reply by text answers (one per
    RsvpSubject, given in bot/services). Each works inside the caller's transaction, with the
    invitation's id and the member who texted.

    `describe`: the invitation while it is open to an answer (not started, not cancelled), or
    None. `answer`: records a yes (True) or no, and returns what that did (a TextOutcome, worded
    for the member in their style), or its own one line of words (standard only). Or, for a
    question answered by number rather than yes or no (a wellbeing check), `numbered`: records
    the number given and returns the same."""

    describe: Callable[[Session, int, Member], Invitation | None]
    answer: Callable[[Session, int, Member, bool], TextOutcome | str] | None = None
    numbered: Callable[[Session, int, Member, int], TextOutcome | str] | None = None


# -- what texting tells people (drawn by handlers/blocks/texting.py) ---------------------------
class RelayedText(Notice):
    """A text someone sent us, to a coordinator: drawn from the stored text, which this
    notice only points at."""

    kind = "texting.relayed"
    text_id: int


class ReplyByText(Notice):
    """A coordinator's reply to someone who texted us: drawn from the stored reply."""

    kind = "texting.reply"
    answers_a_text = True
    reply_id: int


class TextGone(LookupError):
    """No such text (any more), or nobody to answer."""


@dataclass(frozen=True)
class RelayedView:
    text_id: int
    name: str | None
    phone: str
    body: str


@dataclass(frozen=True)
class Unreachable:
    name: str
    reason: str


class TextingService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 rsvp_desks: Mapping[RsvpSubject, RsvpDesk]) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.rsvp_desks = rsvp_desks

    # -- what people text us ------------------------------------------------------------------
    def receive(self, from_number: str, body: str) -> TextBack | None:
        """Handles one inbound text; returns what to text straight back, if anything, in the
        style of the member who sent it (standard for a number we don't know)."""
        try:
            phone = parse_phone(from_number)
        except ValueError:
            return None
        reply = classify_reply(body)
        now = self.clock()
        with self.sessions.begin() as session:
            member = MemberRepository(session).get_by_phone(phone)
            if member is None:
                unknown = self._from_unknown(session, phone, body, reply, now)
                return None if unknown is None else TextBack(unknown, STANDARD)
            said = self._from_member(session, member, phone, body, reply, now)
            return None if said is None else TextBack(said, member.reader.style)

    def _from_member(self, session: Session, member: Member, phone: str, body: str,
                     reply: Reply, now: datetime) -> TextOutcome | AskWhich | str | None:
        if reply is Reply.STOP:
            return self._stop(member, now)
        if reply is Reply.START:
            return self._start(member, now)
        if reply is Reply.HELP:
            return TextOutcome(Happened.HELP)
        answered = self._converse(session, member, body, now)
        if answered is not None:
            # More than a yes or a no ("no, I can't go on") is also read by a person: an
            # answer never swallows what someone wanted to say.
            if says_more_than_an_answer(body):
                self._relay(session, member, phone, body, now)
            return answered
        self._relay(session, member, phone, body, now)
        return TextOutcome(Happened.PASSED_ON)

    @staticmethod
    def _stop(member: Member, now: datetime) -> TextOutcome | None:
        if not member.has_sms_consent and member.latest_consent is not None:
            return None  # confirmed once already
        member.consents.append(SmsConsent(given=False, method="texted STOP", recorded_at=now))
        log.info("member %d opted out of texts", member.id)
        return TextOutcome(Happened.STOPPED)

    @staticmethod
    def _start(member: Member, now: datetime) -> TextOutcome:
        if not member.has_sms_consent:
            member.consents.append(SmsConsent(given=True, method="texted START",
                                              recorded_at=now))
            if member.contact is ContactPreference.SLACK:
                member.contact = ContactPreference.BOTH
        return TextOutcome(Happened.STARTED)

    # -- answering invitations by text ---------------------------------------------------------
    def _converse(self, session: Session, member: Member, body: str,
                  now: datetime) -> TextOutcome | AskWhich | str | None:
        """A yes, no or number that answers an open invitation: what to text back (what the
        answer did, or a question asking which). None: the team should read it."""
        texting = TextingRepository(session)
        invitations = self.open_invitations(session, member)
        question = texting.question_for(member.id)
        standing = self._standing(question, now)
        # A number answers the check texted last (a wellbeing check's "reply 1, 2 or 3"),
        # unless our "which one?" question came after it.
        numbered = self._numbered(session, member, body,
                                  after=question.asked_at if standing and question else None)
        if numbered is not None:
            texting.forget_question(member.id)
            return numbered
        # Easy read offers fewer choices, each on a line of its own.
        decision = decide_answer(body, invitations, standing,
                                 now.astimezone(self.settings.timezone).date(),
                                 EASY_READ_CHOICES if member.reader.style.easy_read
                                 else MAX_CHOICES)
        if isinstance(decision, Answer):
            answer = self.rsvp_desks[decision.rsvp.subject].answer
            if answer is None:  # only desks that take a yes or no have invitations here
                return None
            texting.forget_question(member.id)
            log.info("member %d answered %s by text", member.id, decision.rsvp.stored)
            return answer(session, decision.rsvp.id, member, decision.going)
        if isinstance(decision, AskWhich):
            asked = Asked(decision.going, tuple(i.rsvp for i in decision.choices))
            texting.ask(member.id, asked.going, asked.stored, now)
            return decision
        if isinstance(decision, NoLongerOpen):
            texting.forget_question(member.id)
            return TextOutcome(Happened.NO_LONGER_OPEN)
        return None

    @staticmethod
    def _standing(question: TextQuestion | None, now: datetime) -> Asked | None:
        """The question we asked, while a number can still answer it."""
        if question is None or now - question.asked_at > QUESTION_STANDS:
            return None
        return Asked.read(question.going, question.choices)

    def open_invitations(self, session: Session, member: Member, *,
                         numbered: bool = False) -> list[Invitation]:
        """The invitations texted to this member that are still open: sent to them, not
        started, not cancelled, the most recently texted first. Whether they have answered
        each is on it. Those a yes or no answers, or (`numbered`) those a number answers."""
        found = []
        for stored in OutboxRepository(session).invitations_to(member.id):
            target = RsvpFor.read(stored)
            desk = self.rsvp_desks.get(target.subject) if target else None
            if desk is None or target is None or (desk.numbered is None) == numbered:
                continue
            invitation = desk.describe(session, target.id, member)
            if invitation is not None:
                found.append(invitation)
        return found

    def _numbered(self, session: Session, member: Member, body: str, *,
                  after: datetime | None = None) -> TextOutcome | str | None:
        """A number answering the question we last asked by number (a wellbeing check's
        "Reply 1, 2 or 3"): what it did; None when it answers none, or (`after`) when that
        check was texted before our last "which one?" question."""
        number = chosen_number(body)
        asked = self.open_invitations(session, member, numbered=True) \
            if number is not None else []
        if number is None or not asked:
            return None
        rsvp = asked[0].rsvp
        if after is not None:
            texted = OutboxRepository(session).last_texted(member.id, rsvp.stored)
            if texted is None or texted <= after:
                return None
        answer = self.rsvp_desks[rsvp.subject].numbered
        if answer is None:
            return None
        log.info("member %d answered %s by text", member.id, rsvp.stored)
        return answer(session, rsvp.id, member, number)

    def _relay(self, session: Session, member: Member | None, phone: str, body: str,
               now: datetime) -> None:
        text = TextingRepository(session).add_inbound(
            InboundText(member_id=member.id if member else None, phone=phone, body=body,
                        received_at=now))
        book = NoticeBook(session, now)
        for coordinator in MemberRepository(session).list_with_role(Role.COORDINATOR):
            if coordinator.slack_user_id:
                book.to_slack_user(coordinator.slack_user_id, RelayedText(text_id=text.id),
                                   about=[member.id] if member else [])
        log.info("text %d relayed to coordinators", text.id)

    def _from_unknown(self, session: Session, phone: str, body: str, reply: Reply,
                      now: datetime) -> TextOutcome | None:
        number = TextingRepository(session).unknown_number(phone)
        if reply is Reply.STOP:
            number.opted_out = True
            return None
        if reply is Reply.START:
            # A keyword, as STOP and HELP are: answered, never passed on as a message.
            number.opted_out = False
            return TextOutcome(Happened.UNKNOWN_START)
        if reply is Reply.HELP:
            return TextOutcome(Happened.HELP)
        self._relay(session, None, phone, body, now)
        if number.opted_out or (number.last_answered_at is not None
                                and now - number.last_answered_at < timedelta(days=1)):
            return None  # a polite reply at most once a day
        number.last_answered_at = now
        return TextOutcome(Happened.UNKNOWN_NUMBER)

    # -- the team replies ---------------------------------------------------------------------
    def reply_words(self, reply_id: int) -> str:
        """The words of a reply, for its text at delivery."""
        with self.sessions() as session:
            reply = TextingRepository(session).get_reply(reply_id)
            if reply is None:
                raise TextGone(reply_id)
            return reply.body

    def relayed(self, text_id: int) -> RelayedView:
        """A text as it was received (for drawing notices); TextGone when it is no longer
        kept."""
        with self.sessions() as session:
            text = TextingRepository(session).get_inbound(text_id)
            if text is None:
                raise TextGone(text_id)
            return RelayedView(text.id, text.member.name if text.member else None, text.phone,
                               text.body)

    def inbound_for_reply(self, text_id: int, actor: str) -> tuple[str, str]:
        """Who a coordinator is about to reply to: (name or number, phone)."""
        with self.sessions() as session:
            require_coordinator(session, actor)
            text = TextingRepository(session).get_inbound(text_id)
            if text is None:
                raise TextGone(text_id)
            return (text.member.name if text.member else text.phone), text.phone

    def reply_to_text(self, text_id: int, actor: str, words: str) -> str:
        if not words.strip():
            raise ValueError("Please write a reply.")
        now = self.clock()
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            text = TextingRepository(session).get_inbound(text_id)
            if text is None or text.member is None:
                raise TextGone(text_id)
            member = text.member
            latest = member.latest_consent
            if latest is not None and not latest.given:
                raise ValueError(f"{member.name} has asked for no texts, so this can't be sent.")
            reply = TextingRepository(session).add_reply(TextReply(
                inbound_text_id=text.id, member_id=member.id, body=words.strip(), sent_by=actor,
                created_at=now))
            # They wrote to us: a reply goes by text whatever their usual preference.
            NoticeBook(session, now).by_text(member, ReplyByText(reply_id=reply.id))
            return member.name

    # -- the provider's word on what we sent --------------------------------------------------
    def status_update(self, provider_id: str, status: str, error_code: str | None) -> bool:
        now = self.clock()
        with self.sessions.begin() as session:
            row = OutboxRepository(session).get_by_delivered_ref(provider_id)
            if row is None:
                return False
            row.provider_status = status[:20]
            if status in FAILED_STATUSES:
                row.status = OutboxStatus.FAILED
                row.last_error = f"text {status}" + (f" (error {error_code})" if error_code
                                                     else "")
                if error_code == str(OPTED_OUT) and is_whole_number(row.target):
                    member = MemberRepository(session).get(int(row.target))
                    if member is not None and member.has_sms_consent:
                        member.consents.append(SmsConsent(
                            given=False, method="provider opt-out (21610)", recorded_at=now))
            return True

    def unreachable(self, actor: str) -> list[Unreachable]:
        """Members who want texts but can't be sent any, for the coordinators (only) to follow
        up."""
        found = []
        with self.sessions() as session:
            require_coordinator(session, actor)
            for member in MemberRepository(session).list_all():
                if member.contact is ContactPreference.SLACK:
                    continue
                if not member.phone:
                    found.append(Unreachable(member.name, "no phone number"))
                elif not member.has_sms_consent:
                    latest = member.latest_consent
                    found.append(Unreachable(member.name, f"opted out ({latest.method})"
                                             if latest else "no consent to texts recorded"))
        return found


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export_texts(session: Session, person: Person) -> dict[str, Any]:
    texts = session.scalars(select(InboundText).where(
        InboundText.member_id == person.member_id).order_by(InboundText.id)).all()
    replies = session.scalars(select(TextReply).where(
        TextReply.member_id == person.member_id).order_by(TextReply.id)).all()
    question = session.get(TextQuestion, person.member_id)
    return {"texts_you_sent_us": [{"words": t.body, "received": iso(t.received_at)}
                                  for t in texts],
            "our_replies_to_your_texts": [{"words": r.body, "sent": iso(r.created_at)}
                                          for r in replies],
            "question_we_last_asked_by_text": None if question is None else {
                "asked": iso(question.asked_at), "your_answer": "yes" if question.going
                else "no", "choices_offered": question.choices}}


def _erase_texts(session: Session, person: Person, now: datetime) -> dict[str, int]:
    removed = rows_changed(session, delete(TextReply).where(
        TextReply.member_id == person.member_id))
    removed += rows_changed(session, delete(InboundText).where(
        InboundText.member_id == person.member_id))
    if person.phone:
        removed += rows_changed(session, delete(InboundText).where(
            InboundText.phone == person.phone))
    removed += rows_changed(session, delete(TextQuestion).where(
        TextQuestion.member_id == person.member_id))
    signed = rows_changed(session, update(TextReply).where(
        TextReply.sent_by == person.slack_user_id).values(sent_by=None)) \
        if person.slack_user_id else 0
    return {"texts they sent, and replies": removed, "replies they signed": signed}


def _purge_texts(session: Session, periods: Periods) -> dict[str, int]:
    return {
        # A text's replies go with it (ON DELETE CASCADE).
        "texts": rows_changed(session, delete(InboundText).where(
            InboundText.received_at < periods.before("texts"))),
        "unknown numbers": rows_changed(session, delete(UnknownNumber).where(
            UnknownNumber.last_answered_at < periods.before("deliveries"))),
        "questions asked by text": rows_changed(session, delete(TextQuestion).where(
            TextQuestion.asked_at < periods.before("deliveries"))),
    }


PERSONAL_DATA = PersonalData(
    area="texting",
    tables=("inbound_texts", "text_replies", "unknown_numbers", "text_questions"),
    export=_export_texts, erase=_erase_texts, purge=_purge_texts,
)
