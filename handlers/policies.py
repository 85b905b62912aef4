"""Policies and induction in Slack: reading and agreeing, publishing a version, who is
missing what."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.text import section


def register(app: App) -> None:
    """Buttons and forms of this area (the /involve words are routed by handlers/involve.py)."""


def show_policies(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                  words: list[str]) -> None:
    """/involve show_policies: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])

def open_publish_policy(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                        words: list[str]) -> None:
    """/involve open_publish_policy: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])

def show_induction(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                   words: list[str]) -> None:
    """/involve show_induction: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])
