"""The incident's record: opening it from the alert and App Home, resolving with the
outcome, reopening, follow-ups."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Nothing registered yet."""
