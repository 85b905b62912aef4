"""App Home: what Coprod is, and for coordinators and HR officers the feedback open for them."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.rules.roles import Role
from bot.services import Services
from handlers.blocks import feedback as blocks
from handlers.ids import Event

TEAM_ROLES = frozenset({Role.COORDINATOR, Role.HR_OFFICER, Role.TRUSTEE})


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED.value)(handle_home_opened)


def handle_home_opened(event: dict, client: WebClient, services: Services) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, services, event["user"])


def publish_home(client: WebClient, services: Services, user: str) -> None:
    cases = list(services.feedback.open_cases_for(user))
    on_the_team = bool(cases) or bool(services.members.roles_of(user) & TEAM_ROLES)
    settings = services.settings
    client.views_publish(
        user_id=user,
        view=blocks.home_view(cases, on_the_team=on_the_team, tz=settings.timezone,
                              org_name=settings.coprod_org_name,
                              crisis_line=settings.coprod_crisis_line),
    )
