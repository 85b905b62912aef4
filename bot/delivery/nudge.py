"""Lets a service ask for the outbox to go out now, not at the dispatcher's next tick: an
urgent safeguarding alert should not wait five seconds."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Nudge:
    def __init__(self) -> None:
        self._callback: Callable[[], None] | None = None

    def connect(self, callback: Callable[[], None]) -> None:
        self._callback = callback

    def __call__(self) -> None:
        if self._callback is None:
            return
        try:
            self._callback()
        except Exception as error:  # the next regular tick delivers anyway
            log.warning("could not nudge the dispatcher (%s)", type(error).__name__)
