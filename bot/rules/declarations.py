"""Declarations, as rules: what a declaration must say, who it goes to (never the other person
named), and the words of each step of the shared request workflow as a declaration reads it."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from bot.rules.involvement import DeclarationKind
from bot.rules.lifecycle import RequestStatus

WORDS_MAX = 300


class DeclarationField(enum.StrEnum):
    KIND = "kind"
    OTHER = "other"
    WORDS = "words"


@dataclass(frozen=True)
class DeclarationForm:
    """A relationship (with whom, what kind in a few words) or a gift or favour offered (what,
    and by whom when it was a member)."""

    kind: DeclarationKind | None
    other_member_id: int | None
    words: str


@dataclass(frozen=True)
class Reader:
    """Someone a declaration may go to: their member id and Slack id."""

    member_id: int
    slack_user_id: str


# The request workflow's statuses, in the words a declaration needs: nothing is "declined".
STEP_BUTTON_WORDS: dict[RequestStatus, str] = {
    RequestStatus.ACKNOWLEDGED: "Seen - looking at it",
    RequestStatus.ARRANGED: "Noted - nothing more needed",
    RequestStatus.DECLINED: "Talk it through",
}

STEP_DONE_WORDS: dict[RequestStatus, str] = {
    RequestStatus.REQUESTED: "Waiting to be seen",
    RequestStatus.ACKNOWLEDGED: "Seen",
    RequestStatus.ARRANGED: "Noted",
    RequestStatus.DECLINED: "To talk it through",
}


def check_declaration(form: DeclarationForm, declarer_id: int) -> dict[DeclarationField, str]:
    """Each field that needs changing, with kind words; empty when the declaration can go."""
    errors: dict[DeclarationField, str] = {}
    if form.kind is None:
        errors[DeclarationField.KIND] = "Please choose a relationship or a gift or favour."
    elif form.kind is DeclarationKind.RELATIONSHIP and form.other_member_id is None:
        errors[DeclarationField.OTHER] = "Please choose who the relationship is with."
    if form.other_member_id is not None and form.other_member_id == declarer_id:
        errors[DeclarationField.OTHER] = "Please choose someone other than yourself."
    words = form.words.strip()
    if not words:
        errors[DeclarationField.WORDS] = (
            "Please say a few words: what kind of relationship (a neighbour, a friend), or "
            "what was offered.")
    elif len(words) > WORDS_MAX:
        errors[DeclarationField.WORDS] = f"Please keep it to {WORDS_MAX} characters."
    return errors


def declaration_readers(groups: Sequence[Sequence[Reader]],
                        left_out: set[int]) -> list[Reader]:
    """The first group (HR officers, then coordinators, then trustees) with anyone left once
    the declarer and the other person named are left out."""
    for group in groups:
        chosen = {r.member_id: r for r in group if r.member_id not in left_out}
        if chosen:
            return sorted(chosen.values(), key=lambda r: r.member_id)
    return []
