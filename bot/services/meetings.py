"""Forums, community meetings, the AGM and trustees' meetings: setting them up, RSVPs by button
or text, members' agenda items, and requests to present to the trustees."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.rules.feedback import anonymous_release_time
from bot.rules.meetings import (
    AGENDA_KINDS,
    EVERYONE,
    MeetingDraft,
    MeetingKind,
    MeetingRepeat,
    check_meeting,
    meeting_days,
)
from bot.rules.roles import NotAllowed, Role
from bot.services.notify import notify_member
from handlers.blocks import meetings as messages
from storage.models import (
    AgendaItem,
    Meeting,
    MeetingRsvp,
    MeetingSeries,
    Member,
    OutboxChannel,
    PresentRequest,
)
from storage.repositories import MeetingRepository, MemberRepository, OutboxRepository

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
SERIES_AHEAD = timedelta(days=366)


class InvalidMeeting(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class MeetingGone(LookupError):
    """No such meeting (any more)."""


@dataclass(frozen=True)
class MeetingView:
    id: int
    kind: MeetingKind
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    channel_id: str | None
    invited: str
    cancelled: bool
    going: tuple[str, ...]
    not_going: int
    agenda: tuple[str, ...]
    my_rsvp: bool | None = None


@dataclass(frozen=True)
class PresentView:
    id: int
    member_name: str
    member_slack_id: str | None
    subject: str
    meeting: MeetingView
    status: str
    decided_by: str | None


def invited_members(members: MemberRepository, invited: str) -> list[Member]:
    if invited == EVERYONE:
        return list(members.list_all())
    return list(members.list_with_role(Role(invited)))


class MeetingsService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.tz = settings.timezone

    def view_of(self, meeting: Meeting, member_id: int | None = None) -> MeetingView:
        mine = next((r.going for r in meeting.rsvps if r.member_id == member_id), None)
        return MeetingView(
            id=meeting.id, kind=meeting.kind, title=meeting.title, starts_at=meeting.starts_at,
            ends_at=meeting.ends_at, place=meeting.place, channel_id=meeting.channel_id,
            invited=meeting.invited, cancelled=meeting.cancelled_at is not None,
            going=tuple(r.member.name for r in meeting.rsvps if r.going),
            not_going=sum(1 for r in meeting.rsvps if not r.going),
            agenda=tuple(a.text for a in meeting.agenda), my_rsvp=mine)

    # -- setting up ---------------------------------------------------------------------------
    def create(self, actor: str | None, draft: MeetingDraft) -> list[MeetingView]:
        now = self.clock()
        errors = check_meeting(draft, now, self.tz, [r.value for r in Role])
        if errors:
            raise InvalidMeeting(errors)
        assert draft.kind and draft.day and draft.start_time and draft.end_time
        with self.sessions.begin() as session:
            if actor is not None:
                self._require_coordinator(session, actor)
            repo = MeetingRepository(session)
            until = draft.day + SERIES_AHEAD if draft.repeat is not MeetingRepeat.NONE \
                else draft.day
            series = None
            if draft.repeat is not MeetingRepeat.NONE:
                series = repo.add_series(MeetingSeries(
                    repeat=draft.repeat, kind=draft.kind, title=draft.title.strip(),
                    first_day=draft.day, start_time=draft.start_time, end_time=draft.end_time,
                    place=draft.place.strip(), channel_id=draft.channel, invited=draft.invited,
                    made_until=until))
            made = [self._make(repo, draft, day, series, now)
                    for day in meeting_days(draft.day, draft.repeat, until)]
            return [self.view_of(m) for m in made]

    def _make(self, repo: MeetingRepository, draft: MeetingDraft, day: date,
              series: MeetingSeries | None, now: datetime) -> Meeting:
        assert draft.kind and draft.start_time and draft.end_time
        return repo.add(Meeting(
            series_id=series.id if series else None, kind=draft.kind, title=draft.title.strip(),
            starts_at=datetime.combine(day, draft.start_time, tzinfo=self.tz),
            ends_at=datetime.combine(day, draft.end_time, tzinfo=self.tz),
            place=draft.place.strip(), channel_id=draft.channel, invited=draft.invited,
            created_at=now, updated_at=now))

    def extend_series(self) -> int:
        now = self.clock()
        made = 0
        with self.sessions.begin() as session:
            repo = MeetingRepository(session)
            horizon = now.astimezone(self.tz).date() + SERIES_AHEAD
            for series in repo.list_series():
                if series.made_until >= horizon:
                    continue
                draft = MeetingDraft(title=series.title, kind=series.kind, day=series.first_day,
                                     start_time=series.start_time, end_time=series.end_time,
                                     place=series.place, invited=series.invited,
                                     channel=series.channel_id, repeat=series.repeat)
                for day in meeting_days(series.first_day, series.repeat, horizon):
                    if day > series.made_until:
                        self._make(repo, draft, day, series, now)
                        made += 1
                series.made_until = horizon
        return made

    def cancel(self, actor: str, meeting_id: int) -> MeetingView:
        now = self.clock()
        with self.sessions.begin() as session:
            self._require_coordinator(session, actor)
            meeting = MeetingRepository(session).get_for_update(meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                raise MeetingGone(meeting_id)
            meeting.cancelled_at, meeting.updated_at = now, now
            view = self.view_of(meeting)
            outbox = OutboxRepository(session)
            for member in invited_members(MemberRepository(session), meeting.invited):
                self.notify(outbox, member, f"meeting:{meeting.id}:cancelled",
                            messages.cancelled_notice(view, self.tz), now)
            return view

    def notify(self, outbox: OutboxRepository, member: Member, key: str, payload: dict,
               now: datetime, *, not_after: datetime | None = None,
               rsvp_for: str | None = None) -> int:
        return notify_member(outbox, member, key, payload, now,
                             org_name=self.settings.coprod_org_name, not_after=not_after,
                             rsvp_for=rsvp_for)

    # -- reading ------------------------------------------------------------------------------
    def upcoming_for(self, slack_user_id: str, days: int = 120) -> list[MeetingView]:
        now = self.clock()
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            found = MeetingRepository(session).list_starting_between(now,
                                                                     now + timedelta(days=days))
            roles = {r.value for r in member.role_set} if member else set()
            return [self.view_of(m, member.id if member else None) for m in found
                    if m.invited == EVERYONE or m.invited in roles][:15]

    def is_coordinator(self, slack_user_id: str) -> bool:
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            return member is not None and Role.COORDINATOR in member.role_set

    # -- RSVP ---------------------------------------------------------------------------------
    def rsvp(self, meeting_id: int, slack_user_id: str, going: bool) -> MeetingView:
        with self.sessions.begin() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                raise NotAllowed(Role.MEMBER)
            self.rsvp_in(session, meeting_id, member, going)
            meeting = MeetingRepository(session).get(meeting_id)
            assert meeting is not None
            return self.view_of(meeting, member.id)

    def rsvp_in(self, session: Session, meeting_id: int, member: Member, going: bool) -> str:
        """An RSVP inside the caller's transaction (a button, or YES / NO by text)."""
        now = self.clock()
        meeting = MeetingRepository(session).get_for_update(meeting_id)
        if meeting is None or meeting.cancelled_at is not None:
            raise MeetingGone(meeting_id)
        answer = next((r for r in meeting.rsvps if r.member_id == member.id), None)
        if answer is None:
            meeting.rsvps.append(MeetingRsvp(member_id=member.id, member=member, going=going,
                                             answered_at=now))
        else:
            answer.going, answer.answered_at = going, now
        session.flush()
        when = meeting.starts_at.astimezone(self.tz)
        label = f"{meeting.title[:40]} on {when:%a %d %b at %H:%M}"
        return (f"Thanks, you're down for {label}." if going
                else f"Thanks for letting us know you can't come to {label}.")

    def rsvp_by_text(self, session: Session, meeting_id: int, member: Member,
                     going: bool) -> str:
        try:
            return self.rsvp_in(session, meeting_id, member, going)
        except MeetingGone:
            return "Sorry, that meeting has been cancelled."

    # -- agenda and presenting ----------------------------------------------------------------
    def agenda_choices(self) -> list[MeetingView]:
        now = self.clock()
        with self.sessions() as session:
            found = MeetingRepository(session).list_starting_between(
                now, now + timedelta(days=120), AGENDA_KINDS)
            return [self.view_of(m) for m in found[:10]]

    def add_agenda_item(self, slack_user_id: str, meeting_id: int, text: str,
                        anonymous: bool) -> MeetingView:
        if not text.strip() or len(text) > 500:
            raise InvalidMeeting({"agenda": "Please write your item in up to 500 characters."})
        now = self.clock()
        with self.sessions.begin() as session:
            meeting = MeetingRepository(session).get(meeting_id)
            if meeting is None or meeting.kind not in AGENDA_KINDS or meeting.cancelled_at:
                raise MeetingGone(meeting_id)
            member = None if anonymous else MemberRepository(session).get_by_slack_id(
                slack_user_id)
            # Anonymous items keep nobody and are dated by the round, as anonymous feedback is.
            meeting.agenda.append(AgendaItem(
                member_id=member.id if member else None, member=member, text=text.strip(),
                created_at=anonymous_release_time(now) if anonymous else now))
            session.flush()
            return self.view_of(meeting)

    def request_to_present(self, slack_user_id: str, subject: str) -> PresentView:
        if not subject.strip() or len(subject) > 300:
            raise InvalidMeeting({"subject": "Please give your subject in up to 300 characters."})
        now = self.clock()
        with self.sessions.begin() as session:
            members = MemberRepository(session)
            member = members.get_by_slack_id(slack_user_id)
            if member is None:
                raise NotAllowed(Role.MEMBER)
            found = MeetingRepository(session).list_starting_between(
                now, now + timedelta(days=400), [MeetingKind.TRUSTEES])
            if not found:
                raise MeetingGone(0)
            request = MeetingRepository(session).add_present_request(PresentRequest(
                meeting_id=found[0].id, meeting=found[0], member_id=member.id, member=member,
                subject=subject.strip(), status="requested", created_at=now))
            view = self._present_view(request)
            outbox = OutboxRepository(session)
            for person in members.list_with_role(Role.COORDINATOR):
                if person.slack_user_id and person.id != member.id:
                    outbox.enqueue(key=f"present:{request.id}:to:{person.id}",
                                   channel=OutboxChannel.SLACK_DM, target=person.slack_user_id,
                                   payload=messages.present_request(view, self.tz), now=now)
            return view

    def decide_present(self, request_id: int, actor: str, accept: bool) -> PresentView:
        now = self.clock()
        with self.sessions.begin() as session:
            self._require_coordinator(session, actor)
            request = MeetingRepository(session).get_present_request(request_id)
            if request is None:
                raise MeetingGone(request_id)
            if request.status == "requested":
                request.status = "accepted" if accept else "another_date"
                request.decided_by, request.decided_at = actor, now
                if request.member.slack_user_id:
                    OutboxRepository(session).enqueue(
                        key=f"present:{request.id}:decided", channel=OutboxChannel.SLACK_DM,
                        target=request.member.slack_user_id, now=now,
                        payload=messages.present_decision(self._present_view(request), self.tz))
            return self._present_view(request)

    def _present_view(self, request: PresentRequest) -> PresentView:
        return PresentView(request.id, request.member.name, request.member.slack_user_id,
                           request.subject, self.view_of(request.meeting), request.status,
                           request.decided_by)

    @staticmethod
    def _require_coordinator(session: Session, actor: str) -> None:
        member = MemberRepository(session).get_by_slack_id(actor)
        if member is None or Role.COORDINATOR not in member.role_set:
            raise NotAllowed(Role.COORDINATOR)

    def views(self, meetings: Sequence[Meeting]) -> list[MeetingView]:
        return [self.view_of(m) for m in meetings]
