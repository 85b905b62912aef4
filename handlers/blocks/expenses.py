"""Blocks for expenses: the claim form, the claim card coordinators act on, the question and
its answer, what the person is told, and the kind note as a yearly total nears the amount set.
Amounts appear only in what the person and coordinators read, never in a text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING

from bot.notices import Notice
from bot.rules.communication import Style
from bot.rules.expenses import (
    CLAIM_KIND_WORDS,
    CLAIM_STATUS_WORDS,
    QUESTION_MAX,
    WHAT_MAX,
    pounds,
)
from bot.rules.involvement import PAYMENT_CHOICE_WORDS, ClaimKind, ClaimStatus
from bot.services.expenses import (
    ClaimAnswered,
    ClaimOutcome,
    ClaimQuestion,
    ClaimToCoordinators,
    ClaimView,
    WorkChoice,
    YearlyAmountForCoordinators,
    YearlyAmountNote,
    YearlyView,
)
from handlers.blocks.easy import (
    drawn_in,
    easy_day,
    easy_lines,
    easy_message,
    easy_when,
    in_either_style,
)
from handlers.blocks.involvement import COORDINATOR_IS, EASY_CHOICE
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    are_you_sure,
    button,
    context,
    crisis_footer,
    escape_mrkdwn,
    option,
    plain,
    section,
    when,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services


# -- forms --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimFormWords:
    intro: str
    work: str
    kind: str
    kinds: dict[ClaimKind, str]
    amount: str
    amount_hint: str
    what: str
    what_hint: str


STANDARD_CLAIM_FORM = ClaimFormWords(
    intro="Claim expenses, or the fee agreed for your work. Only you and the coordinators see "
          "the amount.",
    work="Which work", kind="What you're claiming", kinds=CLAIM_KIND_WORDS,
    amount="Amount (£)",
    amount_hint="Pounds and pence, like 12.50. For the agreed fee, leave it empty to claim all "
                "of it.",
    what="What it was for",
    # Slack marks the box optional, as a fee claim needs nothing here: the hint says expenses do.
    what_hint="Needed for expenses: bus fares, lunch, a carer's cost. For the agreed fee you "
              "can leave it empty. Kept private.")

EASY_READ_CLAIM_FORM = ClaimFormWords(
    intro="Get back money you spent, or get the payment we agreed for your work.\n"
          "Only you and the coordinators see how much it is.",
    work="Which work is it for?", kind="What are you claiming?",
    kinds={ClaimKind.EXPENSES: "Money I spent", ClaimKind.FEE: "The payment we agreed"},
    amount="How much? (£)",
    amount_hint="Like 12.50. For the payment we agreed, leave this empty to get all of it.",
    what="What was it for?",
    what_hint="You must fill this in for money you spent. Like a bus fare or lunch. For the "
              "payment we agreed, you can leave it empty. We keep this private.")


def claim_form(choices: Sequence[WorkChoice], crisis_line: str, *,
               easy_read: bool = False) -> View:
    words = EASY_READ_CLAIM_FORM if easy_read else STANDARD_CLAIM_FORM
    work = [option(short_label(c.title), str(c.involvement_id)) for c in choices[:100]]
    kinds = [option(words.kinds[k], k.value) for k in ClaimKind]
    return drawn_in({
        "type": "modal", "callback_id": CallbackId.CLAIM_FORM,
        "title": plain("Claim"), "submit": plain("Send claim"), "close": plain("Cancel"),
        "blocks": [
            section(words.intro),
            {"type": "input", "block_id": BlockId.CL_WORK, "label": plain(words.work),
             "element": {"type": "static_select", "action_id": ActionId.CL_FIELD,
                         "options": work,
                         **({"initial_option": work[0]} if len(work) == 1 else {})}},
            {"type": "input", "block_id": BlockId.CL_KIND, "label": plain(words.kind),
             "element": {"type": "radio_buttons", "action_id": ActionId.CL_FIELD,
                         "options": kinds}},
            {"type": "input", "block_id": BlockId.CL_AMOUNT, "label": plain(words.amount),
             "optional": True, "hint": plain(words.amount_hint),
             "element": {"type": "plain_text_input", "action_id": ActionId.CL_FIELD,
                         "max_length": 12, "placeholder": plain("12.50")}},
            {"type": "input", "block_id": BlockId.CL_WHAT, "optional": True,
             "label": plain(words.what), "hint": plain(words.what_hint),
             "element": {"type": "plain_text_input", "action_id": ActionId.CL_FIELD,
                         "multiline": True, "max_length": WHAT_MAX}},
            crisis_footer(crisis_line),
        ],
    }, easy_read=easy_read)


def short_label(title: str) -> str:
    """An option's plain text is at most 75 characters."""
    return title if len(title) <= 75 else title[:74] + "…"


def claim_sent(claim: ClaimView, crisis_line: str, *, easy_read: bool = False) -> View:
    title = escape_mrkdwn(claim.opportunity_title)
    if easy_read:
        return done_view(CallbackId.CLAIM_FORM, "Claim sent", easy_lines([
            f"Thank you. We sent your claim for {claim.amount} to the coordinators.",
            f"It is for {title}.",
            "We will tell you here when it is approved.",
            "We will also tell you here if they have a question."]), crisis_line)
    return done_view(CallbackId.CLAIM_FORM, "Claim sent",
                     f"Thank you. Your claim of {claim.amount} for {title} has gone to the "
                     "coordinators. You'll hear here when it's approved, or if they have a "
                     "question.", crisis_line)


def question_form(claim: ClaimView, tz: tzinfo, crisis_line: str) -> View:
    return {
        "type": "modal", "callback_id": CallbackId.CLAIM_QUESTION_FORM,
        "private_metadata": json.dumps({"claim": claim.id}),
        "title": plain("Ask a question"), "submit": plain("Send"), "close": plain("Cancel"),
        "blocks": [
            *claim_details(claim, tz),
            {"type": "input", "block_id": BlockId.CL_QUESTION,
             "label": plain(f"Your question to {claim.claimant_name}"[:150]),
             "hint": plain("They'll see it in a direct message, with a button to answer."),
             "element": {"type": "plain_text_input", "action_id": ActionId.CL_FIELD,
                         "multiline": True, "max_length": QUESTION_MAX}},
            crisis_footer(crisis_line),
        ],
    }


def answer_form(claim: ClaimView, crisis_line: str) -> View:
    return {
        "type": "modal", "callback_id": CallbackId.CLAIM_ANSWER_FORM,
        "private_metadata": json.dumps({"claim": claim.id}),
        "title": plain("Answer"), "submit": plain("Send answer"), "close": plain("Cancel"),
        "blocks": [
            section(f"*The question about your claim of {claim.amount}*\n"
                    f"{escape_mrkdwn(claim.question)}"),
            {"type": "input", "block_id": BlockId.CL_ANSWER, "label": plain("Your answer"),
             "element": {"type": "plain_text_input", "action_id": ActionId.CL_FIELD,
                         "multiline": True, "max_length": QUESTION_MAX}},
            crisis_footer(crisis_line),
        ],
    }


def done_view(callback: CallbackId, title: str, words: str, crisis_line: str) -> View:
    """What a form says once sent, with the crisis line as every form has."""
    return {"type": "modal", "callback_id": callback, "title": plain(title),
            "close": plain("Done"), "blocks": [section(words), crisis_footer(crisis_line)]}


# -- the claim, as coordinators see it ---------------------------------------------------------
def who(claim: ClaimView) -> str:
    return (f"<@{claim.claimant_slack_id}>" if claim.claimant_slack_id
            else escape_mrkdwn(claim.claimant_name))


def claim_details(claim: ClaimView, tz: tzinfo) -> list[Block]:
    lines = [f"*Claim #{claim.id}* from {who(claim)}, {when(claim.claimed_at, tz)}",
             f"For: {escape_mrkdwn(claim.opportunity_title)}",
             f"{CLAIM_KIND_WORDS[claim.kind]}: *{claim.amount}*"]
    if claim.what:
        lines.append(f"What for: {escape_mrkdwn(claim.what)}")
    if claim.kind is ClaimKind.FEE and claim.payment_choice is not None:
        lines.append(f"Their choice: {PAYMENT_CHOICE_WORDS[claim.payment_choice]}")
    blocks = [section("\n".join(lines))]
    if claim.question:
        asked = f"<@{claim.decided_by}>" if claim.decided_by else "a coordinator"
        exchange = f"*Question from {asked}:* {escape_mrkdwn(claim.question)}"
        if claim.answer:
            exchange += f"\n*Their answer:* {escape_mrkdwn(claim.answer)}"
        blocks.append(section(exchange))
    return blocks


def claim_buttons(claim: ClaimView) -> list[Block]:
    value = str(claim.id)
    elements = []
    if claim.status in (ClaimStatus.CLAIMED, ClaimStatus.QUESTION):
        elements.append(button("Approve", ActionId.CLAIM_APPROVE, value, "primary",
                               confirm=are_you_sure(
                                   "Approve this claim?",
                                   f"{claim.amount} for {escape_mrkdwn(claim.claimant_name)}.",
                                   "Approve")))
    if claim.status is ClaimStatus.CLAIMED:
        elements.append(button("Ask a question", ActionId.CLAIM_ASK, value))
    if claim.status is ClaimStatus.APPROVED:
        elements.append(button("Mark as paid", ActionId.CLAIM_PAID, value,
                               confirm=are_you_sure(
                                   "Mark it paid?",
                                   f"{claim.amount} to {escape_mrkdwn(claim.claimant_name)} "
                                   "has been paid.", "Mark as paid")))
    return [{"type": "actions", "block_id": f"claim:{claim.id}", "elements": elements}] \
        if elements else []


def claim_status_line(claim: ClaimView) -> Block:
    words = CLAIM_STATUS_WORDS[claim.status]
    if claim.status in (ClaimStatus.APPROVED, ClaimStatus.PAID) and claim.decided_by:
        words += f" (approved by <@{claim.decided_by}>)"
    return context(words)


def claim_card(claim: ClaimView, tz: tzinfo, intro: str = "") -> Payload:
    blocks = ([section(intro)] if intro else []) + claim_details(claim, tz)
    blocks += [claim_status_line(claim), *claim_buttons(claim)]
    name = escape_mrkdwn(claim.claimant_name)
    text = intro or (f"A claim from {name} for {escape_mrkdwn(claim.opportunity_title)}: "
                     f"{CLAIM_STATUS_WORDS[claim.status].lower()}.")
    return {"text": text, "blocks": blocks}


def no_longer_yours() -> Payload:
    """A coordinator's copy once they no longer coordinate: the claim's words and amount go."""
    words = "This is no longer yours to see."
    return {"text": words, "blocks": [section(words)]}


def claims_list(claims: Sequence[ClaimView], total: int, tz: tzinfo,
                crisis_line: str) -> list[Block]:
    if not claims:
        return [section("No claims are waiting. Thank you for keeping on top of them."),
                crisis_footer(crisis_line)]
    blocks = [section(f"*Claims waiting* ({total})")]
    for claim in claims:
        blocks += [*claim_details(claim, tz)[:1], claim_status_line(claim),
                   *claim_buttons(claim)]
    if total > len(claims):
        blocks.append(context(f"And {total - len(claims)} more: deal with these first, or "
                              "see them all with `coprod involvement export --status all`."))
    return [*blocks[:48], crisis_footer(crisis_line)]


# -- what the person is told -------------------------------------------------------------------
# The text a notification shows carries no amount: it can be read on a locked phone.
def question_message(claim: ClaimView) -> Payload:
    work = escape_mrkdwn(claim.opportunity_title)
    text = f"A coordinator has a question about your claim for {work}."
    blocks = [section(f"A coordinator has a question about your claim of {claim.amount} for "
                      f"{work}:\n>{escape_mrkdwn(claim.question)}")]
    if claim.status is ClaimStatus.QUESTION:
        blocks.append({"type": "actions", "block_id": f"claim-question:{claim.id}",
                       "elements": [button("Answer", ActionId.CLAIM_ANSWER, str(claim.id),
                                           "primary")]})
    else:
        blocks.append(context("Answered, or no answer is needed any more. Thank you."))
    return {"text": text, "blocks": blocks}


def outcome_message(claim: ClaimView, status: ClaimStatus) -> Payload:
    work = escape_mrkdwn(claim.opportunity_title)
    if status is ClaimStatus.PAID:
        text = f"Your claim for {work} has been paid. Thank you."
        shown = f"Your claim of {claim.amount} for {work} has been paid. Thank you."
    else:
        text = f"Your claim for {work} has been approved, and will be paid soon."
        shown = (f"Your claim of {claim.amount} for {work} has been approved, and will be paid "
                 "soon. Thank you for your time and your work.")
    return {"text": text, "blocks": [section(shown)]}


def since(view: YearlyView) -> str:
    return f"since {view.first_day.day} {view.first_day:%B %Y}"


def yearly_for_person(view: YearlyView) -> Payload:
    shown = (f"You've been paid (or approved to be paid) {pounds(view.counted_pence)} in fees "
             f"this tax year ({since(view)}){_waiting(view)}. Some benefits have limits on "
             "earnings, so it may be worth a quick check with independent advice: "
             f"{escape_mrkdwn(view.advice)}. Coprod can't give benefits advice.")
    text = ("A note about your fees this tax year, and where to get independent advice "
            "about benefits.")
    return {"text": text, "blocks": [
        section(shown),
        context("Only you and the coordinators see this. It's your choice what, if anything, "
                "to do about it.")]}


def yearly_for_coordinators(view: YearlyView) -> Payload:
    name = escape_mrkdwn(view.member_name)
    shown = (f"{name}'s fees this tax year ({since(view)}) have come to "
             f"{pounds(view.counted_pence)}{_waiting(view)}: {view.share}% or more of the "
             f"{pounds(view.alert_pence)} yearly amount set. They've been told kindly and "
             f"pointed to independent advice ({escape_mrkdwn(view.advice)}). Nothing needs to "
             "stop: it's their choice, and Coprod doesn't give benefits advice.")
    return {"text": f"{name}'s fees this tax year have reached {view.share}% of the yearly "
                    "amount set.", "blocks": [section(shown)]}


def _waiting(view: YearlyView) -> str:
    return f", with {pounds(view.waiting_pence)} more claimed" if view.waiting_pence else ""


# -- the same messages in easy read -------------------------------------------------------------
EASY_STATUS: dict[ClaimStatus, str] = {
    ClaimStatus.CLAIMED: "It is waiting for a coordinator to check it.",
    ClaimStatus.QUESTION: "A coordinator asked a question. It is waiting for the answer.",
    ClaimStatus.APPROVED: "It is approved. It is waiting to be paid.",
    ClaimStatus.PAID: "It has been paid.",
}
EASY_NEXT: dict[ClaimStatus, str] = {
    ClaimStatus.CLAIMED: "Please check it. Tap Approve, or Ask a question.",
    ClaimStatus.QUESTION: "You can still approve it. Tap Approve.",
    ClaimStatus.APPROVED: "When it is paid, tap Mark as paid.",
}


def _easy_claim_lines(claim: ClaimView, tz: tzinfo) -> list[str]:
    """A claim's facts for a coordinator, one a line."""
    asking = (f"{who(claim)} is claiming expenses. This is money they spent to do the work."
              if claim.kind is ClaimKind.EXPENSES else
              f"{who(claim)} is claiming the fee we agreed for their work.")
    lines = [asking, f"The work: {escape_mrkdwn(claim.opportunity_title)}.",
             f"The amount: *{claim.amount}*."]
    if claim.what:
        lines.append(f"What it was for: {escape_mrkdwn(claim.what)}")
    if claim.kind is ClaimKind.FEE and claim.payment_choice is not None:
        lines.append(f"They chose to {EASY_CHOICE[claim.payment_choice]}.")
    lines += [f"They claimed it on {easy_when(claim.claimed_at, tz)}.",
              f"This is claim number {claim.id}."]
    if claim.question:
        asked = f"<@{claim.decided_by}>" if claim.decided_by else "A coordinator"
        lines.append(f"{asked} asked: {escape_mrkdwn(claim.question)}")
        if claim.answer:
            lines.append(f"Their answer: {escape_mrkdwn(claim.answer)}")
    lines.append(EASY_STATUS[claim.status])
    if claim.status in (ClaimStatus.APPROVED, ClaimStatus.PAID) and claim.decided_by:
        lines.append(f"<@{claim.decided_by}> approved it.")
    return lines


def easy_claim_card(claim: ClaimView, tz: tzinfo, intro: str = "") -> Payload:
    """The claim card in easy read: the same facts and the same buttons."""
    name = escape_mrkdwn(claim.claimant_name)
    lines = ([intro] if intro else []) + _easy_claim_lines(claim, tz)
    buttons = claim_buttons(claim)
    if buttons:
        lines.append(EASY_NEXT[claim.status])
    text = intro or (f"{name} has made a claim for {escape_mrkdwn(claim.opportunity_title)}. "
                     f"{EASY_STATUS[claim.status]}")
    return easy_message(lines, actions=buttons, text=text)


claim_card_in = in_either_style(claim_card, easy_claim_card)


def easy_no_longer_yours() -> Payload:
    return easy_message(["You cannot see this any more.",
                         "This is because it is not yours to look at now."],
                        text="You cannot see this any more")


def easy_question_message(claim: ClaimView) -> Payload:
    work = escape_mrkdwn(claim.opportunity_title)
    lines = ["A coordinator has a question for you.", COORDINATOR_IS, "It is about your claim.",
             f"You claimed {claim.amount} for {work}.", "This is what they ask:",
             f">{escape_mrkdwn(claim.question)}"]
    actions: list[Block] = []
    if claim.status is ClaimStatus.QUESTION:
        lines.append("To reply, tap Answer.")
        actions = [{"type": "actions", "block_id": f"claim-question:{claim.id}",
                    "elements": [button("Answer", ActionId.CLAIM_ANSWER, str(claim.id),
                                        "primary")]}]
    else:
        lines += ["You have answered, or they do not need an answer now.", "Thank you."]
    return easy_message(lines, actions=actions,
                        text=f"A coordinator has a question about your claim for {work}")


def easy_outcome_message(claim: ClaimView, status: ClaimStatus) -> Payload:
    work = escape_mrkdwn(claim.opportunity_title)
    if status is ClaimStatus.PAID:
        text = f"We have paid your claim for {work}"
        lines = ["We have paid your claim.", f"You claimed {claim.amount} for {work}.",
                 "Thank you."]
    else:
        text = f"Good news: we said yes to your claim for {work}"
        lines = ["Good news: we said yes to your claim.",
                 f"You claimed {claim.amount} for {work}.", "We will pay you soon.",
                 "Thank you for your time and your work."]
    return easy_message(lines, text=text)


def _easy_since(view: YearlyView) -> str:
    return f"{easy_day(view.first_day)} {view.first_day.year}"


def _easy_waiting(view: YearlyView) -> list[str]:
    if not view.waiting_pence:
        return []
    return [f"You also claimed {pounds(view.waiting_pence)} more.",
            "We have not said yes to that yet."]


def easy_yearly_for_person(view: YearlyView) -> Payload:
    return easy_message(
        ["This is a note about your fees.", "A fee is money we pay you for your work.",
         f"The tax year started on {_easy_since(view)}.",
         f"Since then, your fees come to {pounds(view.counted_pence)}.",
         "This counts fees we paid you, or said yes to.", *_easy_waiting(view),
         "Some benefits have a limit on how much you can earn.",
         "So it may help to check with someone.",
         "We cannot give you advice about benefits.",
         "You can get advice from people outside our charity:",
         f"{escape_mrkdwn(view.advice)}.",
         "Only you and the coordinators can see this.",
         "It is up to you what to do. You do not have to do anything."],
        text="A note about your fees, and where to get advice about benefits")


def easy_yearly_for_coordinators(view: YearlyView) -> Payload:
    name = escape_mrkdwn(view.member_name)
    counted = pounds(view.counted_pence)
    waiting = (f"They also claimed {pounds(view.waiting_pence)} more, not yet approved."
               if view.waiting_pence else "")
    return easy_message(
        [f"{name}'s fees have reached {view.share}% or more of the yearly amount.",
         f"The yearly amount we set is {pounds(view.alert_pence)}.",
         f"Since {_easy_since(view)}, their fees come to {counted}.", waiting,
         "We have told them, kindly.",
         "We told them where to get advice from people outside our charity:",
         f"{escape_mrkdwn(view.advice)}.",
         "Nothing needs to stop.", "It is their choice what to do.",
         "Coprod does not give advice about benefits."],
        text=f"{name}'s fees have reached {view.share}% of the yearly amount")


# -- drawing the notices expenses record --------------------------------------------------------
def _draw_claim(notice: ClaimToCoordinators, services: Services, style: Style) -> Payload:
    claim = services.expenses.claim_view_for(notice.claim_id, notice.to)
    if claim is None:
        return easy_no_longer_yours() if style.easy_read else no_longer_yours()
    return claim_card_in(style, claim, services.settings.timezone)


def _draw_question(notice: ClaimQuestion, services: Services, style: Style) -> Payload:
    draw = easy_question_message if style.easy_read else question_message
    return draw(services.expenses.claim_view(notice.claim_id))


def _draw_answered(notice: ClaimAnswered, services: Services, style: Style) -> Payload:
    claim = services.expenses.claim_view(notice.claim_id)
    name = escape_mrkdwn(claim.claimant_name)
    if style.easy_read:
        return easy_claim_card(claim, services.settings.timezone,
                               intro=f"{name} has answered your question about their claim.")
    return claim_card(claim, services.settings.timezone,
                      intro=f"{name} answered your question about claim #{claim.id}.")


def _draw_outcome(notice: ClaimOutcome, services: Services, style: Style) -> Payload:
    draw = easy_outcome_message if style.easy_read else outcome_message
    return draw(services.expenses.claim_view(notice.claim_id), notice.status)


def _draw_yearly(notice: YearlyAmountNote, services: Services, style: Style) -> Payload:
    draw = easy_yearly_for_person if style.easy_read else yearly_for_person
    return draw(services.expenses.yearly_view(notice.member_id, notice.tax_year, notice.share))


def _draw_yearly_for_coordinators(notice: YearlyAmountForCoordinators,
                                  services: Services, style: Style) -> Payload:
    draw = easy_yearly_for_coordinators if style.easy_read else yearly_for_coordinators
    return draw(services.expenses.yearly_view(notice.member_id, notice.tax_year, notice.share))


RENDERERS: dict[type[Notice], Renderer] = {
    ClaimToCoordinators: _draw_claim,
    ClaimQuestion: _draw_question,
    ClaimAnswered: _draw_answered,
    ClaimOutcome: _draw_outcome,
    YearlyAmountNote: _draw_yearly,
    YearlyAmountForCoordinators: _draw_yearly_for_coordinators,
}
