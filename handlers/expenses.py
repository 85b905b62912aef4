"""Expenses and payments in Slack: claiming, approving or asking a question."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.text import section


def register(app: App) -> None:
    """Buttons and forms of this area (the /involve words are routed by handlers/involve.py)."""


def open_claim(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
               words: list[str]) -> None:
    """/involve open_claim: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])

def show_claims(ack: Ack, command: dict[str, Any], client: WebClient, services: Services,
                words: list[str]) -> None:
    """/involve show_claims: not yet written."""
    words_ = "This part of Coprod is still being built."
    ack(text=words_, blocks=[section(words_)])
