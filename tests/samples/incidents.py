"""Samples of the notices incidents, their record, the trustees' oversight and breach
follow-ups record: reports made, chased, picked up and worked on through the services, as the
Slack handlers and the scheduler drive them."""

from __future__ import annotations

from datetime import date, timedelta

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.safeguarding import CharityDecision, CharityDecisionForm, FollowUpForm, Harm
from bot.services.breaches import BreachFollowUp
from bot.services.incident_record import FollowUpNotice
from bot.services.incidents import (
    IncidentAlert,
    ReportBeingChased,
    ReportPickedUp,
    UrgentIncidentText,
)
from bot.services.oversight import SeriousIncidentNotice, TrusteeDigest, TrusteesDecided
from tests.samples import SampleWorld, sample

ADA = "U0COORD01"    # a coordinator
BRAM = "U0FACIL02"   # a facilitator, who reports
ESME = "U0SAFEG05"   # the safeguarding lead
FIN = "U0MEMBR06"    # a member
TOM = "U0TRUST08"    # a trustee


def _urgent_report(world: SampleWorld) -> int:
    """A serious safeguarding concern from a session, someone maybe in danger: urgent."""
    return world.services.incidents.report(IncidentForm(
        kind=IncidentKind.SAFEGUARDING, severity=Severity.SERIOUS, danger=True,
        what_happened=world.typed("Fin was upset and left the group early."),
        done_already=world.typed("I rang Fin and left a message."),
        involved_member_ids=(world.member_id(FIN),)), BRAM).incident_id


def _nobody_answers(world: SampleWorld) -> None:
    """The escalation's first step: nobody acknowledged in time."""
    world.clock.advance(minutes=world.services.settings.coprod_escalate_after_minutes + 1)
    assert world.services.incidents.escalate_unacknowledged() == 1


@sample(IncidentAlert)
def alert(world: SampleWorld) -> IncidentAlert:
    _urgent_report(world)
    return world.recorded(IncidentAlert)


@sample(UrgentIncidentText)
def urgent_text(world: SampleWorld) -> UrgentIncidentText:
    _urgent_report(world)
    _nobody_answers(world)
    return world.recorded(UrgentIncidentText)


@sample(ReportBeingChased)
def being_chased(world: SampleWorld) -> ReportBeingChased:
    _urgent_report(world)
    _nobody_answers(world)
    return world.recorded(ReportBeingChased)


@sample(ReportPickedUp)
def picked_up(world: SampleWorld) -> ReportPickedUp:
    incident_id = _urgent_report(world)
    world.services.incidents.acknowledge(incident_id, ESME)
    return world.recorded(ReportPickedUp)


@sample(FollowUpNotice)
def follow_up(world: SampleWorld) -> FollowUpNotice:
    incident_id = _urgent_report(world)
    world.services.incident_record.add_follow_up(incident_id, ESME, FollowUpForm(
        what="Call Fin to see how they are.", who=ADA, by=date(2026, 11, 26)))
    return world.recorded(FollowUpNotice)


def _marked_serious(world: SampleWorld) -> int:
    incident_id = _urgent_report(world)
    world.services.oversight.mark_serious(incident_id, ESME, [Harm.PEOPLE])
    return incident_id


@sample(SeriousIncidentNotice)
def serious_incident(world: SampleWorld) -> SeriousIncidentNotice:
    _marked_serious(world)
    return world.recorded(SeriousIncidentNotice)


@sample(TrusteesDecided)
def trustees_decided(world: SampleWorld) -> TrusteesDecided:
    incident_id = _marked_serious(world)
    world.clock.advance(days=1)
    world.services.oversight.record_decision(incident_id, TOM, CharityDecisionForm(
        decision=CharityDecision.REPORTED, reported_on=date(2026, 11, 24),
        reference="CC-1234", reason=""))
    return world.recorded(TrusteesDecided)


@sample(TrusteeDigest)
def trustee_digest(world: SampleWorld) -> TrusteeDigest:
    _marked_serious(world)
    world.services.feedback.submit(FeedbackForm(
        kind=FeedbackKind.COMPLIMENT, topic=FeedbackTopic.SESSION,
        text=world.typed("Loved the group."), anonymous=False), FIN)
    world.clock.now = world.clock.now.replace(day=1, month=12) + timedelta(hours=1)
    assert world.services.oversight.send_digest() == 1
    return world.recorded(TrusteeDigest)


@sample(BreachFollowUp)
def breach_follow_up(world: SampleWorld) -> BreachFollowUp:
    world.services.incidents.report(IncidentForm(
        kind=IncidentKind.BREACH, severity=Severity.MODERATE, danger=False,
        what_happened=world.typed("Fin shared a story from the group outside it."),
        involved_member_ids=(world.member_id(FIN),)), BRAM)
    return world.recorded(BreachFollowUp)
