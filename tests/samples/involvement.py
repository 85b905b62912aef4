"""Samples of the notices involvement records: the announcement (of each kind of work, each
kind of recompense, open or closed), the named contact, interest, the written offer and where
it stands after each answer, each step the contact hears of, consent asked again, and the exit
form offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from bot.rules.involvement import ConsentStage, OpportunityKind, PaymentChoice, Recompense
from bot.rules.opportunities import OpportunityDraft, Step
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

STORY = {"shares_story": True, "published_outputs": True}
UNPAID = {"recompense": Recompense.EXPENSES_ONLY, "amount": ""}


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


def _paid_and_agreed(world: SampleWorld, **changes: Any) -> int:
    """Fin accepted and chose to take the fee."""
    involvement_id = accepted(world, **changes)
    world.services.involvement.choose_payment(FIN, involvement_id, PaymentChoice.TAKE)
    return involvement_id


def _back_again(world: SampleWorld) -> int:
    """Fin took it up, withdrew, and said he is interested again."""
    involvement_id = _paid_and_agreed(world)
    world.services.involvement.withdraw(FIN, involvement_id)
    opportunity_id = world.services.involvement.involvement(involvement_id).opportunity.id
    world.services.involvement.show_interest(FIN, opportunity_id)
    return involvement_id


def _story_told(world: SampleWorld, given: bool) -> int:
    """Fin took on work that shares his story, and answered whether we may share it."""
    involvement_id = accepted(world, **STORY, **UNPAID)
    world.services.involvement.stories.answer(FIN, involvement_id, ConsentStage.BEFORE, given)
    return involvement_id


def _ended(world: SampleWorld) -> int:
    """Work that shares Fin's story, agreed before, has ended: he is asked again."""
    involvement_id = _story_told(world, True)
    world.services.involvement.mark_ended(ADA, involvement_id)
    return involvement_id


# -- the announcement ---------------------------------------------------------------------------
@sample(OpportunityPosted)
def opportunity(world: SampleWorld) -> OpportunityPosted:
    _post(world)
    return world.recorded(OpportunityPosted)


def _announced(world: SampleWorld, **changes: Any) -> OpportunityPosted:
    _post(world, **changes)
    return world.recorded(OpportunityPosted)


@sample(OpportunityPosted, state="a voucher")
def opportunity_voucher(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, recompense=Recompense.VOUCHER, amount="20")


@sample(OpportunityPosted, state="expenses only")
def opportunity_expenses(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, **UNPAID)


@sample(OpportunityPosted, state="no recompense")
def opportunity_unpaid(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, recompense=Recompense.NONE, amount="")


@sample(OpportunityPosted, state="a story shared")
def opportunity_story(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, kind=OpportunityKind.SPEAKING, title="Our story at the council",
                      **STORY)


@sample(OpportunityPosted, state="dates and experience")
def opportunity_dates(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, ends_on=date(2026, 12, 11),
                      experience=world.typed("Some time in our groups"))


@sample(OpportunityPosted, state="closed")
def opportunity_closed(world: SampleWorld) -> OpportunityPosted:
    world.services.involvement.close(ADA, _post(world))
    return world.recorded(OpportunityPosted)


@sample(OpportunityPosted, state="a consultation")
def opportunity_consultation(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, kind=OpportunityKind.CONSULTATION, title="Views on our groups")


@sample(OpportunityPosted, state="training")
def opportunity_training(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, kind=OpportunityKind.TRAINING, title="Co-train new volunteers")


@sample(OpportunityPosted, state="peer support")
def opportunity_peer_support(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, kind=OpportunityKind.PEER_SUPPORT, title="Drop-in peer support")


@sample(OpportunityPosted, state="something else")
def opportunity_other(world: SampleWorld) -> OpportunityPosted:
    return _announced(world, kind=OpportunityKind.OTHER, title="Garden day")


@sample(ContactNamed)
def contact_named(world: SampleWorld) -> ContactNamed:
    _post(world, contact_slack_id=HANA)
    return world.recorded(ContactNamed)


# -- interest, to the contact -------------------------------------------------------------------
@sample(InterestShown)
def interest(world: SampleWorld) -> InterestShown:
    world.services.involvement.show_interest(FIN, _post(world))
    return world.recorded(InterestShown)


@sample(InterestShown, state="offered")
def interest_offered(world: SampleWorld) -> InterestShown:
    _offered(world)
    return world.recorded(InterestShown)


@sample(InterestShown, state="agreed before")
def interest_again(world: SampleWorld) -> InterestShown:
    _back_again(world)
    return world.recorded(InterestShown)


# -- the written offer, and where it stands -----------------------------------------------------
@sample(OfferMade)
def offer(world: SampleWorld) -> OfferMade:
    _offered(world)
    return world.recorded(OfferMade)


@sample(OfferMade, state="offered again")
def offer_again(world: SampleWorld) -> OfferMade:
    world.services.involvement.offer(ADA, _back_again(world))
    return world.recorded(OfferMade)


@sample(OfferMade, state="expenses only")
def offer_unpaid(world: SampleWorld) -> OfferMade:
    _offered(world, **UNPAID)
    return world.recorded(OfferMade)


@sample(OfferMade, state="accepted, the money to choose")
def offer_accepted(world: SampleWorld) -> OfferMade:
    accepted(world)
    return world.recorded(OfferMade)


@sample(OfferMade, state="the money chosen")
def offer_money_chosen(world: SampleWorld) -> OfferMade:
    _paid_and_agreed(world)
    return world.recorded(OfferMade)


@sample(OfferMade, state="the money and a story to choose")
def offer_money_and_story(world: SampleWorld) -> OfferMade:
    accepted(world, **STORY)
    return world.recorded(OfferMade)


@sample(OfferMade, state="a story to choose")
def offer_story(world: SampleWorld) -> OfferMade:
    accepted(world, **STORY, **UNPAID)
    return world.recorded(OfferMade)


@sample(OfferMade, state="a story agreed")
def offer_story_agreed(world: SampleWorld) -> OfferMade:
    _story_told(world, True)
    return world.recorded(OfferMade)


@sample(OfferMade, state="a story refused")
def offer_story_refused(world: SampleWorld) -> OfferMade:
    _story_told(world, False)
    return world.recorded(OfferMade)


@sample(OfferMade, state="a story withdrawn")
def offer_story_withdrawn(world: SampleWorld) -> OfferMade:
    world.services.involvement.stories.withdraw(FIN, _story_told(world, True))
    return world.recorded(OfferMade)


@sample(OfferMade, state="declined")
def offer_declined(world: SampleWorld) -> OfferMade:
    world.services.involvement.decline(FIN, _offered(world))
    return world.recorded(OfferMade)


@sample(OfferMade, state="paused")
def offer_paused(world: SampleWorld) -> OfferMade:
    world.services.involvement.pause(FIN, _paid_and_agreed(world))
    return world.recorded(OfferMade)


@sample(OfferMade, state="withdrawn")
def offer_withdrawn(world: SampleWorld) -> OfferMade:
    world.services.involvement.withdraw(FIN, _paid_and_agreed(world))
    return world.recorded(OfferMade)


@sample(OfferMade, state="ended")
def offer_ended(world: SampleWorld) -> OfferMade:
    world.services.involvement.mark_ended(ADA, _paid_and_agreed(world))
    return world.recorded(OfferMade)


# -- each step, to the contact ------------------------------------------------------------------
def _step(world: SampleWorld, step: Step) -> StepTaken:
    return world.recorded(StepTaken, lambda notice: notice.step is step)


@sample(StepTaken)
def step(world: SampleWorld) -> StepTaken:
    accepted(world)
    return world.recorded(StepTaken)


@sample(StepTaken, state="declined")
def step_declined(world: SampleWorld) -> StepTaken:
    world.services.involvement.decline(FIN, _offered(world))
    return _step(world, Step.DECLINED)


@sample(StepTaken, state="paused")
def step_paused(world: SampleWorld) -> StepTaken:
    world.services.involvement.pause(FIN, accepted(world))
    return _step(world, Step.PAUSED)


@sample(StepTaken, state="resumed")
def step_resumed(world: SampleWorld) -> StepTaken:
    involvement_id = accepted(world)
    world.services.involvement.pause(FIN, involvement_id)
    world.services.involvement.resume(FIN, involvement_id)
    return _step(world, Step.RESUMED)


@sample(StepTaken, state="withdrawn")
def step_withdrawn(world: SampleWorld) -> StepTaken:
    world.services.involvement.withdraw(FIN, accepted(world))
    return _step(world, Step.WITHDRAWN)


@sample(StepTaken, state="left")
def step_left(world: SampleWorld) -> StepTaken:
    accepted(world)
    world.services.involvement.leave(FIN)
    return _step(world, Step.LEFT)


@sample(StepTaken, state="the money chosen")
def step_payment(world: SampleWorld) -> StepTaken:
    _paid_and_agreed(world)
    return _step(world, Step.PAYMENT_CHOSEN)


@sample(StepTaken, state="a story agreed")
def step_consent_given(world: SampleWorld) -> StepTaken:
    _story_told(world, True)
    return _step(world, Step.CONSENT_GIVEN)


@sample(StepTaken, state="a story refused")
def step_consent_refused(world: SampleWorld) -> StepTaken:
    _story_told(world, False)
    return _step(world, Step.CONSENT_REFUSED)


@sample(StepTaken, state="a story withdrawn")
def step_consent_withdrawn(world: SampleWorld) -> StepTaken:
    world.services.involvement.stories.withdraw(FIN, _story_told(world, True))
    return _step(world, Step.CONSENT_WITHDRAWN)


# -- at the end ---------------------------------------------------------------------------------
@sample(ConsentAfterAsked)
def consent_after(world: SampleWorld) -> ConsentAfterAsked:
    _ended(world)
    return world.recorded(ConsentAfterAsked)


@sample(ConsentAfterAsked, state="agreed again")
def consent_after_agreed(world: SampleWorld) -> ConsentAfterAsked:
    world.services.involvement.stories.answer(FIN, _ended(world), ConsentStage.AFTER, True)
    return world.recorded(ConsentAfterAsked)


@sample(ConsentAfterAsked, state="refused")
def consent_after_refused(world: SampleWorld) -> ConsentAfterAsked:
    world.services.involvement.stories.answer(FIN, _ended(world), ConsentStage.AFTER, False)
    return world.recorded(ConsentAfterAsked)


@sample(ConsentAfterAsked, state="withdrawn")
def consent_after_withdrawn(world: SampleWorld) -> ConsentAfterAsked:
    world.services.involvement.stories.withdraw(FIN, _ended(world))
    return world.recorded(ConsentAfterAsked)


@sample(ExitOffered)
def exit_offered(world: SampleWorld) -> ExitOffered:
    world.services.involvement.mark_ended(ADA, accepted(world))
    return world.recorded(ExitOffered)
