"""Handing a listener's work to after the acknowledgement (see bot/after_ack.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Respond

from bot.after_ack import AfterAck
from handlers.blocks.text import KIND_ERROR, OUT_OF_DATE
from handlers.payloads import NotOurs
from handlers.replies import say_privately

log = logging.getLogger(__name__)


def later(after_ack: AfterAck, respond: Respond, kind: str, work: Callable[[], object], *,
          sorry: str = KIND_ERROR) -> None:
    """Runs `work` after the ack; if it fails, the person gets the same kind words an error in
    the listener itself would give, in an ephemeral message only they see. A value we never
    sent (a stale or odd button) is no failure of ours: they are told the button is out of date."""

    def work_on_what_we_sent() -> object:
        try:
            return work()
        except NotOurs:
            log.info("ignored %s carrying a value we never sent", kind)
            say_privately(respond, OUT_OF_DATE)
            return None

    after_ack(kind, work_on_what_we_sent, lambda words: say_privately(respond, words), sorry)
