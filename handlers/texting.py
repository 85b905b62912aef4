"""Replying by text to a member's relayed text."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.rules.roles import NotAllowed
from bot.services import Services
from bot.services.texting import TextGone
from handlers import payloads
from handlers.blocks import texting as blocks
from handlers.form_state import field, values_of
from handlers.ids import ActionId, BlockId, CallbackId
from handlers.once import submitted_once
from handlers.replies import say_privately


def register(app: App) -> None:
    app.action(ActionId.TX_REPLY.value)(handle_reply_button)
    app.view(CallbackId.TEXT_REPLY.value)(submitted_once(handle_reply))


def handle_reply_button(ack: Ack, body: dict, respond: Respond, client: WebClient,
                        services: Services) -> None:
    ack()
    text_id = payloads.button_number(body)
    try:
        name, _ = services.texting.inbound_for_reply(text_id, payloads.actor(body))
    except (NotAllowed, TextGone):
        say_privately(respond, "Only a coordinator can reply to texts.")
        return
    client.views_open(trigger_id=payloads.trigger_id(body), view=blocks.reply_form(text_id, name))


def handle_reply(ack: Ack, body: dict, view: dict, services: Services) -> None:
    text_id = payloads.metadata_number(view, "text")
    words = field(values_of(view), BlockId.TX_REPLY_TEXT).get("value") or ""
    try:
        name = services.texting.reply_to_text(text_id, payloads.actor(body), words)
    except (ValueError, NotAllowed, TextGone) as problem:
        message = str(problem) if isinstance(problem, ValueError | NotAllowed) else \
            "That text can't be answered any more."
        ack(response_action="errors", errors={BlockId.TX_REPLY_TEXT: message})
        return
    ack(response_action="update", view=blocks.reply_sent_view(name))
