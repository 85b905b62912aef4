"""Involvement done fairly, as rules: policies and induction, opportunities with recompense
agreed in advance, wellbeing checks, consent for stories, expenses, declarations and exit
conversations. Plain values and the words every renderer uses."""

from __future__ import annotations

import enum


# -- policies and induction -------------------------------------------------------------------
class InductionStep(enum.StrEnum):
    """Steps a coordinator records; which a role needs is configured (COPROD_*_INDUCTION)."""

    BOUNDARIES_TRAINING = "boundaries_training"
    SAFEGUARDING_TRAINING = "safeguarding_training"
    SHADOWED_A_SESSION = "shadowed_a_session"


INDUCTION_WORDS: dict[InductionStep, str] = {
    InductionStep.BOUNDARIES_TRAINING: "Professional boundaries training",
    InductionStep.SAFEGUARDING_TRAINING: "Safeguarding training",
    InductionStep.SHADOWED_A_SESSION: "Shadowed a session",
}


class AgreedBy(enum.StrEnum):
    SLACK = "slack"
    TEXT = "text"
    PAPER = "paper"  # recorded by a coordinator from a signed form


# -- opportunities ----------------------------------------------------------------------------
class OpportunityKind(enum.StrEnum):
    CONSULTATION = "consultation"
    TRAINING = "training"
    INTERVIEW_PANEL = "interview_panel"
    PEER_SUPPORT = "peer_support"
    SPEAKING = "speaking"
    OTHER = "other"


OPPORTUNITY_KIND_WORDS: dict[OpportunityKind, str] = {
    OpportunityKind.CONSULTATION: "Consultation",
    OpportunityKind.TRAINING: "Training (helping to deliver it)",
    OpportunityKind.INTERVIEW_PANEL: "Interview panel",
    OpportunityKind.PEER_SUPPORT: "Peer support work",
    OpportunityKind.SPEAKING: "Speaking or sharing a story",
    OpportunityKind.OTHER: "Something else",
}


class Recompense(enum.StrEnum):
    FEE = "fee"
    VOUCHER = "voucher"
    EXPENSES_ONLY = "expenses_only"
    NONE = "none"


RECOMPENSE_WORDS: dict[Recompense, str] = {
    Recompense.FEE: "A fee",
    Recompense.VOUCHER: "A voucher",
    Recompense.EXPENSES_ONLY: "Expenses only",
    Recompense.NONE: "Unpaid (expenses still covered if agreed)",
}


class OpportunityStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class InvolvementStatus(enum.StrEnum):
    INTERESTED = "interested"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"      # the person said no to the offer
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


class PaymentChoice(enum.StrEnum):
    TAKE = "take"
    TAKE_LESS = "take_less"
    DONATE = "donate"
    DECLINE = "decline"


PAYMENT_CHOICE_WORDS: dict[PaymentChoice, str] = {
    PaymentChoice.TAKE: "Take the payment",
    PaymentChoice.TAKE_LESS: "Take less",
    PaymentChoice.DONATE: "Have it donated to the charity",
    PaymentChoice.DECLINE: "Decline it",
}


# -- wellbeing checks -------------------------------------------------------------------------
class CheckStage(enum.StrEnum):
    BEFORE = "before"
    END = "end"
    FOLLOW_UP = "follow_up"


class Wellbeing(enum.StrEnum):
    OK = "ok"
    MIXED = "mixed"
    SUPPORT = "support"   # would like someone to get in touch
    SKIPPED = "skipped"


WELLBEING_WORDS: dict[Wellbeing, str] = {
    Wellbeing.OK: "I'm OK",
    Wellbeing.MIXED: "A bit up and down",
    Wellbeing.SUPPORT: "I'd like someone to get in touch",
    Wellbeing.SKIPPED: "Skip this one",
}


# -- consent for stories and outputs ----------------------------------------------------------
class ConsentStage(enum.StrEnum):
    BEFORE = "before"
    AFTER = "after"


# -- expenses and payments --------------------------------------------------------------------
class ClaimKind(enum.StrEnum):
    EXPENSES = "expenses"
    FEE = "fee"


class ClaimStatus(enum.StrEnum):
    CLAIMED = "claimed"
    QUESTION = "question"   # a coordinator asked something; the person can answer
    APPROVED = "approved"
    PAID = "paid"


# -- declarations -----------------------------------------------------------------------------
class DeclarationKind(enum.StrEnum):
    RELATIONSHIP = "relationship"  # a pre-existing relationship with another member
    GIFT = "gift"                  # a gift or favour offered


DECLARATION_WORDS: dict[DeclarationKind, str] = {
    DeclarationKind.RELATIONSHIP: "A relationship I had before (a neighbour, a friend, family)",
    DeclarationKind.GIFT: "A gift or favour I was offered",
}
