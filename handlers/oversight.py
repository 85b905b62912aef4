"""Serious incidents for the trustees: marking one, acknowledging, recording the decision."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Nothing registered yet."""
