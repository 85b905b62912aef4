"""Policies and induction: coordinators publish policies (a new version asks again), members
agree in Slack or by text, coordinators record induction steps; claiming a facilitator place
needs the induction the organisation asks of facilitators."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice, NoticeGone
from bot.rules.involvement import INDUCTION_WORDS, AgreedBy, InductionStep
from bot.rules.policies import (
    InductionNeeded,
    PolicyDraft,
    check_policy,
    policy_key,
    still_needed,
)
from bot.rules.roles import FACILITATING_ROLES, NotAllowed, Role
from bot.rules.texting import Happened, Invitation, RsvpFor, RsvpSubject, TextOutcome
from bot.services.members import CONSENT_BY_IMPORT, is_coordinator, require_coordinator
from bot.services.notices import NoticeBook
from bot.services.personal_data import Person, PersonalData, iso, rows_changed
from storage.models import InductionRecord, Member, Policy, PolicyAgreement
from storage.repositories import MemberRepository

log = logging.getLogger(__name__)
# Who recorded a step the members import brought in (a coordinator's is their Slack id).
BY_IMPORT = CONSENT_BY_IMPORT


# -- what policies tell people (drawn by handlers/blocks/policies.py) --------------------------
class PolicyPublished(Notice):
    """To each member, their own way: a policy (or its new version) to read, with "I've read
    and agree" in Slack and YES by text. Their own copies are redrawn once they agree."""

    kind = "policy.published"
    policy_id: int
    member_id: int


class PolicyGone(NoticeGone):
    """No such policy (any more)."""


class NewerVersion(LookupError):
    """A version with a newer one published: it is the newer one that is agreed to now."""


# -- views ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyView:
    id: int
    key: str
    title: str
    version: int
    link: str
    summary: str
    needed_by_facilitators: bool
    published_at: datetime
    latest: bool = True
    agreed_at: datetime | None = None  # by the person looking, to this version
    agreed_before: bool = False        # they agreed to an earlier version


@dataclass(frozen=True)
class PoliciesList:
    policies: tuple[PolicyView, ...]
    listed: bool          # the person is in the member list
    coordinator: bool


@dataclass(frozen=True)
class Published:
    policy: PolicyView
    asked: int


@dataclass(frozen=True)
class Agreement:
    name: str
    agreed_at: datetime
    how: AgreedBy


@dataclass(frozen=True)
class AgreementsView:
    """For coordinators: who has agreed to a version of a policy, and who not yet."""

    policy: PolicyView
    agreed: tuple[Agreement, ...]
    not_yet: tuple[str, ...]


@dataclass(frozen=True)
class InductionRow:
    member_id: int
    name: str
    steps: tuple[InductionStep, ...]
    policies: tuple[tuple[int, str], ...]  # (policy id, title) of versions not agreed


@dataclass(frozen=True)
class InductionOverview:
    """For coordinators: each facilitator still missing part of the induction, and what."""

    missing: tuple[InductionRow, ...]
    ready: tuple[str, ...]
    steps: tuple[InductionStep, ...]
    policies: tuple[str, ...]


def view_of(policy: Policy, *, latest: bool = True, agreed_at: datetime | None = None,
            agreed_before: bool = False) -> PolicyView:
    return PolicyView(policy.id, policy.key, policy.title, policy.version, policy.link,
                      policy.summary, policy.needed_by_facilitators, policy.published_at,
                      latest, agreed_at, agreed_before)


# -- reading the records --------------------------------------------------------------------
class PolicyRecords:
    """Questions about policies, agreements and induction, inside a caller's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def latest(self) -> list[Policy]:
        """The current version of each policy, by title."""
        newest = (select(Policy.key, func.max(Policy.version).label("version"))
                  .group_by(Policy.key).subquery())
        return list(self.session.scalars(
            select(Policy).join(newest, (Policy.key == newest.c.key)
                                & (Policy.version == newest.c.version))
            .order_by(func.lower(Policy.title), Policy.id)))

    def latest_of(self, key: str) -> Policy | None:
        return self.session.scalar(select(Policy).where(Policy.key == key)
                                   .order_by(Policy.version.desc()).limit(1))

    def keys(self) -> set[str]:
        return set(self.session.scalars(select(Policy.key).distinct()))

    def needed_by_facilitators(self) -> list[Policy]:
        return [p for p in self.latest() if p.needed_by_facilitators]

    def agreements_of(self, member_id: int) -> dict[int, PolicyAgreement]:
        """Their agreements, by policy (version) id."""
        return {a.policy_id: a for a in self.session.scalars(
            select(PolicyAgreement).where(PolicyAgreement.member_id == member_id))}

    def agreed_keys(self, member_id: int) -> set[str]:
        """The policies they have agreed to some version of."""
        return set(self.session.scalars(
            select(Policy.key).join(PolicyAgreement, PolicyAgreement.policy_id == Policy.id)
            .where(PolicyAgreement.member_id == member_id)))

    def steps_done(self, member_id: int) -> set[InductionStep]:
        return set(self.session.scalars(select(InductionRecord.step).where(
            InductionRecord.member_id == member_id)))

    def record_agreement(self, member: Member, policy: Policy, how: AgreedBy, now: datetime,
                         recorded_by: str | None = None) -> bool:
        """True when this is a new agreement (agreeing twice records it once, even twice at
        the same moment: the one that comes second finds it agreed)."""
        if self.session.scalar(select(PolicyAgreement).where(
                PolicyAgreement.member_id == member.id,
                PolicyAgreement.policy_id == policy.id)) is not None:
            return False
        try:
            with self.session.begin_nested():
                self.session.add(PolicyAgreement(member_id=member.id, policy_id=policy.id,
                                                 agreed_at=now, how=how,
                                                 recorded_by=recorded_by))
        except IntegrityError:
            # Another "I agree" was recorded between the look and the insert.
            return False
        return True

    def record_step(self, member_id: int, step: InductionStep, recorded_by: str,
                    now: datetime) -> bool:
        """True when the step is newly recorded (a step done is done once)."""
        if self.session.get(InductionRecord, (member_id, step)) is not None:
            return False
        self.session.add(InductionRecord(member_id=member_id, step=step,
                                         recorded_by=recorded_by, recorded_at=now))
        self.session.flush()
        return True


def induction_missing(session: Session, member: Member,
                      needed: Sequence[InductionStep]) -> InductionNeeded | None:
    """What this member still needs before taking a facilitator place (the steps asked of
    facilitators, and the latest version of each policy facilitators must agree to), with the
    coordinators who can help; None when nothing is missing."""
    records = PolicyRecords(session)
    policies = [(p.id, p.title) for p in records.needed_by_facilitators()]
    found = still_needed(needed, records.steps_done(member.id), policies,
                         records.agreements_of(member.id))
    if found is None:
        return None
    helpers = tuple(m.name for m in MemberRepository(session).list_with_role(Role.COORDINATOR)
                    if m.id != member.id)
    return InductionNeeded(found.steps, found.policies, helpers)


def _member(session: Session, slack_user_id: str) -> Member:
    member = MemberRepository(session).get_by_slack_id(slack_user_id)
    if member is None:
        raise NotAllowed(Role.MEMBER)
    return member


class PoliciesService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings

    def is_coordinator(self, slack_user_id: str) -> bool:
        with self.sessions() as session:
            return is_coordinator(session, slack_user_id)

    # -- reading and agreeing -----------------------------------------------------------------
    def current_for(self, slack_user_id: str) -> PoliciesList:
        """Each current policy, and whether this person has agreed to this version."""
        with self.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_user_id)
            records = PolicyRecords(session)
            mine = records.agreements_of(member.id) if member else {}
            keys = records.agreed_keys(member.id) if member else set()
            views = tuple(view_of(p, agreed_at=mine[p.id].agreed_at if p.id in mine else None,
                                  agreed_before=p.id not in mine and p.key in keys)
                          for p in records.latest())
            return PoliciesList(views, member is not None,
                                is_coordinator(session, slack_user_id))

    def agree(self, policy_id: int, slack_user_id: str) -> PolicyView:
        """"I've read and agree", in Slack. Only the current version can be agreed to
        (NewerVersion for an older one); agreeing twice records it once."""
        now = self.clock()
        with self.sessions.begin() as session:
            member = _member(session, slack_user_id)
            policy = self._current(session, policy_id)
            agreed = self._agree(session, member, policy, AgreedBy.SLACK, now)
            return view_of(policy, agreed_at=agreed)

    def _current(self, session: Session, policy_id: int) -> Policy:
        policy = session.get(Policy, policy_id)
        if policy is None:
            raise PolicyGone(policy_id)
        latest = PolicyRecords(session).latest_of(policy.key)
        if latest is not None and latest.id != policy.id:
            raise NewerVersion(policy_id)
        return policy

    @staticmethod
    def _agree(session: Session, member: Member, policy: Policy, how: AgreedBy,
               now: datetime, recorded_by: str | None = None) -> datetime:
        """Records the agreement, and redraws their copies of the policy to show it; when it
        was agreed (earlier, if it already was)."""
        records = PolicyRecords(session)
        if records.record_agreement(member, policy, how, now, recorded_by):
            log.info("policy %d agreed by member %d (%s)", policy.id, member.id, how.value)
            NoticeBook(session, now).redraw(
                PolicyPublished(policy_id=policy.id, member_id=member.id), "agreed")
        return records.agreements_of(member.id)[policy.id].agreed_at

    # -- by text (the RsvpDesk for policies) --------------------------------------------------
    def invitation_for(self, session: Session, policy_id: int,
                       member: Member) -> Invitation | None:
        """A policy texted to a member, while a YES can still agree to it: the current
        version, not yet agreed to."""
        policy = session.get(Policy, policy_id)
        records = PolicyRecords(session)
        if policy is None or policy.id in records.agreements_of(member.id):
            return None
        latest = records.latest_of(policy.key)
        if latest is None or latest.id != policy.id:
            return None
        return Invitation(rsvp=RsvpFor(RsvpSubject.POLICY, policy.id), label=policy.title,
                          title=policy.title,
                          starts_at=policy.published_at.astimezone(self.settings.timezone),
                          answered=False)

    def answer_by_text(self, session: Session, policy_id: int, member: Member,
                       yes: bool) -> TextOutcome:
        """A YES by text agrees to the policy; a NO is fine, and thanked (worded for the
        member by handlers/blocks/texting.py)."""
        try:
            policy = self._current(session, policy_id)
        except (PolicyGone, NewerVersion):
            return TextOutcome(Happened.POLICY_UPDATED)
        if not yes:
            return TextOutcome(Happened.NOT_AGREED, policy.title)
        self._agree(session, member, policy, AgreedBy.TEXT, self.clock())
        return TextOutcome(Happened.AGREED, policy.title)

    # -- publishing ---------------------------------------------------------------------------
    def publish_choices(self, actor: str) -> list[tuple[str, str]]:
        """For the form: the policies a new version can be published of, as (key, title)."""
        with self.sessions() as session:
            require_coordinator(session, actor)
            return [(p.key, p.title) for p in PolicyRecords(session).latest()][:100]

    def publish(self, actor: str, draft: PolicyDraft) -> Published:
        """A coordinator publishes a policy, or a new version of one: every member is asked to
        read it and agree, their own way (a text says no more than its title and link)."""
        now = self.clock()
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            records = PolicyRecords(session)
            keys = records.keys()
            valid = check_policy(draft, keys)
            before = records.latest_of(valid.version_of) if valid.version_of else None
            policy = Policy(
                key=before.key if before else policy_key(valid.title, keys),
                title=valid.title or (before.title if before else ""),
                version=before.version + 1 if before else 1, link=valid.link,
                summary=valid.summary, needed_by_facilitators=valid.needed_by_facilitators,
                published_by=actor, published_at=now)
            session.add(policy)
            session.flush()
            asked = self._ask_everyone(session, policy, before, now)
            log.info("policy %d published (version %d); %d members asked", policy.id,
                     policy.version, asked)
            return Published(view_of(policy), asked)

    @staticmethod
    def _ask_everyone(session: Session, policy: Policy, before: Policy | None,
                      now: datetime) -> int:
        """Everyone is asked; the earlier version sent to each is redrawn to point at this
        one, so no "I agree" is left on a version nobody is asked to agree to any more."""
        book = NoticeBook(session, now)
        rsvp = RsvpFor(RsvpSubject.POLICY, policy.id).stored
        asked = 0
        for member in MemberRepository(session).list_all():
            if before is not None:
                book.redraw(PolicyPublished(policy_id=before.id, member_id=member.id),
                            f"v{policy.version}")
            notice = PolicyPublished(policy_id=policy.id, member_id=member.id)
            if book.to_member(member, notice, texts=True, rsvp_for=rsvp):
                asked += 1
        return asked

    # -- for coordinators ---------------------------------------------------------------------
    def agreements(self, actor: str, policy_id: int) -> AgreementsView:
        """Who has agreed to this version of a policy (when, and how), and who not yet."""
        with self.sessions() as session:
            require_coordinator(session, actor)
            policy = session.get(Policy, policy_id)
            if policy is None:
                raise PolicyGone(policy_id)
            rows = session.execute(
                select(Member.id, Member.name, PolicyAgreement.agreed_at, PolicyAgreement.how)
                .join(PolicyAgreement, PolicyAgreement.member_id == Member.id)
                .where(PolicyAgreement.policy_id == policy.id)
                .order_by(PolicyAgreement.agreed_at)).all()
            agreed = tuple(Agreement(name, at, how) for _, name, at, how in rows)
            ids = {member_id for member_id, *_ in rows}
            not_yet = tuple(m.name for m in MemberRepository(session).list_all()
                            if m.id not in ids)
            latest = PolicyRecords(session).latest_of(policy.key)
            return AgreementsView(view_of(policy, latest=latest is None or latest.id == policy.id),
                                  agreed, not_yet)

    def induction(self, actor: str) -> InductionOverview:
        with self.sessions() as session:
            require_coordinator(session, actor)
            return self._overview(session)

    def _overview(self, session: Session) -> InductionOverview:
        records = PolicyRecords(session)
        needed = self.settings.facilitator_induction
        policies = [(p.id, p.title) for p in records.needed_by_facilitators()]
        missing: list[InductionRow] = []
        ready: list[str] = []
        facilitators = {m.id: m for role in sorted(FACILITATING_ROLES)
                        for m in MemberRepository(session).list_with_role(role)}
        for member in sorted(facilitators.values(), key=lambda m: m.name.lower()):
            agreed = records.agreements_of(member.id)
            found = still_needed(needed, records.steps_done(member.id), policies, agreed)
            if found is None:
                ready.append(member.name)
                continue
            missing.append(InductionRow(member.id, member.name, found.steps, tuple(
                (pid, title) for pid, title in policies if pid not in agreed)))
        return InductionOverview(tuple(missing), tuple(ready), tuple(needed),
                                 tuple(title for _, title in policies))

    def record_step(self, actor: str, member_id: int, step: InductionStep) -> InductionOverview:
        """A coordinator records an induction step someone has done; the record keeps who."""
        now = self.clock()
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            # Someone erased since the list was drawn: nothing to record, the list redrawn.
            if MemberRepository(session).get(member_id) is not None and PolicyRecords(
                    session).record_step(member_id, step, actor, now):
                log.info("induction step %s recorded for member %d", step.value, member_id)
            return self._overview(session)

    def record_signed(self, actor: str, member_id: int, policy_id: int) -> InductionOverview:
        """A coordinator records a policy someone agreed to on a signed paper copy."""
        now = self.clock()
        with self.sessions.begin() as session:
            require_coordinator(session, actor)
            member = MemberRepository(session).get(member_id)
            if member is not None:
                self._agree(session, member, self._current(session, policy_id),
                            AgreedBy.PAPER, now, recorded_by=actor)
            return self._overview(session)

    # -- for drawing notices at delivery ------------------------------------------------------
    def notice_view(self, policy_id: int, member_id: int) -> PolicyView:
        """A policy as one member sees it now: whether it is still the current version, and
        whether they have agreed to it. PolicyGone when it is gone."""
        with self.sessions() as session:
            policy = session.get(Policy, policy_id)
            if policy is None:
                raise PolicyGone(policy_id)
            records = PolicyRecords(session)
            latest = records.latest_of(policy.key)
            agreement = records.agreements_of(member_id).get(policy.id)
            return view_of(policy, latest=latest is None or latest.id == policy.id,
                           agreed_at=agreement.agreed_at if agreement else None)


# -- personal data: export, erasure, retention ---------------------------------------------------
def _recorded_by(by: str | None) -> str:
    return "the members import" if by == BY_IMPORT else "a coordinator"


def _export(session: Session, person: Person) -> dict[str, Any]:
    agreements = session.execute(
        select(Policy.title, Policy.version, PolicyAgreement.agreed_at, PolicyAgreement.how)
        .join(PolicyAgreement, PolicyAgreement.policy_id == Policy.id)
        .where(PolicyAgreement.member_id == person.member_id)
        .order_by(PolicyAgreement.agreed_at)).all()
    steps = session.scalars(select(InductionRecord).where(
        InductionRecord.member_id == person.member_id)).all()
    return {
        "policies_you_agreed_to": [{"policy": title, "version": version, "agreed": iso(at),
                                    "how": how.value} for title, version, at, how in agreements],
        "induction_steps_recorded": [{"step": INDUCTION_WORDS[s.step],
                                      "recorded": iso(s.recorded_at),
                                      "recorded_by": _recorded_by(s.recorded_by)}
                                     for s in steps],
    }


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    removed = {
        "policy agreements": rows_changed(session, delete(PolicyAgreement).where(
            PolicyAgreement.member_id == person.member_id)),
        "induction steps": rows_changed(session, delete(InductionRecord).where(
            InductionRecord.member_id == person.member_id)),
    }
    if person.slack_user_id:
        # What they did as a coordinator stays, without them.
        by = person.slack_user_id
        removed["policies published"] = rows_changed(session, update(Policy).where(
            Policy.published_by == by).values(published_by=None))
        removed["agreements recorded for others"] = rows_changed(
            session, update(PolicyAgreement).where(PolicyAgreement.recorded_by == by)
            .values(recorded_by=None))
        removed["induction steps recorded for others"] = rows_changed(
            session, update(InductionRecord).where(InductionRecord.recorded_by == by)
            .values(recorded_by=None))
    return removed


PERSONAL_DATA = PersonalData(
    area="policies",
    tables=("policy_agreements", "induction_records", "policies"),
    export=_export,
    erase=_erase,
    kept="Published policies stay: they are the organisation's documents (without the name of "
         "whoever published them, once that person is erased).",
)
