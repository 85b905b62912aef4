"""Involvement opportunities in Slack: posting, interest, the written offer, the payment
choice, pausing or withdrawing; consent for stories; leaving and the exit form. (The /involve
words are routed here by handlers/involve.py.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.forms import NeedsChanges
from bot.rules.involvement import ConsentStage, OpportunityKind, PaymentChoice, Recompense
from bot.rules.opportunities import (
    ExitForm,
    InvalidOpportunity,
    OpportunityDraft,
    OpportunityField,
    Recommend,
)
from bot.rules.roles import NotAllowed, Role
from bot.services import Services
from bot.services.involvement import (
    InvolvementGone,
    InvolvementService,
    InvolvementView,
    NotNow,
    OpportunityClosed,
    PaymentChosen,
    UseRefused,
)
from handlers import payloads
from handlers.blocks import involvement as blocks
from handlers.blocks.easy import in_easy_read
from handlers.form_state import field, selected, ticked, values_of
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue
from handlers.once import submitted_once
from handlers.replies import (
    answer_in_place,
    open_form,
    shown_to,
    tell_privately,
    words_with_crisis_line,
)

NOT_LISTED = "You're not in our member list yet. Please ask a coordinator to add you."
GONE = "Sorry, I can't find that for you any more. `/involve` shows what's yours."
CLOSED = "Sorry, this opportunity has closed. `/involve` shows what's open now."

FIELD_BLOCKS: dict[str, BlockId] = {
    OpportunityField.KIND: BlockId.OP_KIND,
    OpportunityField.TITLE: BlockId.OP_TITLE,
    OpportunityField.PURPOSE: BlockId.OP_PURPOSE,
    OpportunityField.EXPECTED: BlockId.OP_EXPECTED,
    OpportunityField.WHEN_WHERE: BlockId.OP_WHEN_WHERE,
    OpportunityField.TIME_NEEDED: BlockId.OP_TIME_NEEDED,
    OpportunityField.EXPERIENCE: BlockId.OP_EXPERIENCE,
    OpportunityField.RECOMPENSE: BlockId.OP_RECOMPENSE,
    OpportunityField.AMOUNT: BlockId.OP_AMOUNT,
    OpportunityField.CONTACT: BlockId.OP_CONTACT,
    OpportunityField.STARTS: BlockId.OP_STARTS,
    OpportunityField.ENDS: BlockId.OP_ENDS,
}
EXIT_BLOCKS: dict[str, BlockId] = {
    "went_well": BlockId.EX_WENT_WELL,
    "could_be_better": BlockId.EX_BETTER,
    "anything_else": BlockId.EX_ELSE,
}

Click = Callable[[InvolvementService, str, int], InvolvementView]
# The person's buttons: each is one call, and no reason is ever asked.
PERSON_CLICKS: dict[ActionId, Click] = {
    ActionId.INV_ACCEPT: lambda s, who, i: s.accept(who, i),
    ActionId.INV_DECLINE: lambda s, who, i: s.decline(who, i),
    ActionId.INV_PAUSE: lambda s, who, i: s.pause(who, i),
    ActionId.INV_RESUME: lambda s, who, i: s.resume(who, i),
    ActionId.INV_WITHDRAW: lambda s, who, i: s.withdraw(who, i),
    ActionId.INV_PAY_TAKE: lambda s, who, i: s.choose_payment(who, i, PaymentChoice.TAKE),
    ActionId.INV_PAY_DONATE: lambda s, who, i: s.choose_payment(who, i, PaymentChoice.DONATE),
    ActionId.INV_PAY_DECLINE: lambda s, who, i: s.choose_payment(who, i,
                                                                 PaymentChoice.DECLINE),
    ActionId.INV_CONSENT_YES_BEFORE: lambda s, who, i: s.stories.answer(
        who, i, ConsentStage.BEFORE, True),
    ActionId.INV_CONSENT_NO_BEFORE: lambda s, who, i: s.stories.answer(
        who, i, ConsentStage.BEFORE, False),
    ActionId.INV_CONSENT_YES_AFTER: lambda s, who, i: s.stories.answer(
        who, i, ConsentStage.AFTER, True),
    ActionId.INV_CONSENT_NO_AFTER: lambda s, who, i: s.stories.answer(
        who, i, ConsentStage.AFTER, False),
    ActionId.INV_CONSENT_WITHDRAW: lambda s, who, i: s.stories.withdraw(who, i),
    ActionId.INV_INTERESTED: lambda s, who, i: s.show_interest(who, i),
}
# A coordinator's (or the named contact's) buttons.
TEAM_CLICKS: dict[ActionId, Click] = {
    ActionId.INV_OFFER: lambda s, who, i: s.offer(who, i),
    ActionId.INV_END: lambda s, who, i: s.mark_ended(who, i),
}


def register(app: App) -> None:
    """Buttons and forms of this area (the /involve words are routed by handlers/involve.py)."""
    for action in (*PERSON_CLICKS, *TEAM_CLICKS):
        app.action(action.value)(handle_click)
    app.action(ActionId.INV_NEW.value)(handle_new_button)
    app.action(ActionId.INV_CLOSE.value)(handle_close)
    app.action(ActionId.INV_PAY_LESS.value)(handle_take_less_button)
    app.action(ActionId.INV_STORY_USE.value)(handle_story_use_button)
    app.action(ActionId.INV_EXIT_FORM.value)(handle_exit_button)
    app.action(ActionId.INV_LEAVE_YES.value)(handle_leave_yes)
    app.action(ActionId.INV_LEAVE_NOT_NOW.value)(handle_leave_not_now)
    app.view(CallbackId.OPPORTUNITY_FORM.value)(submitted_once(handle_opportunity_form))
    app.view(CallbackId.TAKE_LESS_FORM.value)(submitted_once(handle_take_less_form))
    app.view(CallbackId.STORY_USE_FORM.value)(submitted_once(handle_story_use_form))
    app.view(CallbackId.EXIT_FORM.value)(submitted_once(handle_exit_form))


def _say(ack: Ack, services: Services, words: str) -> None:
    ack(**words_with_crisis_line(words, services.settings.coprod_crisis_line))


def _tell(respond: Respond, services: Services, words: str) -> None:
    tell_privately(respond, words, services.settings.coprod_crisis_line)


def refusal_words(error: Exception) -> str:
    """Kind words for what a person can cause: an old button, someone else's record, a role
    they don't hold, a story that may not be used."""
    if isinstance(error, NotNow):
        return blocks.not_now_words(error.status)
    if isinstance(error, OpportunityClosed):
        return CLOSED
    if isinstance(error, NotAllowed):
        return NOT_LISTED if error.needed is Role.MEMBER else f"{error} Please ask one."
    if isinstance(error, UseRefused):
        return blocks.refused_use_words(error.verdict)
    if isinstance(error, PaymentChosen):
        return blocks.payment_chosen_words(error.choice)
    return GONE


REFUSALS = (NotNow, OpportunityClosed, NotAllowed, UseRefused, PaymentChosen, InvolvementGone)


# -- /involve and its words -------------------------------------------------------------------
def show_overview(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                  words: list[str]) -> None:
    """/involve: open opportunities, yours with the buttons that apply, and for coordinators
    everyone involved in each."""
    overview = services.involvement.overview(command["user_id"])
    ack(text="Getting involved",
        blocks=blocks.overview_blocks(overview, services.settings.timezone,
                                      services.settings.coprod_crisis_line))


def open_new_opportunity(ack: Ack, command: dict[str, Any], client: WebClient,
                         services: Services, words: list[str]) -> None:
    """/involve new: the posting form, for coordinators; others are told who can."""
    user = command["user_id"]
    if not services.involvement.is_coordinator(user):
        _say(ack, services,
             blocks.who_can_post(services.members.names_with_role(Role.COORDINATOR)))
        return
    ack()
    client.views_open(trigger_id=payloads.trigger_id(command), view=blocks.opportunity_form(user))


def show_story_consents(ack: Ack, command: dict[str, Any], client: WebClient,
                        services: Services, words: list[str]) -> None:
    """/involve stories: what may still be used, and what may not (coordinators)."""
    try:
        views = services.involvement.stories.listing(command["user_id"])
    except NotAllowed:
        _say(ack, services,
             "Only a coordinator can see stories and consent. `/involve` shows your own.")
        return
    ack(text="Stories and outputs", blocks=blocks.stories_blocks(
        views, services.settings.timezone, services.settings.coprod_crisis_line))


def open_leaving(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                 words: list[str]) -> None:
    """/involve leaving: what would end, asked first (only they see it). Nothing ends until
    they are sure: someone typing it to see what it does loses nothing."""
    user = command["user_id"]
    try:
        leaving = services.involvement.leave(user, asking=True)
    except NotAllowed:
        _say(ack, services, NOT_LISTED)
        return
    style = services.profiles.style_of(user)
    message = shown_to(blocks.leaving_question_in(style, leaving), style,
                       services.settings.coprod_crisis_line)
    ack(text=message["text"], blocks=message["blocks"])


# -- buttons ----------------------------------------------------------------------------------
def _from_overview(body: dict[str, Any]) -> bool:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("block_id", "")).startswith(BlockId.INV_LIST_ACTIONS)


def _answer(respond: Respond, body: dict[str, Any], services: Services, words: str) -> None:
    """Kind words beside what was clicked; a click in `/involve` also redraws it in place."""
    if _from_overview(body):
        overview = services.involvement.overview(payloads.actor(body))
        respond(replace_original=True, text="Getting involved",
                blocks=blocks.overview_blocks(overview, services.settings.timezone,
                                      services.settings.coprod_crisis_line))
    _tell(respond, services, words)


def handle_click(ack: Ack, body: dict, action: dict, respond: Respond,
                 services: Services) -> None:
    ack()
    action_id = ActionId(action["action_id"])
    click = PERSON_CLICKS.get(action_id) or TEAM_CLICKS[action_id]
    try:
        view = click(services.involvement, payloads.actor(body), payloads.button_number(body))
    except REFUSALS as refusal:
        _tell(respond, services, refusal_words(refusal))
        return
    _answer(respond, body, services, blocks.after_click_words(action_id, view))


def handle_close(ack: Ack, body: dict, respond: Respond, services: Services) -> None:
    ack()
    try:
        view = services.involvement.close(payloads.actor(body), payloads.button_number(body))
    except REFUSALS as refusal:
        _tell(respond, services, refusal_words(refusal))
        return
    _answer(respond, body, services, blocks.closed_words(view))


def handle_new_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                      services: Services) -> None:
    ack()
    user = payloads.actor(body)
    if not services.involvement.is_coordinator(user):
        _tell(respond, services, blocks.who_can_post(
            services.members.names_with_role(Role.COORDINATOR)))
        return
    open_form(client, body, blocks.opportunity_form(user))


def handle_take_less_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                            services: Services) -> None:
    ack()
    try:
        view = services.involvement.yours(payloads.actor(body), payloads.button_number(body))
    except REFUSALS as refusal:
        _tell(respond, services, refusal_words(refusal))
        return
    if view.payment_choice is not None:  # a button from before the choice was made
        _tell(respond, services, blocks.payment_chosen_words(view.payment_choice))
        return
    open_form(client, body, blocks.take_less_form(
        view, services.settings.coprod_crisis_line,
        easy_read=_easy_read(payloads.actor(body), services)))


def handle_story_use_button(ack: Ack, body: dict, client: WebClient, respond: Respond,
                            services: Services) -> None:
    ack()
    try:
        view = services.involvement.stories.may_use(payloads.actor(body),
                                                    payloads.button_number(body))
    except REFUSALS as refusal:
        _tell(respond, services, refusal_words(refusal))
        return
    today = services.clock().astimezone(services.settings.timezone).date()
    open_form(client, body, blocks.story_use_form(view, today))


def handle_leave_yes(ack: Ack, body: dict, client: WebClient, respond: Respond,
                     services: Services) -> None:
    """They are sure: what they're involved in ends, and the exit form opens (the click's
    trigger lets it open now)."""
    ack()
    user = payloads.actor(body)
    try:
        leaving = services.involvement.leave(user)
    except NotAllowed:
        _tell(respond, services, NOT_LISTED)
        return
    if leaving.ended or leaving.withdrawn:
        open_form(client, body, blocks.exit_form(services.settings.coprod_crisis_line, leaving,
                                                 easy_read=_easy_read(user, services)))
    answer_in_place(body, respond, services, blocks.left_answer_in, leaving)


def handle_leave_not_now(ack: Ack, body: dict, respond: Respond, services: Services) -> None:
    ack()
    answer_in_place(body, respond, services, blocks.stayed_answer_in)


def handle_exit_button(ack: Ack, body: dict, client: WebClient, services: Services) -> None:
    """Opens the exit form: nothing in it points back at the involvement it came from."""
    ack()
    open_form(client, body, blocks.exit_form(
        services.settings.coprod_crisis_line,
        easy_read=_easy_read(payloads.actor(body), services)))


def _easy_read(slack_user_id: str, services: Services) -> bool:
    """Whether a form they open is drawn in easy read (their profile's reading style)."""
    return services.profiles.style_of(slack_user_id).easy_read


# -- forms ------------------------------------------------------------------------------------
def _text_of(state: dict[str, Any], block: BlockId) -> str:
    value = field(state, block).get("value")
    return value if isinstance(value, str) else ""


def _date_of(state: dict[str, Any], block: BlockId) -> date | None:
    value = field(state, block).get("selected_date")
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise payloads.NotOurs("a date our date picker never sends") from None


def _enum_of(state: dict[str, Any], block: BlockId, kind: Any) -> Any:
    value = selected(state, block)
    return kind(value) if value in {k.value for k in kind} else None


def parse_opportunity_form(state: dict[str, Any]) -> OpportunityDraft:
    sharing = ticked(state, BlockId.OP_SHARING)
    contact = field(state, BlockId.OP_CONTACT).get("selected_user")
    return OpportunityDraft(
        kind=_enum_of(state, BlockId.OP_KIND, OpportunityKind),
        title=_text_of(state, BlockId.OP_TITLE), purpose=_text_of(state, BlockId.OP_PURPOSE),
        expected=_text_of(state, BlockId.OP_EXPECTED),
        when_where=_text_of(state, BlockId.OP_WHEN_WHERE),
        time_needed=_text_of(state, BlockId.OP_TIME_NEEDED),
        experience=_text_of(state, BlockId.OP_EXPERIENCE),
        recompense=_enum_of(state, BlockId.OP_RECOMPENSE, Recompense),
        amount=_text_of(state, BlockId.OP_AMOUNT),
        shares_story=OptionValue.SHARES_STORY in sharing,
        published_outputs=OptionValue.PUBLISHED_OUTPUTS in sharing,
        contact_slack_id=contact if isinstance(contact, str) and contact else None,
        starts_on=_date_of(state, BlockId.OP_STARTS), ends_on=_date_of(state, BlockId.OP_ENDS))


def handle_opportunity_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    draft = parse_opportunity_form(values_of(view))
    try:
        posted = services.involvement.post(payloads.actor(body), draft)
    except InvalidOpportunity as invalid:
        ack(response_action="errors",
            errors={FIELD_BLOCKS[f]: m for f, m in invalid.errors.items()})
        return
    except NotAllowed as refusal:
        ack(response_action="errors", errors={BlockId.OP_TITLE: f"{refusal} Please ask one."})
        return
    ack(response_action="update",
        view=blocks.posted_view(posted, services.settings.timezone))


def handle_take_less_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    involvement_id = payloads.metadata_number(view, "involvement")
    easy_read = in_easy_read(payloads.metadata(view))
    amount = _text_of(values_of(view), BlockId.TL_AMOUNT)
    try:
        chosen = services.involvement.choose_payment(payloads.actor(body), involvement_id,
                                                     PaymentChoice.TAKE_LESS, amount)
    except NeedsChanges as invalid:
        ack(response_action="errors", errors={BlockId.TL_AMOUNT: invalid.errors["amount"]})
        return
    except REFUSALS as refusal:
        ack(response_action="errors", errors={BlockId.TL_AMOUNT: refusal_words(refusal)})
        return
    ack(response_action="update", view=blocks.simple_view(
        CallbackId.TAKE_LESS_FORM, "Thank you", blocks.payment_thanks(chosen, easy_read=easy_read),
        services.settings.coprod_crisis_line))


def handle_story_use_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    involvement_id = payloads.metadata_number(view, "involvement")
    state = values_of(view)
    try:
        services.involvement.stories.record_use(
            payloads.actor(body), involvement_id, _text_of(state, BlockId.SU_WHAT),
            _date_of(state, BlockId.SU_DAY))
    except NeedsChanges as invalid:
        where = {"what": BlockId.SU_WHAT, "used_on": BlockId.SU_DAY}
        ack(response_action="errors",
            errors={where[f]: m for f, m in invalid.errors.items()})
        return
    except REFUSALS as refusal:
        ack(response_action="errors", errors={BlockId.SU_WHAT: refusal_words(refusal)})
        return
    ack(response_action="update", view=blocks.simple_view(
        CallbackId.STORY_USE_FORM, "Use recorded",
        "Thank you: the use is recorded. `/involve stories` shows every use.",
        services.settings.coprod_crisis_line))


def parse_exit_form(state: dict[str, Any]) -> ExitForm:
    return ExitForm(
        went_well=_text_of(state, BlockId.EX_WENT_WELL),
        could_be_better=_text_of(state, BlockId.EX_BETTER),
        recommend=_enum_of(state, BlockId.EX_RECOMMEND, Recommend),
        anything_else=_text_of(state, BlockId.EX_ELSE),
        # Anonymous unless they chose to give their name.
        anonymous=selected(state, BlockId.EX_IDENTITY) != OptionValue.NAMED)


def handle_exit_form(ack: Ack, body: dict, view: dict, services: Services) -> None:
    form = parse_exit_form(values_of(view))
    easy_read = in_easy_read(payloads.metadata(view))
    try:
        # Who sent it goes to the service to be checked against the directory; for an
        # anonymous answer it is then kept nowhere.
        kept = services.involvement.exits.receive(payloads.actor(body), form)
    except NeedsChanges as invalid:
        ack(response_action="errors",
            errors={EXIT_BLOCKS[f]: m for f, m in invalid.errors.items()})
        return
    except NotAllowed:
        ack(response_action="errors", errors={BlockId.EX_IDENTITY: NOT_LISTED})
        return
    ack(response_action="update", view=blocks.simple_view(
        CallbackId.EXIT_FORM, "Thank you",
        blocks.exit_thanks(kept, form.anonymous, easy_read=easy_read),
        services.settings.coprod_crisis_line))
