"""Samples of the notices texting records."""

from __future__ import annotations

from bot.services.texting import RelayedText, ReplyByText
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"      # coordinator
DEV = "+447700900104"  # Dev Patel, who takes texts only


def _dev_texts(world: SampleWorld) -> RelayedText:
    world.services.texting.receive(DEV, world.typed("The kettle is broken at the centre"))
    return world.recorded(RelayedText)


@sample(RelayedText)
def relayed(world: SampleWorld) -> RelayedText:
    return _dev_texts(world)


@sample(ReplyByText)
def reply(world: SampleWorld) -> ReplyByText:
    relayed_text = _dev_texts(world)
    world.services.texting.reply_to_text(
        relayed_text.text_id, ADA, world.typed("Thank you Dev. We will get a new one this week."))
    return world.recorded(ReplyByText)
