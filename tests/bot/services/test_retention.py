"""Retention: exactly what is past its period goes, under a moved clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.retention import parse_retention
from bot.rules.safeguarding import OutcomeForm, Spoken
from bot.wiring import Runtime
from storage.models import AuditEntry, FeedbackCase, InboundText, Incident, OutboxMessage
from tests.conftest import FakeClock

COORDINATOR, LEAD = "U0COORD01", "U0SAFEG05"


def test_retention_removes_exactly_what_is_due(members: Runtime, clock: FakeClock) -> None:
    feedback, incidents = members.services.feedback, members.services.incidents
    start = clock.now

    def complaint(words: str, *, resolve: bool) -> None:
        case = feedback.submit(FeedbackForm(FeedbackKind.COMPLAINT, FeedbackTopic.SERVICE,
                                            words, anonymous=False), "U0FACIL02")
        if resolve:
            feedback.resolve(case.case_id, COORDINATOR)

    def crisis(words: str, *, resolve: bool) -> None:
        reported = incidents.report(IncidentForm(IncidentKind.CRISIS, Severity.SERIOUS, words,
                                                 danger=False), "U0FACIL02")
        if resolve:
            members.services.incident_record.resolve(reported.incident_id, LEAD, OutcomeForm(
                what_was_done="Called them", spoken=Spoken.YES, views_and_wishes="",
                decision="No further action", reasons="Safe now", no_referral=True))

    complaint("old, resolved", resolve=True)
    complaint("old, still open", resolve=False)
    crisis("old incident, resolved", resolve=True)
    with members.sessions.begin() as session:
        session.add(InboundText(phone="+447700900104", body="old text", received_at=clock.now))
    members.dispatcher().deliver_due()
    clock.advance(days=2 * 365)
    complaint("newer, resolved", resolve=True)
    crisis("newer incident, resolved", resolve=True)

    clock.now = start + timedelta(days=3 * 365 + 1)
    counts = members.services.retention.apply()
    assert counts["feedback"] == 1  # the old resolved one; open ones are kept
    assert counts["incidents"] == 0  # six years for safeguarding records
    assert counts["texts"] == 1 and counts["deliveries"] > 0
    with members.sessions() as session:
        bodies = sorted(c.body for c in session.query(FeedbackCase))
        assert bodies == ["newer, resolved", "old, still open"]
        assert all(row.created_at >= clock.now - timedelta(days=90)
                   or row.status.value == "pending" for row in session.query(OutboxMessage))

    clock.now = start + timedelta(days=6 * 365 + 1)
    counts = members.services.retention.apply()
    assert counts["incidents"] == 1
    with members.sessions() as session:
        assert [i.what_happened for i in session.query(Incident)] == ["newer incident, resolved"]
        assert session.query(AuditEntry).count() > 0  # the newer ones' audit remains
    assert members.services.retention.apply() == {k: 0 for k in counts}


def test_retention_periods_can_be_set_and_are_checked() -> None:
    assert parse_retention("feedback=30, texts=7")["feedback"] == 30
    assert parse_retention("")["incidents"] == 6 * 365
    with pytest.raises(ValueError, match="is not one of"):
        parse_retention("gossip=1")
    with pytest.raises(ValueError, match="whole number"):
        parse_retention("feedback=soon")


def test_a_card_redrawn_within_the_period_keeps_the_message_it_updates(
    members: Runtime, clock: FakeClock
) -> None:
    from datetime import time

    from bot.rules.sessions import SessionDraft, SessionKind
    from storage.models import OutboxChannel

    start = clock.now + timedelta(days=150)
    [made] = members.services.sessions.create(None, SessionDraft(
        title="Spring group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
        channel="C0SPRING"))
    members.services.privacy.request_erasure("U0FACIL02")  # a DM, never redrawn
    members.dispatcher().deliver_due()
    clock.advance(days=100)
    members.services.rota.claim(made.id, "U0FACIL02")  # the card is redrawn
    members.dispatcher().deliver_due()
    assert members.services.retention.apply()["deliveries"] == 1  # only the DM
    with members.sessions() as session:
        kept = [r.channel for r in session.query(OutboxMessage)]
    assert OutboxChannel.SLACK_CHANNEL in kept and OutboxChannel.SLACK_DM not in kept
    clock.advance(days=1)
    members.services.rota.claim(made.id, "U0COORD01")
    assert members.dispatcher().deliver_due().failed == 0  # the card still updates
