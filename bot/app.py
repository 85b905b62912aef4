"""Builds the Bolt app: one factory, no global app, handlers registered by area."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.config import Settings
from bot.delivery.slack import make_web_client
from bot.services import Services
from handlers import coprod, feedback, home, incidents, meetings, sessions, texting

log = logging.getLogger(__name__)

KIND_ERROR = (
    "Sorry, something went wrong on our side - it wasn't anything you did. "
    "Please try again in a minute."
)

REGISTRARS: tuple[Callable[[App], None], ...] = (
    coprod.register,
    feedback.register,
    sessions.register,
    incidents.register,
    texting.register,
    meetings.register,
    home.register,
)


def create_app(
    settings: Settings,
    services: Services,
    *,
    client: WebClient | None = None,
    token_verification: bool = True,
) -> App:
    """The real app. `token_verification` calls auth.test at start (turned off only where no
    Slack, real or fake, is listening)."""
    client = client or make_web_client(settings.slack_bot_token, settings.api_url)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Listeners are short (slow work goes to the outbox), so the whole run fits before the
        # response; it saves the ~10 ms ack polling and makes behaviour deterministic.
        process_before_response=True,
        token_verification_enabled=token_verification,
        request_verification_enabled=settings.slack_signing_secret is not None,
        raise_error_for_unhandled_request=False,
    )

    @app.middleware
    def give_listeners_services(context: dict[str, Any], next: Callable[[], None]) -> None:
        context["services"] = services
        next()

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        # Log what kind of request failed and why, never the words anyone typed.
        kind = body.get("command") or body.get("type") or "request"
        # The traceback's frames, not the exception's message: a database error's message can
        # quote the values being written.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("error handling %s: %s\n%s", kind, type(error).__name__, frames)
        if body.get("command"):
            crisis = f" In danger now? Call 999. {settings.coprod_crisis_line}"
            return BoltResponse(
                status=200,
                body={"response_type": "ephemeral", "text": KIND_ERROR + crisis},
            )
        return BoltResponse(status=500, body="")

    for register in REGISTRARS:
        register(app)
    return app
