"""Coprod's Socket Mode connection: which client answers Slack, how it notices a dead
connection, and one clear sentence when Slack refuses the app token.

Bolt's aiohttp adapter, chosen by measurement against a loopback stand-in (bench/RESULTS.md,
"Socket Mode"): it acknowledges within milliseconds right after Slack's routine refresh and
reconnects after a dropped connection without spinning a core, where the default adapter took
about 3.1 s after a refresh and about 50 s at 100% CPU after a drop, and the websocket-client
one, in the websocket-client version we install, waited about 10 s after a refresh and never
noticed a server that had stopped answering pings.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.socket_mode.aiohttp import SocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

# A ping every 5 s: a dropped connection is replaced within about 5 s, and a connection whose
# far end has gone quiet is given up within about 10 s (aiohttp closes it when a pong is
# 2.5 s late; the client also gives up after four intervals without one).
PING_INTERVAL = 5.0

# What apps.connections.open answers when the token itself is the problem.
TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "not_allowed_token_type",
                          "account_inactive", "token_revoked", "token_expired", "missing_scope"})


class AppTokenRefused(Exception):
    """SLACK_APP_TOKEN is not one Slack accepts for Socket Mode; str() is the sentence to show."""


class CoprodSocketModeHandler(SocketModeHandler):
    """Bolt's aiohttp adapter, with each envelope run in a worker thread.

    Coprod's app is synchronous and finishes each listener before acknowledging
    (process_before_response), so on the event loop itself one slow listener would hold up
    every other envelope's ack and the pings that keep the connection alive."""

    # Its own pool, as many as the HTTP server's threads: the loop's default one has
    # min(32, cores + 4) threads, so on two cores a burst of six slow envelopes (a form that
    # opens a modal through Slack) would make the seventh wait past Slack's three seconds.
    listeners = ThreadPoolExecutor(max_workers=16, thread_name_prefix="socket-mode")

    async def handle(self, client: SocketModeClient,  # type: ignore[override]
                     req: SocketModeRequest) -> None:
        started = time.time()
        response = await asyncio.get_running_loop().run_in_executor(
            self.listeners, run_bolt_app, self.app, req)
        await send_async_response(client, req, response, started)


def socket_mode_handler(app: App, app_token: str, *,
                        ping_interval: float = PING_INTERVAL) -> CoprodSocketModeHandler:
    """The handler for `coprod serve` without --http. Build it inside the event loop that will
    run it (aiohttp binds its session to the running loop)."""
    if not app_token.startswith("xapp-"):
        raise AppTokenRefused(
            "SLACK_APP_TOKEN is not an app-level token (those start xapp-): generate one with "
            "the connections:write scope under Basic Information, App-Level Tokens.")
    # Slack's own address, or the one in SLACK_API_URL, as the app's Web API client uses.
    web_client = AsyncWebClient(base_url=app.client.base_url, timeout=app.client.timeout)
    return CoprodSocketModeHandler(app, app_token, web_client=web_client,
                                   ping_interval=ping_interval)


async def connect(handler: CoprodSocketModeHandler) -> None:
    """Opens the first connection, asking for its address ourselves so that a refused token
    becomes AppTokenRefused instead of the library's error log and traceback."""
    try:
        response = await handler.client.web_client.apps_connections_open(
            app_token=handler.app_token)
    except SlackApiError as error:
        reason = error.response.get("error") if error.response else None
        if reason in TOKEN_ERRORS:
            raise AppTokenRefused(
                f"Slack did not accept SLACK_APP_TOKEN ({reason}): check the app-level token "
                "(xapp-, with the connections:write scope) in .env.") from None
        raise
    handler.client.wss_uri = response["url"]
    await handler.connect_async()


async def open_socket_mode(app: App, app_token: str, *,
                           ping_interval: float = PING_INTERVAL) -> CoprodSocketModeHandler:
    """A connected handler; close it with `await handler.close_async()`."""
    handler = socket_mode_handler(app, app_token, ping_interval=ping_interval)
    try:
        await connect(handler)
    except BaseException:
        await handler.close_async()
        raise
    return handler


def serve_socket_mode(app: App, app_token: str) -> None:
    """Answers Slack over Socket Mode until interrupted (KeyboardInterrupt)."""

    async def run() -> None:
        handler = await open_socket_mode(app, app_token)
        try:
            await asyncio.Event().wait()
        finally:
            await handler.close_async()

    asyncio.run(run())
