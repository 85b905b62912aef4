"""What follows an incident, as rules: the outcome a lead records, referrals, the three Care Act
s42 questions, serious incidents the trustees decide on, and follow-ups with a due date.
Plain values only; the words people see are here so every renderer says the same."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.rules.forms import NeedsChanges
from bot.rules.incidents import BreachStep, IncidentKind
from bot.rules.lifecycle import RequestStatus
from bot.rules.roles import Role

LONG_TEXT = 3000
REFERENCE_LENGTH = 60

# Who may act on the record (resolve, reopen, the s42 questions, marking an incident as
# possibly serious, follow-ups) once it has been sent to them. Trustees read and decide on
# serious incidents; they do not run the safeguarding response.
RESPONDERS = frozenset({Role.SAFEGUARDING_LEAD, Role.COORDINATOR, Role.HR_OFFICER})
# ...unless nobody else can: an incident routed only to the trustees (no HR officer, and every
# coordinator named in it or related to someone who is) could otherwise be acknowledged but
# never resolved. While none of the people it was sent to holds a responder role now without
# being named in it, the trustees it was sent to stand in for the responders, in every step.
STANDING_IN = RESPONDERS | {Role.TRUSTEE}


def responding_roles(a_responder_can_act: bool) -> frozenset[Role]:
    """Who may take the response's steps on an incident (acknowledge, notes, resolve, reopen,
    follow-ups, the s42 questions, marking it serious) once it has been sent to them."""
    return RESPONDERS if a_responder_can_act else STANDING_IN


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
@dataclass(frozen=True)
class FollowUpReminder:
    number: int           # 1: due today; 2 and on: missed
    chase: bool           # the safeguarding leads are chased too
    next_at: datetime     # when the one after is due


def follow_up_reminder(due_at: datetime, reminders_sent: int, grace: timedelta,
                       now: datetime) -> FollowUpReminder:
    """A follow-up's reminder, sent now: the first on the day it is due goes to the person doing
    it; every one after (each `grace` later) goes to them and to the safeguarding leads as well.
    After the job was stopped for a while, one reminder goes (a missed one, if the grace period
    has passed), and the next a grace period on from the due time, never already past: no
    burst of the reminders missed meanwhile."""
    missed = now - due_at >= grace
    number = max(reminders_sent + 1, 2 if missed else 1)
    return FollowUpReminder(number, number >= 2, next_reminder_after(due_at, now, grace))


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


# -- the s42 step -----------------------------------------------------------------------------
def s42_summary(answers: Sequence[Answer], decision: S42Decision) -> str:
    """Plain words for the timeline (never anything typed): how the three questions were
    answered, and the decision. "all three met; refer"."""
    met = sum(a is Answer.YES for a in answers)
    unsure = sum(a is Answer.NOT_SURE for a in answers)
    if met == len(answers):
        found = "all three met"
    elif s42_points_to_referral(answers):
        found = f"{met} met, {unsure} not sure"
    else:
        found = "not all three met"
    return f"{found}; {'refer' if decision is S42Decision.REFER else 'not refer'}"


# -- breach tasks -----------------------------------------------------------------------------
# The outcomes each kind of breach follow-up can end with.
BREACH_OUTCOMES: dict[BreachStep, tuple[BreachOutcome, ...]] = {
    BreachStep.TALK_IT_THROUGH: (BreachOutcome.TALKED, BreachOutcome.NOT_GOING_AHEAD),
    BreachStep.HIATUS_REVIEW: (BreachOutcome.NO_BREAK, BreachOutcome.BREAK_AGREED,
                               BreachOutcome.NOT_GOING_AHEAD),
}
BREACH_NOTE_LENGTH = 1000


@dataclass(frozen=True)
class BreachOutcomeForm:
    outcome: BreachOutcome | None
    note: str = ""


class BreachField:
    OUTCOME = "outcome"
    NOTE = "note"


def check_breach_outcome(step: BreachStep, form: BreachOutcomeForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.outcome is None or form.outcome not in BREACH_OUTCOMES.get(step, ()):
        errors[BreachField.OUTCOME] = "Please choose how it went."
    _words(errors, BreachField.NOTE, form.note, "", needed=False, limit=BREACH_NOTE_LENGTH)
    return errors


def breach_task_status(outcome: BreachOutcome) -> RequestStatus:
    """A follow-up not going ahead is declined; any other outcome means it was arranged."""
    return (RequestStatus.DECLINED if outcome is BreachOutcome.NOT_GOING_AHEAD
            else RequestStatus.ARRANGED)


# -- oversight: serious incidents for the trustees, and their digest -------------------------
# Short words for a harm, as a trustee's message and the timeline say it.
HARM_SHORT_WORDS: dict[Harm, str] = {
    Harm.PEOPLE: "harm to people",
    Harm.LOSS: "loss of money or assets",
    Harm.DAMAGE: "damage to property",
    Harm.REPUTATION: "harm to the charity's reputation",
}


def store_harms(harms: Sequence[Harm]) -> str:
    """The harms as stored: their values, comma-joined, in the form's order, each once."""
    return ",".join(h.value for h in Harm if h in harms)


def read_harms(stored: str) -> tuple[Harm, ...]:
    """The harms stored, ignoring any value this version no longer knows."""
    values = set(stored.split(","))
    return tuple(h for h in Harm if h.value in values)


def harms_in_words(harms: Sequence[Harm]) -> str:
    """"harm to people and damage to property"."""
    words = [HARM_SHORT_WORDS[h] for h in Harm if h in harms]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def next_reminder_after(due: datetime, now: datetime, every: timedelta) -> datetime:
    """A reminder period after the one just sent, and never already past: after the job was
    stopped for a while, the trustees get one reminder, not one for each period missed."""
    missed = max((now - due) // every, 0)
    return due + every * (missed + 1)


def days_since(then: datetime, now: datetime) -> int:
    return max((now - then).days, 0)


def digest_period(today: date, months: int) -> tuple[date, date]:
    """The `months` whole months just ended before today's month: the first day of the first,
    and the first day after the last."""
    end = today.replace(day=1)
    first = end.year * 12 + end.month - 1 - months
    return date(first // 12, first % 12 + 1, 1), end


def median_days(durations: Sequence[timedelta]) -> float | None:
    """The median, in days to one decimal place; None when there is nothing to measure."""
    if not durations:
        return None
    ordered = sorted(d.total_seconds() / 86400 for d in durations)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return round(value, 1)


class SeriousField:
    HARMS = "harms"


def check_serious(harms: Sequence[Harm]) -> dict[str, str]:
    if not harms:
        return {SeriousField.HARMS: "Please choose at least one way it may be serious."}
    return {}


# -- the record: its chronology, resolving, reopening, follow-ups (incident_record) -----------
# A timeline step's name in plain words, for the record and its export. A step this table
# doesn't know is shown by its name, underscores as spaces.
STEP_WORDS: dict[str, str] = {
    "reported": "Reported",
    "notified": "Alert sent",
    "escalated": "Escalated: nobody had picked it up yet",
    "texted": "Texts sent",
    "acknowledged": "Picked up",
    "note": "Note",
    "outcome recorded": "Outcome recorded",
    "referral": "Referral made",
    "resolved": "Resolved",
    "reopened": "Reopened",
    "s42": "Safeguarding adults questions answered",
    "marked possibly serious": "Marked as possibly serious for the charity",
    "trustee acknowledged": "A trustee acknowledged it",
    "charity decision": "The trustees' decision recorded",
    "follow-up added": "Follow-up added",
    "follow-up done": "Follow-up done",
    "follow-up reminded": "Follow-up reminder sent",
    "talk_it_through": "A talk it through asked for",
    "hiatus_review": "A hiatus review asked for",
    "breach task acknowledged": "Breach follow-up acknowledged",
    "breach task outcome": "Breach follow-up outcome recorded",
    "trustees reminded": "Trustees reminded of the decision to make",
}


def step_words(step: str) -> str:
    return STEP_WORDS.get(step, step.replace("_", " "))


# How a referral reads on the timeline (plain words, no names, never anything typed).
REFERRAL_DETAIL: dict[Agency, str] = {
    Agency.EMERGENCY: "to 999",
    Agency.CRISIS_TEAM: "to the crisis team",
    Agency.GP: "to their GP",
    Agency.ADULT_SAFEGUARDING: "to the council's adult safeguarding team",
    Agency.POLICE: "to the police",
}

FOLLOW_UP_HOUR = time(9, 0)  # a follow-up is due at 9am local time on the day chosen
NOT_A_RESPONDER = ("Please choose a safeguarding lead, coordinator or HR officer: follow-ups "
                   "go to the people who respond to incidents.")
NOT_RESPONDING = ("Please choose a safeguarding lead, coordinator, HR officer or trustee: "
                  "follow-ups go to the people who respond to this incident.")
NAMED_IN_IT = "They are named in this incident, so it can't go to them. Please choose someone else."


class ReopenField:
    WHY = "why"


def check_follow_up_form(form: FollowUpForm, today: date) -> dict[str, str]:
    """A follow-up added on its own: what, who and by when are all needed."""
    errors: dict[str, str] = {}
    if not check_follow_up(form, today, errors):
        errors = {OutcomeField.FOLLOW_UP_WHAT: "Please say what the follow-up is.",
                  OutcomeField.FOLLOW_UP_WHO: "Please choose who will do it.",
                  OutcomeField.FOLLOW_UP_BY: "Please choose the day it is due."}
    return errors


def check_follow_up_person(roles: frozenset[Role], named_in_it: bool,
                           responding: frozenset[Role] = RESPONDERS) -> dict[str, str]:
    """Whoever a follow-up goes to holds one of the roles responding to the incident now (see
    `responding_roles`), and is not named in it."""
    if not roles & responding:
        return {OutcomeField.FOLLOW_UP_WHO: NOT_A_RESPONDER if responding == RESPONDERS
                else NOT_RESPONDING}
    if named_in_it:
        return {OutcomeField.FOLLOW_UP_WHO: NAMED_IN_IT}
    return {}


def check_reopen(why: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    _words(errors, ReopenField.WHY, why, "why it is being reopened")
    return errors


def follow_up_due_at(by: date, tz: tzinfo) -> datetime:
    return datetime.combine(by, FOLLOW_UP_HOUR, tzinfo=tz)


def short_day(moment: datetime, tz: tzinfo) -> str:
    """"12 Dec", in the organisation's time zone."""
    local = moment.astimezone(tz)
    return f"{local.day} {local:%b}"
