"""Samples of the notices policies record."""

from __future__ import annotations

from bot.rules.policies import PolicyDraft
from bot.services.policies import PolicyPublished
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"  # coordinator


@sample(PolicyPublished)
def published(world: SampleWorld) -> PolicyPublished:
    world.services.policies.publish(ADA, PolicyDraft(
        title="Ground rules", link="https://example.org/ground-rules",
        summary=world.typed("Be kind. Keep what people share in the group."),
        needed_by_facilitators=True))
    return world.recorded(PolicyPublished)
