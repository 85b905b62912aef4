"""Forums, community meetings, the AGM and trustees' meetings: setting them up, RSVPs by button
or text, members' agenda items, and requests to present to the trustees."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice
from bot.rules.feedback import anonymous_release_time
from bot.rules.lifecycle import REQUEST_CLOSED, RequestStatus, request_step
from bot.rules.meetings import (
    AGENDA_KINDS,
    EVERYONE,
    MEETING_KIND_WORDS,
    InvalidMeeting,
    MeetingDraft,
    MeetingKind,
    MeetingRepeat,
    ValidMeeting,
    is_invited,
    meeting_days,
    offset_label,
    parse_offsets,
    plan_reminders,
    validate_meeting,
)
from bot.rules.roles import NotAllowed, Role
from bot.rules.texting import Happened, Invitation, RsvpFor, RsvpSubject, TextOutcome
from bot.services.jobs import one_by_one
from bot.services.members import is_coordinator, require_coordinator
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.models import (
    AgendaItem,
    Meeting,
    MeetingRsvp,
    MeetingSeries,
    Member,
    PresentRequest,
)
from storage.repositories import (
    MeetingRepository,
    MemberRepository,
    OutboxRepository,
    ReminderRepository,
)

log = logging.getLogger(__name__)
SERIES_AHEAD = timedelta(days=366)


# -- what meetings tell people (drawn by handlers/blocks/meetings.py) --------------------------
class MeetingCancelled(Notice):
    """To everyone invited: the meeting is off."""

    kind = "meeting.cancelled"
    meeting_id: int


class MeetingInvitation(Notice):
    """A meeting just set up: announced in its channel and sent to everyone invited their own
    way (a text with YES / NO for those who take texts), with Going / Can't make it."""

    kind = "meeting.invitation"
    identity = ("meeting_id",)
    meeting_id: int


class MeetingReminder(Notice):
    """A meeting coming up, at one offset ("7d"): to its channel and everyone invited, with
    Going / Can't make it; the first one carries the agenda so far. `answered`: the answer
    the member it goes to had given when it was queued (None for a channel, and for those
    who had not answered), so that a text reminds them of it rather than asking again. (A
    value, not who: everyone who gave the same answer shares one drawing.)"""

    kind = "reminder.meeting"
    identity = ("meeting_id",)
    meeting_id: int
    offset: str
    with_agenda: bool
    answered: bool | None = None


class PresentRequested(Notice):
    """A member's request to present, to each coordinator; every copy is redrawn at each
    step, so the buttons go once someone has answered."""

    kind = "meeting.present-request"
    identity = ("request_id",)
    request_id: int


class PresentAnswer(Notice):
    """To the member who asked to present: where their request has got to."""

    kind = "meeting.present-answer"
    request_id: int
    step: RequestStatus


class MeetingGone(LookupError):
    """No such meeting (any more)."""


class NotInvited(LookupError):
    """The meeting is not one this member is invited to: nothing about it is said."""


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
    # Answers a coordinator recorded (given by phone or in person): (name, going, recorded by).
    recorded: tuple[tuple[str, bool, str], ...] = ()


@dataclass(frozen=True)
class PresentView:
    id: int
    member_name: str
    member_slack_id: str | None
    subject: str
    meeting: MeetingView
    status: RequestStatus
    decided_by: str | None


def invited_members(members: MemberRepository, invited: str) -> list[Member]:
    if invited == EVERYONE:
        return list(members.list_all())
    return list(members.list_with_role(Role(invited)))


def invite(session: Session, meeting: Meeting, settings: Settings, now: datetime) -> None:
    """Announces a meeting in its channel and invites everyone invited, their own way (texts
    wait for the morning through the outbox, as reminders do). A reminder already due would
    only say the same again, so the invitation takes its place in the reminder log."""
    book = NoticeBook(session, now)
    notice = MeetingInvitation(meeting_id=meeting.id)
    subject = RsvpFor(RsvpSubject.MEETING, meeting.id).stored
    with book.all_at_once():
        if meeting.channel_id:
            book.to_channel(meeting.channel_id, notice)
        for member in invited_members(MemberRepository(session), meeting.invited):
            book.to_member(member, notice, texts=True, not_after=meeting.starts_at,
                           rsvp_for=subject)
    offsets = parse_offsets(settings.coprod_reminder_offsets)
    offsets_for = offsets.get(meeting.kind.value, offsets["default"])
    plan = plan_reminders(meeting.starts_at, now, offsets_for, set())
    due = {offset_label(o): meeting.starts_at - o for o in offsets_for}
    reminders = ReminderRepository(session)
    for label in (*plan.missed, *((plan.send,) if plan.send else ())):
        reminders.record(subject, label, "missed", due[label], now)


class MeetingsService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.tz = settings.timezone
        self.answers = MeetingAnswers(self)

    def view_of(self, meeting: Meeting, member_id: int | None = None) -> MeetingView:
        """The meeting as anyone sees it now. An anonymous agenda item is dated by its round,
        as anonymous feedback is, and shows nowhere before it."""
        now = self.clock()
        mine = next((r.going for r in meeting.rsvps if r.member_id == member_id), None)
        return MeetingView(
            id=meeting.id, kind=meeting.kind, title=meeting.title, starts_at=meeting.starts_at,
            ends_at=meeting.ends_at, place=meeting.place, channel_id=meeting.channel_id,
            invited=meeting.invited, cancelled=meeting.cancelled_at is not None,
            going=tuple(r.member.name for r in meeting.rsvps if r.going),
            not_going=sum(1 for r in meeting.rsvps if not r.going),
            agenda=tuple(a.text for a in meeting.agenda if a.created_at <= now), my_rsvp=mine,
            recorded=tuple((r.member.name, r.going, r.recorded_by) for r in meeting.rsvps
                           if r.recorded_by))

    # -- setting up ---------------------------------------------------------------------------
    def create(self, actor: str | None, draft: MeetingDraft) -> list[MeetingView]:
        now = self.clock()
        valid = validate_meeting(draft, now, self.tz, [r.value for r in Role])
        with self.sessions.begin() as session:
            if actor is not None:
                require_coordinator(session, actor)
            repo = MeetingRepository(session)
            once = valid.repeat is MeetingRepeat.NONE
            until = valid.day if once else valid.day + SERIES_AHEAD
            series = None if once else repo.add_series(MeetingSeries(
                repeat=valid.repeat, kind=valid.kind, title=valid.title, first_day=valid.day,
                start_time=valid.start_time, end_time=valid.end_time, place=valid.place,
                channel_id=valid.channel, invited=valid.invited, made_until=until))
            made = [self._make(repo, valid, day, series, now)
                    for day in meeting_days(valid.day, valid.repeat, until)]
            # The first (of a series, the next) is announced and its invitations go at once;
            # those after it are announced by their reminders.
            invite(session, made[0], self.settings, now)
            return [self.view_of(m) for m in made]

    def made_from(self, actor: str, draft: MeetingDraft) -> list[MeetingView]:
        """What saving this very form made, as `create` returned it (the meeting, or a series'
        meetings from the first): for a copy of a Save already acted on (a double click),
        which is the same meeting, not a second. Empty when there is none going ahead."""
        try:
            valid = validate_meeting(draft, self.clock(), self.tz, [r.value for r in Role])
        except InvalidMeeting:
            return []
        starts = datetime.combine(valid.day, valid.start_time, tzinfo=self.tz)
        ends = datetime.combine(valid.day, valid.end_time, tzinfo=self.tz)
        once = valid.repeat is MeetingRepeat.NONE
        with self.sessions() as session:
            require_coordinator(session, actor)
            first = next((m for m in MeetingRepository(session).list_starting_between(
                starts, starts + timedelta(minutes=1))
                if (m.kind, m.title, m.place, m.channel_id, m.invited) == (
                    valid.kind, valid.title, valid.place, valid.channel, valid.invited)
                and m.ends_at == ends and (m.series_id is None) == once), None)
            if first is None:
                return []
            if first.series_id is None:
                return [self.view_of(first)]
            series = session.scalars(select(Meeting).where(
                Meeting.series_id == first.series_id, Meeting.starts_at >= first.starts_at,
                Meeting.cancelled_at.is_(None)).order_by(Meeting.starts_at, Meeting.id)).all()
            return self.views(series)

    def _make(self, repo: MeetingRepository, valid: ValidMeeting, day: date,
              series: MeetingSeries | None, now: datetime) -> Meeting:
        return repo.add(Meeting(
            series_id=series.id if series else None, kind=valid.kind, title=valid.title,
            starts_at=datetime.combine(day, valid.start_time, tzinfo=self.tz),
            ends_at=datetime.combine(day, valid.end_time, tzinfo=self.tz),
            place=valid.place, channel_id=valid.channel, invited=valid.invited,
            created_at=now, updated_at=now))

    def extend_series(self) -> int:
        """Keeps every series a year ahead (scheduled). Each series in a savepoint of its own:
        one that fails is logged by number, and the others are still extended."""
        now = self.clock()
        with self.sessions.begin() as session:
            repo = MeetingRepository(session)
            horizon = now.astimezone(self.tz).date() + SERIES_AHEAD
            due = [series for series in repo.list_series() if series.made_until < horizon]
            made = one_by_one(session, due,
                              lambda series: self._extend(repo, series, horizon, now), log,
                              "meeting series %d could not be extended")
        return made

    def _extend(self, repo: MeetingRepository, series: MeetingSeries, horizon: date,
                now: datetime) -> int:
        stored = ValidMeeting(title=series.title, kind=series.kind, day=series.first_day,
                              start_time=series.start_time, end_time=series.end_time,
                              place=series.place, invited=series.invited,
                              channel=series.channel_id, repeat=series.repeat)
        made = 0
        for day in meeting_days(series.first_day, series.repeat, horizon):
            if day > series.made_until:
                self._make(repo, stored, day, series, now)
                made += 1
        series.made_until = horizon
        return made

    def cancel(self, actor: str, meeting_id: int) -> MeetingView:
        now = self.clock()
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            meeting = MeetingRepository(session).get_for_update(meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                raise MeetingGone(meeting_id)
            meeting.cancelled_at, meeting.updated_at = now, now
            book = NoticeBook(session, now)
            with book.all_at_once():
                for member, by_text in self._told_of(session, meeting):
                    book.to_member(member, MeetingCancelled(meeting_id=meeting.id),
                                   texts=by_text)
                # Every invitation and reminder already posted, in channels and DMs, says it is
                # off and no longer asks who's coming (any offset: a reminder's copies are
                # found by the meeting).
                book.redraw_all([MeetingInvitation(meeting_id=meeting.id),
                                 MeetingReminder(meeting_id=meeting.id, offset="",
                                                 with_agenda=False)], "cancelled")
            return self.view_of(meeting)

    @staticmethod
    def _told_of(session: Session, meeting: Meeting) -> list[tuple[Member, bool]]:
        """Those invited who know of the meeting: sent an invitation or a reminder, or who
        answered; each with whether a text may tell them it is off (a text reached them, or
        they answered). Nobody hears of a cancellation of a meeting they were never told
        about, and no text cancels what no text announced (one held for the night, then
        dropped, say), though Slack still tells them if Slack told them of it."""
        reached = OutboxRepository(session).sent_targets([
            MeetingInvitation(meeting_id=meeting.id).family,
            MeetingReminder(meeting_id=meeting.id, offset="", with_agenda=False).family])
        answered = {r.member_id for r in meeting.rsvps}
        told = []
        for member in invited_members(MemberRepository(session), meeting.invited):
            by_text = member.id in answered or str(member.id) in reached
            if by_text or member.slack_user_id in reached:
                told.append((member, by_text))
        return told

    # -- reading ------------------------------------------------------------------------------
    def get(self, meeting_id: int) -> MeetingView:
        """A meeting as it is now, cancelled or not (for drawing notices); MeetingGone when
        there is no such meeting."""
        with self.sessions() as session:
            meeting = MeetingRepository(session).get(meeting_id)
            if meeting is None:
                raise MeetingGone(meeting_id)
            return self.view_of(meeting)

    def upcoming_for(self, slack_user_id: str, days: int = 120) -> list[MeetingView]:
        now = self.clock()
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            found = MeetingRepository(session).list_starting_between(now,
                                                                     now + timedelta(days=days))
            roles = {r.value for r in member.role_set} if member else set()
            return [self.view_of(m, member.id if member else None) for m in found
                    if is_invited(roles, m.invited)][:15]

    def is_coordinator(self, slack_user_id: str) -> bool:
        with self.sessions() as session:
            return is_coordinator(session, slack_user_id)

    # -- agenda and presenting ----------------------------------------------------------------
    def agenda_choices(self, slack_user_id: str) -> list[MeetingView]:
        """The coming meetings this member may add an agenda item to: those they are
        invited to."""
        now = self.clock()
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                return []
            roles = {r.value for r in member.role_set}
            found = MeetingRepository(session).list_starting_between(
                now, now + timedelta(days=120), AGENDA_KINDS)
            return [self.view_of(m) for m in found if is_invited(roles, m.invited)][:10]

    def add_agenda_item(self, slack_user_id: str, meeting_id: int, text: str,
                        anonymous: bool) -> MeetingView:
        """Only a member invited to the meeting may add to its agenda: NotAllowed for someone
        not in the directory, NotInvited (saying nothing about the meeting) for the rest. An
        anonymous item keeps nobody: who asked is checked, then dropped."""
        if not text.strip() or len(text) > 500:
            raise InvalidMeeting({"agenda": "Please write your item in up to 500 characters."})
        now = self.clock()
        with self.sessions.begin() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                raise NotAllowed(Role.MEMBER)
            meeting = MeetingRepository(session).get(meeting_id)
            if meeting is None:
                raise MeetingGone(meeting_id)
            if not is_invited({r.value for r in member.role_set}, meeting.invited):
                raise NotInvited(meeting_id)
            if meeting.kind not in AGENDA_KINDS or meeting.cancelled_at:
                raise MeetingGone(meeting_id)
            author = None if anonymous else member
            # Anonymous items are dated by the round, as anonymous feedback is.
            meeting.agenda.append(AgendaItem(
                member_id=author.id if author else None, member=author, text=text.strip(),
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
                subject=subject.strip(), status=RequestStatus.REQUESTED, created_at=now))
            book = NoticeBook(session, now)
            for person in members.list_with_role(Role.COORDINATOR):
                if person.slack_user_id and person.id != member.id:
                    book.to_slack_user(person.slack_user_id,
                                       PresentRequested(request_id=request.id),
                                       about=[member.id])
            return self._present_view(request)

    def step_present(self, request_id: int, actor: str, to: RequestStatus) -> PresentView:
        """A coordinator acknowledges, arranges or declines a request to present. Every
        coordinator's copy is redrawn and the member who asked is told; a step that changes
        nothing (answering a closed request again) tells nobody."""
        now = self.clock()
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            request = MeetingRepository(session).get_present_request(request_id)
            if request is None:
                raise MeetingGone(request_id)
            step = request_step(request.status, to)
            if step is not None:
                request.status = step
                request.decided_by, request.decided_at = actor, now
                session.flush()
                book = NoticeBook(session, now)
                book.redraw(PresentRequested(request_id=request.id), step.value)
                book.to_member(request.member, PresentAnswer(request_id=request.id, step=step),
                               texts=step in REQUEST_CLOSED)
            return self._present_view(request)

    def present_view(self, request_id: int) -> PresentView:
        """A request to present as it is now (for drawing notices); MeetingGone if gone."""
        with self.sessions() as session:
            request = MeetingRepository(session).get_present_request(request_id)
            if request is None:
                raise MeetingGone(request_id)
            return self._present_view(request)

    def _present_view(self, request: PresentRequest) -> PresentView:
        return PresentView(request.id, request.member.name, request.member.slack_user_id,
                           request.subject, self.view_of(request.meeting), request.status,
                           request.decided_by)

    def views(self, meetings: Sequence[Meeting]) -> list[MeetingView]:
        return [self.view_of(m) for m in meetings]


@dataclass(frozen=True)
class RecordChoices:
    """What a coordinator picks from to record an answer: the meeting and who is invited."""

    meeting: MeetingView
    members: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Answered:
    """A member's answer by button: the meeting as they see it now, and whether the answer
    changed anything (False for the same answer again: a double click)."""

    meeting: MeetingView
    changed: bool


class MeetingAnswers:
    """Answers to meeting invitations: by button, by text, and recorded by a coordinator for
    someone who answered by phone or in person."""

    def __init__(self, meetings: MeetingsService) -> None:
        self.meetings = meetings
        self.sessions = meetings.sessions
        self.clock = meetings.clock
        self.tz = meetings.tz

    def rsvp(self, meeting_id: int, slack_user_id: str, going: bool) -> Answered:
        """An answer by button. Raises NotInvited (saying nothing about the meeting) when it
        is not one they are invited to, and MeetingGone when it is cancelled."""
        with self.sessions.begin() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                raise NotAllowed(Role.MEMBER)
            meeting, changed = self._answer(session, meeting_id, member, going)
            return Answered(self.meetings.view_of(meeting, member.id), changed)

    def rsvp_by_text(self, session: Session, meeting_id: int, member: Member,
                     going: bool) -> TextOutcome:
        """A yes or no by text, inside the caller's transaction: what it did, worded for the
        member by handlers/blocks/texting.py."""
        try:
            meeting, _ = self._answer(session, meeting_id, member, going)
        except NotInvited:
            return TextOutcome(Happened.NOT_INVITED)
        except MeetingGone:
            return TextOutcome(Happened.CANCELLED, "meeting")
        # By kind, never by title: a title can say more than a lock screen should.
        return TextOutcome(Happened.COMING if going else Happened.NOT_COMING,
                       MEETING_KIND_WORDS[meeting.kind], meeting.starts_at.astimezone(self.tz))

    def invitation_for(self, session: Session, meeting_id: int,
                       member: Member) -> Invitation | None:
        """A meeting texted to a member, while a yes or no by text can still answer it (not
        started, not cancelled). Whether they are invited is checked when they answer, so
        that the answer can say so kindly."""
        meeting = MeetingRepository(session).get(meeting_id)
        if meeting is None or meeting.cancelled_at is not None \
                or meeting.starts_at <= self.clock():
            return None
        return Invitation(
            rsvp=RsvpFor(RsvpSubject.MEETING, meeting.id), label=MEETING_KIND_WORDS[meeting.kind],
            title=meeting.title, starts_at=meeting.starts_at.astimezone(self.tz),
            answered=any(r.member_id == member.id for r in meeting.rsvps))

    def record_choices(self, actor: str, meeting_id: int) -> RecordChoices:
        """For a coordinator about to record an answer: the meeting and who is invited to it
        (the first hundred, by name, as a Slack menu holds)."""
        with self.sessions() as session:
            require_coordinator(session, actor)
            meeting = MeetingRepository(session).get(meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                raise MeetingGone(meeting_id)
            invited = sorted(invited_members(MemberRepository(session), meeting.invited),
                             key=lambda m: m.name.lower())
            return RecordChoices(self.meetings.view_of(meeting),
                                 tuple((m.id, m.name) for m in invited[:100]))

    def record(self, actor: str, meeting_id: int, member_id: int,
               going: bool) -> tuple[str, MeetingView]:
        """A coordinator records an answer a member gave by phone or in person; the record
        says who recorded it. Returns the member's name and the meeting now."""
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            member = MemberRepository(session).get(member_id)
            if member is None:
                raise NotInvited(meeting_id)
            meeting, _ = self._answer(session, meeting_id, member, going, recorded_by=actor)
            log.info("meeting %d: answer for member %d recorded by a coordinator",
                     meeting_id, member.id)
            return member.name, self.meetings.view_of(meeting)

    def _answer(self, session: Session, meeting_id: int, member: Member, going: bool,
                recorded_by: str | None = None) -> tuple[Meeting, bool]:
        """Records the answer; returns the meeting and whether that changed anything (the same
        answer given again, a double click, changes nothing)."""
        now = self.clock()
        meeting = MeetingRepository(session).get_for_update(meeting_id)
        if meeting is None:
            raise MeetingGone(meeting_id)
        # Before anything else, so that someone not invited learns nothing, not even that a
        # meeting was cancelled.
        if not is_invited({r.value for r in member.role_set}, meeting.invited):
            raise NotInvited(meeting_id)
        if meeting.cancelled_at is not None:
            raise MeetingGone(meeting_id)
        answer = next((r for r in meeting.rsvps if r.member_id == member.id), None)
        if answer is not None and (answer.going, answer.recorded_by) == (going, recorded_by):
            return meeting, False
        if answer is None:
            meeting.rsvps.append(MeetingRsvp(member_id=member.id, member=member, going=going,
                                             answered_at=now, recorded_by=recorded_by))
        else:
            # Their own answer, by button or text, is theirs: it clears who recorded one.
            answer.going, answer.answered_at, answer.recorded_by = going, now, recorded_by
        session.flush()
        return meeting, True


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export_meetings(session: Session, person: Person) -> dict[str, Any]:
    rsvps = session.execute(select(Meeting.title, Meeting.starts_at, MeetingRsvp.going)
                            .join(MeetingRsvp).where(MeetingRsvp.member_id == person.member_id)
                            ).all()
    agenda = session.scalars(select(AgendaItem).where(
        AgendaItem.member_id == person.member_id)).all()
    presenting = session.scalars(select(PresentRequest).where(
        PresentRequest.member_id == person.member_id)).all()
    return {
        "meeting_answers": [{"meeting": t, "starts": iso(at), "going": g} for t, at, g in rsvps],
        "agenda_items": [{"words": a.text, "added": iso(a.created_at)} for a in agenda],
        "requests_to_present": [{"subject": p.subject, "status": p.status.value}
                                for p in presenting],
    }


def _erase_meetings(session: Session, person: Person, now: datetime) -> dict[str, int]:
    removed = {
        "meeting answers": rows_changed(session, delete(MeetingRsvp).where(
            MeetingRsvp.member_id == person.member_id)),
        "requests to present": rows_changed(session, delete(PresentRequest).where(
            PresentRequest.member_id == person.member_id)),
        # An agenda item belongs to the meeting's agenda: it stays, with no author.
        "agenda items": rows_changed(session, update(AgendaItem).where(
            AgendaItem.member_id == person.member_id).values(member_id=None)),
    }
    if person.slack_user_id:
        removed["requests decided"] = rows_changed(session, update(PresentRequest).where(
            PresentRequest.decided_by == person.slack_user_id).values(decided_by=None))
        removed["answers recorded for others"] = rows_changed(session, update(MeetingRsvp).where(
            MeetingRsvp.recorded_by == person.slack_user_id).values(recorded_by=None))
    return removed


def _purge_meetings(session: Session, periods: Periods) -> dict[str, int]:
    return {"meetings": rows_changed(session, delete(Meeting).where(
        Meeting.ends_at < periods.before("activity")))}


PERSONAL_DATA = PersonalData(
    area="meetings",
    tables=("meeting_rsvps", "agenda_items", "present_requests"),
    export=_export_meetings, erase=_erase_meetings, purge=_purge_meetings,
    kept="Agenda items stay on their meeting's agenda, with no author.",
)
