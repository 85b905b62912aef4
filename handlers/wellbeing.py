"""Wellbeing checks in Slack: the check-in's answers."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Nothing registered yet."""
