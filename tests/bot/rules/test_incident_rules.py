"""Incident rules, table-driven: who is paged, escalation tiers, breach steps, the form."""

from __future__ import annotations

import pytest

from bot.rules.incidents import (
    BreachStep,
    IncidentForm,
    IncidentKind,
    IncidentRoute,
    Severity,
    breach_step,
    check_incident,
    escalation_tier,
    exclude_involved,
    is_urgent,
    route_incident,
)

K, S = IncidentKind, Severity


@pytest.mark.parametrize(
    ("kind", "severity", "team", "urgent", "route"),
    [
        (K.SAFEGUARDING, S.LOW, False, True, IncidentRoute.SAFEGUARDING),
        (K.CRISIS, S.MODERATE, True, True, IncidentRoute.SAFEGUARDING),
        (K.BREACH, S.SERIOUS, False, True, IncidentRoute.SAFEGUARDING),
        (K.BREACH, S.MODERATE, False, False, IncidentRoute.COORDINATORS),
        (K.BREACH, S.MODERATE, True, False, IncidentRoute.HR),
        (K.GIFT, S.LOW, True, False, IncidentRoute.HR),
        (K.OTHER, S.LOW, False, False, IncidentRoute.COORDINATORS),
    ],
)
def test_routing(kind: IncidentKind, severity: Severity, team: bool, urgent: bool,
                 route: IncidentRoute) -> None:
    assert is_urgent(kind, severity) is urgent
    assert route_incident(kind, severity, team) is route


@pytest.mark.parametrize(
    ("level", "leads", "coordinators", "text", "reporter"),
    [(0, True, False, False, False), (1, False, True, True, True),
     (2, True, True, True, False), (5, True, True, True, False)],
)
def test_escalation_tiers(level: int, leads: bool, coordinators: bool, text: bool,
                          reporter: bool) -> None:
    tier = escalation_tier(level)
    assert (tier.dm_safeguarding, tier.dm_coordinators, tier.text, tier.tell_reporter) == (
        leads, coordinators, text, reporter)


def test_someone_involved_is_never_a_recipient() -> None:
    assert exclude_involved(["U2", "U1", "U3", "U1", ""], ["U3"]) == ["U1", "U2"]


@pytest.mark.parametrize(
    ("count", "serious", "step"),
    [(1, False, BreachStep.TALK_IT_THROUGH), (2, False, BreachStep.NONE),
     (3, False, BreachStep.HIATUS_REVIEW), (4, False, BreachStep.HIATUS_REVIEW),
     (1, True, BreachStep.HIATUS_REVIEW)],
)
def test_breach_steps(count: int, serious: bool, step: BreachStep) -> None:
    assert breach_step(count, serious) is step


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"kind": None, "severity": None}, {"kind", "severity"}),
        ({"what_happened": "  "}, {"what"}),
        ({"what_happened": "x" * 3001}, {"what"}),
        ({"done_already": "x" * 3001}, {"done"}),
        ({"danger": None}, {"danger"}),
    ],
)
def test_check_incident(changes: dict[str, object], fields: set[str]) -> None:
    values: dict[str, object] = {"kind": K.CRISIS, "severity": S.SERIOUS,
                                 "what_happened": "Said they had a plan", "danger": False}
    values.update(changes)
    assert set(check_incident(IncidentForm(**values))) == fields  # type: ignore[arg-type]
