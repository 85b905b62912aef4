"""The s42 questions and a lead's export of one incident's chronology."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Nothing registered yet."""
