"""Wake-ups across processes on PostgreSQL: a web process that records an urgent notice tells
the scheduling process at once with NOTIFY, and that process's listener starts a delivery run
instead of waiting for the next tick. The tick stays as the fallback: a wake-up lost while the
listener reconnects only costs one interval.

SQLite is one process, so its wake-ups stay in memory (bot/delivery/nudge.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

CHANNEL = "coprod_outbox"


def notifier(engine: Engine) -> Callable[[], None]:
    """Tells whichever process schedules that there is work now. Called after the commit that
    recorded the work: NOTIFY inside the transaction would also do, but a nudge is given after
    the transaction has closed."""

    def notify() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
            connection.commit()

    return notify


def conninfo(engine: Engine) -> str:
    """The engine's database as a plain libpq URL, for a connection of psycopg's own."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class WakeupListener:
    """LISTENs on its own connection in a daemon thread and calls `on_wake` for each round of
    notifications; reconnects after a failure, waiting a little longer each time (to 30 s)."""

    def __init__(self, engine: Engine, on_wake: Callable[[], None]) -> None:
        self.url = conninfo(engine)
        self.on_wake = on_wake
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coprod-wakeups", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg  # PostgreSQL only: a process on SQLite never loads it

        backoff = 0.5
        while not self._stop.is_set():
            try:
                self._listen()
                backoff = 0.5
            except psycopg.Error as error:
                self.listening.clear()
                log.warning("wake-up listener lost its connection (%s); the tick delivers "
                            "meanwhile", type(error).__name__)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)

    def _listen(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            log.info("listening for wake-ups from other processes")
            while not self._stop.is_set():
                # Wakes at least once a second to see whether it should stop.
                woken = list(connection.notifies(timeout=1.0, stop_after=1))
                if woken:
                    self.on_wake()
