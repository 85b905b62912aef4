"""People's rights: what we hold about me, my consents, and being forgotten."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.rules.roles import Role
from storage.models import (
    AgendaItem,
    FeedbackCase,
    FeedbackMessage,
    FeedbackRecipient,
    GroupSession,
    InboundText,
    Incident,
    IncidentPerson,
    Meeting,
    MeetingRsvp,
    Member,
    OutboxChannel,
    OutboxMessage,
    PresentRequest,
    SessionAttendee,
    SessionFacilitator,
    SmsConsent,
)
from storage.repositories import MemberRepository, OutboxRepository

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
CONSENT_FROM_SLACK = "Slack /coprod consent"
SAFEGUARDING_NOTE = ("Safeguarding records that mention you are not listed here: the law asks "
                     "us to keep and protect them. A coordinator can explain what can be shared.")


class NotInDirectory(LookupError):
    """The person is not in the member list."""


@dataclass(frozen=True)
class Erasure:
    name: str
    removed: dict[str, int]
    kept_for_safeguarding: int


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class PrivacyService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.sessions = sessions
        self.clock = clock
        self.settings = settings

    def _member(self, session: Session, slack_user_id: str) -> Member:
        member = MemberRepository(session).get_by_slack_id(slack_user_id)
        if member is None:
            raise NotInDirectory(slack_user_id)
        return member

    # -- what we hold -------------------------------------------------------------------------
    def my_data(self, slack_user_id: str) -> dict[str, Any]:
        """Everything held about this member, and only them, as plain values."""
        with self.sessions() as session:
            member = self._member(session, slack_user_id)
            facilitating = session.scalars(select(GroupSession).join(SessionFacilitator).where(
                SessionFacilitator.member_id == member.id)).all()
            attending = session.scalars(select(GroupSession).join(SessionAttendee).where(
                SessionAttendee.member_id == member.id)).all()
            rsvps = session.execute(select(Meeting.title, Meeting.starts_at, MeetingRsvp.going)
                                    .join(MeetingRsvp).where(MeetingRsvp.member_id == member.id)
                                    ).all()
            feedback = session.scalars(select(FeedbackCase).where(
                FeedbackCase.submitter_slack_id == slack_user_id)).all()
            agenda = session.scalars(select(AgendaItem).where(
                AgendaItem.member_id == member.id)).all()
            presenting = session.scalars(select(PresentRequest).where(
                PresentRequest.member_id == member.id)).all()
            texts = session.scalars(select(InboundText).where(
                InboundText.member_id == member.id)).all()
            reported = session.scalars(select(Incident).where(
                Incident.reporter_slack_id == slack_user_id)).all()
            return {
                "member": {"name": member.name, "slack_user_id": member.slack_user_id,
                           "phone": member.phone, "roles": sorted(r.value for r in member.role_set),
                           "contact": member.contact.value,
                           "trained_until": member.trained_until.isoformat()
                           if member.trained_until else None},
                "text_consent": [{"given": c.given, "how": c.method, "when": _iso(c.recorded_at)}
                                 for c in member.consents],
                "sessions_facilitating": [{"title": s.title, "starts": _iso(s.starts_at)}
                                          for s in facilitating],
                "sessions_attending": [{"title": s.title, "starts": _iso(s.starts_at)}
                                       for s in attending],
                "meeting_answers": [{"meeting": t, "starts": _iso(at), "going": g}
                                    for t, at, g in rsvps],
                "feedback_with_your_name": [
                    {"case": c.id, "kind": c.kind.value, "about": c.topic.value,
                     "status": c.status.value, "received": _iso(c.created_at), "words": c.body,
                     "may_share_as_testimony": c.testimony_consent} for c in feedback],
                "agenda_items": [{"words": a.text, "added": _iso(a.created_at)} for a in agenda],
                "requests_to_present": [{"subject": p.subject, "status": p.status}
                                        for p in presenting],
                "texts_you_sent_us": [{"words": t.body, "received": _iso(t.received_at)}
                                      for t in texts],
                "incidents_you_reported": [{"number": i.id, "kind": i.kind.value,
                                            "reported": _iso(i.created_at),
                                            "status": i.status.value} for i in reported],
                "note": SAFEGUARDING_NOTE,
                "anonymous_feedback": "Anonymous feedback is not linked to you anywhere, so it "
                                      "can't be listed here.",
            }

    # -- consents -----------------------------------------------------------------------------
    def set_text_consent(self, slack_user_id: str, given: bool) -> bool:
        with self.sessions.begin() as session:
            member = self._member(session, slack_user_id)
            if member.has_sms_consent == given:
                return False
            member.consents.append(SmsConsent(given=given, method=CONSENT_FROM_SLACK,
                                              recorded_at=self.clock()))
            return True

    def withdraw_testimonies(self, slack_user_id: str) -> int:
        with self.sessions.begin() as session:
            self._member(session, slack_user_id)
            result = session.execute(
                update(FeedbackCase).where(FeedbackCase.submitter_slack_id == slack_user_id)
                .where(FeedbackCase.testimony_consent.is_(True)).values(testimony_consent=False))
            return int(getattr(result, "rowcount", 0) or 0)

    # -- being forgotten ----------------------------------------------------------------------
    def request_erasure(self, slack_user_id: str) -> int:
        now = self.clock()
        with self.sessions.begin() as session:
            member = self._member(session, slack_user_id)
            outbox = OutboxRepository(session)
            coordinators = [c for c in MemberRepository(session).list_with_role(Role.COORDINATOR)
                            if c.slack_user_id and c.id != member.id]
            for coordinator in coordinators:
                assert coordinator.slack_user_id is not None
                words = (f"{member.name} has asked to be forgotten. Please erase them with "
                         f"`coprod members erase {slack_user_id}` (safeguarding records are "
                         "kept, as the law requires).")
                outbox.enqueue(key=f"erasure:{member.id}:{coordinator.id}:{now:%Y%m%d}",
                               channel=OutboxChannel.SLACK_DM, target=coordinator.slack_user_id,
                               payload={"text": words, "blocks": [
                                   {"type": "section",
                                    "text": {"type": "mrkdwn", "text": words}}]}, now=now)
            return len(coordinators)

    def erase(self, identifier: str) -> Erasure:
        """Removes a member and what is theirs. Safeguarding records stay: if they are named in
        one, their name alone is kept on that record; no Slack id, phone or anything else."""
        with self.sessions.begin() as session:
            members = MemberRepository(session)
            member = members.get_by_slack_id(identifier) or members.get_by_phone(identifier)
            if member is None:
                raise NotInDirectory(identifier)
            slack_id, name, member_id = member.slack_user_id, member.name, member.id
            removed: dict[str, int] = {}

            def run(label: str, statement: Any) -> None:
                result = session.execute(statement.execution_options(synchronize_session=False))
                removed[label] = int(getattr(result, "rowcount", 0) or 0)

            if slack_id:
                # Their own named feedback goes; feedback about or sent to them loses their id.
                run("feedback they sent", delete(FeedbackCase)
                    .where(FeedbackCase.submitter_slack_id == slack_id))
                run("mentions in feedback", update(FeedbackCase)
                    .where(FeedbackCase.about_slack_id == slack_id).values(about_slack_id=None))
                run("replies signed", update(FeedbackMessage)
                    .where(FeedbackMessage.author_slack_id == slack_id)
                    .values(author_slack_id=None))
                run("feedback routing", delete(FeedbackRecipient)
                    .where(FeedbackRecipient.slack_user_id == slack_id))
                run("messages to them", delete(OutboxMessage)
                    .where(OutboxMessage.target == slack_id))
            run("texts to them", delete(OutboxMessage)
                .where(OutboxMessage.channel == OutboxChannel.SMS)
                .where(OutboxMessage.target == str(member_id)))
            # Notices that name or mention them (cards, alerts): payloads are encrypted, so
            # they are read here rather than searched in SQL.
            marks = [m for m in (slack_id, member.phone, name) if m]
            mentioning = [row.id for row in session.scalars(select(OutboxMessage))
                          if any(mark in json.dumps(row.payload, ensure_ascii=False)
                                 for mark in marks)]
            if mentioning:
                run("notices mentioning them",
                    delete(OutboxMessage).where(OutboxMessage.id.in_(mentioning)))
            kept = session.scalar(select(IncidentPerson.incident_id)
                                  .where(IncidentPerson.member_id == member_id).limit(1))
            reported = session.scalar(select(Incident.id)
                                      .where(Incident.reporter_slack_id == slack_id).limit(1)) \
                if slack_id else None
            safeguarding = int(kept is not None) + int(reported is not None)
            if safeguarding:
                # Kept for safeguarding: the name on the record, nothing that reaches them.
                member.slack_user_id = None
                member.phone = None
                member.roles = []
                member.consents = []
                member.trained_until = None
                run("agenda items", update(AgendaItem).where(AgendaItem.member_id == member_id)
                    .values(member_id=None))
                for table in (SessionFacilitator, SessionAttendee, MeetingRsvp, InboundText,
                              PresentRequest):
                    run(table.__tablename__, delete(table).where(table.member_id == member_id))
            else:
                session.delete(member)
            log.info("member %d erased (%d safeguarding link(s) kept)", member_id, safeguarding)
            return Erasure(name, {k: v for k, v in removed.items() if v}, safeguarding)
