"""Blocks for involvement opportunities: the posting form, the announcement, the written offer
with the buttons that apply, what the contact is told at each step, `/involve` and
`/involve stories`, the payment and story-use forms, and the exit form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.notices import Notice
from bot.rules.communication import NEW_WAY, Style
from bot.rules.involvement import (
    OPPORTUNITY_KIND_WORDS,
    PAYMENT_CHOICE_WORDS,
    RECOMPENSE_WORDS,
    ConsentStage,
    InvolvementStatus,
    OpportunityKind,
    OpportunityStatus,
    PaymentChoice,
    Recompense,
)
from bot.rules.opportunities import (
    EXIT_QUESTIONS,
    FEE_EXAMPLE,
    OK_TO_SAY_NO,
    RECOMMEND_WORDS,
    TAKE_LESS_EXAMPLE,
    USE_WORDS,
    Move,
    Recommend,
    Step,
    UseVerdict,
    moves_open_to_person,
    opportunity_text,
    pounds,
    recompense_words,
)
from bot.services.involvement import (
    ConsentAfterAsked,
    ContactNamed,
    ExitOffered,
    InterestShown,
    InvolvementView,
    Leaving,
    OfferMade,
    OpportunityPosted,
    OpportunityView,
    Overview,
    StepTaken,
)
from handlers.blocks.easy import (
    drawn_in,
    easy_day,
    easy_lines,
    easy_message,
    in_either_style,
)
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    button,
    context,
    crisis_footer,
    escape_mrkdwn,
    header,
    option,
    plain,
    section,
    text_sections,
)
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue

if TYPE_CHECKING:
    from bot.services import Services

MAX_BLOCKS = 50  # Slack's limit for a message

STATUS_FOR_PERSON: dict[InvolvementStatus, str] = {
    InvolvementStatus.INTERESTED: "You said you're interested",
    InvolvementStatus.OFFERED: "Offered to you: waiting for your answer",
    InvolvementStatus.ACCEPTED: "Agreed",
    InvolvementStatus.DECLINED: "You said no thanks",
    InvolvementStatus.PAUSED: "Paused",
    InvolvementStatus.WITHDRAWN: "Withdrawn",
    InvolvementStatus.ENDED: "Ended",
}
STATUS_FOR_TEAM: dict[InvolvementStatus, str] = {
    InvolvementStatus.INTERESTED: "interested",
    InvolvementStatus.OFFERED: "offered, waiting for their answer",
    InvolvementStatus.ACCEPTED: "agreed",
    InvolvementStatus.DECLINED: "said no thanks",
    InvolvementStatus.PAUSED: "paused",
    InvolvementStatus.WITHDRAWN: "withdrawn",
    InvolvementStatus.ENDED: "ended",
}
MOVE_BUTTONS: dict[Move, tuple[str, ActionId, str | None]] = {
    Move.ACCEPT: ("Accept", ActionId.INV_ACCEPT, "primary"),
    Move.DECLINE: ("No thanks", ActionId.INV_DECLINE, None),
    Move.PAUSE: ("Pause", ActionId.INV_PAUSE, None),
    Move.RESUME: ("Resume", ActionId.INV_RESUME, "primary"),
    Move.WITHDRAW: ("Withdraw", ActionId.INV_WITHDRAW, None),
}
PAYMENT_BUTTONS: dict[PaymentChoice, tuple[str, ActionId]] = {
    PaymentChoice.TAKE: ("Take it", ActionId.INV_PAY_TAKE),
    PaymentChoice.TAKE_LESS: ("Take less", ActionId.INV_PAY_LESS),
    PaymentChoice.DONATE: ("Have it donated", ActionId.INV_PAY_DONATE),
    PaymentChoice.DECLINE: ("Decline it", ActionId.INV_PAY_DECLINE),
}
CONSENT_BUTTONS: dict[ConsentStage, tuple[ActionId, ActionId]] = {
    ConsentStage.BEFORE: (ActionId.INV_CONSENT_YES_BEFORE, ActionId.INV_CONSENT_NO_BEFORE),
    ConsentStage.AFTER: (ActionId.INV_CONSENT_YES_AFTER, ActionId.INV_CONSENT_NO_AFTER),
}
STEP_WORDS: dict[Step, str] = {
    Step.ACCEPTED: "{name} has accepted the offer of {title}. The offer is kept as the "
                   "agreement.",
    Step.DECLINED: "{name} said no thanks to the offer of {title}. That's completely fine.",
    Step.PAUSED: "{name} has paused {title} for now.",
    Step.RESUMED: "{name} has picked {title} up again.",
    Step.WITHDRAWN: "{name} has withdrawn from {title}. No reason is needed, and none was "
                    "asked. Their wellbeing checks still to come are cancelled.",
    Step.LEFT: "{name} is stepping back from involvement, so {title} has ended for them.",
    Step.PAYMENT_CHOSEN: "{name} has made their payment choice for {title}: {choice}. "
                         "`/involve` shows the amount.",
    Step.CONSENT_GIVEN: "{name} has given consent for their story or outputs from {title}.",
    Step.CONSENT_REFUSED: "{name} has not given consent for their story or outputs from "
                          "{title}, so they may not be used.",
    Step.CONSENT_WITHDRAWN: "{name} has withdrawn consent for their story or outputs from "
                            "{title}: nothing more may be used. `/involve stories` shows "
                            "what may still be used.",
}
SHARING_OPTIONS = [
    option("A personal story will be shared", OptionValue.SHARES_STORY),
    option("Outputs will be published (a report, a video, quotes)",
           OptionValue.PUBLISHED_OUTPUTS),
]
IDENTITY_OPTIONS = [
    option("Anonymously", OptionValue.ANONYMOUS,
           "Kept without your name, with the month only"),
    option("With my name", OptionValue.NAMED),
]


def _fit(blocks: list[Block], most: int = MAX_BLOCKS) -> list[Block]:
    """Within Slack's limit for a message (or `most`), saying when some were left out."""
    if len(blocks) <= most:
        return blocks
    return [*blocks[:most - 1],
            context("There's more than fits here; please ask a coordinator for the rest.")]


def _day(moment: datetime | date, tz: tzinfo) -> str:
    day = moment.astimezone(tz).date() if isinstance(moment, datetime) else moment
    return f"{day:%a} {day.day} {day:%b}"


def _title(view: OpportunityView) -> str:
    return f"*{escape_mrkdwn(view.title)}*"


def _dates(view: OpportunityView, tz: tzinfo) -> str:
    if view.starts_at and view.ends_at:
        return f"{_day(view.starts_at, tz)} to {_day(view.ends_at, tz)}"
    if view.starts_at or view.ends_at:
        moment = view.starts_at or view.ends_at
        assert moment is not None
        return ("from " if view.starts_at else "until ") + _day(moment, tz)
    return ""


def recompense_line(view: OpportunityView, *, with_amount: bool) -> str:
    """The recompense; the amount only for the person it's offered to and coordinators."""
    if with_amount:
        return recompense_words(view.recompense, view.amount_pence)
    words = RECOMPENSE_WORDS[view.recompense]
    return words + (" (the amount is set out in the written offer)." if view.paid else ".")


def _short(words: str, most: int) -> str:
    """Someone's words, cut (before escaping, so no escape is cut in half) to fit a summary;
    the written offer always has them whole."""
    return escape_mrkdwn(words if len(words) <= most else words[:most - 1].rstrip() + "…")


def opportunity_summary(view: OpportunityView, tz: tzinfo, *, with_amount: bool,
                        most: int = 500) -> str:
    """Within one section's 3,000 characters, whatever was typed."""
    dates = _dates(view, tz)
    lines = [f"{_title(view)} · {OPPORTUNITY_KIND_WORDS[view.kind]}",
             f"*What it's for:* {_short(view.purpose, most)}",
             f"*What's expected:* {_short(view.expected, most)}",
             f"*When and where:* {escape_mrkdwn(view.when_where)}"
             + (f" ({dates})" if dates else ""),
             f"*Time it takes:* {escape_mrkdwn(view.time_needed)}"]
    if view.experience:
        lines.append(f"*Experience it needs:* {_short(view.experience, most // 2)}")
    recompense = recompense_line(view, with_amount=with_amount)
    lines.append(f"*Recompense, agreed in advance:* {recompense}")
    if view.asks_consent:
        lines.append("_Consent is asked before and after, and can be withdrawn at any time._")
    return "\n".join(lines)


# -- the posting form -------------------------------------------------------------------------
def _input(block: BlockId, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> Block:
    made: Block = {"type": "input", "block_id": block, "label": plain(label),
                   "optional": optional, "element": {**element, "action_id": ActionId.OP_FIELD}}
    if hint:
        made["hint"] = plain(hint)
    return made


def _text(limit: int, *, multiline: bool = False) -> dict[str, Any]:
    return {"type": "plain_text_input", "max_length": limit, "multiline": multiline}


def opportunity_form(contact_slack_id: str) -> View:
    kinds = [option(OPPORTUNITY_KIND_WORDS[k], k.value) for k in OpportunityKind]
    recompense = [option(RECOMPENSE_WORDS[r], r.value) for r in Recompense]
    return {
        "type": "modal", "callback_id": CallbackId.OPPORTUNITY_FORM,
        "title": plain("New opportunity"), "submit": plain("Post it"), "close": plain("Cancel"),
        "blocks": [
            section("Everything here goes into the written offer, so the person knows what "
                    "they're agreeing to before they say yes."),
            _input(BlockId.OP_KIND, "Kind", {"type": "static_select", "options": kinds}),
            _input(BlockId.OP_TITLE, "Title", _text(150)),
            _input(BlockId.OP_PURPOSE, "Purpose and outcomes", _text(2000, multiline=True),
                   hint="What it's for, and what it should achieve."),
            _input(BlockId.OP_EXPECTED, "What is expected", _text(2000, multiline=True)),
            _input(BlockId.OP_WHEN_WHERE, "Time and place, or remote", _text(300)),
            _input(BlockId.OP_TIME_NEEDED, "The time it takes", _text(200),
                   hint="For example: two hours, plus half an hour to prepare."),
            _input(BlockId.OP_EXPERIENCE, "Experience it needs", _text(1000, multiline=True),
                   optional=True),
            _input(BlockId.OP_RECOMPENSE, "Recompense, agreed in advance",
                   {"type": "radio_buttons", "options": recompense}),
            _input(BlockId.OP_AMOUNT, "Amount (for a fee or a voucher)", _text(12),
                   optional=True, hint=f"In pounds, like {FEE_EXAMPLE}."),
            _input(BlockId.OP_SHARING, "Stories and outputs",
                   {"type": "checkboxes", "options": SHARING_OPTIONS}, optional=True,
                   hint="Consent is then asked before the work and again after it."),
            _input(BlockId.OP_CONTACT, "Named contact (a coordinator or the HR officer)",
                   {"type": "users_select", "initial_user": contact_slack_id}),
            _input(BlockId.OP_STARTS, "First day", {"type": "datepicker"}, optional=True),
            _input(BlockId.OP_ENDS, "Last day", {"type": "datepicker"}, optional=True),
        ],
    }


def posted_view(view: OpportunityView, tz: tzinfo) -> View:
    return {"type": "modal", "callback_id": CallbackId.OPPORTUNITY_FORM,
            "title": plain("Posted"), "close": plain("Done"),
            "blocks": [section(f"{_title(view)} is posted. Every member hears of it, and "
                               "anyone interested goes to the named contact, "
                               f"{escape_mrkdwn(view.contact_name or 'a coordinator')}."),
                       section(opportunity_summary(view, tz, with_amount=True))]}


# -- the person's buttons ---------------------------------------------------------------------
def _actions(block_id: str, elements: list[dict[str, Any]]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": elements[:25]}


def person_actions(view: InvolvementView, where: BlockId = BlockId.INV_ACTIONS) -> list[Block]:
    """The buttons that apply to the person now: their answer or pause / withdraw, the payment
    choice, and consent for a story (give it, or withdraw it with one click)."""
    value = str(view.id)
    blocks: list[Block] = []
    moves = [button(*MOVE_BUTTONS[m][:2], value, MOVE_BUTTONS[m][2])
             for m in moves_open_to_person(view.status) if m in MOVE_BUTTONS]
    if Move.INTEREST in moves_open_to_person(view.status) and \
            view.opportunity.status is OpportunityStatus.OPEN:
        moves.append(button("I'm interested again", ActionId.INV_INTERESTED,
                            str(view.opportunity.id)))
    if moves:
        blocks.append(_actions(f"{where}:{view.id}:moves", moves))
    if view.needs_payment_choice and view.payment_choice is None:
        blocks.append(_actions(f"{where}:{view.id}:pay", [
            button(words, action, value) for words, action in PAYMENT_BUTTONS.values()]))
    consent = view.consent
    if consent is not None and consent.waiting_for is not None:
        yes, no = CONSENT_BUTTONS[consent.waiting_for]
        blocks.append(_actions(f"{where}:{view.id}:consent", [
            button("Yes, I consent", yes, value, "primary"), button("No", no, value)]))
    elif consent is not None and consent.verdict is UseVerdict.MAY_USE:
        blocks.append(_actions(f"{where}:{view.id}:consent", [
            button("Withdraw my consent", ActionId.INV_CONSENT_WITHDRAW, value)]))
    return blocks


def payment_line(view: InvolvementView) -> str | None:
    if not view.needs_payment_choice:
        return None
    if view.payment_choice is None:
        return ("*Your payment:* please choose: take it, take less, have it donated to the "
                "charity, or decline it. Payment can affect some benefits; for free, "
                "independent advice, see the offer.")
    line = f"*Your payment:* {PAYMENT_CHOICE_WORDS[view.payment_choice]}"
    if view.payment_choice in (PaymentChoice.TAKE, PaymentChoice.TAKE_LESS) and \
            view.amount_taken_pence is not None:
        line += f" ({pounds(view.amount_taken_pence)})"
    return line


def consent_line(view: InvolvementView, tz: tzinfo) -> str | None:
    consent = view.consent
    if consent is None:
        return None
    if consent.withdrawn_at is not None:
        return (f"*Your story or outputs:* you withdrew consent on "
                f"{_day(consent.withdrawn_at, tz)}. Nothing more will be used.")
    if consent.waiting_for is ConsentStage.BEFORE:
        return ("*Your story or outputs:* may we share your story or publish the outputs? "
                "It's fine to say no.")
    if consent.waiting_for is ConsentStage.AFTER:
        return ("*Your story or outputs:* now the work has ended, may we still use them? "
                "It's fine to say no.")
    return ("*Your story or outputs:* " + ("you've given consent. You can withdraw it at "
                                           "any time." if consent.verdict is UseVerdict.MAY_USE
                                           else "you didn't give consent, so they won't be "
                                                "used."))


def involvement_lines(view: InvolvementView, tz: tzinfo) -> str:
    lines = [f"{_title(view.opportunity)} · {STATUS_FOR_PERSON[view.status]}"]
    lines += [line for line in (payment_line(view), consent_line(view, tz)) if line]
    return "\n".join(lines)


# -- messages (drawn from notices) ------------------------------------------------------------
def opportunity_card(view: OpportunityView, tz: tzinfo) -> Payload:
    """The announcement to every member."""
    blocks: list[Block] = [section(f"{NEW_WAY} A new way to get involved\n"
                                   f"{opportunity_summary(view, tz, with_amount=False)}")]
    if view.status is OpportunityStatus.OPEN:
        blocks.append(_actions(f"{BlockId.INV_ACTIONS}:opp:{view.id}", [
            button("I'm interested", ActionId.INV_INTERESTED, str(view.id), "primary")]))
        contact = escape_mrkdwn(view.contact_name or "a coordinator")
        blocks.append(context(f"The named contact is {contact}. Saying you're interested "
                              "agrees to nothing: you'll get a written offer first. "
                              f"{OK_TO_SAY_NO}"))
    else:
        blocks.append(context("This opportunity has closed. `/involve` shows what's open."))
    return {"text": f"A new way to get involved: {escape_mrkdwn(view.title)}",
            "blocks": blocks, "sms": opportunity_text(view.kind)}


def contact_named(view: OpportunityView) -> Payload:
    text = (f"You're the named contact for {_title(view)}. When someone says they're "
            "interested, you'll hear here, with a button to offer it to them.")
    return {"text": text, "blocks": [section(text)]}


def interest_message(view: InvolvementView) -> Payload:
    """To the contact: someone is interested; the offer is one click."""
    name = escape_mrkdwn(view.member_name)
    text = f"{name} is interested in {_title(view.opportunity)}."
    blocks: list[Block] = [section(text)]
    if view.status is InvolvementStatus.INTERESTED:
        blocks.append(_actions(f"{BlockId.INV_ACTIONS}:{view.id}:offer", [
            button("Offer it to them", ActionId.INV_OFFER, str(view.id), "primary")]))
        blocks.append(context(
            "They agreed to this before: offering it again sends them their agreement as it "
            "stands, to take up again, and it's OK to say no." if view.accepted_at else
            "They'll get the written offer: everything the opportunity states, and that it's "
            "OK to say no."))
    else:
        blocks.append(context(f"Now: {STATUS_FOR_TEAM[view.status]}."))
    return {"text": text, "blocks": blocks}


def offer_message(view: InvolvementView, tz: tzinfo) -> Payload:
    """The written offer, word for word as it is kept, and the buttons that apply now."""
    blocks: list[Block] = [header(f"An offer: {view.opportunity.title}"[:150])]
    if view.status is InvolvementStatus.OFFERED and view.accepted_at is not None:
        blocks.append(section("This is the agreement you accepted before, word for word. "
                              "Accepting takes it up again as it stands, with the payment "
                              "choice you made (if any)."))
    blocks += text_sections(view.agreement)
    blocks.append(context(involvement_lines(view, tz)))
    blocks += person_actions(view)
    return {"text": f"An offer for you: {escape_mrkdwn(view.opportunity.title)}",
            "blocks": _fit(blocks)}


def step_message(view: InvolvementView, step: Step) -> Payload:
    choice = (PAYMENT_CHOICE_WORDS[view.payment_choice].lower() if view.payment_choice
              else "not chosen yet")
    text = STEP_WORDS[step].format(name=escape_mrkdwn(view.member_name),
                                   title=_title(view.opportunity), choice=choice)
    return {"text": text, "blocks": [section(text)]}


def consent_after_message(view: InvolvementView, tz: tzinfo) -> Payload:
    text = (f"Thank you for taking part in {_title(view.opportunity)}. Now that it has ended, "
            "we'd like to check again: may we still use your story or the outputs? It's "
            "completely fine to say no.")
    blocks: list[Block] = [section(text)]
    line = consent_line(view, tz)
    if line and (view.consent is None or view.consent.waiting_for is not ConsentStage.AFTER):
        blocks.append(context(line))
    blocks += [b for b in person_actions(view) if b["block_id"].endswith(":consent")]
    return {"text": text, "blocks": blocks}


def exit_offered_message(view: InvolvementView) -> Payload:
    text = (f"Thank you for everything you gave to {_title(view.opportunity)}, which is now "
            "marked as ended. Would you tell us how it went? A few short questions, all "
            "optional, and anonymous if you like.")
    return {"text": text, "blocks": [
        section(text),
        _actions(f"{BlockId.INV_ACTIONS}:{view.id}:exit", [
            button("Share how it went", ActionId.INV_EXIT_FORM, "exit")])]}


# -- the same messages in easy read -------------------------------------------------------------
EASY_KIND: dict[OpportunityKind, str] = {
    OpportunityKind.CONSULTATION: "It is a chance to give us your views.",
    OpportunityKind.TRAINING: "It is helping to run a training course.",
    OpportunityKind.INTERVIEW_PANEL: "It is an interview panel. The panel helps choose who "
                                     "gets a job.",
    OpportunityKind.PEER_SUPPORT: "It is peer support work. You support people with what "
                                  "you have lived through.",
    OpportunityKind.SPEAKING: "It is speaking to people, or sharing your story.",
    OpportunityKind.OTHER: "It is something else.",
}
EASY_KIND_IN_A_TEXT: dict[OpportunityKind, str] = {
    OpportunityKind.CONSULTATION: "It is a chance to give us your views.",
    OpportunityKind.TRAINING: "It is helping to run a training course.",
    OpportunityKind.INTERVIEW_PANEL: "It is helping to choose who gets a job.",
    OpportunityKind.PEER_SUPPORT: "It is peer support work.",
    OpportunityKind.SPEAKING: "It is speaking to people, or sharing a story.",
    OpportunityKind.OTHER: "It is something else.",
}
EASY_STATUS_FOR_PERSON: dict[InvolvementStatus, str] = {
    InvolvementStatus.INTERESTED: "You said you are interested.",
    InvolvementStatus.OFFERED: "We offered it to you. We are waiting for your answer.",
    InvolvementStatus.ACCEPTED: "You said yes. It is agreed.",
    InvolvementStatus.DECLINED: "You said no thanks.",
    InvolvementStatus.PAUSED: "You are taking a break from it.",
    InvolvementStatus.WITHDRAWN: "You have stopped taking part.",
    InvolvementStatus.ENDED: "It has ended.",
}
EASY_STATUS_FOR_TEAM: dict[InvolvementStatus, str] = {
    InvolvementStatus.INTERESTED: "They are still interested.",
    InvolvementStatus.OFFERED: "We have offered it to them. We are waiting for their answer.",
    InvolvementStatus.ACCEPTED: "Now they have said yes.",
    InvolvementStatus.DECLINED: "Now they have said no thanks.",
    InvolvementStatus.PAUSED: "Now they are taking a break from it.",
    InvolvementStatus.WITHDRAWN: "Now they have stopped taking part.",
    InvolvementStatus.ENDED: "The work has now ended for them.",
}
EASY_CHOICE: dict[PaymentChoice, str] = {
    PaymentChoice.TAKE: "take the money",
    PaymentChoice.TAKE_LESS: "take less money",
    PaymentChoice.DONATE: "give the money to the charity",
    PaymentChoice.DECLINE: "say no to the money",
}
# Easy words on the same buttons (same action ids and values: the handlers don't change).
EASY_BUTTON_WORDS: dict[str, str] = {
    ActionId.INV_ACCEPT: "Yes, I accept",
    ActionId.INV_PAUSE: "Take a break",
    ActionId.INV_RESUME: "Start again",
    ActionId.INV_WITHDRAW: "Stop taking part",
    ActionId.INV_PAY_TAKE: "Take the money",
    ActionId.INV_PAY_LESS: "Take less money",
    ActionId.INV_PAY_DONATE: "Give it to the charity",
    ActionId.INV_PAY_DECLINE: "Say no to the money",
    ActionId.INV_CONSENT_YES_BEFORE: "Yes, you can use it",
    ActionId.INV_CONSENT_YES_AFTER: "Yes, you can use it",
    ActionId.INV_CONSENT_WITHDRAW: "Stop using my story",
}
CONSENT_ACTIONS = {ActionId.INV_CONSENT_YES_BEFORE, ActionId.INV_CONSENT_NO_BEFORE,
                   ActionId.INV_CONSENT_YES_AFTER, ActionId.INV_CONSENT_NO_AFTER,
                   ActionId.INV_CONSENT_WITHDRAW}
COORDINATOR_IS = "A coordinator is one of the people who run things here."
EASY_OK_TO_SAY_NO = ["It is OK to say no.", "You can stop at any time."]
EASY_STEP_WORDS: dict[Step, list[str]] = {
    Step.ACCEPTED: ["{name} said yes to {title}.", "The offer they read is now the agreement."],
    Step.DECLINED: ["{name} said no thanks to {title}.", "That is fine."],
    Step.PAUSED: ["{name} is taking a break from {title}."],
    Step.RESUMED: ["{name} is back on {title}.", "Their break is over."],
    Step.WITHDRAWN: ["{name} has stopped taking part in {title}.",
                     "They do not need to give a reason.", "We did not ask for one.",
                     "We have cancelled their check-ins still to come.",
                     "A check-in asks how someone is doing."],
    Step.LEFT: ["{name} is stepping back from being involved.",
                "So {title} has ended for them."],
    Step.PAYMENT_CHOSEN: ["{name} has chosen what to do with the money for {title}.",
                          "They chose: {choice}.", "Type `/involve` to see the amount."],
    Step.CONSENT_GIVEN: ["{name} said we can use their story or work from {title}."],
    Step.CONSENT_REFUSED: ["{name} said no to us using their story or work from {title}.",
                           "So we must not use them."],
    Step.CONSENT_WITHDRAWN: ["{name} has changed their mind about their story or work.",
                             "It is from {title}.", "We must not use anything more.",
                             "Type `/involve stories` to see what we can still use."],
}


def _easy_dates(view: OpportunityView, tz: tzinfo) -> list[str]:
    starts = f"It starts on {easy_day(view.starts_at.astimezone(tz).date())}." \
        if view.starts_at else ""
    ends = f"It ends on {easy_day(view.ends_at.astimezone(tz).date())}." if view.ends_at else ""
    return [starts, ends]


def _easy_recompense(view: OpportunityView, *, with_amount: bool) -> list[str]:
    """What the work pays; the amount only for the person it's offered to and coordinators."""
    amount = pounds(view.amount_pence) if view.amount_pence else None
    if view.recompense in (Recompense.FEE, Recompense.VOUCHER):
        what = "a fee" if view.recompense is Recompense.FEE else "a voucher"
        if with_amount:
            return ([f"We pay {what} of {amount}. We agree this before you start."] if amount
                    else [f"We pay {what} for this.", "We will agree the amount with you."])
        return [f"We pay {what} for this. We agree this before you start.",
                "The written offer says how much."]
    if view.recompense is Recompense.EXPENSES_ONLY:
        return ["There is no fee.", "We pay back what you spend to take part, like bus fares."]
    return ["There is no fee.", "We can pay back what you spend, if we agree it first."]


def _easy_consent(view: OpportunityView) -> list[str]:
    if not view.asks_consent:
        return []
    sharing = [words for asked, words in (
        (view.shares_story, "We would like to share your story."),
        (view.published_outputs, "We would like to publish what you help make, like a "
                                 "report or a video.")) if asked]
    return [*sharing, "We will ask you first. We ask again after it ends.",
            "You can change your mind at any time."]


def _easy_about(view: OpportunityView, tz: tzinfo, *, with_amount: bool,
                most: int = 300) -> list[str]:
    """The facts of an opportunity, one a line, the typed words cut to fit."""
    lines = [EASY_KIND[view.kind],
             f"What it is for: {_short(view.purpose, most)}",
             f"What you would do: {_short(view.expected, most)}",
             f"Where and when: {_short(view.when_where, most)}",
             *_easy_dates(view, tz),
             f"How long it takes: {_short(view.time_needed, most)}"]
    if view.experience:
        lines.append(f"Experience you need: {_short(view.experience, most)}")
    return lines + _easy_recompense(view, with_amount=with_amount) + _easy_consent(view)


def easy_opportunity_card(view: OpportunityView, tz: tzinfo) -> Payload:
    """The announcement to every member, in easy read (no amount: it goes to everyone)."""
    title = escape_mrkdwn(view.title)
    lines = ["There is a new way to get involved.", f"It is called *{title}*.",
             *_easy_about(view, tz, with_amount=False)]
    actions: list[Block] = []
    if view.status is OpportunityStatus.OPEN:
        contact = escape_mrkdwn(view.contact_name or "a coordinator")
        lines += [f"{contact} looks after it.",
                  "Saying you are interested does not mean you agree to do it.",
                  "First you get a written offer to read.", *EASY_OK_TO_SAY_NO,
                  "Would you like to do it? Tap I'm interested."]
        actions = [_actions(f"{BlockId.INV_ACTIONS}:opp:{view.id}", [
            button("I'm interested", ActionId.INV_INTERESTED, str(view.id), "primary")])]
    else:
        lines += ["This has now closed.", "Type `/involve` to see what is open."]
    return easy_message(
        lines, actions=actions, text=f"There is a new way to get involved: {title}",
        sms=["There is a new way to get involved.", EASY_KIND_IN_A_TEXT[view.kind],
             "Would you like to know more?", "Please tell a coordinator.",
             COORDINATOR_IS])


def easy_contact_named(view: OpportunityView) -> Payload:
    title = escape_mrkdwn(view.title)
    return easy_message(
        [f"You are the contact for *{title}*.",
         "When someone is interested, we will send you a message here.",
         "The message has a button to offer it to them."],
        text=f"You are the contact for {title}")


def easy_interest_message(view: InvolvementView) -> Payload:
    name = escape_mrkdwn(view.member_name)
    title = escape_mrkdwn(view.opportunity.title)
    lines = [f"{name} is interested in *{title}*."]
    actions: list[Block] = []
    if view.status is InvolvementStatus.INTERESTED:
        lines += (["They said yes to this before.",
                   "If you offer it again, they get the same agreement as before.",
                   "They can take it up again.", "It is OK for them to say no."]
                  if view.accepted_at else
                  ["If you offer it, they get the written offer.",
                   "It says everything about the work.",
                   "It also says it is OK to say no."])
        lines.append("Would you like to offer it to them? Tap Offer it to them.")
        actions = [_actions(f"{BlockId.INV_ACTIONS}:{view.id}:offer", [
            button("Offer it to them", ActionId.INV_OFFER, str(view.id), "primary")])]
    else:
        lines.append(EASY_STATUS_FOR_TEAM[view.status])
    return easy_message(lines, actions=actions, text=f"{name} is interested in {title}")


def _easy_person_actions(view: InvolvementView, block_id: str,
                         only: set[ActionId] | None = None) -> list[Block]:
    """The buttons that apply to the person now (or `only` these of them), in one row, with
    easy words."""
    elements = [element for block in person_actions(view) for element in block["elements"]
                if only is None or element["action_id"] in only]
    for element in elements:
        words = EASY_BUTTON_WORDS.get(element["action_id"])
        if words:
            element["text"] = plain(words)
    return [_actions(block_id, elements)] if elements else []


def _easy_payment(view: InvolvementView) -> list[str]:
    if not view.needs_payment_choice:
        return []
    if view.payment_choice is None:
        return ["Please choose what happens to the money."]
    chosen = f"You chose to {EASY_CHOICE[view.payment_choice]}."
    if view.payment_choice in (PaymentChoice.TAKE, PaymentChoice.TAKE_LESS) and \
            view.amount_taken_pence is not None:
        chosen = chosen[:-1] + f": {pounds(view.amount_taken_pence)}."
    return [chosen]


def _easy_consent_now(view: InvolvementView, tz: tzinfo) -> list[str]:
    consent = view.consent
    if consent is None:
        return []
    if consent.withdrawn_at is not None:
        day = easy_day(consent.withdrawn_at.astimezone(tz).date())
        return [f"On {day}, you told us to stop using your story or work.",
                "We will not use anything more."]
    if consent.waiting_for is ConsentStage.BEFORE:
        return ["Can we share your story or the work you help make?", "It is fine to say no."]
    if consent.waiting_for is ConsentStage.AFTER:
        return ["The work has ended. Can we still use your story or work?",
                "It is fine to say no."]
    if consent.verdict is UseVerdict.MAY_USE:
        return ["You said we can use your story or work.", "You can change your mind at any time."]
    return ["You said no to us using your story or work.", "So we will not use them."]


def _easy_next(view: InvolvementView) -> str:
    """What to do next, last, just above the buttons."""
    consent = view.consent
    if view.status is InvolvementStatus.OFFERED:
        return "Would you like to do it? Tap Yes, I accept or No thanks."
    money = view.needs_payment_choice and view.payment_choice is None
    story = consent is not None and consent.waiting_for is not None
    if money and story:
        return "Please tap the buttons to choose about the money and your story."
    if money:
        return "Tap a button to choose what happens to the money."
    if story:
        return "Tap Yes, you can use it, or No."
    if view.status is InvolvementStatus.ACCEPTED:
        return "You can take a break or stop at any time. Use the buttons below."
    if view.status is InvolvementStatus.PAUSED:
        return "When you are ready, tap Start again."
    if view.status in (InvolvementStatus.DECLINED, InvolvementStatus.WITHDRAWN):
        return "If you change your mind, tap I'm interested again."
    return "Use the buttons below if you need them."


def easy_offer_message(view: InvolvementView, tz: tzinfo, advice: str) -> Payload:
    """The written offer in easy read: what it means in easy words, then the offer itself,
    word for word (it is what is kept as the agreement), then where things are now. `advice`:
    where to get independent advice about benefits (Coprod never gives it)."""
    opportunity = view.opportunity
    title = escape_mrkdwn(opportunity.title)
    intro = [f"This is a written offer for *{title}*."]
    if view.status is InvolvementStatus.OFFERED and view.accepted_at is not None:
        intro += ["You said yes to this before.", "It is the same agreement, word for word.",
                  "If you accept, it starts again as it was.",
                  "Any choice you made about the money stays the same."]
    about = _easy_about(opportunity, tz, with_amount=True)
    if opportunity.paid:
        about += ["If you accept, you choose what happens to the money.",
                  "You can take it all, or take less.",
                  "You can give it to the charity, or say no to it.",
                  "Money can change some benefits.",
                  "We cannot give you advice about benefits.",
                  "You can get free advice from people outside our charity:",
                  f"{escape_mrkdwn(advice)}."]
    contact = escape_mrkdwn(opportunity.contact_name or "A coordinator")
    about += [f"{contact} is your contact.", *EASY_OK_TO_SAY_NO]
    if view.agreement:
        about.append("Below is the offer in full. We keep it word for word.")
    now = [f"*Where things are now:* {EASY_STATUS_FOR_PERSON[view.status]}",
           *_easy_payment(view), *_easy_consent_now(view, tz)]
    actions = _easy_person_actions(view, f"{BlockId.INV_ACTIONS}:{view.id}:easy")
    if actions:
        now.append(_easy_next(view))
    # The offer itself, word for word, drawn as the standard offer draws it: sections show in
    # every Slack client and in the sandbox (a rich text block showed nothing there).
    terms = text_sections(view.agreement) if view.agreement else []
    blocks = [section(easy_lines(intro + about)), *terms, section(easy_lines(now)), *actions]
    return {"text": f"An offer for you: {title}", "blocks": blocks}


def easy_step_message(view: InvolvementView, step: Step) -> Payload:
    name = escape_mrkdwn(view.member_name)
    choice = EASY_CHOICE[view.payment_choice] if view.payment_choice else "not chosen yet"
    lines = [line.format(name=name, title=f"*{escape_mrkdwn(view.opportunity.title)}*",
                         choice=choice) for line in EASY_STEP_WORDS[step]]
    return easy_message(lines, text=lines[0].replace("*", ""))


def easy_consent_after_message(view: InvolvementView, tz: tzinfo) -> Payload:
    title = escape_mrkdwn(view.opportunity.title)
    lines = [f"Thank you for taking part in *{title}*.", "It has now ended.",
             "We would like to check again about your story or work.",
             "Can we still use them?", "It is fine to say no."]
    consent = view.consent
    if consent is not None and consent.waiting_for is not ConsentStage.AFTER:
        lines += _easy_consent_now(view, tz)
    actions = _easy_person_actions(view, f"{BlockId.INV_ACTIONS}:{view.id}:consent",
                                   only=CONSENT_ACTIONS)
    if consent is not None and consent.waiting_for is ConsentStage.AFTER:
        lines.append("Tap Yes, you can use it, or No.")
    elif actions:
        lines.append("To stop us using them, tap Stop using my story.")
    return easy_message(lines, actions=actions, text=f"Thank you for taking part in {title}")


def easy_exit_offered_message(view: InvolvementView) -> Payload:
    title = escape_mrkdwn(view.opportunity.title)
    return easy_message(
        [f"Thank you for all you gave to *{title}*.", "It has now ended.",
         "Would you tell us how it went?", "There are a few short questions.",
         "You can skip any of them.", "You do not have to give your name.",
         "Tap Share how it went."],
        text=f"Thank you for taking part in {title}",
        actions=[_actions(f"{BlockId.INV_ACTIONS}:{view.id}:exit", [
            button("Share how it went", ActionId.INV_EXIT_FORM, "exit")])])


# -- /involve ---------------------------------------------------------------------------------
def _open_blocks(overview: Overview, tz: tzinfo) -> list[Block]:
    blocks: list[Block] = [section("*Open opportunities*")]
    if not overview.open:
        blocks.append(context("Nothing new is open just now."))
    for view in overview.open[:10]:
        blocks.append(section(opportunity_summary(view, tz, with_amount=overview.coordinator,
                                                  most=200)))
        blocks.append(_actions(f"{BlockId.INV_LIST_ACTIONS}:opp:{view.id}", [
            button("I'm interested", ActionId.INV_INTERESTED, str(view.id), "primary")]))
    return blocks


def _mine_blocks(overview: Overview, tz: tzinfo) -> list[Block]:
    if not overview.mine:
        return []
    blocks: list[Block] = [section("*Yours*")]
    for view in overview.mine[:10]:
        blocks.append(section(involvement_lines(view, tz)))
        blocks += person_actions(view, BlockId.INV_LIST_ACTIONS)
    return blocks


def _person_button(view: InvolvementView) -> dict[str, Any] | None:
    name = view.member_name[:40]
    if view.status is InvolvementStatus.INTERESTED:
        return button(f"Offer: {name}", ActionId.INV_OFFER, str(view.id), "primary")
    if view.status in (InvolvementStatus.ACCEPTED, InvolvementStatus.PAUSED):
        return button(f"Mark ended: {name}", ActionId.INV_END, str(view.id))
    return None


def _team_line(view: InvolvementView, *, with_amount: bool) -> str:
    line = f"• {escape_mrkdwn(view.member_name)}: {STATUS_FOR_TEAM[view.status]}"
    if view.payment_choice is not None:
        line += f" · {PAYMENT_CHOICE_WORDS[view.payment_choice].lower()}"
        if view.amount_taken_pence and with_amount:
            line += f" ({pounds(view.amount_taken_pence)})"
    return line


def _managing_blocks(overview: Overview, tz: tzinfo) -> list[Block]:
    if not overview.managing:
        return []
    blocks: list[Block] = [section("*Opportunities you look after*")]
    # Amounts are for coordinators (and the person); a named contact who isn't one sees none.
    with_amount = overview.coordinator
    for managed in overview.managing[:8]:
        opportunity = managed.opportunity
        closed = " (closed)" if opportunity.status is OpportunityStatus.CLOSED else ""
        lines = [f"{_title(opportunity)}{closed} · "
                 f"{recompense_line(opportunity, with_amount=with_amount)}"]
        lines += [_team_line(p, with_amount=with_amount)
                  for p in managed.people[:15]] or ["Nobody yet."]
        blocks.append(section("\n".join(lines)))
        buttons = [b for b in (_person_button(p) for p in managed.people) if b][:24]
        if opportunity.status is OpportunityStatus.OPEN:
            buttons.append(button("Close it", ActionId.INV_CLOSE, str(opportunity.id)))
        if buttons:
            blocks.append(_actions(f"{BlockId.INV_LIST_ACTIONS}:manage:{opportunity.id}",
                                   buttons))
    return blocks


def overview_blocks(overview: Overview, tz: tzinfo, crisis_line: str) -> list[Block]:
    blocks: list[Block] = [header("Getting involved")]
    if overview.coordinator:
        blocks.append(_actions(f"{BlockId.INV_LIST_ACTIONS}:new", [
            button("Post an opportunity", ActionId.INV_NEW, "new", "primary")]))
    blocks += _mine_blocks(overview, tz) + _open_blocks(overview, tz)
    blocks += _managing_blocks(overview, tz)
    blocks.append(context(OK_TO_SAY_NO))
    blocks.append(context(INVOLVE_WORDS + (COORDINATOR_WORDS if overview.coordinator else "")))
    return [*_fit(blocks, MAX_BLOCKS - 1), crisis_footer(crisis_line)]


# What else /involve does (this overview is also `/involve help`).
INVOLVE_WORDS = ("`/involve policies` to read and agree · `/involve claim` for expenses or a "
                 "fee · `/involve declare` a relationship or a gift · `/involve leaving` if "
                 "you're stepping back")
COORDINATOR_WORDS = (" · coordinators: `/involve new` · `/involve stories` · `/involve publish` "
                     "· `/involve induction` · `/involve claims`")


# -- /involve leaving: asked first, and only ended once they are sure ------------------------
def _titles(titles: tuple[str, ...], most: int = 10) -> str:
    shown = [f"*{escape_mrkdwn(t)}*" for t in titles[:most]]
    more = len(titles) - most
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _leaving_buttons(yes: str) -> Block:
    return _actions(f"{BlockId.INV_ACTIONS}:leaving", [
        button(yes, ActionId.INV_LEAVE_YES, "leaving", "danger"),
        button("Not now", ActionId.INV_LEAVE_NOT_NOW, "leaving")])


def _exit_form_button() -> Block:
    return _actions(f"{BlockId.INV_ACTIONS}:leaving", [
        button("Share how it went", ActionId.INV_EXIT_FORM, "exit")])


def leaving_question(leaving: Leaving) -> Payload:
    """What `/involve leaving` would end, asked before anything does. With nothing to end,
    they are told so, and the exit form is still theirs to fill in."""
    if not leaving.ended and not leaving.withdrawn:
        words = ("You're not involved in anything just now, so there's nothing to step back "
                 "from. If you'd like to tell us how things went, you can: it's optional, and "
                 "can be anonymous.")
        return {"text": "There's nothing to step back from",
                "blocks": [section(words), _exit_form_button()]}
    lines = ["*Stepping back from involvement?*"]
    if leaving.ended:
        lines.append(f"If you step back now, this ends for you: {_titles(leaving.ended)}.")
    if leaving.withdrawn:
        lines.append(f"Your interest or offer is withdrawn too: {_titles(leaving.withdrawn)}.")
    lines.append("Stepping back is completely fine, and you don't need to give a reason. "
                 "Nothing has changed yet.")
    return {"text": "Stepping back from involvement?",
            "blocks": [section("\n".join(lines)), _leaving_buttons("Yes, I'm stepping back")]}


def easy_leaving_question(leaving: Leaving) -> Payload:
    if not leaving.ended and not leaving.withdrawn:
        return easy_message(["You are not involved in anything just now.",
                             "So there is nothing to stop.",
                             "Do you want to tell us how it went?",
                             "You do not have to.",
                             "If you want to, tap Share how it went."],
                            actions=[_exit_form_button()])
    lines = ["Do you want to step back from being involved?"]
    if leaving.ended:
        lines.append(f"If you do, this will end: {_titles(leaving.ended)}.")
    if leaving.withdrawn:
        lines.append(f"We will also take you off: {_titles(leaving.withdrawn)}.")
    lines += ["It is fine to step back.", "You do not need to give a reason.",
              "Nothing has changed yet.", "Tap Yes, I'm stepping back. Or tap Not now."]
    return easy_message(lines, actions=[_leaving_buttons("Yes, I'm stepping back")],
                        text="Do you want to step back from being involved?")


def left_answer(leaving: Leaving) -> Payload:
    """In place of the question, once they said yes."""
    if not leaving.ended and not leaving.withdrawn:
        words = "There's nothing left to end: you've already stepped back. Take care."
        return {"text": words, "blocks": [section(words)]}
    lines = ["You've stepped back, and that's completely fine."]
    if leaving.ended:
        lines.append(f"Ended: {_titles(leaving.ended)}.")
    if leaving.withdrawn:
        lines.append(f"Withdrawn: {_titles(leaving.withdrawn)}.")
    lines.append("Thank you for everything you've given. A short form asks how it went; "
                 "it's optional, and you can close it.")
    return {"text": "You've stepped back", "blocks": [section("\n".join(lines))]}


def easy_left_answer(leaving: Leaving) -> Payload:
    if not leaving.ended and not leaving.withdrawn:
        return easy_message(["You have already stepped back.", "There is nothing more to end.",
                             "Take care."])
    lines = ["You have stepped back. That is fine."]
    if leaving.ended:
        lines.append(f"This has ended: {_titles(leaving.ended)}.")
    if leaving.withdrawn:
        lines.append(f"We took you off: {_titles(leaving.withdrawn)}.")
    return easy_message([*lines, "Thank you for all you gave.",
                         "We opened a short form about how it went.",
                         "You do not have to fill it in."])


def stayed_answer() -> Payload:
    words = ("Nothing has changed: everything you're involved in carries on. Whenever you're "
             "ready, `/involve leaving` asks again.")
    return {"text": "Nothing has changed", "blocks": [section(words)]}


def easy_stayed_answer() -> Payload:
    return easy_message(["OK. Nothing has changed.", "You are still involved.",
                         "You can step back later if you want to.",
                         "To do that, type `/involve leaving`."])


leaving_question_in = in_either_style(leaving_question, easy_leaving_question)
left_answer_in = in_either_style(left_answer, easy_left_answer)
stayed_answer_in = in_either_style(stayed_answer, easy_stayed_answer)


# -- /involve stories -------------------------------------------------------------------------
def stories_blocks(views: list[InvolvementView], tz: tzinfo, crisis_line: str) -> list[Block]:
    blocks: list[Block] = [header("Stories and outputs"),
                           context("What may still be used, and what may not. A withdrawal "
                                   "stops every later use.")]
    if not views:
        blocks.append(section("No consent has been asked for yet."))
    for view in views[:20]:
        consent = view.consent
        verdict = consent.verdict if consent else UseVerdict.NOT_ANSWERED
        lines = [f"{_title(view.opportunity)} · {escape_mrkdwn(view.member_name)}",
                 USE_WORDS[verdict] + (f" on {_day(consent.withdrawn_at, tz)}"
                                       if consent and consent.withdrawn_at else "") + "."]
        if view.uses:
            latest = view.uses[-1]
            lines.append(f"Used {len(view.uses)} time(s); latest {_day(latest.used_on, tz)}: "
                         f"{escape_mrkdwn(latest.what)}")
        blocks.append(section("\n".join(lines)))
        if verdict is UseVerdict.MAY_USE:
            blocks.append(_actions(f"{BlockId.INV_LIST_ACTIONS}:story:{view.id}", [
                button("Record a use", ActionId.INV_STORY_USE, str(view.id))]))
    return [*_fit(blocks, MAX_BLOCKS - 1), crisis_footer(crisis_line)]


# -- small forms ------------------------------------------------------------------------------
def take_less_form(view: InvolvementView, crisis_line: str, *, easy_read: bool = False) -> View:
    full = pounds(view.opportunity.amount_pence or 0)
    title = _title(view.opportunity)
    intro = (easy_lines([f"The payment we agreed for {title} is {full}.",
                         "How much do you want to take?",
                         "The rest stays with the charity."]) if easy_read else
             f"The agreed amount for {title} is {full}. How much would you like to take? The "
             "rest stays with the charity.")
    return drawn_in({
        "type": "modal", "callback_id": CallbackId.TAKE_LESS_FORM, "title": plain("Take less"),
        "submit": plain("Save"), "close": plain("Cancel"),
        "private_metadata": json.dumps({"involvement": view.id}),
        "blocks": [
            section(intro),
            _input(BlockId.TL_AMOUNT, "How much to take" if easy_read else "Amount to take",
                   _text(12), hint=f"In pounds, like {TAKE_LESS_EXAMPLE}."),
            crisis_footer(crisis_line),
        ],
    }, easy_read=easy_read)


def payment_thanks(view: InvolvementView, *, easy_read: bool) -> str:
    """What the person reads once their payment choice is saved."""
    if easy_read and view.payment_choice is not None:
        contact = (escape_mrkdwn(view.opportunity.contact_name)
                   if view.opportunity.contact_name else "a coordinator")
        return easy_lines(["Thank you.",
                           f"You chose: {PAYMENT_CHOICE_WORDS[view.payment_choice].lower()}.",
                           f"We told {contact}."])
    return after_click_words(ActionId.INV_PAY_LESS, view)


def story_use_form(view: InvolvementView, today: date) -> View:
    return {
        "type": "modal", "callback_id": CallbackId.STORY_USE_FORM,
        "title": plain("Record a use"), "submit": plain("Record it"), "close": plain("Cancel"),
        "private_metadata": json.dumps({"involvement": view.id}),
        "blocks": [
            section(f"{escape_mrkdwn(view.member_name)}'s story or outputs from "
                    f"{_title(view.opportunity)}."),
            _input(BlockId.SU_WHAT, "Where or how it was used", _text(500, multiline=True)),
            _input(BlockId.SU_DAY, "Day", {"type": "datepicker",
                                           "initial_date": today.isoformat()}),
        ],
    }


@dataclass(frozen=True)
class ExitFormWords:
    about: str
    ended: str
    questions: dict[str, str]
    recommend: str
    send: str
    send_hint: str
    identity: list[dict[str, Any]]


STANDARD_EXIT_FORM = ExitFormWords(
    about="A few short questions help us do better. Every question is optional, and you can "
          "answer anonymously.",
    ended="Ended now: {ended}.",
    questions=EXIT_QUESTIONS,
    recommend="Would you recommend being involved to others?",
    send="Send it",
    send_hint="Anonymously, we keep no name, no Slack id and only the month it came.",
    identity=IDENTITY_OPTIONS)

EASY_READ_EXIT_FORM = ExitFormWords(
    about="We have a few short questions.\nYou do not have to answer them.\n"
          "You can keep your name secret.",
    ended="This has ended now: {ended}.",
    questions={"went_well": "What went well?",
               "could_be_better": "What could be better?",
               "anything_else": "Is there anything else you want to tell us?"},
    recommend="Would you tell other people to get involved?",
    send="Do you want to give your name?",
    send_hint="If you keep it secret, we only keep the month you sent it.",
    identity=[option("No. Keep my name secret.", OptionValue.ANONYMOUS),
              option("Yes. Give my name.", OptionValue.NAMED)])


def exit_form(crisis_line: str, leaving: Leaving | None = None, *,
              easy_read: bool = False) -> View:
    words = EASY_READ_EXIT_FORM if easy_read else STANDARD_EXIT_FORM
    intro = "Thank you for being involved."
    if leaving is not None and leaving.ended:
        intro += ("\n" if easy_read else " ") + words.ended.format(
            ended=", ".join(f"*{escape_mrkdwn(t)}*" for t in leaving.ended[:5]))
    recommend = [option(RECOMMEND_WORDS[r], r.value) for r in Recommend]
    questions = [_input(block, words.questions[name], _text(2000, multiline=True),
                        optional=True)
                 for block, name in ((BlockId.EX_WENT_WELL, "went_well"),
                                     (BlockId.EX_BETTER, "could_be_better"))]
    return drawn_in({
        "type": "modal", "callback_id": CallbackId.EXIT_FORM, "title": plain("How did it go?"),
        "submit": plain("Send"), "close": plain("Not now"),
        "blocks": [
            section(f"{intro}\n{words.about}" if easy_read else f"{intro} {words.about}"),
            *questions,
            _input(BlockId.EX_RECOMMEND, words.recommend,
                   {"type": "radio_buttons", "options": recommend}, optional=True),
            _input(BlockId.EX_ELSE, words.questions["anything_else"],
                   _text(2000, multiline=True), optional=True),
            _input(BlockId.EX_IDENTITY, words.send,
                   {"type": "radio_buttons", "options": words.identity,
                    "initial_option": words.identity[0]},
                   hint=words.send_hint),
            crisis_footer(crisis_line),
        ],
    }, easy_read=easy_read)


def simple_view(callback_id: CallbackId, title: str, words: str, crisis_line: str) -> View:
    """What a form says once sent, with the crisis line as every form has."""
    return {"type": "modal", "callback_id": callback_id, "title": plain(title[:24]),
            "close": plain("Done"), "blocks": [section(words), crisis_footer(crisis_line)]}


# -- drawing the notices involvement records ---------------------------------------------------
def _draw_opportunity(notice: OpportunityPosted, services: Services, style: Style) -> Payload:
    draw = easy_opportunity_card if style.easy_read else opportunity_card
    return draw(services.involvement.opportunity(notice.opportunity_id),
                services.settings.timezone)


def _draw_contact_named(notice: ContactNamed, services: Services, style: Style) -> Payload:
    draw = easy_contact_named if style.easy_read else contact_named
    return draw(services.involvement.opportunity(notice.opportunity_id))


def _involvement(services: Services, notice: Any) -> InvolvementView:
    return services.involvement.involvement(notice.involvement_id)


def _draw_interest(notice: InterestShown, services: Services, style: Style) -> Payload:
    draw = easy_interest_message if style.easy_read else interest_message
    return draw(_involvement(services, notice))


def _draw_offer(notice: OfferMade, services: Services, style: Style) -> Payload:
    view, tz = _involvement(services, notice), services.settings.timezone
    if style.easy_read:
        return easy_offer_message(view, tz, services.settings.coprod_welfare_rights_advice)
    return offer_message(view, tz)


def _draw_step(notice: StepTaken, services: Services, style: Style) -> Payload:
    draw = easy_step_message if style.easy_read else step_message
    return draw(_involvement(services, notice), notice.step)


def _draw_consent_after(notice: ConsentAfterAsked, services: Services, style: Style) -> Payload:
    draw = easy_consent_after_message if style.easy_read else consent_after_message
    return draw(_involvement(services, notice), services.settings.timezone)


def _draw_exit_offered(notice: ExitOffered, services: Services, style: Style) -> Payload:
    draw = easy_exit_offered_message if style.easy_read else exit_offered_message
    return draw(_involvement(services, notice))


RENDERERS: dict[type[Notice], Renderer] = {
    OpportunityPosted: _draw_opportunity,
    ContactNamed: _draw_contact_named,
    InterestShown: _draw_interest,
    OfferMade: _draw_offer,
    StepTaken: _draw_step,
    ConsentAfterAsked: _draw_consent_after,
    ExitOffered: _draw_exit_offered,
}


# -- what a click is answered with --------------------------------------------------------------
def after_click_words(action: ActionId, view: InvolvementView) -> str:
    """Kind words for the person or coordinator who clicked, once it's done."""
    title = _title(view.opportunity)
    contact = escape_mrkdwn(view.opportunity.contact_name or "A coordinator")
    name = escape_mrkdwn(view.member_name)
    consent = view.consent
    if action in PAYMENT_BUTTON_ACTIONS and view.payment_choice is not None:
        return (f"Thank you. Your choice for {title}: "
                f"{PAYMENT_CHOICE_WORDS[view.payment_choice].lower()}. {contact} has been told.")
    if action is ActionId.INV_ACCEPT:
        words = (f"Thank you for accepting {title}. The offer, as you read it, is kept as our "
                 "agreement.")
        if view.needs_payment_choice and view.payment_choice is None:
            words += (" Please choose what you'd like to do with the payment: the buttons are "
                      "on the offer, and in `/involve`.")
        if consent is not None and consent.waiting_for is not None:
            words += (" We'll also ask for your consent to share your story or the outputs; "
                      "it's fine to say no.")
        return f"{words} {OK_TO_SAY_NO}"
    if action is ActionId.INV_WITHDRAW:
        words = (f"Thank you for everything you've given. You've withdrawn from {title}, and "
                 f"that's completely OK: no reason needed. {contact} has been told.")
        if consent is not None and consent.verdict is UseVerdict.MAY_USE:
            words += (" If you'd also like us to stop using your story or outputs, use "
                      "*Withdraw my consent* in `/involve`.")
        return words
    if action is ActionId.INV_OFFER and view.accepted_at is not None:
        return (f"{name} agreed to {title} before, so their agreement stands: it has gone back "
                "to them word for word, with their payment choice, to take up again. Claims "
                "made under it are unchanged. You'll hear when they answer.")
    words = CLICK_WORDS[action].format(title=title, contact=contact, name=name)
    if action is ActionId.INV_END and consent is not None and consent.after_asked:
        words += " They're also asked again about their story or the outputs."
    return words


PAYMENT_BUTTON_ACTIONS = {action for _, action in PAYMENT_BUTTONS.values()}
CLICK_WORDS: dict[ActionId, str] = {
    ActionId.INV_INTERESTED: "Thank you. {contact} will be in touch about {title}. Saying "
                             "you're interested agrees to nothing: you'll get a written offer "
                             "first, and it's OK to say no.",
    ActionId.INV_DECLINE: "Thank you for letting us know: that's completely fine. {contact} has "
                          "been told, and there'll be other chances to get involved.",
    ActionId.INV_PAUSE: "Thank you. {title} is paused: take the time you need, and resume "
                        "whenever you're ready.",
    ActionId.INV_RESUME: "Welcome back. {title} is on again.",
    ActionId.INV_CONSENT_YES_BEFORE: "Thank you. Your consent is recorded; you can withdraw "
                                     "it at any time with one click in `/involve`.",
    ActionId.INV_CONSENT_YES_AFTER: "Thank you. Your consent is recorded; you can withdraw it "
                                    "at any time with one click in `/involve`.",
    ActionId.INV_CONSENT_NO_BEFORE: "Thank you. We won't use your story or the outputs, and "
                                    "that's completely fine.",
    ActionId.INV_CONSENT_NO_AFTER: "Thank you. We won't use your story or the outputs from "
                                   "now on, and that's completely fine.",
    ActionId.INV_CONSENT_WITHDRAW: "Done: your consent is withdrawn, and nothing more will be "
                                   "used. Thank you for telling us.",
    ActionId.INV_OFFER: "The written offer for {title} has gone to {name}. You'll hear when "
                        "they answer.",
    ActionId.INV_END: "{title} is marked ended for {name}. They've been thanked and offered a "
                      "short exit form.",
}


def closed_words(view: OpportunityView) -> str:
    return (f"{_title(view)} is closed: no more interest is taken, and everyone already "
            "involved carries on.")


def not_now_words(status: InvolvementStatus) -> str:
    return (f"That's already been done. Where it stands: {STATUS_FOR_PERSON[status]}. "
            "`/involve` shows more.")


def payment_chosen_words(choice: PaymentChoice) -> str:
    return (f"You've already chosen: {PAYMENT_CHOICE_WORDS[choice].lower()} - to change it, "
            "please talk to a coordinator. `/involve` shows your choice.")


def refused_use_words(verdict: UseVerdict) -> str:
    return (f"Sorry, this can't be used: {USE_WORDS[verdict].lower()}. Nothing was recorded, "
            "and `/involve stories` shows what may still be used.")


def who_can_post(coordinators: list[str]) -> str:
    names = ", ".join(escape_mrkdwn(n) for n in coordinators[:6])
    return ("Only a coordinator can post an opportunity"
            + (f": please ask {names}." if names else ". Please ask one.")
            + " `/involve` shows what's open now.")


def exit_thanks(kept: bool, anonymous: bool, *, easy_read: bool = False) -> str:
    if easy_read:
        if not kept:
            return easy_lines(["Thank you.", "Nothing was sent. That is fine."])
        return easy_lines(["Thank you.",
                           "We kept your answers without your name." if anonymous else
                           "We kept your answers with your name.",
                           "They help us do better."])
    if not kept:
        return "Thank you. Nothing was sent, and that's completely fine."
    if anonymous:
        return ("Thank you. Your answers are kept without your name, and with the month only. "
                "They help shape what we do next.")
    return "Thank you. Your answers are kept with your name. They help shape what we do next."
