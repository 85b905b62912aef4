"""Blocks for wellbeing checks: the private check-in (buttons in Slack, "Reply 1, 2 or 3" by
text), redrawn with thanks once answered, and the word to the contact when someone would like
someone to get in touch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.notices import Notice, NoticeGone
from bot.rules.communication import Style
from bot.rules.involvement import WELLBEING_WORDS, CheckStage, OpportunityKind, Wellbeing
from bot.rules.wellbeing import WORK_BY_TEXT, check_text
from bot.services.wellbeing import CheckView, SupportAsked, WellbeingCheckSent
from handlers.blocks.easy import easy_message
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
        return {"text": "Thank you for your answer",
                "blocks": [section(THANKS[view.answer]), _actions(view, [Wellbeing.SUPPORT])]}
    return {"text": f"How are you feeling? A check-in about {escape_mrkdwn(view.title)}",
            "blocks": [section(_question(view)),
                       _actions(view, [Wellbeing.OK, Wellbeing.MIXED, Wellbeing.SUPPORT,
                                       Wellbeing.SKIPPED]),
                       context("Only you see this, and it's fine to skip it: nobody is told. "
                               f"If you'd like someone to get in touch, we'll ask {_who(view)} "
                               "straight away.")],
            "sms": check_text(view.stage, view.kind)}


def _easy_question(view: CheckView) -> list[str]:
    title = f"*{escape_mrkdwn(view.title)}*"
    if view.stage is CheckStage.BEFORE:
        return [f"{title} is coming up soon.", "How are you feeling about it?"]
    if view.stage is CheckStage.END:
        return [f"Thank you for your part in {title}.", "How are you feeling now it is over?"]
    return [f"{title} was a few days ago.", "How have you been since then?"]


# After an answer: thanks, and (the button below) that it is never too late to ask.
EASY_THANKS: dict[Wellbeing, list[str]] = {
    Wellbeing.OK: ["Thank you for telling us you are OK.", "Take care."],
    Wellbeing.MIXED: ["Thank you for telling us.",
                      "It is normal to feel up and down after something like this."],
    Wellbeing.SKIPPED: ["That is fine.", "We have not told anyone anything.", "Thank you."],
}
EASY_ASK_LATER = "Would you like someone to get in touch? You can tap below at any time."


def easy_check_text(stage: CheckStage, kind: OpportunityKind) -> list[str]:
    """The check by text in easy read: the same numbers as `check_text`, which the reply
    parser reads (1 OK, 2 up and down, 3 someone to get in touch), and no title."""
    work = WORK_BY_TEXT[kind]
    question = {CheckStage.BEFORE: f"How are you feeling before {work}?",
                CheckStage.END: f"How are you feeling after {work}?",
                CheckStage.FOLLOW_UP: f"How have you been since {work}?"}[stage]
    return [question, "Reply 1 if you are OK.", "Reply 2 if you feel up and down.",
            "Reply 3 if you would like someone to get in touch.", "You do not have to reply."]


def easy_check_message(view: CheckView) -> Payload:
    """`check_message` in easy read, with the same buttons, and what to do last."""
    if view.answer is Wellbeing.SUPPORT:
        return easy_message(["Thank you for telling us.",
                             f"We have asked {_who(view)} to get in touch with you today."])
    if view.answer is not None:
        return easy_message([*EASY_THANKS[view.answer], EASY_ASK_LATER],
                            actions=[_actions(view, [Wellbeing.SUPPORT])],
                            text=EASY_THANKS[view.answer][0])
    return easy_message(
        [*_easy_question(view), "Only you can see this message.",
         "You can skip it. We will not tell anyone.",
         "Would you like someone to get in touch?",
         f"Tell us, and we will ask {_who(view)} straight away.",
         "Please tap the answer that fits you best."],
        actions=[_actions(view, [Wellbeing.OK, Wellbeing.MIXED, Wellbeing.SUPPORT,
                                 Wellbeing.SKIPPED])],
        text=f"How are you feeling? A question about {escape_mrkdwn(view.title)}",
        sms=easy_check_text(view.stage, view.kind))


def support_message(view: CheckView) -> Payload:
    """To the contact: who asked, after (or before) what. Nothing more."""
    when = "before" if view.stage is CheckStage.BEFORE else "after"
    words = (f"{escape_mrkdwn(view.name)} asked for someone to get in touch {when} "
             f"{escape_mrkdwn(view.title)}. Please reach out today.")
    return {"text": words, "blocks": [section(words)]}


def easy_support_message(view: CheckView) -> Payload:
    """`support_message` in easy read: who, before or after what, and to get in touch."""
    when = "before" if view.stage is CheckStage.BEFORE else "after"
    name = escape_mrkdwn(view.name)
    return easy_message([f"{name} would like someone to get in touch with them.",
                         f"They said this {when} *{escape_mrkdwn(view.title)}*.",
                         "Please contact them today."],
                        text=f"{name} would like someone to get in touch")


# -- drawing the notices wellbeing checks record ------------------------------------------------
def _draw_check(notice: WellbeingCheckSent, services: Services, style: Style) -> Payload:
    view = services.wellbeing.check_view(notice.check_id)
    if view.answer is None and not view.still_asked:
        # Queued, then the work ended or was withdrawn before it went (quiet hours hold
        # checks): "coming up soon" would contradict the thanks at the end. An answered
        # check is always redrawn with its thanks.
        raise NoticeGone(notice.check_id)
    draw = easy_check_message if style.easy_read else check_message
    return draw(view)


def _draw_support(notice: SupportAsked, services: Services, style: Style) -> Payload:
    draw = easy_support_message if style.easy_read else support_message
    return draw(services.wellbeing.check_view(notice.check_id))


RENDERERS: dict[type[Notice], Renderer] = {
    WellbeingCheckSent: _draw_check,
    SupportAsked: _draw_support,
}
