"""HTTP mode: one WSGI app for /slack/events and /healthz, served by waitress (threaded).

A request to /slack/events is checked before anything parses it: its size (refused whole if
larger than Slack ever sends), then Slack's signature and timestamp over the raw bytes, then its
shape. Only then do the bytes, exactly as read, go to Bolt."""

from __future__ import annotations

import contextlib
import json
import logging
import select
import time
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.request.internals import parse_body
from sqlalchemy import Engine, text

from bot.app import CoprodApp
from bot.calendar import parse_calendar_path
from bot.signatures import checked_signature
from handlers.shapes import odd_shape

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from bot.services.health import Health

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's largest payloads (a modal's full state) are well under this.
MAX_SLACK_BODY = 1024 * 1024


class BodyTooLarge(Exception):
    """The body is larger than anyone who calls this route ever sends."""


def read_capped(environ: WSGIEnvironment, limit: int) -> bytes | None:
    """The body, read only if it fits (BodyTooLarge if not: it is never read whole); None when
    the length header is not a length. Without a length (or with one that lies) at most
    limit + 1 bytes are read."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared and not (declared.isascii() and declared.isdigit()):
        return None
    if declared and int(declared) > limit:
        raise BodyTooLarge
    stream = environ.get("wsgi.input")
    raw: bytes = stream.read(int(declared) if declared else limit + 1) if stream else b""
    if len(raw) > limit:
        raise BodyTooLarge
    return raw


def slack_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request's headers as Bolt names them (lower case, dashes)."""
    headers = {k[5:].lower().replace("_", "-"): v for k, v in environ.items()
               if k.startswith("HTTP_") and isinstance(v, str)}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.lower().replace("_", "-")] = environ[key]
    return headers


def _json(start_response: StartResponse, status: str, payload: dict[str, object]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


def _bolt(start_response: StartResponse, response: BoltResponse) -> list[bytes]:
    body = response.body.encode() if isinstance(response.body, str) else b""
    headers = [(k, v) for k, values in response.headers.items() for v in values
               if k.lower() != "content-length"]
    start_response(f"{response.status} {HTTPStatus(response.status).phrase}",
                   [*headers, ("Content-Length", str(len(body)))])
    return [body]


def slack_route(app: App) -> Callable[[WSGIEnvironment, StartResponse], list[bytes]]:
    """/slack/events: size, signature and shape checked, in that order, before Bolt sees it.
    Only our own app knows its signing secret; any other is refused everything."""
    secret = app.signing_secret if isinstance(app, CoprodApp) else None

    def slack(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _json(start_response, "405 Method Not Allowed", {"error": "POST only"})
        try:
            raw = read_capped(environ, MAX_SLACK_BODY)
        except BodyTooLarge:
            log.info("refused a Slack request: body too large")
            return _json(start_response, "413 Content Too Large", {"error": "too large"})
        if raw is None:
            return _json(start_response, "400 Bad Request", {"error": "bad length"})
        headers = slack_headers(environ)
        refusal = ("no signing secret" if not secret
                   else checked_signature(secret, raw, headers))
        if refusal:
            log.info("refused a Slack request: %s", refusal)
            return _json(start_response, "401 Unauthorized", {"error": "invalid request"})
        body = raw.decode("utf-8")  # checked_signature has decoded it already
        try:
            parsed: object = parse_body(body, environ.get("CONTENT_TYPE", "").split(";")[0])
        except (ValueError, RecursionError):
            parsed = None
        odd = odd_shape(parsed)
        if odd is not None:
            log.info("ignored a %s in a shape Slack never sends", odd)
            return _json(start_response, "200 OK", {})
        as_bolt_takes: dict[str, str | Sequence[str]] = dict(headers)
        request = BoltRequest(body=body, query=environ.get("QUERY_STRING", ""),
                              headers=as_bolt_takes)
        return _bolt(start_response, app.dispatch(request))

    return slack


def make_wsgi_app(
    app: App,
    engine: Engine,
    extra_routes: dict[str, WSGIApplication] | None = None,
    calendar: Callable[[int, str], bytes | None] | None = None,
    health: Callable[[], Health] | None = None,
) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    """/slack/events, /healthz, calendar links and `extra_routes`. With `health`, /healthz
    also says which process schedules and when its dispatcher last ran."""
    slack = slack_route(app)
    routes = dict(extra_routes or {})

    def calendar_file(path: str, start_response: StartResponse) -> list[bytes]:
        parsed = parse_calendar_path(path)
        ics = calendar(*parsed) if calendar and parsed else None
        if ics is None:
            return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})
        start_response("200 OK", [("Content-Type", "text/calendar; charset=utf-8"),
                                  ("Content-Disposition", 'attachment; filename="session.ics"'),
                                  ("Content-Length", str(len(ics)))])
        return [ics]

    def healthz(start_response: StartResponse) -> list[bytes]:
        return health_answer(engine, health, start_response)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return healthz(start_response)
        if path == SLACK_EVENTS_PATH:
            return slack(environ, start_response)
        if path.startswith("/calendar/") and environ.get("REQUEST_METHOD") == "GET":
            return calendar_file(path, start_response)
        if path in routes:
            return routes[path](environ, start_response)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return wsgi


def health_answer(engine: Engine, health: Callable[[], Health] | None,
                  start_response: StartResponse) -> list[bytes]:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means "not healthy"
        log.warning("health check: database unavailable (%s)", type(error).__name__)
        return _json(start_response, "503 Service Unavailable",
                     {"ok": False, "database": "unavailable"})
    answer: dict[str, object] = {"ok": True, "database": "ok"}
    if health is not None:
        answer["scheduler"] = scheduler_health(health())
    return _json(start_response, "200 OK", answer)


def health_only_app(engine: Engine, health: Callable[[], Health]) -> WSGIApplication:
    """A worker's /healthz and nothing else."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return health_answer(engine, health, start_response)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return wsgi


def scheduler_health(found: Health) -> dict[str, object]:
    """Who schedules and when the dispatcher last ran, as /healthz and `coprod status` say."""
    return {
        "process": found.scheduler,
        "since": found.scheduling_since.isoformat() if found.scheduling_since else None,
        "last_dispatch": found.last_dispatch_at.isoformat() if found.last_dispatch_at else None,
        "this_process": found.this_process,
    }


def serve_http(wsgi: WSGIApplication, host: str, port: int, threads: int = 8,
               drain_seconds: float = 10.0,
               on_listening: Callable[[], None] | None = None) -> None:
    """Serves until SIGTERM or Ctrl-C (a KeyboardInterrupt), then stops gracefully: the
    listening socket is closed at once, so new connections are refused rather than accepted and
    reset; the requests in hand are finished (for up to `drain_seconds`); then the threads go.
    `on_listening` is called once the socket listens, before the first request is read."""
    from waitress.server import BaseWSGIServer, create_server
    from waitress.wasyncore import close_all, dispatcher, loop

    # Waitress itself refuses what is far too large before buffering it; /slack/events and the
    # texting webhooks refuse anything over their own, smaller, limits.
    # poll(), not select(): select() cannot watch a descriptor numbered 1024 or more.
    server = create_server(wsgi, host=host, port=port, threads=threads, ident="coprod",
                           max_request_body_size=2 * MAX_SLACK_BODY, asyncore_use_poll=True)
    assert isinstance(server, BaseWSGIServer)  # one host and port: one listening socket
    sockets = server._map  # type: ignore[attr-defined]  # waitress's own map, not in its stubs
    if on_listening is not None:
        on_listening()
    with contextlib.suppress(KeyboardInterrupt):  # SIGTERM raises it (bot/cli.py)
        loop(timeout=server.adj.asyncore_loop_timeout, map=sockets,
             use_poll=server.adj.asyncore_use_poll)
    taken = _take_in_waiting(server)
    dispatcher.close(server)  # the listening socket only; connections in hand stay open
    deadline = time.monotonic() + drain_seconds
    # A connection just taken in has sent nothing yet that we've read: it is waited for (a
    # second at most) as well as those with a request being answered.
    fresh_until = time.monotonic() + 1.0
    while time.monotonic() < deadline and (
            _in_hand(server) or (time.monotonic() < fresh_until and any(
                channel.last_activity == channel.creation_time and channel.connected
                for channel in taken))):
        loop(timeout=0.05, map=sockets, use_poll=server.adj.asyncore_use_poll, count=1)
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
    close_all(sockets)


def _take_in_waiting(server: Any) -> list[Any]:
    """Connections the kernel has already completed for us would be reset by closing the
    listening socket: they are taken in (to be answered) first. Returns their channels."""
    before = set(server.active_channels)
    waiting = select.poll()
    waiting.register(server.socket, select.POLLIN)
    while waiting.poll(0):
        server.handle_accept()
    return [channel for fileno, channel in list(server.active_channels.items())
            if fileno not in before]


def _in_hand(server: Any) -> bool:
    """Whether any connection still has a request being answered or an answer to send."""
    return any(channel.requests or channel.total_outbufs_len
               for channel in list(server.active_channels.values()))
