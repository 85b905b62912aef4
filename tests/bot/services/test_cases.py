"""The audited guard feedback cases and incidents share (bot/services/cases.py)."""

from __future__ import annotations

import pytest

from bot.rules.incidents import IncidentForm, IncidentKind, IncidentStatus, Severity
from bot.rules.lifecycle import RequestStatus, moves_forward, request_step
from bot.rules.roles import NotAllowed
from bot.wiring import Runtime
from storage.models import AuditEntry, Incident, IncidentStep

LEAD, MEMBER = "U0SAFEG05", "U0MEMBR06"


def test_a_refusal_is_audited_and_nothing_else_is_written(members: Runtime) -> None:
    incidents = members.services.incidents
    reported = incidents.report(IncidentForm(IncidentKind.CRISIS, Severity.SERIOUS,
                                             "Needs someone today", danger=False), "U0FACIL02")
    with members.sessions() as session:
        steps_before = session.query(IncidentStep).count()
    with pytest.raises(NotAllowed):
        incidents.acknowledge(reported.incident_id, MEMBER)
    with pytest.raises(NotAllowed):
        incidents.acknowledge(4040, MEMBER)  # no such incident: the same refusal
    with members.sessions() as session:
        incident = session.get(Incident, reported.incident_id)
        assert incident is not None and incident.status is IncidentStatus.OPEN
        assert session.query(IncidentStep).count() == steps_before
        refusals = [(a.actor_slack_id, a.action, a.subject)
                    for a in session.query(AuditEntry).filter(AuditEntry.action.like("refused%"))]
    assert refusals == [(MEMBER, "refused acknowledged", f"incident:{reported.incident_id}"),
                        (MEMBER, "refused acknowledged", "incident:4040")]


def test_an_action_by_a_recipient_is_audited_once(members: Runtime) -> None:
    incidents = members.services.incidents
    reported = incidents.report(IncidentForm(IncidentKind.CRISIS, Severity.SERIOUS,
                                             "Needs someone today", danger=False), "U0FACIL02")
    incidents.acknowledge(reported.incident_id, LEAD)
    incidents.acknowledge(reported.incident_id, LEAD)  # twice is once
    with members.sessions() as session:
        actions = [a.action for a in session.query(AuditEntry).filter_by(actor_slack_id=LEAD)]
        steps = [s.step for s in session.query(IncidentStep).filter_by(step="acknowledged")]
    assert actions == ["acknowledged", "acknowledged"] and steps == ["acknowledged"]


@pytest.mark.parametrize(("current", "to", "expected"), [
    (RequestStatus.REQUESTED, RequestStatus.ACKNOWLEDGED, RequestStatus.ACKNOWLEDGED),
    (RequestStatus.REQUESTED, RequestStatus.ARRANGED, RequestStatus.ARRANGED),
    (RequestStatus.ACKNOWLEDGED, RequestStatus.DECLINED, RequestStatus.DECLINED),
    (RequestStatus.ACKNOWLEDGED, RequestStatus.ACKNOWLEDGED, None),
    (RequestStatus.ARRANGED, RequestStatus.DECLINED, None),
    (RequestStatus.DECLINED, RequestStatus.ARRANGED, None),
    (RequestStatus.ACKNOWLEDGED, RequestStatus.REQUESTED, None),
])
def test_the_request_workflow(current: RequestStatus, to: RequestStatus,
                              expected: RequestStatus | None) -> None:
    assert request_step(current, to) is expected


def test_case_statuses_only_move_forward() -> None:
    order = list(IncidentStatus)
    assert moves_forward(order, IncidentStatus.OPEN, IncidentStatus.RESOLVED)
    assert not moves_forward(order, IncidentStatus.RESOLVED, IncidentStatus.ACKNOWLEDGED)
    assert not moves_forward(order, IncidentStatus.ACKNOWLEDGED, IncidentStatus.ACKNOWLEDGED)


def test_someone_who_has_stepped_down_no_longer_sees_what_the_role_gave_them(
    members: Runtime,
) -> None:
    from bot.rules.feedback import FeedbackForm
    from bot.rules.feedback_words import FeedbackKind, FeedbackTopic

    services = members.services
    reported = services.incidents.report(IncidentForm(
        IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone today", danger=False),
        "U0FACIL02")
    case = services.feedback.submit(FeedbackForm(
        FeedbackKind.SUGGESTION, FeedbackTopic.SERVICE, "Could we have tea", anonymous=False),
        "U0FACIL02")
    assert services.incidents.open_for(LEAD) and services.feedback.open_cases_for("U0COORD01")
    # Esme stops being a safeguarding lead, Ada a coordinator: their records are re-imported.
    services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Esme Hart,U0SAFEG05,07700 900105,member,both,yes\n"
        "Ada Brightwater,U0COORD01,07700 900101,member,both,yes\n")
    with pytest.raises(NotAllowed):
        services.incidents.acknowledge(reported.incident_id, LEAD)
    with pytest.raises(NotAllowed):
        services.feedback.case_for_team(case.case_id, "U0COORD01")
    assert services.incidents.open_for(LEAD) == []
    assert services.feedback.open_cases_for("U0COORD01") == []
