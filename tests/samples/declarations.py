"""Samples of the notices declarations record: the request its reader acts on, and what the
person who declared is told at a step."""

from __future__ import annotations

from bot.rules.declarations import DeclarationForm
from bot.rules.involvement import DeclarationKind
from bot.rules.lifecycle import RequestStatus
from bot.services.declarations import DeclarationStep, DeclarationToReader
from tests.samples import SampleWorld, sample

BRAM = "U0FACIL02"  # facilitator
FIN = "U0MEMBR06"   # member
HANA = "U0HROFF07"  # HR officer


def _declared(world: SampleWorld) -> int:
    """Fin tells us he and Bram were neighbours; it goes to Hana, the HR officer."""
    return world.services.declarations.declare(FIN, DeclarationForm(
        kind=DeclarationKind.RELATIONSHIP, other_member_id=world.member_id(BRAM),
        words=world.typed("We were neighbours"))).id


@sample(DeclarationToReader)
def request(world: SampleWorld) -> DeclarationToReader:
    _declared(world)
    return world.recorded(DeclarationToReader)


@sample(DeclarationStep)
def step(world: SampleWorld) -> DeclarationStep:
    world.services.declarations.step(_declared(world), HANA, RequestStatus.ACKNOWLEDGED)
    return world.recorded(DeclarationStep)
