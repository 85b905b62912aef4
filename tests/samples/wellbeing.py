"""Samples of the notices wellbeing checks record: the check before, at the end of and a few
days after a piece of work, as sent and after each answer, and the word to the contact when
someone would like someone to get in touch."""

from __future__ import annotations

from datetime import date, timedelta

from bot.rules.involvement import OpportunityKind, Recompense, Wellbeing
from bot.rules.opportunities import OpportunityDraft
from bot.services.wellbeing import SupportAsked, WellbeingCheckSent
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"   # coordinator
HANA = "U0HROFF07"  # HR officer, the work's contact
FIN = "U0MEMBR06"   # member, who takes the work on

BEFORE, AT_THE_END, AFTER = 1, 2, 6  # days of December: the checks' mornings


def _check_sent(world: SampleWorld, day: int = AT_THE_END) -> WellbeingCheckSent:
    """Fin takes on an interview panel on 2 December (posted, interest, offer, accepted); the
    check due on the morning of December's `day` is sent: the day before it, the day itself,
    or a few days after."""
    involvement = world.services.involvement
    posted = involvement.post(ADA, OpportunityDraft(
        kind=OpportunityKind.INTERVIEW_PANEL, title="Peer worker interview panel",
        purpose=world.typed("Choose our next peer worker"),
        expected=world.typed("Read five forms and ask questions"),
        when_where="Hope Centre", time_needed=world.typed("Half a day"), recompense=Recompense.FEE,
        amount="25", contact_slack_id=HANA, starts_on=date(2026, 12, 2),
        ends_on=date(2026, 12, 2)))
    interest = involvement.show_interest(FIN, posted.id)
    involvement.offer(ADA, interest.id)
    involvement.accept(FIN, interest.id)
    world.clock.now = world.clock.now.replace(day=day, month=12) + timedelta(hours=8)
    assert world.services.wellbeing.send_wellbeing_checks() == 1
    return world.recorded(WellbeingCheckSent)


def _answered(world: SampleWorld, answer: Wellbeing) -> WellbeingCheckSent:
    sent = _check_sent(world)
    world.services.wellbeing.answer(sent.check_id, FIN, answer)
    return sent


@sample(WellbeingCheckSent)
def check(world: SampleWorld) -> WellbeingCheckSent:
    return _check_sent(world)


@sample(WellbeingCheckSent, state="before")
def check_before(world: SampleWorld) -> WellbeingCheckSent:
    return _check_sent(world, BEFORE)


@sample(WellbeingCheckSent, state="a few days after")
def check_after(world: SampleWorld) -> WellbeingCheckSent:
    return _check_sent(world, AFTER)


@sample(WellbeingCheckSent, state="OK")
def check_ok(world: SampleWorld) -> WellbeingCheckSent:
    return _answered(world, Wellbeing.OK)


@sample(WellbeingCheckSent, state="up and down")
def check_mixed(world: SampleWorld) -> WellbeingCheckSent:
    return _answered(world, Wellbeing.MIXED)


@sample(WellbeingCheckSent, state="skipped")
def check_skipped(world: SampleWorld) -> WellbeingCheckSent:
    return _answered(world, Wellbeing.SKIPPED)


@sample(WellbeingCheckSent, state="someone to get in touch")
def check_support(world: SampleWorld) -> WellbeingCheckSent:
    return _answered(world, Wellbeing.SUPPORT)


@sample(SupportAsked)
def support_asked(world: SampleWorld) -> SupportAsked:
    _answered(world, Wellbeing.SUPPORT)
    return world.recorded(SupportAsked)


@sample(SupportAsked, state="before")
def support_asked_before(world: SampleWorld) -> SupportAsked:
    sent = _check_sent(world, BEFORE)
    world.services.wellbeing.answer(sent.check_id, FIN, Wellbeing.SUPPORT)
    return world.recorded(SupportAsked)
