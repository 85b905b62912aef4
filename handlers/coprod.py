"""/coprod: help for everyone, whoami, and the coordinators' delivery overview."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.rules.roles import NotAllowed
from bot.services import Services
from handlers.blocks import coprod as blocks
from handlers.blocks.incidents import signpost_blocks
from handlers.ids import CoprodAction, SlashCommand


def register(app: App) -> None:
    app.command(SlashCommand.COPROD.value)(handle_coprod_command)


def handle_coprod_command(ack: Ack, command: dict, services: Services) -> None:
    words = (command.get("text") or "").split()
    action = words[0].lower() if words else CoprodAction.HELP.value
    user_id = command["user_id"]
    settings = services.settings

    if action == CoprodAction.WHOAMI:
        member = services.members.find_by_slack_id(user_id)
        ack(text="Your roles", blocks=blocks.whoami_blocks(member, settings.coprod_crisis_line))
    elif action == CoprodAction.SIGNPOST:
        ack(text="Where to turn", blocks=signpost_blocks(services.incidents.signposts,
                                                          settings.coprod_crisis_line))
    elif action == CoprodAction.DELIVERIES:
        try:
            overview = services.deliveries.overview_for(user_id)
        except NotAllowed as refusal:
            ack(text=str(refusal), blocks=blocks.not_allowed_blocks(str(refusal)))
            return
        ack(text="Deliveries", blocks=blocks.deliveries_blocks(
            overview, settings.timezone, services.texting.unreachable()))
    else:
        unknown = None if action == CoprodAction.HELP else " ".join(words)
        ack(
            text="How to use Coprod",
            blocks=blocks.help_blocks(
                settings.coprod_org_name, settings.coprod_crisis_line, unknown=unknown
            ),
        )
