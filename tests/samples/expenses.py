"""Samples of the notices expenses record: the claim to coordinators at each step (claimed,
questioned, approved, paid; a fee with its choice; a copy no longer theirs), the question and
its answer, the outcome, and the kind note (to the person and to coordinators) as a yearly
total nears the amount set."""

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

# Ada, as the CSV has her after she stepped down as a coordinator.
ADA_NO_LONGER_COORDINATING = """\
name,slack_user_id,phone,roles,contact,sms_consent,trained_until,induction
Ada Brightwater,U0COORD01,07700 900101,facilitator;trained,both,yes,2027-06-30,\
boundaries_training
"""


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


def _approved(world: SampleWorld) -> int:
    claim_id = _claim(world)
    world.services.expenses.decide(claim_id, ADA, ClaimStatus.APPROVED)
    return claim_id


# -- the claim, to coordinators -----------------------------------------------------------------
@sample(ClaimToCoordinators)
def claim(world: SampleWorld) -> ClaimToCoordinators:
    _claim(world)
    return world.recorded(ClaimToCoordinators)


@sample(ClaimToCoordinators, state="the fee")
def claim_fee(world: SampleWorld) -> ClaimToCoordinators:
    _claim(world, ClaimKind.FEE, amount="", what="")
    return world.recorded(ClaimToCoordinators)


@sample(ClaimToCoordinators, state="questioned")
def claim_questioned(world: SampleWorld) -> ClaimToCoordinators:
    _asked(world)
    return world.recorded(ClaimToCoordinators)


@sample(ClaimToCoordinators, state="approved")
def claim_approved(world: SampleWorld) -> ClaimToCoordinators:
    _approved(world)
    return world.recorded(ClaimToCoordinators)


@sample(ClaimToCoordinators, state="paid")
def claim_paid(world: SampleWorld) -> ClaimToCoordinators:
    world.services.expenses.decide(_approved(world), ADA, ClaimStatus.PAID)
    return world.recorded(ClaimToCoordinators)


@sample(ClaimToCoordinators, state="no longer theirs")
def claim_no_longer_theirs(world: SampleWorld) -> ClaimToCoordinators:
    _claim(world)
    world.services.members.import_csv(ADA_NO_LONGER_COORDINATING)
    return world.recorded(ClaimToCoordinators)


# -- the question, and its answer -----------------------------------------------------------------
@sample(ClaimQuestion)
def question(world: SampleWorld) -> ClaimQuestion:
    _asked(world)
    return world.recorded(ClaimQuestion)


@sample(ClaimQuestion, state="answered")
def question_answered(world: SampleWorld) -> ClaimQuestion:
    world.services.expenses.answer(_asked(world), FIN, world.typed("Two trips."))
    return world.recorded(ClaimQuestion)


@sample(ClaimAnswered)
def answered(world: SampleWorld) -> ClaimAnswered:
    world.services.expenses.answer(_asked(world), FIN, world.typed("Two trips, there and back."))
    return world.recorded(ClaimAnswered)


# -- the outcome, to the person -------------------------------------------------------------------
@sample(ClaimOutcome)
def outcome(world: SampleWorld) -> ClaimOutcome:
    _approved(world)
    return world.recorded(ClaimOutcome)


@sample(ClaimOutcome, state="paid")
def outcome_paid(world: SampleWorld) -> ClaimOutcome:
    world.services.expenses.decide(_approved(world), ADA, ClaimStatus.PAID)
    return world.recorded(ClaimOutcome)


# -- the yearly amount --------------------------------------------------------------------------
def _fee_near_the_yearly_amount(world: SampleWorld) -> int:
    """A yearly amount of £30 is set; Fin claims his £25 fee, over 80% of it. The setting is
    the world's own (each test builds its settings afresh), and drawing reads it too."""
    world.services.settings.coprod_yearly_payments_alert = 30.0
    return _claim(world, ClaimKind.FEE, amount="", what="")


def _fee_approved(world: SampleWorld) -> None:
    """As above, and the fee approved: nothing more is waiting."""
    world.services.expenses.decide(_fee_near_the_yearly_amount(world), ADA,
                                   ClaimStatus.APPROVED)


@sample(YearlyAmountNote)
def yearly(world: SampleWorld) -> YearlyAmountNote:
    _fee_near_the_yearly_amount(world)
    return world.recorded(YearlyAmountNote)


@sample(YearlyAmountNote, state="approved")
def yearly_approved(world: SampleWorld) -> YearlyAmountNote:
    _fee_approved(world)
    return world.recorded(YearlyAmountNote)


@sample(YearlyAmountForCoordinators)
def yearly_for_coordinators(world: SampleWorld) -> YearlyAmountForCoordinators:
    _fee_near_the_yearly_amount(world)
    return world.recorded(YearlyAmountForCoordinators)


@sample(YearlyAmountForCoordinators, state="approved")
def yearly_for_coordinators_approved(world: SampleWorld) -> YearlyAmountForCoordinators:
    _fee_approved(world)
    return world.recorded(YearlyAmountForCoordinators)
