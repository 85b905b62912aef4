"""Every Slack id Coprod registers, in one place: the manifest test reads these."""

from __future__ import annotations

import enum


class SlashCommand(enum.StrEnum):
    COPROD = "/coprod"


class CoprodAction(enum.StrEnum):
    """The words after /coprod."""

    HELP = "help"
    WHOAMI = "whoami"
    DELIVERIES = "deliveries"


# Bot token scopes, each with the reason it is asked for (the manifest must list exactly these).
BOT_SCOPES: dict[str, str] = {
    "commands": "slash commands",
    "chat:write": "posting cards and direct messages, and updating them",
}

# Events the app subscribes to (none yet: every feature so far starts from a command).
BOT_EVENTS: tuple[str, ...] = ()
