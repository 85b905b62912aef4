"""Lets a service ask for the outbox to go out now, not at the dispatcher's next tick: an
urgent safeguarding alert should not wait five seconds.

A nudge does two things: it marks that there is new work (so a dispatcher run already under
way makes one more pass before it finishes, since the scheduler skips a run while one is going)
and it asks the scheduler to start a run now. A process that does not schedule (a web process
beside `coprod worker`s on PostgreSQL) has no scheduler to ask: its nudge goes to the one that
does, by NOTIFY (bot/delivery/wakeup.py), whose listener calls `wake_here`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Nudge:
    def __init__(self) -> None:
        self._callback: Callable[[], None] | None = None
        self._elsewhere: Callable[[], None] | None = None
        self._pending = threading.Event()
        self.running = threading.Event()

    def connect(self, callback: Callable[[], None]) -> None:
        """This process schedules: a nudge starts its dispatcher."""
        self._callback = callback

    def reach_elsewhere(self, notify: Callable[[], None]) -> None:
        """How to wake the scheduling process when it is not this one."""
        self._elsewhere = notify

    def __call__(self) -> None:
        if self._callback is None and self._elsewhere is not None:
            self._pending.set()  # there is work, wherever it will be done
            try:
                self._elsewhere()
            except Exception as error:  # the worker's next regular tick delivers anyway
                log.warning("could not wake the worker (%s)", type(error).__name__)
            return
        self.wake_here()

    def wake_here(self) -> None:
        self._pending.set()
        if self._callback is None or self.running.is_set():
            return  # a run under way takes the work on its next pass
        try:
            self._callback()
        except Exception as error:  # the next regular tick delivers anyway
            log.warning("could not nudge the dispatcher (%s)", type(error).__name__)

    def take(self) -> bool:
        """True once for each round of nudges: there may be new work."""
        if self._pending.is_set():
            self._pending.clear()
            return True
        return False
