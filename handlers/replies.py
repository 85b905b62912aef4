"""Answering one person privately after a click or a command."""

from __future__ import annotations

from slack_bolt import Respond

from handlers.blocks.text import section


def say_privately(respond: Respond, words: str) -> None:
    """An ephemeral message only the person who acted sees, beside what they clicked."""
    respond(replace_original=False, response_type="ephemeral", text=words,
            blocks=[section(words)])
