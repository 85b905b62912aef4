"""Wellbeing checks, as people get them: a short private check-in in Slack (or by text, with
no health details and no title), answered with a button or a number; asking for someone to get
in touch reaches the work's contact at once and nobody else; skipping, or not answering, tells
nobody anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import Engine, select
from twilio.request_validator import RequestValidator

from bot.config import Settings
from bot.rules.involvement import (
    CheckStage,
    InvolvementStatus,
    OpportunityKind,
    OpportunityStatus,
    Recompense,
    Wellbeing,
)
from bot.wiring import Runtime
from handlers.ids import ActionId
from storage.models import Involvement, Opportunity, WellbeingCheck
from tests.conftest import TWILIO_PUBLIC_URL, FakeClock, ServerThread, SlackDriver, texting_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio

ADA = "U0COORD01"   # coordinator
BRAM = "U0FACIL02"
HANA = "U0HROFF07"  # the work's contact (the HR officer)
FIN = "U0MEMBR06"   # took the work on
DEV = "+447700900104"  # texts only
TITLE = "Interview panel for our new peer worker"


# -- set-up: the rows helper E's offers create when someone accepts --------------------------
def involve(runtime: Runtime, person: str, *, stage: CheckStage = CheckStage.END,
            due_in: timedelta = timedelta(minutes=-1), contact: str | None = HANA,
            status: InvolvementStatus = InvolvementStatus.ACCEPTED,
            starts_in: timedelta = timedelta(days=-1)) -> int:
    """Someone (a Slack id, or a phone number) took on an interview panel; one check of theirs
    is due at `due_in` from now. Returns the check's id."""
    now = runtime.services.clock()
    people = runtime.services.members.list_members()
    member = next(m for m in people if person in (m.slack_user_id, m.phone))
    contact_id = next((m.id for m in people if contact and m.slack_user_id == contact), None)
    with runtime.sessions.begin() as session:
        opportunity = Opportunity(
            kind=OpportunityKind.INTERVIEW_PANEL, title=TITLE,
            purpose="Choose our next peer worker together",
            expected="Read 5 forms, ask 3 questions",
            when_where="Hope Centre", time_needed="Half a day", recompense=Recompense.FEE,
            amount_pence=5000, contact_member_id=contact_id, status=OpportunityStatus.OPEN,
            starts_at=now + starts_in, ends_at=now + starts_in + timedelta(hours=4),
            created_by=ADA, created_at=now)
        session.add(opportunity)
        session.flush()
        involvement = Involvement(opportunity_id=opportunity.id, member_id=member.id,
                                  status=status, accepted_at=now, created_at=now, updated_at=now)
        session.add(involvement)
        session.flush()
        check = WellbeingCheck(involvement_id=involvement.id, stage=stage, due_at=now + due_in)
        session.add(check)
        session.flush()
        return check.id


def deliver(runtime: Runtime) -> None:
    runtime.dispatcher().deliver_due()


def dumps(found: Any) -> str:
    return json.dumps(found, ensure_ascii=False)


def posted(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.postMessage")]


def dms_to(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [p for p in posted(fake) if p["channel"] == user]


def updates_to(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.update") if c.params["channel"] == "D" + user[1:]]


def answer_of(runtime: Runtime, check_id: int) -> Wellbeing | None:
    with runtime.sessions() as session:
        check = session.get(WellbeingCheck, check_id)
        assert check is not None
        return check.answer


def sent_check(slack: SlackDriver, members: Runtime, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """Fin's check, sent and delivered: its id and the DM as he got it."""
    check_id = involve(members, FIN, **kwargs)
    assert members.services.wellbeing.send_wellbeing_checks() == 1
    deliver(members)
    [dm] = dms_to(slack.fake, FIN)
    slack.fake.calls.clear()
    return check_id, dm


# -- sending ----------------------------------------------------------------------------------
def test_a_due_check_is_sent_privately_once(slack: SlackDriver, members: Runtime,
                                            clock: FakeClock) -> None:
    involve(members, BRAM, due_in=timedelta(days=2))  # not due yet
    involve(members, FIN, status=InvolvementStatus.WITHDRAWN)  # withdrew: not asked
    check_id = involve(members, FIN)
    assert members.services.wellbeing.send_wellbeing_checks() == 1
    assert members.services.wellbeing.send_wellbeing_checks() == 0
    deliver(members)
    [dm] = posted(slack.fake)
    assert dm["channel"] == FIN
    text = dumps(dm["blocks"])
    assert f"Thank you for your part in *{TITLE}*. How are you feeling now it's done?" in text
    assert [e["text"]["text"] for e in dm["blocks"][1]["elements"]] == [
        "I'm OK", "A bit up and down", "I'd like someone to get in touch", "Skip this one"]
    assert "we'll ask Hana Quill straight away" in text and "Call *999*" in text
    with members.sessions() as session:
        check = session.get(WellbeingCheck, check_id)
        assert check is not None and check.sent_at == clock.now and check.answer is None


def test_a_check_before_the_work_is_not_sent_once_it_has_begun(members: Runtime) -> None:
    involve(members, FIN, stage=CheckStage.BEFORE, starts_in=timedelta(hours=-1))
    assert members.services.wellbeing.send_wellbeing_checks() == 0
    involve(members, BRAM, stage=CheckStage.BEFORE, starts_in=timedelta(days=1))
    assert members.services.wellbeing.send_wellbeing_checks() == 1


# -- answers in Slack -------------------------------------------------------------------------
def test_an_answer_is_recorded_and_the_message_redrawn_with_thanks(
    slack: SlackDriver, members: Runtime
) -> None:
    check_id, dm = sent_check(slack, members)
    slack.click(dm, ActionId.WB_MIXED, user_id=FIN, channel="D0MEMBR06")
    assert answer_of(members, check_id) is Wellbeing.MIXED
    deliver(members)
    [update] = updates_to(slack.fake, FIN)
    text = dumps(update["blocks"])
    assert "Thank you for telling us" in text and "Call *999*" in text
    assert [e["action_id"] for e in update["blocks"][1]["elements"]] == [ActionId.WB_SUPPORT]
    assert posted(slack.fake) == []  # "up and down" tells nobody

    slack.click(dm, ActionId.WB_OK, user_id=FIN, channel="D0MEMBR06")  # the first answer stands
    assert answer_of(members, check_id) is Wellbeing.MIXED
    assert members.services.privacy.my_data(FIN)["wellbeing_checks"][0]["your_answer"] == "mixed"


def test_asking_for_support_reaches_the_contact_at_once_and_nobody_else(
    slack: SlackDriver, members: Runtime
) -> None:
    check_id, dm = sent_check(slack, members)
    members.services.nudge.take()
    slack.click(dm, ActionId.WB_SUPPORT, user_id=FIN, channel="D0MEMBR06")
    assert answer_of(members, check_id) is Wellbeing.SUPPORT
    assert members.services.nudge.take()  # the dispatcher is asked to go now
    deliver(members)
    [told] = posted(slack.fake)
    assert told["channel"] == HANA
    assert told["text"] == (f"Fin Rowe asked for someone to get in touch after {TITLE}. "
                            "Please reach out today.")
    [update] = updates_to(slack.fake, FIN)
    assert "We've asked Hana Quill to get in touch with you today" in dumps(update)
    assert "actions" not in dumps(update["blocks"])

    slack.click(dm, ActionId.WB_SUPPORT, user_id=FIN, channel="D0MEMBR06")  # pressed again
    deliver(members)
    assert len(posted(slack.fake)) == 1


def test_without_a_named_contact_the_coordinators_are_told(slack: SlackDriver,
                                                           members: Runtime) -> None:
    _, dm = sent_check(slack, members, contact=None)
    assert "we'll ask a coordinator straight away" in dumps(dm)
    slack.click(dm, ActionId.WB_SUPPORT, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    assert [p["channel"] for p in posted(slack.fake)] == [ADA]


def test_a_contact_no_longer_in_the_role_is_not_told_and_the_coordinators_are(
    slack: SlackDriver, members: Runtime
) -> None:
    # Hana was the HR officer when the work was posted, and is now only a member.
    members.services.members.import_csv(
        f"name,slack_user_id,phone,roles,contact,sms_consent\nHana Quill,{HANA},,member,slack,no\n")
    _, dm = sent_check(slack, members)
    assert "we'll ask a coordinator straight away" in dumps(dm)
    slack.click(dm, ActionId.WB_SUPPORT, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    assert [p["channel"] for p in posted(slack.fake)] == [ADA]


def test_after_another_answer_asking_for_support_still_reaches_the_contact(
    slack: SlackDriver, members: Runtime
) -> None:
    check_id, dm = sent_check(slack, members)
    slack.click(dm, ActionId.WB_OK, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    [update] = updates_to(slack.fake, FIN)
    slack.click(update, ActionId.WB_SUPPORT, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    assert answer_of(members, check_id) is Wellbeing.SUPPORT
    assert [p["channel"] for p in posted(slack.fake)] == [HANA]


def test_skipping_tells_nobody(slack: SlackDriver, members: Runtime) -> None:
    check_id, dm = sent_check(slack, members)
    slack.click(dm, ActionId.WB_SKIP, user_id=FIN, channel="D0MEMBR06")
    deliver(members)
    assert answer_of(members, check_id) is Wellbeing.SKIPPED
    assert posted(slack.fake) == []
    assert "nobody has been told anything" in dumps(updates_to(slack.fake, FIN))


def test_an_unanswered_check_tells_nobody(slack: SlackDriver, members: Runtime,
                                          clock: FakeClock) -> None:
    check_id, _ = sent_check(slack, members)
    for _ in range(3):
        clock.advance(days=2)
        members.services.wellbeing.send_wellbeing_checks()
        deliver(members)
    assert posted(slack.fake) == [] and slack.fake.calls_to("chat.update") == []
    assert answer_of(members, check_id) is None


def test_nobody_else_can_answer_someone_s_check(slack: SlackDriver, members: Runtime) -> None:
    check_id, dm = sent_check(slack, members)
    slack.click(dm, ActionId.WB_SUPPORT, user_id=BRAM, channel="D0FACIL02")
    assert answer_of(members, check_id) is None
    said = [r.params for r in slack.fake.responses][-1]["text"]
    assert "isn't one we can find for you" in said
    deliver(members)
    assert posted(slack.fake) == []


# -- by text ----------------------------------------------------------------------------------
@dataclass
class Texting:
    runtime: Runtime
    url: str
    token: str

    def text_in(self, body: str, from_number: str = DEV) -> str:
        params = {"From": from_number, "To": "+447700900999", "Body": body,
                  "MessageSid": "SMinbound"}
        signature = RequestValidator(self.token).compute_signature(
            TWILIO_PUBLIC_URL + "/sms/inbound", params)
        request = Request(self.url + "/sms/inbound", data=urlencode(params).encode(),
                          method="POST", headers={
                              "Content-Type": "application/x-www-form-urlencoded",
                              "X-Twilio-Signature": signature})
        with urlopen(request, timeout=5) as response:
            return str(response.read().decode())


@pytest.fixture
def texting(settings: Settings, engine: Engine, clock: FakeClock,
            fake_twilio: FakeTwilio) -> Iterator[Texting]:
    _, runtime, wsgi = texting_bot(settings, engine, clock, fake_twilio)
    with ServerThread(wsgi) as server:
        yield Texting(runtime, server.url, fake_twilio.auth_token)


def test_a_check_by_text_carries_no_details_and_3_reaches_the_contact(
    texting: Texting, fake_twilio: FakeTwilio, fake_slack: FakeSlack
) -> None:
    runtime = texting.runtime
    check_id = involve(runtime, DEV)
    runtime.services.wellbeing.send_wellbeing_checks()
    deliver(runtime)
    [text] = [t.params["Body"] for t in fake_twilio.texts if t.params["To"] == DEV]
    assert text == ("Riverside Peer Support: How are you feeling after the interview panel? "
                    "Reply 1 OK, 2 up and down, 3 I'd like someone to get in touch. It's fine "
                    "not to reply.")
    assert "peer worker" not in text  # never the title

    assert "Thank you for telling us" in texting.text_in("2")
    assert answer_of(runtime, check_id) is Wellbeing.MIXED
    deliver(runtime)
    assert posted(fake_slack) == []

    reply = texting.text_in("3")
    assert "We've asked someone to get in touch with you today" in reply
    assert answer_of(runtime, check_id) is Wellbeing.SUPPORT
    deliver(runtime)
    [told] = posted(fake_slack)
    assert told["channel"] == HANA and told["text"].startswith("Dev Patel asked for someone")


def test_a_number_to_no_open_check_goes_to_the_team_as_before(
    texting: Texting, fake_slack: FakeSlack
) -> None:
    runtime = texting.runtime
    assert "passed your message to the team" in texting.text_in("3")
    check_id = involve(runtime, DEV)
    runtime.services.wellbeing.send_wellbeing_checks()
    deliver(runtime)
    assert "Take care" in texting.text_in("1")
    assert answer_of(runtime, check_id) is Wellbeing.OK


# -- personal data ----------------------------------------------------------------------------
def test_my_checks_are_exported_and_erased_with_me(slack: SlackDriver, members: Runtime) -> None:
    check_id, dm = sent_check(slack, members)
    slack.click(dm, ActionId.WB_OK, user_id=FIN, channel="D0MEMBR06")
    [mine] = members.services.privacy.my_data(FIN)["wellbeing_checks"]
    assert (mine["for"], mine["stage"], mine["your_answer"]) == (TITLE, "end", "ok")
    assert isinstance(mine["due"], str) and datetime.fromisoformat(mine["due"])
    assert members.services.privacy.my_data(BRAM)["wellbeing_checks"] == []
    members.services.privacy.erase(FIN)
    with members.sessions() as session:
        assert session.scalars(select(WellbeingCheck)).all() == []
    assert check_id
