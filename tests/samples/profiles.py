"""Samples of the notices communication profiles record."""

from __future__ import annotations

from bot.services.profiles import ProfileChanged
from handlers.ids import BlockId, OptionValue
from tests.samples import SampleWorld, sample


@sample(ProfileChanged)
def profile_changed(world: SampleWorld) -> ProfileChanged:
    # A coordinator sets Dev Patel (texts only) to easy read, with quiet hours, as agreed.
    world.slack.command("/coprod", "profile Dev Patel", user_id="U0COORD01")
    world.slack.submit(world.slack.opened_view(), {
        BlockId.PR_READING: "easy_read", BlockId.PR_QUIET_FROM: "21:00",
        BlockId.PR_QUIET_UNTIL: "08:00", BlockId.PR_AGREED: [OptionValue.AGREED]},
        user_id="U0COORD01")
    return world.recorded(ProfileChanged)
