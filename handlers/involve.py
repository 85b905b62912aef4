"""/involve: one command for involvement, its words routed to the area that answers them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services import Services
from handlers import declarations, expenses, involvement, policies
from handlers.ids import InvolveAction, SlashCommand

Answer = Callable[[Ack, dict[str, Any], WebClient, Services, list[str]], None]

ROUTES: dict[InvolveAction, Answer] = {
    InvolveAction.OVERVIEW: involvement.show_overview,
    InvolveAction.HELP: involvement.show_overview,
    InvolveAction.NEW: involvement.open_new_opportunity,
    InvolveAction.STORIES: involvement.show_story_consents,
    InvolveAction.LEAVING: involvement.open_leaving,
    InvolveAction.POLICIES: policies.show_policies,
    InvolveAction.PUBLISH: policies.open_publish_policy,
    InvolveAction.INDUCTION: policies.show_induction,
    InvolveAction.CLAIM: expenses.open_claim,
    InvolveAction.CLAIMS: expenses.show_claims,
    InvolveAction.DECLARE: declarations.open_declaration,
}


def register(app: App) -> None:
    app.command(SlashCommand.INVOLVE.value)(handle_involve_command)


def handle_involve_command(ack: Ack, command: dict[str, Any], client: WebClient,
                           services: Services) -> None:
    words = (command.get("text") or "").split()
    first = words[0].lower() if words else ""
    # Words we don't know get the overview, which says what /involve can do.
    action = next((a for a in InvolveAction if a.value == first), InvolveAction.OVERVIEW)
    ROUTES[action](ack, command, client, services, words[1:])
