"""Expenses and payments, as rules: an amount typed in pounds, what a claim may be, how a claim
moves on, the tax year (6 April to 5 April), and when a yearly total nears the configured
amount. Plain values in and out; the words every renderer uses."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from bot.rules.involvement import ClaimKind, ClaimStatus, PaymentChoice, Recompense

# Above this a claim is surely a slip of the keyboard: £1,000 in one claim.
MAX_CLAIM_PENCE = 100_000
WHAT_MAX = 500
QUESTION_MAX = 500
# Shares of the yearly amount at which the person and the coordinators are told, once each.
YEARLY_THRESHOLDS = (80, 100)

CLAIM_KIND_WORDS: dict[ClaimKind, str] = {
    ClaimKind.EXPENSES: "Expenses",
    ClaimKind.FEE: "The agreed fee",
}

CLAIM_STATUS_WORDS: dict[ClaimStatus, str] = {
    ClaimStatus.CLAIMED: "Waiting for a coordinator",
    ClaimStatus.QUESTION: "A coordinator asked a question",
    ClaimStatus.APPROVED: "Approved, waiting to be paid",
    ClaimStatus.PAID: "Paid",
}

# What finance reads in the export's payment choice column.
PAYMENT_CHOICE_FOR_FINANCE: dict[PaymentChoice, str] = {
    PaymentChoice.TAKE: "take",
    PaymentChoice.TAKE_LESS: "take less",
    PaymentChoice.DONATE: "donate",
    PaymentChoice.DECLINE: "decline",
}

# Up to £9,999,999.99 as typed: anything longer is no amount (and a forged one thousands of
# digits long never reaches int(), which refuses them).
_AMOUNT = re.compile(r"^(\d{1,3}(,\d{3}){1,2}|\d{1,7})(\.(\d{1,2}))?$")


class ClaimField(enum.StrEnum):
    INVOLVEMENT = "involvement"
    KIND = "kind"
    AMOUNT = "amount"
    WHAT = "what"


@dataclass(frozen=True)
class ClaimForm:
    """A claim as typed: which piece of work, expenses or the fee, the amount in pounds as
    written ("12.50", "£12"), and what it was for."""

    involvement_id: int | None
    kind: ClaimKind | None
    amount: str
    what: str


class NoFee(enum.StrEnum):
    """Why no fee can be claimed for a piece of work."""

    NOT_AGREED = "not_agreed"
    NOT_CHOSEN = "not_chosen"
    DECLINED = "declined"
    DONATED = "donated"
    ALL_CLAIMED = "all_claimed"


@dataclass(frozen=True)
class FeeRoom:
    """How much of the agreed fee is left to claim, or None with the reason no fee can be."""

    left_pence: int | None
    why_not: NoFee | None = None


@dataclass(frozen=True)
class ClaimErrors:
    """What each thing that needs changing on a claim is told, in one reading style."""

    work: str
    not_listed_work: str
    kind: str
    no_fee: dict[NoFee, str]
    amount: str
    not_positive: str
    too_much: str   # with {most}
    over_fee: str   # with {left}
    what: str
    what_too_long: str  # with {most}


STANDARD_CLAIM_ERRORS = ClaimErrors(
    work="Please choose which piece of work this is for.",
    not_listed_work="Please choose work from the list.",
    kind="Please choose expenses or the agreed fee.",
    no_fee={
        NoFee.NOT_AGREED: "There's no fee agreed for this one: you can claim expenses.",
        NoFee.NOT_CHOSEN: "Please choose what you'd like to do with the fee first: take it, "
                          "take less, have it donated to the charity, or decline it. The "
                          "buttons are on your offer (see `/involve`).",
        NoFee.DECLINED: "You chose not to take the fee for this one. If you've changed your "
                        "mind, that's fine: please talk to a coordinator.",
        NoFee.DONATED: "You chose to have the fee donated to the charity, so there's no fee to "
                       "claim for this one. If you've changed your mind, that's fine: please "
                       "talk to a coordinator.",
        NoFee.ALL_CLAIMED: "The whole fee agreed for this one has already been claimed.",
    },
    amount="Please give the amount in pounds and pence, like 12.50.",
    not_positive="The amount needs to be more than £0.",
    too_much="One claim can be up to {most}. Please check the amount, or talk to a "
             "coordinator.",
    over_fee="That's more than the fee agreed: {left} is left to claim for this one.",
    what="Please say what the expenses were for, like bus fares.",
    what_too_long="Please keep it to {most} characters.")

# The same checks in easy read: the words of the easy-read claim form ("money I spent", "the
# payment we agreed"), short sentences, no abbreviations.
EASY_READ_CLAIM_ERRORS = ClaimErrors(
    work="Please choose which work it is for.",
    not_listed_work="Please choose work from the list.",
    kind="Please choose money you spent, or the payment we agreed.",
    no_fee={
        NoFee.NOT_AGREED: "We did not agree a payment for this work. You can get back money "
                          "you spent.",
        NoFee.NOT_CHOSEN: "First, please choose what happens to the payment. Type `/involve` "
                          "to see the buttons.",
        NoFee.DECLINED: "You said no to the payment for this work. Have you changed your "
                        "mind? That is fine. Please talk to a coordinator.",
        NoFee.DONATED: "You chose to give the payment to the charity. So there is no payment "
                       "to claim. Have you changed your mind? That is fine. Please talk to a "
                       "coordinator.",
        NoFee.ALL_CLAIMED: "You have already claimed all of the payment for this work.",
    },
    amount="Please write how much it is in pounds and pence. Like 12.50.",
    not_positive="The amount must be more than £0.",
    too_much="You can claim up to {most} at one time. Please check the amount. Or talk to a "
             "coordinator.",
    over_fee="That is more than the payment we agreed. You can claim up to {left} for this "
             "work.",
    what="Please say what you spent the money on. Like bus fares.",
    what_too_long="This is too long. Please make it shorter.")


def pence_from_pounds(text: str) -> int | None:
    """"12.50", "£12.5", "1,200" as whole pence; None for anything that isn't an amount."""
    cleaned = text.strip().removeprefix("£").strip()
    found = _AMOUNT.match(cleaned)
    if found is None:
        return None
    pounds = int(found.group(1).replace(",", ""))
    pence = (found.group(4) or "0").ljust(2, "0")
    return pounds * 100 + int(pence)


def pounds(pence: int) -> str:
    """Whole pence as people read money: £12.50, £1,250.00."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


def fee_room(recompense: Recompense, agreed_pence: int | None, choice: PaymentChoice | None,
             taken_pence: int | None, claimed_pence: int) -> FeeRoom:
    """What is left of the fee agreed in advance, or the lesser amount they chose to take, once
    the fee already claimed for the same work is counted. Only a choice to take it (all or
    less) leaves a fee to claim: donated or declined, there is none; not yet chosen, the
    choice comes first."""
    if recompense is not Recompense.FEE or not agreed_pence:
        return FeeRoom(None, NoFee.NOT_AGREED)
    if choice is None:
        return FeeRoom(None, NoFee.NOT_CHOSEN)
    if choice is PaymentChoice.DECLINE:
        return FeeRoom(None, NoFee.DECLINED)
    if choice is PaymentChoice.DONATE:
        return FeeRoom(None, NoFee.DONATED)
    ceiling = agreed_pence
    if choice is PaymentChoice.TAKE_LESS and taken_pence is not None:
        ceiling = min(agreed_pence, taken_pence)
    left = max(ceiling - claimed_pence, 0)
    if left == 0:
        return FeeRoom(None, NoFee.ALL_CLAIMED)
    return FeeRoom(left)


def fee_fits(room: FeeRoom, amount_pence: int) -> bool:
    """Whether a fee claim of this amount fits in what is left of the fee (checked again as it
    is approved: the choice or the amount taken may have changed since it was claimed)."""
    return room.left_pence is not None and amount_pence <= room.left_pence


def claimed_pence(form: ClaimForm, fee: FeeRoom) -> int | None:
    """The amount claimed: as typed, or - for the agreed fee with the amount left blank - all
    of the fee still to claim."""
    if form.kind is ClaimKind.FEE and not form.amount.strip() and fee.left_pence is not None:
        return fee.left_pence
    return pence_from_pounds(form.amount)


def check_claim(form: ClaimForm, fee: FeeRoom,
                words: ClaimErrors = STANDARD_CLAIM_ERRORS) -> dict[ClaimField, str]:
    """Each field that needs changing, with kind words in the form's reading style; empty
    when the claim can go."""
    errors: dict[ClaimField, str] = {}
    if form.involvement_id is None:
        errors[ClaimField.INVOLVEMENT] = words.work
    if form.kind is None:
        errors[ClaimField.KIND] = words.kind
    elif form.kind is ClaimKind.FEE and fee.left_pence is None and fee.why_not is not None:
        errors[ClaimField.KIND] = words.no_fee[fee.why_not]
    amount = claimed_pence(form, fee)
    if amount is None:
        errors[ClaimField.AMOUNT] = words.amount
    elif amount <= 0:
        errors[ClaimField.AMOUNT] = words.not_positive
    elif amount > MAX_CLAIM_PENCE:
        errors[ClaimField.AMOUNT] = words.too_much.format(most=pounds(MAX_CLAIM_PENCE))
    elif form.kind is ClaimKind.FEE and fee.left_pence is not None and amount > fee.left_pence:
        errors[ClaimField.AMOUNT] = words.over_fee.format(left=pounds(fee.left_pence))
    what = form.what.strip()
    if form.kind is ClaimKind.EXPENSES and not what:
        errors[ClaimField.WHAT] = words.what
    elif len(what) > WHAT_MAX:
        errors[ClaimField.WHAT] = words.what_too_long.format(most=WHAT_MAX)
    return errors


def claim_step(current: ClaimStatus, to: ClaimStatus) -> ClaimStatus | None:
    """The claim's next status, or None when the step changes nothing: claimed -> question ->
    claimed again on an answer -> approved (a question need not wait for its answer) -> paid."""
    allowed = {
        ClaimStatus.QUESTION: (ClaimStatus.CLAIMED,),
        ClaimStatus.CLAIMED: (ClaimStatus.QUESTION,),
        ClaimStatus.APPROVED: (ClaimStatus.CLAIMED, ClaimStatus.QUESTION),
        ClaimStatus.PAID: (ClaimStatus.APPROVED,),
    }
    return to if current in allowed[to] else None


# -- the tax year and the yearly amount --------------------------------------------------------
def tax_year_of(day: date) -> int:
    """The year the UK tax year holding `day` starts in: 5 April 2027 is in 2026's."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def tax_year_days(year: int) -> tuple[date, date]:
    """The first day of the tax year and the first day after it."""
    return date(year, 4, 6), date(year + 1, 4, 6)


def thresholds_crossed(before_pence: int, after_pence: int, alert_pence: int) -> list[int]:
    """The shares of the yearly amount (80%, 100%) a change takes the total over."""
    return [share for share in YEARLY_THRESHOLDS
            if before_pence * 100 < alert_pence * share <= after_pence * 100]
