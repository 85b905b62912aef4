"""Each member's communication profile: how we reach them, how messages are written, words for
screen readers and quiet hours. Set by the member, or by a coordinator with their agreement
(audited, and the member is told); applied to every message at delivery by the dispatcher."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notices import Notice, NoticeGone
from bot.rules.communication import (
    STANDARD,
    ProfileChoice,
    ProfileField,
    QuietHours,
    Reading,
    Style,
    check_profile,
)
from bot.rules.roles import NotAllowed
from bot.rules.texting import QUIET_FROM, QUIET_UNTIL_WEEKDAY, QUIET_UNTIL_WEEKEND
from bot.services.members import require_coordinator
from bot.services.notices import NoticeBook
from bot.services.privacy import NotInDirectory
from storage.models import ContactPreference, Member, SmsConsent
from storage.repositories import AuditRepository, MemberRepository

# How a consent to texts given through the profile is recorded (the consent history says how).
CONSENT_BY_PROFILE = "their profile"
CONSENT_BY_COORDINATOR = "their profile, set by a coordinator as agreed"
# A mention as Slack writes it in a command's words, with or without the name after the bar.
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
MOST_CHOICES = 100  # a Slack select shows at most 100 options


class ProfileChanged(Notice):
    """A coordinator changed someone's profile with their agreement: to that member, in their
    new style, by Slack or text, saying who did it and how to change it back."""

    kind = "profile.changed"
    member_id: int
    by_member_id: int
    changed_at: datetime


class InvalidProfile(ValueError):
    """The form's choices can't be saved: field errors in kind words."""

    def __init__(self, errors: dict[ProfileField, str]) -> None:
        super().__init__("invalid profile")
        self.errors = errors


class ProfileGone(LookupError):
    """The member whose profile was asked for is no longer in the directory."""


@dataclass(frozen=True)
class TextsQuietHours:
    """The organisation's own quiet hours for texts (bot/rules/texting.py, as the dispatcher
    holds them): a text that can wait goes out from `weekday_end` (`weekend_end` on Saturdays
    and Sundays) until `start`. Slack messages wait only for someone's own quiet hours."""

    start: time = QUIET_FROM
    weekday_end: time = QUIET_UNTIL_WEEKDAY
    weekend_end: time = QUIET_UNTIL_WEEKEND


@dataclass(frozen=True)
class ProfileView:
    member_id: int
    name: str
    has_slack: bool
    contact: ContactPreference
    reading: Reading
    screen_reader: bool
    quiet: QuietHours | None
    has_phone: bool
    text_consent: bool
    takes_texts: bool  # as NoticeBook.to_member decides (Member.takes_texts)

    @classmethod
    def of(cls, member: Member) -> ProfileView:
        reader = member.reader
        return cls(member_id=member.id, name=member.name,
                   has_slack=member.slack_user_id is not None, contact=member.contact,
                   reading=member.reading, screen_reader=member.screen_reader,
                   quiet=reader.quiet, has_phone=member.phone is not None,
                   text_consent=member.has_sms_consent, takes_texts=member.takes_texts)

    @property
    def texts_quiet(self) -> TextsQuietHours | None:
        """The organisation's quiet hours, when they hold this person's texts."""
        return TextsQuietHours() if self.takes_texts else None

    @property
    def can_be_messaged(self) -> bool:
        """Some way to tell them anything: Slack, or texts to a number they agreed to."""
        return self.has_slack or (self.has_phone and self.text_consent)

    @property
    def style(self) -> Style:
        return Style(easy_read=self.reading is Reading.EASY_READ,
                     screen_reader=self.screen_reader)


@dataclass(frozen=True)
class Named:
    """Whom a coordinator's words name: one member, or nobody (`several`: the name fits more
    than one member, so they choose from the list)."""

    member_id: int | None
    several: bool = False


@dataclass(frozen=True)
class MemberChoices:
    """The members a coordinator can choose from, by name; `more`: the list is cut short."""

    people: list[tuple[int, str]]
    more: bool = False


@dataclass(frozen=True)
class ChangedForThem:
    """A coordinator's change saved: the member's profile now, whether anything changed, how
    many messages to tell them were queued (not yet sent: they may wait for quiet hours; none
    when there is no way to reach them), and the coordinator's own style for their answer."""

    profile: ProfileView
    changed: bool
    told: int
    coordinator_style: Style


class ProfilesService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    def style_of(self, slack_user_id: str) -> Style:
        """How messages to this person are worded: for a message they clicked in their DM,
        redrawn at once by the handler (someone not in the directory reads the standard)."""
        with self.sessions() as session:
            found = MemberRepository(session).reader(slack_user_id)
        return found.style if found is not None else STANDARD

    # -- my own -------------------------------------------------------------------------------
    def mine(self, slack_user_id: str) -> ProfileView:
        with self.sessions() as session:
            return ProfileView.of(_member(session, slack_user_id))

    def set_mine(self, slack_user_id: str, choice: ProfileChoice) -> ProfileView:
        """Saves the member's own choices. Texts need a number on record, and choosing them
        records a consent if none stands; choosing Slack only leaves consent as it is (an
        urgent safeguarding text to a lead relies on it; /coprod consent withdraws it)."""
        with self.sessions.begin() as session:
            member = _member(session, slack_user_id)
            errors = check_profile(choice, has_slack=member.slack_user_id is not None,
                                   has_phone=member.phone is not None)
            if errors:
                raise InvalidProfile(errors)
            _apply(member, choice, self.clock(), CONSENT_BY_PROFILE)
            return ProfileView.of(member)

    # -- a coordinator, for someone else, with their agreement ----------------------------------
    def choices_for(self, coordinator_slack_id: str) -> MemberChoices:
        """Everyone whose profile a coordinator may set, by name (members with no Slack too),
        as many as a Slack list shows."""
        with self.sessions() as session:
            require_coordinator(session, coordinator_slack_id)
            everyone = MemberRepository(session).list_all()
            return MemberChoices([(m.id, m.name) for m in everyone[:MOST_CHOICES]],
                                 more=len(everyone) > MOST_CHOICES)

    def find_member(self, coordinator_slack_id: str, words: str) -> Named:
        """The member a coordinator named after `/coprod profile`: a mention, or a name that
        fits one member only (whole name, or first name), with or without an @ before it:
        /coprod doesn't ask Slack to escape mentions, so "@Fin Rowe" comes as typed."""
        with self._audited(coordinator_slack_id, "find profile") as session:
            require_coordinator(session, coordinator_slack_id)
            members = MemberRepository(session)
            mentioned = MENTION.match(words.strip())
            if mentioned:
                found = members.get_by_slack_id(mentioned.group(1))
                return Named(found.id if found else None)
            wanted = " ".join(words.strip().lstrip("@").lower().split())
            everyone = members.list_all()
            for fits in (lambda m: " ".join(m.name.lower().split()) == wanted,
                         lambda m: m.name.lower().split()[:1] == [wanted]):
                matches = [m for m in everyone if fits(m)]
                if len(matches) == 1:
                    return Named(matches[0].id)
                if matches:
                    return Named(None, several=True)
            return Named(None)

    def for_them(self, coordinator_slack_id: str, member_id: int) -> ProfileView:
        """Someone's profile, for a coordinator to change with them: the look is audited."""
        with self._audited(coordinator_slack_id, "read profile", member_id) as session:
            require_coordinator(session, coordinator_slack_id)
            member = _member_by_id(session, member_id)
            AuditRepository(session).record(self.clock(), coordinator_slack_id,
                                             "read profile", _subject(member_id))
            return ProfileView.of(member)

    def set_for(self, coordinator_slack_id: str, member_id: int, choice: ProfileChoice,
                agreed: bool) -> ChangedForThem:
        """A coordinator sets someone's profile, only with `agreed` ("they agreed to this").
        The change is audited (who, whose, when; never the choices) and, when anything
        changed, the member is told in their new style how to change it back."""
        now = self.clock()
        with self._audited(coordinator_slack_id, "change profile", member_id) as session:
            coordinator = require_coordinator(session, coordinator_slack_id)
            member = _member_by_id(session, member_id)
            errors = check_profile(choice, has_slack=member.slack_user_id is not None,
                                   has_phone=member.phone is not None, for_someone_else=True,
                                   agreed=agreed)
            if _would_restart_texts(member, choice):
                errors = {**errors, ProfileField.CONTACT: WITHDRAWN}
            if errors:
                raise InvalidProfile(errors)
            changed = _apply(member, choice, now, CONSENT_BY_COORDINATOR)
            AuditRepository(session).record(now, coordinator_slack_id, "changed profile",
                                             _subject(member_id))
            told = 0
            if changed and member.id != coordinator.id:
                notice = ProfileChanged(member_id=member.id, by_member_id=coordinator.id,
                                        changed_at=now)
                told = NoticeBook(session, now).to_member(member, notice, texts=True,
                                                          about=[coordinator.id])
            return ChangedForThem(ProfileView.of(member), changed, told,
                                  ProfileView.of(coordinator).style)

    def change_view(self, notice: ProfileChanged) -> tuple[ProfileView, str | None]:
        """For the ProfileChanged notice: the member's profile now, and who changed it (None
        once that coordinator is no longer in the directory)."""
        with self.sessions() as session:
            members = MemberRepository(session)
            member = members.get(notice.member_id)
            if member is None:
                raise NoticeGone(notice.member_id)
            by = members.get(notice.by_member_id)
            return ProfileView.of(member), by.name if by else None

    @contextmanager
    def _audited(self, actor: str, action: str, member_id: int | None = None
                 ) -> Iterator[Session]:
        """A transaction whose refusal (someone who isn't a coordinator now) is written to the
        audit log after the rollback, as refused reads of cases and incidents are."""
        try:
            with self.sessions.begin() as session:
                yield session
        except NotAllowed:
            with self.sessions.begin() as session:
                AuditRepository(session).record(
                    self.clock(), actor, f"refused {action}",
                    _subject(member_id) if member_id is not None else "profiles")
            raise


def _member(session: Session, slack_user_id: str) -> Member:
    member = MemberRepository(session).get_by_slack_id(slack_user_id)
    if member is None:
        raise NotInDirectory(slack_user_id)
    return member


def _member_by_id(session: Session, member_id: int) -> Member:
    member = MemberRepository(session).get(member_id)
    if member is None:
        raise ProfileGone(member_id)
    return member


def _subject(member_id: int) -> str:
    return f"member:{member_id}"


WITHDRAWN = ("They asked us to stop texting them. Only they can agree again: by texting "
             "START, or with /coprod consent start texts.")


def _would_restart_texts(member: Member, choice: ProfileChoice) -> bool:
    """A coordinator choosing texts for someone who withdrew their consent: agreeing to a
    change of profile is not agreeing to texts again, which only the person can do."""
    latest = member.latest_consent
    return (member.contact is ContactPreference.SLACK
            and choice.contact is not None
            and ContactPreference(choice.contact) is not ContactPreference.SLACK
            and latest is not None and not latest.given)


def _apply(member: Member, choice: ProfileChoice, now: datetime, consent_by: str) -> bool:
    """Brings the member's record in line with a checked choice; True if anything changed."""
    assert choice.contact is not None and choice.reading is not None  # checked before
    quiet = choice.quiet
    wanted = {"contact": ContactPreference(choice.contact), "reading": choice.reading,
              "screen_reader": choice.screen_reader,
              "quiet_from": quiet.start if quiet else None,
              "quiet_until": quiet.end if quiet else None}
    # Consent to texts is recorded only when texts are chosen anew: saving the form with the
    # way of reaching them it already showed is no choice about texts at all.
    starts_texts = (member.contact is ContactPreference.SLACK
                    and wanted["contact"] is not ContactPreference.SLACK)
    changed = False
    for attribute, value in wanted.items():
        if getattr(member, attribute) != value:
            setattr(member, attribute, value)
            changed = True
    if starts_texts and not member.has_sms_consent:
        member.consents.append(SmsConsent(given=True, method=consent_by, recorded_at=now))
        changed = True
    if changed:
        member.updated_at = now
    return changed

