"""What feedback cases and incidents share: one audited guard on who may read or act on them.

Only the people a case or incident was sent to may read or act on it, whatever a request
claims. Every look and every action is written to the audit log; so is every refusal, in a
transaction of its own after the caller's has been rolled back, so that a refused request
commits nothing else on its way out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.rules.roles import NotAllowed, Role
from bot.services.personal_data import Periods, PersonalData, rows_changed
from storage.models import AuditEntry
from storage.repositories import AuditRepository, MemberRepository

Case = TypeVar("Case")


class Refused(NotAllowed):
    """Someone not entitled asked to read or act on a case: recorded, then refused kindly."""

    def __init__(self, needed: Role, actor: str, action: str, subject: str) -> None:
        super().__init__(needed)
        self.actor, self.action, self.subject = actor, action, subject


class CaseDesk:
    """The audited way into cases and incidents for one area ("feedback", "incident"). Being
    sent a case is not enough on its own: the reader must still hold one of `roles` now, so
    someone who has stepped down from a role no longer sees what it gave them."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, area: str,
                 roles: Collection[Role]) -> None:
        self.sessions = sessions
        self.clock = clock
        self.area = area
        self.roles = frozenset(roles)

    def subject(self, case_id: int) -> str:
        return f"{self.area}:{case_id}"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """`sessions.begin()`, with refusals recorded after the rollback."""
        try:
            with self.sessions.begin() as session:
                yield session
        except Refused as refusal:
            with self.sessions.begin() as session:
                AuditRepository(session).record(self.clock(), refusal.actor,
                                                f"refused {refusal.action}", refusal.subject)
            raise

    def holds_a_role(self, session: Session, actor: str) -> bool:
        return self.holds_one_of(session, actor, self.roles)

    def holds_one_of(self, session: Session, actor: str, roles: Collection[Role]) -> bool:
        member = MemberRepository(session).get_by_slack_id(actor)
        return member is not None and bool(member.role_set & frozenset(roles))

    def admit(self, session: Session, case_id: int, case: Case | None, actor: str,
              recipients: Callable[[Case], Collection[str]], *, action: str,
              needed: Role, roles: Collection[Role] | None = None) -> Case:
        """The case, with the look or action recorded; or a refusal (`needed` names who could
        do it). A case that doesn't exist is refused in the same words as one not theirs.
        `roles` narrows who may take this action to holders of one of them, now."""
        if (case is None or actor not in recipients(case)
                or not self.holds_one_of(session, actor, roles or self.roles)):
            raise Refused(needed, actor, action, self.subject(case_id))
        AuditRepository(session).record(self.clock(), actor, action, self.subject(case_id))
        return case

    def listed(self, session: Session, actor: str, case_ids: Collection[int]) -> bool:
        """Records that these cases were listed for the actor; False (and nothing recorded)
        when they no longer hold a role that may see them."""
        if not self.holds_a_role(session, actor):
            return False
        audit = AuditRepository(session)
        for case_id in case_ids:
            audit.record(self.clock(), actor, "listed", self.subject(case_id))
        return True


# -- personal data: export, erasure, retention ---------------------------------------------------
def _purge_audit(session: Session, periods: Periods) -> dict[str, int]:
    return {"audit": rows_changed(session, delete(AuditEntry)
                                  .where(AuditEntry.at < periods.before("audit")))}


PERSONAL_DATA = PersonalData(
    area="audit",
    tables=("audit_log",),
    purge=_purge_audit,
    kept="The audit log keeps who read or acted on a case or incident, and who read or "
         "changed someone's communication profile (never what was chosen), until its period "
         "ends: it protects the people the records are about.",
)
