"""Handing a listener's work to after the acknowledgement (see bot/after_ack.py)."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Respond

from bot.after_ack import AfterAck
from handlers.blocks.text import KIND_ERROR
from handlers.replies import say_privately


def later(after_ack: AfterAck, respond: Respond, kind: str, work: Callable[[], object], *,
          sorry: str = KIND_ERROR) -> None:
    """Runs `work` after the ack; if it fails, the person gets the same kind words an error in
    the listener itself would give, in an ephemeral message only they see."""

    after_ack(kind, work, lambda words: say_privately(respond, words), sorry)
