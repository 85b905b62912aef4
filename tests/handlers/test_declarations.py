"""Declarations driven as Slack drives them: /involve declare, the HR officer's steps (the
person who declared hears each one), the other person never told, and feedback routed around
people with a declared relationship."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.config import Settings
from bot.rules.lifecycle import RequestStatus
from bot.services.declarations import related_slack_ids
from bot.wiring import Runtime, build_runtime
from handlers.ids import ActionId, BlockId
from storage.models import Declaration
from storage.repositories import MemberRepository
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.handlers.test_feedback import deliver as deliver_feedback
from tests.handlers.test_feedback import submit as submit_feedback

COORDINATOR = "U0COORD01"
FACILITATOR = "U0FACIL02"
TRAINED = "U0TRAIN03"
MEMBER = "U0MEMBR06"
HR_OFFICER = "U0HROFF07"
TRUSTEE = "U0TRUST08"


@dataclass
class Desk:
    runtime: Runtime
    slack: SlackDriver

    def deliver(self) -> None:
        self.runtime.dispatcher().deliver_due()

    def dms(self, user: str) -> list[dict[str, Any]]:
        return [c.params for c in self.slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == user]

    def member_id(self, slack_id: str) -> int:
        with self.runtime.sessions() as session:
            member = MemberRepository(session).get_by_slack_id(slack_id)
            assert member is not None
            return member.id

    def declare(self, user: str, kind: str = "relationship", other: str | None = FACILITATOR,
                words: str = "We were neighbours for years") -> dict[str, Any]:
        response = self.slack.command("/involve", "declare", user_id=user)
        assert response.status == 200
        form = self.slack.opened_view()
        answers: dict[str, Any] = {BlockId.DC_KIND: kind, BlockId.DC_WORDS: words}
        if other is not None:
            answers[BlockId.DC_OTHER] = str(self.member_id(other))
        sent = self.slack.submit(form, answers, user_id=user)
        assert sent.status == 200
        return json.loads(sent.body) if sent.body else {}

    def posted_after(self, seen: int) -> set[str]:
        """Where the app posted after the first `seen` posts."""
        return {c.params["channel"] for c in self.slack.fake.calls_to("chat.postMessage")[seen:]}

    def posted(self) -> int:
        return len(self.slack.fake.calls_to("chat.postMessage"))

    def statuses(self) -> list[RequestStatus]:
        with self.runtime.sessions() as session:
            return [d.status for d in session.scalars(select(Declaration).order_by(Declaration.id))]


@pytest.fixture
def desk(members: Runtime, slack: SlackDriver) -> Desk:
    return Desk(members, slack)


def test_a_declaration_reaches_the_hr_officer_and_the_declarer_hears_each_step(
    desk: Desk
) -> None:
    sent = desk.declare(MEMBER)
    assert "The other person isn't told" in json.dumps(sent["view"])
    desk.deliver()
    [request] = desk.dms(HR_OFFICER)
    shown = json.dumps(request["blocks"])
    assert f"<@{MEMBER}> has declared a relationship from before with *Bram Okonkwo*" in shown
    assert "We were neighbours for years" in shown
    sent_to = {c.params["channel"] for c in desk.slack.fake.calls_to("chat.postMessage")}
    assert sent_to == {HR_OFFICER}  # not Bram, not the coordinators, not yet the declarer

    desk.slack.click(request, ActionId.DECLARATION_ACKNOWLEDGE, user_id=HR_OFFICER)
    desk.deliver()
    assert "has seen what you declared" in desk.dms(MEMBER)[-1]["text"]
    seen = json.dumps(desk.slack.fake.responses[-1].params["blocks"])
    assert f"Seen by <@{HR_OFFICER}>" in seen and ActionId.DECLARATION_ACKNOWLEDGE not in seen

    desk.slack.click(request, ActionId.DECLARATION_NOTED, user_id=HR_OFFICER)
    desk.deliver()
    assert "has noted what you declared" in desk.dms(MEMBER)[-1]["text"]
    assert desk.statuses() == [RequestStatus.ARRANGED]
    closed = json.dumps(desk.slack.fake.calls_to("chat.update")[-1].params["blocks"])
    assert f"Noted by <@{HR_OFFICER}>" in closed and ActionId.DECLARATION_TALK not in closed

    told = len(desk.dms(MEMBER))
    desk.slack.click(request, ActionId.DECLARATION_TALK, user_id=HR_OFFICER)  # stale button
    desk.deliver()
    assert len(desk.dms(MEMBER)) == told  # a closed request stays closed
    assert desk.dms(FACILITATOR) == []


def test_someone_it_was_not_sent_to_cannot_answer_it(desk: Desk) -> None:
    desk.declare(MEMBER)
    desk.deliver()
    [request] = desk.dms(HR_OFFICER)
    for user in (FACILITATOR, COORDINATOR, MEMBER):
        desk.slack.click(request, ActionId.DECLARATION_NOTED, user_id=user)
        reply = desk.slack.fake.responses[-1].params
        assert "Only the people this declaration was sent to" in reply["text"]
        assert "neighbours" not in json.dumps(reply)
    assert desk.statuses() == [RequestStatus.REQUESTED]


def test_talking_it_through_is_said_kindly(desk: Desk) -> None:
    desk.declare(MEMBER, kind="gift", other=TRAINED, words="Cleo offered me concert tickets")
    desk.deliver()
    [request] = desk.dms(HR_OFFICER)
    assert "a gift or favour offered by *Cleo Marsh*" in json.dumps(request["blocks"])
    desk.slack.click(request, ActionId.DECLARATION_TALK, user_id=HR_OFFICER)
    desk.deliver()
    words = desk.dms(MEMBER)[-1]["text"]
    assert "would like to talk through what you declared" in words
    assert "nothing to worry about" in words and "declined" not in words
    assert desk.dms(TRAINED) == []


def test_never_to_the_other_person_even_when_they_are_the_hr_officer(desk: Desk) -> None:
    desk.declare(MEMBER, other=HR_OFFICER, words="Hana is my cousin")
    desk.deliver()
    assert desk.dms(HR_OFFICER) == []
    [request] = desk.dms(COORDINATOR)  # the coordinators stand in
    assert "Hana is my cousin" in json.dumps(request["blocks"])
    desk.slack.click(request, ActionId.DECLARATION_ACKNOWLEDGE, user_id=COORDINATOR)
    assert desk.statuses() == [RequestStatus.ACKNOWLEDGED]


def test_a_copy_of_someone_no_longer_hr_officer_is_redrawn_without_the_declaration(
    desk: Desk
) -> None:
    second = "U0HROFF11"
    desk.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        f"Ivy Stone,{second},,hr_officer,slack,no\n")
    desk.declare(MEMBER)
    desk.deliver()
    assert "We were neighbours for years" in json.dumps(desk.dms(HR_OFFICER)[0]["blocks"])
    desk.runtime.services.members.import_csv(  # Hana steps down, staying a member
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        f"Hana Quill,{HR_OFFICER},,member,slack,no\n")
    [request] = desk.dms(second)
    desk.slack.click(request, ActionId.DECLARATION_ACKNOWLEDGE, user_id=second)
    desk.deliver()
    redrawn = {c.params["channel"]: json.dumps(c.params)
               for c in desk.slack.fake.calls_to("chat.update")}
    gone = redrawn["D" + HR_OFFICER[1:]]
    assert "This is no longer yours to see." in gone
    assert "neighbours" not in gone and "Bram" not in gone
    kept = redrawn["D" + second[1:]]
    assert "We were neighbours for years" in kept and f"Seen by <@{second}>" in kept


def test_with_no_hr_officer_it_goes_to_the_coordinators(desk: Desk) -> None:
    desk.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Hana Quill,U0HROFF07,,member,slack,no\n")
    desk.declare(FACILITATOR, other=MEMBER)
    desk.deliver()
    assert {c.params["channel"] for c in desk.slack.fake.calls_to("chat.postMessage")} == {
        COORDINATOR}


@pytest.mark.parametrize(
    ("kind", "other", "words", "block", "expected"),
    [
        ("relationship", None, "A neighbour", BlockId.DC_OTHER, "who the relationship is with"),
        ("gift", None, "   ", BlockId.DC_WORDS, "Please say a few words"),
    ],
)
def test_a_declaration_with_something_missing_gets_field_errors(
    desk: Desk, kind: str, other: str | None, words: str, block: str, expected: str
) -> None:
    answer = desk.declare(MEMBER, kind=kind, other=other, words=words)
    assert answer["response_action"] == "errors"
    assert expected in answer["errors"][block]
    assert desk.statuses() == []


def test_nobody_declares_a_relationship_with_themselves(desk: Desk) -> None:
    desk.slack.command("/involve", "declare", user_id=MEMBER)
    form = desk.slack.opened_view()
    chooser = next(b for b in form["blocks"] if b.get("block_id") == BlockId.DC_OTHER)
    mine = str(desk.member_id(MEMBER))
    assert mine not in {o["value"] for o in chooser["element"]["options"]}
    # A form sent back with themselves in it (Slack would never send this).
    chooser["element"]["options"].append({"text": {"type": "plain_text", "text": "Me"},
                                          "value": mine})
    sent = desk.slack.submit(form, {BlockId.DC_KIND: "relationship", BlockId.DC_OTHER: mine,
                                    BlockId.DC_WORDS: "Myself"}, user_id=MEMBER)
    assert "someone other than yourself" in json.loads(sent.body)["errors"][BlockId.DC_OTHER]
    assert desk.statuses() == []


def test_someone_not_in_the_directory_is_told_kindly(desk: Desk) -> None:
    answer = desk.slack.text_of(desk.slack.command("/involve", "declare", user_id="U0STRANGER"))
    assert "not in our member list" in answer


# -- routing around a declared relationship ------------------------------------------------------
def test_related_people_are_found_both_ways(desk: Desk) -> None:
    desk.declare(HR_OFFICER, other=FACILITATOR)
    desk.declare(TRAINED, kind="gift", other=FACILITATOR, words="A lift home")  # not a tie
    with desk.runtime.sessions() as session:
        assert related_slack_ids(session, [desk.member_id(FACILITATOR)]) == {HR_OFFICER}
        assert related_slack_ids(session, [desk.member_id(HR_OFFICER)]) == {FACILITATOR}
        assert related_slack_ids(session, [desk.member_id(MEMBER)]) == set()


def test_feedback_about_someone_skips_people_related_to_them(
    desk: Desk, clock: FakeClock
) -> None:
    desk.declare(HR_OFFICER, other=TRAINED, words="Cleo is my neighbour")
    desk.declare(COORDINATOR, other=MEMBER, words="Fin is my nephew")
    desk.deliver()

    # About a team member: the HR officer's, but Hana declared a tie with Cleo.
    seen = desk.posted()
    submit_feedback(desk.slack, user_id=FACILITATOR, kind="complaint", topic="team_member",
                    **{BlockId.FB_ABOUT: TRAINED})
    deliver_feedback(desk.runtime, clock)
    assert desk.posted_after(seen) == {TRUSTEE}

    # Between two participants: the coordinators', but Ada declared a tie with Fin.
    seen = desk.posted()
    submit_feedback(desk.slack, user_id=FACILITATOR, kind="between_people", topic="session",
                    **{BlockId.FB_ABOUT: MEMBER})
    deliver_feedback(desk.runtime, clock)
    assert desk.posted_after(seen) == {TRUSTEE}


def test_feedback_from_a_named_person_skips_people_related_to_them(
    desk: Desk, clock: FakeClock
) -> None:
    desk.declare(COORDINATOR, other=MEMBER, words="Fin is my nephew")
    desk.deliver()
    seen = desk.posted()
    submit_feedback(desk.slack, user_id=MEMBER, kind="suggestion", topic="service")
    deliver_feedback(desk.runtime, clock)
    assert desk.posted_after(seen) == {TRUSTEE}


def test_the_coordinators_channel_is_skipped_when_a_coordinator_is_related(
    settings: Settings, members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    with_channel = settings.model_copy(update={"coprod_coordinators_channel": "C0COORDS"})
    runtime = build_runtime(with_channel, engine=members.engine, clock=clock, sms=members.sms)
    desk = Desk(runtime, SlackDriver(create_app(with_channel, runtime.services,
                                                client=runtime.client), fake_slack))
    desk.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Ivy Stone,U0COORD09,,coordinator,slack,no\n")
    desk.declare(COORDINATOR, other=MEMBER, words="Fin is my nephew")
    desk.deliver()
    seen = desk.posted()
    submit_feedback(desk.slack, user_id=FACILITATOR, kind="between_people", topic="session",
                    **{BlockId.FB_ABOUT: MEMBER})
    deliver_feedback(desk.runtime, clock)
    assert desk.posted_after(seen) == {"U0COORD09"}  # not the channel Ada reads


# -- personal data -------------------------------------------------------------------------------
def test_the_declarer_gets_their_declarations_and_erasure_takes_them(desk: Desk) -> None:
    desk.declare(MEMBER, other=FACILITATOR)
    privacy = desk.runtime.services.privacy
    [mine] = privacy.my_data(MEMBER)["declarations"]
    assert mine["with_or_from"] == "Bram Okonkwo"
    assert mine["words"] == "We were neighbours for years"
    assert privacy.my_data(FACILITATOR)["declarations"] == []  # named in it: not theirs

    # Bram is erased: Fin's declaration stays, without him, and no longer routes around him.
    privacy.erase(FACILITATOR)
    with desk.runtime.sessions() as session:
        [kept] = session.scalars(select(Declaration)).all()
        assert kept.other_member_id is None
        assert related_slack_ids(session, [desk.member_id(MEMBER)]) == set()
    privacy.erase(MEMBER)
    assert desk.statuses() == []


LEAD = "U0SAFEG05"


def test_an_incident_about_someone_skips_people_related_to_them_unless_nobody_else_is_left(
    desk: Desk, clock: FakeClock
) -> None:
    from tests.handlers.test_incidents import report

    desk.declare(LEAD, other=MEMBER, words="Fin is my cousin")
    desk.deliver()
    fin = str(desk.member_id(MEMBER))

    # A safeguarding concern about Fin: the lead is related, so the coordinators have it.
    seen = desk.posted()
    report(desk.slack, kind="safeguarding", severity="moderate", people=[fin])
    desk.deliver()
    assert desk.posted_after(seen) == {COORDINATOR}

    # Escalated, it still leaves the related lead out: the coordinator is chased instead.
    clock.advance(minutes=11)
    seen = desk.posted()
    assert desk.runtime.services.incidents.escalate_unacknowledged() == 1
    desk.deliver()
    assert LEAD not in desk.posted_after(seen)

    # When everyone who could be told is related, a declared tie never leaves a disclosure
    # with nobody: the related lead is told.
    desk.declare(COORDINATOR, other=MEMBER, words="Fin is my neighbour")
    desk.deliver()
    seen = desk.posted()
    report(desk.slack, kind="safeguarding", severity="moderate", people=[fin])
    desk.deliver()
    assert desk.posted_after(seen) == {LEAD}
