"""Sessions: what a session looks like to everyone (its view and its card), the desk the rota
and aftercare share, and planning: setting sessions up, changing and cancelling them, and
keeping a weekly series made ahead. Claims and the waiting list are in rota.py, check-ins and
debriefs in aftercare.py."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import calendar_token, session_ics
from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice, NoticeGone
from bot.rules.coverage import (
    ALERT_THRESHOLDS,
    Coverage,
    Facilitator,
    Waiting,
    assess_coverage,
    free_places,
    has_room,
    held_places,
)
from bot.rules.roles import Role, may_facilitate
from bot.rules.sessions import (
    SERIES_AHEAD,
    Repeat,
    SessionDraft,
    SessionKind,
    ValidSession,
    check_draft,
    series_days,
)
from bot.services.jobs import one_by_one
from bot.services.members import is_coordinator, require_coordinator
from bot.services.notices import NoticeBook
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.models import (
    DebriefRequest,
    GroupSession,
    Member,
    SessionAttendee,
    SessionFacilitator,
    SessionSeries,
    WaitingListEntry,
)
from storage.repositories import MemberRepository, SessionRepository

log = logging.getLogger(__name__)


# -- what planning tells people (drawn by handlers/blocks/sessions.py) -------------------------
class SessionCard(Notice):
    """The session's card in its channel, with Claim, Release and I'll attend: every change
    to the session redraws every copy."""

    kind = "session.card"
    identity = ("session_id",)
    session_id: int


class SessionChanged(Notice):
    """To everyone signed up, their own way, when a coordinator changes the session."""

    kind = "session.changed"
    session_id: int
    version: int


class SessionCancelled(Notice):
    """To everyone signed up, their own way, when a coordinator cancels the session."""

    kind = "session.cancelled"
    session_id: int


class ReleaseAlert(Notice):
    """To coordinators: someone released their place late, or left the session short."""

    kind = "session.release-alert"
    # Every alert about a session is redrawn with its card, so none goes on offering a place
    # that has since been taken, or a session since cancelled.
    identity = ("session_id",)
    session_id: int
    member_id: int
    version: int
    late: bool


class CallForCover(Notice):
    """In the session's channel, beside each coverage alert (one per threshold): can anyone
    help? Every call is redrawn with the card, so once the session is covered, cancelled or
    under way, the calls say so instead of asking."""

    kind = "session.call-for-cover"
    session_id: int
    label: str


class CoverageAlert(Notice):
    """To coordinators, at 7 days, 72 hours and 24 hours before a session not yet covered
    (by text too at 24 hours, for those who take texts). Redrawn with the card, like the
    calls for cover, so an alert never goes on asking once the session is covered."""

    kind = "session.coverage-alert"
    session_id: int
    label: str


class SessionGone(NoticeGone):
    """The session does not exist (any more): nothing to change, and nothing to draw."""


# -- views --------------------------------------------------------------------------------------
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
    # Begun (or over): nobody claims, releases or says they'll come any more.
    started: bool = False

    @property
    def free_places(self) -> int:
        return free_places(self.places, len(self.facilitators), self.held_places)

    @property
    def attendance_full(self) -> bool:
        return not has_room(self.capacity, self.attendees)

    def facilitated_by(self, slack_user_id: str) -> bool:
        return any(f.slack_user_id == slack_user_id for f in self.facilitators)


@dataclass(frozen=True)
class RotaReader:
    """The one person a list of sessions is drawn for (App Home), and what their roles let
    them do there now: their buttons follow it. The services check again when asked, as
    anyone can send any click."""

    slack_user_id: str
    may_facilitate: bool
    coordinator: bool

    @classmethod
    def of(cls, slack_user_id: str, roles: frozenset[Role]) -> RotaReader:
        return cls(slack_user_id, may_facilitate(roles), Role.COORDINATOR in roles)

    def facilitates(self, view: SessionView) -> bool:
        return view.facilitated_by(self.slack_user_id)


@dataclass(frozen=True)
class CardView:
    """What a session's card shows: the session, and the token of its calendar link."""

    session: SessionView
    calendar_token: str


def facilitator(member: Member) -> Facilitator:
    return Facilitator(member.id, member.name, Role.TRAINED in member.role_set,
                       member.trained_until)


def waiting(entries: Iterable[WaitingListEntry]) -> list[Waiting]:
    return [Waiting(w.member_id, w.offered_until, w.declined) for w in entries]


# -- the desk -----------------------------------------------------------------------------------
class SessionDesk:
    """What planning, the rota and aftercare share: a session read as a view, a session locked
    for a change, and the card redrawn after one."""

    def __init__(self, database: sessionmaker[Session], clock: Clock,
                 settings: Settings) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.tz = settings.timezone

    def day_of(self, found: GroupSession) -> date:
        """The session's day where the organisation is (training is valid by the day)."""
        return found.starts_at.astimezone(self.tz).date()

    def view_of(self, found: GroupSession) -> SessionView:
        now = self.clock()
        day = self.day_of(found)
        people = [facilitator(f.member) for f in found.facilitators]
        return SessionView(
            id=found.id, title=found.title, kind=found.kind,
            starts_at=found.starts_at, ends_at=found.ends_at, place=found.place,
            channel_id=found.channel_id, facilitators_needed=found.facilitators_needed,
            trained_needed=found.trained_needed, places=found.facilitator_places,
            capacity=found.participant_capacity, cancelled=found.cancelled_at is not None,
            facilitators=tuple(FacilitatorView(p.name, f.member.slack_user_id,
                                               p.is_trained_on(day))
                               for p, f in zip(people, found.facilitators, strict=True)),
            attendees=len(found.attendees),
            waiting=sum(1 for w in found.waiting if not w.declined),
            held_places=held_places(waiting(found.waiting), now),
            coverage=assess_coverage(people, day, needed=found.facilitators_needed,
                                     trained_needed=found.trained_needed),
            series_id=found.series_id, started=found.starts_at <= now,
        )

    def view(self, session_id: int) -> SessionView:
        with self.database() as session:
            found = SessionRepository(session).get(session_id)
            if found is None:
                raise SessionGone(session_id)
            return self.view_of(found)

    @staticmethod
    def locked(session: Session, session_id: int) -> GroupSession:
        """The session, locked for this change; gone if it was deleted."""
        found = SessionRepository(session).get_for_update(session_id)
        if found is None:
            raise SessionGone(session_id)
        return found

    def live(self, session: Session, session_id: int) -> GroupSession:
        """The session, locked for this change; gone if it was deleted or cancelled."""
        found = self.locked(session, session_id)
        if found.cancelled_at is not None:
            raise SessionGone(session_id)
        return found

    @staticmethod
    def changed(session: Session, found: GroupSession, book: NoticeBook) -> None:
        """Every change redraws the card wherever it was posted, in place."""
        found.version += 1
        found.updated_at = book.now
        session.flush()
        # A call and an alert are one notice per threshold (each goes once), so each
        # threshold's is redrawn; every copy of them all is found in one query.
        book.redraw_all([
            SessionCard(session_id=found.id),
            ReleaseAlert(session_id=found.id, member_id=0, version=0, late=False),
            *(CallForCover(session_id=found.id, label=label) for label, _ in ALERT_THRESHOLDS),
            *(CoverageAlert(session_id=found.id, label=label) for label, _ in ALERT_THRESHOLDS),
        ], found.version)

    def is_coordinator(self, slack_user_id: str) -> bool:
        with self.database() as session:
            return is_coordinator(session, slack_user_id)

    def calendar_token(self, session_id: int) -> str:
        return calendar_token(session_id, self.settings)


def valid_from_series(series: SessionSeries) -> ValidSession:
    """A stored series as the session it repeats (checked when it was set up)."""
    return ValidSession(
        title=series.title, kind=series.kind, day=series.first_day,
        start_time=series.start_time, end_time=series.end_time, place=series.place,
        channel=series.channel_id, facilitators_needed=series.facilitators_needed,
        trained_needed=series.trained_needed, places=series.facilitator_places,
        capacity=series.participant_capacity, repeat=series.repeat)


# -- planning -----------------------------------------------------------------------------------
class SessionsService:
    """Coordinators plan sessions here; everyone reads them here."""

    def __init__(self, database: sessionmaker[Session], clock: Clock,
                 settings: Settings) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.tz = settings.timezone
        self.desk = SessionDesk(database, clock, settings)

    # -- reading ------------------------------------------------------------------------------
    def view_of(self, found: GroupSession) -> SessionView:
        return self.desk.view_of(found)

    def get(self, session_id: int) -> SessionView:
        return self.desk.view(session_id)

    def upcoming(self, days: int = 14) -> list[SessionView]:
        now = self.clock()
        with self.database() as session:
            return [self.view_of(s) for s in SessionRepository(session).list_starting_between(
                now, now + timedelta(days=days))]

    def mine(self, slack_user_id: str) -> list[SessionView]:
        with self.database() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            if member is None:
                return []
            return [self.view_of(s) for s in SessionRepository(session)
                    .list_upcoming_for_member(member.id, self.clock())]

    def needing_cover(self, days: int = 14) -> list[SessionView]:
        return [s for s in self.upcoming(days) if not s.coverage.covered]

    def is_coordinator(self, slack_user_id: str) -> bool:
        return self.desk.is_coordinator(slack_user_id)

    def card_for(self, session_id: int) -> CardView:
        """What the session's card shows now (SessionGone if there is no such session)."""
        return CardView(self.get(session_id), self.desk.calendar_token(session_id))

    def calendar_file(self, session_id: int, token: str) -> bytes | None:
        """The .ics for a session, if the link's token is right."""
        if not hmac.compare_digest(token, self.desk.calendar_token(session_id)):
            return None
        with self.database() as session:
            found = SessionRepository(session).get(session_id)
            if found is None:
                return None
            return session_ics(session_id=found.id, title=found.title,
                               starts_at=found.starts_at, ends_at=found.ends_at,
                               place=found.place, org_name=self.settings.coprod_org_name,
                               cancelled=found.cancelled_at is not None, stamp=self.clock())

    # -- making sessions ----------------------------------------------------------------------
    def create(self, actor: str | None, draft: SessionDraft) -> list[SessionView]:
        """Coordinators only (`actor` None is the command line, run by whoever runs the
        server). A weekly or fortnightly series makes its sessions eight weeks ahead."""
        now = self.clock()
        valid = check_draft(draft, now, self.tz)
        with self.database.begin() as session:
            if actor is not None:
                require_coordinator(session, actor)
            book = NoticeBook(session, now)
            until = valid.day if valid.repeat is Repeat.NONE else valid.day + SERIES_AHEAD
            series = None if valid.repeat is Repeat.NONE else SessionRepository(session) \
                .add_series(SessionSeries(
                    repeat=valid.repeat, title=valid.title, kind=valid.kind,
                    first_day=valid.day, start_time=valid.start_time,
                    end_time=valid.end_time, place=valid.place, channel_id=valid.channel,
                    facilitators_needed=valid.facilitators_needed,
                    trained_needed=valid.trained_needed, facilitator_places=valid.places,
                    participant_capacity=valid.capacity, made_until=until))
            made = [self._make(session, book, valid, day, series)
                    for day in series_days(valid.day, valid.repeat, until)]
            return [self.view_of(m) for m in made]

    def _make(self, session: Session, book: NoticeBook, valid: ValidSession, day: date,
              series: SessionSeries | None) -> GroupSession:
        made = SessionRepository(session).add(GroupSession(
            series_id=series.id if series else None, title=valid.title, kind=valid.kind,
            starts_at=valid.starts_on(day, self.tz), ends_at=valid.ends_on(day, self.tz),
            place=valid.place, channel_id=valid.channel,
            facilitators_needed=valid.facilitators_needed, trained_needed=valid.trained_needed,
            facilitator_places=valid.places, participant_capacity=valid.capacity,
            version=0, created_at=book.now, updated_at=book.now))
        if made.channel_id:
            book.to_channel(made.channel_id, SessionCard(session_id=made.id))
        return made

    def extend_series(self) -> int:
        """Keeps every open series made eight weeks ahead (a scheduled job): each series in a
        savepoint of its own, so one that fails does not hold the others back."""
        now = self.clock()
        horizon = now.astimezone(self.tz).date() + SERIES_AHEAD
        with self.database.begin() as session:
            book = NoticeBook(session, now)
            return one_by_one(
                session, SessionRepository(session).list_open_series(),
                lambda series: self._extend(session, book, series, horizon),
                log, "session series %d could not be extended")

    def close_started(self) -> int:
        """Redraws each session's card (its calls for cover and release alerts too) once, as
        it starts, so none goes on offering a place (a scheduled job). Once is kept by the
        session itself: a change redraws it and marks it updated, so a session updated since
        its start has been drawn as started already."""
        now = self.clock()
        with self.database.begin() as session:
            book = NoticeBook(session, now)
            begun = [found for found in SessionRepository(session).list_starting_between(
                now - timedelta(days=1), now + timedelta(microseconds=1))
                if found.updated_at < found.starts_at]
            return one_by_one(session, begun,
                              lambda found: self._close(session, book, found),
                              log, "session %d could not be closed at its start")

    def _close(self, session: Session, book: NoticeBook, found: GroupSession) -> int:
        # Locked and read again: a claim committed since the list was read bumped the version,
        # and two redraws under one version would share a key (the second dropped).
        locked = SessionDesk.locked(session, found.id)
        session.refresh(locked)
        if locked.updated_at >= locked.starts_at:
            return 0
        self.desk.changed(session, locked, book)
        return 1

    def _extend(self, session: Session, book: NoticeBook, series: SessionSeries,
                horizon: date) -> int:
        if series.made_until >= horizon:
            return 0
        valid = valid_from_series(series)
        made = 0
        for day in series_days(series.first_day, series.repeat, horizon):
            if day > series.made_until:
                self._make(session, book, valid, day, series)
                made += 1
        series.made_until = horizon
        return made

    # -- changing sessions --------------------------------------------------------------------
    def edit(self, actor: str, session_id: int, draft: SessionDraft) -> SessionView:
        """Applies the form, the channel too: a card is posted in a newly chosen channel, and
        the cards already posted are redrawn where they are."""
        now = self.clock()
        valid = check_draft(draft, now, self.tz)
        with self.database.begin() as session:
            require_coordinator(session, actor)
            found = self.desk.live(session, session_id)
            moved = valid.channel is not None and valid.channel != found.channel_id
            found.title, found.kind, found.place = valid.title, valid.kind, valid.place
            found.channel_id = valid.channel
            found.starts_at = valid.starts_on(valid.day, self.tz)
            found.ends_at = valid.ends_on(valid.day, self.tz)
            found.facilitators_needed = valid.facilitators_needed
            found.trained_needed = valid.trained_needed
            found.facilitator_places = max(valid.places, len(found.facilitators))
            found.participant_capacity = valid.capacity
            book = NoticeBook(session, now)
            self.desk.changed(session, found, book)
            if moved and valid.channel:
                book.to_channel(valid.channel, SessionCard(session_id=found.id))
            self._tell_everyone_signed_up(
                book, found, SessionChanged(session_id=found.id, version=found.version))
            return self.view_of(found)

    def cancel(self, actor: str, session_id: int) -> SessionView:
        now = self.clock()
        with self.database.begin() as session:
            require_coordinator(session, actor)
            found = self.desk.live(session, session_id)
            found.cancelled_at = now
            book = NoticeBook(session, now)
            self.desk.changed(session, found, book)
            self._tell_everyone_signed_up(book, found, SessionCancelled(session_id=found.id))
            return self.view_of(found)

    @staticmethod
    def _tell_everyone_signed_up(book: NoticeBook, found: GroupSession, notice: Notice) -> None:
        """Facilitators and those coming hear their own way: by DM, and by text for those who
        take texts (not after the session has started)."""
        people = [f.member for f in found.facilitators] + [a.member for a in found.attendees]
        for member in people:
            book.to_member(member, notice, texts=True, not_after=found.starts_at)


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export_sessions(session: Session, person: Person) -> dict[str, Any]:
    def of(table: type[SessionFacilitator] | type[SessionAttendee]) -> list[dict[str, Any]]:
        found = session.scalars(select(GroupSession).join(table).where(
            table.member_id == person.member_id).order_by(GroupSession.starts_at)).all()
        return [{"title": s.title, "starts": iso(s.starts_at)} for s in found]
    waiting = session.scalars(select(GroupSession).join(WaitingListEntry).where(
        WaitingListEntry.member_id == person.member_id).order_by(GroupSession.starts_at)).all()
    debriefs = session.execute(select(GroupSession.title, DebriefRequest.requested_at,
                                      DebriefRequest.status)
                               .join(DebriefRequest, DebriefRequest.session_id == GroupSession.id)
                               .where(DebriefRequest.member_id == person.member_id)).all()
    return {"sessions_facilitating": of(SessionFacilitator),
            "sessions_attending": of(SessionAttendee),
            "waiting_lists": [{"title": s.title, "starts": iso(s.starts_at)} for s in waiting],
            "debriefs_asked_for": [{"session": t, "asked": iso(at), "status": st.value}
                                   for t, at, st in debriefs]}


def _erase_sessions(session: Session, person: Person, now: datetime) -> dict[str, int]:
    # The cards of sessions they are on are redrawn without them.
    on = SessionRepository(session).list_with_member(person.member_id)
    removed = {table.__tablename__: rows_changed(session, delete(table).where(
        table.member_id == person.member_id))
        for table in (SessionFacilitator, SessionAttendee, WaitingListEntry, DebriefRequest)}
    if person.slack_user_id:
        removed["debriefs arranged"] = rows_changed(session, update(DebriefRequest).where(
            DebriefRequest.arranged_by == person.slack_user_id).values(arranged_by=None))
    book = NoticeBook(session, now)
    for found in on:
        session.refresh(found)
        SessionDesk.changed(session, found, book)
    return removed


def _purge_sessions(session: Session, periods: Periods) -> dict[str, int]:
    return {
        "sessions": rows_changed(session, delete(GroupSession).where(
            GroupSession.ends_at < periods.before("activity"))),
        "debriefs": rows_changed(session, delete(DebriefRequest).where(
            DebriefRequest.requested_at < periods.before("debriefs"))),
    }


PERSONAL_DATA = PersonalData(
    area="sessions",
    tables=("session_facilitators", "session_attendees", "session_waiting_list",
            "debrief_requests"),
    export=_export_sessions, erase=_erase_sessions, purge=_purge_sessions,
)
