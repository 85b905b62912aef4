"""Socket Mode end to end: the real app, through the client `coprod serve` uses, against a
loopback Socket Mode stand-in - commands, forms, buttons, a refresh, a dropped connection, a
server gone quiet, and a wrong app token."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import pytest
from slack_bolt import App, BoltResponse

from bot.socket_mode import PING_INTERVAL, CoprodSocketModeHandler, open_socket_mode
from bot.wiring import Runtime
from handlers.ids import ActionId, OptionValue
from tests.conftest import BOT_TOKEN, DATA_KEY, FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.fakes.socket_mode import APP_TOKEN, Envelope, FakeSocketMode
from tests.handlers.test_feedback import (
    COORDINATOR,
    FACILITATOR,
    code_from,
    deliver,
    dms_to,
    submit,
)

T = TypeVar("T")


class EventLoopThread:
    """An event loop in a thread of its own, as `coprod serve` runs the client."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@dataclass
class SocketModeDriver(SlackDriver):
    """The same requests as SlackDriver's, sent as Socket Mode envelopes; the ack is the
    answer."""

    stand_in: FakeSocketMode | None = None
    sent: list[Envelope] = field(default_factory=list)

    def send(self, body: str, headers: dict[str, str]) -> BoltResponse:
        assert self.stand_in is not None
        if headers.get("content-type") == "application/json":
            envelope = self.stand_in.send("events_api", json.loads(body))
        else:
            form = dict(parse_qsl(body))
            envelope = (self.stand_in.send("interactive", json.loads(form["payload"]))
                        if "payload" in form else self.stand_in.send("slash_commands", form))
        self.sent.append(envelope)
        ack = self.stand_in.wait_for_ack(envelope, timeout=10)
        self.settle()
        return BoltResponse(status=200, body=json.dumps(ack.payload) if ack.payload else "")


@pytest.fixture
def stand_in(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    with FakeSocketMode(fake_slack) as socket_mode:
        yield socket_mode


@contextmanager
def connect(app: App, stand_in: FakeSocketMode,
            ping_interval: float = PING_INTERVAL) -> Iterator[CoprodSocketModeHandler]:
    loop = EventLoopThread()
    handler = loop.run(open_socket_mode(app, APP_TOKEN, ping_interval=ping_interval))
    try:
        assert stand_in.wait_for_connections(1)
        yield handler
    finally:
        loop.run(handler.close_async())
        loop.stop()


@pytest.fixture
def connected(app: App, stand_in: FakeSocketMode) -> Iterator[CoprodSocketModeHandler]:
    with connect(app, stand_in) as handler:
        yield handler


@pytest.fixture
def socket_slack(app: App, fake_slack: FakeSlack, stand_in: FakeSocketMode,
                 connected: CoprodSocketModeHandler) -> SocketModeDriver:
    return SocketModeDriver(app, fake_slack, stand_in)


def help_payload() -> dict[str, str]:
    return {"command": "/coprod", "text": "help", "user_id": "U0NOBODY1",
            "team_id": "T0EXAMPLE", "channel_id": "C0GENERAL", "api_app_id": "A0COPROD",
            "trigger_id": "1.2.3", "response_url": "http://127.0.0.1:9/none"}


def test_a_slash_command_is_answered_in_its_ack(socket_slack: SocketModeDriver) -> None:
    answer = socket_slack.text_of(socket_slack.command("/coprod", "help", user_id="U0NOBODY1"))
    assert "/coprod whoami" in answer
    [envelope] = socket_slack.sent
    assert socket_slack.stand_in is not None
    assert socket_slack.stand_in.latency(envelope) < 1.0


def test_a_form_opens_and_its_submission_is_acknowledged(
    socket_slack: SocketModeDriver, members: Runtime, fake_slack: FakeSlack
) -> None:
    confirmation = submit(socket_slack, identity=OptionValue.ANONYMOUS)
    assert fake_slack.calls_to("views.open"), "the form opened over Socket Mode"
    assert confirmation["response_action"] == "update"
    assert code_from(confirmation)
    assert {e.type for e in socket_slack.sent} == {"slash_commands", "interactive"}


def test_a_button_is_acknowledged_and_does_its_work(
    socket_slack: SocketModeDriver, members: Runtime, clock: FakeClock
) -> None:
    submit(socket_slack, identity=OptionValue.NAMED)
    deliver(members, clock)
    [notice] = dms_to(socket_slack.fake, COORDINATOR)
    clicked = socket_slack.click(notice, ActionId.FB_ACKNOWLEDGE, user_id=COORDINATOR)
    assert clicked.status == 200
    redrawn = socket_slack.fake.responses[-1].params
    assert redrawn["replace_original"] is True
    assert "Being looked at" in json.dumps(redrawn["blocks"])


def test_after_a_refresh_the_next_form_is_acknowledged_within_a_second(
    socket_slack: SocketModeDriver, stand_in: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    socket_slack.command("/coprod", "help", user_id="U0NOBODY1")
    stand_in.refresh()
    socket_slack.command("/feedback", "", user_id=FACILITATOR)
    after_refresh = socket_slack.sent[-1]
    # Slack's 3 s: the trigger_id was still good, so the form opened.
    assert stand_in.latency(after_refresh) < 1.0
    assert fake_slack.calls_to("views.open")
    assert stand_in.wait_for_connections(2)
    assert after_refresh.connection == 2, "the envelope went over the new connection"
    following = [stand_in.send("slash_commands", help_payload()) for _ in range(5)]
    assert all(stand_in.wait_for_ack(e).connection == 2 for e in following)
    assert max(stand_in.latency(e) for e in following) < 1.0


def test_a_dropped_connection_is_replaced_quickly_without_a_busy_loop(
    connected: CoprodSocketModeHandler, stand_in: FakeSocketMode
) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    stand_in.drop()
    envelope = stand_in.send("slash_commands", help_payload())
    ack = stand_in.wait_for_ack(envelope, timeout=PING_INTERVAL + 5)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert ack.connection == 2
    assert stand_in.latency(envelope) < PING_INTERVAL + 2
    # The whole process (the client, the app and the stand-in) over the recovery: a spinning
    # reconnect loop would take about one core, 1.0.
    assert cpu / wall < 0.25, f"{cpu:.2f} s of CPU over {wall:.2f} s"


def test_a_server_that_stops_answering_pings_is_left_for_a_new_connection(
    app: App, stand_in: FakeSocketMode
) -> None:
    # A shorter interval than PING_INTERVAL, to keep the test quick; the mechanism is the same.
    with connect(app, stand_in, ping_interval=1.0):
        started = time.perf_counter()
        stand_in.go_silent()
        assert stand_in.wait_for_connections(2, timeout=8), "the quiet server went unnoticed"
        noticed = time.perf_counter() - started
        envelope = stand_in.send("slash_commands", help_payload())
        assert stand_in.wait_for_ack(envelope).connection == 2
        assert noticed < 5


# -- a wrong app token, as a person meets it ---------------------------------------------------
@pytest.fixture
def serve_env(tmp_path: Path, fake_slack: FakeSlack,
              stand_in: FakeSocketMode) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "COPROD_", "TWILIO_", "SMS_", "DATABASE_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
                "PYTHONPATH": str(Path(__file__).parent.parent), "COPROD_DATA_KEY": DATA_KEY,
                "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake_slack.api_url})
    return env


def serve(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("token", "sentence"), [
    ("xapp-1-A0COPROD-1-revoked",
     "Slack did not accept SLACK_APP_TOKEN (invalid_auth): check the app-level token"),
    ("xoxb-a-bot-token-by-mistake",
     "SLACK_APP_TOKEN is not an app-level token (those start xapp-)"),
])
def test_a_wrong_app_token_is_one_sentence_and_exit_2(
    serve_env: dict[str, str], tmp_path: Path, token: str, sentence: str
) -> None:
    serve_env["SLACK_APP_TOKEN"] = token
    result = serve(serve_env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "SLACK_APP_TOKEN" in line]
    assert line.startswith(sentence)
