"""What follows an incident, as rules: the outcome a lead records, referrals, the three Care Act
s42 questions, serious incidents the trustees decide on, and follow-ups with a due date.
Plain values only; the words people see are here so every renderer says the same."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.rules.forms import NeedsChanges
from bot.rules.incidents import IncidentKind
from bot.rules.roles import Role

LONG_TEXT = 3000
REFERENCE_LENGTH = 60

# Who may act on the record (resolve, reopen, the s42 questions, marking an incident as
# possibly serious, follow-ups) once it has been sent to them. Trustees read and decide on
# serious incidents; they do not run the safeguarding response.
RESPONDERS = frozenset({Role.SAFEGUARDING_LEAD, Role.COORDINATOR, Role.HR_OFFICER})


class Spoken(enum.StrEnum):
    """Whether the person was spoken with before any action was taken."""

    YES = "yes"
    NOT_POSSIBLE = "not_possible"  # e.g. an emergency, or they could not be reached
    NO = "no"


SPOKEN_WORDS: dict[Spoken, str] = {
    Spoken.YES: "Yes, before any action",
    Spoken.NOT_POSSIBLE: "No - it wasn't possible first (say why in the reasons)",
    Spoken.NO: "No",
}


class Agency(enum.StrEnum):
    EMERGENCY = "emergency_999"
    CRISIS_TEAM = "crisis_team"
    GP = "gp"
    ADULT_SAFEGUARDING = "adult_safeguarding"
    POLICE = "police"


AGENCY_WORDS: dict[Agency, str] = {
    Agency.EMERGENCY: "999 (emergency services)",
    Agency.CRISIS_TEAM: "Crisis team",
    Agency.GP: "GP",
    Agency.ADULT_SAFEGUARDING: "Council adult safeguarding team",
    Agency.POLICE: "Police",
}


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


ANSWER_WORDS: dict[Answer, str] = {Answer.YES: "Yes", Answer.NO: "No",
                                   Answer.NOT_SURE: "Not sure"}

# The three Care Act 2014 s42 questions, in plain words.
S42_QUESTIONS: tuple[str, str, str] = (
    "Does the person have care and support needs? (For example because of their mental "
    "health, a disability or illness - whether or not anyone is meeting those needs.)",
    "Are they experiencing abuse or neglect, or at risk of it? (Including self-neglect.)",
    "Because of those needs, are they unable to protect themselves from it?",
)


class S42Decision(enum.StrEnum):
    REFER = "refer"
    NOT_REFER = "not_refer"


S42_DECISION_WORDS: dict[S42Decision, str] = {
    S42Decision.REFER: "Refer to the council's adult safeguarding team",
    S42Decision.NOT_REFER: "Not refer",
}

# The kinds the s42 step is offered for.
SAFEGUARDING_KINDS = frozenset({IncidentKind.SAFEGUARDING, IncidentKind.CRISIS,
                                IncidentKind.HARASSMENT})


def s42_applies(kind: IncidentKind) -> bool:
    return kind in SAFEGUARDING_KINDS


def s42_points_to_referral(answers: Sequence[Answer]) -> bool:
    """All three met (or not known to be unmet): the council's duty to make enquiries may
    apply, so the usual decision is to refer. A lead may still decide otherwise, with reasons."""
    return all(a is not Answer.NO for a in answers)


class Harm(enum.StrEnum):
    """Why an incident may be serious for the charity (the Charity Commission's headings)."""

    PEOPLE = "harm_to_people"
    LOSS = "loss"
    DAMAGE = "damage"
    REPUTATION = "reputation"


HARM_WORDS: dict[Harm, str] = {
    Harm.PEOPLE: "Harm to people the charity works with, staff or volunteers",
    Harm.LOSS: "Loss of money or assets",
    Harm.DAMAGE: "Damage to property",
    Harm.REPUTATION: "Harm to the charity's work or reputation",
}


class CharityDecision(enum.StrEnum):
    REPORTED = "reported"
    NOT_REPORTED = "not_reported"


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


# -- forms ------------------------------------------------------------------------------------
class NeedsMore(NeedsChanges):
    """A safeguarding form that needs changes before it can be saved (field -> words)."""


@dataclass(frozen=True)
class Referral:
    agency: Agency
    reference: str = ""


@dataclass(frozen=True)
class FollowUpForm:
    what: str = ""
    who: str | None = None  # a Slack user id
    by: date | None = None


@dataclass(frozen=True)
class OutcomeForm:
    what_was_done: str
    spoken: Spoken | None
    views_and_wishes: str
    decision: str
    reasons: str
    referrals: tuple[Referral, ...] = ()
    no_referral: bool = False
    follow_up: FollowUpForm = FollowUpForm()


class OutcomeField:
    DONE = "done"
    SPOKEN = "spoken"
    WISHES = "wishes"
    DECISION = "decision"
    REASONS = "reasons"
    REFERRALS = "referrals"
    FOLLOW_UP_WHAT = "follow_up_what"
    FOLLOW_UP_WHO = "follow_up_who"
    FOLLOW_UP_BY = "follow_up_by"


def _words(errors: dict[str, str], field: str, value: str, what: str, *,
           needed: bool = True, limit: int = LONG_TEXT) -> None:
    if needed and not value.strip():
        errors[field] = f"Please say {what}."
    elif len(value) > limit:
        errors[field] = f"Please keep this under {limit} characters."


def check_follow_up(form: FollowUpForm, today: date, errors: dict[str, str]) -> bool:
    """Adds what is wrong with a follow-up to `errors`; True when there is one to record. A
    follow-up is all or nothing: what, who and by when."""
    given = [bool(form.what.strip()), form.who is not None, form.by is not None]
    if not any(given):
        return False
    if not given[0]:
        errors[OutcomeField.FOLLOW_UP_WHAT] = "Please say what the follow-up is."
    elif len(form.what) > 500:
        errors[OutcomeField.FOLLOW_UP_WHAT] = "Please keep this under 500 characters."
    if not given[1]:
        errors[OutcomeField.FOLLOW_UP_WHO] = "Please choose who will do it."
    if form.by is None:
        errors[OutcomeField.FOLLOW_UP_BY] = "Please choose the day it is due."
    elif form.by < today:
        errors[OutcomeField.FOLLOW_UP_BY] = "Please choose today or a day after."
    return True


def check_outcome(form: OutcomeForm, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    _words(errors, OutcomeField.DONE, form.what_was_done, "what was done")
    if form.spoken is None:
        errors[OutcomeField.SPOKEN] = "Please say whether the person was spoken with first."
    _words(errors, OutcomeField.WISHES, form.views_and_wishes, "", needed=False)
    _words(errors, OutcomeField.DECISION, form.decision, "what was decided")
    _words(errors, OutcomeField.REASONS, form.reasons, "the reasons for the decision")
    if form.no_referral and form.referrals:
        errors[OutcomeField.REFERRALS] = "Please choose the referrals made, or none - not both."
    elif not form.no_referral and not form.referrals:
        errors[OutcomeField.REFERRALS] = "Please choose the referrals made, or none."
    elif any(len(r.reference) > REFERENCE_LENGTH for r in form.referrals):
        errors[OutcomeField.REFERRALS] = (f"Please keep each reference under "
                                          f"{REFERENCE_LENGTH} characters.")
    check_follow_up(form.follow_up, today, errors)
    return errors


def validate_outcome(form: OutcomeForm, today: date) -> OutcomeForm:
    errors = check_outcome(form, today)
    if errors:
        raise NeedsMore(errors)
    return form


def parse_references(agencies: Sequence[Agency], typed: str) -> tuple[Referral, ...]:
    """Reference numbers are typed one per line, in the order the agencies are listed
    ("Police: 1234" also works); a missing one is left blank."""
    labelled: dict[str, str] = {}
    plain: list[str] = []
    for line in (raw.strip() for raw in typed.splitlines()):
        if not line:
            continue
        name, sep, rest = line.partition(":")
        match = next((a for a in agencies if sep and name.strip().lower() in
                      {a.value, AGENCY_WORDS[a].lower(), AGENCY_WORDS[a].split(" (")[0].lower()}),
                     None)
        if match is not None:
            labelled[match.value] = rest.strip()
        else:
            plain.append(line)
    out: list[Referral] = []
    for agency in agencies:
        reference = labelled.get(agency.value)
        if reference is None:
            reference = plain.pop(0) if plain else ""
        out.append(Referral(agency, reference))
    return tuple(out)


@dataclass(frozen=True)
class S42Form:
    answers: tuple[Answer | None, Answer | None, Answer | None]
    decision: S42Decision | None
    reasons: str
    reference: str = ""


class S42Field:
    Q1, Q2, Q3 = "q1", "q2", "q3"
    DECISION = "decision"
    REASONS = "reasons"
    REFERENCE = "reference"


def check_s42(form: S42Form) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, answer in zip((S42Field.Q1, S42Field.Q2, S42Field.Q3), form.answers,
                             strict=True):
        if answer is None:
            errors[field] = "Please choose yes, no or not sure."
    if form.decision is None:
        errors[S42Field.DECISION] = "Please say whether you are referring."
    _words(errors, S42Field.REASONS, form.reasons, "the reasons for the decision")
    if len(form.reference) > REFERENCE_LENGTH:
        errors[S42Field.REFERENCE] = f"Please keep this under {REFERENCE_LENGTH} characters."
    return errors


@dataclass(frozen=True)
class CharityDecisionForm:
    decision: CharityDecision | None
    reported_on: date | None
    reference: str
    reason: str


class CharityField:
    DECISION = "decision"
    REPORTED_ON = "reported_on"
    REFERENCE = "reference"
    REASON = "reason"


def check_charity_decision(form: CharityDecisionForm, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.decision is None:
        errors[CharityField.DECISION] = "Please choose reported or not reported."
    elif form.decision is CharityDecision.REPORTED:
        if form.reported_on is None:
            errors[CharityField.REPORTED_ON] = "Please choose the day it was reported."
        elif form.reported_on > today:
            errors[CharityField.REPORTED_ON] = "Please choose today or an earlier day."
        if not form.reference.strip():
            errors[CharityField.REFERENCE] = "Please give the Charity Commission's reference."
        elif len(form.reference) > REFERENCE_LENGTH:
            errors[CharityField.REFERENCE] = (f"Please keep this under {REFERENCE_LENGTH} "
                                              "characters.")
    else:
        _words(errors, CharityField.REASON, form.reason, "why it is not being reported")
    return errors


# -- reminders --------------------------------------------------------------------------------
def follow_up_reminder(due_at: datetime, reminders_sent: int, grace: timedelta
                       ) -> tuple[bool, datetime]:
    """A follow-up's next reminder: the first on the day it is due goes to the person doing it;
    every one after (each `grace` later) goes to them and to the safeguarding leads as well.
    Returns (escalate?, when the one after is due)."""
    escalate = reminders_sent >= 1
    return escalate, due_at + grace * (reminders_sent + 1)


class BreachOutcome(enum.StrEnum):
    """How a breach follow-up ended. None of them changes membership or a voice in decisions."""

    TALKED = "talked"                # the conversation happened
    NO_BREAK = "no_break"            # a hiatus review found no break was needed
    BREAK_AGREED = "break_agreed"    # a break from an active role was agreed
    NOT_GOING_AHEAD = "not_going_ahead"


BREACH_OUTCOME_WORDS: dict[BreachOutcome, str] = {
    BreachOutcome.TALKED: "We talked it through",
    BreachOutcome.NO_BREAK: "Reviewed: no break needed",
    BreachOutcome.BREAK_AGREED: "Reviewed: a break from an active role was agreed",
    BreachOutcome.NOT_GOING_AHEAD: "Not going ahead",
}
