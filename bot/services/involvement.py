"""Involvement opportunities: posted with purpose, expectations, time and place and the
recompense agreed in advance; interest, a written offer accepted as the agreement, the payment
choice, pausing or withdrawing with one button; the wellbeing checks' rows (sent by
bot/services/wellbeing.py); consent for stories and outputs, asked before and after; and the
exit conversation when someone's involvement ends, anonymous if they like.

Anonymity of exit answers is kept here: an anonymous answer is written with no member id, no
Slack id, no involvement and only the month it came; nothing is logged about it, no notice tells
anyone of it, and an export shows it only once its month has ended, together with at least two
others (see `anonymous_releases`). The day would not do: the contact is told at once that
someone is stepping back, and in a small charity theirs may be the only leaving that day."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice, NoticeGone
from bot.rules.forms import NeedsChanges
from bot.rules.involvement import (
    CheckStage,
    ConsentStage,
    InvolvementStatus,
    OpportunityKind,
    OpportunityStatus,
    PaymentChoice,
    Recompense,
)
from bot.rules.opportunities import (
    ACTIVE,
    PAID,
    TAKE_LESS_EXAMPLE,
    ExitForm,
    InvalidOpportunity,
    Move,
    OfferTerms,
    OpportunityDraft,
    OpportunityField,
    Recommend,
    Step,
    UseVerdict,
    amount_taken,
    anonymous_releases,
    check_amount,
    check_exit,
    check_story_use,
    checks_when_ended,
    checks_when_resumed,
    may_be_contact,
    month_of,
    next_status,
    offer_words,
    story_use,
    validate_opportunity,
    wellbeing_due,
)
from bot.rules.roles import NotAllowed, Role
from bot.services.members import is_coordinator, require_coordinator
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.models import (
    ContactPreference,
    ExitConversation,
    Involvement,
    Member,
    Opportunity,
    OutboxMessage,
    StoryConsent,
    StoryUse,
    WellbeingCheck,
)
from storage.repositories import MemberRepository

log = logging.getLogger(__name__)


# -- what involvement tells people (drawn by handlers/blocks/involvement.py) --------------------
# Ids and small values only: never anyone's words, names or amounts.
class OpportunityPosted(Notice):
    """A new opportunity, to each member their own way, with "I'm interested"; every copy is
    redrawn when it closes."""

    kind = "involvement.opportunity"
    identity = ("opportunity_id",)
    opportunity_id: int


class ContactNamed(Notice):
    """To the named contact, when someone else posted it: interest will come to them."""

    kind = "involvement.contact-named"
    opportunity_id: int


class InterestShown(Notice):
    """To the contact: someone is interested, with "Offer it to them"; redrawn once offered."""

    kind = "involvement.interest"
    identity = ("involvement_id",)
    involvement_id: int
    seq: str


class OfferMade(Notice):
    """To the person: the written offer with Accept / No thanks; redrawn at each step, so it
    always shows where things are and the buttons that apply."""

    kind = "involvement.offer"
    identity = ("involvement_id",)
    involvement_id: int
    seq: str


class StepTaken(Notice):
    """To the contact: each step the person took (accepted, paused, withdrew ...), no blame."""

    kind = "involvement.step"
    identity = ("involvement_id",)
    involvement_id: int
    step: Step
    seq: str


class ConsentAfterAsked(Notice):
    """To the person, when the work has ended: may we still use the story or outputs?"""

    kind = "involvement.consent-after"
    identity = ("involvement_id",)
    involvement_id: int


class ExitOffered(Notice):
    """To the person whose involvement a coordinator marked ended: thanks, and the exit form
    (the form itself carries nothing that points back at the involvement)."""

    kind = "involvement.exit-offered"
    involvement_id: int


# -- what can go wrong, in words the handlers turn kind ---------------------------------------
class InvolvementGone(LookupError):
    """No such involvement or opportunity, or not this person's: nothing is said about it."""


class OpportunityClosed(LookupError):
    """The opportunity isn't open for interest any more."""


class NotNow(Exception):
    """The button is from an older message: the involvement has moved on (to `status`)."""

    def __init__(self, status: InvolvementStatus) -> None:
        super().__init__(status.value)
        self.status = status


class PaymentChosen(Exception):
    """The payment choice is made: an older button can't change it (a coordinator can talk it
    through with them; claims may already rest on it)."""

    def __init__(self, choice: PaymentChoice) -> None:
        super().__init__(choice.value)
        self.choice = choice


class UseRefused(Exception):
    """A story or output may not be used (consent withdrawn, not given, or not answered)."""

    def __init__(self, verdict: UseVerdict) -> None:
        super().__init__(verdict.value)
        self.verdict = verdict


# -- views ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpportunityView:
    id: int
    kind: OpportunityKind
    title: str
    purpose: str
    expected: str
    when_where: str
    time_needed: str
    experience: str
    recompense: Recompense
    amount_pence: int | None
    shares_story: bool
    published_outputs: bool
    contact_name: str | None
    contact_slack_id: str | None
    status: OpportunityStatus
    starts_at: datetime | None
    ends_at: datetime | None

    @property
    def asks_consent(self) -> bool:
        return self.shares_story or self.published_outputs

    @property
    def paid(self) -> bool:
        return self.recompense in PAID


@dataclass(frozen=True)
class ConsentView:
    before: bool | None
    after_asked: bool
    after: bool | None
    withdrawn_at: datetime | None

    @property
    def verdict(self) -> UseVerdict:
        return story_use(self.before, self.after_asked, self.after, self.withdrawn_at is not None)

    @property
    def waiting_for(self) -> ConsentStage | None:
        """The question still to answer, if any (none once withdrawn)."""
        if self.withdrawn_at is not None:
            return None
        if self.after_asked:
            return ConsentStage.AFTER if self.after is None else None
        return ConsentStage.BEFORE if self.before is None else None


@dataclass(frozen=True)
class StoryUseView:
    what: str
    used_on: date


@dataclass(frozen=True)
class InvolvementView:
    id: int
    opportunity: OpportunityView
    member_id: int
    member_name: str
    member_slack_id: str | None
    status: InvolvementStatus
    agreement: str
    offered_at: datetime | None
    accepted_at: datetime | None
    payment_choice: PaymentChoice | None
    amount_taken_pence: int | None
    ended_at: datetime | None
    consent: ConsentView | None
    uses: tuple[StoryUseView, ...] = ()

    @property
    def needs_payment_choice(self) -> bool:
        return (self.opportunity.paid and self.accepted_at is not None
                and self.status is not InvolvementStatus.WITHDRAWN)


@dataclass(frozen=True)
class Managed:
    """An opportunity as its coordinators see it: everyone interested, offered or involved."""

    opportunity: OpportunityView
    people: tuple[InvolvementView, ...]


@dataclass(frozen=True)
class Overview:
    open: tuple[OpportunityView, ...]        # open, and not yet theirs
    mine: tuple[InvolvementView, ...]
    coordinator: bool
    managing: tuple[Managed, ...] = ()


@dataclass(frozen=True)
class Leaving:
    """What `/involve leaving` ended (titles), and the interest or offers it withdrew."""

    ended: tuple[str, ...]
    withdrawn: tuple[str, ...]


@dataclass(frozen=True)
class ExitAnswers:
    """One exit conversation as the forum export shows it: no name, no id; a named answer
    with its day, an anonymous one with the first day of the month it is shown under."""

    received_on: date
    anonymous: bool
    went_well: str
    could_be_better: str
    recommend: Recommend | None
    anything_else: str


# -- reading rows as views --------------------------------------------------------------------
def named_contact(session: Session, opportunity: Opportunity) -> Member | None:
    """The opportunity's named contact while they may still be it: on Slack, and still a
    coordinator or the HR officer. Someone who has lost that role keeps none of its powers
    (managing it, hearing who is interested or asks for support); None: the coordinators."""
    if opportunity.contact_member_id is None:
        return None
    contact = session.get(Member, opportunity.contact_member_id)
    if contact is None or not contact.slack_user_id or not may_be_contact(contact.role_set):
        return None
    return contact


def _opportunity_view(session: Session, opportunity: Opportunity) -> OpportunityView:
    contact = named_contact(session, opportunity)
    return OpportunityView(
        id=opportunity.id, kind=opportunity.kind, title=opportunity.title,
        purpose=opportunity.purpose, expected=opportunity.expected,
        when_where=opportunity.when_where, time_needed=opportunity.time_needed,
        experience=opportunity.experience, recompense=opportunity.recompense,
        amount_pence=opportunity.amount_pence, shares_story=opportunity.shares_story,
        published_outputs=opportunity.published_outputs,
        contact_name=contact.name if contact else None,
        contact_slack_id=contact.slack_user_id if contact else None,
        status=opportunity.status, starts_at=opportunity.starts_at,
        ends_at=opportunity.ends_at)


def _consents(session: Session, involvement_id: int) -> dict[ConsentStage, StoryConsent]:
    rows = session.scalars(select(StoryConsent).where(
        StoryConsent.involvement_id == involvement_id)).all()
    return {row.stage: row for row in rows}


def _consent_view(session: Session, involvement: Involvement) -> ConsentView | None:
    rows = _consents(session, involvement.id)
    if not rows:
        return None
    before, after = rows.get(ConsentStage.BEFORE), rows.get(ConsentStage.AFTER)
    withdrawn = [r.withdrawn_at for r in rows.values() if r.withdrawn_at]
    return ConsentView(before=before.given if before else None, after_asked=after is not None,
                       after=after.given if after else None,
                       withdrawn_at=min(withdrawn) if withdrawn else None)


def _involvement_view(session: Session, involvement: Involvement) -> InvolvementView:
    uses = session.scalars(select(StoryUse).where(StoryUse.involvement_id == involvement.id)
                           .order_by(StoryUse.used_on, StoryUse.id)).all()
    return InvolvementView(
        id=involvement.id, opportunity=_opportunity_view(session, involvement.opportunity),
        member_id=involvement.member_id, member_name=involvement.member.name,
        member_slack_id=involvement.member.slack_user_id, status=involvement.status,
        agreement=involvement.agreement, offered_at=involvement.offered_at,
        accepted_at=involvement.accepted_at, payment_choice=involvement.payment_choice,
        amount_taken_pence=involvement.amount_taken_pence, ended_at=involvement.ended_at,
        consent=_consent_view(session, involvement),
        uses=tuple(StoryUseView(u.what, u.used_on) for u in uses))


def _member(session: Session, slack_user_id: str) -> Member:
    member = MemberRepository(session).get_by_slack_id(slack_user_id)
    if member is None:
        raise NotAllowed(Role.MEMBER)
    return member


def _stamp(session: Session, notice: Notice, now: datetime) -> str:
    """A version no earlier copy of this notice's family has used: the moment, and how many
    rows the family has, so two changes in one instant still differ."""
    count = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.idempotency_key.startswith(notice.family, autoescape=True)))
    return f"{now:%Y%m%dT%H%M%S%f}.{count or 0}"


def _contacts(session: Session, opportunity: Opportunity) -> list[Member]:
    """Who hears of each step: the named contact, or every coordinator if they have gone (or
    are no longer a coordinator or the HR officer)."""
    contact = named_contact(session, opportunity)
    if contact is not None:
        return [contact]
    return list(MemberRepository(session).list_with_role(Role.COORDINATOR))


def _may_manage(session: Session, actor: str, opportunity: Opportunity) -> Member:
    """Coordinators, and the opportunity's named contact (who may be the HR officer) while
    they still hold the role that made them it."""
    member = MemberRepository(session).get_by_slack_id(actor)
    if member is None:
        raise NotAllowed(Role.COORDINATOR)
    contact = named_contact(session, opportunity)
    if not (Role.COORDINATOR in member.role_set
            or (contact is not None and contact.id == member.id)):
        raise NotAllowed(Role.COORDINATOR)
    return member


class Steps:
    """Recording a change to an involvement: who is told, and every copy of the offer redrawn."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.book = NoticeBook(session, now)

    def tell_contact(self, involvement: Involvement, step: Step) -> None:
        notice = StepTaken(involvement_id=involvement.id, step=step, seq="")
        seq = _stamp(self.session, notice, self.now)
        for contact in _contacts(self.session, involvement.opportunity):
            self.book.to_member(contact, notice.model_copy(update={"seq": seq}),
                                about=[involvement.member_id])

    def redraw_offer(self, involvement: Involvement) -> None:
        notice = OfferMade(involvement_id=involvement.id, seq="")
        self.book.redraw(notice, _stamp(self.session, notice, self.now))

    def redraw_interest(self, involvement: Involvement) -> None:
        notice = InterestShown(involvement_id=involvement.id, seq="")
        self.book.redraw(notice, _stamp(self.session, notice, self.now))

    def move(self, involvement: Involvement, move: Move) -> None:
        """Moves the involvement on, or NotNow when the move doesn't apply any more."""
        to = next_status(involvement.status, move)
        if to is None:
            raise NotNow(involvement.status)
        involvement.status = to
        involvement.updated_at = self.now


# -- wellbeing checks' rows (bot/services/wellbeing.py sends them) -----------------------------
def _unsent_checks(session: Session, involvement_id: int) -> dict[CheckStage, WellbeingCheck]:
    rows = session.scalars(select(WellbeingCheck).where(
        WellbeingCheck.involvement_id == involvement_id)).all()
    return {row.stage: row for row in rows}


def _plan_checks(session: Session, involvement: Involvement, follow_up_days: int) -> None:
    """The checks before, at the end and after, from the dates agreed; a stage already sent
    (an involvement taken up again) is not asked twice."""
    assert involvement.accepted_at is not None
    opportunity = involvement.opportunity
    existing = _unsent_checks(session, involvement.id)
    for stage, due in wellbeing_due(involvement.accepted_at, opportunity.starts_at,
                                    opportunity.ends_at, follow_up_days).items():
        row = existing.get(stage)
        if row is None:
            session.add(WellbeingCheck(involvement_id=involvement.id, stage=stage, due_at=due))
        elif row.sent_at is None:
            row.due_at = due


def _checks_at_the_end(session: Session, involvement: Involvement, now: datetime,
                       follow_up_days: int) -> None:
    existing = _unsent_checks(session, involvement.id)
    planned = {s: r.due_at for s, r in existing.items() if r.sent_at is None}
    for stage, due in checks_when_ended(now, planned, follow_up_days).items():
        row = existing.get(stage)
        if row is not None and row.sent_at is not None:
            continue
        if due is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(WellbeingCheck(involvement_id=involvement.id, stage=stage, due_at=due))
        else:
            row.due_at = due


def _checks_on_resuming(session: Session, involvement: Involvement, now: datetime,
                        follow_up_days: int) -> None:
    existing = _unsent_checks(session, involvement.id)
    planned = {s: r.due_at for s, r in existing.items() if r.sent_at is None}
    for stage, due in checks_when_resumed(now, planned, follow_up_days).items():
        existing[stage].due_at = due


def _drop_unsent_checks(session: Session, involvement_id: int) -> int:
    return rows_changed(session, delete(WellbeingCheck).where(
        WellbeingCheck.involvement_id == involvement_id, WellbeingCheck.sent_at.is_(None)))


def _announce(session: Session, opportunity: Opportunity, contact: Member, actor: str,
              now: datetime) -> None:
    """A direct message to every member but the one who posted it (and a text to those who
    only take texts): an opportunity is for members, and a DM lets anyone say they're
    interested without others seeing."""
    book = NoticeBook(session, now)
    notice = OpportunityPosted(opportunity_id=opportunity.id)
    with book.all_at_once():
        for member in MemberRepository(session).list_all():
            if member.slack_user_id != actor:
                book.to_member(member, notice, texts=member.contact is ContactPreference.SMS,
                               about=[contact.id])
        if contact.slack_user_id != actor:
            book.to_member(contact, ContactNamed(opportunity_id=opportunity.id))


def _managing(session: Session, member: Member, coordinator: bool) -> tuple[Managed, ...]:
    active = select(Involvement.opportunity_id).where(Involvement.status.in_(
        [InvolvementStatus.INTERESTED, InvolvementStatus.OFFERED, *ACTIVE]))
    query = select(Opportunity).where((Opportunity.status == OpportunityStatus.OPEN)
                                      | Opportunity.id.in_(active))
    if not coordinator:
        if not (member.slack_user_id and may_be_contact(member.role_set)):
            return ()  # a contact who has lost the role looks after nothing any more
        query = query.where(Opportunity.contact_member_id == member.id)
    found = session.scalars(query.order_by(Opportunity.id)).all()
    return tuple(Managed(_opportunity_view(session, o), tuple(
        _involvement_view(session, i) for i in session.scalars(select(Involvement).where(
            Involvement.opportunity_id == o.id).order_by(Involvement.id)).all()))
        for o in found)


def _terms(settings: Settings, view: OpportunityView) -> OfferTerms:
    tz = settings.timezone
    return OfferTerms(
        org=settings.coprod_org_name, kind=view.kind, title=view.title,
        purpose=view.purpose, expected=view.expected, when_where=view.when_where,
        time_needed=view.time_needed, experience=view.experience,
        recompense=view.recompense, amount_pence=view.amount_pence,
        shares_story=view.shares_story, published_outputs=view.published_outputs,
        contact_name=view.contact_name or "a coordinator",
        first_day=view.starts_at.astimezone(tz).date() if view.starts_at else None,
        last_day=view.ends_at.astimezone(tz).date() if view.ends_at else None)


def _get(session: Session, involvement_id: int) -> Involvement:
    involvement = session.get(Involvement, involvement_id, with_for_update=True)
    if involvement is None:
        raise InvolvementGone(involvement_id)
    return involvement


def _end(session: Session, steps: Steps, involvement: Involvement,
         follow_up_days: int) -> None:
    """The work is over: the checks at the end and after are dated, and consent is asked
    again where a story or outputs were shared."""
    steps.move(involvement, Move.END)
    involvement.ended_at = steps.now
    _checks_at_the_end(session, involvement, steps.now, follow_up_days)
    if _ask_consent(session, involvement, ConsentStage.AFTER):
        steps.book.to_member(involvement.member,
                             ConsentAfterAsked(involvement_id=involvement.id))
    steps.redraw_offer(involvement)
    log.info("involvement %d ended", involvement.id)


class InvolvementService:
    """Posting, interest, offers and agreements, pausing, withdrawing and ending. Consent for
    stories is `.stories`; exit conversations are `.exits`."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.stories = StoryConsents(self)
        self.exits = ExitConversations(self)

    def is_coordinator(self, slack_user_id: str) -> bool:
        with self.sessions() as session:
            return is_coordinator(session, slack_user_id)

    # -- posting ------------------------------------------------------------------------------
    def post(self, actor: str, draft: OpportunityDraft) -> OpportunityView:
        """A coordinator posts an opportunity; each member hears of it their own way."""
        now = self.clock()
        valid = validate_opportunity(draft, now, self.settings.timezone)
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            contact = MemberRepository(session).get_by_slack_id(valid.contact_slack_id)
            if contact is None or not may_be_contact(contact.role_set):
                raise InvalidOpportunity({OpportunityField.CONTACT: (
                    "The contact needs to be a coordinator or the HR officer.")})
            opportunity = Opportunity(
                kind=valid.kind, title=valid.title, purpose=valid.purpose,
                expected=valid.expected, when_where=valid.when_where,
                time_needed=valid.time_needed, experience=valid.experience,
                recompense=valid.recompense, amount_pence=valid.amount_pence,
                shares_story=valid.shares_story, published_outputs=valid.published_outputs,
                contact_member_id=contact.id, status=OpportunityStatus.OPEN,
                starts_at=valid.starts_at, ends_at=valid.ends_at, created_by=actor,
                created_at=now)
            session.add(opportunity)
            session.flush()
            _announce(session, opportunity, contact, actor, now)
            log.info("opportunity %d posted", opportunity.id)
            return _opportunity_view(session, opportunity)

    def close(self, actor: str, opportunity_id: int) -> OpportunityView:
        """No more interest taken; those already involved carry on."""
        now = self.clock()
        with self.sessions.begin() as session:
            opportunity = session.get(Opportunity, opportunity_id)
            if opportunity is None:
                raise InvolvementGone(opportunity_id)
            _may_manage(session, actor, opportunity)
            if opportunity.status is OpportunityStatus.OPEN:
                opportunity.status = OpportunityStatus.CLOSED
                notice = OpportunityPosted(opportunity_id=opportunity.id)
                NoticeBook(session, now).redraw(notice, _stamp(session, notice, now))
            return _opportunity_view(session, opportunity)

    # -- reading ------------------------------------------------------------------------------
    def overview(self, slack_user_id: str) -> Overview:
        """What `/involve` shows: open opportunities, the person's own involvements, and for
        coordinators (or a named contact) everyone involved in each."""
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            open_ = session.scalars(select(Opportunity).where(
                Opportunity.status == OpportunityStatus.OPEN).order_by(Opportunity.id)).all()
            if member is None:
                return Overview(open=tuple(_opportunity_view(session, o) for o in open_),
                                mine=(), coordinator=False)
            mine = session.scalars(select(Involvement).where(
                Involvement.member_id == member.id).order_by(Involvement.id.desc())).all()
            taken = {i.opportunity_id for i in mine}
            coordinator = Role.COORDINATOR in member.role_set
            return Overview(
                open=tuple(_opportunity_view(session, o) for o in open_ if o.id not in taken),
                mine=tuple(_involvement_view(session, i) for i in mine),
                coordinator=coordinator, managing=_managing(session, member, coordinator))

    def opportunity(self, opportunity_id: int) -> OpportunityView:
        """For drawing notices: NoticeGone once it has gone."""
        with self.sessions() as session:
            opportunity = session.get(Opportunity, opportunity_id)
            if opportunity is None:
                raise NoticeGone(opportunity_id)
            return _opportunity_view(session, opportunity)

    def involvement(self, involvement_id: int) -> InvolvementView:
        """For drawing notices: NoticeGone once it has gone (erased, purged)."""
        with self.sessions() as session:
            involvement = session.get(Involvement, involvement_id)
            if involvement is None:
                raise NoticeGone(involvement_id)
            return _involvement_view(session, involvement)

    def yours(self, slack_user_id: str, involvement_id: int) -> InvolvementView:
        """The person's own involvement (InvolvementGone for anyone else's)."""
        with self.sessions() as session:
            return _involvement_view(session, _persons(session, slack_user_id, involvement_id))

    # -- interest and the offer ---------------------------------------------------------------
    def show_interest(self, slack_user_id: str, opportunity_id: int) -> InvolvementView:
        """"I'm interested": recorded, and the contact is told. Saying so again after saying no
        or withdrawing is fine; a second click changes nothing (NotNow)."""
        now = self.clock()
        with self.sessions.begin() as session:
            member = _member(session, slack_user_id)
            # Two clicks at once look for an involvement one after the other (the opportunity
            # row is locked on PostgreSQL; SQLite's writers already take turns).
            postgres = session.get_bind().dialect.name == "postgresql"
            opportunity = session.get(Opportunity, opportunity_id, with_for_update=postgres)
            if opportunity is None:
                raise InvolvementGone(opportunity_id)
            involvement = session.scalar(select(Involvement).where(
                Involvement.opportunity_id == opportunity_id,
                Involvement.member_id == member.id).with_for_update())
            if opportunity.status is not OpportunityStatus.OPEN:
                raise OpportunityClosed(opportunity_id)
            if involvement is None:
                involvement = _new_interest(session, opportunity_id, member.id, now)
            else:
                Steps(session, now).move(involvement, Move.INTEREST)
            notice = InterestShown(involvement_id=involvement.id, seq="")
            notice = notice.model_copy(update={"seq": _stamp(session, notice, now)})
            book = NoticeBook(session, now)
            for contact in _contacts(session, opportunity):
                book.to_member(contact, notice, about=[member.id])
            return _involvement_view(session, involvement)

    def offer(self, actor: str, involvement_id: int) -> InvolvementView:
        """A coordinator (or the named contact) offers it: the person gets the written offer,
        which is kept word for word and becomes the agreement when they accept it.

        Someone who accepted, withdrew and said they're interested again is offered their
        agreement as it stands, not a new one: its words, when it was accepted and their
        payment choice are what claims approved or paid under it rest on. The coordinator
        clicked "Offer" expecting the person to get something to say yes to, and they do;
        accepting takes it up again under the same agreement (and "No thanks" leaves it as
        it was)."""
        now = self.clock()
        with self.sessions.begin() as session:
            involvement = _get(session, involvement_id)
            _may_manage(session, actor, involvement.opportunity)
            steps = Steps(session, now)
            steps.move(involvement, Move.OFFER)
            if involvement.accepted_at is None:
                view = _opportunity_view(session, involvement.opportunity)
                involvement.agreement = offer_words(_terms(self.settings, view),
                                                    self.settings.coprod_welfare_rights_advice)
                involvement.offered_at = now
            notice = OfferMade(involvement_id=involvement.id, seq="")
            steps.book.to_member(involvement.member,
                                 notice.model_copy(update={"seq": _stamp(session, notice, now)}),
                                 about=[m.id for m in _contacts(session, involvement.opportunity)])
            steps.redraw_interest(involvement)
            log.info("involvement %d offered", involvement.id)
            return _involvement_view(session, involvement)

    # -- the person's answers: accept, no thanks, pause, resume, withdraw ---------------------
    def accept(self, slack_user_id: str, involvement_id: int) -> InvolvementView:
        """The offer's words, as they read them, are kept as the agreement; the wellbeing
        checks are planned, and consent is asked now if the work shares a story or outputs."""
        return self._answer(slack_user_id, involvement_id, Move.ACCEPT, Step.ACCEPTED)

    def decline(self, slack_user_id: str, involvement_id: int) -> InvolvementView:
        return self._answer(slack_user_id, involvement_id, Move.DECLINE, Step.DECLINED)

    def pause(self, slack_user_id: str, involvement_id: int) -> InvolvementView:
        return self._answer(slack_user_id, involvement_id, Move.PAUSE, Step.PAUSED)

    def resume(self, slack_user_id: str, involvement_id: int) -> InvolvementView:
        return self._answer(slack_user_id, involvement_id, Move.RESUME, Step.RESUMED)

    def withdraw(self, slack_user_id: str, involvement_id: int) -> InvolvementView:
        """One button, no reason asked: the checks still to come are dropped."""
        return self._answer(slack_user_id, involvement_id, Move.WITHDRAW, Step.WITHDRAWN)

    def _answer(self, slack_user_id: str, involvement_id: int, move: Move,
                step: Step) -> InvolvementView:
        now = self.clock()
        with self.sessions.begin() as session:
            involvement = _persons(session, slack_user_id, involvement_id)
            steps = Steps(session, now)
            steps.move(involvement, move)
            if move is Move.ACCEPT:
                # Taken up again after a withdrawal, the agreement is still the one accepted
                # then (see `offer`), and so is the day it was accepted.
                if involvement.accepted_at is None:
                    involvement.accepted_at = now
                _plan_checks(session, involvement, self.settings.coprod_wellbeing_follow_up_days)
                if involvement.opportunity.shares_story or \
                        involvement.opportunity.published_outputs:
                    _ask_consent(session, involvement, ConsentStage.BEFORE)
            elif move is Move.RESUME:
                _checks_on_resuming(session, involvement, now,
                                    self.settings.coprod_wellbeing_follow_up_days)
            elif move is Move.WITHDRAW:
                _drop_unsent_checks(session, involvement.id)
            steps.tell_contact(involvement, step)
            steps.redraw_offer(involvement)
            log.info("involvement %d: %s", involvement.id, step.value)
            return _involvement_view(session, involvement)

    def choose_payment(self, slack_user_id: str, involvement_id: int, choice: PaymentChoice,
                       less: str = "") -> InvolvementView:
        """Take it, take less (how much), have it donated, or decline it: NeedsChanges with
        "amount" when "take less" needs a different amount; PaymentChosen once a choice is
        made (a button from an older message changes nothing)."""
        now = self.clock()
        with self.sessions.begin() as session:
            involvement = _persons(session, slack_user_id, involvement_id)
            full = involvement.opportunity.amount_pence
            if (involvement.accepted_at is None or full is None
                    or involvement.status is InvolvementStatus.WITHDRAWN):
                raise NotNow(involvement.status)
            if involvement.payment_choice is not None:
                raise PaymentChosen(involvement.payment_choice)
            less_pence = None
            if choice is PaymentChoice.TAKE_LESS:
                less_pence, problem = check_amount(less, most=full - 1,
                                                   example=TAKE_LESS_EXAMPLE)
                if problem:
                    raise NeedsChanges({"amount": problem})
            involvement.amount_taken_pence = amount_taken(choice, full, less_pence)
            involvement.payment_choice = choice
            involvement.updated_at = now
            steps = Steps(session, now)
            steps.tell_contact(involvement, Step.PAYMENT_CHOSEN)
            steps.redraw_offer(involvement)
            return _involvement_view(session, involvement)

    # -- the end ------------------------------------------------------------------------------
    def mark_ended(self, actor: str, involvement_id: int) -> InvolvementView:
        """A coordinator marks the work ended: the checks at the end and after are dated, the
        person is asked again about their story (if any) and offered the exit form."""
        now = self.clock()
        with self.sessions.begin() as session:
            involvement = _get(session, involvement_id)
            _may_manage(session, actor, involvement.opportunity)
            steps = Steps(session, now)
            _end(session, steps, involvement, self.settings.coprod_wellbeing_follow_up_days)
            steps.book.to_member(involvement.member,
                                 ExitOffered(involvement_id=involvement.id))
            return _involvement_view(session, involvement)

    def leave(self, slack_user_id: str, *, asking: bool = False) -> Leaving:
        """`/involve leaving`, once they are sure: everything they're doing ends (their
        contacts are told, without blame), any interest or offer is withdrawn; the exit form is
        theirs to fill in. Asked twice, the second time ends nothing more. `asking`: only what
        it would end and withdraw, changing nothing, for the question asked before anything
        ends. NotAllowed for someone not in the member list."""
        if asking:
            with self.sessions() as session:
                ending, withdrawing = _leaving(session, _member(session, slack_user_id))
                return Leaving(tuple(i.opportunity.title for i in ending),
                               tuple(i.opportunity.title for i in withdrawing))
        now = self.clock()
        with self.sessions.begin() as session:
            member = _member(session, slack_user_id)
            steps = Steps(session, now)
            ending, withdrawing = _leaving(session, member, lock=True)
            for involvement in ending:
                _end(session, steps, involvement, self.settings.coprod_wellbeing_follow_up_days)
                steps.tell_contact(involvement, Step.LEFT)
            for involvement in withdrawing:
                steps.move(involvement, Move.WITHDRAW)
                _drop_unsent_checks(session, involvement.id)
                steps.tell_contact(involvement, Step.WITHDRAWN)
                steps.redraw_offer(involvement)
            return Leaving(tuple(i.opportunity.title for i in ending),
                           tuple(i.opportunity.title for i in withdrawing))

    # -- exit conversations, for the forum export ---------------------------------------------
    def exit_answers_between(self, start: datetime, end: datetime) -> list[ExitAnswers]:
        """Exit answers received from `start` up to `end` (local days), without names."""
        return self.exits.answers_between(start, end)


def _leaving(session: Session, member: Member, *, lock: bool = False
             ) -> tuple[list[Involvement], list[Involvement]]:
    """What leaving ends (agreed and not over) and what it withdraws (interest, offers)."""
    query = select(Involvement).where(Involvement.member_id == member.id).order_by(
        Involvement.id)
    ending: list[Involvement] = []
    withdrawing: list[Involvement] = []
    for involvement in session.scalars(query.with_for_update() if lock else query).all():
        if involvement.status in ACTIVE:
            ending.append(involvement)
        elif next_status(involvement.status, Move.WITHDRAW):
            withdrawing.append(involvement)
    return ending, withdrawing


def _new_interest(session: Session, opportunity_id: int, member_id: int,
                  now: datetime) -> Involvement:
    """Their interest, recorded; NotNow as for a second click if another click of theirs
    recorded it first (the unique opportunity and member)."""
    involvement = Involvement(opportunity_id=opportunity_id, member_id=member_id,
                              status=InvolvementStatus.INTERESTED, created_at=now,
                              updated_at=now)
    try:
        with session.begin_nested():
            session.add(involvement)
            session.flush()
    except IntegrityError:
        raise NotNow(InvolvementStatus.INTERESTED) from None
    return involvement


def _persons(session: Session, slack_user_id: str, involvement_id: int) -> Involvement:
    """The involvement, if it is this person's; otherwise InvolvementGone (saying nothing)."""
    involvement = session.get(Involvement, involvement_id, with_for_update=True)
    if involvement is None or involvement.member.slack_user_id != slack_user_id:
        raise InvolvementGone(involvement_id)
    return involvement


def _ask_consent(session: Session, involvement: Involvement, stage: ConsentStage) -> bool:
    """Records that consent is asked at `stage` (once). Not asked after a withdrawal, nor after
    the work for someone who never accepted, nor where the work shares nothing."""
    opportunity = involvement.opportunity
    rows = _consents(session, involvement.id)
    if (not (opportunity.shares_story or opportunity.published_outputs) or stage in rows
            or any(r.withdrawn_at for r in rows.values()) or involvement.accepted_at is None):
        return False
    session.add(StoryConsent(involvement_id=involvement.id, stage=stage))
    session.flush()
    return True


class StoryConsents:
    """Consent for stories and outputs: asked before and after, withdrawn with one button,
    and every use recorded - none after a withdrawal, none without consent."""

    def __init__(self, service: InvolvementService) -> None:
        self.sessions = service.sessions
        self.clock = service.clock

    def answer(self, slack_user_id: str, involvement_id: int, stage: ConsentStage,
               given: bool) -> InvolvementView:
        """The person's yes or no at a stage they were asked; NotNow once they've withdrawn
        (a yes from an old message never undoes a withdrawal)."""
        now = self.clock()
        with self.sessions.begin() as session:
            involvement = _persons(session, slack_user_id, involvement_id)
            rows = _consents(session, involvement.id)
            row = rows.get(stage)
            if row is None or any(r.withdrawn_at for r in rows.values()):
                raise NotNow(involvement.status)
            row.given, row.answered_at = given, now
            steps = Steps(session, now)
            steps.tell_contact(involvement, Step.CONSENT_GIVEN if given
                               else Step.CONSENT_REFUSED)
            steps.redraw_offer(involvement)
            if stage is ConsentStage.AFTER:
                notice = ConsentAfterAsked(involvement_id=involvement.id)
                steps.book.redraw(notice, _stamp(session, notice, now))
            return _involvement_view(session, involvement)

    def withdraw(self, slack_user_id: str, involvement_id: int) -> InvolvementView:
        """One button: no later use of the story or outputs, and the contact is told."""
        now = self.clock()
        with self.sessions.begin() as session:
            involvement = _persons(session, slack_user_id, involvement_id)
            changed = rows_changed(session, update(StoryConsent).where(
                StoryConsent.involvement_id == involvement.id,
                StoryConsent.withdrawn_at.is_(None)).values(withdrawn_at=now))
            if not changed:
                raise NotNow(involvement.status)
            steps = Steps(session, now)
            steps.tell_contact(involvement, Step.CONSENT_WITHDRAWN)
            steps.redraw_offer(involvement)
            notice = ConsentAfterAsked(involvement_id=involvement.id)
            steps.book.redraw(notice, _stamp(session, notice, now))
            log.info("involvement %d: consent withdrawn", involvement.id)
            return _involvement_view(session, involvement)

    def listing(self, actor: str) -> list[InvolvementView]:
        """`/involve stories`: every story or output consent was asked for, with what may
        still be used and what may not (coordinators only)."""
        with self.sessions() as session:
            require_coordinator(session, actor)
            asked = select(StoryConsent.involvement_id)
            found = session.scalars(select(Involvement).where(Involvement.id.in_(asked))
                                    .order_by(Involvement.opportunity_id, Involvement.id)).all()
            return [_involvement_view(session, i) for i in found]

    def may_use(self, actor: str, involvement_id: int) -> InvolvementView:
        """Before the form to record a use opens: UseRefused when it may not be used."""
        with self.sessions() as session:
            require_coordinator(session, actor)
            return _involvement_view(session, _usable(session, involvement_id))

    def record_use(self, actor: str, involvement_id: int, what: str,
                   used_on: date | None) -> InvolvementView:
        """A coordinator records a use; refused (UseRefused) after a withdrawal or without
        consent, whenever the form was opened."""
        errors = check_story_use(what, used_on)
        if errors:
            raise NeedsChanges(errors)
        assert used_on is not None
        now = self.clock()
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            involvement = _usable(session, involvement_id, lock=True)
            session.add(StoryUse(involvement_id=involvement.id, what=what.strip(),
                                 used_on=used_on, recorded_by=actor, recorded_at=now))
            session.flush()
            log.info("involvement %d: a use of the story recorded", involvement.id)
            return _involvement_view(session, involvement)


def _usable(session: Session, involvement_id: int, lock: bool = False) -> Involvement:
    """The involvement, if its story or outputs may be used now; UseRefused if not."""
    involvement = session.get(Involvement, involvement_id, with_for_update=lock)
    if involvement is None:
        raise InvolvementGone(involvement_id)
    consent = _consent_view(session, involvement)
    verdict = consent.verdict if consent else UseVerdict.NOT_ANSWERED
    if verdict is not UseVerdict.MAY_USE:
        raise UseRefused(verdict)
    return involvement


class ExitConversations:
    """The short exit form's answers, named or anonymous, and the forum export's rows."""

    def __init__(self, service: InvolvementService) -> None:
        self.sessions = service.sessions
        self.clock = service.clock
        self.tz = service.settings.timezone

    def receive(self, slack_user_id: str, form: ExitForm) -> bool:
        """Keeps the answers; False when every question was left out (nothing is kept, and
        that's fine). Who sent it is checked against the directory and, for an anonymous
        answer, kept nowhere: no member id, no Slack id, no involvement, no log line, and the
        month rather than the day."""
        errors = check_exit(form)
        if errors:
            raise NeedsChanges(errors)
        if form.empty:
            return False
        today = self.clock().astimezone(self.tz).date()
        with self.sessions.begin() as session:
            member = _member(session, slack_user_id)
            for attempt in range(_ID_TRIES):
                # The column holds a date, so an anonymous answer's month is kept as its
                # first day: the day it came, beside the contact being told who stepped back
                # that day, would say whose it is.
                row = ExitConversation(
                    id=_exit_id(session, form.anonymous, attempt),
                    member_id=None if form.anonymous else member.id, answers=form.answers(),
                    anonymous=form.anonymous,
                    received_on=month_of(today) if form.anonymous else today)
                try:
                    with session.begin_nested():
                        session.add(row)
                        session.flush()
                except IntegrityError:
                    continue  # that id was taken: another draw (nothing logged about it)
                return True
            raise RuntimeError("no free id for an exit answer")

    def answers_between(self, start: datetime, end: datetime) -> list[ExitAnswers]:
        """Rows for the forum export, without names. Named answers come with their day.
        Anonymous ones come only for months that have ended, at least three at once (a
        smaller month waits for the next: `anonymous_releases`), each dated the first day of
        the month they are shown under and counted in the export whose range holds that day.
        The rows are in an order that says nothing about who came first."""
        this_month = month_of(self.clock().astimezone(self.tz).date())
        first, last = start.astimezone(self.tz).date(), end.astimezone(self.tz).date()
        with self.sessions() as session:
            named = session.scalars(select(ExitConversation).where(
                ExitConversation.anonymous.is_(False),
                ExitConversation.received_on >= first,
                ExitConversation.received_on < last)).all()
            found = [_exit_answers(r) for r in named]
            # Rows kept before the month was (with the day) count in their month.
            by_month: dict[date, int] = {}
            for day, many in session.execute(
                    select(ExitConversation.received_on, func.count())
                    .where(ExitConversation.anonymous.is_(True))
                    .group_by(ExitConversation.received_on)).all():
                by_month[month_of(day)] = by_month.get(month_of(day), 0) + many
            shown_under = {month: under for month, under in
                           anonymous_releases(by_month, this_month).items()
                           if first <= under < last}
            if shown_under:
                anonymous = session.scalars(select(ExitConversation).where(
                    ExitConversation.anonymous.is_(True),
                    ExitConversation.received_on >= min(shown_under),
                    ExitConversation.received_on < this_month)).all()
                found += [replace(_exit_answers(r),
                                  received_on=shown_under[month_of(r.received_on)])
                          for r in anonymous if month_of(r.received_on) in shown_under]
        return sorted(found, key=lambda a: (a.received_on, a.anonymous, a.went_well,
                                            a.could_be_better, a.anything_else))


_ID_TRIES = 5


def _exit_id(session: Session, anonymous: bool, attempt: int) -> int | None:
    """An anonymous answer's id is drawn at random: a sequential one, between the named
    answers' (whose day is kept, beside the contact being told who stepped back), would say
    when it came and so whose it is. Named answers keep the sequence: PostgreSQL's, which
    the drawn ids don't move; on SQLite, which numbers the next row after the largest id
    (a drawn one too), the next after the named answers' largest (and past it, should a
    drawn one hold that)."""
    if anonymous:
        return secrets.randbelow(2**31 - 1) + 1
    if session.get_bind().dialect.name == "postgresql":
        return None
    last = session.scalar(select(func.max(ExitConversation.id)).where(
        ExitConversation.anonymous.is_(False)))
    return (last or 0) + 1 + attempt


def _exit_answers(row: ExitConversation) -> ExitAnswers:
    answers: dict[str, Any] = row.answers or {}
    recommend = answers.get("recommend")
    return ExitAnswers(
        received_on=row.received_on, anonymous=row.anonymous,
        went_well=str(answers.get("went_well") or ""),
        could_be_better=str(answers.get("could_be_better") or ""),
        recommend=Recommend(recommend) if recommend in set(Recommend) else None,
        anything_else=str(answers.get("anything_else") or ""))


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export(session: Session, person: Person) -> dict[str, Any]:
    involvements = session.scalars(select(Involvement).where(
        Involvement.member_id == person.member_id).order_by(Involvement.id)).all()
    contact_for = session.scalars(select(Opportunity.title).where(
        Opportunity.contact_member_id == person.member_id)).all()
    named_exits = session.scalars(select(ExitConversation).where(
        ExitConversation.member_id == person.member_id)).all()
    return {
        "involvements": [_export_involvement(session, i) for i in involvements],
        "opportunities_you_are_the_contact_for": list(contact_for),
        "exit_answers_with_your_name": [
            {"received": e.received_on.isoformat(), "answers": e.answers} for e in named_exits],
    }


def _export_involvement(session: Session, involvement: Involvement) -> dict[str, Any]:
    consents = _consents(session, involvement.id)
    uses = session.scalars(select(StoryUse).where(
        StoryUse.involvement_id == involvement.id)).all()
    return {
        "opportunity": involvement.opportunity.title, "status": involvement.status.value,
        "interested": iso(involvement.created_at), "offered": iso(involvement.offered_at),
        "accepted": iso(involvement.accepted_at), "ended": iso(involvement.ended_at),
        "agreement": involvement.agreement,
        "payment_choice": involvement.payment_choice.value if involvement.payment_choice
        else None,
        "amount_taken_pence": involvement.amount_taken_pence,
        "story_consent": [{"asked": c.stage.value, "given": c.given,
                           "answered": iso(c.answered_at), "withdrawn": iso(c.withdrawn_at)}
                          for c in consents.values()],
        "story_uses": [{"what": u.what, "used_on": u.used_on.isoformat()} for u in uses],
    }


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    """Their involvements go, and with them (by the tables' cascades) their wellbeing checks,
    story consents and uses, and expense and fee claims. Opportunities stay, without them."""
    erased = {
        "involvements": rows_changed(session, delete(Involvement).where(
            Involvement.member_id == person.member_id)),
        "opportunities named as contact": rows_changed(session, update(Opportunity).where(
            Opportunity.contact_member_id == person.member_id).values(contact_member_id=None)),
        "exit answers with a name": rows_changed(session, delete(ExitConversation).where(
            ExitConversation.member_id == person.member_id)),
    }
    if person.slack_user_id:
        erased["opportunities posted"] = rows_changed(session, update(Opportunity).where(
            Opportunity.created_by == person.slack_user_id).values(created_by=None))
        erased["story uses recorded"] = rows_changed(session, update(StoryUse).where(
            StoryUse.recorded_by == person.slack_user_id).values(recorded_by=None))
    return erased


def _purge(session: Session, periods: Periods) -> dict[str, int]:
    """Only where a retention period already fits: interest that never became an agreement
    (activity: two years), closed opportunities nobody is left in (the same), and exit
    answers, which are feedback (three years). Agreements are kept (see `kept`)."""
    before = periods.before("activity")
    never_agreed = delete(Involvement).where(
        Involvement.accepted_at.is_(None), Involvement.updated_at < before,
        Involvement.status.in_([InvolvementStatus.INTERESTED, InvolvementStatus.OFFERED,
                                InvolvementStatus.DECLINED, InvolvementStatus.WITHDRAWN]))
    purged = {"interest never agreed": rows_changed(session, never_agreed)}
    empty = delete(Opportunity).where(
        Opportunity.status == OpportunityStatus.CLOSED, Opportunity.created_at < before,
        ~Opportunity.id.in_(select(Involvement.opportunity_id)))
    purged["closed opportunities"] = rows_changed(session, empty)
    purged["exit answers"] = rows_changed(session, delete(ExitConversation).where(
        ExitConversation.received_on < periods.before("feedback").date()))
    return purged


PERSONAL_DATA = PersonalData(
    area="involvement",
    tables=("involvements", "opportunities", "story_consents", "story_uses",
            "exit_conversations"),
    export=_export,
    erase=_erase,
    purge=_purge,
    kept=("Accepted involvements (the agreement, the payment choice, consents and uses) are "
          "kept until the person is erased: no retention period fits an agreement about "
          "money. Erasing a person also erases their expense and fee claims, paid ones too: "
          "a claim belongs to their involvement, and the accounts keep their own record of "
          "payments (the finance export and the bank). Opportunities they posted or were the "
          "contact for stay, without them. Anonymous exit answers are linked to nobody, so "
          "they are neither listed nor erased."),
)
