"""Expenses and payments driven as Slack drives them: /involve claim, the coordinators' card
(approve, ask a question, mark paid), the person's answer, and the kind note as a yearly total
nears the amount set. Amounts reach only the person and coordinators."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import ORMExecuteState

from bot.app import create_app
from bot.config import Settings
from bot.rules.communication import Reading
from bot.rules.expenses import (
    EASY_READ_CLAIM_ERRORS,
    STANDARD_CLAIM_ERRORS,
    ClaimErrors,
    NoFee,
)
from bot.rules.involvement import (
    ClaimStatus,
    InvolvementStatus,
    OpportunityKind,
    OpportunityStatus,
    PaymentChoice,
    Recompense,
)
from bot.wiring import Runtime, build_runtime
from handlers.ids import ActionId, BlockId
from storage.models import ExpenseClaim, Involvement, Opportunity, OutboxChannel, OutboxMessage
from storage.repositories import MemberRepository
from tests.conftest import START, FakeClock, LogRecorder, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.samples.reading import (
    EASY_READ_LONGEST_SENTENCE,
    EASY_READ_TARGET,
    plain_lines,
    score,
)

COORDINATOR = "U0COORD01"
FACILITATOR = "U0FACIL02"
MEMBER = "U0MEMBR06"
SECOND_COORDINATOR = "U0COORD09"


def dumped(value: Any) -> str:
    """As JSON, with £ as itself (json.dumps would write \\u00a3)."""
    return json.dumps(value, ensure_ascii=False)


def agreed_work(runtime: Runtime, slack_id: str, *, title: str = "Interview panel",
                recompense: Recompense = Recompense.FEE, fee_pence: int | None = 5000,
                choice: PaymentChoice | None = PaymentChoice.TAKE,
                taken_pence: int | None = None) -> int:
    """An opportunity, and this person's accepted involvement in it (as E's offer flow leaves
    them), set up as rows."""
    with runtime.sessions.begin() as session:
        member = MemberRepository(session).get_by_slack_id(slack_id)
        assert member is not None
        opportunity = Opportunity(
            kind=OpportunityKind.INTERVIEW_PANEL, title=title,
            purpose="Choose our next coordinator", expected="Read three applications",
            when_where="Hope Centre", time_needed="Half a day", recompense=recompense,
            amount_pence=fee_pence, status=OpportunityStatus.OPEN, created_by=COORDINATOR,
            created_at=START)
        session.add(opportunity)
        session.flush()
        involvement = Involvement(
            opportunity_id=opportunity.id, member_id=member.id,
            status=InvolvementStatus.ACCEPTED, agreement="The offer as accepted",
            offered_at=START, accepted_at=START, payment_choice=choice,
            amount_taken_pence=taken_pence, created_at=START, updated_at=START)
        session.add(involvement)
        session.flush()
        return involvement.id


@dataclass
class Claims:
    runtime: Runtime
    slack: SlackDriver
    clock: FakeClock

    @property
    def fake(self) -> FakeSlack:
        return self.slack.fake

    def deliver(self) -> None:
        self.runtime.dispatcher().deliver_due()

    def dms(self, user: str) -> list[dict[str, Any]]:
        return [c.params for c in self.fake.calls_to("chat.postMessage")
                if c.params["channel"] == user]

    def claim(self, user: str, work: int, kind: str = "expenses", amount: str = "12.50",
              what: str | None = "Bus fares to the Hope Centre") -> dict[str, Any]:
        """Fills and sends the claim form; the app's answer (an update or field errors)."""
        response = self.slack.command("/involve", "claim", user_id=user)
        assert response.status == 200
        form = self.slack.opened_view()
        answers: dict[str, Any] = {BlockId.CL_WORK: str(work), BlockId.CL_KIND: kind,
                                   BlockId.CL_AMOUNT: amount}
        if what is not None:
            answers[BlockId.CL_WHAT] = what
        sent = self.slack.submit(form, answers, user_id=user)
        assert sent.status == 200
        return json.loads(sent.body) if sent.body else {}

    def card(self, user: str = COORDINATOR) -> dict[str, Any]:
        """The last claim card a coordinator was sent."""
        return [m for m in self.dms(user) if ActionId.CLAIM_APPROVE in dumped(m)
                or "Claim #" in dumped(m)][-1]

    def status(self) -> list[ClaimStatus]:
        with self.runtime.sessions() as session:
            return [c.status for c in session.scalars(
                select(ExpenseClaim).order_by(ExpenseClaim.id))]

    def updates(self) -> list[str]:
        return [dumped(c.params.get("blocks")) for c in self.fake.calls_to("chat.update")]


@pytest.fixture
def claims(members: Runtime, slack: SlackDriver, clock: FakeClock) -> Claims:
    return Claims(members, slack, clock)


def with_yearly_amount(settings: Settings, members: Runtime, clock: FakeClock,
                       fake_slack: FakeSlack, pounds: float) -> Claims:
    changed = settings.model_copy(update={"coprod_yearly_payments_alert": pounds})
    runtime = build_runtime(changed, engine=members.engine, clock=clock, sms=members.sms)
    app = create_app(changed, runtime.services, client=runtime.client)
    return Claims(runtime, SlackDriver(app, fake_slack), clock)


# -- the claim form ------------------------------------------------------------------------------
def test_someone_with_no_agreed_work_is_told_kindly(claims: Claims) -> None:
    answer = claims.slack.text_of(claims.slack.command("/involve", "claim", user_id=MEMBER))
    assert "no agreed work to claim for yet" in answer
    assert claims.fake.calls_to("views.open") == []


@pytest.mark.parametrize(
    ("changes", "block", "words"),
    [
        ({"amount": ""}, BlockId.CL_AMOUNT, "pounds and pence, like 12.50"),
        ({"amount": "twelve"}, BlockId.CL_AMOUNT, "pounds and pence, like 12.50"),
        ({"amount": "-5"}, BlockId.CL_AMOUNT, "pounds and pence"),
        ({"amount": "12.505"}, BlockId.CL_AMOUNT, "pounds and pence"),
        ({"amount": "0.00"}, BlockId.CL_AMOUNT, "more than £0"),
        ({"amount": "1000.01"}, BlockId.CL_AMOUNT, "One claim can be up to £1,000.00"),
        # A forged form: no amount, never a failure (int() refuses thousands of digits).
        ({"amount": "9" * 5000}, BlockId.CL_AMOUNT, "pounds and pence, like 12.50"),
        ({"amount": "12345678"}, BlockId.CL_AMOUNT, "pounds and pence, like 12.50"),
        ({"what": None}, BlockId.CL_WHAT, "what the expenses were for"),
        ({"what": "   "}, BlockId.CL_WHAT, "what the expenses were for"),
        ({"kind": "fee", "amount": "50.01"}, BlockId.CL_AMOUNT,
         "more than the fee agreed: £50.00 is left"),
    ],
)
def test_a_claim_with_mistakes_gets_field_errors_and_nothing_is_stored(
    claims: Claims, changes: dict[str, Any], block: str, words: str
) -> None:
    work = agreed_work(claims.runtime, MEMBER)
    answer = claims.claim(MEMBER, work, **changes)
    assert answer["response_action"] == "errors"
    assert words in answer["errors"][block]
    assert claims.status() == []


def test_a_fee_can_only_be_claimed_as_agreed(claims: Claims) -> None:
    expenses_only = agreed_work(claims.runtime, MEMBER, title="Consultation",
                                recompense=Recompense.EXPENSES_ONLY, fee_pence=None)
    answer = claims.claim(MEMBER, expenses_only, kind="fee", amount="10")
    assert "no fee agreed for this one" in answer["errors"][BlockId.CL_KIND]

    declined = agreed_work(claims.runtime, MEMBER, title="Training day",
                           choice=PaymentChoice.DECLINE)
    answer = claims.claim(MEMBER, declined, kind="fee", amount="10")
    assert "chose not to take the fee" in answer["errors"][BlockId.CL_KIND]

    less = agreed_work(claims.runtime, MEMBER, title="Speaking", choice=PaymentChoice.TAKE_LESS,
                       taken_pence=2000)
    answer = claims.claim(MEMBER, less, kind="fee", amount="20.01")
    assert "£20.00 is left to claim" in answer["errors"][BlockId.CL_AMOUNT]
    assert claims.claim(MEMBER, less, kind="fee", amount="20")["response_action"] == "update"
    answer = claims.claim(MEMBER, less, kind="fee", amount="1")
    assert "already been claimed" in answer["errors"][BlockId.CL_KIND]
    assert claims.status() == [ClaimStatus.CLAIMED]


@pytest.mark.parametrize(
    ("choice", "words"),
    [
        (None, "Please choose what you'd like to do with the fee first: take it, take less"),
        (PaymentChoice.DONATE, "donated to the charity, so there's no fee to claim"),
    ],
)
def test_a_fee_needs_a_choice_to_take_it(claims: Claims, choice: PaymentChoice | None,
                                         words: str) -> None:
    work = agreed_work(claims.runtime, MEMBER, choice=choice)
    answer = claims.claim(MEMBER, work, kind="fee", amount="10")
    assert words in answer["errors"][BlockId.CL_KIND]
    assert claims.status() == []
    # Expenses need no choice about the fee.
    assert claims.claim(MEMBER, work)["response_action"] == "update"


def set_choice(runtime: Runtime, work: int, choice: PaymentChoice,
               taken_pence: int | None = None) -> None:
    with runtime.sessions.begin() as session:
        session.execute(update(Involvement).where(Involvement.id == work).values(
            payment_choice=choice, amount_taken_pence=taken_pence))


def test_a_fee_claim_that_no_longer_fits_is_not_approved(claims: Claims) -> None:
    work = agreed_work(claims.runtime, MEMBER)  # £50, taken in full
    claims.claim(MEMBER, work, kind="fee", amount="30")
    claims.claim(MEMBER, work, kind="fee", amount="20")
    claims.deliver()
    first, second = [m for m in claims.dms(COORDINATOR) if "Claim #" in dumped(m)]
    # Since they claimed, they chose to take less: £40.
    set_choice(claims.runtime, work, PaymentChoice.TAKE_LESS, 4000)
    claims.slack.click(first, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    assert claims.status() == [ClaimStatus.APPROVED, ClaimStatus.CLAIMED]
    claims.slack.click(second, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    refusal = claims.fake.responses[-1].params
    assert refusal["replace_original"] is False
    assert "more than is left of the fee as agreed now" in refusal["text"]
    assert claims.status() == [ClaimStatus.APPROVED, ClaimStatus.CLAIMED]
    # Donated after all: nothing is left to approve.
    set_choice(claims.runtime, work, PaymentChoice.DONATE)
    claims.slack.click(second, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    assert claims.status() == [ClaimStatus.APPROVED, ClaimStatus.CLAIMED]
    claims.deliver()
    assert len([m for m in claims.dms(MEMBER) if "approved" in m["text"]]) == 1  # the first


@contextmanager
def locks_taken(runtime: Runtime) -> Iterator[list[str]]:
    """The tables read FOR UPDATE, in order, as PostgreSQL would be asked (SQLite locks the
    whole database for a write, so the statements are what can be checked here)."""
    taken: list[str] = []

    def note(state: ORMExecuteState) -> None:
        if not state.is_select:
            return
        sql = str(state.statement.compile(dialect=postgresql.dialect()))
        if "FOR UPDATE" in sql:
            taken.append(sql.split("FROM", 1)[1].split()[0])

    event.listen(runtime.sessions, "do_orm_execute", note)
    try:
        yield taken
    finally:
        event.remove(runtime.sessions, "do_orm_execute", note)


def test_the_work_and_the_claim_are_locked_before_they_are_decided_on(claims: Claims) -> None:
    work = agreed_work(claims.runtime, MEMBER)
    with locks_taken(claims.runtime) as taken:
        claims.claim(MEMBER, work, kind="fee", amount="")
    assert taken == ["involvements"]  # before the fee left is worked out
    claims.deliver()
    with locks_taken(claims.runtime) as taken:
        claims.slack.click(claims.card(), ActionId.CLAIM_ASK, user_id=COORDINATOR)
        claims.slack.submit(claims.slack.opened_view(),
                            {BlockId.CL_QUESTION: "Which day was it?"}, user_id=COORDINATOR)
    assert taken == ["expense_claims"]
    claims.deliver()
    with locks_taken(claims.runtime) as taken:
        claims.slack.click(claims.card(), ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    assert taken == ["expense_claims", "involvements"]  # the claim first, always
    assert claims.status() == [ClaimStatus.APPROVED]


def test_the_agreed_fee_with_the_amount_left_empty_claims_all_that_is_left(
    claims: Claims
) -> None:
    less = agreed_work(claims.runtime, MEMBER, title="Speaking", choice=PaymentChoice.TAKE_LESS,
                       taken_pence=2000)
    assert claims.claim(MEMBER, less, kind="fee", amount="")["response_action"] == "update"
    with claims.runtime.sessions() as session:
        assert session.scalars(select(ExpenseClaim.amount_pence)).all() == [2000]
    # Expenses still need an amount.
    answer = claims.claim(MEMBER, less, kind="expenses", amount="")
    assert BlockId.CL_AMOUNT in answer["errors"]


def test_work_that_is_not_yours_cannot_be_claimed_for(claims: Claims) -> None:
    agreed_work(claims.runtime, MEMBER)
    bram_s = agreed_work(claims.runtime, FACILITATOR, title="Bram's panel")
    response = claims.slack.command("/involve", "claim", user_id=MEMBER)
    assert response.status == 200
    form = claims.slack.opened_view()
    offered = dumped(form["blocks"])
    assert "Bram's panel" not in offered and "Interview panel" in offered
    # A form sent back with someone else's work in it (Slack would never do this).
    form["blocks"][1]["element"]["options"].append(
        {"text": {"type": "plain_text", "text": "x"}, "value": str(bram_s)})
    sent = claims.slack.submit(form, {BlockId.CL_WORK: str(bram_s), BlockId.CL_KIND: "expenses",
                                      BlockId.CL_AMOUNT: "5", BlockId.CL_WHAT: "Tea"},
                               user_id=MEMBER)
    assert "choose work from the list" in json.loads(sent.body)["errors"][BlockId.CL_WORK]
    assert claims.status() == []


# -- coordinators ------------------------------------------------------------------------------
def test_a_claim_reaches_the_coordinators_who_approve_it_and_mark_it_paid(
    claims: Claims, log_lines: LogRecorder
) -> None:
    work = agreed_work(claims.runtime, MEMBER)
    sent = claims.claim(MEMBER, work)
    assert "£12.50" in dumped(sent["view"]) and "gone to the coordinators" in dumped(
        sent["view"])
    claims.deliver()
    card = claims.card()
    shown = dumped(card["blocks"])
    assert "£12.50" in shown and "Bus fares to the Hope Centre" in shown
    assert "£" not in card["text"]  # what a notification shows on a locked phone
    assert claims.dms(MEMBER) == []  # nothing to tell the person yet

    claims.slack.click(card, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    redrawn = dumped(claims.fake.responses[-1].params["blocks"])
    assert f"approved by <@{COORDINATOR}>" in redrawn and ActionId.CLAIM_PAID in redrawn
    claims.deliver()
    [approved] = claims.dms(MEMBER)
    assert "approved" in approved["text"] and "£" not in approved["text"]
    assert "£12.50" in dumped(approved["blocks"])
    assert claims.status() == [ClaimStatus.APPROVED]

    told = len(claims.dms(MEMBER))
    claims.slack.click(card, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)  # a stale button
    claims.deliver()
    assert len(claims.dms(MEMBER)) == told  # approving twice tells nobody twice

    claims.slack.click(claims.fake.responses[-1].params, ActionId.CLAIM_PAID,
                       user_id=COORDINATOR)
    claims.deliver()
    assert "has been paid" in claims.dms(MEMBER)[-1]["text"]
    assert claims.status() == [ClaimStatus.PAID]
    assert any("Paid" in u for u in claims.updates())  # the card in the DM, drawn again
    assert not [line for line in log_lines.lines if "12.50" in line or "£" in line]


def test_a_question_reaches_the_person_and_their_answer_comes_back(claims: Claims) -> None:
    work = agreed_work(claims.runtime, MEMBER)
    claims.claim(MEMBER, work)
    claims.deliver()
    claims.slack.click(claims.card(), ActionId.CLAIM_ASK, user_id=COORDINATOR)
    form = claims.slack.opened_view()
    assert "£12.50" in dumped(form["blocks"])
    empty = claims.slack.submit(form, {BlockId.CL_QUESTION: "  "}, user_id=COORDINATOR)
    assert "write your question" in json.loads(empty.body)["errors"][BlockId.CL_QUESTION]
    claims.slack.submit({**form, "id": "V0QUESTION"},
                        {BlockId.CL_QUESTION: "Was that a return ticket?"},
                        user_id=COORDINATOR)
    claims.deliver()
    [question] = claims.dms(MEMBER)
    assert "Was that a return ticket?" in dumped(question["blocks"])
    assert claims.status() == [ClaimStatus.QUESTION]
    card_now = claims.updates()[-1]
    assert ActionId.CLAIM_ASK not in card_now and "Was that a return ticket?" in card_now

    # Only the person can answer it.
    claims.slack.click(question, ActionId.CLAIM_ANSWER, user_id=FACILITATOR)
    assert "nothing more is needed" in claims.fake.responses[-1].params["text"]
    claims.slack.click(question, ActionId.CLAIM_ANSWER, user_id=MEMBER)
    answer_form = claims.slack.opened_view()
    assert "Was that a return ticket?" in dumped(answer_form["blocks"])
    claims.clock.advance(minutes=5)
    claims.slack.submit({**answer_form, "id": "V0ANSWER"},
                        {BlockId.CL_ANSWER: "Yes, there and back"}, user_id=MEMBER)
    claims.deliver()
    answered = claims.dms(COORDINATOR)[-1]
    assert "answered your question" in answered["text"]
    assert "Yes, there and back" in dumped(answered["blocks"])
    assert claims.status() == [ClaimStatus.CLAIMED]
    assert any(ActionId.CLAIM_ANSWER not in u and "Answered" in u for u in claims.updates())

    claims.slack.click(answered, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    claims.deliver()
    assert claims.status() == [ClaimStatus.APPROVED]
    assert "approved" in claims.dms(MEMBER)[-1]["text"]


def test_someone_who_is_not_a_coordinator_is_refused_and_sees_no_amount(
    claims: Claims
) -> None:
    work = agreed_work(claims.runtime, MEMBER)
    claims.claim(MEMBER, work)
    claims.deliver()
    card = claims.card()
    for action in (ActionId.CLAIM_APPROVE, ActionId.CLAIM_ASK):
        refused = claims.slack.click(card, action, user_id=FACILITATOR)
        assert refused.status == 200
        reply = claims.fake.responses[-1].params
        assert "Only a coordinator" in reply["text"] and "£" not in dumped(reply)
    assert len(claims.fake.calls_to("views.open")) == 1  # the claim form: no question form
    # The person themselves can't approve their own claim either.
    claims.slack.click(card, ActionId.CLAIM_APPROVE, user_id=MEMBER)
    assert claims.status() == [ClaimStatus.CLAIMED]

    listed = claims.slack.text_of(claims.slack.command("/involve", "claims",
                                                       user_id=FACILITATOR))
    assert "Only a coordinator" in listed and "£" not in listed
    mine = claims.slack.text_of(claims.slack.command("/involve", "claims", user_id=COORDINATOR))
    assert "£12.50" in mine and f"<@{MEMBER}>" in mine
    # Nobody but the person and the coordinator was sent anything; no text carried a claim.
    sent_to = {c.params["channel"] for c in claims.fake.calls_to("chat.postMessage")}
    assert sent_to <= {COORDINATOR, MEMBER}
    with claims.runtime.sessions() as session:
        texts = session.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == OutboxChannel.SMS)).all()
    assert texts == []


def test_a_copy_of_someone_no_longer_a_coordinator_is_redrawn_without_the_claim(
    claims: Claims
) -> None:
    claims.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        f"Ivy Stone,{SECOND_COORDINATOR},,coordinator,slack,no\n")
    work = agreed_work(claims.runtime, MEMBER)
    claims.claim(MEMBER, work)
    claims.deliver()
    assert "£12.50" in dumped(claims.card(COORDINATOR)["blocks"])
    claims.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        f"Ada Brightwater,{COORDINATOR},,facilitator,slack,no\n")
    claims.slack.click(claims.card(SECOND_COORDINATOR), ActionId.CLAIM_APPROVE,
                       user_id=SECOND_COORDINATOR)
    claims.deliver()
    redrawn = {c.params["channel"]: dumped(c.params) for c in claims.fake.calls_to("chat.update")}
    gone = redrawn["D" + COORDINATOR[1:]]
    assert "This is no longer yours to see." in gone
    assert "£12.50" not in gone and "Bus fares" not in gone
    kept = redrawn["D" + SECOND_COORDINATOR[1:]]
    assert "£12.50" in kept and f"approved by <@{SECOND_COORDINATOR}>" in kept


def test_a_coordinator_cannot_decide_their_own_claim(claims: Claims) -> None:
    claims.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Ivy Stone,U0COORD09,,coordinator,slack,no\n")
    work = agreed_work(claims.runtime, COORDINATOR)
    claims.claim(COORDINATOR, work)
    claims.deliver()
    assert claims.dms(COORDINATOR) == []  # it goes to the other coordinator
    card = claims.card(SECOND_COORDINATOR)
    claims.slack.click(card, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    assert "another coordinator needs to decide it" in claims.fake.responses[-1].params["text"]
    assert claims.status() == [ClaimStatus.CLAIMED]
    claims.slack.click(card, ActionId.CLAIM_APPROVE, user_id=SECOND_COORDINATOR)
    assert claims.status() == [ClaimStatus.APPROVED]


# -- the yearly amount -------------------------------------------------------------------------
def tax_year_notes(claims: Claims, user: str) -> list[dict[str, Any]]:
    return [m for m in claims.dms(user) if "tax year" in m["text"]]


def approve_every_card(claims: Claims) -> None:
    for card in [m for m in claims.dms(COORDINATOR) if "Claim #" in dumped(m)]:
        claims.slack.click(card, ActionId.CLAIM_APPROVE, user_id=COORDINATOR)


def test_the_yearly_note_comes_once_as_fees_reach_eighty_percent(
    settings: Settings, members: Runtime, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    claims = with_yearly_amount(settings, members, clock, fake_slack, pounds=100)
    first, second, third = (agreed_work(claims.runtime, MEMBER, title=f"Panel {n}")
                            for n in ("one", "two", "three"))
    claims.claim(MEMBER, first, kind="expenses", amount="90", what="Train fares")  # not a fee
    claims.claim(MEMBER, first, kind="fee", amount="50")
    claims.deliver()
    approve_every_card(claims)
    claims.deliver()
    assert tax_year_notes(claims, MEMBER) == [] and tax_year_notes(claims, COORDINATOR) == []

    claims.claim(MEMBER, second, kind="fee", amount="35")  # 85% once it's approved
    claims.deliver()
    [to_them] = tax_year_notes(claims, MEMBER)
    [to_coordinator] = tax_year_notes(claims, COORDINATOR)
    shown = dumped(to_them["blocks"])
    assert "Some benefits have limits on earnings" in shown
    assert "Citizens Advice" in shown and "Coprod can't give benefits advice" in shown
    assert "must" not in shown.lower()
    assert "£50.00 in fees this tax year (since 6 April 2026), with £35.00 more claimed" in shown
    assert "80% or more of the £100.00 yearly amount" in dumped(to_coordinator["blocks"])
    assert "£" not in to_them["text"] and "£" not in to_coordinator["text"]

    approve_every_card(claims)  # the same threshold, crossed again by approving: said once
    claims.claim(MEMBER, third, kind="fee", amount="10")  # 95%: the same threshold
    claims.deliver()
    assert len(tax_year_notes(claims, MEMBER)) == 1
    assert len(tax_year_notes(claims, COORDINATOR)) == 1
    assert claims.status() == [ClaimStatus.APPROVED] * 3 + [ClaimStatus.CLAIMED]


def test_an_approval_that_reaches_eighty_percent_brings_the_note(
    settings: Settings, members: Runtime, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    claims = with_yearly_amount(settings, members, clock, fake_slack, pounds=100)
    first, second = (agreed_work(claims.runtime, MEMBER, title=f"Panel {n}")
                     for n in ("one", "two"))
    claims.claim(MEMBER, first, kind="fee", amount="50")
    claims.claim(MEMBER, second, kind="fee", amount="35")  # neither approved: 35% counted
    claims.deliver()
    assert tax_year_notes(claims, MEMBER) == []
    approve_every_card(claims)
    claims.deliver()
    assert len(tax_year_notes(claims, MEMBER)) == 1
    assert len(tax_year_notes(claims, COORDINATOR)) == 1


def test_no_yearly_note_without_the_setting(claims: Claims) -> None:
    work = agreed_work(claims.runtime, MEMBER, fee_pence=100_000)
    claims.claim(MEMBER, work, kind="fee", amount="1000")
    claims.deliver()
    assert not [m for m in claims.dms(MEMBER) + claims.dms(COORDINATOR)
                if "tax year" in m["text"]]


# -- personal data -------------------------------------------------------------------------------
def test_the_person_gets_their_claims_and_erasure_takes_them(claims: Claims) -> None:
    work = agreed_work(claims.runtime, MEMBER)
    claims.claim(MEMBER, work)
    claims.deliver()
    claims.slack.click(claims.card(), ActionId.CLAIM_APPROVE, user_id=COORDINATOR)
    privacy = claims.runtime.services.privacy
    [mine] = privacy.my_data(MEMBER)["expense_claims"]
    assert mine["amount"] == "£12.50" and mine["what_for"] == "Bus fares to the Hope Centre"
    assert mine["status"] == "approved"
    assert privacy.my_data(FACILITATOR)["expense_claims"] == []

    # The coordinator who approved it is erased: the claim stays Fin's, without them.
    privacy.erase(COORDINATOR)
    with claims.runtime.sessions() as session:
        [claim] = session.scalars(select(ExpenseClaim)).all()
        assert claim.decided_by is None and claim.status is ClaimStatus.APPROVED
    privacy.erase(MEMBER)
    assert claims.status() == []


# -- the crisis line on everything a person reads here (found in the sandbox trial) ----------
def has_crisis_line(runtime: Runtime, shown_: Any) -> bool:
    words = dumped(shown_)
    return "999" in words and runtime.settings.coprod_crisis_line in words


@pytest.mark.parametrize("easy_read", [False, True])
def test_the_claim_form_and_its_sent_end_with_the_crisis_line(
    claims: Claims, easy_read: bool
) -> None:
    if easy_read:
        with claims.runtime.sessions.begin() as session:
            member = MemberRepository(session).get_by_slack_id(MEMBER)
            assert member is not None
            member.reading = Reading.EASY_READ
    work = agreed_work(claims.runtime, MEMBER)
    claims.slack.command("/involve", "claim", user_id=MEMBER)
    assert has_crisis_line(claims.runtime, claims.slack.opened_view())
    sent = claims.claim(MEMBER, work)
    assert sent["response_action"] == "update"
    assert has_crisis_line(claims.runtime, sent["view"])


def test_the_private_replies_of_claiming_end_with_the_crisis_line(claims: Claims) -> None:
    answer = claims.slack.payload(claims.slack.command("/involve", "claim", user_id=MEMBER))
    assert "no agreed work" in dumped(answer) and has_crisis_line(claims.runtime, answer)
    refused = claims.slack.payload(claims.slack.command("/involve", "claims", user_id=MEMBER))
    assert has_crisis_line(claims.runtime, refused)
    waiting = claims.slack.payload(claims.slack.command("/involve", "claims",
                                                        user_id=COORDINATOR))
    assert has_crisis_line(claims.runtime, waiting)


# -- what needs changing, in easy read for a form in easy read (found in the sandbox trial) ------
def reads_easy(runtime: Runtime, slack_user_id: str) -> None:
    with runtime.sessions.begin() as session:
        member = MemberRepository(session).get_by_slack_id(slack_user_id)
        assert member is not None
        member.reading = Reading.EASY_READ


def test_what_needs_changing_on_a_claim_is_said_in_easy_read_to_an_easy_read_member(
    claims: Claims
) -> None:
    reads_easy(claims.runtime, MEMBER)
    work = agreed_work(claims.runtime, MEMBER, choice=None)
    wrong = claims.claim(MEMBER, work, amount="twelve", what=None)
    assert wrong["errors"] == {BlockId.CL_AMOUNT: EASY_READ_CLAIM_ERRORS.amount,
                               BlockId.CL_WHAT: EASY_READ_CLAIM_ERRORS.what}
    fee = claims.claim(MEMBER, work, kind="fee", amount="50", what=None)
    assert fee["errors"] == {BlockId.CL_KIND: EASY_READ_CLAIM_ERRORS.no_fee[NoFee.NOT_CHOSEN]}
    said = [*wrong["errors"].values(), *fee["errors"].values()]
    assert not [words for words in said if "e.g." in words]
    found = score(plain_lines("\n".join(said)))
    assert found.ease >= EASY_READ_TARGET and (
        found.longest_sentence <= EASY_READ_LONGEST_SENTENCE), found
    assert claims.status() == []

    # Someone reading the standard words is told in those.
    brams = agreed_work(claims.runtime, FACILITATOR)
    standard = claims.claim(FACILITATOR, brams, amount="twelve", what=None)
    assert standard["errors"] == {BlockId.CL_AMOUNT: STANDARD_CLAIM_ERRORS.amount,
                                  BlockId.CL_WHAT: STANDARD_CLAIM_ERRORS.what}


@pytest.mark.parametrize("words", [STANDARD_CLAIM_ERRORS, EASY_READ_CLAIM_ERRORS])
def test_every_claim_error_has_words_in_both_styles(words: ClaimErrors) -> None:
    assert set(words.no_fee) == set(NoFee)
    every = [words.work, words.not_listed_work, words.kind, *words.no_fee.values(),
             words.amount, words.not_positive, words.too_much, words.over_fee, words.what,
             words.what_too_long]
    assert all(every) and not [w for w in every if "e.g." in w]
    if words is EASY_READ_CLAIM_ERRORS:
        found = score(plain_lines("\n".join(w.format(most="£1,000.00", left="£50.00")
                                            for w in every)))
        assert found.ease >= EASY_READ_TARGET and (
            found.longest_sentence <= EASY_READ_LONGEST_SENTENCE), found


# -- the form says what it needs (found in the sandbox trial) -----------------------------------
@pytest.mark.parametrize(("easy_read", "needed"), [
    (False, "Needed for expenses"), (True, "You must fill this in for money you spent.")])
def test_the_claim_form_says_what_it_was_for_is_needed_for_expenses(
    claims: Claims, easy_read: bool, needed: str
) -> None:
    if easy_read:
        reads_easy(claims.runtime, MEMBER)
    agreed_work(claims.runtime, MEMBER)
    claims.slack.command("/involve", "claim", user_id=MEMBER)
    form = claims.slack.opened_view()
    [what] = [b for b in form["blocks"] if b.get("block_id") == BlockId.CL_WHAT]
    # Optional in Slack's eyes (a fee claim needs nothing here), so the hint says who needs it.
    assert what["optional"] is True and needed in what["hint"]["text"]
    without = claims.claim(MEMBER, agreed_work(claims.runtime, MEMBER, title="Panel two"),
                           what=None)
    assert BlockId.CL_WHAT in without["errors"]
