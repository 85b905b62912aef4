"""Involvement opportunities in Slack: posting, interest, the written offer, the payment
choice, pausing or withdrawing; wellbeing checks; consent for stories; leaving."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.text import section


def register(app: App) -> None:
    """Buttons and forms of this area (the /involve words are routed by handlers/involve.py)."""


def show_overview(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                  words: list[str]) -> None:
    """/involve show_overview: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])

def open_new_opportunity(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                         words: list[str]) -> None:
    """/involve open_new_opportunity: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])

def show_story_consents(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                        words: list[str]) -> None:
    """/involve show_story_consents: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])

def open_leaving(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                 words: list[str]) -> None:
    """/involve open_leaving: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])
