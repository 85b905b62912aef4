"""Blocks for declarations: the form, the request its readers act on, and what the person who
declared is told at each step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from bot.notices import Notice
from bot.rules.communication import Style
from bot.rules.declarations import STEP_BUTTON_WORDS, STEP_DONE_WORDS, WORDS_MAX
from bot.rules.involvement import DECLARATION_WORDS, DeclarationKind
from bot.rules.lifecycle import RequestStatus
from bot.services.declarations import (
    DeclarationStep,
    DeclarationToReader,
    DeclarationView,
    PersonChoice,
)
from handlers.blocks.easy import (
    drawn_in,
    easy_lines,
    easy_message,
    easy_when,
    in_either_style,
)
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    View,
    button,
    context,
    escape_mrkdwn,
    option,
    plain,
    section,
    when,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services

STEP_ACTIONS = {
    RequestStatus.ACKNOWLEDGED: ActionId.DECLARATION_ACKNOWLEDGE,
    RequestStatus.ARRANGED: ActionId.DECLARATION_NOTED,
    RequestStatus.DECLINED: ActionId.DECLARATION_TALK,
}


EASY_DECLARATION_WORDS: dict[DeclarationKind, str] = {
    DeclarationKind.RELATIONSHIP: "I knew someone here before, like a friend or family",
    DeclarationKind.GIFT: "Someone offered me a gift or a favour",
}


def declaration_form(people: Sequence[PersonChoice], *, easy_read: bool = False) -> View:
    words = EASY_DECLARATION_WORDS if easy_read else DECLARATION_WORDS
    kinds = [option(words[k], k.value) for k in DeclarationKind]
    intro = (easy_lines(["Tell us if you knew someone here before.",
                         "Or if someone offered you a gift or a favour.",
                         "This keeps everyone safe.",
                         "It goes to the HR officer or a coordinator.",
                         "We do not send it to the other person."]) if easy_read else
             "Telling us about a relationship you had before (a neighbour, a friend, family) or "
             "a gift or favour you were offered keeps everyone safe. It goes to the HR officer "
             "(or a coordinator), never to the other person.")
    blocks: list[Block] = [
        section(intro),
        {"type": "input", "block_id": BlockId.DC_KIND,
         "label": plain("What do you want to tell us?" if easy_read
                        else "What you're telling us"),
         "element": {"type": "radio_buttons", "action_id": ActionId.DC_FIELD,
                     "options": kinds}},
    ]
    if people:
        blocks.append(
            {"type": "input", "block_id": BlockId.DC_OTHER, "optional": True,
             "label": plain("Who is it?" if easy_read else "Who with, or who offered it"),
             "hint": plain("For a gift, only choose someone if they are on our member list."
                           if easy_read else
                           "For a gift, only if it was someone in our member list."),
             "element": {"type": "static_select", "action_id": ActionId.DC_FIELD,
                         "placeholder": plain("Choose a person"),
                         "options": [option(p.name, str(p.member_id)) for p in people[:100]]}})
    blocks.append(
        {"type": "input", "block_id": BlockId.DC_WORDS,
         "label": plain("Tell us a little more" if easy_read else "In a few words"),
         "hint": plain("How do you know them? Or what did they offer you?" if easy_read
                       else "What kind of relationship, or what was offered."),
         "element": {"type": "plain_text_input", "action_id": ActionId.DC_FIELD,
                     "multiline": True, "max_length": WORDS_MAX}})
    return drawn_in({"type": "modal", "callback_id": CallbackId.DECLARATION_FORM,
                     "title": plain("Declare"), "submit": plain("Send"),
                     "close": plain("Cancel"), "blocks": blocks}, easy_read=easy_read)


def declaration_sent(*, easy_read: bool = False) -> View:
    words = (easy_lines(["Thank you for telling us.",
                         "It has gone to the HR officer or a coordinator.",
                         "We will tell you here when they have looked at it.",
                         "We do not tell the other person."]) if easy_read else
             "Thank you for telling us. It has gone to the HR officer (or a coordinator), and "
             "you'll hear here when they've looked at it. The other person isn't told.")
    return {"type": "modal", "callback_id": CallbackId.DECLARATION_FORM,
            "title": plain("Thank you"), "close": plain("Done"), "blocks": [section(words)]}


def _what(view: DeclarationView) -> str:
    other = escape_mrkdwn(view.other_name) if view.other_name else None
    if view.kind is DeclarationKind.RELATIONSHIP:
        return f"a relationship from before with *{other or 'someone no longer listed'}*"
    return "a gift or favour offered" + (f" by *{other}*" if other else "")


def declaration_card(view: DeclarationView, tz: tzinfo) -> Payload:
    """What the HR officer (or a coordinator) reads, with the workflow's buttons."""
    who = (f"<@{view.declarer_slack_id}>" if view.declarer_slack_id
           else escape_mrkdwn(view.declarer_name))
    blocks: list[Block] = [
        section(f"{who} has declared {_what(view)} ({when(view.created_at, tz)}):\n"
                f">{escape_mrkdwn(view.words)}"),
        context("Only you can see this; the other person named is never told."),
    ]
    if view.status is not RequestStatus.REQUESTED:
        by = f"<@{view.handled_by}>" if view.handled_by else "someone who has since left"
        blocks.append(context(f"{STEP_DONE_WORDS[view.status]} by {by}."))
    steps = ([RequestStatus.ACKNOWLEDGED] if view.status is RequestStatus.REQUESTED else []) + (
        [RequestStatus.ARRANGED, RequestStatus.DECLINED]
        if view.status in (RequestStatus.REQUESTED, RequestStatus.ACKNOWLEDGED) else [])
    if steps:
        blocks.append({"type": "actions", "block_id": f"declaration:{view.id}", "elements": [
            button(STEP_BUTTON_WORDS[s], STEP_ACTIONS[s], str(view.id),
                   "primary" if s is RequestStatus.ARRANGED else None) for s in steps]})
    return {"text": f"A declaration from {escape_mrkdwn(view.declarer_name)} for you to look at",
            "blocks": blocks}


def no_longer_yours() -> Payload:
    """A reader's copy once they no longer hold the role it went to them as: its words go."""
    words = "This is no longer yours to see."
    return {"text": words, "blocks": [section(words)]}


def step_message(view: DeclarationView, step: RequestStatus) -> Payload:
    """What the person who declared is told at each step."""
    by = f"<@{view.handled_by}>" if view.handled_by else "the HR officer"
    words: dict[RequestStatus, str] = {
        RequestStatus.ACKNOWLEDGED: f"{by} has seen what you declared and will come back to "
                                    "you soon. Thank you for telling us.",
        RequestStatus.ARRANGED: f"{by} has noted what you declared. Nothing more is needed "
                                "from you. Thank you for telling us.",
        RequestStatus.DECLINED: f"{by} would like to talk through what you declared, and will "
                                "be in touch to find a time. It's nothing to worry about: it "
                                "helps everyone keep to good boundaries.",
    }
    text = "About your declaration: " + words.get(step, "Thank you for your declaration.")
    return {"text": text, "blocks": [section(text)]}


# -- the same messages in easy read -------------------------------------------------------------
EASY_DONE: dict[RequestStatus, str] = {
    RequestStatus.ACKNOWLEDGED: "{by} has seen it and is looking at it.",
    RequestStatus.ARRANGED: "{by} has noted it. Nothing more is needed.",
    RequestStatus.DECLINED: "{by} will talk it through with them.",
}


EASY_NEWS: dict[RequestStatus, str] = {
    RequestStatus.ACKNOWLEDGED: "{by} has seen it",
    RequestStatus.ARRANGED: "{by} has noted it. Nothing more is needed",
    RequestStatus.DECLINED: "{by} would like to talk it through",
}


def _easy_what(view: DeclarationView, who: str) -> list[str]:
    other = escape_mrkdwn(view.other_name) if view.other_name else None
    if view.kind is DeclarationKind.RELATIONSHIP:
        return [f"{who} has told us they knew *{other or 'someone no longer listed'}* before.",
                "For example, as a neighbour, a friend or family."]
    return [f"{who} has told us about a gift or favour they were offered."] + (
        [f"*{other}* offered it."] if other else [])


def easy_declaration_card(view: DeclarationView, tz: tzinfo) -> Payload:
    """The request in easy read: the same facts and the same buttons."""
    who = (f"<@{view.declarer_slack_id}>" if view.declarer_slack_id
           else escape_mrkdwn(view.declarer_name))
    lines = [*_easy_what(view, who), f"They told us on {easy_when(view.created_at, tz)}.",
             "In their words:", f">{escape_mrkdwn(view.words)}",
             "Only you can see this.", "We never tell the other person."]
    if view.status is not RequestStatus.REQUESTED:
        by = f"<@{view.handled_by}>" if view.handled_by else "Someone who has since left"
        lines.append(EASY_DONE.get(view.status, "{by} has dealt with it.").format(by=by))
    actions = [b for b in declaration_card(view, tz)["blocks"] if b["type"] == "actions"]
    if actions:
        lines.append("What happens next? Tap a button below.")
    name = escape_mrkdwn(view.declarer_name)
    return easy_message(lines, actions=actions,
                        text=f"{name} has told us something for you to look at")


declaration_card_in = in_either_style(declaration_card, easy_declaration_card)


def easy_no_longer_yours() -> Payload:
    return easy_message(["You cannot see this any more.",
                         "This is because it is not yours to look at now."],
                        text="You cannot see this any more")


def easy_step_message(view: DeclarationView, step: RequestStatus) -> Payload:
    """What the person who declared is told, in easy read."""
    by = f"<@{view.handled_by}>" if view.handled_by else "The HR officer"
    words: dict[RequestStatus, list[str]] = {
        RequestStatus.ACKNOWLEDGED: [f"{by} has seen what you told us.",
                                     "They will get back to you soon."],
        RequestStatus.ARRANGED: [f"{by} has noted what you told us.",
                                 "You do not need to do anything more."],
        RequestStatus.DECLINED: [f"{by} would like to talk with you about what you told us.",
                                 "They will get in touch to find a time.",
                                 "This is nothing to worry about.",
                                 "It helps everyone keep the right limits between people."],
    }
    lines = [*words.get(step, []), "Thank you for telling us."]
    news = EASY_NEWS.get(step, "thank you for telling us").format(by=by)
    return easy_message(lines, text=f"About what you told us: {news}")


# -- drawing the notices declarations record -----------------------------------------------------
def _draw_request(notice: DeclarationToReader, services: Services, style: Style) -> Payload:
    view = services.declarations.view_for(notice.declaration_id, notice.to, notice.role)
    if view is None:
        return easy_no_longer_yours() if style.easy_read else no_longer_yours()
    return declaration_card_in(style, view, services.settings.timezone)


def _draw_step(notice: DeclarationStep, services: Services, style: Style) -> Payload:
    draw = easy_step_message if style.easy_read else step_message
    return draw(services.declarations.view(notice.declaration_id), notice.step)


RENDERERS: dict[type[Notice], Renderer] = {
    DeclarationToReader: _draw_request,
    DeclarationStep: _draw_step,
}
