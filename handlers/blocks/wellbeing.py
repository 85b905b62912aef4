"""Blocks for wellbeing checks: the private check-in (buttons in Slack, "Reply 1, 2 or 3" by
text), redrawn with thanks once answered, and the word to the contact when someone would like
someone to get in touch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.notices import Notice
from bot.rules.communication import Style
from bot.rules.involvement import WELLBEING_WORDS, CheckStage, Wellbeing
from bot.rules.wellbeing import check_text
from bot.services.wellbeing import CheckView, SupportAsked, WellbeingCheckSent
from handlers.blocks.text import Block, Payload, Renderer, button, context, escape_mrkdwn, section
from handlers.ids import ActionId, BlockId

if TYPE_CHECKING:
    from bot.services import Services

ANSWER_BUTTONS: dict[Wellbeing, ActionId] = {
    Wellbeing.OK: ActionId.WB_OK,
    Wellbeing.MIXED: ActionId.WB_MIXED,
    Wellbeing.SUPPORT: ActionId.WB_SUPPORT,
    Wellbeing.SKIPPED: ActionId.WB_SKIP,
}


def _question(view: CheckView) -> str:
    title = f"*{escape_mrkdwn(view.title)}*"
    if view.stage is CheckStage.BEFORE:
        return f"{title} is coming up soon. How are you feeling about it?"
    if view.stage is CheckStage.END:
        return f"Thank you for your part in {title}. How are you feeling now it's done?"
    return f"It's been a few days since {title}. How have you been?"


def _who(view: CheckView) -> str:
    return escape_mrkdwn(view.contact) if view.contact else "a coordinator"


THANKS: dict[Wellbeing, str] = {
    Wellbeing.OK: "Thank you for letting us know you're OK. Take care.",
    Wellbeing.MIXED: ("Thank you for telling us. Feeling up and down after something like this "
                      "is normal. If you'd like someone to get in touch, just say below, any "
                      "time."),
    Wellbeing.SKIPPED: "That's fine - nobody has been told anything. Thank you.",
}


def _actions(view: CheckView, answers: list[Wellbeing]) -> Block:
    return {"type": "actions", "block_id": f"{BlockId.WB_ACTIONS}:{view.id}", "elements": [
        button(WELLBEING_WORDS[a], ANSWER_BUTTONS[a], str(view.id),
               "primary" if a is Wellbeing.OK else None) for a in answers]}


def check_message(view: CheckView) -> Payload:
    """The check-in as its person sees it now: the question with its answers, or thanks."""
    if view.answer is Wellbeing.SUPPORT:
        words = (f"Thank you for saying. We've asked {_who(view)} to get in touch with you "
                 "today.")
        return {"text": "Thank you for saying", "blocks": [section(words)]}
    if view.answer is not None:
        return {"text": "Thank you", "blocks": [section(THANKS[view.answer]),
                                                _actions(view, [Wellbeing.SUPPORT])]}
    return {"text": f"How are you feeling? A check-in about {escape_mrkdwn(view.title)}",
            "blocks": [section(_question(view)),
                       _actions(view, [Wellbeing.OK, Wellbeing.MIXED, Wellbeing.SUPPORT,
                                       Wellbeing.SKIPPED]),
                       context("Only you see this, and it's fine to skip it: nobody is told. "
                               f"If you'd like someone to get in touch, we'll ask {_who(view)} "
                               "straight away.")],
            "sms": check_text(view.stage, view.kind)}


def support_message(view: CheckView) -> Payload:
    """To the contact: who asked, after (or before) what. Nothing more."""
    when = "before" if view.stage is CheckStage.BEFORE else "after"
    words = (f"{escape_mrkdwn(view.name)} asked for someone to get in touch {when} "
             f"{escape_mrkdwn(view.title)}. Please reach out today.")
    return {"text": words, "blocks": [section(words)]}


# -- drawing the notices wellbeing checks record ------------------------------------------------
def _draw_check(notice: WellbeingCheckSent, services: Services, style: Style) -> Payload:
    return check_message(services.wellbeing.check_view(notice.check_id))


def _draw_support(notice: SupportAsked, services: Services, style: Style) -> Payload:
    return support_message(services.wellbeing.check_view(notice.check_id))


RENDERERS: dict[type[Notice], Renderer] = {
    WellbeingCheckSent: _draw_check,
    SupportAsked: _draw_support,
}
