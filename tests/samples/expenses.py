"""Samples of the notices expenses record: the claim to coordinators, their question and its
answer, the outcome, and the kind note (to the person and to coordinators) as a yearly total
nears the amount set."""

from __future__ import annotations

from bot.rules.expenses import ClaimForm
from bot.rules.involvement import ClaimKind, ClaimStatus, PaymentChoice
from bot.services.expenses import (
    ClaimAnswered,
    ClaimOutcome,
    ClaimQuestion,
    ClaimToCoordinators,
    YearlyAmountForCoordinators,
    YearlyAmountNote,
)
from tests.samples import SampleWorld, sample
from tests.samples.involvement import ADA, FIN, accepted


def _claim(world: SampleWorld, kind: ClaimKind = ClaimKind.EXPENSES, amount: str = "12.50",
           what: str = "Bus fares") -> int:
    """Fin, having agreed to the panel and chosen to take the fee, claims under it."""
    involvement_id = accepted(world)
    world.services.involvement.choose_payment(FIN, involvement_id, PaymentChoice.TAKE)
    return world.services.expenses.claim(FIN, ClaimForm(
        involvement_id=involvement_id, kind=kind, amount=amount, what=what)).id


def _asked(world: SampleWorld) -> int:
    claim_id = _claim(world)
    world.services.expenses.ask(claim_id, ADA, world.typed("Was it one trip or two?"))
    return claim_id


@sample(ClaimToCoordinators)
def claim(world: SampleWorld) -> ClaimToCoordinators:
    _claim(world)
    return world.recorded(ClaimToCoordinators)


@sample(ClaimQuestion)
def question(world: SampleWorld) -> ClaimQuestion:
    _asked(world)
    return world.recorded(ClaimQuestion)


@sample(ClaimAnswered)
def answered(world: SampleWorld) -> ClaimAnswered:
    world.services.expenses.answer(_asked(world), FIN, world.typed("Two trips, there and back."))
    return world.recorded(ClaimAnswered)


@sample(ClaimOutcome)
def outcome(world: SampleWorld) -> ClaimOutcome:
    world.services.expenses.decide(_claim(world), ADA, ClaimStatus.APPROVED)
    return world.recorded(ClaimOutcome)


def _fee_near_the_yearly_amount(world: SampleWorld) -> None:
    """A yearly amount of £30 is set; Fin claims his £25 fee, over 80% of it. The setting is
    the world's own (each test builds its settings afresh), and drawing reads it too."""
    world.services.settings.coprod_yearly_payments_alert = 30.0
    _claim(world, ClaimKind.FEE, amount="", what="")


@sample(YearlyAmountNote)
def yearly(world: SampleWorld) -> YearlyAmountNote:
    _fee_near_the_yearly_amount(world)
    return world.recorded(YearlyAmountNote)


@sample(YearlyAmountForCoordinators)
def yearly_for_coordinators(world: SampleWorld) -> YearlyAmountForCoordinators:
    _fee_near_the_yearly_amount(world)
    return world.recorded(YearlyAmountForCoordinators)
