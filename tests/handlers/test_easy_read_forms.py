"""/feedback's form in its reader's words: a member whose profile asks for easy read gets the
form, every redraw of it, and the "sent" that follows in easy read; everyone else gets the
standard words. The questions and answers are the same underneath, so either is read back the
same. Both are scored as the readability test scores messages (tests/samples/reading.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.rules.communication import Reading
from bot.rules.feedback import EASY_READ_ERRORS, STANDARD_ERRORS
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.services.expenses import WorkChoice
from bot.services.feedback import Submitted
from bot.services.involvement import Leaving
from bot.wiring import Runtime
from handlers.blocks.expenses import EASY_READ_CLAIM_FORM, STANDARD_CLAIM_FORM, claim_form
from handlers.blocks.feedback import (
    EASY_READ_FORM,
    STANDARD_FORM,
    FormChoices,
    FormKept,
    LeftOut,
    confirmation_view,
    feedback_form,
)
from handlers.blocks.involvement import (
    EASY_READ_EXIT_FORM,
    STANDARD_EXIT_FORM,
    exit_form,
    exit_thanks,
)
from handlers.blocks.text import crisis_footer
from handlers.ids import ActionId, BlockId, OptionValue
from storage.models import FeedbackCase
from storage.repositories import MemberRepository
from tests.conftest import SlackDriver
from tests.handlers.test_expenses import agreed_work
from tests.samples.reading import (
    EASY_READ_LONGEST_SENTENCE,
    EASY_READ_TARGET,
    STANDARD_TARGET,
    plain_lines,
    score,
    texts_in,
)

FIN = "U0MEMBR06"   # a member who reads easy read
BRAM = "U0FACIL02"  # a facilitator who reads the standard words
CRISIS = "Samaritans: call 116 123"


def reads_easy(runtime: Runtime, slack_user_id: str) -> None:
    with runtime.sessions.begin() as session:
        member = MemberRepository(session).get_by_slack_id(slack_user_id)
        assert member is not None
        member.reading = Reading.EASY_READ


def label(view: dict[str, Any], block_id: str) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return str(block["label"]["text"])


def opened(slack: SlackDriver, user_id: str) -> dict[str, Any]:
    assert slack.command("/feedback", "", user_id=user_id).status == 200
    return slack.opened_view()


def redrawn(slack: SlackDriver, view: dict[str, Any], picked: dict[str, Any], block_id: str,
            user_id: str) -> dict[str, Any]:
    assert slack.choose(view, picked, block_id, user_id=user_id).status == 200
    update = slack.fake.calls_to("views.update")[-1].params
    drawn = json.loads(update["view"]) if isinstance(update["view"], str) else update["view"]
    return {**drawn, "id": view["id"]}


def test_an_easy_read_member_gets_the_form_its_redraws_and_sent_in_easy_read(
        members: Runtime, slack: SlackDriver) -> None:
    reads_easy(members, FIN)
    view = opened(slack, FIN)
    assert label(view, BlockId.FB_KIND) == EASY_READ_FORM.kind
    assert label(view, BlockId.FB_IDENTITY) == EASY_READ_FORM.identity
    assert view["blocks"][0]["text"]["text"] == EASY_READ_FORM.intro

    picked: dict[str, Any] = {BlockId.FB_KIND: "compliment"}
    view = redrawn(slack, view, picked, BlockId.FB_KIND, FIN)
    picked[BlockId.FB_IDENTITY] = OptionValue.NAMED
    view = redrawn(slack, view, picked, BlockId.FB_IDENTITY, FIN)
    assert label(view, BlockId.FB_TESTIMONY) == EASY_READ_FORM.sharing
    assert label(view, BlockId.FB_NAMED_OPTIONS) == EASY_READ_FORM.named_options

    answers = {**picked, BlockId.FB_TOPIC: "session",
               BlockId.FB_TEXT: "Thank you for the Tuesday group"}
    response = slack.submit(view, answers, user_id=FIN)
    assert response.status == 200
    sent = json.loads(response.body)["view"]
    words = sent["blocks"][0]["text"]["text"]
    assert words.startswith("*Thank you. We got your feedback.*")
    assert "Keep your code safe." in words
    with members.sessions() as session:  # stored, and read back the same as the standard
        [case] = session.query(FeedbackCase).all()
        assert case.kind == "compliment" and case.topic == "session"


def test_a_standard_reader_gets_the_standard_words(members: Runtime,
                                                   slack: SlackDriver) -> None:
    reads_easy(members, FIN)  # someone else's setting changes nothing for Bram
    view = opened(slack, BRAM)
    assert label(view, BlockId.FB_KIND) == STANDARD_FORM.kind
    assert "private_metadata" not in view
    response = slack.submit(view, {BlockId.FB_KIND: "suggestion", BlockId.FB_TOPIC: "service",
                                    BlockId.FB_TEXT: "Tea at the Tuesday group, please",
                                    BlockId.FB_IDENTITY: OptionValue.ANONYMOUS}, user_id=BRAM)
    words = json.loads(response.body)["view"]["blocks"][0]["text"]["text"]
    assert words.startswith("*Thank you. Your feedback has been sent.*")


def test_the_style_and_the_words_left_out_both_last_through_a_redraw(
        members: Runtime, slack: SlackDriver) -> None:
    reads_easy(members, FIN)
    assert slack.command("/feedback", "word " * 800, user_id=FIN).status == 200
    view = slack.opened_view()
    kept = FormKept.of(json.loads(view["private_metadata"]))
    assert kept.easy_read and kept.left_out is not None
    view = redrawn(slack, view, {BlockId.FB_KIND: "concern"}, BlockId.FB_KIND, FIN)
    assert FormKept.of(json.loads(view["private_metadata"])) == kept
    assert "Your words did not all fit in the box." in json.dumps(view)


def _our_lines(view: dict[str, Any], crisis_line: str = CRISIS) -> list[str]:
    """Every word of ours in a form a person reads (labels, hints, answers and the lines
    under them, placeholders), but not the crisis line every form ends with."""
    footer = crisis_footer(crisis_line)
    blocks = [b for b in view["blocks"] if b != footer]
    return plain_lines("\n".join(texts_in(blocks)))


@pytest.mark.parametrize(("easy_read", "target"), [(True, EASY_READ_TARGET),
                                                    (False, STANDARD_TARGET)])
def test_every_question_of_the_form_and_its_sent_read_plainly(easy_read: bool,
                                                              target: float) -> None:
    # Between them, these two drawings show every question the form can ask.
    shown: list[str] = []
    for kind, topic in [(FeedbackKind.COMPLIMENT, FeedbackTopic.TEAM_MEMBER),
                        (FeedbackKind.BETWEEN_PEOPLE, FeedbackTopic.OTHER)]:
        view = feedback_form(FormChoices(kind, topic, anonymous=False), crisis_line=CRISIS,
                             kept=FormKept(LeftOut(120, "and then"), easy_read))
        shown += _our_lines(view)
    sent = confirmation_view(Submitted(case_id=1, code="ABCD-EFGH-JKLM", anonymous=True,
                                       release_at=datetime(2026, 12, 8, tzinfo=UTC)),
                             crisis_line=CRISIS, easy_read=easy_read)
    shown += _our_lines(sent)
    found = score(shown)
    assert found.ease >= target, (found, shown)
    if easy_read:
        assert found.longest_sentence <= EASY_READ_LONGEST_SENTENCE, shown


# -- a member's other forms: claiming, taking less, and the exit form ----------------------------
def claimed(slack: SlackDriver, user_id: str, work: int) -> tuple[dict[str, Any], str]:
    """The claim form as it opened, and the words of what followed sending a bus fare."""
    assert slack.command("/involve", "claim", user_id=user_id).status == 200
    form = slack.opened_view()
    sent = slack.payload(slack.submit(form, {
        BlockId.CL_WORK: str(work), BlockId.CL_KIND: "expenses", BlockId.CL_AMOUNT: "4.20",
        BlockId.CL_WHAT: "Bus fares"}, user_id=user_id))
    return form, json.dumps(sent["view"], ensure_ascii=False)


def test_an_easy_read_member_claims_takes_less_and_leaves_in_easy_read(
        members: Runtime, slack: SlackDriver) -> None:
    reads_easy(members, FIN)
    work = agreed_work(members, FIN, choice=None)

    form, sent = claimed(slack, FIN, work)
    assert label(form, BlockId.CL_KIND) == EASY_READ_CLAIM_FORM.kind
    assert "Thank you. We sent your claim for £4.20" in sent

    overview = slack.payload(slack.command("/involve", "", user_id=FIN))
    slack.click(overview, ActionId.INV_PAY_LESS, user_id=FIN, channel="D0MEMBR06")
    form = slack.opened_view()
    assert label(form, BlockId.TL_AMOUNT) == "How much to take"
    done = slack.payload(slack.submit(form, {BlockId.TL_AMOUNT: "10"}, user_id=FIN))
    assert "You chose: take less." in json.dumps(done["view"])

    asked = slack.payload(slack.command("/involve", "leaving", user_id=FIN))
    slack.click(asked, ActionId.INV_LEAVE_YES, user_id=FIN, channel="D0MEMBR06")
    form = slack.opened_view()
    assert label(form, BlockId.EX_IDENTITY) == EASY_READ_EXIT_FORM.send
    done = slack.payload(slack.submit(form, {BlockId.EX_WENT_WELL: "Kind people",
                                             BlockId.EX_IDENTITY: OptionValue.ANONYMOUS},
                                      user_id=FIN))
    assert "We kept your answers without your name." in json.dumps(done["view"])


def test_a_standard_reader_claims_and_leaves_in_the_standard_words(
        members: Runtime, slack: SlackDriver) -> None:
    work = agreed_work(members, BRAM)
    form, sent = claimed(slack, BRAM, work)
    assert label(form, BlockId.CL_KIND) == STANDARD_CLAIM_FORM.kind
    assert "has gone to the coordinators" in sent
    asked = slack.payload(slack.command("/involve", "leaving", user_id=BRAM))
    slack.click(asked, ActionId.INV_LEAVE_YES, user_id=BRAM, channel="D0FACIL02")
    assert label(slack.opened_view(), BlockId.EX_IDENTITY) == STANDARD_EXIT_FORM.send


def _involvement(easy_read: bool) -> list[str]:
    """Every word of ours in the claim, take-less and exit forms and what follows each."""
    claim_words = _our_lines(claim_form([WorkChoice(1, "Interview panel")], CRISIS,
                                        easy_read=easy_read))
    exit_words = _our_lines(exit_form(CRISIS, Leaving(ended=("Interview panel",), withdrawn=()),
                                      easy_read=easy_read))
    thanks = [exit_thanks(kept, anonymous, easy_read=easy_read)
              for kept, anonymous in [(True, True), (True, False), (False, True)]]
    return claim_words + exit_words + plain_lines("\n".join(thanks))


@pytest.mark.parametrize(("easy_read", "target"), [(True, EASY_READ_TARGET),
                                                    (False, STANDARD_TARGET)])
def test_the_claim_and_exit_forms_read_plainly(easy_read: bool, target: float) -> None:
    found = score(_involvement(easy_read))
    assert found.ease >= target, found
    if easy_read:
        assert found.longest_sentence <= EASY_READ_LONGEST_SENTENCE


def opened_easily(members: Runtime, slack: SlackDriver, command: str, text: str) -> dict[str, Any]:
    """The form Fin, who reads easy read, opens with the command; it reads as easy read."""
    reads_easy(members, FIN)
    assert slack.command(command, text, user_id=FIN).status == 200
    form = slack.opened_view()
    found = score(_our_lines(form, members.services.settings.coprod_crisis_line))
    assert found.ease >= EASY_READ_TARGET and (
        found.longest_sentence <= EASY_READ_LONGEST_SENTENCE), found
    return form


def test_an_easy_read_member_changes_how_we_reach_them_in_easy_read(
        members: Runtime, slack: SlackDriver) -> None:
    form = opened_easily(members, slack, "/coprod", "profile")
    assert label(form, BlockId.PR_READING) == "How should we write them?"
    # Bram reads the standard words, and so does a coordinator changing Fin's for him.
    assert slack.command("/coprod", "profile", user_id=BRAM).status == 200
    assert label(slack.opened_view(), BlockId.PR_READING) == "How messages are written"
    assert slack.command("/coprod", "profile Fin Rowe", user_id="U0COORD01").status == 200
    assert label(slack.opened_view(), BlockId.PR_READING) == "How messages are written"


def test_an_easy_read_member_declares_a_relationship_in_easy_read(
        members: Runtime, slack: SlackDriver) -> None:
    form = opened_easily(members, slack, "/involve", "declare")
    assert label(form, BlockId.DC_KIND) == "What do you want to tell us?"
    someone = next(b for b in form["blocks"] if b.get("block_id") == BlockId.DC_OTHER)
    sent = slack.payload(slack.submit(form, {
        BlockId.DC_KIND: "relationship", BlockId.DC_WORDS: "We were neighbours",
        BlockId.DC_OTHER: someone["element"]["options"][0]["value"]}, user_id=FIN))
    assert "We do not tell the other person." in json.dumps(sent["view"])
    assert slack.command("/involve", "declare", user_id=BRAM).status == 200
    assert label(slack.opened_view(), BlockId.DC_KIND) == "What you're telling us"


def test_what_needs_changing_on_the_feedback_form_is_said_in_easy_read_too(
        members: Runtime, slack: SlackDriver) -> None:
    reads_easy(members, FIN)
    view = opened(slack, FIN)
    response = slack.payload(slack.submit(view, {BlockId.FB_TEXT: "x" * 3001}, user_id=FIN))
    assert response["response_action"] == "errors"
    assert response["errors"] == {
        BlockId.FB_KIND: EASY_READ_ERRORS.kind, BlockId.FB_TOPIC: EASY_READ_ERRORS.topic,
        BlockId.FB_TEXT: EASY_READ_ERRORS.over, BlockId.FB_IDENTITY: EASY_READ_ERRORS.identity}
    found = score(plain_lines("\n".join(response["errors"].values())))
    assert found.ease >= EASY_READ_TARGET, found
    # Bram's form is in the standard words, and so is what he is told.
    standard = slack.payload(slack.submit(opened(slack, BRAM), {BlockId.FB_TEXT: ""},
                                          user_id=BRAM))
    assert standard["errors"][BlockId.FB_TEXT] == STANDARD_ERRORS.empty


# -- /involve leaving asks first, in the member's words ----------------------------------------
def _in_place(slack: SlackDriver) -> dict[str, Any]:
    return [r.params for r in slack.fake.responses
            if r.params.get("replace_original") is True][-1]


def _read_easily(message: dict[str, Any], crisis_line: str) -> None:
    footer = crisis_footer(crisis_line)
    assert footer in message["blocks"]  # 999 and the crisis line, at its foot
    found = score(plain_lines("\n".join(
        texts_in([b for b in message["blocks"] if b != footer and b["type"] != "actions"]))))
    assert found.ease >= EASY_READ_TARGET and (
        found.longest_sentence <= EASY_READ_LONGEST_SENTENCE), found


def test_an_easy_read_member_is_asked_before_leaving_in_easy_read(
        members: Runtime, slack: SlackDriver) -> None:
    reads_easy(members, FIN)
    crisis = members.services.settings.coprod_crisis_line
    agreed_work(members, FIN, title="Interview panel")
    asked = slack.payload(slack.command("/involve", "leaving", user_id=FIN))
    assert "Do you want to step back from being involved?" in json.dumps(asked)
    assert "If you do, this will end: *Interview panel*." in json.dumps(asked)
    _read_easily(asked, crisis)

    slack.click(asked, ActionId.INV_LEAVE_NOT_NOW, user_id=FIN, channel="D0MEMBR06")
    stayed = _in_place(slack)
    assert "OK. Nothing has changed." in json.dumps(stayed)
    _read_easily(stayed, crisis)

    slack.click(asked, ActionId.INV_LEAVE_YES, user_id=FIN, channel="D0MEMBR06")
    assert label(slack.opened_view(), BlockId.EX_IDENTITY) == EASY_READ_EXIT_FORM.send
    left = _in_place(slack)
    assert "You have stepped back. That is fine." in json.dumps(left)
    _read_easily(left, crisis)

    # Nothing left to end: said so in easy read, with the exit form still there to fill in.
    nothing = slack.payload(slack.command("/involve", "leaving", user_id=FIN))
    assert "You are not involved in anything just now." in json.dumps(nothing)
    _read_easily(nothing, crisis)
