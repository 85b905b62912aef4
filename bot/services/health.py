"""Health across processes: whether the database answers, which process schedules (holds the
scheduler's lock) and when its dispatcher last ran. The scheduling process writes one row; any
process reads it, so a web process's /healthz and `coprod status` say the same."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from storage.models import SchedulerState

log = logging.getLogger(__name__)

ROW = 1


@dataclass(frozen=True)
class Health:
    database: bool
    scheduler: str | None          # host and process id of the process that schedules
    scheduling_since: datetime | None
    last_dispatch_at: datetime | None
    this_process: bool             # whether the process asking is the one that schedules


class HealthService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self.me = f"{socket.gethostname()}:{os.getpid()}"

    def now_scheduling(self) -> None:
        """This process has taken the scheduler's lock."""
        with self.sessions.begin() as session:
            row = session.get(SchedulerState, ROW)
            if row is None:
                row = SchedulerState(id=ROW, holder=self.me, held_since=self.clock())
                session.add(row)
            row.holder, row.held_since, row.last_dispatch_at = self.me, self.clock(), None

    def dispatched(self) -> None:
        """The dispatcher has just run here: only the process holding the scheduler's lock
        runs it, so this process is the holder even if noting that at start failed."""
        try:
            with self.sessions.begin() as session:
                row = session.get(SchedulerState, ROW)
                if row is None:
                    row = SchedulerState(id=ROW, holder=self.me, held_since=self.clock())
                    session.add(row)
                elif row.holder != self.me:
                    row.holder, row.held_since = self.me, self.clock()
                row.last_dispatch_at = self.clock()
        except SQLAlchemyError as error:  # health is reported, never a reason to fail a run
            log.warning("could not note the dispatcher's run (%s)", type(error).__name__)

    def report(self) -> Health:
        try:
            with self.sessions() as session:
                row = session.get(SchedulerState, ROW)
                if row is None:
                    return Health(True, None, None, None, False)
                return Health(True, row.holder, row.held_since, row.last_dispatch_at,
                              row.holder == self.me)
        except SQLAlchemyError as error:
            log.warning("health check: database unavailable (%s)", type(error).__name__)
            return Health(False, None, None, None, False)
