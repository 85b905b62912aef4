"""The feedback service on a real database: the notices it records, the anonymous round, the
audited guard and the meeting request's workflow."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from bot.notices import NoticeGone
from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackStatus, FeedbackTopic, MeetingStatus
from bot.rules.roles import NotAllowed
from bot.wiring import Runtime
from storage.models import AuditEntry, FeedbackCase, Member, OutboxChannel, OutboxMessage
from tests.conftest import FakeClock

COORDINATOR, BRAM, FIN = "U0COORD01", "U0FACIL02", "U0MEMBR06"


def form(text: str = "Could we have tea?", *, anonymous: bool = False,
         wants_meeting: bool = False, wants_acknowledgement: bool = False) -> FeedbackForm:
    return FeedbackForm(FeedbackKind.SUGGESTION, FeedbackTopic.SERVICE, text,
                        anonymous=anonymous, wants_meeting=wants_meeting,
                        wants_acknowledgement=wants_acknowledgement)


def rows(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.sessions() as session:
        found = session.query(OutboxMessage).order_by(OutboxMessage.id).all()
        for row in found:
            _ = row.concerns  # loaded while the session is open
        return found


def member_id(runtime: Runtime, slack_id: str) -> int:
    with runtime.sessions() as session:
        return session.query(Member).filter_by(slack_user_id=slack_id).one().id


def test_an_anonymous_case_is_told_at_its_round_by_id_only(
    members: Runtime, clock: FakeClock
) -> None:
    clock.now = clock.now.replace(minute=7, second=31)
    submitted = members.services.feedback.submit(form("The group ran late", anonymous=True),
                                                 BRAM)
    [notice] = rows(members)
    assert notice.payload == {"notice": "feedback.case", "case_id": submitted.case_id}
    assert (notice.channel, notice.target) == (OutboxChannel.SLACK_DM, COORDINATOR)
    round_at = clock.now.replace(minute=15, second=0)
    assert notice.created_at == notice.next_attempt_at == round_at
    assert notice.concerns == []  # nobody is named, and the submitter is never recorded
    stored = json.dumps([notice.idempotency_key, notice.target, notice.payload])
    assert BRAM not in stored and "ran late" not in stored

    # Reading it by its code straight away is audited, but not before the round.
    assert members.services.feedback.case_by_code(submitted.code, "U0SOMEONE") is not None
    with members.sessions() as session:
        assert [e.at for e in session.query(AuditEntry)] == [round_at]

    # Until its round the team cannot see it, even those it was sent to.
    assert members.services.feedback.open_cases_for(COORDINATOR) == []
    with pytest.raises(NotAllowed):
        members.services.feedback.case_for_team(submitted.case_id, COORDINATOR)
    clock.now = round_at
    [case] = members.services.feedback.open_cases_for(COORDINATOR)
    assert case.submitter_slack_id is None


def test_a_named_case_names_its_people_so_erasure_finds_the_notices(members: Runtime) -> None:
    members.services.feedback.submit(FeedbackForm(
        FeedbackKind.BETWEEN_PEOPLE, FeedbackTopic.SESSION, "We talked it over",
        anonymous=False, about_slack_id=FIN, wants_meeting=True), BRAM)
    found = rows(members)
    assert [(r.payload["notice"], r.target) for r in found] == [
        ("feedback.case", COORDINATOR), ("feedback.meeting-task", COORDINATOR)]
    for row in found:
        assert {c.member_id for c in row.concerns} == {member_id(members, BRAM),
                                                       member_id(members, FIN)}


def test_a_refusal_is_audited_and_commits_nothing_else(members: Runtime) -> None:
    submitted = members.services.feedback.submit(form(), BRAM)
    before = len(rows(members))
    with pytest.raises(NotAllowed):
        members.services.feedback.resolve(submitted.case_id, FIN)
    with members.sessions() as session:
        assert session.query(FeedbackCase).one().status is FeedbackStatus.NEW
        [entry] = session.query(AuditEntry).all()
        assert (entry.actor_slack_id, entry.action, entry.subject) == (
            FIN, "refused resolved", f"feedback:{submitted.case_id}")
    assert len(rows(members)) == before


def test_status_changes_move_forward_and_redraw_every_copy(
    members: Runtime, clock: FakeClock
) -> None:
    feedback = members.services.feedback
    submitted = feedback.submit(form(wants_acknowledgement=True), BRAM)
    members.dispatcher().deliver_due()
    assert feedback.resolve(submitted.case_id, COORDINATOR).changed
    assert not feedback.acknowledge(submitted.case_id, COORDINATOR).changed  # never back
    found = rows(members)
    redraws = [r for r in found if r.channel is OutboxChannel.SLACK_UPDATE]
    assert [r.target for r in redraws] == [f"outbox:{found[0].idempotency_key}"]
    told = [r.payload for r in found if r.target == BRAM]
    assert told == [{"notice": "feedback.status", "case_id": submitted.case_id,
                     "status": "resolved"}]


def test_a_team_reply_is_referred_to_by_its_id_never_its_words(members: Runtime) -> None:
    feedback = members.services.feedback
    submitted = feedback.submit(form(), BRAM)
    case = feedback.reply_from_team(submitted.case_id, COORDINATOR, "Tea from Monday")
    [reply] = [r for r in rows(members) if r.target == BRAM]
    assert reply.payload == {"notice": "feedback.team-reply", "case_id": submitted.case_id,
                             "message_id": case.messages[-1].id}
    assert case.status is FeedbackStatus.ACKNOWLEDGED  # replying is picking it up
    assert feedback.notice_view(submitted.case_id).message(
        case.messages[-1].id).body == "Tea from Monday"


def test_words_added_to_an_anonymous_case_wait_for_their_round(
    members: Runtime, clock: FakeClock
) -> None:
    feedback = members.services.feedback
    submitted = feedback.submit(form(anonymous=True), BRAM)
    clock.now = submitted.release_at + timedelta(minutes=2)
    members.dispatcher().deliver_due()
    feedback.add_by_code(submitted.code, "U0SOMEONE", "It was on Tuesday")
    later_round = submitted.release_at + timedelta(minutes=15)
    more = [r for r in rows(members) if r.payload["notice"] == "feedback.more-words"]
    assert [(r.target, r.created_at, r.next_attempt_at) for r in more] == [
        (COORDINATOR, later_round, later_round)]
    assert "Tuesday" not in json.dumps(more[0].payload)
    # The team's view leaves them out until then; the person's own view shows them.
    assert feedback.case_for_team(submitted.case_id, COORDINATOR).messages == ()
    assert len(feedback.notice_view(submitted.case_id).messages) == 0
    clock.now = later_round
    [message] = feedback.notice_view(submitted.case_id).messages
    assert message.body == "It was on Tuesday" and not message.from_team


@pytest.mark.parametrize(
    ("steps", "told"),
    [
        ([MeetingStatus.ACKNOWLEDGED, MeetingStatus.ARRANGED], ["acknowledged", "arranged"]),
        ([MeetingStatus.ACKNOWLEDGED, MeetingStatus.DECLINED, MeetingStatus.ARRANGED],
         ["acknowledged", "declined"]),
        ([MeetingStatus.DECLINED, MeetingStatus.ACKNOWLEDGED], ["declined"]),
        ([MeetingStatus.ACKNOWLEDGED, MeetingStatus.ACKNOWLEDGED], ["acknowledged"]),
    ],
)
def test_a_meeting_request_follows_the_request_workflow_and_the_person_is_told_each_step(
    members: Runtime, steps: list[MeetingStatus], told: list[str]
) -> None:
    feedback = members.services.feedback
    submitted = feedback.submit(form(wants_meeting=True), BRAM)
    members.dispatcher().deliver_due()
    for step in steps:
        feedback.meeting_update(submitted.case_id, COORDINATOR, step)
    found = rows(members)
    assert [r.payload["step"] for r in found if r.target == BRAM] == told
    # Each step redraws the task and the case notice, which shows the meeting too.
    redrawn = [r.target for r in found if r.channel is OutboxChannel.SLACK_UPDATE]
    originals = {r.payload["notice"]: r.idempotency_key for r in found[:2]}
    assert redrawn == [f"outbox:{originals['feedback.case']}",
                       f"outbox:{originals['feedback.meeting-task']}"] * len(told)
    assert feedback.notice_view(submitted.case_id).meeting.value == told[-1]


def test_a_meeting_nobody_asked_for_has_no_steps(members: Runtime) -> None:
    feedback = members.services.feedback
    submitted = feedback.submit(form(), BRAM)
    outcome = feedback.meeting_update(submitted.case_id, COORDINATOR, MeetingStatus.ARRANGED)
    assert not outcome.changed and outcome.case.meeting is MeetingStatus.NOT_ASKED


def test_a_notice_about_a_case_that_is_gone_is_not_sent(
    members: Runtime, clock: FakeClock
) -> None:
    submitted = members.services.feedback.submit(form(), BRAM)
    with members.sessions.begin() as session:
        session.query(FeedbackCase).delete()
    with pytest.raises(NoticeGone):
        members.services.feedback.notice_view(submitted.case_id)
    members.dispatcher().deliver_due()
    [row] = rows(members)
    assert row.sent_at is None and row.last_error == "no longer needed"


def test_the_export_leaves_out_what_still_waits_for_its_round(
    members: Runtime, clock: FakeClock
) -> None:
    feedback = members.services.feedback
    clock.now = clock.now.replace(minute=7, second=31)
    start, end = clock.now - timedelta(days=1), clock.now + timedelta(days=1)
    named = feedback.submit(form("The heating is broken"), BRAM)
    anonymous = feedback.submit(form("The group ran late", anonymous=True), FIN)
    # Asked for through tomorrow, but the anonymous case is not out until 10:15.
    assert [c.id for c in feedback.cases_between(start, end)] == [named.case_id]

    clock.now = anonymous.release_at
    assert [c.id for c in feedback.cases_between(start, end)] == [named.case_id,
                                                                 anonymous.case_id]
    clock.advance(minutes=1)
    feedback.add_by_code(anonymous.code, FIN, "It was on Tuesday")  # out at 10:30
    [_, case] = feedback.cases_between(start, end)
    assert case.messages == ()
    clock.now = clock.now.replace(minute=30, second=0)
    [_, case] = feedback.cases_between(start, end)
    assert [m.body for m in case.messages] == ["It was on Tuesday"]


def test_the_team_knows_an_anonymous_case_by_a_reference_a_code_holder_cant_work_out(
    members: Runtime, clock: FakeClock
) -> None:
    from bot.rules.feedback import hash_case_code

    feedback = members.services.feedback
    named = feedback.submit(FeedbackForm(FeedbackKind.SUGGESTION, FeedbackTopic.SERVICE,
                                         "Could we have tea", anonymous=False), "U0FACIL02")
    hidden = feedback.submit(FeedbackForm(FeedbackKind.SUGGESTION, FeedbackTopic.SERVICE,
                                          "The heating is broken", anonymous=True), "U0MEMBR06")
    clock.advance(minutes=16)
    cases = {c.id: c for c in feedback.open_cases_for("U0COORD01")}
    assert cases[named.case_id].reference == f"#{named.case_id}"
    reference = cases[hidden.case_id].reference
    # A reference of its own, not the case's number (which would say when it was sent).
    assert re.fullmatch(r"A-[0-9A-F]{6}", reference) and "#" not in reference
    # Not the plain digest of the code: holding the code doesn't tell you the reference.
    assert reference[2:] != hash_case_code(hidden.code)[:6].upper()
    # And the same on every read, so the team can talk about it.
    again = {c.reference for c in feedback.open_cases_for("U0COORD01")}
    assert again == {reference, f"#{named.case_id}"}
