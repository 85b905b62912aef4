"""Reminders for meetings and sessions, derived from the database every time: each one is
written to the reminder log as sent or missed, so a restart neither loses nor doubles one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.rules.meetings import offset_label, parse_offsets, plan_reminders
from bot.services.meetings import MeetingsService, invited_members
from bot.services.sessions import SessionsService
from handlers.blocks import meetings as messages
from storage.models import GroupSession, Meeting, OutboxChannel
from storage.repositories import (
    MeetingRepository,
    MemberRepository,
    OutboxRepository,
    ReminderRepository,
    SessionRepository,
)

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class RemindersService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                 meetings: MeetingsService, rota: SessionsService) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.meetings = meetings
        self.rota = rota
        self.offsets = parse_offsets(settings.coprod_reminder_offsets)
        self.longest = max(max(o) for o in self.offsets.values() if o)

    def _offsets_for(self, kind: str) -> tuple[timedelta, ...]:
        return self.offsets.get(kind, self.offsets["default"])

    def send_due(self) -> int:
        """Every reminder that is due, once; those past saving are recorded as missed."""
        now = self.clock()
        sent = 0
        try:
            with self.sessions.begin() as session:
                window = (now - timedelta(days=1), now + self.longest + timedelta(minutes=1))
                for meeting in MeetingRepository(session).list_starting_between(*window):
                    sent += self._meeting(session, meeting, now)
                for group in SessionRepository(session).list_starting_between(*window):
                    sent += self._session(session, group, now)
        except IntegrityError:
            # Another scheduler logged the same reminder first (the unique log row): it is
            # theirs to send, and this whole run is rolled back, so nothing goes twice.
            log.warning("reminders: another process sent these first")
            return 0
        return sent

    def _plan(self, session: Session, subject: str, starts_at: datetime, kind: str,
              now: datetime) -> str | None:
        reminders = ReminderRepository(session)
        offsets = self._offsets_for(kind)
        plan = plan_reminders(starts_at, now, offsets, reminders.labels_for(subject))
        by_label = {offset_label(o): o for o in offsets}
        for label in plan.missed:
            reminders.record(subject, label, "missed", starts_at - by_label[label], now)
            log.info("reminder %s %s missed: too late to be useful", subject, label)
        if plan.send:
            reminders.record(subject, plan.send, "sent", starts_at - by_label[plan.send], now)
        return plan.send

    def _meeting(self, session: Session, meeting: Meeting, now: datetime) -> int:
        subject = f"meeting:{meeting.id}"
        label = self._plan(session, subject, meeting.starts_at, meeting.kind.value, now)
        if label is None:
            return 0
        view = self.meetings.view_of(meeting)
        first = label == offset_label(self._offsets_for(meeting.kind.value)[0])
        payload = messages.reminder(view, self.settings.timezone, with_agenda=first)
        outbox = OutboxRepository(session)
        key = f"{subject}:reminder:{label}"
        if meeting.channel_id:
            outbox.enqueue(key=f"{key}:channel", channel=OutboxChannel.SLACK_CHANNEL,
                           target=meeting.channel_id, payload=payload, now=now)
        for member in invited_members(MemberRepository(session), meeting.invited):
            self.meetings.notify(outbox, member, key, payload, now,
                                 not_after=meeting.starts_at, rsvp_for=subject)
        return 1

    def _session(self, session: Session, group: GroupSession, now: datetime) -> int:
        subject = f"session:{group.id}"
        label = self._plan(session, subject, group.starts_at, "session", now)
        if label is None:
            return 0
        view = self.rota.view_of(group)
        outbox = OutboxRepository(session)
        key = f"{subject}:reminder:{label}"
        for place in group.facilitators:
            self.meetings.notify(outbox, place.member, f"{key}:facilitating",
                                 messages.session_reminder(view, self.settings.timezone,
                                                           facilitating=True),
                                 now, not_after=group.starts_at)
        for attendee in group.attendees:
            self.meetings.notify(outbox, attendee.member, key,
                                 messages.session_reminder(view, self.settings.timezone,
                                                           facilitating=False),
                                 now, not_after=group.starts_at, rsvp_for=subject)
        return 1

    def next_due_at(self) -> datetime | None:
        """When the next reminder falls due, so the scheduler can wake exactly then."""
        now = self.clock()
        soonest: datetime | None = None
        with self.sessions() as session:
            window = (now, now + self.longest + timedelta(days=30))
            items: list[tuple[str, datetime, str]] = [
                (f"meeting:{m.id}", m.starts_at, m.kind.value)
                for m in MeetingRepository(session).list_starting_between(*window)]
            items += [(f"session:{s.id}", s.starts_at, "session")
                      for s in SessionRepository(session).list_starting_between(*window)]
            reminders = ReminderRepository(session)
            for subject, starts_at, kind in items:
                done = reminders.labels_for(subject)
                for offset in self._offsets_for(kind):
                    due = starts_at - offset
                    if offset_label(offset) in done:
                        continue
                    due = max(due, now)  # an overdue one is due now
                    soonest = due if soonest is None or due < soonest else soonest
        return soonest
