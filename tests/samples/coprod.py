"""Samples of the notices /coprod records."""

from __future__ import annotations

from bot.services.privacy import ErasureRequested
from tests.samples import SampleWorld, sample


@sample(ErasureRequested)
def erasure_requested(world: SampleWorld) -> ErasureRequested:
    world.slack.command("/coprod", "forget me", user_id="U0MEMBR06")  # Fin, a member
    return world.recorded(ErasureRequested)
