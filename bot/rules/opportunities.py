"""Involvement opportunities as rules: the posting form's checks, money as people type it, the
written offer's words (kept as the agreement once accepted), where an involvement may go next,
when its wellbeing checks fall due, whether a story or output may still be used, the exit
form's checks and when anonymous exit answers may be shown, and the words of the text that
announces an opportunity. Plain values in, plain values out."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.rules.forms import NeedsChanges
from bot.rules.involvement import (
    OPPORTUNITY_KIND_WORDS,
    CheckStage,
    InvolvementStatus,
    OpportunityKind,
    PaymentChoice,
    Recompense,
)
from bot.rules.roles import Role

OK_TO_SAY_NO = "It's OK to say no, to stop or to withdraw at any time."
PAID = (Recompense.FEE, Recompense.VOUCHER)  # the kinds of recompense with an amount

# Dates only are asked for; the check-ins they time come at kind hours of those days.
WORK_STARTS = time(10, 0)
WORK_ENDS = time(17, 0)
MOST_POUNDS = 10_000  # above this an amount is surely a slip of the keyboard
# Who may be an opportunity's named contact, and stays it only while they hold one of these.
CONTACT_ROLES = frozenset({Role.COORDINATOR, Role.HR_OFFICER})


def may_be_contact(roles: frozenset[Role]) -> bool:
    """Whether someone with these roles may be (or go on being) a named contact: the contact
    sees who is interested and hears when someone asks for support, so losing the role that
    qualified them ends it, and the coordinators hear instead."""
    return bool(roles & CONTACT_ROLES)


# -- money as people type it ------------------------------------------------------------------
_POUNDS = re.compile(r"£?\s*([0-9]{1,7})(?:\.([0-9]{1,2}))?")


def parse_pounds(text: str) -> int | None:
    """Whole pence from "25", "25.50", "£25.5" or "£ 25"; None for anything else."""
    found = _POUNDS.fullmatch(text.strip())
    if found is None:
        return None
    pence = (found.group(2) or "").ljust(2, "0")
    return int(found.group(1)) * 100 + int(pence or "0")


def pounds(pence: int) -> str:
    """£12.50, as amounts are shown (to the person and coordinators only)."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


# The example each amount box shows in its hint, and its error repeats: the two must agree.
FEE_EXAMPLE = "25 or 25.50"        # the posting form's amount
TAKE_LESS_EXAMPLE = "10 or 12.50"  # how much of a payment to take


def check_amount(text: str, *, most: int | None = None,
                 example: str = FEE_EXAMPLE) -> tuple[int | None, str | None]:
    """(pence, None), or (None, a kind sentence) for an amount that can't be right; `example`
    as the form's hint gives it."""
    pence = parse_pounds(text)
    if pence is None:
        return None, f"Please write the amount in pounds, like {example}."
    if pence <= 0:
        return None, "Please give an amount above £0."
    if pence > (most if most is not None else MOST_POUNDS * 100):
        if most is not None:
            return None, f"Please give an amount below the full {pounds(most)}."
        return None, f"Please check the amount: it's more than {pounds(MOST_POUNDS * 100)}."
    return pence, None


# -- the text that announces an opportunity ---------------------------------------------------
# A text is read on a lock screen, by anyone who picks up the phone: it names the kind of
# opportunity only (never its title, which may say what it is about), and who to ask. It goes
# to those who only take texts, so it points to a coordinator rather than to Slack.
KIND_IN_A_TEXT: dict[OpportunityKind, str] = {
    OpportunityKind.CONSULTATION: "a consultation",
    OpportunityKind.TRAINING: "helping to deliver training",
    OpportunityKind.INTERVIEW_PANEL: "an interview panel",
    OpportunityKind.PEER_SUPPORT: "peer support work",
    OpportunityKind.SPEAKING: "speaking or sharing a story",
    OpportunityKind.OTHER: "something else",
}


def opportunity_text(kind: OpportunityKind) -> str:
    return (f"A new way to get involved: {KIND_IN_A_TEXT[kind]}. If you'd like to hear more, "
            "please tell a coordinator.")


# -- posting an opportunity -------------------------------------------------------------------
class OpportunityField(enum.StrEnum):
    KIND = "kind"
    TITLE = "title"
    PURPOSE = "purpose"
    EXPECTED = "expected"
    WHEN_WHERE = "when_where"
    TIME_NEEDED = "time_needed"
    EXPERIENCE = "experience"
    RECOMPENSE = "recompense"
    AMOUNT = "amount"
    CONTACT = "contact"
    STARTS = "starts"
    ENDS = "ends"


# The typed fields, their limits (the columns' sizes) and what to ask when one is missing
# (None: it may be left empty).
TEXT_FIELDS: dict[OpportunityField, tuple[int, str | None]] = {
    OpportunityField.TITLE: (150, "Please give it a short title."),
    OpportunityField.PURPOSE: (2000, "Please say what it's for and what it should achieve."),
    OpportunityField.EXPECTED: (2000, "Please say what the person will be asked to do."),
    OpportunityField.WHEN_WHERE: (300, "Please say when and where, or that it's remote."),
    OpportunityField.TIME_NEEDED: (200, "Please say how much time it takes."),
    OpportunityField.EXPERIENCE: (1000, None),
}


@dataclass(frozen=True)
class OpportunityDraft:
    """The posting form as typed."""

    kind: OpportunityKind | None = None
    title: str = ""
    purpose: str = ""
    expected: str = ""
    when_where: str = ""
    time_needed: str = ""
    experience: str = ""
    recompense: Recompense | None = None
    amount: str = ""
    shares_story: bool = False
    published_outputs: bool = False
    contact_slack_id: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None

    def text(self, name: OpportunityField) -> str:
        # A NUL can't be stored in a text column (PostgreSQL refuses it), and means nothing.
        return str(getattr(self, name.value)).replace("\x00", "").strip()


@dataclass(frozen=True)
class ValidOpportunity:
    kind: OpportunityKind
    title: str
    purpose: str
    expected: str
    when_where: str
    time_needed: str
    experience: str
    recompense: Recompense
    amount_pence: int | None
    shares_story: bool
    published_outputs: bool
    contact_slack_id: str
    starts_at: datetime | None
    ends_at: datetime | None


class InvalidOpportunity(NeedsChanges):
    """Keys are OpportunityField values."""


def _check_money(draft: OpportunityDraft) -> tuple[int | None, dict[str, str]]:
    if draft.recompense is None:
        return None, {OpportunityField.RECOMPENSE: "Please choose the recompense agreed "
                                                    "in advance (it can be none)."}
    if draft.recompense not in PAID:
        if draft.amount.strip():
            return None, {OpportunityField.AMOUNT: "An amount is only for a fee or a voucher: "
                                                   "please clear it, or choose one of those."}
        return None, {}
    if not draft.amount.strip():
        return None, {OpportunityField.AMOUNT: "Please give the amount agreed in advance, "
                                               f"like {FEE_EXAMPLE}."}
    pence, problem = check_amount(draft.amount)
    return pence, ({OpportunityField.AMOUNT: problem} if problem else {})


def _check_dates(draft: OpportunityDraft, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if draft.starts_on and draft.starts_on < today:
        errors[OpportunityField.STARTS] = "That day has already passed. Please choose a later one."
    if draft.ends_on and draft.ends_on < today:
        errors[OpportunityField.ENDS] = "That day has already passed. Please choose a later one."
    elif draft.starts_on and draft.ends_on and draft.ends_on < draft.starts_on:
        errors[OpportunityField.ENDS] = "The last day can't be before the first."
    return errors


def validate_opportunity(draft: OpportunityDraft, now: datetime,
                         tz: tzinfo) -> ValidOpportunity:
    """The posting, checked; InvalidOpportunity names each field to change, all at once.
    (Whether the contact may be one is for the service, which knows people's roles.)"""
    errors: dict[str, str] = {}
    if draft.kind is None:
        errors[OpportunityField.KIND] = "Please choose what kind of opportunity it is."
    for name, (limit, missing) in TEXT_FIELDS.items():
        typed = draft.text(name)
        if not typed and missing:
            errors[name] = missing
        elif len(typed) > limit:
            errors[name] = f"Please keep this under {limit} characters."
    pence, money = _check_money(draft)
    errors.update(money)
    if not draft.contact_slack_id:
        errors[OpportunityField.CONTACT] = ("Please name a contact: a coordinator or the HR "
                                            "officer.")
    errors.update(_check_dates(draft, now.astimezone(tz).date()))
    if errors:
        raise InvalidOpportunity(errors)
    assert draft.kind and draft.recompense and draft.contact_slack_id  # checked above
    return ValidOpportunity(
        kind=draft.kind, title=draft.text(OpportunityField.TITLE),
        purpose=draft.text(OpportunityField.PURPOSE),
        expected=draft.text(OpportunityField.EXPECTED),
        when_where=draft.text(OpportunityField.WHEN_WHERE),
        time_needed=draft.text(OpportunityField.TIME_NEEDED),
        experience=draft.text(OpportunityField.EXPERIENCE), recompense=draft.recompense,
        amount_pence=pence, shares_story=draft.shares_story,
        published_outputs=draft.published_outputs, contact_slack_id=draft.contact_slack_id,
        starts_at=datetime.combine(draft.starts_on, WORK_STARTS, tzinfo=tz)
        if draft.starts_on else None,
        ends_at=datetime.combine(draft.ends_on, WORK_ENDS, tzinfo=tz) if draft.ends_on else None)


# -- the written offer ------------------------------------------------------------------------
@dataclass(frozen=True)
class OfferTerms:
    """Everything the offer states, as the opportunity was posted."""

    org: str
    kind: OpportunityKind
    title: str
    purpose: str
    expected: str
    when_where: str
    time_needed: str
    experience: str
    recompense: Recompense
    amount_pence: int | None
    shares_story: bool
    published_outputs: bool
    contact_name: str
    first_day: date | None = None
    last_day: date | None = None


def recompense_words(recompense: Recompense, amount_pence: int | None) -> str:
    amount = pounds(amount_pence) if amount_pence else "an amount still to be agreed"
    return {
        Recompense.FEE: f"A fee of {amount}.",
        Recompense.VOUCHER: f"A voucher worth {amount}.",
        Recompense.EXPENSES_ONLY: "Your expenses are covered. There is no fee.",
        Recompense.NONE: "There is no fee. Expenses are still covered if agreed beforehand.",
    }[recompense]


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _dates(first: date | None, last: date | None) -> str | None:
    if first and last and first != last:
        return f"From {_day(first)} to {_day(last)}"
    if first and last:
        return f"On {_day(first)}"
    if first:
        return f"Starting on {_day(first)}"
    if last:
        return f"Until {_day(last)}"
    return None


def _consent_words(terms: OfferTerms) -> str | None:
    what = [words for asked, words in (
        (terms.shares_story, "shares a personal story"),
        (terms.published_outputs, "has outputs that will be published")) if asked]
    if not what:
        return None
    return (f"Consent: this work {' and '.join(what)}. We will ask for your consent before it "
            "starts and again after it ends. You can withdraw it at any time.")


def offer_words(terms: OfferTerms, welfare_rights_advice: str) -> str:
    """The written offer, word for word as the person reads it and as it is kept once they
    accept it. Coprod never gives benefits advice: it points to independent advice."""
    lines = [f"{terms.org} would like to offer you: {terms.title} "
             f"({OPPORTUNITY_KIND_WORDS[terms.kind]}).",
             "",
             f"Purpose and outcomes: {terms.purpose}",
             f"What is expected: {terms.expected}",
             f"When and where: {terms.when_where}"]
    dates = _dates(terms.first_day, terms.last_day)
    if dates:
        lines.append(f"Dates: {dates}.")
    experience = terms.experience or "No particular experience is needed."
    recompense = recompense_words(terms.recompense, terms.amount_pence)
    lines += [f"Time it takes: {terms.time_needed}",
              f"Experience it needs: {experience}",
              f"Recompense, agreed in advance: {recompense}"]
    if terms.recompense in PAID:
        # Sentences of at most 15 words: the terms are shown word for word in easy read too.
        lines += ["If you accept, you choose what happens to the payment.",
                  "You can take it, take less, have it donated to the charity, or decline it.",
                  "Payment can affect some benefits. Coprod can't give benefits advice.",
                  f"For free, independent advice: {welfare_rights_advice}"]
    consent = _consent_words(terms)
    if consent:
        lines.append(consent)
    lines += [f"Your contact: {terms.contact_name}", "", OK_TO_SAY_NO]
    return "\n".join(lines)


# -- where an involvement may go next ---------------------------------------------------------
class Move(enum.StrEnum):
    INTEREST = "interest"
    OFFER = "offer"
    ACCEPT = "accept"
    DECLINE = "decline"
    PAUSE = "pause"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    END = "end"


S = InvolvementStatus
ACTIVE = (S.ACCEPTED, S.PAUSED)  # agreed and not over: what ends when someone leaves
MOVES: dict[Move, tuple[tuple[InvolvementStatus, ...], InvolvementStatus]] = {
    # Saying no, or withdrawing, is never final: interest can be shown again.
    Move.INTEREST: ((S.DECLINED, S.WITHDRAWN), S.INTERESTED),
    Move.OFFER: ((S.INTERESTED,), S.OFFERED),
    Move.ACCEPT: ((S.OFFERED,), S.ACCEPTED),
    Move.DECLINE: ((S.OFFERED,), S.DECLINED),
    Move.PAUSE: ((S.ACCEPTED,), S.PAUSED),
    Move.RESUME: ((S.PAUSED,), S.ACCEPTED),
    Move.WITHDRAW: ((S.INTERESTED, S.OFFERED, S.ACCEPTED, S.PAUSED), S.WITHDRAWN),
    Move.END: (ACTIVE, S.ENDED),
}


class Step(enum.StrEnum):
    """What the contact is told the person did (each step, without blame)."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    PAUSED = "paused"
    RESUMED = "resumed"
    WITHDRAWN = "withdrawn"
    LEFT = "left"
    PAYMENT_CHOSEN = "payment_chosen"
    CONSENT_GIVEN = "consent_given"
    CONSENT_REFUSED = "consent_refused"
    CONSENT_WITHDRAWN = "consent_withdrawn"


def next_status(current: InvolvementStatus, move: Move) -> InvolvementStatus | None:
    """Where a move takes an involvement from `current`, or None when it doesn't apply (a
    button from an older message: nothing changes)."""
    allowed, to = MOVES[move]
    return to if current in allowed else None


def moves_open_to_person(status: InvolvementStatus) -> tuple[Move, ...]:
    """The buttons the person sees on their involvement."""
    return tuple(m for m in (Move.INTEREST, Move.ACCEPT, Move.DECLINE, Move.PAUSE,
                             Move.RESUME, Move.WITHDRAW) if next_status(status, m))


# -- payment choice ---------------------------------------------------------------------------
def amount_taken(choice: PaymentChoice, full_pence: int,
                 less_pence: int | None = None) -> int:
    """What the person takes of the agreed amount: all, part, or none (donated or declined)."""
    if choice is PaymentChoice.TAKE:
        return full_pence
    if choice is PaymentChoice.TAKE_LESS:
        if less_pence is None or not 0 < less_pence < full_pence:
            raise NeedsChanges({"amount": f"Please give an amount below {pounds(full_pence)}."})
        return less_pence
    return 0


def fee_due_pence(recompense: Recompense, amount_pence: int | None,
                  choice: PaymentChoice | None, taken_pence: int | None) -> int | None:
    """The fee or voucher the charity owes the person under their agreement: None while they
    haven't chosen yet (or for expenses only / none), 0 when donated or declined."""
    if recompense not in PAID or amount_pence is None or choice is None:
        return None
    return taken_pence if taken_pence is not None else amount_taken(choice, amount_pence)


# -- wellbeing checks -------------------------------------------------------------------------
def wellbeing_due(accepted_at: datetime, starts_at: datetime | None, ends_at: datetime | None,
                  follow_up_days: int) -> dict[CheckStage, datetime]:
    """When each check falls due: before (the day before it starts, or at acceptance if that
    is sooner), at the end (its end, or its start), and a follow-up some days after. Without
    any date, only the one before: the others are dated when it is marked ended."""
    due = {CheckStage.BEFORE: accepted_at if starts_at is None
           else max(accepted_at, starts_at - timedelta(days=1))}
    end = ends_at or starts_at
    if end is not None:
        end = max(end, accepted_at)
        due[CheckStage.END] = end
        due[CheckStage.FOLLOW_UP] = end + timedelta(days=follow_up_days)
    return due


def checks_when_ended(ended_at: datetime, planned: dict[CheckStage, datetime],
                      follow_up_days: int) -> dict[CheckStage, datetime | None]:
    """Unsent checks once the work is marked ended: the end check now, the follow-up some days
    after it (or as planned, when the end check has gone and that is still to come), and no
    check "before" any more (None: drop it), even one whose day has come but which has not
    gone yet: "coming up soon" beside the thanks at the end says the opposite. A check left
    past its day (the work was paused then) is never kept there: the sender skips checks long
    past due, and it would be lost."""
    follow_up = ended_at + timedelta(days=follow_up_days)
    planned_follow_up = planned.get(CheckStage.FOLLOW_UP)
    keep_follow_up = (CheckStage.END not in planned and planned_follow_up is not None
                      and ended_at <= planned_follow_up <= follow_up)
    moved: dict[CheckStage, datetime | None] = {
        CheckStage.END: ended_at,
        CheckStage.FOLLOW_UP: planned_follow_up if keep_follow_up else follow_up}
    if CheckStage.BEFORE in planned:
        moved[CheckStage.BEFORE] = None
    return moved


def checks_when_resumed(resumed_at: datetime, planned: dict[CheckStage, datetime],
                        follow_up_days: int) -> dict[CheckStage, datetime]:
    """Unsent end and follow-up checks whose day passed while the work was paused: the end
    check now and the follow-up some days after (the sender skips checks long past due, so
    left where they were they would be lost). Checks still to come keep their day; the check
    "before" is not asked once the work has begun, so it is left as it is."""
    follow_up = resumed_at + timedelta(days=follow_up_days)
    moved: dict[CheckStage, datetime] = {}
    end = planned.get(CheckStage.END)
    if end is not None and end < resumed_at:
        moved[CheckStage.END] = resumed_at
    after = planned.get(CheckStage.FOLLOW_UP)
    if after is not None and (after < resumed_at or (CheckStage.END in moved
                                                     and after < follow_up)):
        moved[CheckStage.FOLLOW_UP] = follow_up
    return moved


# -- consent for stories and outputs ----------------------------------------------------------
class UseVerdict(enum.StrEnum):
    MAY_USE = "may_use"
    WITHDRAWN = "withdrawn"
    NOT_GIVEN = "not_given"       # they said no (before or after)
    NOT_ANSWERED = "not_answered"  # asked, no answer yet


USE_WORDS: dict[UseVerdict, str] = {
    UseVerdict.MAY_USE: "May be used",
    UseVerdict.WITHDRAWN: "May not be used: consent was withdrawn",
    UseVerdict.NOT_GIVEN: "May not be used: consent wasn't given",
    UseVerdict.NOT_ANSWERED: "May not be used yet: waiting for their answer",
}


def story_use(before: bool | None, after_asked: bool, after: bool | None,
              withdrawn: bool) -> UseVerdict:
    """Whether a story or output may be used now. Consent is asked before the work and again
    after it ends; once the work has ended the answer given after is the one that counts, and
    a withdrawal stops every later use."""
    if withdrawn:
        return UseVerdict.WITHDRAWN
    answer = after if after_asked else before
    if answer is None:
        return UseVerdict.NOT_ANSWERED
    return UseVerdict.MAY_USE if answer else UseVerdict.NOT_GIVEN


def check_story_use(what: str, used_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not what.strip():
        errors["what"] = "Please say where or how it was used."
    elif len(what) > 500:
        errors["what"] = "Please keep this under 500 characters."
    if used_on is None:
        errors["used_on"] = "Please choose the day it was used."
    return errors


# -- the exit form ----------------------------------------------------------------------------
class Recommend(enum.StrEnum):
    YES = "yes"
    NOT_SURE = "not_sure"
    NO = "no"


RECOMMEND_WORDS: dict[Recommend, str] = {
    Recommend.YES: "Yes",
    Recommend.NOT_SURE: "Not sure",
    Recommend.NO: "No",
}

EXIT_QUESTIONS: dict[str, str] = {
    "went_well": "What went well?",
    "could_be_better": "What could have been better?",
    "anything_else": "Anything else you'd like us to know?",
}
EXIT_LIMIT = 2000


@dataclass(frozen=True)
class ExitForm:
    went_well: str = ""
    could_be_better: str = ""
    recommend: Recommend | None = None
    anything_else: str = ""
    anonymous: bool = True

    @property
    def empty(self) -> bool:
        return self.recommend is None and not any(
            getattr(self, name).strip() for name in EXIT_QUESTIONS)

    def answers(self) -> dict[str, str | None]:
        """What is kept: the words as typed and the recommendation; nothing about who."""
        kept: dict[str, str | None] = {name: getattr(self, name).strip() for name in EXIT_QUESTIONS}
        kept["recommend"] = self.recommend.value if self.recommend else None
        return kept


def check_exit(form: ExitForm) -> dict[str, str]:
    """Every question may be left out; only overlong answers need changes."""
    return {name: f"Please keep this under {EXIT_LIMIT} characters."
            for name in EXIT_QUESTIONS if len(getattr(form, name)) > EXIT_LIMIT}


# In a small charity one person may be the only one to leave in a month, and their contact
# knows who it was: fewer anonymous answers than this, shown together, would name them.
ANONYMOUS_TOGETHER = 3


def month_of(day: date) -> date:
    """The month a day falls in, as its first day (how anonymous exit answers are dated)."""
    return day.replace(day=1)


def anonymous_releases(counts: Mapping[date, int], this_month: date) -> dict[date, date]:
    """For each month anonymous exit answers came in (by its first day, with how many), the
    month they are shown under, if they may be shown yet; a month left out is held.

    Only months that have ended count (never `this_month`). Going from the earliest, months
    are gathered until at least ANONYMOUS_TOGETHER answers are together; they are then shown
    all at once under the last month gathered, so a small month is folded into the next and
    nothing shows it was once alone. Answers still short of that are held for later months.
    Every export works this out from all the answers kept, so no two exports group them
    differently."""
    released: dict[date, date] = {}
    waiting: list[date] = []
    gathered = 0
    for month in sorted(m for m in counts if m < this_month):
        waiting.append(month)
        gathered += counts[month]
        if gathered >= ANONYMOUS_TOGETHER:
            released.update({held: month for held in waiting})
            waiting, gathered = [], 0
    return released
