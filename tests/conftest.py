"""Fixtures: a real database (SQLite, or PostgreSQL from TEST_DATABASE_URL), loopback fakes for
Slack and Twilio, the real Bolt app, and a driver that sends it requests signed as Slack does."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text

from bot.app import create_app
from bot.config import Settings, load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.wiring import Runtime, build_runtime
from storage.db import make_engine
from storage.migrate import downgrade, upgrade
from storage.models import Base
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

MEMBERS_CSV = """\
name,slack_user_id,phone,roles,contact,sms_consent,trained_until
Ada Brightwater,U0COORD01,07700 900101,coordinator;facilitator;trained,both,yes,2027-06-30
Bram Okonkwo,U0FACIL02,,facilitator,slack,no,
Cleo Marsh,U0TRAIN03,+44 7700 900103,facilitator;trained,slack,no,2025-01-31
Dev Patel,,07700 900104,member,sms,yes,
Esme Hart,U0SAFEG05,07700 900105,safeguarding_lead;trained,both,yes,
Fin Rowe,U0MEMBR06,,member,slack,no,
"""


class FakeClock:
    """An injected clock the tests move by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'coprod-test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    # Down to nothing and up again: the migrations themselves are exercised on every run.
    upgrade(engine)
    downgrade(engine, "base")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> None:
    """Each test that uses the database starts with empty tables."""
    if "engine" not in request.fixturenames:
        return
    engine: Engine = request.getfixturevalue("engine")
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f"DELETE FROM {table.name}"))  # noqa: S608 - our table names


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> FakeSlack:
    fake_slack_server.reset()
    return fake_slack_server


@pytest.fixture(scope="session")
def fake_twilio_server() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_twilio(fake_twilio_server: FakeTwilio) -> FakeTwilio:
    fake_twilio_server.texts.clear()
    return fake_twilio_server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return load_settings(
        env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        coprod_org_name="Riverside Peer Support",
    )


@pytest.fixture
def console_sms() -> ConsoleSmsProvider:
    return ConsoleSmsProvider(echo=False)


@pytest.fixture
def runtime(settings: Settings, engine: Engine, clock: FakeClock,
            console_sms: ConsoleSmsProvider) -> Runtime:
    return build_runtime(settings, engine=engine, clock=clock, sms=console_sms)


@pytest.fixture
def members(runtime: Runtime) -> Runtime:
    report = runtime.services.members.import_csv(MEMBERS_CSV)
    assert report.problems == [] and report.added == 6
    return runtime


@pytest.fixture
def app(settings: Settings, runtime: Runtime) -> App:
    return create_app(settings, runtime.services, client=runtime.client)


def signed_headers(body: str, *, secret: str = SIGNING_SECRET,
                   timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


def command_body(command: str, text: str, user_id: str, response_url: str) -> str:
    return urlencode({
        "token": "legacy-unused",
        "team_id": "T0EXAMPLE",
        "team_domain": "riverside",
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0COPROD",
        "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    })


@dataclass
class SlackDriver:
    """Sends the app what Slack would send, signed, through app.dispatch."""

    app: App
    fake: FakeSlack

    def command(self, command: str, text: str = "", *, user_id: str) -> BoltResponse:
        body = command_body(command, text, user_id, self.fake.response_url())
        return self.app.dispatch(BoltRequest(body=body, headers=signed_headers(body)))

    @staticmethod
    def payload(response: BoltResponse) -> dict[str, Any]:
        assert response.status == 200, response.body
        return json.loads(response.body)

    @staticmethod
    def text_of(response: BoltResponse) -> str:
        """All visible text of a command's answer, for assertions about what a person reads."""
        payload = json.loads(response.body)
        parts = [payload.get("text", "")]
        parts += [_block_text(b) for b in payload.get("blocks", [])]
        return "\n".join(parts)


def _block_text(block: dict[str, Any]) -> str:
    if "text" in block and isinstance(block["text"], dict):
        return str(block["text"].get("text", ""))
    if block.get("type") == "context":
        return " ".join(str(e.get("text", "")) for e in block.get("elements", []))
    return ""


@pytest.fixture
def slack(app: App, fake_slack: FakeSlack) -> SlackDriver:
    return SlackDriver(app, fake_slack)


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


class ServerThread:
    """Runs a WSGI app under waitress on a free loopback port, as `serve --http` does."""

    def __init__(self, wsgi: Any) -> None:
        from waitress.server import create_server

        self.server = create_server(wsgi, host="127.0.0.1", port=0, threads=4)
        self.port = self.server.effective_port  # type: ignore[union-attr]
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        server: Any = self.server

        def stop_loop() -> None:
            # Runs inside the server's own loop thread, so nothing is closed under its select().
            server.close()
            server._map.clear()

        server.trigger.pull_trigger(stop_loop)
        self.thread.join(10)
        server.task_dispatcher.shutdown()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
