"""Small pieces every builder uses: escaping people's words and the standard block shapes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.rules.communication import Style
    from bot.services import Services

Block = dict[str, Any]
Payload = dict[str, Any]  # a message: text and blocks
View = dict[str, Any]  # a modal or App Home

KIND_ERROR = (
    "Sorry, something went wrong on our side - it wasn't anything you did. "
    "Please try again in a minute."
)
OUT_OF_DATE = "That button is out of date - please try again from a fresh message."


def escape_mrkdwn(text: str) -> str:
    """Slack reads &, < and > as control characters: escaped, `<!channel>` stays just text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(markdown: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown[:3000]}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150], "emoji": True}}


def context(markdown: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": markdown[:3000]}]}


def divider() -> Block:
    return {"type": "divider"}


def crisis_footer(crisis_line: str) -> Block:
    """Crisis signposting, one step away on every message a person reads."""
    return context(f"In danger now? Call *999*. Need to talk? {escape_mrkdwn(crisis_line)}")


def text_sections(raw: str) -> list[Block]:
    """Someone's words as sections, escaped, each within Slack's 3000 characters, never
    cutting an escape in half and never losing a word of it."""
    blocks: list[Block] = []
    chunk = ""
    for char in raw:
        piece = escape_mrkdwn(char)
        if len(chunk) + len(piece) > 3000:
            blocks.append(section(chunk))
            chunk = ""
        chunk += piece
    if chunk:
        blocks.append(section(chunk))
    return blocks


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def button(text: str, action_id: str, value: str, style: str | None = None, *,
           confirm: dict[str, Any] | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id,
                               "value": value}
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


CONFIRM_WORDS_MOST = 300  # Slack refuses a message whose confirm dialog says more


def are_you_sure(title: str, words: str, yes: str) -> dict[str, Any]:
    """Slack asks before a step that is hard to take back (titles up to 100 characters, words
    up to 300: a long escaped name is cut short, never mid-escape, rather than have Slack
    refuse the whole message)."""
    if len(words) > CONFIRM_WORDS_MOST:
        cut = words[:CONFIRM_WORDS_MOST - 1]
        entity = cut.rfind("&")
        if entity != -1 and ";" not in cut[entity:]:
            cut = cut[:entity]  # an escape ("&amp;") cut in two would show as garbage
        words = cut.rstrip() + "…"
    return {"title": plain(title[:100]), "text": {"type": "mrkdwn", "text": words},
            "confirm": plain(yes[:30]), "deny": plain("Go back")}


def option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"text": plain(text), "value": value}
    if description:
        item["description"] = plain(description)
    return item


def when(moment: datetime, tz: tzinfo) -> str:
    """"Tue 8 Dec, 18:00" in the organisation's time zone."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def place_text(place: str) -> str:
    """An online link stays a link; anything else is people's words, escaped."""
    if place.startswith(("https://", "http://")) and " " not in place and "|" not in place:
        return f"<{escape_mrkdwn(place)}|Join online>"
    return escape_mrkdwn(place)


def already_sent_view(crisis_line: str) -> dict[str, Any]:
    """What a second copy of a form that was already sent sees: nothing happens twice."""
    return {"type": "modal", "title": plain("Already sent"), "close": plain("Close"),
            "blocks": [section("This was already sent, so nothing more was done. Thank you."),
                       crisis_footer(crisis_line)]}


# A renderer draws one kind of stored notice for delivery, from the state now and in the
# recipient's style (standard or easy read): the message's text and blocks, and "sms" with
# words for a text when the notice has any. Each area's blocks module keeps a RENDERERS table;
# handlers/notices.py puts them together.
Renderer = Callable[[Any, "Services", "Style"], Payload]
