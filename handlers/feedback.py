"""/feedback: the form, the case code follow-up, and the team's buttons on each case."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.after_ack import AfterAck
from bot.rules.feedback import EASY_READ_ERRORS, STANDARD_ERRORS, FeedbackForm, Field
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic, MeetingStatus
from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.feedback import CaseView, InvalidFeedback
from bot.services.guesses import TooManyGuesses
from handlers import payloads
from handlers.blocks import feedback as blocks
from handlers.blocks.text import KIND_ERROR, Block, View, section
from handlers.form_state import field, selected, ticked, values_of
from handlers.home import publish_home_later
from handlers.ids import ActionId, BlockId, CallbackId, OptionValue, SlashCommand
from handlers.later import later
from handlers.once import submitted_once
from handlers.replies import redraw_clicked

log = logging.getLogger(__name__)

MEETING_STEPS = {
    ActionId.FB_MEETING_ACKNOWLEDGE: MeetingStatus.ACKNOWLEDGED,
    ActionId.FB_MEETING_ARRANGED: MeetingStatus.ARRANGED,
    ActionId.FB_MEETING_DECLINE: MeetingStatus.DECLINED,
}

FIELD_BLOCKS = {
    Field.KIND: BlockId.FB_KIND,
    Field.TOPIC: BlockId.FB_TOPIC,
    Field.TEXT: BlockId.FB_TEXT,
    Field.IDENTITY: BlockId.FB_IDENTITY,
    Field.NAMED_OPTIONS: BlockId.FB_NAMED_OPTIONS,
    Field.ABOUT: BlockId.FB_ABOUT,
}


def register(app: App) -> None:
    app.command(SlashCommand.FEEDBACK.value)(handle_feedback_command)
    for choice in (ActionId.FB_KIND_CHOSEN, ActionId.FB_TOPIC_CHOSEN,
                   ActionId.FB_IDENTITY_CHOSEN):
        app.action(choice.value)(handle_form_choice)
    app.view(CallbackId.FEEDBACK_FORM.value)(submitted_once(handle_feedback_submission))
    app.action(ActionId.FB_ACKNOWLEDGE.value)(handle_case_button)
    app.action(ActionId.FB_RESOLVE.value)(handle_case_button)
    app.action(ActionId.FB_MEETING_ACKNOWLEDGE.value)(handle_case_button)
    app.action(ActionId.FB_MEETING_ARRANGED.value)(handle_case_button)
    app.action(ActionId.FB_MEETING_DECLINE.value)(handle_case_button)
    app.action(ActionId.FB_REPLY.value)(handle_reply_button)
    app.view(CallbackId.FEEDBACK_REPLY.value)(submitted_once(handle_team_reply))


# -- parsing ---------------------------------------------------------------------------------
def _enum_or_none(kind: type[FeedbackKind] | type[FeedbackTopic], value: str | None) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def form_choices(state: dict[str, Any]) -> blocks.FormChoices:
    identity = selected(state, BlockId.FB_IDENTITY)
    return blocks.FormChoices(
        kind=_enum_or_none(FeedbackKind, selected(state, BlockId.FB_KIND)),
        topic=_enum_or_none(FeedbackTopic, selected(state, BlockId.FB_TOPIC)),
        anonymous=None if identity is None else identity == OptionValue.ANONYMOUS,
    )


def parse_form(state: dict[str, Any]) -> FeedbackForm:
    choices = form_choices(state)
    named = ticked(state, BlockId.FB_NAMED_OPTIONS)
    return FeedbackForm(
        kind=choices.kind,
        topic=choices.topic,
        text=field(state, BlockId.FB_TEXT).get("value") or "",
        anonymous=choices.anonymous,
        about_slack_id=field(state, BlockId.FB_ABOUT).get("selected_user") or None,
        wants_meeting=OptionValue.WANTS_MEETING in named,
        wants_acknowledgement=OptionValue.WANTS_ACKNOWLEDGEMENT in named,
        testimony_consent=OptionValue.TESTIMONY in ticked(state, BlockId.FB_TESTIMONY),
    )


# -- the person's side -----------------------------------------------------------------------
def handle_feedback_command(ack: Ack, command: dict, client: WebClient, respond: Respond,
                            services: Services, after_ack: AfterAck) -> None:
    text = command.get("text") or ""
    words = text.split()
    crisis = services.settings.coprod_crisis_line
    first = words[0].lower() if words else ""
    asker = command["user_id"]

    if first == "help" and len(words) == 1:
        ack(blocks=blocks.feedback_help_blocks(crisis), text="How to use /feedback")
    elif first in ("status", "reply") and len(words) == 1:
        _say(ack, blocks.needs_a_code(first))
    elif first == "status" and len(words) == 2:
        _answer_by_code(
            ack, lambda: services.feedback.case_by_code(words[1], asker),
            lambda case: blocks.case_status_blocks(case, services.settings.timezone, crisis))
    elif first == "reply" and len(words) >= 2 and _looks_like_code(words[1]):
        _, _, rest = text.strip().partition(words[1])
        if not rest.strip():
            _say(ack, blocks.needs_words(words[1]))
            return
        _answer_by_code(
            ack, lambda: services.feedback.add_by_code(words[1], asker, rest.strip()),
            blocks.added_words_blocks)
    else:
        # Acknowledge, then open the form straight after (the trigger id lives about 3 s).
        ack()
        later(after_ack, respond, "/feedback",
              lambda: client.views_open(trigger_id=payloads.trigger_id(command),
                                        view=_form_for(asker, text, services)),
              sorry=f"{KIND_ERROR} In danger now? Call 999. {crisis}")


def _form_for(asker: str, text: str, services: Services) -> View:
    """The form in the words its reader asked for (their profile's reading style)."""
    easy_read = services.profiles.style_of(asker).easy_read
    return blocks.feedback_form(blocks.FormChoices(), prefill=text.strip(),
                                crisis_line=services.settings.coprod_crisis_line,
                                kept=blocks.FormKept(easy_read=easy_read))


def _say(ack: Ack, words: str) -> None:
    ack(text=words, blocks=[section(words)])


def _looks_like_code(word: str) -> bool:
    return len(word.replace("-", "")) == 12 and word.replace("-", "").isalnum()


def _answer_by_code(ack: Ack, find: Callable[[], CaseView | None],
                    answer: Callable[[CaseView], list[Block]]) -> None:
    """The same words for a wrong code whatever was asked, so a guess learns nothing."""
    try:
        case = find()
    except TooManyGuesses:
        ack(blocks=blocks.too_many_guesses_blocks(), text="Please wait a little")
        return
    except InvalidFeedback as invalid:  # words added by code: too long, or nothing to add
        words = next(iter(invalid.errors.values()))
        ack(blocks=[section(words)], text=words)
        return
    if case is None:
        ack(blocks=blocks.wrong_code_blocks(), text="That code doesn't match a case")
    else:
        ack(blocks=answer(case), text=f"Your feedback, case #{case.id}")


def handle_form_choice(ack: Ack, body: dict, client: WebClient, services: Services) -> None:
    """A choice that changes which questions the form shows: redraw it, keeping what's typed."""
    ack()
    view = payloads.form_view(body)
    state = values_of(view)
    text = field(state, BlockId.FB_TEXT).get("value") or ""
    client.views_update(
        view_id=view["id"], hash=view.get("hash"),
        view=blocks.feedback_form(form_choices(state), prefill=text,
                                  crisis_line=services.settings.coprod_crisis_line,
                                  kept=blocks.FormKept.of(payloads.metadata(view))))


def handle_feedback_submission(ack: Ack, body: dict, view: dict, services: Services) -> None:
    form = parse_form(values_of(view))
    easy_read = blocks.FormKept.of(payloads.metadata(view)).easy_read
    try:
        # The service drops the id when the form says anonymous; it is never stored.
        submitted = services.feedback.submit(
            form, payloads.actor(body), EASY_READ_ERRORS if easy_read else STANDARD_ERRORS)
    except InvalidFeedback as invalid:
        ack(response_action="errors",
            errors={FIELD_BLOCKS[field]: message for field, message in invalid.errors.items()})
        return
    ack(response_action="update",
        view=blocks.confirmation_view(
            submitted, crisis_line=services.settings.coprod_crisis_line, easy_read=easy_read))


# -- the team's side -------------------------------------------------------------------------
def handle_case_button(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient,
                       services: Services, after_ack: AfterAck) -> None:
    ack()
    case_id = payloads.button_number(body)
    actor = payloads.actor(body)
    feedback = services.feedback
    try:
        if action["action_id"] == ActionId.FB_ACKNOWLEDGE:
            case = feedback.acknowledge(case_id, actor).case
        elif action["action_id"] == ActionId.FB_RESOLVE:
            case = feedback.resolve(case_id, actor).case
        else:
            case = feedback.meeting_update(case_id, actor,
                                           MEETING_STEPS[ActionId(action["action_id"])]).case
    except NotAllowed as refusal:
        _tell(body, respond, client, actor, blocks.not_allowed_blocks(str(refusal)))
        return
    _redraw(body, action, respond, client, services, case, after_ack)


def _redraw(body: dict, action: dict, respond: Respond, client: WebClient, services: Services,
            case: CaseView, after_ack: AfterAck) -> None:
    """The clicked copy changes at once; the other copies follow through the outbox."""
    if body.get("container", {}).get("type") == "view":
        publish_home_later(after_ack, client, services, payloads.actor(body))
        return
    if action["action_id"] in MEETING_STEPS:
        redraw_clicked(body, respond, services, blocks.meeting_task_in, case)
    else:
        redraw_clicked(body, respond, services, blocks.case_notice_in, case,
                       services.settings.timezone)


def _tell(body: dict, respond: Respond, client: WebClient, user: str, message: list) -> None:
    if body.get("response_url") or body.get("container", {}).get("type") == "message":
        respond(replace_original=False, response_type="ephemeral", blocks=message,
                text="Not for you to act on")
    else:
        client.chat_postEphemeral(channel=user, user=user, blocks=message,
                                  text="Not for you to act on")


def handle_reply_button(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient,
                        services: Services) -> None:
    ack()
    actor = payloads.actor(body)
    try:
        case = services.feedback.case_for_team(payloads.button_number(body), actor)
    except NotAllowed as refusal:
        _tell(body, respond, client, actor, blocks.not_allowed_blocks(str(refusal)))
        return
    client.views_open(trigger_id=payloads.trigger_id(body), view=blocks.reply_form(case))


def handle_team_reply(ack: Ack, body: dict, view: dict, services: Services) -> None:
    case_id = payloads.metadata_number(view, "case")
    state = values_of(view)
    text = field(state, BlockId.FB_REPLY_TEXT).get("value") or ""
    try:
        case = services.feedback.reply_from_team(case_id, payloads.actor(body), text)
    except InvalidFeedback as invalid:
        ack(response_action="errors", errors={BlockId.FB_REPLY_TEXT: invalid.errors[Field.TEXT]})
        return
    except NotAllowed as refusal:
        ack(response_action="errors", errors={BlockId.FB_REPLY_TEXT: str(refusal)})
        return
    ack(response_action="update", view=blocks.reply_sent_view(case))
