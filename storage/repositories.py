"""Repositories: questions and changes about stored things. They flush; the caller commits."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from bot.notices import update_target
from bot.rules.communication import Reader
from bot.rules.feedback_words import FeedbackRoute, FeedbackStatus
from bot.rules.incidents import IncidentKind, IncidentStatus
from bot.rules.meetings import MeetingKind
from bot.rules.roles import Role
from storage.models import (
    AuditEntry,
    ContactPreference,
    DebriefRequest,
    FeedbackCase,
    FeedbackRecipient,
    GroupSession,
    InboundText,
    Incident,
    IncidentPerson,
    IncidentRecipient,
    Meeting,
    MeetingSeries,
    Member,
    MemberRole,
    OutboxChannel,
    OutboxConcern,
    OutboxMessage,
    OutboxStatus,
    PresentRequest,
    ReminderLog,
    SessionAttendee,
    SessionFacilitator,
    SessionSeries,
    SmsConsent,
    TextQuestion,
    TextReply,
    UnknownNumber,
    WaitingListEntry,
    reader_of,
)


class TextContact(NamedTuple):
    phone: str | None
    contact: ContactPreference
    # Their latest word on being texted: None if they never gave one.
    consent: bool | None


class DueMessage(NamedTuple):
    id: int
    key: str
    channel: OutboxChannel
    target: str
    payload: dict[str, Any]
    attempts: int  # this one included
    not_after: datetime | None
    # When the last attempt began, if it never came back (None if it did, or on a first try).
    sending_since: datetime | None


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _of_families(families: Sequence[str]) -> ColumnElement[bool]:
    """An outbox row that is a copy (or a redraw) of any of these notices."""
    return or_(*(OutboxMessage.idempotency_key.like(_like_prefix(f), escape="\\")
                 for f in families))


def _latest_consent_id() -> ScalarSelect[int]:
    """The id of a member's latest word on being texted (correlated to the member)."""
    return (select(func.max(SmsConsent.id)).where(SmsConsent.member_id == Member.id)
            .correlate(Member).scalar_subquery())


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int) -> Member | None:
        return self.session.get(Member, member_id)

    def get_by_slack_id(self, slack_user_id: str) -> Member | None:
        return self.session.scalar(select(Member).where(Member.slack_user_id == slack_user_id))

    def readers(self, slack_user_ids: Collection[str],
                member_ids: Collection[int]) -> tuple[dict[str, Reader], dict[int, Reader]]:
        """The communication profiles of a batch of recipients, by Slack id and by member id,
        in one query and without loading anything else about them."""
        if not slack_user_ids and not member_ids:
            return {}, {}
        rows = self.session.execute(
            select(Member.id, Member.slack_user_id, Member.reading, Member.screen_reader,
                   Member.quiet_from, Member.quiet_until)
            .where(or_(Member.slack_user_id.in_(list(slack_user_ids)),
                       Member.id.in_(list(member_ids))))).all()
        by_slack: dict[str, Reader] = {}
        by_id: dict[int, Reader] = {}
        for member_id, slack_user_id, reading, screen_reader, quiet_from, quiet_until in rows:
            reader = reader_of(reading, screen_reader, quiet_from, quiet_until)
            by_id[member_id] = reader
            if slack_user_id is not None:
                by_slack[slack_user_id] = reader
        return by_slack, by_id

    def reader(self, slack_user_id: str) -> Reader | None:
        """One person's communication profile, as `readers` has it, in the cheapest query
        there is: it stands between a command and the form it opens in their words."""
        row = self.session.execute(
            select(Member.reading, Member.screen_reader, Member.quiet_from, Member.quiet_until)
            .where(Member.slack_user_id == slack_user_id)).first()
        return reader_of(*row) if row is not None else None

    def text_contacts(self, member_ids: Collection[int]) -> dict[int, TextContact]:
        """What texting each of these members needs (their number, how they like to be
        reached, and their latest word on texts), in one query for a batch of texts: loading
        each member would bring their roles and every consent they ever gave, three queries a
        text."""
        if not member_ids:
            return {}
        latest = _latest_consent_id()
        rows = self.session.execute(
            select(Member.id, Member.phone, Member.contact, SmsConsent.given)
            .outerjoin(SmsConsent, SmsConsent.id == latest)
            .where(Member.id.in_(list(member_ids))))
        return {member_id: TextContact(phone, contact, given)
                for member_id, phone, contact, given in rows}

    def get_by_phone(self, phone: str) -> Member | None:
        return self.session.scalar(select(Member).where(Member.phone == phone))

    def how_many_take_texts(self) -> int:
        """Members with a phone who asked for texts (alone or with Slack) and whose latest word
        on texts was yes: counted by the database, not by loading everyone."""
        latest = _latest_consent_id()
        return self.session.scalar(
            select(func.count(Member.id))
            .join(SmsConsent, SmsConsent.id == latest)
            .where(Member.phone.is_not(None), Member.phone != "",
                   Member.contact != ContactPreference.SLACK, SmsConsent.given.is_(True))) or 0

    def list_all(self) -> Sequence[Member]:
        return self.session.scalars(select(Member).order_by(Member.name, Member.id)).all()

    def list_with_role(self, role: Role) -> Sequence[Member]:
        return self.session.scalars(
            select(Member)
            .join(MemberRole)
            .where(MemberRole.role == role)
            .order_by(Member.name, Member.id)
        ).all()

    def ids_of(self, slack_user_ids: Sequence[str]) -> list[int]:
        """Member ids for Slack ids, in one lean query (no roles or consents loaded)."""
        if not slack_user_ids:
            return []
        return list(self.session.scalars(
            select(Member.id).where(Member.slack_user_id.in_(slack_user_ids))
            .order_by(Member.id)))

    def slack_ids_by_role(self, *roles: Role) -> dict[Role, list[str]]:
        """Who holds each role in Slack, in one lean query: routing a case or an alert needs
        only their ids, not whole members with their roles and consents."""
        found: dict[Role, list[str]] = {role: [] for role in roles}
        rows = self.session.execute(
            select(MemberRole.role, Member.slack_user_id)
            .join(Member, Member.id == MemberRole.member_id)
            .where(MemberRole.role.in_(roles), Member.slack_user_id.is_not(None))
            .order_by(Member.name, Member.id)
        )
        for role, slack_id in rows:
            if slack_id:
                found[role].append(slack_id)
        return found

    def add(self, member: Member) -> Member:
        self.session.add(member)
        self.session.flush()
        return member


# Keys looked up in one IN (...): well inside SQLite's and PostgreSQL's limits on parameters.
KEYS_A_QUERY = 500


def new_message(*, key: str, channel: OutboxChannel, target: str, payload: dict[str, Any],
                now: datetime, not_after: datetime | None = None,
                deliver_at: datetime | None = None, rsvp_for: str | None = None,
                concerns: Iterable[int] = ()) -> NewMessage:
    """A notification not yet queued: `OutboxRepository.enqueue_all` queues it."""
    return NewMessage(
        {"idempotency_key": key, "channel": channel, "target": target, "payload": payload,
         "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": deliver_at or now,
         "not_after": not_after, "created_at": now, "rsvp_for": rsvp_for},
        tuple(sorted(set(concerns))))


class NewMessage(NamedTuple):
    """An outbox row's values, and the members it is to or about."""

    row: dict[str, Any]
    concerns: tuple[int, ...]

    @property
    def key(self) -> str:
        return str(self.row["idempotency_key"])


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(
        self,
        *,
        key: str,
        channel: OutboxChannel,
        target: str,
        payload: dict[str, Any],
        now: datetime,
        not_after: datetime | None = None,
        deliver_at: datetime | None = None,
        rsvp_for: str | None = None,
        concerns: Iterable[int] = (),
    ) -> OutboxMessage:
        """Adds a notification unless one with the same key exists (then returns that one).
        `concerns` are the members it is to or about: erasure finds it through them."""
        return self.add_new(new_message(
            key=key, channel=channel, target=target, payload=payload, now=now,
            not_after=not_after, deliver_at=deliver_at, rsvp_for=rsvp_for, concerns=concerns))

    def add_new(self, new: NewMessage) -> OutboxMessage:
        """As `enqueue`, for a message made by `new_message`."""
        existing = self.session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == new.key))
        if existing is not None:
            return existing
        message = OutboxMessage(**new.row,
                                concerns=[OutboxConcern(member_id=m) for m in new.concerns])
        self.session.add(message)
        self.session.flush()
        return message

    def enqueue_all(self, messages: Sequence[NewMessage]) -> int:
        """As `enqueue` for each of `messages`, in bulk: one read of the keys already queued,
        one INSERT of many rows (and, for rows with members, one read of their ids and one
        INSERT of those). A reminder to thousands would otherwise take a lookup and a round
        trip a member, before the coordinator's form is answered. A key queued before, or
        earlier in the list, is left as it is. Returns how many were added. The rows are not
        loaded into the session."""
        taken = set(self._queued_of([m.key for m in messages]))
        fresh = []
        for message in messages:
            if message.key not in taken:
                taken.add(message.key)
                fresh.append(message)
        if not fresh:
            return 0
        self.session.execute(insert(OutboxMessage), [m.row for m in fresh])
        about = {m.key: m.concerns for m in fresh if m.concerns}
        if about:
            ids = self._queued_of(list(about))
            self.session.execute(insert(OutboxConcern), [
                {"outbox_id": ids[key], "member_id": member}
                for key, members in about.items() for member in members])
        return len(fresh)

    def _queued_of(self, keys: Sequence[str]) -> dict[str, int]:
        """The ids of those of `keys` already queued, by key."""
        found: dict[str, int] = {}
        for start in range(0, len(keys), KEYS_A_QUERY):
            for key, row_id in self.session.execute(
                    select(OutboxMessage.idempotency_key, OutboxMessage.id)
                    .where(OutboxMessage.idempotency_key.in_(keys[start:start + KEYS_A_QUERY]))):
                found[key] = row_id
        return found

    def copies_of(self, family: str) -> Sequence[OutboxMessage]:
        """Every posted copy of a notice (not its redraws), oldest first."""
        return self.copies_of_any([family])

    def copies_of_any(self, families: Sequence[str]) -> Sequence[OutboxMessage]:
        """Every posted copy of any of these notices (not their redraws), oldest first."""
        return self.session.scalars(
            select(OutboxMessage)
            .where(_of_families(families))
            .where(OutboxMessage.channel.in_([OutboxChannel.SLACK_DM,
                                              OutboxChannel.SLACK_CHANNEL]))
            .where(OutboxMessage.status != OutboxStatus.FAILED)  # never posted: nothing to redraw
            .order_by(OutboxMessage.id)
        ).all()

    def ids_addressed_to(self, member_id: int, slack_user_id: str | None) -> list[int]:
        """Rows sent to a member, by reference (their DMs, their texts), and every redraw of
        those messages."""
        to_them = (OutboxMessage.channel == OutboxChannel.SMS) & (
            OutboxMessage.target == str(member_id))
        if slack_user_id:
            to_them = to_them | (OutboxMessage.target == slack_user_id)
        found = self.session.execute(
            select(OutboxMessage.id, OutboxMessage.idempotency_key).where(to_them)).all()
        # Every redraw of those messages points at them by key.
        targets = [update_target(key) for _, key in found]
        redraws = list(self.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.target.in_(targets)))) if targets else []
        return sorted({row_id for row_id, _ in found} | set(redraws))

    def copies_naming(self, member_id: int) -> Sequence[OutboxMessage]:
        """Posted copies of notices that name a member (sent to others): each is redrawn, from
        the state after they are gone."""
        about = select(OutboxConcern.outbox_id).where(OutboxConcern.member_id == member_id)
        return self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(about))
            .where(OutboxMessage.status == OutboxStatus.SENT)
            .where(OutboxMessage.channel.in_([OutboxChannel.SLACK_DM,
                                              OutboxChannel.SLACK_CHANNEL]))
            .order_by(OutboxMessage.id)).all()

    def forget_concern(self, member_id: int) -> int:
        result = self.session.execute(delete(OutboxConcern).where(
            OutboxConcern.member_id == member_id).execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def claim_due(self, now: datetime, limit: int, until: datetime) -> list[DueMessage]:
        """Takes the due messages and marks an attempt at each begun, until `until` (after
        which they are due again, should the attempt never end): one read and one write for
        the whole batch, with nothing loaded into the session. Locked so that a second
        dispatcher skips them (PostgreSQL); SQLite serialises writers with BEGIN IMMEDIATE,
        which gives the same guarantee."""
        query = (
            select(OutboxMessage.id, OutboxMessage.idempotency_key, OutboxMessage.channel,
                   OutboxMessage.target, OutboxMessage.payload, OutboxMessage.attempts,
                   OutboxMessage.not_after, OutboxMessage.sending_since)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = self.session.execute(query).all()
        if rows:
            self.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
                .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=until,
                        sending_since=now)
                .execution_options(synchronize_session=False))
        return [DueMessage(r.id, r.idempotency_key, r.channel, r.target, r.payload,
                           r.attempts + 1, r.not_after, r.sending_since) for r in rows]

    def get_by_key(self, key: str) -> OutboxMessage | None:
        return self.session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )

    def get_by_delivered_ref(self, ref: str) -> OutboxMessage | None:
        return self.session.scalar(select(OutboxMessage).where(OutboxMessage.delivered_ref == ref))

    def last_texted(self, member_id: int, rsvp_for: str) -> datetime | None:
        """When a text inviting this member to `rsvp_for` last went."""
        return self.session.scalar(
            select(func.max(OutboxMessage.sent_at))
            .where(OutboxMessage.channel == OutboxChannel.SMS)
            .where(OutboxMessage.target == str(member_id))
            .where(OutboxMessage.rsvp_for == rsvp_for))

    def invitations_to(self, member_id: int, limit: int = 50) -> list[str]:
        """What the texts sent to this member invited them to (their `rsvp_for`), each once,
        the most recently texted first."""
        latest = func.max(OutboxMessage.id)
        return list(self.session.scalars(
            select(OutboxMessage.rsvp_for)
            .where(OutboxMessage.channel == OutboxChannel.SMS)
            .where(OutboxMessage.target == str(member_id))
            .where(OutboxMessage.rsvp_for.is_not(None))
            .where(OutboxMessage.status == OutboxStatus.SENT)
            .group_by(OutboxMessage.rsvp_for)
            .order_by(latest.desc())
            .limit(limit)
        ))

    def count_texts_sent_since(self, since: datetime) -> int:
        return self.session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.channel == OutboxChannel.SMS)
            .where(OutboxMessage.sent_at >= since)
        ) or 0

    def sent_targets(self, families: Sequence[str]) -> set[str]:
        """Where copies of these notices were delivered: Slack ids, channels, and member ids
        for texts."""
        if not families:
            return set()
        return set(self.session.scalars(
            select(OutboxMessage.target).where(_of_families(families))
            .where(OutboxMessage.status == OutboxStatus.SENT)
            .where(OutboxMessage.channel != OutboxChannel.SLACK_UPDATE)))

    def has_family(self, family: str) -> bool:
        """Whether any copy of a notice was ever queued (a warning that goes once, say)."""
        found = self.session.scalar(
            select(OutboxMessage.id)
            .where(_of_families([family]))
            .limit(1)
        )
        return found is not None

    def list_failed(self, limit: int = 20) -> Sequence[OutboxMessage]:
        return self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).all()

    def count_by_status(self) -> dict[OutboxStatus, int]:
        rows = self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        counts = {status: 0 for status in OutboxStatus}
        counts.update({status: count for status, count in rows})
        return counts


def _open_routed_to(query: Select[Any], slack_user_id: str,
                    routes: Sequence[FeedbackRoute]) -> Select[Any]:
    """`query` narrowed to the open cases this person was sent, by these routes."""
    return (query.join(FeedbackRecipient)
            .where(FeedbackRecipient.slack_user_id == slack_user_id)
            .where(FeedbackCase.route.in_(routes))
            .where(FeedbackCase.status != FeedbackStatus.RESOLVED))


class FeedbackRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, case: FeedbackCase) -> FeedbackCase:
        self.session.add(case)
        self.session.flush()
        return case

    def get(self, case_id: int) -> FeedbackCase | None:
        return self.session.get(FeedbackCase, case_id)

    def get_by_code_hash(self, code_hash: str) -> FeedbackCase | None:
        return self.session.scalar(select(FeedbackCase).where(FeedbackCase.code_hash == code_hash))

    def list_open_routed_to(self, slack_user_id: str, routes: Sequence[FeedbackRoute],
                            limit: int = 40) -> Sequence[FeedbackCase]:
        """Open cases this person was sent, oldest first."""
        return self.session.scalars(
            _open_routed_to(select(FeedbackCase), slack_user_id, routes)
            .order_by(FeedbackCase.created_at, FeedbackCase.id)
            .limit(limit)
        ).all()

    def any_open_routed_to(self, slack_user_id: str, routes: Sequence[FeedbackRoute],
                           released_by: datetime) -> bool:
        """Whether this person was sent any open case already released to the team (ids only:
        nothing is decrypted to find out)."""
        return self.session.scalar(
            _open_routed_to(select(FeedbackCase.id), slack_user_id, routes)
            .where(FeedbackCase.created_at <= released_by)
            .limit(1)
        ) is not None

    def list_created_between(self, start: datetime, end: datetime) -> Sequence[FeedbackCase]:
        return self.session.scalars(
            select(FeedbackCase)
            .where(FeedbackCase.created_at >= start)
            .where(FeedbackCase.created_at < end)
            .order_by(FeedbackCase.created_at, FeedbackCase.id)
        ).all()


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, group_session: GroupSession) -> GroupSession:
        self.session.add(group_session)
        self.session.flush()
        return group_session

    def get(self, session_id: int) -> GroupSession | None:
        return self.session.get(GroupSession, session_id)

    def get_for_update(self, session_id: int) -> GroupSession | None:
        """The session, locked until the transaction ends, so that claims for its places are
        taken one at a time (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE does the same)."""
        query = select(GroupSession).where(GroupSession.id == session_id)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return self.session.scalar(query)

    def list_starting_between(self, start: datetime, end: datetime) -> Sequence[GroupSession]:
        return self.session.scalars(
            select(GroupSession)
            .where(GroupSession.starts_at >= start)
            .where(GroupSession.starts_at < end)
            .where(GroupSession.cancelled_at.is_(None))
            .order_by(GroupSession.starts_at, GroupSession.id)
        ).all()

    def list_ending_between(self, start: datetime, end: datetime) -> Sequence[GroupSession]:
        return self.session.scalars(
            select(GroupSession)
            .where(GroupSession.ends_at > start)
            .where(GroupSession.ends_at <= end)
            .where(GroupSession.cancelled_at.is_(None))
            .order_by(GroupSession.ends_at, GroupSession.id)
        ).all()

    def list_upcoming_for_member(self, member_id: int, after: datetime,
                                 limit: int = 10) -> Sequence[GroupSession]:
        facilitating = select(SessionFacilitator.session_id).where(
            SessionFacilitator.member_id == member_id)
        attending = select(SessionAttendee.session_id).where(
            SessionAttendee.member_id == member_id)
        return self.session.scalars(
            select(GroupSession)
            .where(GroupSession.starts_at >= after)
            .where(GroupSession.cancelled_at.is_(None))
            .where(GroupSession.id.in_(facilitating) | GroupSession.id.in_(attending))
            .order_by(GroupSession.starts_at, GroupSession.id)
            .limit(limit)
        ).all()

    def list_with_member(self, member_id: int) -> Sequence[GroupSession]:
        """Sessions someone facilitates, attends or waits for: their cards show them."""
        on = (select(SessionFacilitator.session_id).where(SessionFacilitator.member_id == member_id)
              .union(select(SessionAttendee.session_id)
                     .where(SessionAttendee.member_id == member_id),
                     select(WaitingListEntry.session_id)
                     .where(WaitingListEntry.member_id == member_id)))
        return self.session.scalars(
            select(GroupSession).where(GroupSession.id.in_(on)).order_by(GroupSession.id)).all()

    def add_series(self, series: SessionSeries) -> SessionSeries:
        self.session.add(series)
        self.session.flush()
        return series

    def list_open_series(self) -> Sequence[SessionSeries]:
        return self.session.scalars(
            select(SessionSeries).where(SessionSeries.ended.is_(False)).order_by(SessionSeries.id)
        ).all()

    def list_lapsed_offers(self, now: datetime) -> Sequence[WaitingListEntry]:
        return self.session.scalars(
            select(WaitingListEntry)
            .where(WaitingListEntry.offered_until.is_not(None))
            .where(WaitingListEntry.offered_until < now)
            .where(WaitingListEntry.declined.is_(False))
            .order_by(WaitingListEntry.id)
        ).all()

    def add_debrief(self, request: DebriefRequest) -> DebriefRequest:
        self.session.add(request)
        self.session.flush()
        return request

    def get_debrief(self, request_id: int) -> DebriefRequest | None:
        return self.session.get(DebriefRequest, request_id)

    def find_debrief(self, session_id: int, member_id: int) -> DebriefRequest | None:
        return self.session.scalar(
            select(DebriefRequest)
            .where(DebriefRequest.session_id == session_id)
            .where(DebriefRequest.member_id == member_id)
        )


class IncidentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, incident: Incident) -> Incident:
        self.session.add(incident)
        self.session.flush()
        return incident

    def get(self, incident_id: int) -> Incident | None:
        return self.session.get(Incident, incident_id)

    def get_for_alert(self, incident_id: int) -> Incident | None:
        """The incident without its timeline and recipients, which an alert doesn't show."""
        return self.session.scalar(
            select(Incident).where(Incident.id == incident_id)
            .options(lazyload(Incident.timeline), lazyload(Incident.recipients)))

    def get_for_update(self, incident_id: int) -> Incident | None:
        query = select(Incident).where(Incident.id == incident_id)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return self.session.scalar(query)

    def list_due_escalations(self, now: datetime) -> Sequence[Incident]:
        query = (
            select(Incident)
            .where(Incident.status == IncidentStatus.OPEN)
            .where(Incident.next_escalation_at.is_not(None))
            .where(Incident.next_escalation_at <= now)
            .order_by(Incident.next_escalation_at, Incident.id)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).all()

    def list_open_sent_to(self, slack_user_id: str, limit: int = 30) -> Sequence[Incident]:
        return self.session.scalars(
            select(Incident)
            .join(IncidentRecipient)
            .where(IncidentRecipient.slack_user_id == slack_user_id)
            .where(Incident.status != IncidentStatus.RESOLVED)
            .order_by(Incident.created_at, Incident.id)
            .limit(limit)
        ).all()

    def list_breaches_involving(self, member_id: int, since: datetime,
                                kinds: Sequence[IncidentKind]) -> Sequence[Incident]:
        return self.session.scalars(
            select(Incident)
            .join(IncidentPerson)
            .where(IncidentPerson.member_id == member_id)
            .where(Incident.kind.in_(kinds))
            .where(Incident.created_at >= since)
            .order_by(Incident.created_at, Incident.id)
        ).all()

    def list_reported_by(self, slack_user_id: str) -> Sequence[Incident]:
        return self.session.scalars(
            select(Incident).where(Incident.reporter_slack_id == slack_user_id)
            .order_by(Incident.id)).all()

    def reported_any(self, slack_user_id: str) -> bool:
        return self.session.scalar(select(Incident.id).where(
            Incident.reporter_slack_id == slack_user_id).limit(1)) is not None

    def names_member(self, member_id: int) -> bool:
        return self.session.scalar(select(IncidentPerson.incident_id).where(
            IncidentPerson.member_id == member_id).limit(1)) is not None

    def list_created_between(self, start: datetime, end: datetime) -> Sequence[Incident]:
        return self.session.scalars(
            select(Incident)
            .where(Incident.created_at >= start)
            .where(Incident.created_at < end)
            .order_by(Incident.created_at, Incident.id)
        ).all()


class TextingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_inbound(self, text: InboundText) -> InboundText:
        self.session.add(text)
        self.session.flush()
        return text

    def get_inbound(self, text_id: int) -> InboundText | None:
        return self.session.get(InboundText, text_id)

    def add_reply(self, reply: TextReply) -> TextReply:
        self.session.add(reply)
        self.session.flush()
        return reply

    def get_reply(self, reply_id: int) -> TextReply | None:
        return self.session.get(TextReply, reply_id)

    def question_for(self, member_id: int) -> TextQuestion | None:
        return self.session.get(TextQuestion, member_id)

    def ask(self, member_id: int, going: bool, choices: str, now: datetime) -> TextQuestion:
        """Keeps the question just texted to a member, in place of any earlier one."""
        question = self.session.get(TextQuestion, member_id)
        if question is None:
            try:
                # Two texts from one person at once may both ask: the second keeps its own.
                with self.session.begin_nested():
                    question = TextQuestion(member_id=member_id, going=going,
                                            choices=choices, asked_at=now)
                    self.session.add(question)
                return question
            except IntegrityError:
                question = self.session.get(TextQuestion, member_id, populate_existing=True)
                if question is None:
                    raise
        question.going, question.choices, question.asked_at = going, choices, now
        self.session.flush()
        return question

    def forget_question(self, member_id: int) -> None:
        self.session.execute(delete(TextQuestion).where(TextQuestion.member_id == member_id))

    def unknown_number(self, phone: str) -> UnknownNumber:
        found = self.session.get(UnknownNumber, phone)
        if found is None:
            found = UnknownNumber(phone=phone, opted_out=False)
            self.session.add(found)
            self.session.flush()
        return found


class MeetingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        self.session.flush()
        return meeting

    def get(self, meeting_id: int) -> Meeting | None:
        return self.session.get(Meeting, meeting_id)

    def get_for_update(self, meeting_id: int) -> Meeting | None:
        query = select(Meeting).where(Meeting.id == meeting_id)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return self.session.scalar(query)

    def list_starting_between(self, start: datetime, end: datetime,
                              kinds: Sequence[MeetingKind] | None = None) -> Sequence[Meeting]:
        query = (select(Meeting)
                 .where(Meeting.starts_at >= start)
                 .where(Meeting.starts_at < end)
                 .where(Meeting.cancelled_at.is_(None))
                 .order_by(Meeting.starts_at, Meeting.id))
        if kinds:
            query = query.where(Meeting.kind.in_(kinds))
        return self.session.scalars(query).all()

    def add_series(self, series: MeetingSeries) -> MeetingSeries:
        self.session.add(series)
        self.session.flush()
        return series

    def list_series(self) -> Sequence[MeetingSeries]:
        return self.session.scalars(select(MeetingSeries).order_by(MeetingSeries.id)).all()

    def add_present_request(self, request: PresentRequest) -> PresentRequest:
        self.session.add(request)
        self.session.flush()
        return request

    def get_present_request(self, request_id: int) -> PresentRequest | None:
        return self.session.get(PresentRequest, request_id)


class ReminderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def labels_for(self, subject: str) -> set[str]:
        return set(self.session.scalars(
            select(ReminderLog.label).where(ReminderLog.subject == subject)))

    def record(self, subject: str, label: str, state: str, due_at: datetime,
               now: datetime) -> None:
        self.session.add(ReminderLog(subject=subject, label=label, state=state, due_at=due_at,
                                     handled_at=now))
        self.session.flush()

    def list_for(self, subject: str) -> Sequence[ReminderLog]:
        return self.session.scalars(
            select(ReminderLog).where(ReminderLog.subject == subject).order_by(ReminderLog.id)
        ).all()


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, at: datetime, actor: str | None, action: str, subject: str) -> None:
        self.session.add(AuditEntry(at=at, actor_slack_id=actor, action=action, subject=subject))
        self.session.flush()

    def list_between(self, start: datetime, end: datetime) -> Sequence[AuditEntry]:
        return self.session.scalars(
            select(AuditEntry).where(AuditEntry.at >= start).where(AuditEntry.at < end)
            .order_by(AuditEntry.at, AuditEntry.id)
        ).all()
