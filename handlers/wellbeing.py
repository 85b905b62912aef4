"""Wellbeing checks in Slack: the check-in's answers. The check is redrawn with thanks through
the outbox (so the crisis line stays at its foot), and the dispatcher is nudged to do it now."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.rules.involvement import Wellbeing
from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.wellbeing import CheckGone, NotYourCheck
from handlers import payloads
from handlers.blocks.wellbeing import ANSWER_BUTTONS
from handlers.replies import say_privately

ANSWERS: dict[str, Wellbeing] = {action.value: answer
                                 for answer, action in ANSWER_BUTTONS.items()}


def register(app: App) -> None:
    for action in ANSWER_BUTTONS.values():
        app.action(action.value)(handle_answer)


def handle_answer(ack: Ack, body: dict, action: dict, respond: Respond,
                  services: Services) -> None:
    ack()
    given = ANSWERS.get(str(action.get("action_id")))
    if given is None:
        raise payloads.NotOurs("a wellbeing answer")
    try:
        services.wellbeing.answer(payloads.button_number(body), payloads.actor(body), given)
    except (NotAllowed, NotYourCheck, CheckGone):
        say_privately(respond, "Sorry, that check-in isn't one we can find for you. If you'd "
                               "like someone to get in touch, a coordinator will be glad to.")
