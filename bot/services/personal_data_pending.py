"""TRANSITIONAL: declarations waiting to move into their areas' own modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.services.personal_data import Periods, Person, PersonalData, iso, rows_changed
from storage.models import (
    AgendaItem,
    InboundText,
    Meeting,
    MeetingRsvp,
    PresentRequest,
    ReminderLog,
    UnknownNumber,
)

ERASED = ""  # what a required "who did it" column holds once that person is erased


# -- meetings ----------------------------------------------------------------------------------
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
    return removed


def _purge_meetings(session: Session, periods: Periods) -> dict[str, int]:
    return {"meetings": rows_changed(session, delete(Meeting).where(
        Meeting.ends_at < periods.before("activity")))}


MEETINGS = PersonalData(
    area="meetings",
    tables=("meeting_rsvps", "agenda_items", "present_requests"),
    export=_export_meetings, erase=_erase_meetings, purge=_purge_meetings,
    kept="Agenda items stay on their meeting's agenda, with no author.",
)


# -- texting -----------------------------------------------------------------------------------
def _export_texts(session: Session, person: Person) -> dict[str, Any]:
    texts = session.scalars(select(InboundText).where(
        InboundText.member_id == person.member_id).order_by(InboundText.id)).all()
    return {"texts_you_sent_us": [{"words": t.body, "received": iso(t.received_at)}
                                  for t in texts]}


def _erase_texts(session: Session, person: Person, now: datetime) -> dict[str, int]:
    removed = rows_changed(session, delete(InboundText).where(
        InboundText.member_id == person.member_id))
    if person.phone:
        removed += rows_changed(session, delete(InboundText).where(
            InboundText.phone == person.phone))
    return {"texts they sent": removed}


def _purge_texts(session: Session, periods: Periods) -> dict[str, int]:
    return {
        "texts": rows_changed(session, delete(InboundText).where(
            InboundText.received_at < periods.before("texts"))),
        "unknown numbers": rows_changed(session, delete(UnknownNumber).where(
            UnknownNumber.last_answered_at < periods.before("deliveries"))),
    }


TEXTING = PersonalData(
    area="texting",
    tables=("inbound_texts", "unknown_numbers"),
    export=_export_texts, erase=_erase_texts, purge=_purge_texts,
)


# -- reminders ---------------------------------------------------------------------------------
def _purge_reminder_log(session: Session, periods: Periods) -> dict[str, int]:
    return {"reminder log": rows_changed(session, delete(ReminderLog).where(
        ReminderLog.handled_at < periods.before("deliveries")))}


REMINDERS = PersonalData(area="reminders", tables=(), purge=_purge_reminder_log)
