"""The roles people hold in a co-produced organisation, and who may do what."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Role(enum.StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"
    TRAINED = "trained"
    COORDINATOR = "coordinator"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    HR_OFFICER = "hr_officer"
    TRUSTEE = "trustee"


# Who may take a place to facilitate a session: the rota checks it when a place is claimed,
# and App Home and /sessions offer a place to claim by it.
FACILITATING_ROLES = frozenset({Role.FACILITATOR, Role.TRAINED})


def may_facilitate(held: Iterable[Role]) -> bool:
    return not FACILITATING_ROLES.isdisjoint(held)


ROLE_WORDS: dict[Role, str] = {
    Role.MEMBER: "member",
    Role.FACILITATOR: "facilitator",
    Role.TRAINED: "trained facilitator (DBS-checked)",
    Role.COORDINATOR: "coordinator",
    Role.SAFEGUARDING_LEAD: "safeguarding lead",
    Role.HR_OFFICER: "HR officer",
    Role.TRUSTEE: "trustee",
}


def role_label(role: Role) -> str:
    """A role's words at the start of a line or an option: "HR officer", never "Hr officer"
    (str.capitalize lowers every letter after the first)."""
    words = ROLE_WORDS[role]
    return words[:1].upper() + words[1:]


class NotAllowed(Exception):
    """Someone asked for something their roles do not cover; the message is kind and plain."""

    def __init__(self, needed: Role) -> None:
        self.needed = needed
        super().__init__(f"Only a {ROLE_WORDS[needed]} can do that.")


def parse_roles(text: str) -> tuple[frozenset[Role], list[str]]:
    """Roles from a `;`-separated cell; unknown words are returned so they can be reported."""
    known: set[Role] = set()
    unknown: list[str] = []
    for word in (part.strip().lower().replace(" ", "_") for part in text.split(";")):
        if not word:
            continue
        try:
            known.add(Role(word))
        except ValueError:
            unknown.append(word)
    # Everyone in the directory is a member first: facilitating never takes that away.
    known.add(Role.MEMBER)
    return frozenset(known), unknown


def require_role(held: Iterable[Role], needed: Role) -> None:
    if needed not in set(held):
        raise NotAllowed(needed)
