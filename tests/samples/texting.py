"""Samples of the notices texting records: a member's text relayed to the team, one from a
number we don't know, and a coordinator's reply, short enough to say first what it is, or too
long for that."""

from __future__ import annotations

from bot.services.texting import RelayedText, ReplyByText
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"      # coordinator
DEV = "+447700900104"  # Dev Patel, who takes texts only
UNKNOWN = "+447700900999"


def _dev_texts(world: SampleWorld) -> RelayedText:
    world.services.texting.receive(DEV, world.typed("The kettle is broken at the centre"))
    return world.recorded(RelayedText)


@sample(RelayedText)
def relayed(world: SampleWorld) -> RelayedText:
    return _dev_texts(world)


@sample(RelayedText, state="an unknown number")
def relayed_unknown(world: SampleWorld) -> RelayedText:
    world.services.texting.receive(UNKNOWN, world.typed("Is the group on tonight?"))
    return world.recorded(RelayedText)


@sample(ReplyByText)
def reply(world: SampleWorld) -> ReplyByText:
    relayed_text = _dev_texts(world)
    world.services.texting.reply_to_text(
        relayed_text.text_id, ADA, world.typed("Thank you Dev. We will get a new one this week."))
    return world.recorded(ReplyByText)


@sample(ReplyByText, state="too long to say what it is")
def reply_long(world: SampleWorld) -> ReplyByText:
    """A reply that fills two text parts: easy read can't say first what it is by text."""
    relayed_text = _dev_texts(world)
    world.services.texting.reply_to_text(relayed_text.text_id, ADA, world.typed(
        "Thank you Dev. We have ordered a new kettle and it should come on Thursday. Until "
        "then please bring a flask if you can, and we will have squash and water at the "
        "group. Ada will be there from half past five to help set up the room. See you there on "
        "Tuesday."))
    return world.recorded(ReplyByText)
