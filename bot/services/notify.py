"""Telling one member something their own way: a Slack DM, a text (with consent), or both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.rules.sms_text import compose_text
from storage.models import ContactPreference, Member, OutboxChannel
from storage.repositories import OutboxRepository


def notify_member(outbox: OutboxRepository, member: Member, key: str, payload: dict[str, Any],
                  now: datetime, *, org_name: str, not_after: datetime | None = None,
                  rsvp_for: str | None = None) -> int:
    """Queues the notice; a text goes only when the payload has words for one ("sms"), the
    member takes texts and has agreed. Returns how many notices were queued."""
    queued = 0
    if member.slack_user_id and member.contact is not ContactPreference.SMS:
        outbox.enqueue(key=f"{key}:dm:{member.id}", channel=OutboxChannel.SLACK_DM,
                       target=member.slack_user_id, payload=payload, now=now)
        queued += 1
    if (member.phone and member.contact is not ContactPreference.SLACK
            and member.has_sms_consent and payload.get("sms")):
        outbox.enqueue(key=f"{key}:sms:{member.id}", channel=OutboxChannel.SMS,
                       target=str(member.id), now=now, not_after=not_after, rsvp_for=rsvp_for,
                       payload={"text": compose_text(org_name, payload["sms"])})
        queued += 1
    return queued
