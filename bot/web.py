"""HTTP mode: one WSGI app for /slack/events and /healthz, served by waitress (threaded)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text

from bot.calendar import parse_calendar_path

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def _json(start_response: StartResponse, status: str, payload: dict[str, object]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


def make_wsgi_app(
    app: App,
    engine: Engine,
    extra_routes: dict[str, WSGIApplication] | None = None,
    calendar: Callable[[int, str], bytes | None] | None = None,
) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=SLACK_EVENTS_PATH)
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

    def health(start_response: StartResponse) -> list[bytes]:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # any database failure means "not healthy"
            log.warning("health check: database unavailable (%s)", type(error).__name__)
            return _json(start_response, "503 Service Unavailable",
                         {"ok": False, "database": "unavailable"})
        return _json(start_response, "200 OK", {"ok": True, "database": "ok"})

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return health(start_response)
        if path == SLACK_EVENTS_PATH:
            return slack(environ, start_response)
        if path.startswith("/calendar/") and environ.get("REQUEST_METHOD") == "GET":
            return calendar_file(path, start_response)
        if path in routes:
            return routes[path](environ, start_response)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return wsgi


def serve_http(wsgi: WSGIApplication, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve

    serve(wsgi, host=host, port=port, threads=threads, ident="coprod")
