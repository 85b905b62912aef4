"""Involvement opportunities, driven as Slack drives them: posting, interest, the written offer
and its agreement, the payment choice, pausing and withdrawing, the wellbeing checks' rows,
consent for stories, leaving and the exit form (anonymous keeps no one)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, event, text

from bot.delivery.sms import ConsoleSmsProvider
from bot.rules.communication import Reading
from bot.rules.involvement import (
    CheckStage,
    ConsentStage,
    InvolvementStatus,
    PaymentChoice,
)
from bot.wiring import Runtime
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue
from storage.models import (
    ExitConversation,
    Involvement,
    Member,
    Opportunity,
    OutboxConcern,
    OutboxMessage,
    StoryConsent,
    StoryUse,
    WellbeingCheck,
)
from tests.conftest import FakeClock, LogRecorder, SlackDriver
from tests.fakes.slack import FakeSlack

ADA = "U0COORD01"   # coordinator
BRAM = "U0FACIL02"  # facilitator
FIN = "U0MEMBR06"   # member
HANA = "U0HROFF07"  # HR officer
PURPOSE = "Choose our next peer support worker with us"


def shown(value: Any) -> str:
    """What a person reads, as JSON with its characters as they are (£, not \\u00a3)."""
    return json.dumps(value, ensure_ascii=False)


def answers(**changes: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        BlockId.OP_KIND: "interview_panel", BlockId.OP_TITLE: "Peer worker interview panel",
        BlockId.OP_PURPOSE: PURPOSE,
        BlockId.OP_EXPECTED: "Read five applications, then sit on the panel",
        BlockId.OP_WHEN_WHERE: "Hope Centre, room 2, or by video",
        BlockId.OP_TIME_NEEDED: "Half a day, plus an hour to read",
        BlockId.OP_RECOMPENSE: "fee", BlockId.OP_AMOUNT: "25.50", BlockId.OP_CONTACT: ADA,
    }
    made.update({str(k): v for k, v in changes.items()})
    return made


def post(slack: SlackDriver, members: Runtime, **changes: Any) -> int:
    slack.command("/involve", "new", user_id=ADA)
    response = slack.submit(slack.opened_view(), answers(**changes), user_id=ADA)
    assert json.loads(response.body)["response_action"] == "update", response.body
    with members.sessions() as session:
        return max(o.id for o in session.query(Opportunity).all())


def deliver(members: Runtime) -> None:
    members.dispatcher().deliver_due()


def dms_to(fake: FakeSlack, user: str, containing: str = "") -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.postMessage")
            if c.params["channel"] == user and containing in shown(c.params)]


def latest_drawing(fake: FakeSlack, user: str, containing: str) -> dict[str, Any]:
    """A message as the person sees it now: its last redraw, or as first posted."""
    [first] = dms_to(fake, user, containing)
    updates = [c.params for c in fake.calls_to("chat.update") if containing in
               shown(c.params)]
    return updates[-1] if updates else first


def said(fake: FakeSlack) -> str:
    return [r.params for r in fake.responses if r.params.get("replace_original") is False][-1][
        "text"]


def involvement(members: Runtime) -> Involvement:
    with members.sessions() as session:
        [row] = session.query(Involvement).all()
        session.expunge(row)
        return row


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b.get("type") == "actions"
            for e in b["elements"]]


def overview(slack: SlackDriver, user: str) -> dict[str, Any]:
    return slack.payload(slack.command("/involve", "", user_id=user))


def interested_and_offered(slack: SlackDriver, members: Runtime) -> dict[str, Any]:
    """Fin says they're interested from the announcement; Ada offers it; Fin's offer."""
    deliver(members)
    [card] = dms_to(slack.fake, FIN, "I'm interested")
    slack.click(card, ActionId.INV_INTERESTED, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    [interest] = dms_to(slack.fake, ADA, "is interested in")
    slack.click(interest, ActionId.INV_OFFER, user_id=ADA)
    deliver(members)
    [offer] = dms_to(slack.fake, FIN, "An offer for you")
    return offer


# -- posting ----------------------------------------------------------------------------------
def test_posting_shows_each_problem_beside_its_field_then_announces_it(
    slack: SlackDriver, members: Runtime, console_sms: ConsoleSmsProvider
) -> None:
    slack.command("/involve", "new", user_id=ADA)
    form = slack.opened_view()
    empty = {BlockId.OP_CONTACT: FIN, BlockId.OP_RECOMPENSE: "fee", BlockId.OP_AMOUNT: "25.505"}
    errors = json.loads(slack.submit(form, empty, user_id=ADA).body)["errors"]
    assert set(errors) >= {BlockId.OP_KIND, BlockId.OP_TITLE, BlockId.OP_PURPOSE,
                           BlockId.OP_EXPECTED, BlockId.OP_WHEN_WHERE,
                           BlockId.OP_TIME_NEEDED, BlockId.OP_AMOUNT}
    assert "like 25 or 25.50" in errors[BlockId.OP_AMOUNT]

    for change, block, words in (
        ({BlockId.OP_AMOUNT: ""}, BlockId.OP_AMOUNT, "Please give the amount"),
        ({BlockId.OP_AMOUNT: "0"}, BlockId.OP_AMOUNT, "above £0"),
        ({BlockId.OP_RECOMPENSE: "none"}, BlockId.OP_AMOUNT, "only for a fee or a voucher"),
        ({BlockId.OP_CONTACT: FIN}, BlockId.OP_CONTACT, "a coordinator or the HR officer"),
        ({BlockId.OP_STARTS: "2026-11-01"}, BlockId.OP_STARTS, "already passed"),
        ({BlockId.OP_STARTS: "2026-12-10", BlockId.OP_ENDS: "2026-12-09"}, BlockId.OP_ENDS,
         "can't be before"),
    ):
        slack.command("/involve", "new", user_id=ADA)
        refused = json.loads(slack.submit(slack.opened_view(), answers(**change),
                                          user_id=ADA).body)
        assert refused["response_action"] == "errors" and words in refused["errors"][block]
    with members.sessions() as session:
        assert session.query(Opportunity).count() == 0

    # The HR officer may be the named contact; £25.50 is kept in pence.
    opportunity_id = post(slack, members, **{BlockId.OP_CONTACT: HANA})
    with members.sessions() as session:
        stored = session.get(Opportunity, opportunity_id)
        assert stored is not None and stored.amount_pence == 2550
    deliver(members)
    [card] = dms_to(slack.fake, FIN, "I'm interested")
    assert PURPOSE in shown(card) and "£25.50" not in shown(card)
    assert dms_to(slack.fake, ADA, "I'm interested") == []  # not to the one who posted it
    assert dms_to(slack.fake, HANA, "named contact")
    # A text carries no more than a lock screen should: the kind, never the title.
    [dev_text] = [t.body for t in console_sms.sent]
    assert "A new way to get involved: an interview panel." in dev_text
    assert "Peer worker" not in dev_text and "£" not in dev_text
    assert "tell a coordinator" in dev_text


def test_only_coordinators_may_post_and_others_are_told_who_can(
    slack: SlackDriver, members: Runtime
) -> None:
    refused = slack.text_of(slack.command("/involve", "new", user_id=FIN))
    assert "Only a coordinator can post an opportunity: please ask Ada Brightwater" in refused
    assert slack.fake.calls_to("views.open") == []
    # A form sent anyway (an old one, or a role since taken away) is refused beside a field.
    forged = {"type": "modal", "callback_id": "opportunity_form", "blocks": []}
    slack.command("/involve", "new", user_id=ADA)
    form = {**slack.opened_view(), **{k: v for k, v in forged.items() if k != "blocks"}}
    errors = json.loads(slack.submit(form, answers(), user_id=FIN).body)["errors"]
    assert "Only a coordinator" in errors[BlockId.OP_TITLE]


# -- interest, offer, agreement, payment --------------------------------------------------------
def test_interest_then_offer_then_acceptance_keeps_the_offers_words_as_the_agreement(
    slack: SlackDriver, members: Runtime, engine: Engine
) -> None:
    post(slack, members)
    offer = interested_and_offered(slack, members)
    offer_words = shown(offer)
    for words in (PURPOSE, "Read five applications", "Hope Centre", "Half a day",
                  "A fee of £25.50", "take less, have it donated", "can't give benefits advice",
                  "Citizens Advice", "It's OK to say no, to stop or to withdraw at any time."):
        assert words in offer_words, words
    assert involvement(members).status is InvolvementStatus.OFFERED

    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    assert "kept as our agreement" in said(slack.fake)
    row = involvement(members)
    assert row.status is InvolvementStatus.ACCEPTED and row.accepted_at is not None
    assert row.agreement.startswith("Riverside Peer Support would like to offer you")
    assert row.agreement in "".join(b["text"]["text"] for b in offer["blocks"]
                                    if b["type"] == "section").replace("&amp;", "&")
    with engine.connect() as connection:  # encrypted at rest
        raw = connection.execute(text("SELECT agreement FROM involvements")).scalar_one()
    assert PURPOSE not in raw

    deliver(members)
    assert dms_to(slack.fake, ADA, "has accepted the offer")
    redrawn = latest_drawing(slack.fake, FIN, "An offer for you")
    assert {b["action_id"] for b in buttons(redrawn)} >= {
        ActionId.INV_PAY_TAKE, ActionId.INV_PAY_LESS, ActionId.INV_PAY_DONATE,
        ActionId.INV_PAY_DECLINE, ActionId.INV_PAUSE, ActionId.INV_WITHDRAW}

    # Take less: more than agreed is kindly refused, then £10 is kept.
    slack.click(redrawn, ActionId.INV_PAY_LESS, user_id=FIN, channel="D0MEMBR06")
    form = slack.opened_view()
    assert "£25.50" in shown(form)
    too_much = json.loads(slack.submit(form, {BlockId.TL_AMOUNT: "30"}, user_id=FIN).body)
    assert "below the full £25.49" in too_much["errors"][BlockId.TL_AMOUNT]
    done = json.loads(slack.submit(form, {BlockId.TL_AMOUNT: "10"}, user_id=FIN).body)
    assert done["response_action"] == "update" and "take less" in shown(done["view"])
    row = involvement(members)
    assert row.payment_choice is PaymentChoice.TAKE_LESS and row.amount_taken_pence == 1000
    deliver(members)
    [told] = dms_to(slack.fake, ADA, "payment choice")
    assert "£10" not in shown(told)  # amounts stay out of what is sent about it
    assert "£10.00" in slack.text_of(slack.command("/involve", "", user_id=FIN))
    assert "£10.00" in slack.text_of(slack.command("/involve", "", user_id=ADA))


def test_someone_elses_offer_or_a_stale_button_changes_nothing(
    slack: SlackDriver, members: Runtime
) -> None:
    post(slack, members)
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=BRAM, channel="D0FACIL02")
    assert "can't find that for you" in said(slack.fake)
    slack.click(offer, ActionId.INV_DECLINE, user_id=FIN, channel="D0MEMBR06")
    assert "completely fine" in said(slack.fake)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    assert "already been done. Where it stands: You said no thanks." in said(slack.fake)
    assert involvement(members).status is InvolvementStatus.DECLINED
    deliver(members)
    assert dms_to(slack.fake, ADA, "said no thanks")


def test_wellbeing_checks_are_dated_from_the_agreement(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    post(slack, members, **{BlockId.OP_STARTS: "2026-12-10", BlockId.OP_ENDS: "2026-12-11"})
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    with members.sessions() as session:
        due = {c.stage: c.due_at for c in session.query(WellbeingCheck).all()}
    assert due == {
        CheckStage.BEFORE: datetime(2026, 12, 9, 10, 0, tzinfo=UTC),   # the day before
        CheckStage.END: datetime(2026, 12, 11, 17, 0, tzinfo=UTC),     # at its end
        CheckStage.FOLLOW_UP: datetime(2026, 12, 14, 17, 0, tzinfo=UTC),  # three days after
    }


def test_a_check_before_comes_at_acceptance_when_the_work_starts_sooner(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    post(slack, members, **{BlockId.OP_STARTS: "2026-11-24"})
    offer = interested_and_offered(slack, members)
    clock.advance(hours=3)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    with members.sessions() as session:
        due = {c.stage: c.due_at for c in session.query(WellbeingCheck).all()}
    assert due[CheckStage.BEFORE] == clock.now
    assert due[CheckStage.END] == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_offering_again_after_a_withdrawal_keeps_the_agreement_as_it_stands(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    post(slack, members)
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    slack.click(overview(slack, FIN), ActionId.INV_PAY_DONATE, user_id=FIN)
    agreed = involvement(members)
    assert agreed.accepted_at is not None and agreed.payment_choice is PaymentChoice.DONATE

    clock.advance(days=2)
    slack.click(overview(slack, FIN), ActionId.INV_WITHDRAW, user_id=FIN)
    slack.click(overview(slack, FIN), ActionId.INV_INTERESTED, user_id=FIN)
    assert involvement(members).status is InvolvementStatus.INTERESTED
    deliver(members)
    again = [m for m in dms_to(slack.fake, ADA, "is interested in") if "agreed to this before"
             in shown(m)]
    assert again, "the contact's message says the agreement stands"

    slack.click(overview(slack, ADA), ActionId.INV_OFFER, user_id=ADA)
    assert "their agreement stands" in said(slack.fake)
    offered = involvement(members)
    assert offered.status is InvolvementStatus.OFFERED
    assert (offered.agreement, offered.offered_at, offered.accepted_at) == (
        agreed.agreement, agreed.offered_at, agreed.accepted_at)
    assert offered.payment_choice is PaymentChoice.DONATE
    assert offered.amount_taken_pence == agreed.amount_taken_pence

    deliver(members)
    latest = dms_to(slack.fake, FIN, "An offer for you")[-1]
    assert "the agreement you accepted before, word for word" in shown(latest)
    slack.click(latest, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    resumed = involvement(members)
    assert resumed.status is InvolvementStatus.ACCEPTED
    assert (resumed.agreement, resumed.accepted_at, resumed.payment_choice) == (
        agreed.agreement, agreed.accepted_at, PaymentChoice.DONATE)


# -- pausing and withdrawing ------------------------------------------------------------------
def test_pause_resume_and_withdraw_are_one_click_each_with_kind_words(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    post(slack, members, **{BlockId.OP_STARTS: "2026-12-10"})
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    with members.sessions.begin() as session:  # the check before has gone out
        sent = session.query(WellbeingCheck).filter_by(stage=CheckStage.BEFORE).one()
        sent.sent_at = clock.now

    listing = overview(slack, FIN)
    pause = next(b for b in buttons(listing) if b["action_id"] == ActionId.INV_PAUSE)
    assert "confirm" not in pause  # one click, no "are you sure", no reason asked
    slack.click(listing, ActionId.INV_PAUSE, user_id=FIN)
    assert "paused" in said(slack.fake) and "whenever you're ready" in said(slack.fake)
    assert involvement(members).status is InvolvementStatus.PAUSED
    redrawn = [r.params for r in slack.fake.responses if r.params.get("replace_original")]
    assert ActionId.INV_RESUME in shown(redrawn[-1])  # the overview, redrawn in place

    slack.click(overview(slack, FIN), ActionId.INV_RESUME, user_id=FIN)
    assert "Welcome back" in said(slack.fake)
    slack.click(overview(slack, FIN), ActionId.INV_WITHDRAW, user_id=FIN)
    assert "Thank you for everything you've given" in said(slack.fake)
    assert "no reason needed" in said(slack.fake)
    assert involvement(members).status is InvolvementStatus.WITHDRAWN
    with members.sessions() as session:  # the checks still to come are dropped; sent ones stay
        assert [c.stage for c in session.query(WellbeingCheck).all()] == [CheckStage.BEFORE]
    slack.click(listing, ActionId.INV_PAUSE, user_id=FIN)
    assert "already been done" in said(slack.fake)

    deliver(members)
    [told] = dms_to(slack.fake, ADA, "has withdrawn from")
    assert "No reason is needed" in shown(told)
    assert dms_to(slack.fake, ADA, "has paused") and dms_to(slack.fake, ADA, "picked")


# -- consent for stories and outputs ----------------------------------------------------------
def test_consent_before_and_after_and_a_withdrawal_stops_every_later_use(
    slack: SlackDriver, members: Runtime, log_lines: LogRecorder
) -> None:
    post(slack, members, **{BlockId.OP_SHARING: [OptionValue.SHARES_STORY],
                   BlockId.OP_RECOMPENSE: "voucher", BlockId.OP_AMOUNT: "20"})
    offer = interested_and_offered(slack, members)
    assert "ask for your consent before it starts and again after it ends" in shown(offer)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    assert "ask for your consent" in said(slack.fake)
    listing = overview(slack, FIN)
    slack.click(listing, ActionId.INV_CONSENT_YES_BEFORE, user_id=FIN)
    assert "consent is recorded" in said(slack.fake)

    stories = overview_of_stories(slack)
    assert "May be used" in shown(stories)
    slack.click(stories, ActionId.INV_STORY_USE, user_id=ADA)
    form = slack.opened_view()
    slack.submit(form, {BlockId.SU_WHAT: "The Tuesday group really helps, in our report"},
                 user_id=ADA)
    assert count(members, StoryUse) == 1

    # The work ends: consent is asked again, and the exit form offered.
    slack.click(overview(slack, ADA), ActionId.INV_END, user_id=ADA)
    assert involvement(members).status is InvolvementStatus.ENDED
    deliver(members)
    [again] = dms_to(slack.fake, FIN, "may we still use")
    assert dms_to(slack.fake, FIN, "Share how it went")
    assert "waiting for their answer" in shown(overview_of_stories(slack))
    slack.click(again, ActionId.INV_CONSENT_YES_AFTER, user_id=FIN, channel="D0MEMBR06")

    # A coordinator opens the form to record a use; meanwhile Fin withdraws (one click).
    slack.click(overview_of_stories(slack), ActionId.INV_STORY_USE, user_id=ADA)
    late_form = slack.opened_view()
    slack.click(overview(slack, FIN), ActionId.INV_CONSENT_WITHDRAW, user_id=FIN)
    assert "nothing more will be used" in said(slack.fake)
    refused = json.loads(slack.submit(late_form, {BlockId.SU_WHAT: "Loved the group, a poster"},
                                      user_id=ADA).body)
    assert "consent was withdrawn" in refused["errors"][BlockId.SU_WHAT]
    assert count(members, StoryUse) == 1
    with members.sessions() as session:
        consents = {c.stage: c for c in session.query(StoryConsent).all()}
    assert consents[ConsentStage.BEFORE].given and consents[ConsentStage.AFTER].given
    assert all(c.withdrawn_at is not None for c in consents.values())
    after = overview_of_stories(slack)
    assert "consent was withdrawn" in shown(after)
    assert ActionId.INV_STORY_USE not in shown(after)
    deliver(members)
    assert dms_to(slack.fake, ADA, "has withdrawn consent")
    # A yes from an old message never undoes a withdrawal.
    slack.click(again, ActionId.INV_CONSENT_YES_AFTER, user_id=FIN, channel="D0MEMBR06")
    assert "already been done" in said(slack.fake)


def test_without_consent_nothing_may_be_recorded_and_stories_are_for_coordinators(
    slack: SlackDriver, members: Runtime
) -> None:
    post(slack, members, **{BlockId.OP_SHARING: [OptionValue.PUBLISHED_OUTPUTS]})
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    slack.click(overview(slack, FIN), ActionId.INV_CONSENT_NO_BEFORE, user_id=FIN)
    stories = overview_of_stories(slack)
    assert "consent wasn't given" in shown(stories)
    row_id = involvement(members).id
    forged = {"blocks": [{"type": "actions", "block_id": "involvement_list_actions:story",
                          "elements": [{"type": "button", "action_id": ActionId.INV_STORY_USE,
                                        "value": str(row_id)}]}]}
    slack.click(forged, ActionId.INV_STORY_USE, user_id=ADA)
    assert "can't be used" in said(slack.fake)
    assert count(members, StoryUse) == 0
    assert "Only a coordinator" in slack.text_of(slack.command("/involve", "stories",
                                                               user_id=FIN))


def overview_of_stories(slack: SlackDriver) -> dict[str, Any]:
    return slack.payload(slack.command("/involve", "stories", user_id=ADA))


def count(members: Runtime, model: type) -> int:
    with members.sessions() as session:
        return session.query(model).count()


# -- leaving and the exit conversation --------------------------------------------------------
def accepted(slack: SlackDriver, members: Runtime) -> None:
    post(slack, members)
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")


def test_leaving_ends_it_and_an_anonymous_exit_answer_keeps_no_one(
    slack: SlackDriver, members: Runtime, engine: Engine, clock: FakeClock,
    log_lines: LogRecorder
) -> None:
    accepted(slack, members)
    step_back(slack, FIN)
    assert involvement(members).status is InvolvementStatus.ENDED
    form = slack.opened_view()
    assert "Peer worker interview panel" in shown(form)
    deliver(members)
    assert dms_to(slack.fake, ADA, "stepping back")

    outbox_before, lines_before = count(members, OutboxMessage), len(log_lines.lines)
    done = json.loads(slack.submit(form, {
        BlockId.EX_WENT_WELL: "Best group I've been to", BlockId.EX_RECOMMEND: "yes",
        BlockId.EX_IDENTITY: OptionValue.ANONYMOUS}, user_id=FIN).body)
    assert "without your name" in shown(done["view"])
    with engine.connect() as connection:
        [raw] = connection.execute(text("SELECT * FROM exit_conversations")).mappings().all()
    assert raw["member_id"] is None
    assert set(raw) == {"id", "member_id", "answers", "anonymous", "received_on"}
    stored = " ".join(str(v) for v in raw.values())
    assert FIN not in stored and "Best group" not in stored  # encrypted at rest
    with members.sessions() as session:
        [row] = session.query(ExitConversation).all()
        kept = shown(row.answers)
    assert FIN not in kept and str(involvement(members).id) not in kept.replace("yes", "")
    assert set(row.answers) == {"went_well", "could_be_better", "recommend", "anything_else"}
    # The month only: the day, beside Ada being told at once who stepped back, would say whose.
    assert str(raw["received_on"]).startswith("2026-11-01")
    assert count(members, OutboxMessage) == outbox_before  # nobody is told of it
    new_lines = log_lines.lines[lines_before:]
    assert not [line for line in new_lines if FIN in line], new_lines
    # Not one line of ours: even a line with no name in it would say when it came.
    assert not [line for line in new_lines if line.startswith(("bot.", "handlers.",
                                                                 "storage."))], new_lines

    # Not in the forum export the next day, nor once November has ended: alone, it would
    # be Fin's.
    service = members.services.involvement
    november = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert service.exit_answers_between(*november) == []
    clock.advance(days=1)
    assert service.exit_answers_between(*november) == []
    clock.advance(days=10)
    assert service.exit_answers_between(*november) == []


def step_back(slack: SlackDriver, user: str) -> dict[str, Any]:
    """/involve leaving, then the answer to what it asks: Yes when there is something to end,
    else the exit form from the reply saying there is nothing to end."""
    asked = slack.payload(slack.command("/involve", "leaving", user_id=user))
    sure = [b for b in buttons(asked) if b["action_id"] == ActionId.INV_LEAVE_YES]
    slack.click(asked, ActionId.INV_LEAVE_YES if sure else ActionId.INV_EXIT_FORM,
                user_id=user)
    return asked


def send_exit_form(slack: SlackDriver, user: str, went_well: str, identity: str) -> None:
    step_back(slack, user)
    done = json.loads(slack.submit(slack.opened_view(), {
        BlockId.EX_WENT_WELL: went_well, BlockId.EX_IDENTITY: identity}, user_id=user).body)
    assert done["response_action"] == "update", done


def test_anonymous_exit_answers_wait_for_the_month_to_end_and_for_two_others(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    accepted(slack, members)
    send_exit_form(slack, FIN, "Best group I've been to", OptionValue.ANONYMOUS)
    send_exit_form(slack, ADA, "Good to see people grow", OptionValue.NAMED)
    service = members.services.involvement
    november = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    december = (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    # A named answer is shown at once, with its day.
    [named] = service.exit_answers_between(*november)
    assert not named.anonymous and named.received_on == date(2026, 11, 23)

    # November has ended with one anonymous answer: it waits for company.
    clock.advance(days=9)
    assert [a.anonymous for a in service.exit_answers_between(*november)] == [False]
    send_exit_form(slack, BRAM, "Kind people", OptionValue.ANONYMOUS)
    clock.advance(days=8)
    send_exit_form(slack, HANA, "Well run", OptionValue.ANONYMOUS)
    assert not [a for a in service.exit_answers_between(*december) if a.anonymous]  # not over

    # December has ended: Fin's November answer comes with December's two, under December,
    # so nothing shows it was once alone; November never shows it.
    clock.advance(days=23)  # 2 January
    assert [a.anonymous for a in service.exit_answers_between(*november)] == [False]
    shown_ = service.exit_answers_between(*december)
    assert sorted(a.went_well for a in shown_) == [
        "Best group I've been to", "Kind people", "Well run"]
    assert {(a.anonymous, a.received_on) for a in shown_} == {(True, date(2026, 12, 1))}


def test_a_named_exit_answer_keeps_the_member_and_is_theirs_to_see(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    accepted(slack, members)
    slack.click(overview(slack, ADA), ActionId.INV_END, user_id=ADA)
    deliver(members)
    [thanks] = dms_to(slack.fake, FIN, "Share how it went")
    slack.click(thanks, ActionId.INV_EXIT_FORM, user_id=FIN, channel="D0MEMBR06")
    form = slack.opened_view()
    slack.submit(form, {BlockId.EX_BETTER: "Evening sessions for working people",
                        BlockId.EX_IDENTITY: OptionValue.NAMED}, user_id=FIN)
    fin_id = involvement(members).member_id
    with members.sessions() as session:
        [row] = session.query(ExitConversation).all()
        assert row.member_id == fin_id and not row.anonymous
    [answer] = members.services.involvement.exit_answers_between(
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert not answer.anonymous and answer.could_be_better.startswith("Evening sessions")
    mine = members.services.privacy.my_data(FIN)
    assert mine["exit_answers_with_your_name"][0]["answers"]["could_be_better"]

    # An empty form keeps nothing, and that's fine.
    slack.click(thanks, ActionId.INV_EXIT_FORM, user_id=FIN, channel="D0MEMBR06")
    empty = json.loads(slack.submit(slack.opened_view(), {}, user_id=FIN).body)
    assert "Nothing was sent" in shown(empty["view"])
    assert count(members, ExitConversation) == 1


# -- personal data ----------------------------------------------------------------------------
def test_their_involvement_is_exported_and_erased_with_them(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    post(slack, members, **{BlockId.OP_SHARING: [OptionValue.SHARES_STORY],
                   BlockId.OP_STARTS: "2026-12-10"})
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    slack.click(overview(slack, FIN), ActionId.INV_PAY_DONATE, user_id=FIN)
    slack.click(overview(slack, FIN), ActionId.INV_CONSENT_YES_BEFORE, user_id=FIN)

    held = members.services.privacy.my_data(FIN)
    [mine] = held["involvements"]
    assert mine["opportunity"] == "Peer worker interview panel"
    assert mine["status"] == "accepted" and mine["payment_choice"] == "donate"
    assert PURPOSE in mine["agreement"]
    assert mine["story_consent"][0]["given"] is True

    members.services.privacy.erase(FIN)
    for model in (Involvement, WellbeingCheck, StoryConsent):
        assert count(members, model) == 0, model
    assert count(members, Opportunity) == 1  # the opportunity stays, without them


def test_every_member_told_of_an_opportunity_is_listed_as_naming_its_contact(
    slack: SlackDriver, members: Runtime
) -> None:
    """The notices to everyone go in together; each still records that it names the contact,
    so erasing her finds every one of them."""
    post(slack, members, **{BlockId.OP_CONTACT: HANA})
    with members.sessions() as session:
        hana = session.query(Member).filter_by(slack_user_id=HANA).one().id
        rows = session.query(OutboxMessage).all()
        naming = {c.outbox_id for c in session.query(OutboxConcern).filter_by(member_id=hana)}
    posted = [r.id for r in rows if r.payload.get("notice") == "involvement.opportunity"]
    assert len(posted) > 3
    assert naming >= set(posted)

    members.services.privacy.erase(HANA)
    with members.sessions() as session:
        assert session.query(OutboxConcern).filter_by(member_id=hana).count() == 0


def test_the_overview_says_what_is_open_and_the_escaping_holds(
    slack: SlackDriver, members: Runtime
) -> None:
    post(slack, members, **{BlockId.OP_TITLE: "Panel <!channel> <@U0EVIL99>"})
    listing = shown(overview(slack, FIN))
    assert "I'm interested" in listing and "<!channel>" not in listing
    assert "&lt;!channel&gt;" in listing
    deliver(members)
    assert "<!channel>" not in shown(dms_to(slack.fake, FIN))


def interest_told_to_hana(slack: SlackDriver,
                          members: Runtime) -> tuple[dict[str, Any], dict[str, Any]]:
    """Posted with Hana as the named contact; Fin says he's interested; what each was sent."""
    post(slack, members, **{BlockId.OP_CONTACT: HANA})
    deliver(members)
    [card] = dms_to(slack.fake, FIN, "I'm interested")
    slack.click(card, ActionId.INV_INTERESTED, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    [interest] = dms_to(slack.fake, HANA, "is interested in")
    return card, interest


def test_a_named_contact_may_offer_it_sees_no_amounts_and_closing_redraws_the_card(
    slack: SlackDriver, members: Runtime
) -> None:
    card, interest = interest_told_to_hana(slack, members)
    slack.click(interest, ActionId.INV_OFFER, user_id=BRAM)
    assert "Only a coordinator can do that" in said(slack.fake)
    assert involvement(members).status is InvolvementStatus.INTERESTED
    slack.click(interest, ActionId.INV_OFFER, user_id=HANA)
    assert involvement(members).status is InvolvementStatus.OFFERED
    looked_after = slack.text_of(slack.command("/involve", "", user_id=HANA))
    assert "Opportunities you look after" in looked_after and "£" not in looked_after
    assert "£25.50" in slack.text_of(slack.command("/involve", "", user_id=ADA))

    slack.click(overview(slack, ADA), ActionId.INV_CLOSE, user_id=ADA)
    assert "is closed" in said(slack.fake)
    deliver(members)
    redrawn = latest_drawing(slack.fake, FIN, "A new way to get involved")
    assert "has closed" in shown(redrawn) and ActionId.INV_INTERESTED not in shown(redrawn)
    slack.click(card, ActionId.INV_INTERESTED, user_id=BRAM, channel="D0FACIL02")
    assert "has closed" in said(slack.fake)


# -- what the reviewer found ------------------------------------------------------------------
def test_a_contact_who_loses_the_role_loses_its_powers_and_the_coordinators_hear(
    slack: SlackDriver, members: Runtime
) -> None:
    _card, interest = interest_told_to_hana(slack, members)
    # Hana is no longer the HR officer.
    members.services.members.import_csv(
        f"name,slack_user_id,phone,roles,contact,sms_consent\nHana Quill,{HANA},,member,slack,no\n")
    slack.click(interest, ActionId.INV_OFFER, user_id=HANA)
    assert "Only a coordinator can do that" in said(slack.fake)
    assert involvement(members).status is InvolvementStatus.INTERESTED
    assert "Opportunities you look after" not in slack.text_of(
        slack.command("/involve", "", user_id=HANA))
    slack.click(overview(slack, FIN), ActionId.INV_WITHDRAW, user_id=FIN)
    deliver(members)
    assert dms_to(slack.fake, ADA, "has withdrawn from")
    assert dms_to(slack.fake, HANA, "has withdrawn from") == []


def test_a_payment_choice_once_made_is_not_changed_by_an_older_button(
    slack: SlackDriver, members: Runtime
) -> None:
    post(slack, members)
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    stale = latest_drawing(slack.fake, FIN, "An offer for you")
    slack.click(overview(slack, FIN), ActionId.INV_PAY_DONATE, user_id=FIN)
    slack.click(stale, ActionId.INV_PAY_TAKE, user_id=FIN, channel="D0MEMBR06")
    assert ("You've already chosen: have it donated to the charity - to change it, please "
            "talk to a coordinator") in said(slack.fake)
    slack.click(stale, ActionId.INV_PAY_LESS, user_id=FIN, channel="D0MEMBR06")
    assert "You've already chosen" in said(slack.fake)
    assert not [c for c in slack.fake.calls_to("views.open")
                if c.params["view"]["callback_id"] == CallbackId.TAKE_LESS_FORM]
    row = involvement(members)
    assert (row.payment_choice, row.amount_taken_pence) == (PaymentChoice.DONATE, 0)


def end_check(members: Runtime) -> WellbeingCheck:
    with members.sessions() as session:
        return session.query(WellbeingCheck).filter_by(stage=CheckStage.END).one()


def paused_past_the_end(slack: SlackDriver, members: Runtime, clock: FakeClock) -> None:
    """Work on 10-11 December, accepted, paused, and still paused 27 days on."""
    post(slack, members, **{BlockId.OP_STARTS: "2026-12-10", BlockId.OP_ENDS: "2026-12-11"})
    offer = interested_and_offered(slack, members)
    slack.click(offer, ActionId.INV_ACCEPT, user_id=FIN, channel="D0MEMBR06")
    slack.click(overview(slack, FIN), ActionId.INV_PAUSE, user_id=FIN)
    clock.advance(days=27)


def test_the_check_at_the_end_still_comes_after_a_pause_then_the_end(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    paused_past_the_end(slack, members, clock)  # 20 December: the end is nine days past
    slack.click(overview(slack, ADA), ActionId.INV_END, user_id=ADA)
    members.services.wellbeing.send_wellbeing_checks()
    assert end_check(members).sent_at == clock.now
    with members.sessions() as session:
        follow_up = session.query(WellbeingCheck).filter_by(stage=CheckStage.FOLLOW_UP).one()
    assert follow_up.due_at == datetime(2026, 12, 23, 10, 0, tzinfo=UTC)


def test_the_check_at_the_end_still_comes_after_a_pause_past_the_end_then_resuming(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    paused_past_the_end(slack, members, clock)
    slack.click(overview(slack, FIN), ActionId.INV_RESUME, user_id=FIN)
    members.services.wellbeing.send_wellbeing_checks()
    assert end_check(members).sent_at == clock.now


def test_a_double_click_on_interested_is_answered_as_a_second_click(
    slack: SlackDriver, members: Runtime, engine: Engine
) -> None:
    post(slack, members)
    deliver(members)
    [card] = dms_to(slack.fake, FIN, "I'm interested")
    raced: list[bool] = []

    # The other click's row lands between our look and our insert, as two clicks at once can.
    def other_click_first(conn: Any, cursor: Any, statement: str, parameters: Any,
                          context: Any, executemany: bool) -> None:
        if statement.startswith("INSERT INTO involvements") and not raced:
            raced.append(True)
            other = cursor.connection.cursor()
            other.execute(statement, parameters)
            other.close()

    event.listen(engine, "before_cursor_execute", other_click_first)
    try:
        slack.click(card, ActionId.INV_INTERESTED, user_id=FIN, channel="D0MEMBR06")
    finally:
        event.remove(engine, "before_cursor_execute", other_click_first)
    assert raced and "already been done" in said(slack.fake)


def test_an_anonymous_exit_answer_s_id_says_nothing_of_when_it_came(
    slack: SlackDriver, members: Runtime, monkeypatch: Any
) -> None:
    drawn = iter([4242, 4242, 777])  # the second draw clashes and is drawn again
    monkeypatch.setattr("bot.services.involvement.secrets.randbelow", lambda _: next(drawn))
    accepted(slack, members)
    send_exit_form(slack, ADA, "Good to see people grow", OptionValue.NAMED)
    send_exit_form(slack, FIN, "Best group I've been to", OptionValue.ANONYMOUS)
    send_exit_form(slack, HANA, "Well run", OptionValue.ANONYMOUS)
    send_exit_form(slack, BRAM, "Kind people", OptionValue.NAMED)
    with members.sessions() as session:
        rows = session.query(ExitConversation).all()
    named = sorted(r.id for r in rows if not r.anonymous)
    assert named[1] == named[0] + 1  # the named keep the sequence, with no gap for the others
    assert sorted(r.id for r in rows if r.anonymous) == [778, 4243]


# -- /involve leaving asks before anything ends (found in the sandbox trial) --------------------
def in_place(fake: FakeSlack) -> dict[str, Any]:
    """The last answer that took the place of the private question clicked."""
    return [r.params for r in fake.responses if r.params.get("replace_original") is True][-1]


def test_leaving_asks_first_and_not_now_changes_nothing(
    slack: SlackDriver, members: Runtime
) -> None:
    accepted(slack, members)
    opened_before = len(slack.fake.calls_to("views.open"))
    asked = slack.payload(slack.command("/involve", "leaving", user_id=FIN))
    words = shown(asked)
    assert "Peer worker interview panel" in words and "completely fine" in words
    assert "Nothing has changed yet" in words
    assert [b["text"]["text"] for b in buttons(asked)] == ["Yes, I'm stepping back", "Not now"]
    assert "999" in words and members.services.settings.coprod_crisis_line in words
    # Only asked: nothing ended, no form, and nobody told.
    assert involvement(members).status is InvolvementStatus.ACCEPTED
    assert len(slack.fake.calls_to("views.open")) == opened_before
    deliver(members)
    assert not dms_to(slack.fake, ADA, "stepping back")
    with members.sessions() as session:
        checks_before = {c.stage for c in session.query(WellbeingCheck).all()}

    slack.click(asked, ActionId.INV_LEAVE_NOT_NOW, user_id=FIN, channel="D0MEMBR06")
    answer = in_place(slack.fake)
    assert "Nothing has changed" in shown(answer) and "999" in shown(answer)
    assert involvement(members).status is InvolvementStatus.ACCEPTED
    assert len(slack.fake.calls_to("views.open")) == opened_before
    deliver(members)
    assert not dms_to(slack.fake, ADA, "stepping back")
    with members.sessions() as session:
        assert {c.stage for c in session.query(WellbeingCheck).all()} == checks_before


def test_yes_ends_it_tells_the_contact_and_opens_the_exit_form_once(
    slack: SlackDriver, members: Runtime
) -> None:
    accepted(slack, members)
    asked = slack.payload(slack.command("/involve", "leaving", user_id=FIN))
    slack.click(asked, ActionId.INV_LEAVE_YES, user_id=FIN, channel="D0MEMBR06")
    assert involvement(members).status is InvolvementStatus.ENDED
    form = slack.opened_view()
    assert form["callback_id"] == CallbackId.EXIT_FORM
    assert "Peer worker interview panel" in shown(form)
    answer = shown(in_place(slack.fake))
    assert "You've stepped back" in answer and "999" in answer
    deliver(members)
    assert dms_to(slack.fake, ADA, "stepping back")

    # The same Yes again (a double click) ends nothing more and opens no second form.
    opened = len(slack.fake.calls_to("views.open"))
    slack.click(asked, ActionId.INV_LEAVE_YES, user_id=FIN, channel="D0MEMBR06")
    assert "already stepped back" in shown(in_place(slack.fake))
    assert len(slack.fake.calls_to("views.open")) == opened


def test_someone_with_nothing_to_leave_is_told_so_and_may_still_say_how_it_went(
    slack: SlackDriver, members: Runtime
) -> None:
    asked = slack.payload(slack.command("/involve", "leaving", user_id=BRAM))
    assert "nothing to step back from" in shown(asked) and "999" in shown(asked)
    assert [b["action_id"] for b in buttons(asked)] == [ActionId.INV_EXIT_FORM]
    slack.click(asked, ActionId.INV_EXIT_FORM, user_id=BRAM, channel="D0FACIL02")
    assert slack.opened_view()["callback_id"] == CallbackId.EXIT_FORM


# -- no "coming up soon" for work that has ended or been withdrawn (found in the sandbox trial) --
def check_dms_to_fin(fake: FakeSlack) -> list[str]:
    return [shown(m) for m in dms_to(fake, FIN, "How are you feeling")]


def stepped_back(slack: SlackDriver) -> None:
    asked = slack.payload(slack.command("/involve", "leaving", user_id=FIN))
    slack.click(asked, ActionId.INV_LEAVE_YES, user_id=FIN, channel="D0MEMBR06")


def test_leaving_straight_after_agreeing_sends_no_check_about_work_coming_up(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    accepted(slack, members)  # no dates: the check before falls due at once
    clock.advance(minutes=2)  # before the next run of the checks (every five minutes)
    stepped_back(slack)
    members.services.wellbeing.send_wellbeing_checks()
    deliver(members)
    checks = check_dms_to_fin(slack.fake)
    assert [c for c in checks if "now it's done" in c], checks
    assert not [c for c in checks if "coming up soon" in c], checks
    with members.sessions() as session:
        assert not session.query(WellbeingCheck).filter_by(stage=CheckStage.BEFORE).all()


def test_a_check_about_work_coming_up_still_waiting_to_go_is_not_sent_once_it_has_ended(
    slack: SlackDriver, members: Runtime
) -> None:
    accepted(slack, members)
    assert members.services.wellbeing.send_wellbeing_checks() == 1  # queued, not yet sent
    stepped_back(slack)
    members.services.wellbeing.send_wellbeing_checks()
    deliver(members)
    checks = check_dms_to_fin(slack.fake)
    assert not [c for c in checks if "coming up soon" in c], checks
    assert [c for c in checks if "now it's done" in c], checks


def test_a_check_waiting_to_go_is_not_sent_once_the_work_is_withdrawn(
    slack: SlackDriver, members: Runtime
) -> None:
    accepted(slack, members)
    assert members.services.wellbeing.send_wellbeing_checks() == 1
    slack.click(overview(slack, FIN), ActionId.INV_WITHDRAW, user_id=FIN)
    deliver(members)
    assert check_dms_to_fin(slack.fake) == []


# -- the crisis line on everything a person reads here (found in the sandbox trial) ----------
def has_crisis_line(members: Runtime, shown_: Any) -> bool:
    words = shown(shown_)
    return "999" in words and members.services.settings.coprod_crisis_line in words


def test_the_take_less_form_and_its_answer_end_with_the_crisis_line(
    slack: SlackDriver, members: Runtime
) -> None:
    accepted(slack, members)
    slack.click(overview(slack, FIN), ActionId.INV_PAY_LESS, user_id=FIN)
    form = slack.opened_view()
    assert form["callback_id"] == CallbackId.TAKE_LESS_FORM
    assert has_crisis_line(members, form)
    done = slack.payload(slack.submit(form, {BlockId.TL_AMOUNT: "10"}, user_id=FIN))
    assert done["response_action"] == "update" and has_crisis_line(members, done["view"])


def test_what_the_exit_form_says_once_sent_ends_with_the_crisis_line(
    slack: SlackDriver, members: Runtime
) -> None:
    step_back(slack, BRAM)
    kept = slack.payload(slack.submit(slack.opened_view(), {
        BlockId.EX_WENT_WELL: "Kind people", BlockId.EX_IDENTITY: OptionValue.ANONYMOUS},
        user_id=BRAM))
    assert "without your name" in shown(kept["view"]) and has_crisis_line(members, kept["view"])
    step_back(slack, BRAM)
    empty = slack.payload(slack.submit(slack.opened_view(), {}, user_id=BRAM))
    assert "Nothing was sent" in shown(empty["view"]) and has_crisis_line(members,
                                                                           empty["view"])


def test_the_involve_list_and_its_private_replies_end_with_the_crisis_line(
    slack: SlackDriver, members: Runtime
) -> None:
    post(slack, members)
    listed = overview(slack, FIN)
    assert has_crisis_line(members, listed)
    assert listed["blocks"][-1]["type"] == "context"  # last, one glance away
    slack.click(listed, ActionId.INV_INTERESTED, user_id=FIN)
    redrawn = [r.params for r in slack.fake.responses if r.params.get("replace_original")][-1]
    assert has_crisis_line(members, redrawn)
    assert has_crisis_line(members, [r.params for r in slack.fake.responses
                                     if r.params.get("replace_original") is False][-1])
    refused = slack.payload(slack.command("/involve", "new", user_id=FIN))
    assert "Only a coordinator can post" in shown(refused)
    assert has_crisis_line(members, refused)
    stories = slack.payload(slack.command("/involve", "stories", user_id=ADA))
    assert has_crisis_line(members, stories)


# -- the take-less box's hint and its error give the same example (found in the sandbox trial) --
def test_the_take_less_hint_and_its_error_give_the_same_example(
    slack: SlackDriver, members: Runtime
) -> None:
    accepted(slack, members)
    slack.click(overview(slack, FIN), ActionId.INV_PAY_LESS, user_id=FIN)
    form = slack.opened_view()
    [box] = [b for b in form["blocks"] if b.get("block_id") == BlockId.TL_AMOUNT]
    hint = box["hint"]["text"]
    wrong = slack.payload(slack.submit(form, {BlockId.TL_AMOUNT: "ten pounds"}, user_id=FIN))
    error = wrong["errors"][BlockId.TL_AMOUNT]
    example = hint.removeprefix("In pounds, like ").rstrip(".")
    assert example == "10 or 12.50" and error.endswith(f"like {example}."), (hint, error)


# -- the easy-read offer shows the offer in full below where it says so (found in the trial) ---
def test_the_easy_read_offer_shows_the_offer_in_full_where_it_says_it_does(
    slack: SlackDriver, members: Runtime
) -> None:
    with members.sessions.begin() as session:
        fin = session.query(Member).filter_by(slack_user_id=FIN).one()
        fin.reading = Reading.EASY_READ
    post(slack, members)
    offer = interested_and_offered(slack, members)
    blocks = offer["blocks"]
    [said_at] = [i for i, b in enumerate(blocks) if "Below is the offer in full" in shown(b)]
    below = blocks[said_at + 1]
    # A section, as every Slack client and the sandbox draw it, holding the offer as kept.
    assert below["type"] == "section", below
    assert PURPOSE in below["text"]["text"]
    assert involvement(members).agreement.startswith(
        below["text"]["text"][:200].replace("&amp;", "&"))
