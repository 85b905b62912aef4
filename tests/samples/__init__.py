"""One real example of every notice Coprod records, for the tests that read every message it
sends (tests/handlers/test_readability.py): each area's module here drives a flow the way a
person would (the Bolt app or the area's service) and takes the notice that flow recorded from
the outbox, so a sample is never a hand-made notice the bot would not send.

An area registers its makers with `@sample(NoticeClass)`; `every_sample()` imports them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select

from bot.notices import Notice, read_notice
from bot.services import Services
from bot.wiring import Runtime
from storage.models import OutboxMessage
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack

N = TypeVar("N", bound=Notice)


@dataclass
class SampleWorld:
    """The made-up organisation of tests/conftest.py's MEMBERS_CSV, with the real app."""

    runtime: Runtime
    slack: SlackDriver
    fake_slack: FakeSlack
    clock: FakeClock
    # What the samples typed as people would (feedback, a note, a reply): not the template's
    # words, so left out of its readability score.
    typed_words: list[str] = field(default_factory=list)

    def typed(self, words: str) -> str:
        """Words a person types in a sample's flow, noted so the score leaves them out."""
        self.typed_words.append(words)
        return words

    @property
    def services(self) -> Services:
        return self.runtime.services

    def deliver(self) -> None:
        """Runs the outbox once, as the scheduler would."""
        self.runtime.dispatcher().deliver_due()

    def recorded(self, kind: type[N], where: Callable[[N], bool] | None = None) -> N:
        """The newest notice of this kind the flows so far have recorded (of those `where`
        picks, when a flow records several: a reminder and a chase, one for each member)."""
        with self.runtime.sessions() as session:
            for payload in session.scalars(
                    select(OutboxMessage.payload).order_by(OutboxMessage.id.desc())):
                if payload.get("notice") == kind.kind:
                    notice = read_notice(payload)
                    assert isinstance(notice, kind)
                    if where is None or where(notice):
                        return notice
        raise AssertionError(f"the sample's flow recorded no {kind.kind} notice")

    def member_id(self, slack_user_id: str) -> int:
        found = self.services.members.find_by_slack_id(slack_user_id)
        assert found is not None
        return found.id


SampleMaker = Callable[[SampleWorld], Notice]


@dataclass(frozen=True)
class SampleKey:
    """One sample: a notice kind, in one of the states its message can show ("" for the
    first; others such as "acknowledged" or "anonymous" draw other branches of the template)."""

    kind: type[Notice]
    state: str = ""

    @property
    def name(self) -> str:
        return self.kind.kind + (f" ({self.state})" if self.state else "")


SAMPLES: dict[SampleKey, SampleMaker] = {}


def sample(*kinds: type[Notice], state: str = "") -> Callable[[SampleMaker], SampleMaker]:
    """Registers a maker as the sample of one or more notice kinds, in one state."""

    def register(maker: SampleMaker) -> SampleMaker:
        for kind in kinds:
            key = SampleKey(kind, state)
            if key in SAMPLES:
                raise TypeError(f"two samples of {key.name}")
            SAMPLES[key] = maker
        return maker

    return register


# Templates allowed under a readability target, each with the reason why: (kind, column).
BELOW_TARGET: dict[tuple[str, str], str] = {}


def allow_below_target(kind: type[Notice], column: str, reason: str) -> None:
    """Says why one template can't meet its target (column: "Slack", "Slack, easy read",
    "text" or "text, easy read"); the readability test then reports it without failing."""
    BELOW_TARGET[(kind.kind, column)] = reason


def every_sample() -> dict[SampleKey, SampleMaker]:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return SAMPLES
