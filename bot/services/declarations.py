"""Declarations (a pre-existing relationship, a gift offered) as requests for the HR officer or
a coordinator, and leaving people with a declared relationship out of routing.

A declaration never reaches the other person it names: they are left out of its readers, and
of every group that stands in when the usual readers are left out."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.notices import Notice, NoticeGone
from bot.rules.declarations import (
    DeclarationForm,
    Reader,
    check_declaration,
    declaration_readers,
)
from bot.rules.forms import NeedsChanges
from bot.rules.involvement import DeclarationKind
from bot.rules.lifecycle import REQUEST_CLOSED, RequestStatus, request_step
from bot.rules.roles import NotAllowed, Role
from bot.services.notices import NoticeBook
from bot.services.personal_data import Person, PersonalData, iso, rows_changed
from storage.models import Declaration, Member
from storage.repositories import MemberRepository

log = logging.getLogger(__name__)

# Who reads declarations, in order: the next group stands in when none of a group is left.
READER_ROLES = (Role.HR_OFFICER, Role.COORDINATOR, Role.TRUSTEE)


# -- what declarations tell people (drawn by handlers/blocks/declarations.py) -----------------
class DeclarationToReader(Notice):
    """A declaration, to each of its readers, with the workflow's buttons; every copy is
    redrawn at each step. `to` and `role`: the reader the copy went to and the role it went to
    them as, so a copy is drawn in full only while they still hold it (None: a copy from
    before copies named their recipient)."""

    kind = "declarations.request"
    identity = ("declaration_id",)
    declaration_id: int
    to: str | None = None
    role: Role | None = None


class DeclarationStep(Notice):
    """Each step, to the person who declared."""

    kind = "declarations.step"
    declaration_id: int
    step: RequestStatus


class InvalidDeclaration(NeedsChanges):
    """A declaration that needs changes, by field."""


class DeclarationGone(LookupError):
    """No such declaration (any more)."""


@dataclass(frozen=True)
class PersonChoice:
    member_id: int
    name: str


@dataclass(frozen=True)
class DeclarationView:
    id: int
    declarer_name: str
    declarer_slack_id: str | None
    kind: DeclarationKind
    other_name: str | None
    words: str
    status: RequestStatus
    handled_by: str | None
    created_at: datetime


class DeclarationsService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings

    def people_choices(self, slack_user_id: str) -> list[PersonChoice]:
        """Everyone in the directory but the person declaring (NotAllowed if they aren't)."""
        with self.sessions() as session:
            me = _declarer(session, slack_user_id)
            return [PersonChoice(m.id, m.name[:75])
                    for m in MemberRepository(session).list_all() if m.id != me.id][:100]

    def declare(self, slack_user_id: str, form: DeclarationForm) -> DeclarationView:
        """Records it and sends it to its readers, never to the other person named."""
        now = self.clock()
        with self.sessions.begin() as session:
            me = _declarer(session, slack_user_id)
            members = MemberRepository(session)
            other = members.get(form.other_member_id) if form.other_member_id else None
            errors = {str(k): v for k, v in check_declaration(form, me.id).items()}
            if form.other_member_id is not None and other is None:
                errors["other"] = "That person isn't in the member list any more."
            if errors:
                raise InvalidDeclaration(errors)
            assert form.kind is not None  # checked above
            declaration = Declaration(
                member_id=me.id, kind=form.kind, other_member_id=other.id if other else None,
                words=form.words.strip(), status=RequestStatus.REQUESTED, created_at=now)
            session.add(declaration)
            session.flush()
            role, readers = _readers_as(session, declaration)
            book = NoticeBook(session, now)
            for reader in readers:
                book.to_slack_user(reader.slack_user_id,
                                   DeclarationToReader(declaration_id=declaration.id,
                                                       to=reader.slack_user_id, role=role),
                                   about=_named(declaration))
            if not readers:
                log.warning("declaration %d has nobody to go to", declaration.id)
            log.info("declaration %d made (%s), %d reader(s)", declaration.id,
                     declaration.kind.value, len(readers))
            return _view(session, declaration)

    def step(self, declaration_id: int, actor: str, to: RequestStatus) -> DeclarationView:
        """A reader acknowledges it, notes it, or asks to talk it through; every reader's copy
        is redrawn and the declarer is told. Only its readers now may (NotAllowed otherwise);
        a step that changes nothing tells nobody."""
        now = self.clock()
        with self.sessions.begin() as session:
            declaration = session.get(Declaration, declaration_id)
            if declaration is None:
                raise DeclarationGone(declaration_id)
            if actor not in {r.slack_user_id for r in _readers(session, declaration)}:
                raise NotAllowed(Role.HR_OFFICER)
            step = request_step(declaration.status, to)
            if step is not None:
                declaration.status, declaration.handled_by = step, actor
                if step in REQUEST_CLOSED:
                    declaration.closed_at = now
                session.flush()
                book = NoticeBook(session, now)
                book.redraw(DeclarationToReader(declaration_id=declaration.id), step.value)
                declarer = MemberRepository(session).get(declaration.member_id)
                if declarer is not None:
                    book.to_member(declarer, DeclarationStep(declaration_id=declaration.id,
                                                             step=step))
                log.info("declaration %d: %s", declaration.id, step.value)
            return _view(session, declaration)

    def view(self, declaration_id: int) -> DeclarationView:
        """A declaration as its notices show it now; NoticeGone once it is erased."""
        with self.sessions() as session:
            declaration = session.get(Declaration, declaration_id)
            if declaration is None:
                raise NoticeGone(declaration_id)
            return _view(session, declaration)

    def view_for(self, declaration_id: int, reader: str | None,
                 role: Role | None) -> DeclarationView | None:
        """A declaration as a reader's copy shows it now; None once that reader no longer
        holds the role it went to them as, or is named in it (a copy naming nobody is drawn
        as it always was)."""
        with self.sessions() as session:
            declaration = session.get(Declaration, declaration_id)
            if declaration is None:
                raise NoticeGone(declaration_id)
            if reader is not None:
                member = MemberRepository(session).get_by_slack_id(reader)
                if (member is None or member.id in _named(declaration)
                        or (role is not None and role not in member.role_set)
                        or (role is None and not member.role_set & set(READER_ROLES))):
                    return None
            return _view(session, declaration)


def related_member_ids(session: Session, member_ids: Iterable[int]) -> set[int]:
    """Members with a declared relationship with any of these members: those who declared one
    with them, and those they declared one with. Not the members themselves."""
    ids = set(member_ids)
    if not ids:
        return set()
    found = session.execute(
        select(Declaration.member_id, Declaration.other_member_id)
        .where(Declaration.kind == DeclarationKind.RELATIONSHIP)
        .where(or_(Declaration.member_id.in_(ids), Declaration.other_member_id.in_(ids)))).all()
    related = {m for pair in found for m in pair if m is not None}
    return related - ids


def related_slack_ids(session: Session, member_ids: Iterable[int]) -> set[str]:
    """The Slack ids of members who declared a relationship with any of these members, or whom
    they declared one with: routing leaves these people out."""
    related = related_member_ids(session, member_ids)
    if not related:
        return set()
    return {s for s in session.scalars(select(Member.slack_user_id).where(
        Member.id.in_(related))) if s}


def _declarer(session: Session, slack_user_id: str) -> Member:
    member = MemberRepository(session).get_by_slack_id(slack_user_id)
    if member is None:
        raise NotAllowed(Role.MEMBER)
    return member


def _named(declaration: Declaration) -> list[int]:
    return [m for m in (declaration.member_id, declaration.other_member_id) if m is not None]


def _readers(session: Session, declaration: Declaration) -> list[Reader]:
    return _readers_as(session, declaration)[1]


def _readers_as(session: Session, declaration: Declaration) -> tuple[Role | None, list[Reader]]:
    """Its readers by current roles, and the role they read it as: the HR officers, or, when
    none is left once the declarer and the other person are left out, the coordinators, then
    the trustees."""
    holders = MemberRepository(session)
    left_out = set(_named(declaration))
    for role in READER_ROLES:
        group = [Reader(m.id, m.slack_user_id) for m in holders.list_with_role(role)
                 if m.slack_user_id]
        readers = declaration_readers([group], left_out)
        if readers:
            return role, readers
    return None, []


def _view(session: Session, declaration: Declaration) -> DeclarationView:
    members = MemberRepository(session)
    declarer = members.get(declaration.member_id)
    other = members.get(declaration.other_member_id) if declaration.other_member_id else None
    return DeclarationView(
        id=declaration.id, declarer_name=declarer.name if declarer else "",
        declarer_slack_id=declarer.slack_user_id if declarer else None,
        kind=declaration.kind, other_name=other.name if other else None,
        words=declaration.words, status=declaration.status,
        handled_by=declaration.handled_by, created_at=declaration.created_at)


# -- personal data: export, erasure, retention ---------------------------------------------------
def _export(session: Session, person: Person) -> dict[str, Any]:
    declared = session.scalars(select(Declaration).where(
        Declaration.member_id == person.member_id).order_by(Declaration.created_at)).all()
    members = MemberRepository(session)
    return {"declarations": [
        {"kind": d.kind.value, "with_or_from": (other.name if (
            other := members.get(d.other_member_id) if d.other_member_id else None) else None),
         "words": d.words, "status": d.status.value, "made": iso(d.created_at)}
        for d in declared]}


def _erase(session: Session, person: Person, now: datetime) -> dict[str, int]:
    removed = {
        "declarations": rows_changed(session, delete(Declaration).where(
            Declaration.member_id == person.member_id)),
        # Someone else's declaration naming them stays theirs, without the name.
        "named in declarations": rows_changed(session, update(Declaration).where(
            Declaration.other_member_id == person.member_id).values(other_member_id=None)),
    }
    if person.slack_user_id:
        removed["declarations handled"] = rows_changed(session, update(Declaration).where(
            Declaration.handled_by == person.slack_user_id).values(handled_by=None))
    return removed


PERSONAL_DATA = PersonalData(
    area="declarations",
    tables=("declarations",),
    export=_export,
    erase=_erase,
    kept="A declaration someone else made that names them stays with its maker, without "
         "their name (and no longer keeps them out of routing).",
)
