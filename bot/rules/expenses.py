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


@dataclass(frozen=True)
class FeeRoom:
    """How much of the agreed fee is left to claim, or None with the reason no fee can be."""

    left_pence: int | None
    why_not: str = ""


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
        return FeeRoom(None, "There's no fee agreed for this one: you can claim expenses.")
    if choice is None:
        return FeeRoom(None, "Please choose what you'd like to do with the fee first: take it, "
                             "take less, have it donated to the charity, or decline it. The "
                             "buttons are on your offer (see `/involve`).")
    if choice is PaymentChoice.DECLINE:
        return FeeRoom(None, "You chose not to take the fee for this one. If you've changed "
                             "your mind, that's fine: please talk to a coordinator.")
    if choice is PaymentChoice.DONATE:
        return FeeRoom(None, "You chose to have the fee donated to the charity, so there's no "
                             "fee to claim for this one. If you've changed your mind, that's "
                             "fine: please talk to a coordinator.")
    ceiling = agreed_pence
    if choice is PaymentChoice.TAKE_LESS and taken_pence is not None:
        ceiling = min(agreed_pence, taken_pence)
    left = max(ceiling - claimed_pence, 0)
    if left == 0:
        return FeeRoom(None, "The whole fee agreed for this one has already been claimed.")
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


def check_claim(form: ClaimForm, fee: FeeRoom) -> dict[ClaimField, str]:
    """Each field that needs changing, with kind words; empty when the claim can go."""
    errors: dict[ClaimField, str] = {}
    if form.involvement_id is None:
        errors[ClaimField.INVOLVEMENT] = "Please choose which piece of work this is for."
    if form.kind is None:
        errors[ClaimField.KIND] = "Please choose expenses or the agreed fee."
    elif form.kind is ClaimKind.FEE and fee.left_pence is None:
        errors[ClaimField.KIND] = fee.why_not
    amount = claimed_pence(form, fee)
    if amount is None:
        errors[ClaimField.AMOUNT] = "Please give the amount in pounds and pence, like 12.50."
    elif amount <= 0:
        errors[ClaimField.AMOUNT] = "The amount needs to be more than £0."
    elif amount > MAX_CLAIM_PENCE:
        errors[ClaimField.AMOUNT] = (f"One claim can be up to {pounds(MAX_CLAIM_PENCE)}. "
                                     "Please check the amount, or talk to a coordinator.")
    elif form.kind is ClaimKind.FEE and fee.left_pence is not None and amount > fee.left_pence:
        errors[ClaimField.AMOUNT] = (f"That's more than the fee agreed: {pounds(fee.left_pence)} "
                                     "is left to claim for this one.")
    what = form.what.strip()
    if form.kind is ClaimKind.EXPENSES and not what:
        errors[ClaimField.WHAT] = "Please say what the expenses were for, e.g. bus fares."
    elif len(what) > WHAT_MAX:
        errors[ClaimField.WHAT] = f"Please keep it to {WHAT_MAX} characters."
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
