"""Thousands of generated requests over real HTTP, as an attacker and a careless client would
send them: tampered signatures, stale and odd timestamps, garbage, huge and non-UTF-8 bodies,
wrong content types, every action id with values the bot never sent, envelopes of shapes Slack
never sends (signed), and forged Twilio webhooks. None may get a 5xx; unsigned ones are refused
and change nothing; the process stays healthy, its memory flat, and its log free of tracebacks.

The generator is seeded (COPROD_FUZZ_SEED, default 15): a failure names the request kind and
reproduces with the same seed."""

from __future__ import annotations

import gc
import http.client
import json
import logging
import os
import random
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, func, select
from twilio.request_validator import RequestValidator

from bot.app import CoprodApp
from bot.config import Settings
from bot.web import MAX_SLACK_BODY
from bot.wiring import Runtime
from handlers.ids import ActionId, CallbackId, Shortcut, SlashCommand
from storage.models import Base
from tests.conftest import (
    SIGNING_SECRET,
    TWILIO_PUBLIC_URL,
    FakeClock,
    LogRecorder,
    ServerThread,
    command_body,
    texting_bot,
)
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio

SEED = int(os.environ.get("COPROD_FUZZ_SEED", "15"))
PUBLIC = TWILIO_PUBLIC_URL
PEOPLE = ["U0COORD01", "U0FACIL02", "U0SAFEG05", "U0MEMBR06", "U0NOBODY9"]
ODD_VALUES: list[Any] = ["abc", "", "1.5", None, [], ["1"], "0", "-3", "9" * 30, 12, True,
                         {"id": 1}, "1 OR 1=1", "<!channel>", "\u202e7"]
ODD_TIMESTAMPS = ["", "abc", "1e9", "-1", " 1", "1.5", "\xb2", "0x10", "9" * 40]
REFUSED = {401, 403, 413}


@dataclass
class Probe:
    kind: str  # what was sent, for the failure message
    path: str
    body: bytes
    headers: dict[str, str]
    chunked: bool = False


@dataclass
class Tally:
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0


class Client:
    """One keep-alive connection, reopened whenever the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)

    def send(self, probe: Probe) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                if probe.chunked:
                    pieces = (probe.body[i:i + 65536] for i in range(0, len(probe.body), 65536))
                    self.connection.request("POST", probe.path, body=pieces,
                                            headers=probe.headers, encode_chunked=True)
                else:
                    self.connection.request("POST", probe.path, body=probe.body,
                                            headers=probe.headers)
                response = self.connection.getresponse()
                answer = response.status, response.read()
                if response.will_close:
                    self.reopen()
                return answer
            except (ConnectionError, http.client.HTTPException):
                self.reopen()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, bytes]:
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        return response.status, response.read()

    def reopen(self) -> None:
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)


def sign(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: str | None = None
         ) -> dict[str, str]:
    from slack_sdk.signature import SignatureVerifier

    ts = timestamp if timestamp is not None else str(int(time.time()))
    return {"X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(secret).generate_signature(
                timestamp=ts, body=body.decode("utf-8")) or ""}


def form(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


# -- what a forger sends ----------------------------------------------------------------------
def forged_slack(rng: random.Random, response_url: str) -> Iterator[Probe]:
    now = int(time.time())
    good = command_body("/feedback", "hello", "U0FACIL02", response_url).encode()
    click = form({"type": "block_actions", "user": {"id": "U0COORD01"}, "trigger_id": "1.2",
                  "actions": [{"action_id": "session_claim", "value": "1"}],
                  "response_url": response_url})
    for body in (good, click):
        for _ in range(40):  # changed after signing: one byte flipped, cut short, extended
            changed = bytearray(body)
            changed[rng.randrange(len(changed))] ^= 1 + rng.randrange(127)
            for tampered in (bytes(changed), body[:rng.randrange(len(body))], body + b"&x=1"):
                yield Probe("tampered body", "/slack/events", tampered, {**FORM, **sign(body)})
        for n in range(20):
            yield Probe("another secret", "/slack/events", body,
                        {**FORM, **sign(body, secret=f"{SIGNING_SECRET}{n}")})
            yield Probe("another body's signature", "/slack/events", body,
                        {**FORM, **sign(body + str(n).encode())})
        for ts in ODD_TIMESTAMPS:
            headers = {**FORM, **sign(body)}
            headers["X-Slack-Request-Timestamp"] = ts
            yield Probe(f"timestamp {ts!r}", "/slack/events", body, headers)
        # (A future time just past the window would drift into it while the test runs.)
        for offset in (400, 900, 86_400, 10**6, 10**9):
            for stale in (now - offset, now + offset, now - 301):
                yield Probe("stale timestamp", "/slack/events", body,
                            {**FORM, **sign(body, timestamp=str(stale))})
        for signature in ("", "v0=", "v1=" + "0" * 64, "v0=zz", "v0=" + "\xe9" * 64,
                          sign(body)["X-Slack-Signature"].upper(), "x" * 5000):
            yield Probe("malformed signature", "/slack/events", body,
                        {**FORM, **sign(body), "X-Slack-Signature": signature})
        for missing in ("X-Slack-Signature", "X-Slack-Request-Timestamp"):
            headers = {**FORM, **sign(body)}
            del headers[missing]
            yield Probe(f"no {missing}", "/slack/events", body, headers)
    for n in range(120):  # garbage, unsigned or signed with the wrong secret
        garbage = rng.randbytes(rng.randrange(1, 400))
        headers = {**rng.choice([FORM, JSON, {"Content-Type": "text/plain"}, {}])}
        if n % 2:
            headers["X-Slack-Request-Timestamp"] = str(now)
            headers["X-Slack-Signature"] = "v0=" + rng.randbytes(32).hex()
        yield Probe("garbage", "/slack/events", garbage, headers)
    for text in ('{"type": "block_actions"', "payload=%7B", "{}", "[]", "null", "\x00" * 9,
                 "payload=" + "%5B" * 5000, '{"a":' * 3000):
        yield Probe("unsigned odd JSON", "/slack/events", text.encode(), JSON)
    non_utf8 = b"payload=" + "é".encode("latin-1") * 20
    yield Probe("signed, not UTF-8", "/slack/events", non_utf8,
                {**FORM, "X-Slack-Request-Timestamp": str(now),
                 "X-Slack-Signature": "v0=" + "0" * 64})
    huge = b"payload=" + b"x" * MAX_SLACK_BODY
    yield Probe("huge, with a length", "/slack/events", huge, {**FORM, **sign(b"")})
    yield Probe("huge, chunked", "/slack/events", huge, {**FORM, **sign(b"")}, chunked=True)


def forged_twilio(rng: random.Random, token: str) -> Iterator[Probe]:
    params = {"From": "+447700900104", "To": "+447700900999", "Body": "STOP",
              "MessageSid": "SMx"}
    status = {"MessageSid": "SMx", "MessageStatus": "undelivered", "ErrorCode": "21610"}
    for path, fields in (("/sms/inbound", params), ("/sms/status", status)):
        body = urlencode(fields).encode()
        right = RequestValidator(token).compute_signature(PUBLIC + path, fields)
        for n in range(25):
            wrong = RequestValidator(f"{token}{n}").compute_signature(PUBLIC + path, fields)
            yield Probe("twilio: another token", path, body, {**FORM, "X-Twilio-Signature": wrong})
            other_url = RequestValidator(token).compute_signature(f"https://evil{n}.example" + path,
                                                                  fields)
            yield Probe("twilio: another URL", path, body,
                        {**FORM, "X-Twilio-Signature": other_url})
            changed = urlencode({**fields, "Body": f"START {n}"}).encode()
            yield Probe("twilio: changed after signing", path, changed,
                        {**FORM, "X-Twilio-Signature": right})
        for signature in ("", "\xe9" * 28, "x" * 3000, right[:-2]):
            yield Probe("twilio: malformed signature", path, body,
                        {**FORM, "X-Twilio-Signature": signature})
        yield Probe("twilio: unsigned", path, body, FORM)
        for _ in range(15):
            yield Probe("twilio: garbage", path, rng.randbytes(rng.randrange(1, 300)),
                        {**FORM, "X-Twilio-Signature": right})
        yield Probe("twilio: huge", path, b"Body=" + b"x" * (64 * 1024), FORM)
        yield Probe("twilio: huge, chunked", path, b"Body=" + b"x" * (64 * 1024), FORM,
                    chunked=True)


# -- what Slack signs but never sends -------------------------------------------------------
def odd_envelopes(response_url: str) -> Iterator[tuple[str, object]]:
    user = {"id": "U0COORD01"}
    base = {"type": "block_actions", "user": user, "trigger_id": "1.2",
            "response_url": response_url, "team": {"id": "T0EXAMPLE"}}
    actions: object
    for actions in (None, [], [{}], "session_claim", [1], [{"action_id": 5}], {"x": 1}):
        yield "actions", {**base, "actions": actions}
    click = [{"action_id": ActionId.SESSION_CLAIM.value, "value": "1"}]
    odd_user: object
    for odd_user in (None, "U0COORD01", {"id": 5}, {"id": None}, [], {}):
        yield "user", {**base, "user": odd_user, "actions": click}
    yield "user", {k: v for k, v in base.items() if k != "user"} | {"actions": click}
    for key, odd in (("team", 5), ("channel", []), ("enterprise", 1.5), ("response_url", 7),
                     ("authorizations", [1]), ("authorizations", "x"), ("response_urls", [3]),
                     ("container", "x"), ("message", []), ("view", None), ("view", "x"),
                     ("message", {"blocks": "x"}), ("trigger_id", []),
                     ("event", {"user": {"id": 3}})):
        yield key, {**base, "actions": click, key: odd}
    view = {"id": "V1", "type": "modal", "callback_id": CallbackId.INCIDENT_NOTE.value,
            "private_metadata": '{"incident": 1}', "state": {"values": {}}, "blocks": []}
    submission = {"type": "view_submission", "user": user, "team": {"id": "T0EXAMPLE"}}
    for name, odd_view in (
        ("view without type", {k: v for k, v in view.items() if k != "type"}),
        ("view without id", {k: v for k, v in view.items() if k != "id"}),
        ("view null", None), ("view list", []),
        ("state null", {**view, "state": None}), ("values list", {**view, "state": {"values": []}}),
        ("block not object", {**view, "state": {"values": {"b": 1}}}),
        ("input not object", {**view, "state": {"values": {"b": {"a": "x"}}}}),
        ("value list", {**view, "state": {"values": {"b": {"a": {"value": [1]}}}}}),
        ("option string", {**view, "state": {"values": {"b": {"a": {"selected_option": "x"}}}}}),
        ("bad date", {**view, "state": {"values": {"b": {"a": {"selected_date": "2026-13-45"}}}}}),
        ("bad time", {**view, "state": {"values": {"b": {"a": {"selected_time": "25:99"}}}}}),
        ("options dicts", {**view, "state": {"values": {"b": {"a": {"selected_options": [1]}}}}}),
        ("metadata object", {**view, "private_metadata": {"incident": 1}}),
        ("blocks odd", {**view, "blocks": [1]}),
    ):
        yield name, {**submission, "view": odd_view}
    for callback in CallbackId:
        for metadata in ("", "not json", "[1]", '{"case": "x"}', '{"incident": -1}',
                         '{"session": 1.5}', '{"text": null}', '"x"'):
            yield f"form {callback.value}", {**submission, "view": {
                **view, "callback_id": callback.value, "private_metadata": metadata}}
    shortcut = {"type": "message_action", "callback_id": Shortcut.REPORT_MESSAGE.value,
                "user": user, "trigger_id": "1.2", "channel": {"id": "C1"}, "message_ts": "1.1"}
    yield "shortcut", {k: v for k, v in shortcut.items() if k != "trigger_id"}
    yield "shortcut", {**shortcut, "channel": None}
    yield "shortcut", {**shortcut, "channel": "C1"}
    yield "shortcut", {**shortcut, "type": "shortcut"}
    for body in ([1], "x", 1, None, {}, {"type": "nothing_we_know"}, {"type": 5},
                 {"type": "url_verification"}, {"type": "block_suggestion"},
                 {"command": "/coprod"}, {"command": "/coprod", "user_id": "U0COORD01"}):
        yield "envelope", body


def odd_events() -> Iterator[tuple[str, object]]:
    home = {"type": "app_home_opened", "tab": "home"}
    event: object
    for event in (home, {**home, "user": None}, {**home, "user": {"id": "U0COORD01"}},
                  {**home, "user": 5}, {**home, "tab": None, "user": "U0COORD01"},
                  {**home, "tab": "messages", "user": "U0COORD01"}, {"type": 5}, None, [],
                  {"type": "app_home_opened", "user": "U0COORD01", "view": {"id": 3}}):
        yield "event", {"type": "event_callback", "event": event, "team_id": "T0EXAMPLE"}
    yield "event", {"type": "event_callback", "event_id": 5,
                    "event": {"type": "app_home_opened", "user": "U0NOBODY9"}}


def odd_clicks(rng: random.Random, response_url: str) -> Iterator[tuple[str, object]]:
    for action_id in ActionId:
        for value in ODD_VALUES:
            action: dict[str, Any] = {"action_id": action_id.value, "block_id": "b",
                                      "type": "button", "value": value}
            if rng.random() < 0.3:
                action["selected_option"] = rng.choice(
                    [None, "x", {"value": value}, {"value": "cancel:abc"}, {"value": "edit:"}])
            payload: dict[str, Any] = {
                "type": "block_actions", "user": {"id": rng.choice(PEOPLE)},
                "team": {"id": "T0EXAMPLE"}, "trigger_id": "1.2", "actions": [action],
                "response_url": response_url}
            if rng.random() < 0.3:
                payload["container"] = {"type": "view", "view_id": "V1"}
                payload["view"] = {"id": "V1", "type": "modal", "hash": "h",
                                   "state": {"values": {}}}
            yield f"click {action_id.value}={value!r}", payload


def odd_commands(rng: random.Random, response_url: str) -> Iterator[tuple[str, str]]:
    words = ["reply", "status", "new", "mine", "help", "whoami", "deliveries", "forget", "me",
             "consent", "stop", "texts", "agenda", "present", "ABCD-EFGH-JKLM", "999", "-1",
             "<!channel>", "\u202e", "payload", "&", "=", "%", "x" * 300]
    for command in SlashCommand:
        for _ in range(12):
            text = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 5)))
            yield f"{command.value} {text[:20]!r}", command_body(
                command.value, text, rng.choice(PEOPLE), response_url)
    yield "/feedback reply, 5,000 characters", command_body(
        "/feedback", "reply ABCD-EFGH-JKLM " + "x" * 5000, "U0FACIL02", response_url)


def signed_probes(rng: random.Random, response_url: str) -> Iterator[Probe]:
    for kind, payload in [*odd_envelopes(response_url), *odd_clicks(rng, response_url)]:
        body = form(payload)
        yield Probe(f"signed {kind}", "/slack/events", body, {**FORM, **sign(body)})
    for kind, payload in odd_events():
        body = json.dumps(payload).encode()
        yield Probe(f"signed {kind}", "/slack/events", body, {**JSON, **sign(body)})
    for kind, text in odd_commands(rng, response_url):
        body = text.encode()
        yield Probe(f"signed {kind}", "/slack/events", body, {**FORM, **sign(body)})
    for content_type in ("text/plain", "application/json", "multipart/form-data", ""):
        body = command_body("/coprod", "help", "U0COORD01", response_url).encode()
        yield Probe(f"signed, content type {content_type!r}", "/slack/events", body,
                    {"Content-Type": content_type, **sign(body)})
    for text in ('{"type": "block_actions"', "payload=%7B", "payload=null", "[1]", '"x"',
                 '{"a":' * 3000 + "1" + "}" * 3000, "payload=" + "%5B" * 3000):
        body = text.encode()
        yield Probe("signed, not JSON we know", "/slack/events", body, {**JSON, **sign(body)})


# -- the world they are sent to ----------------------------------------------------------------
@dataclass
class World:
    app: CoprodApp
    runtime: Runtime
    client: Client
    slack: FakeSlack
    twilio: FakeTwilio


@pytest.fixture
def world(settings: Settings, engine: Engine, clock: FakeClock, fake_slack: FakeSlack,
          fake_twilio: FakeTwilio) -> Iterator[World]:
    app, runtime, wsgi = texting_bot(settings, engine, clock, fake_twilio)
    with ServerThread(wsgi) as server:
        yield World(app, runtime, Client(server.port), fake_slack, fake_twilio)


@pytest.fixture
def quiet_pytest_capture() -> Iterator[None]:
    """pytest keeps every log record of a test for its report: thousands of requests' worth
    would swamp the memory measured. Only warnings and errors are kept for the report here;
    the per-test `log_lines` recorder still sees every line."""
    from _pytest.logging import LogCaptureHandler

    handlers = [h for h in logging.getLogger().handlers if isinstance(h, LogCaptureHandler)]
    levels = [h.level for h in handlers]
    for handler in handlers:
        handler.setLevel(logging.WARNING)
    yield
    for handler, level in zip(handlers, levels, strict=True):
        handler.setLevel(level)


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t.name: connection.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables}


def outside_calls(world: World) -> int:
    return (len([c for c in world.slack.calls if c.method != "auth.test"])
            + len(world.slack.responses) + len(world.twilio.texts))


def send_all(world: World, probes: list[Probe], tally: Tally) -> list[tuple[str, int]]:
    """Sends each probe; returns what each was, with the status it got."""
    started = time.perf_counter()
    answers = []
    for probe in probes:
        status, _ = world.client.send(probe)
        tally.sent += 1
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        answers.append((probe.kind, status))
    assert world.app.after_ack.wait_idle(), "work after the ack did not finish"
    tally.seconds += time.perf_counter() - started
    return answers


def client_caused_problems(lines: list[str]) -> list[str]:
    return [line for line in lines
            if "Traceback" in line or 'File "' in line or "error handling" in line]


def one_pass(world: World, rng: random.Random, log_lines: LogRecorder, tally: Tally) -> None:
    response_url = world.slack.response_url("fuzz")
    forged = [*forged_slack(rng, response_url),
              *forged_twilio(rng, world.twilio.auth_token)]
    rng.shuffle(forged)
    rows, calls = row_counts(world.runtime.engine), outside_calls(world)
    answers = send_all(world, forged, tally)
    # Unsigned and forged: refused, and nothing stored or sent.
    assert sorted({a for a in answers if a[1] not in REFUSED}) == []
    assert row_counts(world.runtime.engine) == rows
    assert outside_calls(world) == calls

    signed = list(signed_probes(rng, response_url))
    answers = send_all(world, signed, tally)
    assert sorted({a for a in answers if a[1] >= 500}) == []
    assert world.client.get("/healthz") == (200, b'{"ok": true, "database": "ok"}')
    assert client_caused_problems(log_lines.lines) == []


def test_thousands_of_odd_requests_get_no_server_error_and_change_nothing_unsigned(
    world: World, log_lines: LogRecorder, quiet_pytest_capture: None
) -> None:
    tally = Tally()
    one_pass(world, random.Random(SEED), log_lines, tally)
    first = tally.sent

    # A second pass, the same requests again, traced: what it leaves behind is what leaks.
    world.slack.reset()
    log_lines.lines.clear()
    gc.collect()
    tracemalloc.start()
    try:
        one_pass(world, random.Random(SEED), log_lines, tally)
        world.slack.reset()  # what the fakes recorded is the test's memory, not the bot's
        world.twilio.texts.clear()
        log_lines.lines.clear()
        gc.collect()
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)])
        kept = sum(stat.size for stat in snapshot.statistics("filename"))
        if os.environ.get("COPROD_FUZZ_MEMORY"):
            for stat in snapshot.statistics("lineno")[:10]:
                print(stat)
    finally:
        tracemalloc.stop()
    print(f"\nfuzz: {tally.sent} requests ({first} a pass) in {tally.seconds:.1f} s; "
          f"statuses {dict(sorted(tally.statuses.items()))}; second pass kept {kept / 1e6:.2f} MB")
    assert kept < 2_000_000, f"the second pass kept {kept} bytes"
    assert set(tally.statuses) <= {200, 401, 403, 404, 413, *REFUSED}

