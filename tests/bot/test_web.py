"""HTTP mode through waitress: health, routing, and several requests served at once."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.web import make_wsgi_app
from storage.db import make_engine
from tests.conftest import ServerThread, command_body, signed_headers
from tests.fakes.slack import FakeSlack


def get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_reports_the_database(app: App, engine: Engine, tmp_path: Path) -> None:
    with ServerThread(make_wsgi_app(app, engine)) as server:
        assert get(server.url + "/healthz") == (200, {"ok": True, "database": "ok"})
        assert get(server.url + "/nothing-here") == (404, {"ok": False, "error": "not found"})
    unreachable = make_engine(f"sqlite:///{tmp_path}/missing/dir/coprod.db")
    with ServerThread(make_wsgi_app(app, unreachable)) as server:
        assert get(server.url + "/healthz") == (503, {"ok": False, "database": "unavailable"})


def test_several_signed_commands_are_served_at_once(
    app: App, engine: Engine, fake_slack: FakeSlack, members: object
) -> None:
    def send(i: int) -> tuple[int, float]:
        body = command_body("/coprod", "whoami", "U0COORD01", fake_slack.response_url(f"r{i}"))
        request = urllib.request.Request(server.url + "/slack/events", data=body.encode(),
                                         headers=signed_headers(body), method="POST")
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "Ada Brightwater" in response.read().decode()
            return response.status, time.perf_counter() - started

    with ServerThread(make_wsgi_app(app, engine)) as server, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(40)))
    assert [status for status, _ in results] == [200] * 40


@pytest.mark.parametrize("path", ["/slack/events"])
def test_an_unsigned_post_is_refused(app: App, engine: Engine, path: str) -> None:
    with ServerThread(make_wsgi_app(app, engine)) as server:
        request = urllib.request.Request(server.url + path, data=b"command=/coprod",
                                         method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 401


def test_a_calendar_link_with_odd_digits_is_not_found(
    app: App, engine: Engine, members: object
) -> None:
    with ServerThread(make_wsgi_app(app, engine, calendar=lambda n, t: None)) as server:
        for odd in ("session-%C2%B2-x.ics", "session-%E2%91%A0-x.ics", "session-1-.ics"):
            assert get(f"{server.url}/calendar/{odd}")[0] == 404
