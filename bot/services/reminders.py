"""Reminders for meetings and sessions, derived from the database every time: each one is
written to the reminder log as sent or missed, so a restart neither loses nor doubles one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice
from bot.rules.meetings import offset_label, parse_offsets, plan_reminders
from bot.rules.texting import RsvpFor, RsvpSubject
from bot.services.meetings import MeetingReminder, invited_members
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, PersonalData, rows_changed
from storage.models import GroupSession, Meeting, ReminderLog
from storage.repositories import (
    MeetingRepository,
    MemberRepository,
    ReminderRepository,
    SessionRepository,
)

log = logging.getLogger(__name__)


# -- what reminders tell people (drawn by handlers/blocks/meetings.py) -------------------------
class SessionReminder(Notice):
    """A session coming up, at one offset, to those facilitating it and those coming."""

    kind = "reminder.session"
    identity = ("session_id",)
    session_id: int
    offset: str
    facilitating: bool


class RemindersService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock,
                 settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.offsets = parse_offsets(settings.coprod_reminder_offsets)
        self.longest = max(max(o) for o in self.offsets.values() if o)

    def _offsets_for(self, kind: str) -> tuple[timedelta, ...]:
        return self.offsets.get(kind, self.offsets["default"])

    def send_due(self) -> int:
        """Every reminder that is due, once; those past saving are recorded as missed. Each
        meeting and session in a savepoint of its own: one that fails is logged by number,
        and the others are still reminded."""
        now = self.clock()
        sent = 0
        with self.sessions.begin() as session:
            window = (now - timedelta(days=1), now + self.longest + timedelta(minutes=1))
            due: list[tuple[RsvpFor, Callable[[], int]]] = [
                (RsvpFor(RsvpSubject.MEETING, m.id), partial(self._meeting, session, m, now))
                for m in MeetingRepository(session).list_starting_between(*window)]
            due += [
                (RsvpFor(RsvpSubject.SESSION, s.id), partial(self._session, session, s, now))
                for s in SessionRepository(session).list_starting_between(*window)]
            for subject, remind in due:
                try:
                    with session.begin_nested():
                        sent += remind()
                except IntegrityError:
                    # Another scheduler logged this reminder first (the unique log row): it
                    # is theirs to send, and this one is rolled back, so nothing goes twice.
                    log.warning("reminders: another process sent %s %d first",
                                subject.subject.value, subject.id)
                except Exception as error:
                    log.exception("reminder for %s %d could not be sent (%s)",
                                  subject.subject.value, subject.id, type(error).__name__)
        return sent

    def _plan(self, session: Session, subject: RsvpFor, starts_at: datetime, kind: str,
              now: datetime) -> str | None:
        reminders = ReminderRepository(session)
        offsets = self._offsets_for(kind)
        plan = plan_reminders(starts_at, now, offsets, reminders.labels_for(subject.stored))
        by_label = {offset_label(o): o for o in offsets}
        for label in plan.missed:
            reminders.record(subject.stored, label, "missed", starts_at - by_label[label], now)
            log.info("reminder %s %s missed: too late to be useful", subject.stored, label)
        if plan.send:
            reminders.record(subject.stored, plan.send, "sent", starts_at - by_label[plan.send],
                             now)
        return plan.send

    def _meeting(self, session: Session, meeting: Meeting, now: datetime) -> int:
        subject = RsvpFor(RsvpSubject.MEETING, meeting.id)
        label = self._plan(session, subject, meeting.starts_at, meeting.kind.value, now)
        if label is None:
            return 0
        first = label == offset_label(self._offsets_for(meeting.kind.value)[0])
        notice = MeetingReminder(meeting_id=meeting.id, offset=label, with_agenda=first)
        # Those who have answered are reminded of their answer, not asked again.
        answers = {r.member_id: r.going for r in meeting.rsvps}
        answered = {going: MeetingReminder(meeting_id=meeting.id, offset=label,
                                           with_agenda=first, answered=going)
                    for going in (True, False)}
        book = NoticeBook(session, now)
        with book.all_at_once():
            if meeting.channel_id:
                book.to_channel(meeting.channel_id, notice)
            for member in invited_members(MemberRepository(session), meeting.invited):
                going = answers.get(member.id)
                book.to_member(member, notice if going is None else answered[going],
                               texts=True, not_after=meeting.starts_at, rsvp_for=subject.stored)
        return 1

    def _session(self, session: Session, group: GroupSession, now: datetime) -> int:
        subject = RsvpFor(RsvpSubject.SESSION, group.id)
        label = self._plan(session, subject, group.starts_at, "session", now)
        if label is None:
            return 0
        book = NoticeBook(session, now)
        with book.all_at_once():
            for place in group.facilitators:
                book.to_member(place.member, SessionReminder(
                    session_id=group.id, offset=label, facilitating=True),
                    texts=True, not_after=group.starts_at)
            for attendee in group.attendees:
                book.to_member(attendee.member, SessionReminder(
                    session_id=group.id, offset=label, facilitating=False),
                    texts=True, not_after=group.starts_at, rsvp_for=subject.stored)
        return 1

    def next_due_at(self) -> datetime | None:
        """When the next reminder falls due, so the scheduler can wake exactly then."""
        now = self.clock()
        soonest: datetime | None = None
        with self.sessions() as session:
            window = (now, now + self.longest + timedelta(days=30))
            items: list[tuple[RsvpFor, datetime, str]] = [
                (RsvpFor(RsvpSubject.MEETING, m.id), m.starts_at, m.kind.value)
                for m in MeetingRepository(session).list_starting_between(*window)]
            items += [(RsvpFor(RsvpSubject.SESSION, s.id), s.starts_at, "session")
                      for s in SessionRepository(session).list_starting_between(*window)]
            reminders = ReminderRepository(session)
            for subject, starts_at, kind in items:
                done = reminders.labels_for(subject.stored)
                for offset in self._offsets_for(kind):
                    due = starts_at - offset
                    if offset_label(offset) in done:
                        continue
                    due = max(due, now)  # an overdue one is due now
                    soonest = due if soonest is None or due < soonest else soonest
        return soonest


# -- retention (the log names no one: only when each reminder went) --------------------------
def _purge_reminder_log(session: Session, periods: Periods) -> dict[str, int]:
    return {"reminder log": rows_changed(session, delete(ReminderLog).where(
        ReminderLog.handled_at < periods.before("deliveries")))}


PERSONAL_DATA = PersonalData(area="reminders", tables=(), purge=_purge_reminder_log)
