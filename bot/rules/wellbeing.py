"""Wellbeing checks as rules: when a check is still worth sending, what an answer changes, and
the words of a check by text (which never carry health details, nor the work's title)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.rules.involvement import CheckStage, InvolvementStatus, OpportunityKind, Wellbeing
from bot.rules.texting import Happened

# A check not sent within this long of falling due (the bot was down) is not sent late.
SEND_WITHIN = timedelta(days=3)
# How long a number texted back still answers the check we texted.
ANSWERABLE_BY_TEXT = timedelta(days=3)

# What a text calls the work: by its kind, never its title, which can say more than a lock
# screen should.
WORK_BY_TEXT: dict[OpportunityKind, str] = {
    OpportunityKind.CONSULTATION: "the consultation",
    OpportunityKind.TRAINING: "the training",
    OpportunityKind.INTERVIEW_PANEL: "the interview panel",
    OpportunityKind.PEER_SUPPORT: "your peer support work",
    OpportunityKind.SPEAKING: "your talk",
    OpportunityKind.OTHER: "your work with us",
}

BY_NUMBER: dict[int, Wellbeing] = {1: Wellbeing.OK, 2: Wellbeing.MIXED, 3: Wellbeing.SUPPORT}

# Checks go to people who have taken the work on (and, after it, to those whose work ended);
# nobody who paused, withdrew or said no is asked how they are by a machine.
CHECKED = (InvolvementStatus.ACCEPTED, InvolvementStatus.ENDED)


def worth_sending(stage: CheckStage, due_at: datetime, now: datetime,
                  starts_at: datetime | None) -> bool:
    """Due, not long past due, and (a check before the work) before the work has begun."""
    if now < due_at or now - due_at > SEND_WITHIN:
        return False
    return not (stage is CheckStage.BEFORE and starts_at is not None and starts_at <= now)


def still_asked(stage: CheckStage, status: InvolvementStatus, now: datetime,
                starts_at: datetime | None) -> bool:
    """Whether a check not yet answered is still worth showing as it is delivered (a check is
    queued, then may wait for quiet hours): not once its work is withdrawn, and a check before
    ("coming up soon") not once the work has ended or begun. A pause is a break, not a goodbye:
    a check already on its way still comes (it counts as sent, so held back it would be lost)."""
    if status not in (*CHECKED, InvolvementStatus.PAUSED):
        return False
    if stage is CheckStage.BEFORE:
        return status is not InvolvementStatus.ENDED and (starts_at is None or now < starts_at)
    return True


def next_answer(current: Wellbeing | None, given: Wellbeing) -> Wellbeing | None:
    """What an answer changes: the first answer counts; after it, only asking for someone to
    get in touch does (it is never too late to ask). None: nothing changes."""
    if current is None:
        return given
    if given is Wellbeing.SUPPORT and current is not Wellbeing.SUPPORT:
        return given
    return None


def check_question(stage: CheckStage, kind: OpportunityKind) -> str:
    """"How are you feeling after the consultation?" by stage, for a text."""
    work = WORK_BY_TEXT[kind]
    if stage is CheckStage.BEFORE:
        return f"How are you feeling ahead of {work}?"
    if stage is CheckStage.END:
        return f"How are you feeling after {work}?"
    return f"How have you been since {work}?"


def check_text(stage: CheckStage, kind: OpportunityKind) -> str:
    return (f"{check_question(stage, kind)} Reply 1 OK, 2 up and down, 3 I'd like someone to "
            "get in touch. It's fine not to reply.")


def reply_to_number(number: int, recorded: Wellbeing | None,
                    current: Wellbeing | None) -> Happened:
    """What a numbered answer did, for the words texted back: `recorded` is what it changed
    to (None when it changed nothing), `current` the answer now."""
    if number not in BY_NUMBER:
        return Happened.CHECK_NOT_UNDERSTOOD
    if recorded is Wellbeing.SUPPORT:
        return Happened.CONTACT_ASKED
    if current is Wellbeing.SUPPORT:
        return Happened.CONTACT_ALREADY_ASKED
    if BY_NUMBER[number] is Wellbeing.MIXED:
        return Happened.CHECK_MIXED
    return Happened.CHECK_WELL
