"""The member directory: importing it, reading it, and saying who someone is and may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.rules.communication import QuietHours, Reading
from bot.rules.directory import MemberRow, RowProblem, read_member_rows
from bot.rules.roles import NotAllowed, Role
from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.models import (
    ContactPreference,
    InductionRecord,
    Member,
    MemberRole,
    ProcessedEvent,
    SmsConsent,
)
from storage.repositories import MemberRepository

CONSENT_BY_IMPORT = "members import"


@dataclass(frozen=True)
class MemberView:
    """A member as the rest of the bot sees them: plain values, no database session needed."""

    id: int
    name: str
    slack_user_id: str | None
    phone: str | None
    roles: frozenset[Role]
    contact: ContactPreference
    sms_consent: bool
    consent_changed_at: datetime | None
    trained_until: date | None
    reading: Reading = Reading.STANDARD
    screen_reader: bool = False
    quiet: QuietHours | None = None
    takes_texts: bool = False  # Member.takes_texts

    @classmethod
    def of(cls, member: Member) -> MemberView:
        latest = member.latest_consent
        return cls(
            id=member.id,
            name=member.name,
            slack_user_id=member.slack_user_id,
            phone=member.phone,
            roles=member.role_set,
            contact=member.contact,
            sms_consent=member.has_sms_consent,
            consent_changed_at=latest.recorded_at if latest else None,
            trained_until=member.trained_until,
            reading=member.reading,
            screen_reader=member.screen_reader,
            quiet=member.reader.quiet,
            takes_texts=member.takes_texts,
        )


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return self.added + self.updated + self.unchanged


def require_role_of(session: Session, slack_user_id: str, role: Role) -> Member:
    """The one check of who may: the member's record if they hold the role now (read from the
    directory, whatever a request claims); NotAllowed otherwise."""
    member = MemberRepository(session).get_by_slack_id(slack_user_id)
    if member is None or role not in member.role_set:
        raise NotAllowed(role)
    return member


def require_coordinator(session: Session, slack_user_id: str) -> Member:
    """The coordinator's member record, or NotAllowed(Role.COORDINATOR)."""
    return require_role_of(session, slack_user_id, Role.COORDINATOR)


def is_coordinator(session: Session, slack_user_id: str) -> bool:
    try:
        require_coordinator(session, slack_user_id)
    except NotAllowed:
        return False
    return True


class MembersService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    def import_csv(self, text: str) -> ImportReport:
        """Upserts by Slack id or phone. Bad rows are reported by line; good rows are kept."""
        rows, problems = read_member_rows(text)
        report = ImportReport(problems=list(problems))
        with self.sessions.begin() as session:
            repo = MemberRepository(session)
            for row in rows:
                try:
                    outcome = self._upsert(repo, row)
                except ValueError as error:
                    report.problems.append(RowProblem(row.line, str(error)))
                    continue
                if outcome == "added":
                    report.added += 1
                elif outcome == "updated":
                    report.updated += 1
                else:
                    report.unchanged += 1
        report.problems.sort(key=lambda p: p.line)
        return report

    def _upsert(self, repo: MemberRepository, row: MemberRow) -> str:
        now = self.clock()
        by_slack = repo.get_by_slack_id(row.slack_user_id) if row.slack_user_id else None
        by_phone = repo.get_by_phone(row.phone) if row.phone else None
        if by_slack and by_phone and by_slack.id != by_phone.id:
            raise ValueError("the Slack id and the phone number belong to two different members")
        member = by_slack or by_phone
        contact = ContactPreference(row.contact)

        if member is None:
            member = repo.add(Member(
                name=row.name,
                slack_user_id=row.slack_user_id,
                phone=row.phone,
                contact=contact,
                trained_until=row.trained_until,
                reading=row.profile.reading or Reading.STANDARD,
                screen_reader=bool(row.profile.screen_reader),
                quiet_from=row.profile.quiet_hours.start if row.profile.quiet_hours else None,
                quiet_until=row.profile.quiet_hours.end if row.profile.quiet_hours else None,
                created_at=now,
                updated_at=now,
                roles=[MemberRole(role=role) for role in sorted(row.roles)],
            ))
            if row.sms_consent:
                member.consents.append(SmsConsent(given=True, method=CONSENT_BY_IMPORT,
                                                  recorded_at=now))
            repo.session.flush()
            _record_induction(repo.session, member, row, now)
            return "added"

        changed = _apply_row(member, row, contact, now)
        if not _record_induction(repo.session, member, row, now) and not changed:
            return "unchanged"
        member.updated_at = now
        repo.session.flush()
        return "updated"

    def list_members(self) -> list[MemberView]:
        with self.sessions() as session:
            return [MemberView.of(m) for m in MemberRepository(session).list_all()]

    def find_by_slack_id(self, slack_user_id: str) -> MemberView | None:
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            return MemberView.of(member) if member else None

    def roles_of(self, slack_user_id: str) -> frozenset[Role]:
        member = self.find_by_slack_id(slack_user_id)
        return member.roles if member else frozenset()

    def require(self, slack_user_id: str, role: Role) -> MemberView:
        """The member, if they hold the role; raises NotAllowed otherwise (checked server-side)."""
        with self.sessions() as session:
            return MemberView.of(require_role_of(session, slack_user_id, role))

    def how_many_take_texts(self) -> int:
        """Members with a phone who asked for texts (alone or with Slack) and agreed to them."""
        with self.sessions() as session:
            return MemberRepository(session).how_many_take_texts()

    def names_with_role(self, role: Role) -> list[str]:
        with self.sessions() as session:
            return [m.name for m in MemberRepository(session).list_with_role(role)]


def _apply_row(member: Member, row: MemberRow, contact: ContactPreference,
               now: datetime) -> bool:
    """Brings a member in line with their row; True if anything changed. A profile column
    the file doesn't have leaves what is stored (what the member chose themselves)."""
    changed = False
    profile = row.profile
    quiet_from, quiet_until = member.quiet_from, member.quiet_until
    if profile.quiet_hours_given:
        quiet = profile.quiet_hours
        quiet_from, quiet_until = (quiet.start, quiet.end) if quiet else (None, None)
    for attribute, value in (
        ("name", row.name),
        ("slack_user_id", row.slack_user_id or member.slack_user_id),
        ("phone", row.phone or member.phone),
        ("contact", contact),
        ("trained_until", row.trained_until),
        ("reading", profile.reading or member.reading),
        ("screen_reader", member.screen_reader if profile.screen_reader is None
         else profile.screen_reader),
        ("quiet_from", quiet_from),
        ("quiet_until", quiet_until),
    ):
        if getattr(member, attribute) != value:
            setattr(member, attribute, value)
            changed = True
    if member.role_set != row.roles:
        member.roles = [r for r in member.roles if r.role in row.roles] + [
            MemberRole(role=role) for role in sorted(row.roles - member.role_set)
        ]
        changed = True
    if member.has_sms_consent != row.sms_consent:
        # Only a change is recorded, so the record keeps when consent was first given.
        member.consents.append(SmsConsent(given=row.sms_consent, method=CONSENT_BY_IMPORT,
                                          recorded_at=now))
        changed = True
    return changed


def _record_induction(session: Session, member: Member, row: MemberRow, now: datetime) -> bool:
    """The induction steps a row says are done, recorded as done by the import (a step done
    stays done: a row without it takes nothing away). True if any was new."""
    new = [step for step in sorted(row.induction)
           if session.get(InductionRecord, (member.id, step)) is None]
    for step in new:
        session.add(InductionRecord(member_id=member.id, step=step,
                                    recorded_by=CONSENT_BY_IMPORT, recorded_at=now))
    if new:
        session.flush()
    return bool(new)


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export_member(session: Session, person: Person) -> dict[str, Any]:
    member = MemberRepository(session).get(person.member_id)
    if member is None:
        return {}
    return {
        "member": {"name": member.name, "slack_user_id": member.slack_user_id,
                   "phone": member.phone, "roles": sorted(r.value for r in member.role_set),
                   "contact": member.contact.value,
                   "trained_until": member.trained_until.isoformat()
                   if member.trained_until else None,
                   # The communication profile (how messages are written, words for screen
                   # readers, and the hours they'd rather not be messaged).
                   "reading": member.reading.value,
                   "screen_reader": member.screen_reader,
                   "quiet_hours": str(member.reader.quiet) if member.reader.quiet else None},
        "text_consent": [{"given": c.given, "how": c.method, "when": iso(c.recorded_at)}
                         for c in member.consents],
    }


def _purge_events(session: Session, periods: Periods) -> dict[str, int]:
    return {"processed events": rows_changed(session, delete(ProcessedEvent).where(
        ProcessedEvent.received_at < periods.before("deliveries")))}


# The member row itself is erased last, by PrivacyService, after every other area: it is what
# the others find the person by.
PERSONAL_DATA = PersonalData(
    area="members",
    tables=("members", "member_roles", "sms_consents"),
    export=_export_member,
    purge=_purge_events,
    kept="Someone named on a safeguarding record keeps a member record with their name only.",
)
