"""What coordinators can see of delivery: counts, and the notifications that could not be sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, literal, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.notices import UPDATE_TARGET_PREFIX
from bot.rules.forms import is_whole_number
from bot.rules.roles import Role
from bot.services.members import MembersService
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, rows_changed
from storage.models import Member, OutboxChannel, OutboxMessage, OutboxStatus
from storage.repositories import MemberRepository, OutboxRepository

CHANNEL_WORDS = {
    OutboxChannel.SLACK_DM: "Slack message",
    OutboxChannel.SLACK_CHANNEL: "channel post",
    OutboxChannel.SLACK_UPDATE: "message update",
    OutboxChannel.SMS: "text",
}


@dataclass(frozen=True)
class FailedNotice:
    """A notification that could not be delivered: who and why, never what it said."""

    id: int
    what: str
    recipient: str
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class DeliveryOverview:
    pending: int
    sent: int
    failed: int
    recent_failures: Sequence[FailedNotice]


class DeliveriesService:
    def __init__(self, sessions: sessionmaker[Session], members: MembersService) -> None:
        self.sessions = sessions
        self.members = members

    def overview_for(self, slack_user_id: str) -> DeliveryOverview:
        self.members.require(slack_user_id, Role.COORDINATOR)
        with self.sessions() as session:
            outbox = OutboxRepository(session)
            counts = outbox.count_by_status()
            failures = [
                self._describe(session, row) for row in outbox.list_failed(limit=10)
            ]
        return DeliveryOverview(
            pending=counts[OutboxStatus.PENDING],
            sent=counts[OutboxStatus.SENT],
            failed=counts[OutboxStatus.FAILED],
            recent_failures=failures,
        )

    @staticmethod
    def _describe(session: Session, row: OutboxMessage) -> FailedNotice:
        recipient = row.target
        members = MemberRepository(session)
        member: Member | None = None
        if row.channel is OutboxChannel.SMS and is_whole_number(row.target):
            member = members.get(int(row.target))
        elif row.channel is OutboxChannel.SLACK_DM:
            member = members.get_by_slack_id(row.target)
        if member is not None:
            recipient = member.name
        elif row.channel is OutboxChannel.SLACK_CHANNEL:
            recipient = f"channel {row.target}"
        return FailedNotice(
            id=row.id,
            what=CHANNEL_WORDS[row.channel],
            recipient=recipient,
            reason=row.last_error or "unknown",
            created_at=row.created_at,
        )


# -- personal data: export, erasure, retention ---------------------------------------------------
def _erase_notices(session: Session, person: Person, now: datetime) -> dict[str, int]:
    """Found by reference (each row records who it is to and who it names), never by searching
    words: a card that says "Edit" is not about someone called Ed. Messages to them go; messages
    to others that name them stay theirs, and are redrawn from the state without them."""
    outbox = OutboxRepository(session)
    ids = outbox.ids_addressed_to(person.member_id, person.slack_user_id)
    removed = rows_changed(session, delete(OutboxMessage).where(OutboxMessage.id.in_(ids))) \
        if ids else 0
    redrawn = NoticeBook(session, now).redraw_copies(
        outbox.copies_naming(person.member_id), f"erased-{person.member_id}")
    outbox.forget_concern(person.member_id)
    return {"notices to them": removed, "notices naming them, redrawn": redrawn}


def _purge_notices(session: Session, periods: Periods) -> dict[str, int]:
    """Sent and failed notices past the period go, except a posted card or alert that was
    redrawn within it: a case or session still in use keeps the message it updates."""
    cutoff = periods.before("deliveries")
    redraw = aliased(OutboxMessage)
    redrawn_lately = select(redraw.id).where(
        redraw.target == literal(UPDATE_TARGET_PREFIX) + OutboxMessage.idempotency_key,
        redraw.created_at >= cutoff).exists()
    return {"deliveries": rows_changed(session, delete(OutboxMessage)
                                       .where(OutboxMessage.status != OutboxStatus.PENDING)
                                       .where(OutboxMessage.created_at < cutoff)
                                       .where(~redrawn_lately))}


PERSONAL_DATA = PersonalData(
    area="deliveries",
    tables=("outbox", "outbox_concerns"),
    erase=_erase_notices,
    purge=_purge_notices,
)
