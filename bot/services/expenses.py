"""Expenses and payments: the person claims expenses and the agreed fee, a coordinator approves
or asks a question; the finance export; a kind warning as a yearly total nears the configured
amount, pointing to independent welfare-rights advice.

Amounts are seen only by the person and coordinators: they travel in Slack direct messages and
the finance export, never in texts, log lines or notices' fields."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice, NoticeGone
from bot.rules.expenses import (
    QUESTION_MAX,
    STANDARD_CLAIM_ERRORS,
    ClaimErrors,
    ClaimField,
    ClaimForm,
    FeeRoom,
    check_claim,
    claim_step,
    claimed_pence,
    fee_fits,
    fee_room,
    pounds,
    tax_year_days,
    tax_year_of,
    thresholds_crossed,
)
from bot.rules.forms import NeedsChanges
from bot.rules.involvement import ClaimKind, ClaimStatus, PaymentChoice
from bot.rules.roles import NotAllowed, Role
from bot.services.members import is_coordinator, require_coordinator
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.models import ExpenseClaim, Involvement, Member
from storage.repositories import MemberRepository

log = logging.getLogger(__name__)

WAITING = (ClaimStatus.CLAIMED, ClaimStatus.QUESTION, ClaimStatus.APPROVED)
COUNTED = (ClaimStatus.APPROVED, ClaimStatus.PAID)
# Kept for the accounts (HMRC asks charities to keep six years), then purged.
CLAIMS_KEPT_DAYS = 6 * 365


# -- what expenses tell people (drawn by handlers/blocks/expenses.py) --------------------------
class ClaimToCoordinators(Notice):
    """A claim, to each coordinator but the person claiming, with Approve / Ask a question;
    every copy is redrawn as the claim moves on. `to`: the coordinator the copy went to, so a
    copy is drawn in full only while they still coordinate (None: a copy from before copies
    named their recipient)."""

    kind = "expenses.claim"
    identity = ("claim_id",)
    claim_id: int
    to: str | None = None


class ClaimQuestion(Notice):
    """A coordinator's question, to the person who claimed, with an Answer button."""

    kind = "expenses.question"
    identity = ("claim_id",)
    claim_id: int
    asked_at: datetime


class ClaimAnswered(Notice):
    """The person's answer, to the coordinator who asked."""

    kind = "expenses.answered"
    claim_id: int
    answered_at: datetime


class ClaimOutcome(Notice):
    """Approved, then paid: to the person who claimed."""

    kind = "expenses.outcome"
    claim_id: int
    status: ClaimStatus


class YearlyAmountNote(Notice):
    """The person's fees this tax year have reached a share of the yearly amount: to them."""

    kind = "expenses.yearly"
    member_id: int
    tax_year: int
    share: int


class YearlyAmountForCoordinators(Notice):
    """The same, to each coordinator (never the person themselves)."""

    kind = "expenses.yearly-coordinators"
    member_id: int
    tax_year: int
    share: int


class InvalidClaim(NeedsChanges):
    """A claim, question or answer that needs changes, by field."""


class ClaimGone(LookupError):
    """No such claim for this person (any more), or nothing left to answer."""


class OwnClaim(Exception):
    """A coordinator acting on their own claim: another coordinator decides it."""


class FeeNoLongerFits(Exception):
    """A fee claim that no longer fits the fee as agreed now (the person's payment choice, or
    the amount they take, changed since, or other fee claims were approved first)."""


@dataclass(frozen=True)
class WorkChoice:
    """A piece of work someone agreed to, as the claim form lists it."""

    involvement_id: int
    title: str


@dataclass(frozen=True)
class ClaimView:
    """A claim as the person and coordinators see it (amounts included: nobody else does)."""

    id: int
    member_id: int
    claimant_name: str
    claimant_slack_id: str | None
    opportunity_title: str
    kind: ClaimKind
    amount_pence: int
    what: str
    status: ClaimStatus
    question: str
    answer: str
    decided_by: str | None
    claimed_at: datetime
    payment_choice: PaymentChoice | None

    @property
    def amount(self) -> str:
        return pounds(self.amount_pence)


@dataclass(frozen=True)
class YearlyView:
    """A person's fees in one tax year against the yearly amount."""

    member_name: str
    member_slack_id: str | None
    share: int
    counted_pence: int   # approved or paid
    waiting_pence: int   # claimed, not yet approved
    alert_pence: int
    first_day: date
    advice: str


@dataclass(frozen=True)
class FinanceRow:
    """One line of the finance export."""

    claim: ClaimView
    approved_by: str


class ExpensesService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings

    # -- the person claiming --------------------------------------------------------------------
    def claim_choices(self, slack_user_id: str) -> list[WorkChoice]:
        """The work this person agreed to (accepted, whatever has happened since)."""
        with self.sessions() as session:
            member = _member(session, slack_user_id)
            return [WorkChoice(i.id, i.opportunity.title) for i in _agreed_work(session, member)]

    def claim(self, slack_user_id: str, form: ClaimForm,
              words: ClaimErrors = STANDARD_CLAIM_ERRORS) -> ClaimView:
        """Checks the claim against the work agreed, records it and tells the coordinators.
        InvalidClaim says what needs changing in `words` (the form's reading style)."""
        now = self.clock()
        with self.sessions.begin() as session:
            member = _member(session, slack_user_id)
            # Locked before the fee left is worked out: two claims at once can't both take it.
            involvement = (_agreed(session, member, form.involvement_id)
                           if form.involvement_id is not None else None)
            if form.involvement_id is not None and involvement is None:
                raise InvalidClaim({ClaimField.INVOLVEMENT: words.not_listed_work})
            fee = _fee_room(session, involvement) if involvement else FeeRoom(None)
            errors = check_claim(form, fee, words)
            if errors:
                raise InvalidClaim({str(k): v for k, v in errors.items()})
            assert involvement is not None and form.kind is not None  # checked above
            claim = ExpenseClaim(involvement_id=involvement.id, kind=form.kind,
                                 amount_pence=claimed_pence(form, fee) or 0,
                                 what=form.what.strip(), status=ClaimStatus.CLAIMED,
                                 claimed_at=now)
            session.add(claim)
            session.flush()
            book = NoticeBook(session, now)
            coordinators = _coordinators_for(session, member)
            for slack_id in coordinators:
                book.to_slack_user(slack_id, ClaimToCoordinators(claim_id=claim.id, to=slack_id),
                                   about=[member.id])
            if not coordinators:
                log.warning("claim %d has no coordinator to go to", claim.id)
            if claim.kind is ClaimKind.FEE:
                self._yearly(session, book, member, claim, adding=claim.amount_pence)
            log.info("claim %d made", claim.id)
            return _view(claim, involvement)

    def question_for(self, claim_id: int, slack_user_id: str) -> ClaimView:
        """The claim whose question this person is answering; ClaimGone for anyone else's, or
        once there is nothing left to answer."""
        with self.sessions() as session:
            claim, work = _claim(session, claim_id)
            if work.member.slack_user_id != slack_user_id or \
                    claim.status is not ClaimStatus.QUESTION:
                raise ClaimGone(claim_id)
            return _view(claim, work)

    def answer(self, claim_id: int, slack_user_id: str, words: str) -> ClaimView:
        """The person's answer: the claim waits for a coordinator again, and the one who asked
        (or, if they no longer coordinate, every coordinator) hears it."""
        answer = _checked_words(words, "answer")
        now = self.clock()
        with self.sessions.begin() as session:
            claim, work = _claim(session, claim_id, lock=True)
            step = claim_step(claim.status, ClaimStatus.CLAIMED)
            if work.member.slack_user_id != slack_user_id or step is None:
                raise ClaimGone(claim_id)
            claim.status, claim.answer = step, answer
            session.flush()
            book = NoticeBook(session, now)
            _redraw(book, claim, f"answered@{now.isoformat()}", question=True)
            asker = claim.decided_by
            to = ([asker] if asker and is_coordinator(session, asker)
                  else _coordinators_for(session, work.member))
            for slack_id in to:
                book.to_slack_user(slack_id, ClaimAnswered(claim_id=claim.id, answered_at=now),
                                   about=[work.member_id])
            log.info("claim %d answered", claim.id)
            return _view(claim, work)

    # -- coordinators ---------------------------------------------------------------------------
    def claim_for_coordinator(self, claim_id: int, actor: str) -> ClaimView:
        """A claim a coordinator is about to act on (asking a question opens a form first)."""
        with self.sessions() as session:
            return _view(*self._for_coordinator(session, claim_id, actor))

    def decide(self, claim_id: int, actor: str, to: ClaimStatus) -> ClaimView:
        """Approve a claim, or mark an approved one paid (in Slack: finance pays from the
        export, and a coordinator marks it here so the person hears)."""
        if to not in COUNTED:
            raise ValueError(f"a decision is approved or paid, not {to.value}")
        return self._step(claim_id, actor, to)

    def ask(self, claim_id: int, actor: str, question: str) -> ClaimView:
        return self._step(claim_id, actor, ClaimStatus.QUESTION,
                          question=_checked_words(question, "question"))

    def _step(self, claim_id: int, actor: str, to: ClaimStatus, question: str = "") -> ClaimView:
        """A coordinator's step; every coordinator's copy is redrawn and the person is told. A
        step that changes nothing (approving twice) tells nobody. A fee claim is approved only
        while it still fits the fee (FeeNoLongerFits otherwise)."""
        now = self.clock()
        with self.sessions.begin() as session:
            # The claim is locked first: approving and asking at once, one waits for the other.
            claim, work = self._for_coordinator(session, claim_id, actor, lock=True)
            step = claim_step(claim.status, to)
            if step is None:
                return _view(claim, work)
            if step is ClaimStatus.APPROVED and claim.kind is ClaimKind.FEE:
                session.refresh(work, with_for_update=True)
                if not fee_fits(_fee_room(session, work, counted_only=True, besides=claim.id),
                                claim.amount_pence):
                    raise FeeNoLongerFits(claim_id)
            claim.status = step
            if step is not ClaimStatus.PAID:
                # Who asked (their answer goes back to them), then who approved.
                claim.decided_by, claim.decided_at = actor, now
            if step is ClaimStatus.QUESTION:
                claim.question, claim.answer = question, ""
            session.flush()
            book = NoticeBook(session, now)
            _redraw(book, claim, f"{step.value}@{now.isoformat()}",
                    question=step is not ClaimStatus.QUESTION)
            person = work.member.slack_user_id
            notice: Notice = (ClaimQuestion(claim_id=claim.id, asked_at=now)
                              if step is ClaimStatus.QUESTION
                              else ClaimOutcome(claim_id=claim.id, status=step))
            if person:
                book.to_slack_user(person, notice)
            if step is ClaimStatus.APPROVED and claim.kind is ClaimKind.FEE:
                self._yearly(session, book, work.member, claim, adding=0)
            log.info("claim %d: %s", claim.id, step.value)
            return _view(claim, work)

    def _for_coordinator(self, session: Session, claim_id: int, actor: str,
                         lock: bool = False) -> tuple[ExpenseClaim, Involvement]:
        """Only a coordinator (now) may act on a claim, and never on their own."""
        require_coordinator(session, actor)
        claim, work = _claim(session, claim_id, lock=lock)
        if work.member.slack_user_id == actor:
            raise OwnClaim(claim_id)
        return claim, work

    def waiting_for(self, actor: str, limit: int = 20) -> tuple[list[ClaimView], int]:
        """Claims waiting for a coordinator or for payment (not their own), oldest first, and
        how many there are in all."""
        with self.sessions() as session:
            me = require_coordinator(session, actor)
            found = session.execute(
                select(ExpenseClaim, Involvement)
                .join(Involvement, Involvement.id == ExpenseClaim.involvement_id)
                .where(ExpenseClaim.status.in_(WAITING))
                .where(Involvement.member_id != me.id)
                .order_by(ExpenseClaim.claimed_at, ExpenseClaim.id)).all()
            return [_view(c, w) for c, w in found[:limit]], len(found)

    # -- the yearly amount ----------------------------------------------------------------------
    def _yearly(self, session: Session, book: NoticeBook, member: Member, claim: ExpenseClaim,
                *, adding: int) -> None:
        """Tells the person and the coordinators, once for each share of the yearly amount
        (80%, 100%) the fees approved or paid in the claim's tax year go over. `adding`: a
        fee just claimed, counted as if approved."""
        alert = self.settings.coprod_yearly_payments_alert
        if not alert:
            return
        year = tax_year_of(claim.claimed_at.astimezone(self.settings.timezone).date())
        counted = self._fees(session, member.id, year, COUNTED) + adding
        before = counted - claim.amount_pence
        for share in thresholds_crossed(before, counted, round(alert * 100)):
            if member.slack_user_id:
                book.to_slack_user(member.slack_user_id,
                                   YearlyAmountNote(member_id=member.id, tax_year=year,
                                                    share=share))
            for slack_id in _coordinators_for(session, member):
                book.to_slack_user(slack_id, YearlyAmountForCoordinators(
                    member_id=member.id, tax_year=year, share=share), about=[member.id])
            log.info("member %d reached %d%% of the yearly amount", member.id, share)

    def _fees(self, session: Session, member_id: int, year: int,
              statuses: Collection[ClaimStatus]) -> int:
        first, after = (datetime.combine(d, time.min, tzinfo=self.settings.timezone)
                        for d in tax_year_days(year))
        return int(session.scalar(
            select(func.coalesce(func.sum(ExpenseClaim.amount_pence), 0))
            .join(Involvement, Involvement.id == ExpenseClaim.involvement_id)
            .where(Involvement.member_id == member_id)
            .where(ExpenseClaim.kind == ClaimKind.FEE)
            .where(ExpenseClaim.status.in_(list(statuses)))
            .where(ExpenseClaim.claimed_at >= first, ExpenseClaim.claimed_at < after)) or 0)

    # -- for drawing notices, and for finance -------------------------------------------------
    def claim_view(self, claim_id: int) -> ClaimView:
        """The claim as its notices show it now; NoticeGone once it is erased or purged."""
        with self.sessions() as session:
            try:
                return _view(*_claim(session, claim_id))
            except ClaimGone as gone:
                raise NoticeGone(claim_id) from gone

    def claim_view_for(self, claim_id: int, coordinator: str | None) -> ClaimView | None:
        """The claim as a coordinator's copy shows it now; None once the copy's recipient no
        longer coordinates (a copy naming nobody is drawn as it always was)."""
        if coordinator is not None:
            with self.sessions() as session:
                if not is_coordinator(session, coordinator):
                    return None
        return self.claim_view(claim_id)

    def yearly_view(self, member_id: int, tax_year: int, share: int) -> YearlyView:
        with self.sessions() as session:
            member = MemberRepository(session).get(member_id)
            alert = self.settings.coprod_yearly_payments_alert
            if member is None or not alert:
                raise NoticeGone(member_id)
            return YearlyView(
                member.name, member.slack_user_id, share,
                self._fees(session, member_id, tax_year, COUNTED),
                self._fees(session, member_id, tax_year,
                            (ClaimStatus.CLAIMED, ClaimStatus.QUESTION)),
                round(alert * 100), tax_year_days(tax_year)[0],
                self.settings.coprod_welfare_rights_advice)

    def finance_rows(self, start: datetime | None, end: datetime,
                     statuses: Collection[ClaimStatus]) -> list[FinanceRow]:
        """Claims made in [start, end) (before `end`, with no start) with these statuses,
        oldest first, with who approved each (by name, when they are still in the
        directory)."""
        with self.sessions() as session:
            query = (select(ExpenseClaim, Involvement)
                     .join(Involvement, Involvement.id == ExpenseClaim.involvement_id)
                     .where(ExpenseClaim.status.in_(list(statuses)))
                     .where(ExpenseClaim.claimed_at < end)
                     .order_by(ExpenseClaim.claimed_at, ExpenseClaim.id))
            if start is not None:
                query = query.where(ExpenseClaim.claimed_at >= start)
            found = session.execute(query).all()
            members = MemberRepository(session)
            rows = []
            for claim, work in found:
                approver = (members.get_by_slack_id(claim.decided_by)
                            if claim.decided_by and claim.status in COUNTED else None)
                rows.append(FinanceRow(_view(claim, work), approver.name if approver else ""))
            return rows


def _member(session: Session, slack_user_id: str) -> Member:
    member = MemberRepository(session).get_by_slack_id(slack_user_id)
    if member is None:
        raise NotAllowed(Role.MEMBER)
    return member


def _agreed_work(session: Session, member: Member) -> Sequence[Involvement]:
    """Work this member accepted: claims can follow it, paused, withdrawn or ended as well."""
    return session.scalars(
        select(Involvement).where(Involvement.member_id == member.id)
        .where(Involvement.accepted_at.is_not(None))
        .order_by(Involvement.accepted_at.desc(), Involvement.id.desc()).limit(100)).all()


def _agreed(session: Session, member: Member, involvement_id: int) -> Involvement | None:
    """Work this member accepted, locked for the rest of the transaction; None for anyone
    else's, or work never accepted."""
    work = session.get(Involvement, involvement_id, with_for_update=True)
    if work is None or work.member_id != member.id or work.accepted_at is None:
        return None
    return work


def _fee_room(session: Session, work: Involvement, *, counted_only: bool = False,
              besides: int | None = None) -> FeeRoom:
    """The fee left once the fee claims for this work are counted: every one (as a claim is
    made), or the approved and paid ones but `besides` (as it is approved)."""
    query = (select(func.coalesce(func.sum(ExpenseClaim.amount_pence), 0))
             .where(ExpenseClaim.involvement_id == work.id)
             .where(ExpenseClaim.kind == ClaimKind.FEE))
    if counted_only:
        query = query.where(ExpenseClaim.status.in_(COUNTED))
    if besides is not None:
        query = query.where(ExpenseClaim.id != besides)
    claimed = session.scalar(query) or 0
    return fee_room(work.opportunity.recompense, work.opportunity.amount_pence,
                    work.payment_choice, work.amount_taken_pence, int(claimed))


def _claim(session: Session, claim_id: int,
           lock: bool = False) -> tuple[ExpenseClaim, Involvement]:
    claim = session.get(ExpenseClaim, claim_id, with_for_update=lock or None)
    work = session.get(Involvement, claim.involvement_id) if claim else None
    if claim is None or work is None:
        raise ClaimGone(claim_id)
    return claim, work


def _coordinators_for(session: Session, member: Member) -> list[str]:
    """Every coordinator's Slack id but the person's own."""
    return sorted(m.slack_user_id for m in MemberRepository(session).list_with_role(
        Role.COORDINATOR) if m.slack_user_id and m.id != member.id)


def _checked_words(words: str, field: str) -> str:
    cleaned = words.strip()
    if not cleaned:
        raise InvalidClaim({field: f"Please write your {field}."})
    if len(cleaned) > QUESTION_MAX:
        raise InvalidClaim({field: f"Please keep it to {QUESTION_MAX} characters."})
    return cleaned


def _redraw(book: NoticeBook, claim: ExpenseClaim, version: str, *, question: bool) -> None:
    """Every coordinator's copy shows the claim as it is now; so does each question the person
    was sent, once it is answered or the claim has moved on (its Answer button goes)."""
    book.redraw(ClaimToCoordinators(claim_id=claim.id), version)
    if question:
        book.redraw(ClaimQuestion(claim_id=claim.id, asked_at=book.now), version)


def _view(claim: ExpenseClaim, work: Involvement) -> ClaimView:
    return ClaimView(
        id=claim.id, member_id=work.member_id, claimant_name=work.member.name,
        claimant_slack_id=work.member.slack_user_id, opportunity_title=work.opportunity.title,
        kind=claim.kind, amount_pence=claim.amount_pence, what=claim.what, status=claim.status,
        question=claim.question, answer=claim.answer, decided_by=claim.decided_by,
        claimed_at=claim.claimed_at, payment_choice=work.payment_choice)


# -- personal data: export, erasure, retention ---------------------------------------------------
def _theirs(person: Person) -> Any:
    return select(Involvement.id).where(Involvement.member_id == person.member_id)


def _export(session: Session, person: Person) -> dict[str, Any]:
    found = session.execute(
        select(ExpenseClaim, Involvement)
        .join(Involvement, Involvement.id == ExpenseClaim.involvement_id)
        .where(Involvement.member_id == person.member_id)
        .order_by(ExpenseClaim.claimed_at)).all()
    return {"expense_claims": [
        {"claim": c.id, "for": w.opportunity.title, "kind": c.kind.value,
         "amount": pounds(c.amount_pence), "what_for": c.what, "status": c.status.value,
         "claimed": iso(c.claimed_at), "question": c.question, "your_answer": c.answer}
        for c, w in found]}


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    removed = {"expense claims": rows_changed(session, delete(ExpenseClaim).where(
        ExpenseClaim.involvement_id.in_(_theirs(person))))}
    if person.slack_user_id:
        # A coordinator who asked about or approved others' claims: the claims stay (they are
        # the others'), without who decided them.
        removed["claims decided"] = rows_changed(session, update(ExpenseClaim).where(
            ExpenseClaim.decided_by == person.slack_user_id).values(decided_by=None))
    return removed


def _purge(session: Session, periods: Periods) -> dict[str, int]:
    kept_days = periods.days.get("expenses", CLAIMS_KEPT_DAYS)
    return {"expense claims": rows_changed(session, delete(ExpenseClaim).where(
        ExpenseClaim.claimed_at < periods.now - timedelta(days=kept_days)))}


PERSONAL_DATA = PersonalData(
    area="expenses",
    tables=("expense_claims",),
    export=_export, erase=_erase, purge=_purge,
    kept="Claims go when their person is erased, so finance's record is the CSV from `coprod "
         "involvement export`: run it before erasing someone with approved or paid claims, "
         "and keep it with the accounts for six years, as HMRC asks charities to. Claims "
         "still here are purged six years after they were made.",
)
