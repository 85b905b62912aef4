"""App Home: what Coprod is; open incidents for those who respond to them; my next sessions
and those needing cover; and for coordinators and HR officers the feedback open for them."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.rules.roles import Role
from bot.services import Services
from handlers.blocks import feedback as feedback_blocks
from handlers.blocks import incidents as incident_blocks
from handlers.blocks import sessions as session_blocks
from handlers.ids import Event

TEAM_ROLES = frozenset({Role.COORDINATOR, Role.HR_OFFICER, Role.TRUSTEE})
ROTA_ROLES = frozenset({Role.COORDINATOR, Role.FACILITATOR, Role.TRAINED})
RESPONDER_ROLES = frozenset({Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.HR_OFFICER})


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED.value)(handle_home_opened)


def handle_home_opened(event: dict, client: WebClient, services: Services) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, services, event["user"])


def publish_home(client: WebClient, services: Services, user: str) -> None:
    cases = list(services.feedback.open_cases_for(user))
    roles = services.members.roles_of(user)
    settings = services.settings
    view = feedback_blocks.home_view(cases, on_the_team=bool(cases) or bool(roles & TEAM_ROLES),
                                     tz=settings.timezone, org_name=settings.coprod_org_name,
                                     crisis_line=settings.coprod_crisis_line)
    needing_cover = services.sessions.needing_cover() if roles & ROTA_ROLES else []
    rota = session_blocks.home_sessions(services.sessions.mine(user), needing_cover,
                                        settings.timezone)
    responders = services.incidents.open_for(user)
    urgent = (incident_blocks.home_incidents(responders, services.clock())
              if responders or roles & RESPONDER_ROLES else [])
    # Open incidents first for those who respond to them, then sessions; the crisis footer
    # stays last.
    view["blocks"] = view["blocks"][:2] + urgent + rota + view["blocks"][2:]
    view["blocks"] = view["blocks"][:100]
    client.views_publish(user_id=user, view=view)
