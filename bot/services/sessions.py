"""Sessions and the facilitator rota: making sessions, claiming places (one at a time, never
past the places), the waiting list, coverage warnings, and a check-in after each session."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import calendar_token, session_ics
from bot.config import Settings
from bot.rules.coverage import (
    ClaimDecision,
    Coverage,
    Facilitator,
    alert_due,
    assess_coverage,
    decide_claim,
    offer_expires_at,
    release_is_late,
)
from bot.rules.roles import NotAllowed, Role
from bot.rules.sessions import (
    SERIES_AHEAD,
    Repeat,
    SessionDraft,
    SessionKind,
    check_draft,
    local_moment,
    series_days,
)
from bot.services.notify import notify_member
from handlers.blocks import sessions as messages
from storage.models import (
    DebriefRequest,
    GroupSession,
    Member,
    OutboxChannel,
    SessionAttendee,
    SessionFacilitator,
    SessionSeries,
    WaitingListEntry,
)
from storage.repositories import MemberRepository, OutboxRepository, SessionRepository

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class InvalidSession(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class SessionGone(LookupError):
    """The session does not exist (any more)."""


@dataclass(frozen=True)
class FacilitatorView:
    name: str
    slack_user_id: str | None
    trained: bool


@dataclass(frozen=True)
class SessionView:
    id: int
    title: str
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    place: str
    channel_id: str | None
    facilitators_needed: int
    trained_needed: int
    places: int
    capacity: int | None
    cancelled: bool
    facilitators: tuple[FacilitatorView, ...]
    attendees: int
    waiting: int
    held_places: int
    coverage: Coverage
    series_id: int | None

    @property
    def free_places(self) -> int:
        return max(self.places - len(self.facilitators) - self.held_places, 0)

    @property
    def attendance_full(self) -> bool:
        return self.capacity is not None and self.attendees >= self.capacity


class Outcome(StrEnum):
    RELEASED = "released"
    NOT_SIGNED_UP = "not_signed_up"
    CONFIRM_LATE_RELEASE = "confirm_late_release"
    ATTENDING = "attending"
    NOT_ATTENDING = "not_attending"
    ATTENDANCE_FULL = "attendance_full"
    NOT_IN_DIRECTORY = "not_in_directory"
    WAITING = "waiting"
    ALREADY_WAITING = "already_waiting"
    OFFER_GONE = "offer_gone"
    STARTED = "started"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ClaimOutcome:
    decision: ClaimDecision
    session: SessionView
    coordinators: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeOutcome:
    outcome: Outcome
    session: SessionView


def _facilitator(member: Member) -> Facilitator:
    return Facilitator(member.id, member.name, Role.TRAINED in member.role_set,
                       member.trained_until)


def _closed(found: GroupSession, now: datetime) -> str | None:
    """Why a session can no longer be signed up to: "cancelled" or "started" (the same words
    in ClaimDecision and Outcome), or None while it is open."""
    if found.cancelled_at is not None:
        return "cancelled"
    if found.starts_at <= now:
        return "started"
    return None


def _can_facilitate(member: Member | None) -> bool:
    return member is not None and bool(member.role_set & {Role.FACILITATOR, Role.TRAINED})


class SessionsService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.tz = settings.timezone

    # -- reading ------------------------------------------------------------------------------
    def view_of(self, group_session: GroupSession) -> SessionView:
        now = self.clock()
        day = group_session.starts_at.astimezone(self.tz).date()
        facilitators = [_facilitator(f.member) for f in group_session.facilitators]
        held = sum(1 for w in group_session.waiting
                   if w.offered_until and w.offered_until > now and not w.declined)
        return SessionView(
            id=group_session.id,
            title=group_session.title,
            kind=group_session.kind,
            starts_at=group_session.starts_at,
            ends_at=group_session.ends_at,
            place=group_session.place,
            channel_id=group_session.channel_id,
            facilitators_needed=group_session.facilitators_needed,
            trained_needed=group_session.trained_needed,
            places=group_session.facilitator_places,
            capacity=group_session.participant_capacity,
            cancelled=group_session.cancelled_at is not None,
            facilitators=tuple(
                FacilitatorView(f.member.name, f.member.slack_user_id,
                                _facilitator(f.member).is_trained_on(day))
                for f in group_session.facilitators),
            attendees=len(group_session.attendees),
            waiting=sum(1 for w in group_session.waiting if not w.declined),
            held_places=held,
            coverage=assess_coverage(facilitators, day,
                                     needed=group_session.facilitators_needed,
                                     trained_needed=group_session.trained_needed),
            series_id=group_session.series_id,
        )

    def get(self, session_id: int) -> SessionView:
        with self.sessions() as session:
            found = SessionRepository(session).get(session_id)
            if found is None:
                raise SessionGone(session_id)
            return self.view_of(found)

    def upcoming(self, days: int = 14) -> list[SessionView]:
        now = self.clock()
        with self.sessions() as session:
            return [self.view_of(s) for s in SessionRepository(session).list_starting_between(
                now, now + timedelta(days=days))]

    def mine(self, slack_user_id: str) -> list[SessionView]:
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                return []
            return [self.view_of(s) for s in SessionRepository(session)
                    .list_upcoming_for_member(member.id, self.clock())]

    def needing_cover(self, days: int = 14) -> list[SessionView]:
        return [s for s in self.upcoming(days) if not s.coverage.covered]

    def is_coordinator(self, slack_user_id: str) -> bool:
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            return member is not None and Role.COORDINATOR in member.role_set

    # -- making and changing sessions ---------------------------------------------------------
    def create(self, actor: str | None, draft: SessionDraft) -> list[SessionView]:
        """Coordinators only (`actor` None is the command line, run by whoever runs the
        server). A weekly or fortnightly series makes its sessions eight weeks ahead."""
        now = self.clock()
        errors = check_draft(draft, now, self.tz)
        if errors:
            raise InvalidSession(errors)
        assert draft.day and draft.start_time and draft.end_time and draft.kind
        with self.sessions.begin() as session:
            if actor is not None:
                self._require_coordinator(session, actor)
            repo = SessionRepository(session)
            series = None
            until = draft.day if draft.repeat is Repeat.NONE else (
                draft.day + SERIES_AHEAD)
            if draft.repeat is not Repeat.NONE:
                series = repo.add_series(SessionSeries(
                    repeat=draft.repeat, title=draft.title.strip(), kind=draft.kind,
                    first_day=draft.day, start_time=draft.start_time, end_time=draft.end_time,
                    place=draft.place.strip(), channel_id=draft.channel,
                    facilitators_needed=draft.facilitators_needed,
                    trained_needed=draft.trained_needed, facilitator_places=draft.places,
                    participant_capacity=draft.capacity, made_until=until))
            made = [self._make(session, draft, day, series, now)
                    for day in series_days(draft.day, draft.repeat, until)]
            return [self.view_of(m) for m in made]

    def _make(self, session: Session, draft: SessionDraft, day: date,
              series: SessionSeries | None, now: datetime) -> GroupSession:
        assert draft.start_time and draft.end_time and draft.kind
        made = SessionRepository(session).add(GroupSession(
            series_id=series.id if series else None,
            title=draft.title.strip(), kind=draft.kind,
            starts_at=local_moment(day, draft.start_time, self.tz),
            ends_at=local_moment(day, draft.end_time, self.tz),
            place=draft.place.strip(), channel_id=draft.channel,
            facilitators_needed=draft.facilitators_needed, trained_needed=draft.trained_needed,
            facilitator_places=draft.places, participant_capacity=draft.capacity,
            version=0, created_at=now, updated_at=now))
        if made.channel_id:
            OutboxRepository(session).enqueue(
                key=f"session:{made.id}:card", channel=OutboxChannel.SLACK_CHANNEL,
                target=made.channel_id, payload=self._card(made), now=now)
        return made

    def extend_series(self) -> int:
        """Keeps every open series made eight weeks ahead (a scheduled job)."""
        now = self.clock()
        made = 0
        with self.sessions.begin() as session:
            for series in SessionRepository(session).list_open_series():
                horizon = now.astimezone(self.tz).date() + SERIES_AHEAD
                if series.made_until >= horizon:
                    continue
                draft = SessionDraft(
                    title=series.title, kind=series.kind, day=series.first_day,
                    start_time=series.start_time, end_time=series.end_time, place=series.place,
                    channel=series.channel_id, facilitators_needed=series.facilitators_needed,
                    trained_needed=series.trained_needed, places=series.facilitator_places,
                    capacity=series.participant_capacity, repeat=series.repeat)
                for day in series_days(series.first_day, series.repeat, horizon):
                    if day > series.made_until:
                        self._make(session, draft, day, series, now)
                        made += 1
                series.made_until = horizon
        return made

    def edit(self, actor: str, session_id: int, draft: SessionDraft) -> SessionView:
        now = self.clock()
        errors = check_draft(draft, now, self.tz)
        if errors:
            raise InvalidSession(errors)
        assert draft.day and draft.start_time and draft.end_time and draft.kind
        with self.sessions.begin() as session:
            self._require_coordinator(session, actor)
            found = self._live(session, session_id)
            found.title, found.kind, found.place = draft.title.strip(), draft.kind, draft.place
            found.starts_at = local_moment(draft.day, draft.start_time, self.tz)
            found.ends_at = local_moment(draft.day, draft.end_time, self.tz)
            found.facilitators_needed = draft.facilitators_needed
            found.trained_needed = draft.trained_needed
            found.facilitator_places = max(draft.places, len(found.facilitators))
            found.participant_capacity = draft.capacity
            self._changed(session, found, now)
            self._tell_everyone_signed_up(session, found, now, messages.changed_dm)
            return self.view_of(found)

    def cancel(self, actor: str, session_id: int) -> SessionView:
        now = self.clock()
        with self.sessions.begin() as session:
            self._require_coordinator(session, actor)
            found = self._live(session, session_id)
            found.cancelled_at = now
            self._changed(session, found, now)
            self._tell_everyone_signed_up(session, found, now, messages.cancelled_dm)
            return self.view_of(found)

    def _tell_everyone_signed_up(self, session: Session, found: GroupSession, now: datetime,
                                 build: Callable[[SessionView, tzinfo], dict]) -> None:
        view = self.view_of(found)
        outbox = OutboxRepository(session)
        people = [f.member for f in found.facilitators] + [a.member for a in found.attendees]
        for member in people:
            self._notify_member(outbox, member, f"session:{found.id}:v{found.version}",
                                build(view, self.tz), now, not_after=found.starts_at)

    def _notify_member(self, outbox: OutboxRepository, member: Member, key: str,
                       payload: dict, now: datetime, not_after: datetime | None = None) -> None:
        notify_member(outbox, member, key, payload, now,
                      org_name=self.settings.coprod_org_name, not_after=not_after)

    # -- claiming and releasing ---------------------------------------------------------------
    def claim(self, session_id: int, slack_user_id: str) -> ClaimOutcome:
        now = self.clock()
        with self.sessions.begin() as session:
            found = self._locked(session, session_id)
            closed = _closed(found, now)
            if closed is not None:
                return ClaimOutcome(ClaimDecision(closed), self.view_of(found))
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if not _can_facilitate(member):
                coordinators = tuple(m.name for m in MemberRepository(session)
                                     .list_with_role(Role.COORDINATOR))
                return ClaimOutcome(ClaimDecision.NOT_A_FACILITATOR, self.view_of(found),
                                    coordinators)
            assert member is not None
            own_offer = next((w for w in found.waiting if w.member_id == member.id), None)
            held = sum(1 for w in found.waiting if w is not own_offer and w.offered_until
                       and w.offered_until > now and not w.declined)
            decision = decide_claim(
                [_facilitator(f.member) for f in found.facilitators], _facilitator(member),
                places=found.facilitator_places, held_places=held,
                trained_needed=found.trained_needed,
                on=found.starts_at.astimezone(self.tz).date())
            if decision is ClaimDecision.OK:
                found.facilitators.append(SessionFacilitator(member_id=member.id,
                                                             member=member, claimed_at=now))
                if own_offer is not None:
                    found.waiting.remove(own_offer)
                self._changed(session, found, now)
            return ClaimOutcome(decision, self.view_of(found))

    def release(self, session_id: int, slack_user_id: str, *,
                confirmed: bool = False) -> ChangeOutcome:
        now = self.clock()
        with self.sessions.begin() as session:
            found = self._locked(session, session_id)
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            place = next((f for f in found.facilitators
                          if member is not None and f.member_id == member.id), None)
            if place is None or found.cancelled_at is not None:
                return ChangeOutcome(Outcome.NOT_SIGNED_UP, self.view_of(found))
            late = release_is_late(found.starts_at, now)
            if late and not confirmed:
                return ChangeOutcome(Outcome.CONFIRM_LATE_RELEASE, self.view_of(found))
            was_covered = self.view_of(found).coverage.covered
            found.facilitators.remove(place)
            session.flush()
            self._offer_next(session, found, now)
            self._changed(session, found, now)
            view = self.view_of(found)
            # Coordinators hear of a late release, and of any that leaves a session short.
            if member is not None and (late or (was_covered and not view.coverage.covered)):
                outbox = OutboxRepository(session)
                for coordinator in MemberRepository(session).list_with_role(Role.COORDINATOR):
                    self._notify_member(
                        outbox, coordinator, f"session:{found.id}:late-release:v{found.version}",
                        messages.release_alert(view, member.name, late, self.tz), now)
            return ChangeOutcome(Outcome.RELEASED, view)

    def _offer_next(self, session: Session, found: GroupSession, now: datetime) -> None:
        """A freed place goes first to the next person waiting, for a short time."""
        if any(w.offered_until and w.offered_until > now and not w.declined
               for w in found.waiting):
            return
        free = found.facilitator_places - len(found.facilitators)
        if free <= 0:
            return
        waiting = [w for w in found.waiting if not w.declined and w.offered_until is None]
        if not waiting:
            return
        entry = waiting[0]
        entry.offered_until = offer_expires_at(found.starts_at, now)
        if entry.offered_until <= now:
            entry.declined = True
            return
        member = entry.member
        if member.slack_user_id:
            OutboxRepository(session).enqueue(
                key=f"session:{found.id}:offer:{entry.id}", channel=OutboxChannel.SLACK_DM,
                target=member.slack_user_id,
                payload=messages.offer_dm(self.view_of(found), entry.offered_until, self.tz),
                now=now)

    def expire_offers(self) -> int:
        """Offers not taken in time pass to the next person, or the place opens to everyone."""
        now = self.clock()
        count = 0
        with self.sessions.begin() as session:
            for entry in SessionRepository(session).list_lapsed_offers(now):
                entry.declined = True
                found = entry.session
                session.flush()
                self._offer_next(session, found, now)
                self._changed(session, found, now)
                count += 1
        return count

    def join_waiting_list(self, session_id: int, slack_user_id: str) -> ChangeOutcome:
        now = self.clock()
        with self.sessions.begin() as session:
            found = self._live(session, session_id)
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if not _can_facilitate(member):
                return ChangeOutcome(Outcome.NOT_IN_DIRECTORY, self.view_of(found))
            assert member is not None
            if any(w.member_id == member.id and not w.declined for w in found.waiting) or any(
                    f.member_id == member.id for f in found.facilitators):
                return ChangeOutcome(Outcome.ALREADY_WAITING, self.view_of(found))
            for old in [w for w in found.waiting if w.member_id == member.id]:
                found.waiting.remove(old)
            session.flush()
            found.waiting.append(WaitingListEntry(member_id=member.id, member=member,
                                                  joined_at=now))
            self._changed(session, found, now)
            return ChangeOutcome(Outcome.WAITING, self.view_of(found))

    def attend(self, session_id: int, slack_user_id: str) -> ChangeOutcome:
        """I'll attend, or, pressed again, I can't come after all."""
        now = self.clock()
        with self.sessions.begin() as session:
            found = self._locked(session, session_id)
            closed = _closed(found, now)
            if closed is not None:
                return ChangeOutcome(Outcome(closed), self.view_of(found))
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                return ChangeOutcome(Outcome.NOT_IN_DIRECTORY, self.view_of(found))
            mine = next((a for a in found.attendees if a.member_id == member.id), None)
            if mine is not None:
                found.attendees.remove(mine)
                outcome = Outcome.NOT_ATTENDING
            elif (found.participant_capacity is not None
                  and len(found.attendees) >= found.participant_capacity):
                return ChangeOutcome(Outcome.ATTENDANCE_FULL, self.view_of(found))
            else:
                found.attendees.append(SessionAttendee(member_id=member.id, member=member,
                                                       joined_at=now))
                outcome = Outcome.ATTENDING
            self._changed(session, found, now)
            return ChangeOutcome(outcome, self.view_of(found))

    def rsvp_in(self, session: Session, session_id: int, member: Member, yes: bool) -> str:
        """A YES or NO by text to a session invitation, inside the caller's transaction."""
        now = self.clock()
        found = SessionRepository(session).get_for_update(session_id)
        if found is None or found.cancelled_at is not None:
            return "Sorry, that session has been cancelled."
        when = found.starts_at.astimezone(self.tz)
        label = f"{found.title[:40]} on {when:%a %d %b at %H:%M}"
        mine = next((a for a in found.attendees if a.member_id == member.id), None)
        if not yes:
            if mine is not None:
                found.attendees.remove(mine)
                self._changed(session, found, now)
            return f"Thanks for letting us know. We've noted you can't come to {label}."
        if mine is None:
            if (found.participant_capacity is not None
                    and len(found.attendees) >= found.participant_capacity):
                return f"Sorry, {label} is full. A coordinator will be in touch."
            found.attendees.append(SessionAttendee(member_id=member.id, member=member,
                                                   joined_at=now))
            self._changed(session, found, now)
        return f"Thanks, you're down for {label}. See you there."

    # -- warnings and check-ins (scheduled) ---------------------------------------------------
    def send_coverage_alerts(self) -> int:
        """At 7 days, 72 hours and 24 hours before an uncovered session: coordinators by DM
        (and by text at 24 hours, for those who take texts) and a call for cover in the
        session's channel. The idempotency key makes each alert go once."""
        now = self.clock()
        sent = 0
        with self.sessions.begin() as session:
            outbox = OutboxRepository(session)
            coordinators = MemberRepository(session).list_with_role(Role.COORDINATOR)
            for found in SessionRepository(session).list_starting_between(
                    now, now + timedelta(days=7, minutes=1)):
                view = self.view_of(found)
                label = alert_due(found.starts_at, now)
                if view.coverage.covered or label is None:
                    continue
                key = f"session:{found.id}:alert:{label}"
                if outbox.has_key_prefix(f"{key}:"):
                    continue
                alert = messages.coverage_alert(view, label, self.tz)
                if label != "24h":
                    alert = {**alert, "sms": None}
                for coordinator in coordinators:
                    self._notify_member(outbox, coordinator, key, alert, now,
                                        not_after=found.starts_at)
                if found.channel_id:
                    outbox.enqueue(key=f"{key}:channel", channel=OutboxChannel.SLACK_CHANNEL,
                                   target=found.channel_id, now=now,
                                   payload=messages.call_for_cover(view, self.tz))
                sent += 1
        return sent

    def send_check_ins(self) -> int:
        """After a session, each facilitator is asked how they are (once)."""
        now = self.clock()
        sent = 0
        with self.sessions.begin() as session:
            outbox = OutboxRepository(session)
            for found in SessionRepository(session).list_ending_between(
                    now - timedelta(hours=12), now):
                view = self.view_of(found)
                for place in found.facilitators:
                    if place.member.slack_user_id is None:
                        continue
                    outbox.enqueue(key=f"session:{found.id}:check-in:{place.member_id}",
                                   channel=OutboxChannel.SLACK_DM,
                                   target=place.member.slack_user_id,
                                   payload=messages.check_in_dm(view, self.tz), now=now)
                    sent += 1
        return sent

    def ask_for_debrief(self, session_id: int, slack_user_id: str) -> SessionView:
        now = self.clock()
        with self.sessions.begin() as session:
            found = SessionRepository(session).get(session_id)
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if found is None or member is None:
                raise SessionGone(session_id)
            repo = SessionRepository(session)
            request = repo.find_debrief(found.id, member.id) or repo.add_debrief(
                DebriefRequest(session_id=found.id, member_id=member.id, requested_at=now))
            view = self.view_of(found)
            outbox = OutboxRepository(session)
            for coordinator in MemberRepository(session).list_with_role(Role.COORDINATOR):
                if coordinator.slack_user_id and coordinator.id != member.id:
                    outbox.enqueue(
                        key=f"debrief:{request.id}:ask:{coordinator.id}",
                        channel=OutboxChannel.SLACK_DM, target=coordinator.slack_user_id,
                        payload=messages.debrief_request(view, member.name, request.id, None,
                                                         self.tz), now=now)
            return view

    def debrief_arranged(self, request_id: int, actor: str) -> tuple[SessionView, str]:
        now = self.clock()
        with self.sessions.begin() as session:
            self._require_coordinator(session, actor)
            repo = SessionRepository(session)
            request = repo.get_debrief(request_id)
            if request is None:
                raise SessionGone(request_id)
            found = repo.get(request.session_id)
            member = MemberRepository(session).get(request.member_id)
            assert found is not None and member is not None
            if request.arranged_at is None:
                request.arranged_at, request.arranged_by = now, actor
                if member.slack_user_id:
                    OutboxRepository(session).enqueue(
                        key=f"debrief:{request.id}:arranged", channel=OutboxChannel.SLACK_DM,
                        target=member.slack_user_id, now=now,
                        payload=messages.debrief_arranged_dm(self.view_of(found), actor,
                                                             self.tz))
            return self.view_of(found), member.name

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _locked(session: Session, session_id: int) -> GroupSession:
        """The session, locked for this change; gone if it was deleted."""
        found = SessionRepository(session).get_for_update(session_id)
        if found is None:
            raise SessionGone(session_id)
        return found

    def _live(self, session: Session, session_id: int) -> GroupSession:
        found = self._locked(session, session_id)
        if found.cancelled_at is not None:
            raise SessionGone(session_id)
        return found

    @staticmethod
    def _require_coordinator(session: Session, actor: str) -> None:
        member = MemberRepository(session).get_by_slack_id(actor)
        if member is None or Role.COORDINATOR not in member.role_set:
            raise NotAllowed(Role.COORDINATOR)

    def _card(self, found: GroupSession) -> dict:
        return messages.session_card(self.view_of(found), self.tz, self.settings.coprod_public_url,
                                     self._calendar_token(found.id))

    def _calendar_token(self, session_id: int) -> str:
        return calendar_token(session_id, self.settings)

    def _changed(self, session: Session, found: GroupSession, now: datetime) -> None:
        """Every change redraws the card in its channel, in place."""
        found.version += 1
        found.updated_at = now
        session.flush()
        if found.channel_id:
            OutboxRepository(session).enqueue(
                key=f"session:{found.id}:card:v{found.version}",
                channel=OutboxChannel.SLACK_UPDATE, target=f"outbox:session:{found.id}:card",
                payload=self._card(found), now=now)

    def card_for(self, session_id: int) -> dict:
        with self.sessions() as session:
            found = SessionRepository(session).get(session_id)
            if found is None:
                raise SessionGone(session_id)
            return self._card(found)

    def calendar_file(self, session_id: int, token: str) -> bytes | None:
        """The .ics for a session, if the link's token is right."""
        if not hmac.compare_digest(token, self._calendar_token(session_id)):
            return None
        with self.sessions() as session:
            found = SessionRepository(session).get(session_id)
            if found is None:
                return None
            return session_ics(session_id=found.id, title=found.title,
                               starts_at=found.starts_at, ends_at=found.ends_at,
                               place=found.place, org_name=self.settings.coprod_org_name,
                               cancelled=found.cancelled_at is not None, stamp=self.clock())
