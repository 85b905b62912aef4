"""Expenses and payments in Slack: claiming, approving or asking a question, answering it, and
marking a claim paid."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.expenses import (
    EASY_READ_CLAIM_ERRORS,
    STANDARD_CLAIM_ERRORS,
    ClaimField,
    ClaimForm,
)
from bot.rules.involvement import ClaimKind, ClaimStatus
from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.expenses import ClaimGone, FeeNoLongerFits, InvalidClaim, OwnClaim
from handlers import payloads
from handlers.blocks import expenses as blocks
from handlers.blocks.easy import in_easy_read
from handlers.form_state import field, selected, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.once import submitted_once
from handlers.replies import open_form, redraw_clicked, tell_privately, words_with_crisis_line

FIELD_BLOCKS = {
    ClaimField.INVOLVEMENT: BlockId.CL_WORK,
    ClaimField.KIND: BlockId.CL_KIND,
    ClaimField.AMOUNT: BlockId.CL_AMOUNT,
    ClaimField.WHAT: BlockId.CL_WHAT,
}
DECISIONS = {
    ActionId.CLAIM_APPROVE: ClaimStatus.APPROVED,
    ActionId.CLAIM_PAID: ClaimStatus.PAID,
}
NOT_LISTED = "You're not in our member list yet. Please ask a coordinator to add you."
NO_WORK = ("There's no agreed work to claim for yet. Once you've accepted an offer (see "
           "`/involve`), you can claim its expenses and fee here.")
COORDINATORS_ONLY = ("Only a coordinator can look at claims. To claim expenses or a fee, "
                     "use `/involve claim`.")
OWN_CLAIM = "That's your own claim, so another coordinator needs to decide it."
CLAIM_GONE = "That claim isn't there any more."
FEE_NO_LONGER_FITS = ("This fee claim is more than is left of the fee as agreed now (their "
                      "payment choice may have changed since they claimed, or other fee claims "
                      "were approved first), so it can't be approved as it is. Please have a "
                      "word with them: they can claim again for what's left.")
NOTHING_TO_ANSWER = ("That question has been answered already, or the claim has moved on: "
                     "nothing more is needed. Thank you.")


def register(app: App) -> None:
    """Buttons and forms of this area (the /involve words are routed by handlers/involve.py)."""
    app.view(CallbackId.CLAIM_FORM.value)(submitted_once(handle_claim_form))
    for decision in DECISIONS:
        app.action(decision.value)(handle_decision)
    app.action(ActionId.CLAIM_ASK.value)(handle_ask_button)
    app.view(CallbackId.CLAIM_QUESTION_FORM.value)(submitted_once(handle_question_form))
    app.action(ActionId.CLAIM_ANSWER.value)(handle_answer_button)
    app.view(CallbackId.CLAIM_ANSWER_FORM.value)(submitted_once(handle_answer_form))


def _say(ack: Ack, services: Services, words: str) -> None:
    ack(**words_with_crisis_line(words, services.settings.coprod_crisis_line))


def _tell(respond: Respond, services: Services, words: str) -> None:
    tell_privately(respond, words, services.settings.coprod_crisis_line)


def open_claim(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
               words: list[str]) -> None:
    """/involve claim: the claim form, listing the work this person agreed to."""
    try:
        choices = services.expenses.claim_choices(command["user_id"])
    except NotAllowed:
        _say(ack, services, NOT_LISTED)
        return
    if not choices:
        _say(ack, services, NO_WORK)
        return
    ack()
    easy_read = services.profiles.style_of(command["user_id"]).easy_read
    client.views_open(trigger_id=payloads.trigger_id(command),
                      view=blocks.claim_form(choices, services.settings.coprod_crisis_line,
                                             easy_read=easy_read))


def show_claims(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                words: list[str]) -> None:
    """/involve claims: coordinators' list of claims waiting for them or for payment."""
    try:
        claims, total = services.expenses.waiting_for(command["user_id"])
    except NotAllowed:
        _say(ack, services, COORDINATORS_ONLY)
        return
    ack(text="Claims waiting",
        blocks=blocks.claims_list(claims, total, services.settings.timezone,
                                  services.settings.coprod_crisis_line))


def parse_claim_form(state: dict[str, Any]) -> ClaimForm:
    work = selected(state, BlockId.CL_WORK)
    kind = selected(state, BlockId.CL_KIND)
    if kind is not None and kind not in {k.value for k in ClaimKind}:
        raise payloads.NotOurs("claim kind")
    return ClaimForm(
        involvement_id=payloads.number(work) if work is not None else None,
        kind=ClaimKind(kind) if kind is not None else None,
        amount=field(state, BlockId.CL_AMOUNT).get("value") or "",
        what=field(state, BlockId.CL_WHAT).get("value") or "")


def handle_claim_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    easy_read = in_easy_read(payloads.metadata(view))
    # What needs changing is said in the words the form is in (the same checks).
    words = EASY_READ_CLAIM_ERRORS if easy_read else STANDARD_CLAIM_ERRORS
    try:
        claim = services.expenses.claim(payloads.actor(body), parse_claim_form(values_of(view)),
                                        words)
    except InvalidClaim as invalid:
        ack(response_action="errors",
            errors={FIELD_BLOCKS[ClaimField(f)]: words for f, words in invalid.errors.items()})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.CL_WORK: NOT_LISTED})
        return
    ack(response_action="update", view=blocks.claim_sent(
        claim, services.settings.coprod_crisis_line, easy_read=easy_read))


def _refusal(error: Exception) -> str:
    if isinstance(error, OwnClaim):
        return OWN_CLAIM
    if isinstance(error, ClaimGone):
        return CLAIM_GONE
    return "Only a coordinator can approve claims, ask about them or mark them paid."


def handle_decision(ack: Ack, body: dict, action: dict, respond: Respond,
                    services: Services) -> None:
    """Approve, or mark as paid: the card is drawn again where it was clicked."""
    ack()
    try:
        claim = services.expenses.decide(payloads.button_number(body), payloads.actor(body),
                                         DECISIONS[ActionId(action["action_id"])])
    except (NotAllowed, OwnClaim, ClaimGone) as refused:
        _tell(respond, services, _refusal(refused))
        return
    except FeeNoLongerFits:
        _tell(respond, services, FEE_NO_LONGER_FITS)
        return
    redraw_clicked(body, respond, services, blocks.claim_card_in, claim,
                   services.settings.timezone)


def handle_ask_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                      services: Services) -> None:
    ack()
    try:
        claim = services.expenses.claim_for_coordinator(payloads.button_number(body),
                                                        payloads.actor(body))
    except (NotAllowed, OwnClaim, ClaimGone) as refused:
        _tell(respond, services, _refusal(refused))
        return
    open_form(client, body, blocks.question_form(claim, services.settings.timezone,
                                                 services.settings.coprod_crisis_line))


def handle_question_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    question = field(values_of(view), BlockId.CL_QUESTION).get("value") or ""
    try:
        claim = services.expenses.ask(payloads.metadata_number(view, "claim"),
                                      payloads.actor(body), question)
    except InvalidClaim as invalid:
        ack(response_action="errors", errors={BlockId.CL_QUESTION: invalid.errors["question"]})
        return
    except (NotAllowed, OwnClaim, ClaimGone) as refused:
        ack(response_action="errors", errors={BlockId.CL_QUESTION: _refusal(refused)})
        return
    ack(response_action="update", view=blocks.done_view(
        CallbackId.CLAIM_QUESTION_FORM, "Question sent",
        f"Thank you. Your question has gone to {blocks.who(claim)}; their answer will come "
        "back to you here.", services.settings.coprod_crisis_line))


def handle_answer_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                         services: Services) -> None:
    ack()
    try:
        claim = services.expenses.question_for(payloads.button_number(body),
                                               payloads.actor(body))
    except ClaimGone:
        _tell(respond, services, NOTHING_TO_ANSWER)
        return
    open_form(client, body, blocks.answer_form(claim, services.settings.coprod_crisis_line))


def handle_answer_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    answer = field(values_of(view), BlockId.CL_ANSWER).get("value") or ""
    try:
        services.expenses.answer(payloads.metadata_number(view, "claim"),
                                 payloads.actor(body), answer)
    except InvalidClaim as invalid:
        ack(response_action="errors", errors={BlockId.CL_ANSWER: invalid.errors["answer"]})
        return
    except ClaimGone:
        ack(response_action="errors", errors={BlockId.CL_ANSWER: NOTHING_TO_ANSWER})
        return
    ack(response_action="update", view=blocks.done_view(
        CallbackId.CLAIM_ANSWER_FORM, "Answer sent",
        "Thank you. Your answer has gone to the coordinator who asked.",
        services.settings.coprod_crisis_line))
