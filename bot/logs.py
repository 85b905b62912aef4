"""Logging that never carries what people typed.

Our own log lines name kinds and counts only. Bolt and slack_sdk sometimes put a whole request
body into a warning ("Unhandled request ({...})"), so their records are cut before the payload.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import random
import re
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

_PAYLOAD = re.compile(r"\s*[\(\[{].*", re.DOTALL)
LIBRARY_LOGGERS = ("slack_bolt", "slack_sdk", "slack")


class DropPayloads(logging.Filter):
    """A library's line keeps its words up to the first bracket, and the type of the error it
    reports (KeyError, SlackApiError): enough to know what went wrong, never what was sent."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".")[0] in LIBRARY_LOGGERS:
            text = record.getMessage()
            error = record.exc_info[0] if record.exc_info else None
            kind = error.__name__ if error else None
            if record.levelno >= logging.WARNING:
                # "Failed to run a listener: <the error's words>, session: ..." - an error's
                # words can quote a request, so a warning keeps only what comes before them.
                text = text.split(": ", 1)[0]
            if _PAYLOAD.search(text):
                withheld = f" ({kind}: details withheld)" if kind else " (details withheld)"
                text = _PAYLOAD.sub(withheld, text, count=1)
            elif kind:
                text = f"{text} ({kind})"
            record.msg = text
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


# The id of the Slack request being handled, so every line it causes can be followed.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def _fresh_id() -> str:
    """Twelve hex digits to follow one request through the log: unique enough, and secret
    from nobody. Not uuid4: its os.urandom lets go of the interpreter lock, and on the way
    to an acknowledgement, getting it back behind busy threads cost up to 5 ms a time."""
    return f"{random.getrandbits(48):012x}"


def new_request_id() -> str:
    value = _fresh_id()
    request_id.set(value)
    return value


@contextlib.contextmanager
def request_scope() -> Iterator[str]:
    """A fresh id for one request (or one run of a job) from its first log line to its last,
    then the id the thread had before: a server thread serves many requests, and a line
    logged between two of them must not carry the last one's id."""
    token = request_id.set(_fresh_id())
    try:
        yield request_id.get()
    finally:
        request_id.reset(token)


P = ParamSpec("P")
R = TypeVar("R")


def in_own_scope(work: Callable[P, R]) -> Callable[P, R]:
    """`work`, run each time with an id of its own (for scheduled jobs)."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with request_scope():
            return work(*args, **kwargs)

    return run


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message (already filtered)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                "logger": record.name, "request": request_id.get(),
                "message": record.getMessage()}
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "error"
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    handler.addFilter(DropPayloads())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs whole request and response bodies at DEBUG.
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
