"""Work that happens after Slack has its acknowledgement.

The app answers with `process_before_response=True`, so a listener's whole run happens before
the HTTP response. A click on a session card or a command that opens a form carries nothing
back in its acknowledgement, so those listeners ack, hand the rest here and return: Slack's
spinner stops at once and the answer arrives a moment later through `respond` or the Web API.
Form submissions are not handed here: a person is told "sent" only once it is stored.

Bolt's own lazy listeners deep-copy the request context for each run, services and database
engine included, so this small pool is ours instead.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

log = logging.getLogger(__name__)

Tell = Callable[[str], None]

# Background work waits for a moment with nothing being answered: no request in hand and no
# click's answer being made for this long. It waits in rounds of that length, and gives up
# waiting after this many (about two seconds), so under steady load it still gets done.
QUIET_FOR = 0.02
QUIET_ROUNDS = 100


def log_failure(kind: str, error: BaseException) -> None:
    """What kind of request failed and why, never the words anyone typed: the traceback's
    frames, not the exception's message (a database error's message can quote the values)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("error handling %s: %s\n%s", kind, type(error).__name__, frames)


class AfterAck:
    """Two lanes: what someone is waiting to see (a click's answer, a form opening) and what
    nobody waits on (App Home drawn afresh). A burst of Home openings, each the heaviest read
    of all, queues in its own lane and never in front of a click's answer; the same Home
    asked for again before it was drawn is drawn once.

    The background lane also gives way to requests being answered: Python runs one thread at
    a time, so Home drawn during a burst would take its turns from the answers Slack is
    waiting for. Slack keeps showing the Home last published meanwhile."""

    def __init__(self, workers: int = 4, background_workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="after-ack")
        self._background = ThreadPoolExecutor(background_workers,
                                              thread_name_prefix="after-ack-background")
        self._idle = threading.Condition()
        self._running = 0
        self._waiting: set[str] = set()  # background work queued and not yet begun, by key
        self._quiet = threading.Condition()
        self._answering = 0  # requests in hand and clicks' answers being made
        self._begun = 0  # how many of those have ever begun
        self._rounds = 0  # rounds the background lane has spent waiting for a quiet moment
        self._quiet_at = -1  # how many had begun when the lane last found a quiet moment

    @property
    def rounds_waited(self) -> int:
        """How many rounds the background lane has waited for a quiet moment, ever."""
        return self._rounds

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Marks a request (or a click's answer) as in hand for as long as it lasts."""
        with self._quiet:
            self._answering += 1
            self._begun += 1
        try:
            yield
        finally:
            with self._quiet:
                self._answering -= 1
                if not self._answering:
                    self._quiet.notify_all()

    def _when_quiet(self, queued_at: int) -> None:
        """Returns once nothing has been answered for QUIET_FOR, or once the lane has waited
        QUIET_ROUNDS rounds since this work was queued (`queued_at`, in the lane's rounds: a
        burst delays a queue of work by about two seconds in all, not each piece by two). In
        rounds, not read from a clock: a test's frozen clock must not hold the lane."""
        with self._quiet:
            if not self._answering and self._begun == self._quiet_at:
                return  # still quiet since the last piece found it so: a queue drains at once
            while self._rounds - queued_at < QUIET_ROUNDS:
                begun = self._begun
                woken = self._quiet.wait(QUIET_FOR)  # woken early when the last answer ends
                self._rounds += 1
                if not woken and not self._answering and self._begun == begun:
                    self._quiet_at = begun
                    return

    def __call__(self, kind: str, work: Callable[[], object], tell: Tell,
                 sorry: str) -> None:
        """Runs `work` soon; if it fails, the person is told `sorry` through `tell`."""
        with self._idle:
            self._running += 1
        # The work runs in a copy of this request's context, so its log lines carry this
        # request's id (a pool thread otherwise keeps whatever it last had).
        self._pool.submit(contextvars.copy_context().run, self._answer, kind, work, tell,
                          sorry)

    def in_background(self, kind: str, key: str, work: Callable[[], object]) -> None:
        """Runs `work` in the background lane, unless work with the same `key` is queued and
        not yet begun (it will see the state now too). A failure is logged; nobody is told."""
        with self._idle:
            if key in self._waiting:
                return
            self._waiting.add(key)
            self._running += 1
        queued_at = self._rounds

        def begin() -> object:
            self._when_quiet(queued_at)
            with self._idle:
                self._waiting.discard(key)
            return work()

        self._background.submit(contextvars.copy_context().run, self._run, kind, begin,
                                _nobody, "")

    def _answer(self, kind: str, work: Callable[[], object], tell: Tell, sorry: str) -> None:
        with self.answering():
            self._run(kind, work, tell, sorry)

    def _run(self, kind: str, work: Callable[[], object], tell: Tell, sorry: str) -> None:
        try:
            work()
        except Exception as error:
            log_failure(kind, error)
            try:
                tell(sorry)
            except Exception as telling:
                log_failure(f"{kind} (telling them it failed)", telling)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once nothing handed over is still running (the sandbox shows a click's result
        only then). At exit, Python itself waits for the pool's work to finish."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)


def _nobody(_: str) -> None:
    """Background work asked nothing of anyone, so there is no one to say sorry to."""
