"""Answering one person privately after a click or a command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from handlers.blocks.text import View, plain, section
from handlers.payloads import trigger_id


def say_privately(respond: Respond, words: str) -> None:
    """An ephemeral message only the person who acted sees, beside what they clicked."""
    respond(replace_original=False, response_type="ephemeral", text=words,
            blocks=[section(words)])


def in_a_modal(body: dict[str, Any]) -> bool:
    """Whether the click came from inside an open modal (the record) rather than a message or
    App Home (whose clicks carry a view too, of type "home": nothing can be pushed over it)."""
    view = body.get("view")
    return isinstance(view, dict) and view.get("type") == "modal"


def open_form(client: WebClient, body: dict[str, Any], view: View) -> None:
    """A form opened by a button: pushed over the modal the button is in, so closing it goes
    back there, or opened afresh from a message or App Home."""
    if in_a_modal(body):
        client.views_push(trigger_id=trigger_id(body), view=view)
    else:
        client.views_open(trigger_id=trigger_id(body), view=view)


def say_to_clicker(client: WebClient, body: dict[str, Any], respond: Respond,
                   words: str) -> None:
    """Kind words to the person who clicked: beside the message, or, inside a modal (which
    has nowhere to put them), as a small modal over it."""
    if in_a_modal(body):
        client.views_push(trigger_id=trigger_id(body), view={
            "type": "modal", "title": plain("Coprod"), "close": plain("OK"),
            "blocks": [section(words)]})
    else:
        say_privately(respond, words)
