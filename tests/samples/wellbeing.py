"""Samples of the notices wellbeing checks record."""

from __future__ import annotations

from datetime import date, timedelta

from bot.rules.involvement import OpportunityKind, Recompense, Wellbeing
from bot.rules.opportunities import OpportunityDraft
from bot.services.wellbeing import SupportAsked, WellbeingCheckSent
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"   # coordinator
HANA = "U0HROFF07"  # HR officer, the work's contact
FIN = "U0MEMBR06"   # member, who takes the work on


def _check_sent(world: SampleWorld) -> WellbeingCheckSent:
    """Fin takes on an interview panel (posted, interest, offer, accepted); its check at the
    end is sent when the panel ends."""
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
    world.clock.now = world.clock.now.replace(day=2, month=12) + timedelta(hours=8)
    assert world.services.wellbeing.send_wellbeing_checks() == 1
    return world.recorded(WellbeingCheckSent)


@sample(WellbeingCheckSent)
def check(world: SampleWorld) -> WellbeingCheckSent:
    return _check_sent(world)


@sample(SupportAsked)
def support_asked(world: SampleWorld) -> SupportAsked:
    sent = _check_sent(world)
    world.services.wellbeing.answer(sent.check_id, FIN, Wellbeing.SUPPORT)
    return world.recorded(SupportAsked)
