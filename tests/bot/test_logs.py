"""Library log lines that would carry a request body are cut before the payload."""

from __future__ import annotations

import logging

from bot.logs import DropPayloads


def record(name: str, message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)


def test_bolt_payloads_are_withheld() -> None:
    line = record("slack_bolt.App", "Unhandled request (%s)", {"text": "I feel unsafe"})
    assert DropPayloads().filter(line)
    assert line.getMessage() == "Unhandled request (details withheld)"


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
