"""Fixtures: a real database (SQLite, or PostgreSQL from TEST_DATABASE_URL), loopback fakes for
Slack and Twilio, the real Bolt app, and a driver that sends it requests signed as Slack does."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import urllib.error
import urllib.request
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

from bot.app import CoprodApp, create_app
from bot.config import Settings, load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.logs import LIBRARY_LOGGERS, DropPayloads
from bot.wiring import Runtime, build_runtime
from storage.db import make_engine
from storage.migrate import downgrade, upgrade
from storage.models import Base
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
DATA_KEY = "dGVzdC1vbmx5LWRhdGEta2V5LW5vdC1mb3ItdXNlLTE="  # a Fernet key for tests only
BOT_TOKEN = "xoxb-test-token"
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

MEMBERS_CSV = """\
name,slack_user_id,phone,roles,contact,sms_consent,trained_until,induction
Ada Brightwater,U0COORD01,07700 900101,coordinator;facilitator;trained,both,yes,2027-06-30,\
boundaries_training
Bram Okonkwo,U0FACIL02,,facilitator,slack,no,,boundaries_training
Cleo Marsh,U0TRAIN03,+44 7700 900103,facilitator;trained,slack,no,2025-01-31,boundaries_training
Dev Patel,,07700 900104,member,sms,yes,,
Esme Hart,U0SAFEG05,07700 900105,safeguarding_lead;trained,both,yes,,boundaries_training
Fin Rowe,U0MEMBR06,,member,slack,no,,
Hana Quill,U0HROFF07,,hr_officer,slack,no,,
Tom Reyes,U0TRUST08,,trustee,slack,no,,
"""


# What the tests type through every flow: none of it, and no full phone number, may appear in
# any log line, ours or the libraries'.
TYPED_IN_TESTS = [
    "They said they had a plan", "plan to hurt themselves", "The heating is broken",
    "Could we have tea", "The group ran late", "Loved the group", "Running late",
    "No problem, see you soon", "Tea is on from next week", "kettle is broken",
    "Crossed a line", "Spoke with them", "my private words", "Staff member Kim",
    "Told me about a plan", "Best group I've been to", "Evening sessions for working",
    "bus</b> times", "It was on Tuesday", "The Tuesday group really helps",
]
FULL_UK_MOBILE = re.compile(r"(\+44|\b0)7\d{3}\s?\d{6}\b")


class LogRecorder(logging.Handler):
    """The log lines of one test, through the same privacy filter and levels as production."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.addFilter(DropPayloads())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


def private_problems(lines: list[str]) -> list[str]:
    """Log lines that carry someone's words or a full phone number."""
    return [line for line in lines
            if FULL_UK_MOBILE.search(line) or any(words in line for words in TYPED_IN_TESTS)]


@pytest.fixture(scope="session", autouse=True)
def _log_as_production_does() -> Iterator[None]:
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)  # as configure_logging does
    yield
    root.setLevel(previous)


@pytest.fixture(autouse=True)
def log_lines() -> Iterator[LogRecorder]:
    """Every test: whatever it did, no log line holds anyone's words or phone number."""
    recorder = LogRecorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)
    problems = private_problems(recorder.lines)
    assert not problems, f"log lines carry people's words or numbers: {problems[:3]}"


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
    _delete_every_row(engine)  # a database kept from an earlier run can still be taken down
    downgrade(engine, "base")
    upgrade(engine)
    yield engine
    engine.dispose()


def _delete_every_row(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f"DELETE FROM {table.name}"))  # noqa: S608 - our table names


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> None:
    """Each test that uses the database starts with empty tables."""
    if "engine" not in request.fixturenames:
        return
    _delete_every_row(request.getfixturevalue("engine"))


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
        coprod_data_key=DATA_KEY,
    )


@pytest.fixture
def console_sms() -> ConsoleSmsProvider:
    return ConsoleSmsProvider(echo=False)


@pytest.fixture
def runtime(settings: Settings, engine: Engine, clock: FakeClock,
            console_sms: ConsoleSmsProvider) -> Iterator[Runtime]:
    built = build_runtime(settings, engine=engine, clock=clock, sms=console_sms)
    yield built
    # Its own SQLite reading connections: left open, hundreds of tests run out of the
    # descriptors a server's select() can watch.
    reader = built.sessions.kw.get("bind")
    if reader is not None and reader is not engine:
        reader.dispose()


@pytest.fixture
def members(runtime: Runtime) -> Runtime:
    report = runtime.services.members.import_csv(MEMBERS_CSV)
    assert report.problems == [] and report.added == 8
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

    def send(self, body: str, headers: dict[str, str]) -> BoltResponse:
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        self.settle()
        return response

    def settle(self) -> None:
        """Waits for the work the app does after acknowledging, as a person would see its
        result a moment after clicking."""
        if isinstance(self.app, CoprodApp):
            assert self.app.after_ack.wait_idle(), "work after the ack did not finish"

    def command(self, command: str, text: str = "", *, user_id: str) -> BoltResponse:
        body = command_body(command, text, user_id, self.fake.response_url())
        return self.send(body, signed_headers(body))

    def interactive(self, payload: dict[str, Any]) -> BoltResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return self.send(body, signed_headers(body))

    def event(self, event: dict[str, Any], event_id: str | None = None) -> BoltResponse:
        event_id = event_id or f"Ev{time.time_ns()}"
        body = json.dumps({
            "token": "legacy-unused", "team_id": "T0EXAMPLE", "api_app_id": "A0COPROD",
            "event": event, "type": "event_callback", "event_id": event_id,
            "event_time": int(time.time()),
        })
        headers = {**signed_headers(body), "content-type": "application/json"}
        return self.send(body, headers)

    def opened_view(self) -> dict[str, Any]:
        """The view the app last opened with views.open, as Slack would hold it."""
        calls = self.fake.calls_to("views.open")
        view = calls[-1].params["view"]
        opened = json.loads(view) if isinstance(view, str) else dict(view)
        # Each modal Slack opens has an id of its own, kept while it is open.
        return {**opened, "id": f"V0FORM{len(calls)}"}

    def pushed_view(self) -> dict[str, Any]:
        """The view the app last pushed onto an open modal with views.push."""
        calls = self.fake.calls_to("views.push")
        view = calls[-1].params["view"]
        pushed = json.loads(view) if isinstance(view, str) else dict(view)
        return {**pushed, "id": f"V0PUSH{len(calls)}", "root_view_id": "V0ROOT"}

    def click_in_view(self, view: dict[str, Any], action_id: str, *, user_id: str,
                      value: str | None = None) -> BoltResponse:
        """Clicks a button in an open modal (the one with that action id, or that value)."""
        view_id = view.get("id", "V0ROOT")
        for block in view.get("blocks", []):
            elements = block.get("elements", []) if block.get("type") == "actions" else []
            if block.get("type") == "section" and block.get("accessory"):
                elements = [block["accessory"]]
            for element in elements:
                if element.get("action_id") == action_id and (
                        value is None or element.get("value") == value):
                    return self.interactive({
                        "type": "block_actions", "team": {"id": "T0EXAMPLE"},
                        "user": {"id": user_id}, "api_app_id": "A0COPROD",
                        "trigger_id": "1337.45.abcd",
                        "container": {"type": "view", "view_id": view_id},
                        "view": {**view, "id": view_id, "hash": "1.abc",
                                 "root_view_id": view.get("root_view_id", view_id),
                                 "state": {"values": {}}},
                        "actions": [{"type": "button", "action_id": action_id,
                                     "block_id": block.get("block_id", ""),
                                     "value": element.get("value", ""),
                                     "action_ts": "1700000000.3"}],
                    })
        raise AssertionError(f"no {action_id} button in the view")

    def submit(self, view: dict[str, Any], answers: dict[str, Any], *,
               user_id: str) -> BoltResponse:
        """Fills the form's inputs the way Slack reports them, then submits it."""
        return self.interactive({
            "type": "view_submission", "team": {"id": "T0EXAMPLE", "domain": "riverside"},
            "user": {"id": user_id, "team_id": "T0EXAMPLE"}, "api_app_id": "A0COPROD",
            "trigger_id": "1337.42.abcd",
            "view": {**view, "id": view.get("id", "V0FORM"), "hash": "1.abc",
                     "team_id": "T0EXAMPLE",
                     "state": {"values": fill(view, answers)}},
        })

    def choose(self, view: dict[str, Any], answers: dict[str, Any], block_id: str, *,
               user_id: str) -> BoltResponse:
        """Picks an option in a dispatch_action input, as Slack reports it mid-form."""
        values = fill(view, answers)
        block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
        action_id = block["element"]["action_id"]
        return self.interactive({
            "type": "block_actions", "team": {"id": "T0EXAMPLE"},
            "user": {"id": user_id}, "api_app_id": "A0COPROD", "trigger_id": "1337.43.abcd",
            "container": {"type": "view", "view_id": "V0FORM"},
            "view": {**view, "id": "V0FORM", "hash": "1.abc", "state": {"values": values}},
            "actions": [{**values[block_id][action_id], "action_id": action_id,
                         "block_id": block_id, "action_ts": "1700000000.1"}],
        })

    def click(self, message: dict[str, Any], action_id: str, *, user_id: str,
              channel: str = "D0COORD01", ts: str = "1700000000.000001") -> BoltResponse:
        """Clicks a button in a message the app posted."""
        for block in message.get("blocks", []):
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("action_id") == action_id:
                    return self.interactive({
                        "type": "block_actions", "team": {"id": "T0EXAMPLE"},
                        "user": {"id": user_id}, "api_app_id": "A0COPROD",
                        "trigger_id": "1337.44.abcd",
                        "container": {"type": "message", "message_ts": ts,
                                      "channel_id": channel},
                        "channel": {"id": channel}, "message": {**message, "ts": ts},
                        "response_url": self.fake.response_url(f"click-{action_id}"),
                        "actions": [{"type": "button", "action_id": action_id,
                                     "block_id": block["block_id"],
                                     "value": element["value"],
                                     "action_ts": "1700000000.2"}],
                    })
        raise AssertionError(f"no {action_id} button in the message")

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


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Slack's view.state.values for the answers given, by block id; every answer must match
    an input the view really shows."""
    inputs = {b["block_id"]: b for b in view["blocks"] if b.get("type") == "input"}
    values: dict[str, Any] = {}
    # What the form already shows counts as answered, as it does in Slack.
    initial = {}
    for block_id, block in inputs.items():
        element = block["element"]
        if "initial_option" in element:
            initial[block_id] = element["initial_option"]["value"]
        for key in ("initial_value", "initial_date", "initial_time", "initial_conversation"):
            if key in element:
                initial[block_id] = element[key]
    answers = {**initial, **answers}
    for block_id, answer in answers.items():
        if answer is None:
            continue
        assert block_id in inputs, f"the form does not show {block_id}"
        element = inputs[block_id]["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            state: dict[str, Any] = {"type": kind, "value": answer}
        elif kind in ("static_select", "radio_buttons"):
            chosen = [o for o in element["options"] if o["value"] == answer]
            assert chosen, f"{answer} is not an option of {block_id}"
            state = {"type": kind, "selected_option": chosen[0]}
        elif kind in ("checkboxes", "multi_static_select"):
            state = {"type": kind, "selected_options": [
                o for o in element["options"] if o["value"] in answer]}
        elif kind == "users_select":
            state = {"type": kind, "selected_user": answer}
        elif kind == "conversations_select":
            state = {"type": kind, "selected_conversation": answer}
        elif kind == "datepicker":
            state = {"type": kind, "selected_date": answer}
        elif kind == "timepicker":
            state = {"type": kind, "selected_time": answer}
        elif kind == "number_input":
            state = {"type": kind, "value": str(answer)}
        else:
            raise AssertionError(f"no filler for {kind}")
        values[block_id] = {element["action_id"]: state}
    return values


@dataclass
class HttpSlackDriver(SlackDriver):
    """The same requests, over HTTP to a running server, as Slack really sends them."""

    url: str = ""

    def send(self, body: str, headers: dict[str, str]) -> BoltResponse:
        request = urllib.request.Request(self.url + "/slack/events", data=body.encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = BoltResponse(status=response.status, body=response.read().decode())
        except urllib.error.HTTPError as error:
            answer = BoltResponse(status=error.code, body=error.read().decode())
        self.settle()
        return answer


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
    """Runs a WSGI app under waitress on a free loopback port, as `serve --http` does.

    The loop runs in small steps so that stopping, and all closing, happens in the server's
    own thread: nothing is closed under a select() that is still watching it."""

    def __init__(self, wsgi: Any, port: int = 0, threads: int = 4) -> None:
        from waitress.server import create_server

        self.server: Any = create_server(wsgi, host="127.0.0.1", port=port, threads=threads,
                                         asyncore_use_poll=True)
        self.port = self.server.effective_port
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from waitress import wasyncore

        server = self.server
        while not self._stop.is_set():
            wasyncore.loop(timeout=0.02, map=server._map, count=1, use_poll=True)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


TWILIO_PUBLIC_URL = "https://coprod.example.org"  # where Twilio is told the bot lives


def texting_bot(settings: Settings, engine: Engine, clock: FakeClock,
                fake_twilio: FakeTwilio) -> tuple[CoprodApp, Runtime, Any]:
    """The real bot texting through the fake Twilio, with the members imported: its app, its
    runtime, and the WSGI app that serves Slack and Twilio's webhooks."""
    from bot.delivery.twilio import TwilioSmsProvider
    from bot.sms_web import make_sms_routes
    from bot.web import make_wsgi_app

    texting = settings.model_copy(update={
        "sms_provider": "twilio", "twilio_account_sid": "AC0000000000000000000000000000test",
        "twilio_auth_token": fake_twilio.auth_token, "twilio_from_number": "+447700900999",
        "twilio_api_url": fake_twilio.url, "coprod_public_url": TWILIO_PUBLIC_URL})
    provider = TwilioSmsProvider("AC0000000000000000000000000000test", fake_twilio.auth_token,
                                 "+447700900999", api_url=fake_twilio.url,
                                 status_callback=TWILIO_PUBLIC_URL + "/sms/status")
    runtime = build_runtime(texting, engine=engine, clock=clock, sms=provider)
    runtime.services.members.import_csv(MEMBERS_CSV)
    app = create_app(texting, runtime.services, client=runtime.client)
    return app, runtime, make_wsgi_app(app, engine, extra_routes=make_sms_routes(runtime.services))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The readability table of every message, when the run drew them (see
    tests/handlers/test_readability.py): printed so that each run shows the figures."""
    from tests.samples.reading import TABLE, readability_table

    if TABLE:
        terminalreporter.write_sep("-", "readability of every message (Flesch reading ease)")
        terminalreporter.write_line(readability_table())
