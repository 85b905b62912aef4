"""Samples of the notices involvement records: the announcement, the named contact, interest,
the written offer, each step, consent asked again, and the exit form offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.rules.involvement import ConsentStage, OpportunityKind, Recompense
from bot.rules.opportunities import OpportunityDraft
from bot.services.involvement import (
    ConsentAfterAsked,
    ContactNamed,
    ExitOffered,
    InterestShown,
    OfferMade,
    OpportunityPosted,
    StepTaken,
)
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"   # coordinator
FIN = "U0MEMBR06"   # member
HANA = "U0HROFF07"  # HR officer


def _post(world: SampleWorld, **changes: Any) -> int:
    """An interview panel with a £25 fee, posted by Ada with herself as the contact."""
    draft = replace(OpportunityDraft(
        kind=OpportunityKind.INTERVIEW_PANEL, title="Peer worker panel",
        purpose=world.typed("Help us choose our next peer worker"),
        expected=world.typed("Read five forms, then meet them"),
        when_where="Hope Centre, room 2", time_needed=world.typed("Half a day"),
        recompense=Recompense.FEE, amount="25", contact_slack_id=ADA,
        starts_on=date(2026, 12, 10)), **changes)
    return world.services.involvement.post(ADA, draft).id


def _offered(world: SampleWorld, **changes: Any) -> int:
    """Fin said he's interested and Ada offered it: the involvement's id."""
    interest = world.services.involvement.show_interest(FIN, _post(world, **changes))
    world.services.involvement.offer(ADA, interest.id)
    return interest.id


def accepted(world: SampleWorld, **changes: Any) -> int:
    """Fin accepted the offer: the involvement's id (the expenses samples claim under it)."""
    involvement_id = _offered(world, **changes)
    world.services.involvement.accept(FIN, involvement_id)
    return involvement_id


@sample(OpportunityPosted)
def opportunity(world: SampleWorld) -> OpportunityPosted:
    _post(world)
    return world.recorded(OpportunityPosted)


@sample(ContactNamed)
def contact_named(world: SampleWorld) -> ContactNamed:
    _post(world, contact_slack_id=HANA)
    return world.recorded(ContactNamed)


@sample(InterestShown)
def interest(world: SampleWorld) -> InterestShown:
    world.services.involvement.show_interest(FIN, _post(world))
    return world.recorded(InterestShown)


@sample(OfferMade)
def offer(world: SampleWorld) -> OfferMade:
    _offered(world)
    return world.recorded(OfferMade)


@sample(StepTaken)
def step(world: SampleWorld) -> StepTaken:
    accepted(world)
    return world.recorded(StepTaken)


@sample(ConsentAfterAsked)
def consent_after(world: SampleWorld) -> ConsentAfterAsked:
    involvement_id = accepted(world, shares_story=True)
    world.services.involvement.stories.answer(FIN, involvement_id, ConsentStage.BEFORE, True)
    world.services.involvement.mark_ended(ADA, involvement_id)
    return world.recorded(ConsentAfterAsked)


@sample(ExitOffered)
def exit_offered(world: SampleWorld) -> ExitOffered:
    world.services.involvement.mark_ended(ADA, accepted(world))
    return world.recorded(ExitOffered)
