"""Incidents as rules: kinds and severity in plain words, who is paged, when it escalates, and
what a breach count means. Plain values only."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.rules.forms import NeedsChanges


class IncidentKind(enum.StrEnum):
    SAFEGUARDING = "safeguarding"
    CRISIS = "crisis_disclosure"
    BREACH = "guideline_breach"
    HARASSMENT = "harassment"
    BOUNDARY = "boundary"
    GIFT = "gift"
    OTHER = "other"


class Severity(enum.StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    SERIOUS = "serious"


class IncidentStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class IncidentRoute(enum.StrEnum):
    SAFEGUARDING = "safeguarding"
    COORDINATORS = "coordinators"
    HR = "hr"


INCIDENT_KIND_WORDS: dict[IncidentKind, str] = {
    IncidentKind.SAFEGUARDING: "Safeguarding concern",
    IncidentKind.CRISIS: "Crisis disclosure",
    IncidentKind.BREACH: "Guideline breach",
    IncidentKind.HARASSMENT: "Harassment or abuse",
    IncidentKind.BOUNDARY: "Boundary concern",
    IncidentKind.GIFT: "Gift or favour offered",
    IncidentKind.OTHER: "Something else",
}

SEVERITY_WORDS: dict[Severity, tuple[str, str]] = {
    Severity.LOW: ("Low", "Worth noting; nobody is at risk."),
    Severity.MODERATE: ("Moderate", "Someone was upset or a boundary was crossed."),
    Severity.SERIOUS: ("Serious", "A risk of harm, or real distress: needs someone today."),
}

INCIDENT_STATUS_WORDS: dict[IncidentStatus, str] = {
    IncidentStatus.OPEN: "Open - nobody has picked it up yet",
    IncidentStatus.ACKNOWLEDGED: "Acknowledged",
    IncidentStatus.RESOLVED: "Resolved",
}

# The kinds that count towards a person's guideline record.
BREACH_KINDS = frozenset({IncidentKind.BREACH, IncidentKind.HARASSMENT, IncidentKind.BOUNDARY})
BREACH_WINDOW = timedelta(days=365)


def is_urgent(kind: IncidentKind, severity: Severity) -> bool:
    """Paged at once and escalated until someone acknowledges."""
    return kind in (IncidentKind.SAFEGUARDING, IncidentKind.CRISIS) or \
        severity is Severity.SERIOUS


def route_incident(kind: IncidentKind, severity: Severity,
                   involves_team_member: bool) -> IncidentRoute:
    if is_urgent(kind, severity):
        return IncidentRoute.SAFEGUARDING
    return IncidentRoute.HR if involves_team_member else IncidentRoute.COORDINATORS


@dataclass(frozen=True)
class Tier:
    """Who is told at one step of an escalation."""

    level: int
    dm_safeguarding: bool
    dm_coordinators: bool
    text: bool
    tell_reporter: bool


def escalation_tier(level: int) -> Tier:
    """Level 0: the safeguarding leads by DM, at once. Level 1: the coordinators by DM, and
    texts to the leads and coordinators; the reporter hears it is being chased. Level 2 and on:
    everyone again, by DM and text, at every interval until someone acknowledges."""
    if level == 0:
        return Tier(0, dm_safeguarding=True, dm_coordinators=False, text=False,
                    tell_reporter=False)
    if level == 1:
        return Tier(1, dm_safeguarding=False, dm_coordinators=True, text=True,
                    tell_reporter=True)
    return Tier(level, dm_safeguarding=True, dm_coordinators=True, text=True,
                tell_reporter=False)


def exclude_involved(recipients: Sequence[str], involved: Sequence[str]) -> list[str]:
    """A person named as involved never receives the report."""
    blocked = set(involved)
    return sorted({r for r in recipients if r and r not in blocked})


class BreachStep(enum.StrEnum):
    NONE = "none"
    TALK_IT_THROUGH = "talk_it_through"
    HIATUS_REVIEW = "hiatus_review"


def breach_step(count_in_window: int, serious: bool) -> BreachStep:
    """The first breach: a conversation. The third, or any serious one: a hiatus review is
    considered. Neither ever changes membership or a voice in decisions."""
    if serious or count_in_window >= 3:
        return BreachStep.HIATUS_REVIEW
    if count_in_window == 1:
        return BreachStep.TALK_IT_THROUGH
    return BreachStep.NONE


class IncidentField:
    KIND = "kind"
    SEVERITY = "severity"
    WHAT = "what"
    DONE = "done"
    DANGER = "danger"


@dataclass(frozen=True)
class IncidentForm:
    kind: IncidentKind | None
    severity: Severity | None
    what_happened: str
    danger: bool | None
    done_already: str = ""
    session_id: int | None = None
    involved_member_ids: tuple[int, ...] = ()
    message_ref: str | None = None


def check_incident(form: IncidentForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.kind is None:
        errors[IncidentField.KIND] = "Please choose what kind of incident this is."
    if form.severity is None:
        errors[IncidentField.SEVERITY] = "Please choose how serious it is. If unsure, choose " \
                                         "the higher one."
    if not form.what_happened.strip():
        errors[IncidentField.WHAT] = "Please say what happened, in a few words."
    elif len(form.what_happened) > 3000:
        errors[IncidentField.WHAT] = "Please keep this under 3000 characters."
    if len(form.done_already) > 3000:
        errors[IncidentField.DONE] = "Please keep this under 3000 characters."
    if form.danger is None:
        errors[IncidentField.DANGER] = "Please answer: is anyone in immediate danger?"
    return errors


class InvalidIncident(NeedsChanges):
    """A report (or a note) that needs changes before it can be saved."""


@dataclass(frozen=True)
class ValidIncident:
    """A report that passed every check: its kind, how serious, and whether anyone is in
    danger are all known."""

    kind: IncidentKind
    severity: Severity
    what_happened: str
    danger: bool
    done_already: str
    session_id: int | None
    involved_member_ids: tuple[int, ...]
    message_ref: str | None


def validate_incident(form: IncidentForm) -> ValidIncident:
    """The form as a report that can be saved, or InvalidIncident saying what to fix."""
    errors = check_incident(form)
    kind, severity, danger = form.kind, form.severity, form.danger
    # A missing kind, severity or danger answer is always among the errors; naming them again
    # lets the checker see that they are all there.
    if errors or kind is None or severity is None or danger is None:
        raise InvalidIncident(errors)
    return ValidIncident(
        kind=kind, severity=severity, what_happened=form.what_happened, danger=danger,
        done_already=form.done_already, session_id=form.session_id,
        involved_member_ids=form.involved_member_ids, message_ref=form.message_ref)
