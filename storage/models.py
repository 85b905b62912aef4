"""SQLAlchemy 2 typed models: the member directory and the delivery outbox."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.rules.communication import QuietHours, Reader, Reading, Style
from bot.rules.feedback_words import (
    FeedbackKind,
    FeedbackRoute,
    FeedbackStatus,
    FeedbackTopic,
    MeetingStatus,
)
from bot.rules.incidents import (
    BreachStep,
    IncidentKind,
    IncidentRoute,
    IncidentStatus,
    Severity,
)
from bot.rules.involvement import (
    AgreedBy,
    CheckStage,
    ClaimKind,
    ClaimStatus,
    ConsentStage,
    DeclarationKind,
    InductionStep,
    InvolvementStatus,
    OpportunityKind,
    OpportunityStatus,
    PaymentChoice,
    Recompense,
    Wellbeing,
)
from bot.rules.lifecycle import RequestStatus
from bot.rules.meetings import MeetingKind, MeetingRepeat
from bot.rules.roles import Role
from bot.rules.safeguarding import (
    Agency,
    Answer,
    BreachOutcome,
    CharityDecision,
    FollowUpStatus,
    S42Decision,
    Spoken,
)
from bot.rules.sessions import Repeat, SessionKind
from storage.crypto import EncryptedJSON, EncryptedText

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite forgets the zone, so it is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _str_enum(kind: type[enum.StrEnum], length: int = 20) -> Enum:
    return Enum(kind, native_enum=False, length=length,
                values_callable=lambda e: [m.value for m in e])


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime(), dict[str, Any]: JSON}


class ContactPreference(enum.StrEnum):
    SLACK = "slack"
    SMS = "sms"
    BOTH = "both"


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    contact: Mapped[ContactPreference] = mapped_column(
        _str_enum(ContactPreference, 10),
        default=ContactPreference.SLACK,
    )
    trained_until: Mapped[date | None] = mapped_column(Date)
    # The communication profile (bot/rules/communication.py): set by the member, or by a
    # coordinator with their agreement, and applied to every message at delivery.
    reading: Mapped[Reading] = mapped_column(_str_enum(Reading, 10), default=Reading.STANDARD,
                                             server_default=Reading.STANDARD.value)
    screen_reader: Mapped[bool] = mapped_column(default=False, server_default=false())
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_until: Mapped[time | None] = mapped_column(Time)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    roles: Mapped[list[MemberRole]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin",
        order_by="MemberRole.role",
    )
    consents: Mapped[list[SmsConsent]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin",
        order_by="SmsConsent.id",
    )

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)

    @property
    def latest_consent(self) -> SmsConsent | None:
        return self.consents[-1] if self.consents else None

    @property
    def has_sms_consent(self) -> bool:
        latest = self.latest_consent
        return latest is not None and latest.given

    @property
    def takes_texts(self) -> bool:
        """Texts come to them: a number, texts chosen (alone or with Slack), and their
        agreement to texts, still standing."""
        return (self.phone is not None and self.contact is not ContactPreference.SLACK
                and self.has_sms_consent)

    @property
    def reader(self) -> Reader:
        return reader_of(self.reading, self.screen_reader, self.quiet_from, self.quiet_until)


def reader_of(reading: Reading, screen_reader: bool, quiet_from: time | None,
              quiet_until: time | None) -> Reader:
    """A member's communication profile as delivery uses it."""
    quiet = (QuietHours(quiet_from, quiet_until)
             if quiet_from is not None and quiet_until is not None else None)
    return Reader(Style(easy_read=reading is Reading.EASY_READ, screen_reader=screen_reader),
                  quiet)


class MemberRole(Base):
    __tablename__ = "member_roles"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        _str_enum(Role, 20),
        primary_key=True,
    )
    member: Mapped[Member] = relationship(back_populates="roles")


class SmsConsent(Base):
    """One row per change, so the record says when and how consent was given or withdrawn."""

    __tablename__ = "sms_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    given: Mapped[bool]
    method: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime]
    member: Mapped[Member] = relationship(back_populates="consents")


class OutboxChannel(enum.StrEnum):
    SLACK_DM = "slack_dm"
    SLACK_CHANNEL = "slack_channel"
    SLACK_UPDATE = "slack_update"
    SMS = "sms"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    # Not sent, on purpose: by delivery time it was no longer needed (a reminder for a meeting
    # since cancelled, an alert for an incident already picked up).
    SKIPPED = "skipped"


class OutboxMessage(Base):
    """A notification that must not be lost, written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The day's text cap counts the texts sent so far before each text goes.
        Index("ix_outbox_texts_sent", "channel", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    channel: Mapped[OutboxChannel] = mapped_column(
        _str_enum(OutboxChannel, 20)
    )
    # A Slack user or channel id, or for SMS the member id: the phone is looked up at send
    # time so a withdrawn consent or a changed number is honoured.
    # A Slack id, a member id, or for an update "outbox:" and the key (up to 200) it changes.
    target: Mapped[str] = mapped_column(String(210))
    # Notices quote people's words, so the whole payload is encrypted too.
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    status: Mapped[OutboxStatus] = mapped_column(
        _str_enum(OutboxStatus, 10),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    not_after: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    # Where the sent message now lives (Slack channel and ts, or the SMS provider's id), so a
    # later chat.update or a status callback can find it.
    delivered_ref: Mapped[str | None] = mapped_column(String(120), index=True)
    # For a text: what a YES or NO reply to it answers ("session:12"), and the provider's
    # latest word on it (queued, sent, delivered, undelivered, failed).
    rsvp_for: Mapped[str | None] = mapped_column(String(40))
    provider_status: Mapped[str | None] = mapped_column(String(20))
    # Set when an attempt begins and cleared when its outcome is written. Still set when the
    # row is claimed again means the last attempt never came back (the process died): the
    # message may have gone, so the dispatcher asks Slack before sending it again.
    sending_since: Mapped[datetime | None]

    concerns: Mapped[list[OutboxConcern]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)


class OutboxConcern(Base):
    """A member a notice is to or about, so that erasing them finds it by reference, never by
    searching the words. No foreign key to members: the link must outlive nothing, and erasure
    reads it before the member goes."""

    __tablename__ = "outbox_concerns"

    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class FeedbackCase(Base):
    """One piece of feedback. For an anonymous case there is no column that could hold the
    submitter: submitter_slack_id stays empty, and created_at is the delivery round, not the
    second it was sent."""

    __tablename__ = "feedback_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[FeedbackKind] = mapped_column(_str_enum(FeedbackKind))
    topic: Mapped[FeedbackTopic] = mapped_column(_str_enum(FeedbackTopic))
    about_slack_id: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(EncryptedText)
    anonymous: Mapped[bool]
    submitter_slack_id: Mapped[str | None] = mapped_column(String(32))
    wants_acknowledgement: Mapped[bool] = mapped_column(default=False)
    testimony_consent: Mapped[bool] = mapped_column(default=False)
    meeting: Mapped[MeetingStatus] = mapped_column(_str_enum(MeetingStatus),
                                                   default=MeetingStatus.NOT_ASKED)
    route: Mapped[FeedbackRoute] = mapped_column(_str_enum(FeedbackRoute))
    status: Mapped[FeedbackStatus] = mapped_column(_str_enum(FeedbackStatus),
                                                   default=FeedbackStatus.NEW)
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]

    recipients: Mapped[list[FeedbackRecipient]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin",
        order_by="FeedbackRecipient.slack_user_id",
    )
    messages: Mapped[list[FeedbackMessage]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin",
        order_by="FeedbackMessage.id",
    )
    events: Mapped[list[FeedbackEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin",
        order_by="FeedbackEvent.id",
    )


class FeedbackRecipient(Base):
    """Who the case was routed to: they, and only they, may act on it."""

    __tablename__ = "feedback_recipients"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_cases.id", ondelete="CASCADE"), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case: Mapped[FeedbackCase] = relationship(back_populates="recipients")


class FeedbackMessage(Base):
    """A reply from the team, or more words from the person who raised it."""

    __tablename__ = "feedback_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_cases.id", ondelete="CASCADE"), index=True)
    from_team: Mapped[bool]
    # The team member who replied; never set for the person who raised the case.
    author_slack_id: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime]
    case: Mapped[FeedbackCase] = relationship(back_populates="messages")


class FeedbackEvent(Base):
    """Each change of status or meeting, with who made it and when."""

    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_cases.id", ondelete="CASCADE"), index=True)
    change: Mapped[str] = mapped_column(String(40))
    actor_slack_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    case: Mapped[FeedbackCase] = relationship(back_populates="events")


class SessionSeries(Base):
    """A weekly or fortnightly session: its sessions are made ahead from this template."""

    __tablename__ = "session_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repeat: Mapped[Repeat] = mapped_column(_str_enum(Repeat))
    title: Mapped[str] = mapped_column(String(150))
    kind: Mapped[SessionKind] = mapped_column(_str_enum(SessionKind))
    first_day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(300))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    facilitators_needed: Mapped[int]
    trained_needed: Mapped[int]
    facilitator_places: Mapped[int]
    participant_capacity: Mapped[int | None]
    made_until: Mapped[date] = mapped_column(Date)
    ended: Mapped[bool] = mapped_column(default=False)


class GroupSession(Base):
    __tablename__ = "group_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_series.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    kind: Mapped[SessionKind] = mapped_column(_str_enum(SessionKind))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    facilitators_needed: Mapped[int] = mapped_column(default=2)
    trained_needed: Mapped[int] = mapped_column(default=1)
    facilitator_places: Mapped[int] = mapped_column(default=3)
    participant_capacity: Mapped[int | None]
    cancelled_at: Mapped[datetime | None]
    # Bumped on every change, so each card update has its own idempotency key.
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    facilitators: Mapped[list[SessionFacilitator]] = relationship(
        back_populates="session", cascade="all, delete-orphan", lazy="selectin",
        order_by="SessionFacilitator.id",
    )
    attendees: Mapped[list[SessionAttendee]] = relationship(
        back_populates="session", cascade="all, delete-orphan", lazy="selectin",
        order_by="SessionAttendee.id",
    )
    waiting: Mapped[list[WaitingListEntry]] = relationship(
        back_populates="session", cascade="all, delete-orphan", lazy="selectin",
        order_by="WaitingListEntry.id",
    )


class SessionFacilitator(Base):
    __tablename__ = "session_facilitators"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    claimed_at: Mapped[datetime]
    session: Mapped[GroupSession] = relationship(back_populates="facilitators")
    member: Mapped[Member] = relationship(lazy="selectin")


class SessionAttendee(Base):
    __tablename__ = "session_attendees"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime]
    session: Mapped[GroupSession] = relationship(back_populates="attendees")
    member: Mapped[Member] = relationship(lazy="selectin")


class WaitingListEntry(Base):
    """A facilitator waiting for a place; when one frees up it is offered to them first."""

    __tablename__ = "session_waiting_list"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime]
    offered_until: Mapped[datetime | None]
    declined: Mapped[bool] = mapped_column(default=False)
    session: Mapped[GroupSession] = relationship(back_populates="waiting")
    member: Mapped[Member] = relationship(lazy="selectin")


class DebriefRequest(Base):
    """Only the request is kept: nothing about how the person felt."""

    __tablename__ = "debrief_requests"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime]
    status: Mapped[RequestStatus] = mapped_column(_str_enum(RequestStatus),
                                                  default=RequestStatus.REQUESTED)
    # Who acknowledged, arranged or declined it last, and when.
    arranged_by: Mapped[str | None] = mapped_column(String(32))
    arranged_at: Mapped[datetime | None]


class Incident(Base):
    """A safeguarding concern, crisis disclosure or guideline breach, and its whole path."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(_str_enum(IncidentKind))
    severity: Mapped[Severity] = mapped_column(_str_enum(Severity))
    route: Mapped[IncidentRoute] = mapped_column(_str_enum(IncidentRoute))
    danger: Mapped[bool]
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_sessions.id", ondelete="SET NULL"))
    what_happened: Mapped[str] = mapped_column(EncryptedText)
    done_already: Mapped[str] = mapped_column(EncryptedText, default="")
    message_ref: Mapped[str | None] = mapped_column(String(80))
    reporter_slack_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[IncidentStatus] = mapped_column(_str_enum(IncidentStatus))
    escalation_level: Mapped[int] = mapped_column(default=0)
    next_escalation_at: Mapped[datetime | None] = mapped_column(index=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)

    session: Mapped[GroupSession | None] = relationship(lazy="selectin")
    involved: Mapped[list[IncidentPerson]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", lazy="selectin",
        order_by="IncidentPerson.member_id",
    )
    timeline: Mapped[list[IncidentStep]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", lazy="selectin",
        order_by="IncidentStep.id",
    )
    recipients: Mapped[list[IncidentRecipient]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", lazy="selectin",
        order_by="IncidentRecipient.slack_user_id",
    )


class IncidentPerson(Base):
    __tablename__ = "incident_people"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True)
    incident: Mapped[Incident] = relationship(back_populates="involved")
    member: Mapped[Member] = relationship(lazy="selectin")


class IncidentRecipient(Base):
    """Everyone the incident was sent to: they, and only they, may read and act on it."""

    __tablename__ = "incident_recipients"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    incident: Mapped[Incident] = relationship(back_populates="recipients")


class IncidentStep(Base):
    """The timeline: every step, who by, how, when. `note` is the only free text here."""

    __tablename__ = "incident_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    step: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(200), default="")
    actor_slack_id: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(EncryptedText)
    incident: Mapped[Incident] = relationship(back_populates="timeline")


class IncidentOutcome(Base):
    """What was done, recorded each time an incident is resolved (a reopened incident that is
    resolved again has two). Everything typed is encrypted."""

    __tablename__ = "incident_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]
    what_was_done: Mapped[str] = mapped_column(EncryptedText)
    spoken: Mapped[Spoken] = mapped_column(_str_enum(Spoken))
    views_and_wishes: Mapped[str] = mapped_column(EncryptedText, default="")
    decision: Mapped[str] = mapped_column(EncryptedText)
    reasons: Mapped[str] = mapped_column(EncryptedText)


class IncidentReferral(Base):
    """A referral made to another agency, from an outcome or from the s42 step."""

    __tablename__ = "incident_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident_outcomes.id", ondelete="CASCADE"))
    agency: Mapped[Agency] = mapped_column(_str_enum(Agency, 30))
    reference: Mapped[str] = mapped_column(EncryptedText, default="")
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


class IncidentFollowUp(Base):
    """Something someone will do by a day; reminded on the day, then escalated if missed."""

    __tablename__ = "incident_follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(EncryptedText)
    assignee_slack_id: Mapped[str] = mapped_column(String(32), index=True)
    due_at: Mapped[datetime]
    status: Mapped[FollowUpStatus] = mapped_column(_str_enum(FollowUpStatus))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    done_by: Mapped[str | None] = mapped_column(String(32))
    done_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    next_reminder_at: Mapped[datetime | None] = mapped_column(index=True)


class SafeguardingCheck(Base):
    """The three Care Act s42 questions for one incident, and the decision to refer or not."""

    __tablename__ = "incident_s42_checks"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    care_needs: Mapped[Answer] = mapped_column(_str_enum(Answer))
    abuse_or_neglect: Mapped[Answer] = mapped_column(_str_enum(Answer))
    cannot_protect: Mapped[Answer] = mapped_column(_str_enum(Answer))
    decision: Mapped[S42Decision] = mapped_column(_str_enum(S42Decision))
    reasons: Mapped[str] = mapped_column(EncryptedText)
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


class SeriousIncident(Base):
    """An incident a lead marked as possibly serious for the charity, and the trustees'
    decision on reporting it to the Charity Commission. Reminders run until they decide."""

    __tablename__ = "serious_incidents"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    harms: Mapped[str] = mapped_column(String(120))  # Harm values, comma-separated
    marked_by: Mapped[str] = mapped_column(String(32))
    marked_at: Mapped[datetime]
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None]
    decision: Mapped[CharityDecision | None] = mapped_column(_str_enum(CharityDecision))
    reported_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(EncryptedText, default="")
    reason: Mapped[str] = mapped_column(EncryptedText, default="")
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    next_reminder_at: Mapped[datetime | None] = mapped_column(index=True)


class BreachTask(Base):
    """A breach follow-up on the shared request workflow: a "talk it through" or a hiatus
    review, about one person, with its outcome. Never changes membership."""

    __tablename__ = "breach_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True)
    step: Mapped[BreachStep] = mapped_column(_str_enum(BreachStep))
    status: Mapped[RequestStatus] = mapped_column(_str_enum(RequestStatus))
    acted_by: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[BreachOutcome | None] = mapped_column(_str_enum(BreachOutcome))
    outcome_note: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    member: Mapped[Member] = relationship(lazy="selectin")


class InboundText(Base):
    """A text someone sent us that was not a keyword: kept so a coordinator can reply."""

    __tablename__ = "inbound_texts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(EncryptedText)
    received_at: Mapped[datetime]
    member: Mapped[Member | None] = relationship(lazy="selectin")


class TextReply(Base):
    """A coordinator's reply by text to someone who texted us: the words live here, and the
    notice that sends them only points at this row."""

    __tablename__ = "text_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbound_text_id: Mapped[int] = mapped_column(
        ForeignKey("inbound_texts.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    body: Mapped[str] = mapped_column(EncryptedText)
    sent_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class TextQuestion(Base):
    """The question we last texted a member ("Reply 1 for..., 2 for..."), so that a "1" or
    "2" answers it: the yes or no they gave, and the choices offered, in order. One a
    member; answered or replaced, it goes."""

    __tablename__ = "text_questions"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    going: Mapped[bool]
    choices: Mapped[str] = mapped_column(String(250))
    asked_at: Mapped[datetime]


class UnknownNumber(Base):
    """A number that texted us but is not in the directory: when we last answered it, and
    whether it asked us to stop."""

    __tablename__ = "unknown_numbers"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_answered_at: Mapped[datetime | None]
    opted_out: Mapped[bool] = mapped_column(default=False)


class MeetingSeries(Base):
    """A regular meeting: "every third month, second Tuesday, 18:00"."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repeat: Mapped[MeetingRepeat] = mapped_column(_str_enum(MeetingRepeat))
    kind: Mapped[MeetingKind] = mapped_column(_str_enum(MeetingKind))
    title: Mapped[str] = mapped_column(String(150))
    first_day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(300))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    invited: Mapped[str] = mapped_column(String(30))
    made_until: Mapped[date] = mapped_column(Date)


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(_str_enum(MeetingKind))
    title: Mapped[str] = mapped_column(String(150))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # "everyone", or the role whose holders are invited.
    invited: Mapped[str] = mapped_column(String(30))
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    rsvps: Mapped[list[MeetingRsvp]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="selectin",
        order_by="MeetingRsvp.id")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="selectin",
        order_by="AgendaItem.id")


class MeetingRsvp(Base):
    __tablename__ = "meeting_rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    going: Mapped[bool]
    answered_at: Mapped[datetime]
    # The coordinator (Slack id) who recorded an answer given by phone or in person; empty
    # when the member answered themselves.
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    meeting: Mapped[Meeting] = relationship(back_populates="rsvps")
    member: Mapped[Member] = relationship(lazy="selectin")


class AgendaItem(Base):
    """A member's item for a forum or community meeting. Anonymous items keep no member and
    are dated by the delivery round, as anonymous feedback is."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime]
    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    member: Mapped[Member | None] = relationship(lazy="selectin")


class PresentRequest(Base):
    """A member asks to present at a trustees' meeting, in its first fifteen minutes."""

    __tablename__ = "present_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[RequestStatus] = mapped_column(_str_enum(RequestStatus),
                                                  default=RequestStatus.REQUESTED)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    meeting: Mapped[Meeting] = relationship(lazy="selectin")
    member: Mapped[Member] = relationship(lazy="selectin")


class ReminderLog(Base):
    """Each reminder of a meeting or session, sent or missed, once: what makes a restart
    neither lose nor double one."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("subject", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime]
    handled_at: Mapped[datetime]


class AuditEntry(Base):
    """Who read or acted on a feedback case or an incident, and when: never what it said.
    A read by case code records no one, since that reader may be the anonymous submitter."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_slack_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(40))


class ProcessedEvent(Base):
    """Slack retries an event it thinks was missed, and Bolt does not de-duplicate: each event
    id is kept (for the deliveries retention period) so it is handled once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


# -- involvement: policies, induction, opportunities, recompense, wellbeing, consent ------------
class Policy(Base):
    """A policy a coordinator published, one row per version; members agree to each version."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), index=True)  # the same across versions
    title: Mapped[str] = mapped_column(String(150))
    version: Mapped[int]
    link: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(String(2000), default="")
    needed_by_facilitators: Mapped[bool] = mapped_column(default=False)
    published_by: Mapped[str | None] = mapped_column(String(32))
    published_at: Mapped[datetime]


class PolicyAgreement(Base):
    """Who agreed to which version of a policy, when and how (Slack, text, or on paper)."""

    __tablename__ = "policy_agreements"
    __table_args__ = (UniqueConstraint("member_id", "policy_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"),
                                           index=True)
    agreed_at: Mapped[datetime]
    how: Mapped[AgreedBy] = mapped_column(_str_enum(AgreedBy))
    recorded_by: Mapped[str | None] = mapped_column(String(32))


class InductionRecord(Base):
    """An induction step a coordinator recorded for a member."""

    __tablename__ = "induction_records"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           primary_key=True)
    step: Mapped[InductionStep] = mapped_column(_str_enum(InductionStep, 40), primary_key=True)
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


class Opportunity(Base):
    """An involvement opportunity as posted: everything the offer states, agreed in advance."""

    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OpportunityKind] = mapped_column(_str_enum(OpportunityKind))
    title: Mapped[str] = mapped_column(String(150))
    purpose: Mapped[str] = mapped_column(String(2000))      # purpose and outcomes
    expected: Mapped[str] = mapped_column(String(2000))     # what is expected
    when_where: Mapped[str] = mapped_column(String(300))    # time and place, or remote
    time_needed: Mapped[str] = mapped_column(String(200))
    experience: Mapped[str] = mapped_column(String(1000), default="")
    recompense: Mapped[Recompense] = mapped_column(_str_enum(Recompense))
    amount_pence: Mapped[int | None]
    shares_story: Mapped[bool] = mapped_column(default=False)
    published_outputs: Mapped[bool] = mapped_column(default=False)
    contact_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"))
    status: Mapped[OpportunityStatus] = mapped_column(_str_enum(OpportunityStatus))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class Involvement(Base):
    """One person and one opportunity: interest, the written offer they accepted (kept as the
    agreement), what they chose to do with the payment, and pausing or withdrawing."""

    __tablename__ = "involvements"
    __table_args__ = (UniqueConstraint("opportunity_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[InvolvementStatus] = mapped_column(_str_enum(InvolvementStatus))
    agreement: Mapped[str] = mapped_column(EncryptedText, default="")  # the offer as accepted
    offered_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    payment_choice: Mapped[PaymentChoice | None] = mapped_column(_str_enum(PaymentChoice))
    amount_taken_pence: Mapped[int | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    member: Mapped[Member] = relationship(lazy="selectin")
    opportunity: Mapped[Opportunity] = relationship(lazy="selectin")


class WellbeingCheck(Base):
    """A private check-in before the work, at its end, and a few days after."""

    __tablename__ = "wellbeing_checks"
    __table_args__ = (UniqueConstraint("involvement_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    involvement_id: Mapped[int] = mapped_column(
        ForeignKey("involvements.id", ondelete="CASCADE"), index=True)
    stage: Mapped[CheckStage] = mapped_column(_str_enum(CheckStage))
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    answer: Mapped[Wellbeing | None] = mapped_column(_str_enum(Wellbeing))
    answered_at: Mapped[datetime | None]


class StoryConsent(Base):
    """Consent to share a story or publish outputs, asked before and after the work."""

    __tablename__ = "story_consents"
    __table_args__ = (UniqueConstraint("involvement_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    involvement_id: Mapped[int] = mapped_column(
        ForeignKey("involvements.id", ondelete="CASCADE"), index=True)
    stage: Mapped[ConsentStage] = mapped_column(_str_enum(ConsentStage))
    given: Mapped[bool | None]
    answered_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]


class StoryUse(Base):
    """Each use of a story or output a coordinator records; none after a withdrawal."""

    __tablename__ = "story_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    involvement_id: Mapped[int] = mapped_column(
        ForeignKey("involvements.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(EncryptedText)
    used_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    recorded_at: Mapped[datetime]


class ExpenseClaim(Base):
    """Expenses or the agreed fee, claimed by the person, approved (or asked about) by a
    coordinator. Amounts are seen only by the person and coordinators."""

    __tablename__ = "expense_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    involvement_id: Mapped[int] = mapped_column(
        ForeignKey("involvements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ClaimKind] = mapped_column(_str_enum(ClaimKind))
    amount_pence: Mapped[int]
    what: Mapped[str] = mapped_column(EncryptedText, default="")
    status: Mapped[ClaimStatus] = mapped_column(_str_enum(ClaimStatus))
    question: Mapped[str] = mapped_column(EncryptedText, default="")
    answer: Mapped[str] = mapped_column(EncryptedText, default="")
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime] = mapped_column(index=True)


class Declaration(Base):
    """A pre-existing relationship with another member, or a gift offered, declared by a member;
    a request on the shared workflow for the HR officer or a coordinator."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[DeclarationKind] = mapped_column(_str_enum(DeclarationKind))
    other_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True)
    words: Mapped[str] = mapped_column(EncryptedText, default="")
    status: Mapped[RequestStatus] = mapped_column(_str_enum(RequestStatus))
    handled_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class ExitConversation(Base):
    """The short exit form offered when someone's involvement ends. Anonymous answers keep no
    member id, no Slack id and no link to the involvement, as anonymous feedback does."""

    __tablename__ = "exit_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    anonymous: Mapped[bool]
    received_on: Mapped[date] = mapped_column(Date, index=True)  # a day, not a moment


class SchedulerState(Base):
    """Which process schedules, since when, and when its dispatcher last ran: one row, read by
    /healthz and `coprod status` in any process."""

    __tablename__ = "scheduler_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    holder: Mapped[str] = mapped_column(String(120))  # host name and process id
    held_since: Mapped[datetime]
    last_dispatch_at: Mapped[datetime | None]


class CaseCodeMiss(Base):
    """A wrong case code typed in the last few minutes, counted in the database so that the
    limit holds across processes. Who typed it is kept only as a keyed digest of their Slack
    id, and only for the window: every check deletes what is older."""

    __tablename__ = "case_code_misses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asker_digest: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
