"""Library log lines that would carry a request body are cut before the payload."""

from __future__ import annotations

import logging

import pytest

from bot.app import create_app
from bot.config import Settings
from bot.logs import DropPayloads
from bot.wiring import Runtime
from tests.conftest import BOT_TOKEN, LogRecorder


def record(name: str, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)


def test_bolt_payloads_are_withheld() -> None:
    line = record("slack_bolt.App", "Unhandled request (%s)", {"text": "I feel unsafe"})
    assert DropPayloads().filter(line)
    assert line.getMessage() == "Unhandled request (details withheld)"


def error_record(name: str, message: str, error: Exception) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        import sys

        return logging.LogRecord(name, logging.ERROR, __file__, 1, message, (), sys.exc_info())


def test_a_library_error_keeps_its_type_but_not_its_words() -> None:
    line = error_record("slack_bolt.App", "Failed to run listener function (error: 'I feel')",
                        KeyError("I feel unsafe"))
    assert DropPayloads().filter(line)
    assert line.getMessage() == "Failed to run listener function (KeyError: details withheld)"
    assert line.exc_info is None and line.exc_text is None  # no traceback with the words

    plain = error_record("slack_sdk.web", "Failed to send a request", ValueError("my words"))
    DropPayloads().filter(plain)
    assert plain.getMessage() == "Failed to send a request (ValueError)"


def test_our_own_lines_are_left_alone() -> None:
    line = record("bot.delivery", "outbox run: %d sent", 3)
    DropPayloads().filter(line)
    assert line.getMessage() == "outbox run: 3 sent"


def test_log_lines_are_json_with_the_request_id() -> None:
    import json

    from bot.logs import JsonLines, new_request_id

    rid = new_request_id()
    line = json.loads(JsonLines().format(record("bot.services", "incident %d reported", 7)))
    assert line["request"] == rid and line["message"] == "incident 7 reported"
    assert set(line) == {"at", "level", "logger", "request", "message"}


def test_starting_the_app_with_the_token_in_the_environment_warns_of_nothing(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, runtime: Runtime,
    log_lines: LogRecorder
) -> None:
    # Bolt reads SLACK_BOT_TOKEN itself and warns it is unused beside our client; it is meant.
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    create_app(settings, runtime.services, client=runtime.client, token_verification=False)
    assert not [line for line in log_lines.lines if "will be unused" in line]
