"""Blocks for texts: a member's text relayed to the coordinators, and the reply form."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.notices import Notice, NoticeGone
from bot.rules.communication import Style
from bot.rules.sms_text import TWO_PARTS, gsm7_length, to_gsm7
from bot.services.texting import RelayedText, ReplyByText, TextGone
from handlers.blocks.easy import easy_lines
from handlers.blocks.text import (
    Block,
    Payload,
    Renderer,
    button,
    context,
    escape_mrkdwn,
    plain,
    section,
    text_sections,
)
from handlers.ids import ActionId, BlockId, CallbackId

if TYPE_CHECKING:
    from bot.services import Services


def relayed_text(text_id: int, name: str | None, phone: str, body: str) -> dict[str, Any]:
    who = escape_mrkdwn(name) if name else f"an unknown number ending {phone[-4:]}"
    blocks = [section(f"*Text from {who}:*"), *text_sections(body)]
    if name:
        blocks.append(_reply_button(text_id))
    else:
        blocks.append(context("They are not in the member list, so there is no reply button. "
                              "Add them with `coprod members import` if they should be."))
    return {"text": f"Text from {escape_mrkdwn(name) if name else 'an unknown number'}",
            "blocks": blocks}


def easy_relayed_text(text_id: int, name: str | None, phone: str, body: str) -> Payload:
    if name:
        who = escape_mrkdwn(name)
        said = [f"{who} sent us a text.", "This is what they wrote:"]
        after = ["Tap Reply by text to answer them."]
    else:
        who = "Someone we do not know"
        said = [f"{who} sent us a text.", f"Their phone number ends in {phone[-4:]}.",
                "This is what they wrote:"]
        after = ["They are not on our member list.", "So you cannot reply to them here.",
                 "If they should be on it, add them with `coprod members import`."]
    return {"text": f"{who} sent us a text",
            "blocks": [section(easy_lines(said)), *text_sections(body),
                       section(easy_lines(after)), *([_reply_button(text_id)] if name else [])]}


def _reply_button(text_id: int) -> Block:
    return {"type": "actions", "block_id": f"text_actions:{text_id}",
            "elements": [button("Reply by text", ActionId.TX_REPLY, str(text_id), "primary")]}


def reply_form(text_id: int, name: str) -> dict[str, Any]:
    return {
        "type": "modal", "callback_id": CallbackId.TEXT_REPLY,
        "private_metadata": json.dumps({"text": text_id}),
        "title": plain("Reply by text"), "submit": plain("Send text"), "close": plain("Cancel"),
        "blocks": [
            section(f"To *{escape_mrkdwn(name)}*"),
            {"type": "input", "block_id": BlockId.TX_REPLY_TEXT, "label": plain("Your text"),
             "hint": plain("Kept short and plain; no health details in texts, please."),
             "element": {"type": "plain_text_input", "action_id": ActionId.TX_REPLY_TYPED,
                         "multiline": True, "max_length": TWO_PARTS - 40}},
        ],
    }


def reply_sent_view(name: str) -> dict[str, Any]:
    return {"type": "modal", "callback_id": CallbackId.TEXT_REPLY, "title": plain("Text sent"),
            "close": plain("Done"),
            "blocks": [section(f"Your reply to {escape_mrkdwn(name)} is on its way.")]}


# -- drawing the notices texting records -------------------------------------------------------
def _draw_relayed(notice: RelayedText, services: Services, style: Style) -> Payload:
    try:
        found = services.texting.relayed(notice.text_id)
    except TextGone as gone:
        raise NoticeGone(notice.text_id) from gone
    draw = easy_relayed_text if style.easy_read else relayed_text
    return draw(found.text_id, found.name, found.phone, found.body)


def _draw_reply(notice: ReplyByText, services: Services, style: Style) -> Payload:
    try:
        words = services.texting.reply_words(notice.reply_id)
    except TextGone as gone:
        raise NoticeGone(notice.reply_id) from gone
    if style.easy_read:
        return easy_reply(words, services.settings.coprod_org_name)
    return {"text": escape_mrkdwn(words), "blocks": text_sections(words), "sms": words}


EASY_REPLY_SAYS = "This is our reply to your text:"


def easy_reply(words: str, org_name: str) -> Payload:
    """A coordinator's words can't be put more simply for them, so easy read says first what
    they are; in a text only when that leaves every one of their words in it."""
    framed = f"{EASY_REPLY_SAYS}\n{words}"
    whole = gsm7_length(to_gsm7(f"{org_name}: {framed}")) or TWO_PARTS + 1
    return {"text": f"{EASY_REPLY_SAYS} {escape_mrkdwn(words)}",
            "blocks": [section(EASY_REPLY_SAYS), *text_sections(words)],
            "sms": framed if whole <= TWO_PARTS else words}


RENDERERS: dict[type[Notice], Renderer] = {
    RelayedText: _draw_relayed,
    ReplyByText: _draw_reply,
}
