"""Builds the Bolt app: one factory, no global app, handlers registered by area."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.after_ack import AfterAck, log_failure
from bot.config import Settings
from bot.delivery.slack import make_web_client
from bot.logs import new_request_id
from bot.services import Services
from bot.services.members import first_time_seen
from handlers import coprod, feedback, home, incidents, meetings, sessions, texting
from handlers.blocks.text import KIND_ERROR
from handlers.payloads import NotOurs

log = logging.getLogger(__name__)

REGISTRARS: tuple[Callable[[App], None], ...] = (
    coprod.register,
    feedback.register,
    sessions.register,
    incidents.register,
    texting.register,
    meetings.register,
    home.register,
)


class CoprodApp(App):
    """Bolt's app, with the pool that runs what comes after an acknowledgement."""

    after_ack: AfterAck


def create_app(
    settings: Settings,
    services: Services,
    *,
    client: WebClient | None = None,
    token_verification: bool = True,
) -> CoprodApp:
    """The real app. `token_verification` calls auth.test at start (turned off only where no
    Slack, real or fake, is listening)."""
    client = client or make_web_client(settings.slack_bot_token, settings.api_url)
    app = CoprodApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Listeners are short (slow work goes to the outbox), so the whole run fits before the
        # response; it saves the ~10 ms ack polling and makes behaviour deterministic.
        process_before_response=True,
        token_verification_enabled=token_verification,
        request_verification_enabled=settings.slack_signing_secret is not None,
        raise_error_for_unhandled_request=False,
    )
    app.after_ack = AfterAck()
    app.middleware(_give_listeners(services, app.after_ack))
    app.middleware(_each_event_once(services))
    app.error(_kind_error(settings))
    for register in REGISTRARS:
        register(app)
    return app


def _give_listeners(services: Services, after_ack: AfterAck) -> Callable[..., None]:
    def give_listeners_services(context: dict[str, Any], next: Callable[[], None]) -> None:
        context["services"] = services
        context["after_ack"] = after_ack
        context["request_id"] = new_request_id()  # every log line of this request carries it
        next()
    return give_listeners_services


def _each_event_once(services: Services) -> Callable[..., BoltResponse | None]:
    def handle_each_event_once(body: dict[str, Any],
                               next: Callable[[], None]) -> BoltResponse | None:
        # Slack retries an event it thinks was missed (X-Slack-Retry-Num): answer the retry
        # with 200 and do nothing more.
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not first_time_seen(services.database, str(event_id), services.clock()):
            return BoltResponse(status=200, body="")
        next()
        return None
    return handle_each_event_once


def _kind_error(settings: Settings) -> Callable[..., BoltResponse]:
    """The one error handler: logs without free text, answers in kind words."""
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        if isinstance(error, NotOurs):
            # Something our buttons and forms never send: nothing to do, and not our fault.
            log.info("ignored a %s carrying a value we never sent",
                     str(body.get("type") or "request"))
            return BoltResponse(status=200, body="")
        log_failure(str(body.get("command") or body.get("type") or "request"), error)
        if body.get("command"):
            crisis = f" In danger now? Call 999. {settings.coprod_crisis_line}"
            return BoltResponse(
                status=200,
                body={"response_type": "ephemeral", "text": KIND_ERROR + crisis},
            )
        if body.get("type") == "view_submission":
            # Shown beside the first field, so the person keeps what they typed and can try
            # again; the failed transaction left nothing half-written.
            inputs = [b.get("block_id") for b in body.get("view", {}).get("blocks", [])
                      if b.get("type") == "input" and b.get("block_id")]
            if inputs:
                return BoltResponse(status=200, body={
                    "response_action": "errors",
                    "errors": {inputs[0]: "Sorry, something went wrong on our side and "
                                          "nothing was saved. Please try again in a minute."}})
        return BoltResponse(status=500, body="")
    return on_error
