"""Samples of the notices policies record: a policy, a new version of it, one agreed to, one
a newer version has replaced, and one short enough to be its own words (no link)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.rules.policies import PolicyDraft
from bot.services.policies import PolicyPublished
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"  # coordinator
FIN = "U0MEMBR06"  # member, who reads it


def _ground_rules(world: SampleWorld, **changes: Any) -> None:
    world.services.policies.publish(ADA, replace(PolicyDraft(
        title="Ground rules", link="https://example.org/ground-rules",
        summary=world.typed("Be kind. Keep what people share in the group."),
        needed_by_facilitators=True), **changes))


def _finns(world: SampleWorld, version: int = 0) -> PolicyPublished:
    """Fin's copy: of the newest version, or of the policy with the id `version` names."""
    fin = world.member_id(FIN)
    return world.recorded(PolicyPublished, lambda notice: notice.member_id == fin
                          and (not version or notice.policy_id == version))


def _new_version(world: SampleWorld) -> None:
    [(key, _)] = world.services.policies.publish_choices(ADA)
    _ground_rules(world, version_of=key, title="",
                  summary=world.typed("Be kind. Keep what people share in the group. "
                                      "Phones on silent."))


@sample(PolicyPublished)
def published(world: SampleWorld) -> PolicyPublished:
    _ground_rules(world)
    return world.recorded(PolicyPublished)


@sample(PolicyPublished, state="a new version")
def new_version(world: SampleWorld) -> PolicyPublished:
    _ground_rules(world)
    _new_version(world)
    return _finns(world)


@sample(PolicyPublished, state="replaced by a newer version")
def replaced(world: SampleWorld) -> PolicyPublished:
    _ground_rules(world)
    first = _finns(world)
    _new_version(world)
    return _finns(world, first.policy_id)


@sample(PolicyPublished, state="agreed")
def agreed(world: SampleWorld) -> PolicyPublished:
    _ground_rules(world)
    notice = _finns(world)
    world.services.policies.agree(notice.policy_id, FIN)
    return notice


@sample(PolicyPublished, state="its own words, no link")
def without_a_link(world: SampleWorld) -> PolicyPublished:
    world.services.policies.publish(ADA, PolicyDraft(
        title="Phones", summary=world.typed("Please keep phones on silent in the group."),
        needed_by_facilitators=False))
    return world.recorded(PolicyPublished)
