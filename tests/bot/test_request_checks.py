"""Each case of issue 15 by name: unsigned, malformed and oversized requests are refused before
anything reads them; signed odd ones are answered calmly; every request has its own log id."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from sqlalchemy import Engine

from bot.after_ack import AfterAck
from bot.logs import request_id, request_scope
from bot.web import MAX_SLACK_BODY, make_wsgi_app
from bot.wiring import Runtime
from handlers.blocks.text import OUT_OF_DATE
from handlers.ids import ActionId, Shortcut
from tests.conftest import (
    LogRecorder,
    ServerThread,
    SlackDriver,
    command_body,
    signed_headers,
)
from tests.fakes.slack import FakeSlack


@pytest.fixture
def server(app: App, engine: Engine) -> Iterator[ServerThread]:
    with ServerThread(make_wsgi_app(app, engine)) as running:
        yield running


def post(server: ServerThread, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(server.url + "/slack/events", data=body, headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def no_traceback(lines: list[str]) -> bool:
    return not any('File "' in line or "error handling" in line for line in lines)


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00payload", b"payload=%7B%7D",
                                  command_body("/feedback", "hi", "U0FACIL02",
                                               "http://127.0.0.1:9/r").encode()])
@pytest.mark.parametrize("timestamp", ["", "abc", "1e9", "\xb2", "-1", None, "far past",
                                       "far future"])
def test_unsigned_or_badly_timed_requests_get_401_and_nothing_happens(
    server: ServerThread, members: Runtime, fake_slack: FakeSlack, log_lines: LogRecorder,
    body: bytes, timestamp: str | None
) -> None:
    now = int(time.time())
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if timestamp is not None:
        stamp = {"far past": str(now - 3600), "far future": str(now + 3600)}.get(timestamp,
                                                                                timestamp)
        signed = signed_headers(body.decode("latin-1"), timestamp=int(stamp)
                                if stamp.isascii() and stamp.lstrip("-").isdigit() else now)
        headers |= {"X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": signed["x-slack-signature"]}
    status, answer = post(server, body, headers)
    assert (status, json.loads(answer)) == (401, {"error": "invalid request"})
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
    assert fake_slack.responses == [] and no_traceback(log_lines.lines)


def test_a_body_larger_than_slack_sends_is_refused_with_413(server: ServerThread) -> None:
    body = b"payload=" + b"x" * MAX_SLACK_BODY
    assert post(server, body, signed_headers(""))[0] == 413


def signed(payload: object) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"payload": json.dumps(payload)})
    return body.encode(), signed_headers(body)


USER = {"id": "U0COORD01"}
CLICK = [{"action_id": ActionId.SESSION_CLAIM.value, "value": "1"}]
ODD = [
    {"type": "block_actions", "user": USER, "actions": None},
    {"type": "block_actions", "user": USER, "actions": []},
    {"type": "block_actions", "user": USER, "actions": [{}]},
    {"type": "block_actions", "user": USER, "actions": "session_claim"},
    {"type": "block_actions", "user": None, "actions": CLICK},
    {"type": "block_actions", "actions": CLICK},
    {"type": "view_submission", "user": USER, "view": {"id": "V1", "callback_id": "x"}},
    {"type": "event_callback", "event": {"type": "app_home_opened", "tab": "home"}},
    {"type": "message_action", "callback_id": Shortcut.REPORT_MESSAGE.value, "user": USER,
     "channel": {"id": "C1"}, "message_ts": "1.1"},
]


@pytest.mark.parametrize("payload", ODD)
def test_signed_payloads_of_shapes_slack_never_sends_get_200_and_no_traceback(
    server: ServerThread, members: Runtime, fake_slack: FakeSlack, log_lines: LogRecorder,
    payload: dict[str, object]
) -> None:
    status, _ = post(server, *signed(payload))
    assert status == 200
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
    assert no_traceback(log_lines.lines)
    # Refused by its shape, or (app_home_opened without a user) by the reader of the field.
    assert any("Slack never sends" in line or "value we never sent" in line
               for line in log_lines.lines)


@pytest.mark.parametrize("value", ["abc", "", "1.5", None, ["1"]])
def test_a_click_we_never_sent_is_told_the_button_is_out_of_date(
    slack: SlackDriver, members: Runtime, log_lines: LogRecorder, value: object
) -> None:
    response = slack.interactive({
        "type": "block_actions", "user": USER, "trigger_id": "1.2", "team": {"id": "T0"},
        "actions": [{"action_id": ActionId.SESSION_CLAIM.value, "value": value}],
        "response_url": slack.fake.response_url("stale")})
    assert response.status == 200
    [answer] = slack.fake.responses
    assert answer.params["text"] == OUT_OF_DATE
    assert answer.params["response_type"] == "ephemeral"
    assert no_traceback(log_lines.lines)
    assert not any(f"{value!r}" in line for line in log_lines.lines if value)


def test_feedback_reply_by_code_that_is_too_long_is_told_so_kindly(
    slack: SlackDriver, members: Runtime
) -> None:
    response = slack.command("/feedback", "reply ABCD-EFGH-JKLM " + "x" * 5000,
                             user_id="U0FACIL02")
    text = slack.text_of(response)
    assert "characters over the" in text and "Sorry, something went wrong" not in text


class RequestIds(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((record.name, request_id.get()))


def test_every_request_logs_under_its_own_id_and_leaves_none_behind(
    slack: SlackDriver, members: Runtime
) -> None:
    ids, before = RequestIds(), request_id.get()
    logging.getLogger().addHandler(ids)
    try:
        for _ in range(3):
            body, headers = signed({"type": "block_actions", "user": USER, "trigger_id": "1",
                                    "actions": [{"action_id": "session_claim", "value": "x"}],
                                    "response_url": slack.fake.response_url()})
            slack.app.dispatch(BoltRequest(body=body.decode(), headers=headers))
            slack.settle()
            assert request_id.get() == before  # nothing left for the next line this thread logs
    finally:
        logging.getLogger().removeHandler(ids)
    ours = [rid for name, rid in ids.seen if name.startswith(("bot", "handlers"))]
    # Lines written after the ack carry their own request's id too.
    assert before not in ours and "-" not in ours and len(set(ours)) == 3, ours


def test_work_after_the_ack_keeps_its_requests_id() -> None:
    after_ack, seen = AfterAck(workers=1), []
    for _ in range(2):
        with request_scope() as rid:
            after_ack("x", lambda: seen.append(request_id.get()), lambda words: None, "")
            after_ack.wait_idle()
            assert seen[-1] == rid
    assert seen[0] != seen[1]


def test_bolt_tries_one_listener_a_kind_and_an_unknown_id_stays_unhandled(
    slack: SlackDriver, app: App, members: Runtime, log_lines: LogRecorder
) -> None:
    """Our listeners are found by id in a table: Bolt holds one a kind (action, form, command,
    event, shortcut) instead of trying a hundred in turn for every request."""
    assert len(app._listeners) <= 5
    response = slack.interactive({
        "type": "block_actions", "user": USER, "trigger_id": "1.2", "team": {"id": "T0"},
        "actions": [{"action_id": "no_such_button", "value": "1"}],
        "response_url": slack.fake.response_url("unknown")})
    assert response.status == 404  # as Bolt answers a request no listener takes
    # An id we know, with a newline after it, is not that id.
    response = slack.interactive({
        "type": "block_actions", "user": USER, "trigger_id": "1.2", "team": {"id": "T0"},
        "actions": [{"action_id": ActionId.SESSION_CLAIM.value + "\n", "value": "1"}],
        "response_url": slack.fake.response_url("unknown")})
    assert response.status == 404
    assert slack.command("/coprod\n", "help", user_id="U0FACIL02").status == 404
    assert slack.fake.responses == []
    assert no_traceback(log_lines.lines)
