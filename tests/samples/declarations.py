"""Samples of the notices declarations record: the request its reader acts on (a relationship,
a gift from someone outside or from a member; at each step; a copy no longer theirs), and what
the person who declared is told at each step."""

from __future__ import annotations

from bot.rules.declarations import DeclarationForm
from bot.rules.involvement import DeclarationKind
from bot.rules.lifecycle import RequestStatus
from bot.services.declarations import DeclarationStep, DeclarationToReader
from tests.samples import SampleWorld, sample

BRAM = "U0FACIL02"  # facilitator
FIN = "U0MEMBR06"   # member
HANA = "U0HROFF07"  # HR officer

# Hana, as the CSV has her after she handed the HR officer's role on.
HANA_NO_LONGER_HR = """\
name,slack_user_id,phone,roles,contact,sms_consent,trained_until,induction
Hana Quill,U0HROFF07,,member,slack,no,,
"""


def _declared(world: SampleWorld) -> int:
    """Fin tells us he and Bram were neighbours; it goes to Hana, the HR officer."""
    return world.services.declarations.declare(FIN, DeclarationForm(
        kind=DeclarationKind.RELATIONSHIP, other_member_id=world.member_id(BRAM),
        words=world.typed("We were neighbours"))).id


def _stepped(world: SampleWorld, *steps: RequestStatus) -> None:
    declaration_id = _declared(world)
    for step in steps:
        world.services.declarations.step(declaration_id, HANA, step)


def _gift(world: SampleWorld, by: str | None) -> DeclarationToReader:
    world.services.declarations.declare(FIN, DeclarationForm(
        kind=DeclarationKind.GIFT, other_member_id=world.member_id(by) if by else None,
        words=world.typed("A box of biscuits after the group")))
    return world.recorded(DeclarationToReader)


# -- the request, to its reader -----------------------------------------------------------------
@sample(DeclarationToReader)
def request(world: SampleWorld) -> DeclarationToReader:
    _declared(world)
    return world.recorded(DeclarationToReader)


@sample(DeclarationToReader, state="a gift")
def request_gift(world: SampleWorld) -> DeclarationToReader:
    return _gift(world, None)


@sample(DeclarationToReader, state="a gift from a member")
def request_gift_from_member(world: SampleWorld) -> DeclarationToReader:
    return _gift(world, BRAM)


@sample(DeclarationToReader, state="acknowledged")
def request_acknowledged(world: SampleWorld) -> DeclarationToReader:
    _stepped(world, RequestStatus.ACKNOWLEDGED)
    return world.recorded(DeclarationToReader)


@sample(DeclarationToReader, state="noted")
def request_noted(world: SampleWorld) -> DeclarationToReader:
    _stepped(world, RequestStatus.ACKNOWLEDGED, RequestStatus.ARRANGED)
    return world.recorded(DeclarationToReader)


@sample(DeclarationToReader, state="to talk it through")
def request_to_talk(world: SampleWorld) -> DeclarationToReader:
    _stepped(world, RequestStatus.DECLINED)
    return world.recorded(DeclarationToReader)


@sample(DeclarationToReader, state="no longer theirs")
def request_no_longer_theirs(world: SampleWorld) -> DeclarationToReader:
    _declared(world)
    world.services.members.import_csv(HANA_NO_LONGER_HR)
    return world.recorded(DeclarationToReader)


# -- each step, to the person who declared ------------------------------------------------------
@sample(DeclarationStep)
def step(world: SampleWorld) -> DeclarationStep:
    _stepped(world, RequestStatus.ACKNOWLEDGED)
    return world.recorded(DeclarationStep)


@sample(DeclarationStep, state="noted")
def step_noted(world: SampleWorld) -> DeclarationStep:
    _stepped(world, RequestStatus.ARRANGED)
    return world.recorded(DeclarationStep)


@sample(DeclarationStep, state="to talk it through")
def step_to_talk(world: SampleWorld) -> DeclarationStep:
    _stepped(world, RequestStatus.DECLINED)
    return world.recorded(DeclarationStep)
