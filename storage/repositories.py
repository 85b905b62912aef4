"""Repositories: questions and changes about stored things. They flush; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.rules.feedback_words import FeedbackRoute, FeedbackStatus
from bot.rules.roles import Role
from storage.models import (
    FeedbackCase,
    FeedbackRecipient,
    Member,
    MemberRole,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
)


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int) -> Member | None:
        return self.session.get(Member, member_id)

    def get_by_slack_id(self, slack_user_id: str) -> Member | None:
        return self.session.scalar(select(Member).where(Member.slack_user_id == slack_user_id))

    def get_by_phone(self, phone: str) -> Member | None:
        return self.session.scalar(select(Member).where(Member.phone == phone))

    def list_all(self) -> Sequence[Member]:
        return self.session.scalars(select(Member).order_by(Member.name, Member.id)).all()

    def list_with_role(self, role: Role) -> Sequence[Member]:
        return self.session.scalars(
            select(Member)
            .join(MemberRole)
            .where(MemberRole.role == role)
            .order_by(Member.name, Member.id)
        ).all()

    def add(self, member: Member) -> Member:
        self.session.add(member)
        self.session.flush()
        return member


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
    ) -> OutboxMessage:
        """Adds a notification unless one with the same key exists (then returns that one)."""
        existing = self.session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )
        if existing is not None:
            return existing
        message = OutboxMessage(
            idempotency_key=key,
            channel=channel,
            target=target,
            payload=payload,
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=deliver_at or now,
            not_after=not_after,
            created_at=now,
        )
        self.session.add(message)
        self.session.flush()
        return message

    def claim_due(self, now: datetime, limit: int) -> Sequence[OutboxMessage]:
        """Due messages, locked so that a second dispatcher skips them (PostgreSQL); SQLite
        serialises writers with BEGIN IMMEDIATE, which gives the same guarantee."""
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).all()

    def get_by_key(self, key: str) -> OutboxMessage | None:
        return self.session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )

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
            select(FeedbackCase)
            .join(FeedbackRecipient)
            .where(FeedbackRecipient.slack_user_id == slack_user_id)
            .where(FeedbackCase.route.in_(routes))
            .where(FeedbackCase.status != FeedbackStatus.RESOLVED)
            .order_by(FeedbackCase.created_at, FeedbackCase.id)
            .limit(limit)
        ).all()

    def list_created_between(self, start: datetime, end: datetime) -> Sequence[FeedbackCase]:
        return self.session.scalars(
            select(FeedbackCase)
            .where(FeedbackCase.created_at >= start)
            .where(FeedbackCase.created_at < end)
            .order_by(FeedbackCase.created_at, FeedbackCase.id)
        ).all()
