"""Samples of the notices incidents, their record, the trustees' oversight and breach
follow-ups record: reports made, chased, picked up and worked on through the services, as the
Slack handlers and the scheduler drive them, in each state their messages can show."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.safeguarding import (
    BreachOutcome,
    BreachOutcomeForm,
    CharityDecision,
    CharityDecisionForm,
    FollowUpForm,
    Harm,
    OutcomeForm,
    Spoken,
)
from bot.rules.sessions import SessionDraft, SessionKind
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
HANA = "U0HROFF07"   # the HR officer
TOM = "U0TRUST08"    # a trustee


def _urgent_report(world: SampleWorld, *, danger: bool = True) -> int:
    """A serious safeguarding concern from a session, someone maybe in danger: urgent."""
    return world.services.incidents.report(IncidentForm(
        kind=IncidentKind.SAFEGUARDING, severity=Severity.SERIOUS, danger=danger,
        what_happened=world.typed("Fin was upset and left the group early."),
        done_already=world.typed("I rang Fin and left a message."),
        involved_member_ids=(world.member_id(FIN),)), BRAM).incident_id


def _nobody_answers(world: SampleWorld) -> None:
    """The escalation's first step: nobody acknowledged in time."""
    world.clock.advance(minutes=world.services.settings.coprod_escalate_after_minutes + 1)
    assert world.services.incidents.escalate_unacknowledged() == 1


def _resolve(world: SampleWorld, incident_id: int) -> None:
    world.services.incident_record.resolve(incident_id, ESME, OutcomeForm(
        what_was_done=world.typed("I spoke with Fin, who is safe at home."),
        spoken=Spoken.YES, views_and_wishes=world.typed("Fin wants to come back next week."),
        decision=world.typed("No referral is needed."),
        reasons=world.typed("Fin is safe and has support."), no_referral=True))


# -- the alert, as each of its readers may see it ---------------------------------------------
@sample(IncidentAlert)
def alert(world: SampleWorld) -> IncidentAlert:
    _urgent_report(world)
    return world.recorded(IncidentAlert)


@sample(IncidentAlert, state="nobody in danger")
def alert_without_danger(world: SampleWorld) -> IncidentAlert:
    _urgent_report(world, danger=False)
    return world.recorded(IncidentAlert)


@sample(IncidentAlert, state="acknowledged")
def alert_acknowledged(world: SampleWorld) -> IncidentAlert:
    world.services.incidents.acknowledge(_urgent_report(world), ESME)
    return world.recorded(IncidentAlert)


@sample(IncidentAlert, state="resolved")
def alert_resolved(world: SampleWorld) -> IncidentAlert:
    _resolve(world, _urgent_report(world))
    return world.recorded(IncidentAlert)


def _from_a_session(world: SampleWorld) -> int:
    """This evening's peer group, which a report made the morning after can name."""
    [view] = world.services.sessions.create(None, SessionDraft(
        title="Monday peer group", kind=SessionKind.PEER_GROUP, day=world.clock.now.date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    world.clock.advance(days=1)
    return view.id


@sample(IncidentAlert, state="to the coordinators")
def alert_to_coordinators(world: SampleWorld) -> IncidentAlert:
    """Not urgent: something small at a session, which goes to the coordinators."""
    world.services.incidents.report(IncidentForm(
        kind=IncidentKind.OTHER, severity=Severity.LOW, danger=False,
        what_happened=world.typed("The fire door was left propped open."),
        session_id=_from_a_session(world)), FIN)
    return world.recorded(IncidentAlert)


@sample(IncidentAlert, state="to the coordinators, someone in danger")
def alert_to_coordinators_in_danger(world: SampleWorld) -> IncidentAlert:
    """Not urgent by its kind, but the reporter said someone may be in danger now."""
    world.services.incidents.report(IncidentForm(
        kind=IncidentKind.OTHER, severity=Severity.MODERATE, danger=True,
        what_happened=world.typed("Someone outside the centre was shouting threats.")), FIN)
    return world.recorded(IncidentAlert)


@sample(IncidentAlert, state="to the HR officer")
def alert_to_hr(world: SampleWorld) -> IncidentAlert:
    """About a facilitator, so it goes to the HR officer."""
    world.services.incidents.report(IncidentForm(
        kind=IncidentKind.BOUNDARY, severity=Severity.MODERATE, danger=False,
        what_happened=world.typed("Bram asked me to meet up outside the group."),
        involved_member_ids=(world.member_id(BRAM),)), FIN)
    return world.recorded(IncidentAlert, lambda notice: notice.level == 0)


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


# -- follow-ups: given, due today, missed, and the lead chased --------------------------------
def _follow_up_for_ada(world: SampleWorld) -> None:
    """Esme gives Ada a follow-up due on Thursday morning."""
    world.services.incident_record.add_follow_up(_urgent_report(world), ESME, FollowUpForm(
        what=world.typed("Call Fin to see how they are."), who=ADA, by=date(2026, 11, 26)))


def _reminded(world: SampleWorld, *, days_late: int) -> None:
    """The follow-up reminders run on the morning it is due, and each day after."""
    _follow_up_for_ada(world)
    world.clock.now = world.clock.now.replace(day=26, hour=9)
    for _ in range(days_late + 1):
        assert world.services.incident_record.remind_follow_ups() == 1
        world.clock.advance(days=1)


@sample(FollowUpNotice)
def follow_up(world: SampleWorld) -> FollowUpNotice:
    _follow_up_for_ada(world)
    return world.recorded(FollowUpNotice)


@sample(FollowUpNotice, state="due today")
def follow_up_due(world: SampleWorld) -> FollowUpNotice:
    _reminded(world, days_late=0)
    return world.recorded(FollowUpNotice)


@sample(FollowUpNotice, state="missed")
def follow_up_missed(world: SampleWorld) -> FollowUpNotice:
    _reminded(world, days_late=1)
    return world.recorded(FollowUpNotice, lambda notice: not notice.chase)


@sample(FollowUpNotice, state="a lead chased")
def follow_up_chased(world: SampleWorld) -> FollowUpNotice:
    _reminded(world, days_late=1)
    return world.recorded(FollowUpNotice, lambda notice: notice.chase)


# -- possibly serious for the charity: the trustees' messages ---------------------------------
def _marked_serious(world: SampleWorld, harms: tuple[Harm, ...] = (Harm.PEOPLE,)) -> int:
    incident_id = _urgent_report(world)
    world.services.oversight.mark_serious(incident_id, ESME, list(harms))
    return incident_id


def _decided(world: SampleWorld, decision: CharityDecision) -> int:
    incident_id = _marked_serious(world)
    world.clock.advance(days=1)
    reported = decision is CharityDecision.REPORTED
    world.services.oversight.record_decision(incident_id, TOM, CharityDecisionForm(
        decision=decision, reported_on=date(2026, 11, 24) if reported else None,
        reference="CC-1234" if reported else "",
        reason="" if reported else world.typed("Nobody was harmed, and Fin is safe.")))
    return incident_id


@sample(SeriousIncidentNotice)
def serious_incident(world: SampleWorld) -> SeriousIncidentNotice:
    _marked_serious(world)
    return world.recorded(SeriousIncidentNotice)


@sample(SeriousIncidentNotice, state="several risks")
def serious_incident_harms(world: SampleWorld) -> SeriousIncidentNotice:
    _marked_serious(world, (Harm.PEOPLE, Harm.REPUTATION))
    return world.recorded(SeriousIncidentNotice)


@sample(SeriousIncidentNotice, state="acknowledged")
def serious_incident_acknowledged(world: SampleWorld) -> SeriousIncidentNotice:
    world.services.oversight.acknowledge(_marked_serious(world), TOM)
    return world.recorded(SeriousIncidentNotice)


def _reminded_trustees(world: SampleWorld) -> None:
    world.clock.advance(hours=world.services.settings.coprod_serious_incident_reminder_hours)
    assert world.services.oversight.remind_trustees() == 1


@sample(SeriousIncidentNotice, state="reminder")
def serious_incident_reminder(world: SampleWorld) -> SeriousIncidentNotice:
    _marked_serious(world)
    _reminded_trustees(world)
    return world.recorded(SeriousIncidentNotice)


@sample(SeriousIncidentNotice, state="reminder, acknowledged")
def serious_incident_reminder_acknowledged(world: SampleWorld) -> SeriousIncidentNotice:
    incident_id = _marked_serious(world)
    world.services.oversight.acknowledge(incident_id, TOM)
    _reminded_trustees(world)
    return world.recorded(SeriousIncidentNotice)


@sample(SeriousIncidentNotice, state="reported")
def serious_incident_reported(world: SampleWorld) -> SeriousIncidentNotice:
    _decided(world, CharityDecision.REPORTED)
    return world.recorded(SeriousIncidentNotice)


@sample(SeriousIncidentNotice, state="not reported")
def serious_incident_not_reported(world: SampleWorld) -> SeriousIncidentNotice:
    _decided(world, CharityDecision.NOT_REPORTED)
    return world.recorded(SeriousIncidentNotice)


@sample(TrusteesDecided)
def trustees_decided(world: SampleWorld) -> TrusteesDecided:
    _decided(world, CharityDecision.REPORTED)
    return world.recorded(TrusteesDecided)


@sample(TrusteesDecided, state="not reported")
def trustees_decided_not_reported(world: SampleWorld) -> TrusteesDecided:
    _decided(world, CharityDecision.NOT_REPORTED)
    return world.recorded(TrusteesDecided)


def _send_digest(world: SampleWorld) -> TrusteeDigest:
    """December's first morning: the digest of November."""
    world.clock.now = world.clock.now.replace(day=1, month=12) + timedelta(hours=1)
    assert world.services.oversight.send_digest() == 1
    return world.recorded(TrusteeDigest)


def _compliment(world: SampleWorld) -> int:
    return world.services.feedback.submit(FeedbackForm(
        kind=FeedbackKind.COMPLIMENT, topic=FeedbackTopic.SESSION,
        text=world.typed("Loved the group."), anonymous=False), FIN).case_id


@sample(TrusteeDigest)
def trustee_digest(world: SampleWorld) -> TrusteeDigest:
    _marked_serious(world)
    _compliment(world)
    return _send_digest(world)


@sample(TrusteeDigest, state="feedback dealt with")
def trustee_digest_resolved(world: SampleWorld) -> TrusteeDigest:
    """Two kinds of incident, and feedback resolved two days after it came (a median)."""
    _marked_serious(world)
    _breach_reported(world)
    case_id = _compliment(world)
    world.clock.advance(days=2)
    world.services.feedback.resolve(case_id, ADA)
    return _send_digest(world)


@sample(TrusteeDigest, state="a quiet month")
def trustee_digest_quiet(world: SampleWorld) -> TrusteeDigest:
    return _send_digest(world)


# -- breach follow-ups --------------------------------------------------------------------------
def _breach_reported(world: SampleWorld, about: str = FIN,
                     severity: Severity = Severity.MODERATE) -> BreachFollowUp:
    world.services.incidents.report(IncidentForm(
        kind=IncidentKind.BREACH, severity=severity, danger=False,
        what_happened=world.typed("A story from the group was shared outside it."),
        involved_member_ids=(world.member_id(about),)), ESME if about == BRAM else BRAM)
    return world.recorded(BreachFollowUp)


@sample(BreachFollowUp)
def breach_follow_up(world: SampleWorld) -> BreachFollowUp:
    return _breach_reported(world)


@sample(BreachFollowUp, state="a team member")
def breach_follow_up_team(world: SampleWorld) -> BreachFollowUp:
    return _breach_reported(world, about=BRAM)


@sample(BreachFollowUp, state="acknowledged")
def breach_follow_up_acknowledged(world: SampleWorld) -> BreachFollowUp:
    notice = _breach_reported(world)
    assert notice.task_id is not None
    world.services.breaches.acknowledge(notice.task_id, ADA)
    return notice


@sample(BreachFollowUp, state="talked it through")
def breach_follow_up_talked(world: SampleWorld) -> BreachFollowUp:
    notice = _breach_reported(world)
    assert notice.task_id is not None
    world.services.breaches.record_outcome(notice.task_id, ADA, BreachOutcomeForm(
        BreachOutcome.TALKED, world.typed("We had a good talk over tea.")))
    return notice


@sample(BreachFollowUp, state="hiatus review")
def breach_follow_up_hiatus(world: SampleWorld) -> BreachFollowUp:
    return _breach_reported(world, severity=Severity.SERIOUS)


@sample(BreachFollowUp, state="hiatus review, a break agreed")
def breach_follow_up_break(world: SampleWorld) -> BreachFollowUp:
    notice = _breach_reported(world, severity=Severity.SERIOUS)
    assert notice.task_id is not None
    world.services.breaches.acknowledge(notice.task_id, HANA)
    world.services.breaches.record_outcome(notice.task_id, HANA, BreachOutcomeForm(
        BreachOutcome.BREAK_AGREED))
    return notice
