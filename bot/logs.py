"""Logging that never carries what people typed.

Our own log lines name kinds and counts only. Bolt and slack_sdk sometimes put a whole request
body into a warning ("Unhandled request ({...})"), so their records are cut before the payload.
"""

from __future__ import annotations

import logging
import re

_PAYLOAD = re.compile(r"\s*[\(\[{].*", re.DOTALL)
LIBRARY_LOGGERS = ("slack_bolt", "slack_sdk", "slack")


class DropPayloads(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".")[0] in LIBRARY_LOGGERS:
            text = record.getMessage()
            record.msg = _PAYLOAD.sub(" (details withheld)", text, count=1) if _PAYLOAD.search(
                text) else text
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(DropPayloads())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs whole request and response bodies at DEBUG.
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
