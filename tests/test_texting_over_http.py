"""Texting against the fake Twilio, over HTTP: webhooks signed as Twilio signs them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine
from twilio.request_validator import RequestValidator

from bot.config import Settings
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from bot.rules.texting import RsvpFor, RsvpSubject
from bot.wiring import Runtime
from handlers.ids import ActionId, BlockId
from storage.models import (
    InboundText,
    MeetingRsvp,
    Member,
    OutboxChannel,
    OutboxStatus,
    TextQuestion,
)
from storage.repositories import MemberRepository, OutboxRepository
from tests.conftest import TWILIO_PUBLIC_URL, FakeClock, ServerThread, SlackDriver, texting_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio

PUBLIC = TWILIO_PUBLIC_URL
DEV = "+447700900104"  # Dev Patel: texts only, agreed to texts
COORDINATOR = "U0COORD01"


@dataclass
class Phone:
    """Stands in for Twilio calling our webhooks about one number."""

    url: str
    token: str

    def post(self, path: str, params: dict[str, str], *,
             token: str | None = None) -> tuple[int, str]:
        signature = RequestValidator(token or self.token).compute_signature(PUBLIC + path,
                                                                            params)
        request = urllib.request.Request(
            self.url + path, data=urlencode(params).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "X-Twilio-Signature": signature})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def text(self, body: str, from_number: str = DEV) -> tuple[int, str]:
        return self.post("/sms/inbound", {"From": from_number, "To": "+447700900999",
                                          "Body": body, "MessageSid": "SMinbound"})


@dataclass
class World:
    runtime: Runtime
    slack: SlackDriver
    phone: Phone
    twilio: FakeTwilio

    def deliver(self) -> None:
        self.runtime.dispatcher().deliver_due()

    def invite(self, key: str = "invite:1", session_id: int | None = None) -> None:
        """A text that a YES or NO answers, as a reminder is queued."""
        with self.runtime.sessions.begin() as session:
            member = MemberRepository(session).get_by_phone(DEV)
            assert member is not None
            OutboxRepository(session).enqueue(
                key=key, channel=OutboxChannel.SMS, target=str(member.id),
                payload={"text": "Riverside: Tuesday group, 18:00 at Hope Centre. Coming? "
                                 "Reply YES or NO."},
                now=self.runtime.services.clock(),
                rsvp_for=RsvpFor(RsvpSubject.SESSION, session_id).stored if session_id
                else None)

    def meeting(self, kind: MeetingKind, title: str, day: date) -> int:
        """A meeting for everyone, and its invitation texted to Dev (sent)."""
        [made] = self.runtime.services.meetings.create(None, MeetingDraft(
            title=title, kind=kind, day=day, start_time=time(18, 0), end_time=time(20, 0),
            place="Hope Centre"))
        with self.runtime.sessions.begin() as session:
            member = MemberRepository(session).get_by_phone(DEV)
            assert member is not None
            OutboxRepository(session).enqueue(
                key=f"invite:meeting:{made.id}", channel=OutboxChannel.SMS,
                target=str(member.id), payload={"text": "Coming? Reply YES or NO."},
                now=self.runtime.services.clock(),
                rsvp_for=RsvpFor(RsvpSubject.MEETING, made.id).stored)
        self.deliver()
        return made.id

    def answers(self) -> dict[int, bool]:
        """Dev's answers, by meeting."""
        with self.runtime.sessions() as session:
            return {r.meeting_id: r.going for r in session.query(MeetingRsvp)
                    if r.member.phone == DEV}

    def dev(self) -> Member:
        with self.runtime.sessions() as session:
            member = MemberRepository(session).get_by_phone(DEV)
            assert member is not None
            return member


@pytest.fixture
def world(settings: Settings, engine: Engine, clock: FakeClock, fake_slack: FakeSlack,
          fake_twilio: FakeTwilio) -> Iterator[World]:
    app, runtime, wsgi = texting_bot(settings, engine, clock, fake_twilio)
    with ServerThread(wsgi) as server:
        yield World(runtime, SlackDriver(app, fake_slack), Phone(server.url,
                                                                  fake_twilio.auth_token),
                    fake_twilio)


def texts_to(twilio: FakeTwilio, number: str = DEV) -> list[str]:
    return [t.params["Body"] for t in twilio.texts if t.params["To"] == number]


def test_a_text_reaches_an_sms_only_member(world: World) -> None:
    world.invite()
    world.deliver()
    [text] = world.twilio.texts
    assert text.params["To"] == DEV and "Reply YES or NO" in text.params["Body"]
    assert text.params["StatusCallback"] == PUBLIC + "/sms/status"


def test_stop_stops_everything_and_start_resumes(world: World) -> None:
    status, reply = world.phone.text("STOP")
    assert status == 200 and "You won't get any more texts from us" in reply
    assert world.phone.text("stop")[1].count("<Message>") == 0  # confirmed once
    world.invite("invite:after-stop")
    world.deliver()
    assert texts_to(world.twilio) == []
    latest = world.dev().latest_consent
    assert latest is not None and (latest.given, latest.method) == (False, "texted STOP")

    assert "You'll get texts from us again" in world.phone.text("START")[1]
    world.invite("invite:after-start")
    world.deliver()
    assert len(texts_to(world.twilio)) == 1


def test_yes_records_an_rsvp_for_the_latest_invitation(world: World, clock: FakeClock) -> None:
    start = clock.now + timedelta(days=3)
    [session] = world.runtime.services.sessions.create(None, SessionDraft(
        title="Tuesday group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    world.invite(session_id=session.id)
    world.deliver()
    status, reply = world.phone.text("Yes")
    assert status == 200 and "you're down for the peer group" in reply
    assert world.runtime.services.sessions.get(session.id).attendees == 1
    assert "can't come" in world.phone.text("NO")[1]
    assert world.runtime.services.sessions.get(session.id).attendees == 0


def test_a_free_text_reaches_slack_and_a_coordinator_replies_by_text(world: World) -> None:
    status, reply = world.phone.text("Running late <!channel> sorry")
    assert status == 200 and "passed your message to the team" in reply
    world.deliver()
    [relay] = [c.params for c in world.slack.fake.calls_to("chat.postMessage")
               if c.params["channel"] == COORDINATOR]
    shown = json.dumps(relay["blocks"])
    assert "Text from Dev Patel" in shown and "Running late &lt;!channel&gt; sorry" in shown

    world.slack.click(relay, ActionId.TX_REPLY, user_id=COORDINATOR)
    form = world.slack.opened_view()
    done = world.slack.submit(form, {BlockId.TX_REPLY_TEXT: "No problem, see you soon"},
                              user_id=COORDINATOR)
    assert json.loads(done.body)["response_action"] == "update"
    world.deliver()
    assert texts_to(world.twilio) == ["Riverside Peer Support: No problem, see you soon"]
    world.slack.click(relay, ActionId.TX_REPLY, user_id=COORDINATOR)
    world.slack.submit(world.slack.opened_view(), {BlockId.TX_REPLY_TEXT: "Tea is on"},
                       user_id=COORDINATOR)
    world.deliver()
    assert texts_to(world.twilio)[-1] == "Riverside Peer Support: Tea is on"  # a second reply


def test_a_relayed_text_is_stored_as_a_pointer_to_it_never_as_its_words(world: World) -> None:
    world.phone.text("Running late, the bus broke down")
    with world.runtime.sessions() as session:
        [text] = session.query(InboundText).all()
        [row] = OutboxRepository(session).copies_of("texting.relayed:")
        assert row.payload == {"notice": "texting.relayed", "text_id": text.id}
        assert "late" not in row.idempotency_key and DEV not in row.idempotency_key
    world.deliver()
    [relay] = [c.params for c in world.slack.fake.calls_to("chat.postMessage")
               if c.params["channel"] == COORDINATOR]
    assert "Running late, the bus broke down" in json.dumps(relay["blocks"])


def test_a_forged_signature_is_refused_and_changes_nothing(world: World) -> None:
    status, _ = world.phone.post("/sms/inbound", {"From": DEV, "Body": "STOP"},
                                 token="not-the-auth-token")
    assert status == 403
    unsigned = urllib.request.Request(world.phone.url + "/sms/inbound",
                                      data=b"From=%2B447700900104&Body=hello", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=5)
    assert refused.value.code == 403
    assert world.dev().has_sms_consent
    with world.runtime.sessions() as session:
        assert session.query(InboundText).count() == 0


def test_an_opted_out_number_at_the_provider_marks_the_member(world: World) -> None:
    world.invite()
    world.deliver()
    with world.runtime.sessions() as session:  # the provider's id is kept on the outbox row
        row = OutboxRepository(session).get_by_key("invite:1")
        assert row is not None and row.delivered_ref
        ref = row.delivered_ref
    status, _ = world.phone.post("/sms/status", {"MessageSid": ref,
                                                 "MessageStatus": "undelivered",
                                                 "ErrorCode": "21610"})
    assert status == 204
    with world.runtime.sessions() as session:
        row = OutboxRepository(session).get_by_key("invite:1")
        assert row is not None
        assert row.status is OutboxStatus.FAILED and row.provider_status == "undelivered"
        assert row.last_error == "text undelivered (error 21610)"
    assert world.dev().has_sms_consent is False
    overview = world.slack.text_of(world.slack.command("/coprod", "deliveries",
                                                      user_id=COORDINATOR))
    assert "Dev Patel: opted out (provider opt-out (21610))" in overview


def test_a_send_refused_with_21610_also_marks_the_member(world: World) -> None:
    world.twilio.refuse_next(400, 21610)
    world.invite()
    world.deliver()
    assert world.dev().has_sms_consent is False


def test_unknown_numbers_get_one_polite_reply_a_day(world: World, clock: FakeClock) -> None:
    stranger = "+447700900555"
    first = world.phone.text("Hi is this the group?", from_number=stranger)[1]
    assert "We don't know this number yet" in first
    assert "<Message>" not in world.phone.text("Hello?", from_number=stranger)[1]
    clock.advance(days=1, minutes=1)
    assert "We don't know this number yet" in world.phone.text("Hi again",
                                                               from_number=stranger)[1]
    world.deliver()
    relays = [c.params for c in world.slack.fake.calls_to("chat.postMessage")
              if c.params["channel"] == COORDINATOR]
    assert len(relays) == 3
    assert "an unknown number ending 0555" in json.dumps(relays[0]["blocks"])


def test_start_from_an_unknown_number_is_answered_kindly_and_not_relayed(world: World) -> None:
    """Found in the sandbox trial: START from a number not in the member list went to the
    team as a message. Like STOP and HELP from such a number, it is a keyword: answered
    (standard words: we don't know their style), never passed on."""
    stranger = "+447700900556"
    for word in ("STOP", "START", "HELP", "start"):
        world.phone.text(word, from_number=stranger)
    world.deliver()
    assert [c for c in world.slack.fake.calls_to("chat.postMessage")
            if c.params["channel"] == COORDINATOR] == []
    with world.runtime.sessions() as session:
        assert session.query(InboundText).count() == 0
    reply = world.phone.text("START", from_number=stranger)[1]
    assert "Riverside Peer Support: Thank you. This number isn't on our member list" in reply
    assert "We don't know this number yet" in world.phone.text("Hello?",
                                                               from_number=stranger)[1]


def test_help_says_who_we_are_how_to_stop_and_where_to_turn(world: World) -> None:
    reply = world.phone.text("HELP")[1]
    assert "Riverside Peer Support" in reply and "STOP" in reply and "999" in reply
    assert "116 123" in reply


def test_texts_wait_for_the_morning_but_urgent_ones_do_not(world: World,
                                                           clock: FakeClock) -> None:
    clock.now = clock.now.replace(hour=22)  # 22:00 in London (GMT)
    world.invite()
    with world.runtime.sessions.begin() as session:
        lead = MemberRepository(session).get_by_phone("+447700900105")
        assert lead is not None
        OutboxRepository(session).enqueue(key="urgent:1", channel=OutboxChannel.SMS,
                                          target=str(lead.id), now=clock.now,
                                          payload={"text": "Urgent", "urgent": True})
    world.deliver()
    assert [t.params["To"] for t in world.twilio.texts] == ["+447700900105"]
    with world.runtime.sessions() as session:
        held = OutboxRepository(session).get_by_key("invite:1")
        assert held is not None and held.last_error == "held for quiet hours"
        assert held.attempts == 0
        assert held.next_attempt_at.hour == 9
    clock.now = clock.now.replace(hour=9) + timedelta(days=1)
    world.deliver()
    assert len(texts_to(world.twilio)) == 1


def test_the_daily_cap_holds_the_rest_until_tomorrow(world: World, clock: FakeClock) -> None:
    runtime = world.runtime
    runtime.settings = runtime.settings.model_copy(update={"coprod_sms_daily_cap": 1})
    world.invite("invite:a")
    world.invite("invite:b")
    world.deliver()
    assert len(texts_to(world.twilio)) == 1
    clock.advance(days=1)
    world.deliver()
    assert len(texts_to(world.twilio)) == 2


# -- answering invitations by text ----------------------------------------------------------------
THURSDAY, WEDNESDAY_WEEK = date(2026, 11, 26), date(2026, 12, 2)


def test_one_invitation_and_yes_please_is_counted_and_confirmed(world: World) -> None:
    forum = world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    status, reply = world.phone.text("Yes please")
    assert status == 200
    assert "Thanks, you're down for the service-user forum on Wed 2 Dec at 18:00." in reply
    assert reply.count("<Message>") == 1
    assert world.answers() == {forum: True}


def test_two_invitations_and_yes_asks_which_then_a_number_answers_it(world: World) -> None:
    community = world.meeting(MeetingKind.COMMUNITY, "Community meeting", THURSDAY)
    forum = world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    _, asked = world.phone.text("YES")
    assert ("Which is your YES for? Reply 1 for Community meeting Thu 26 Nov, "
            "2 for Service-user forum Wed 2 Dec.") in asked
    assert world.answers() == {}
    with world.runtime.sessions() as session:  # remembered, so that "1" answers it
        [question] = session.query(TextQuestion).all()
        assert question.choices == f"meeting:{community} meeting:{forum}" and question.going

    _, confirmed = world.phone.text("1")
    assert "you're down for the community meeting on Thu 26 Nov at 18:00" in confirmed
    assert world.answers() == {community: True}
    with world.runtime.sessions() as session:
        assert session.query(TextQuestion).count() == 0
    # The forum is now the one not answered: a plain NO is for it.
    assert "can't come to the service-user forum" in world.phone.text("no")[1]
    assert world.answers() == {community: True, forum: False}
    # A number with no question standing is for the team to read.
    assert "passed your message to the team" in world.phone.text("2")[1]


def test_a_yes_that_names_one_takes_that_one(world: World, clock: FakeClock) -> None:
    clock.now = clock.now.replace(day=25)  # Wednesday: the community meeting is tomorrow
    community = world.meeting(MeetingKind.COMMUNITY, "Community meeting", THURSDAY)
    world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    reply = world.phone.text("Yes to the community meeting tomorrow")[1]
    assert "you're down for the community meeting" in reply
    assert world.answers() == {community: True}


def test_a_thumbs_up_is_a_yes_and_the_reply_stays_gsm7(world: World) -> None:
    forum = world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    reply = world.phone.text("\U0001f44d")[1]
    assert "you're down for the service-user forum" in reply and reply.isascii()
    assert world.answers() == {forum: True}


def test_stop_still_stops_with_an_invitation_open(world: World) -> None:
    world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    assert "You won't get any more texts from us" in world.phone.text("STOP")[1]
    assert world.dev().has_sms_consent is False and world.answers() == {}


def test_anything_else_is_still_relayed_with_an_invitation_open(world: World) -> None:
    world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    reply = world.phone.text("Yes but can someone call me first?")[1]
    assert "passed your message to the team" in reply and world.answers() == {}
    world.deliver()
    [relay] = [c.params for c in world.slack.fake.calls_to("chat.postMessage")
               if c.params["channel"] == COORDINATOR and "call me first" in json.dumps(c.params)]
    assert "Yes but can someone call me first?" in json.dumps(relay["blocks"])


def test_an_answer_that_says_more_is_answered_and_read_by_a_person(world: World) -> None:
    world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    reply = world.phone.text("no I can't go on")[1]
    assert "Thanks for letting us know" in reply
    assert list(world.answers().values()) == [False]
    world.deliver()
    # Counted as a no, and still shown to a coordinator, in case it says more than that.
    assert any("can't go on" in json.dumps(c.params)
               for c in world.slack.fake.calls_to("chat.postMessage")
               if c.params["channel"] == COORDINATOR)
    # A plain answer stays just an answer.
    world.slack.fake.calls.clear()
    world.phone.text("no thanks")
    world.deliver()
    assert not [c for c in world.slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == COORDINATOR]


def test_digits_from_other_scripts_are_just_words(world: World) -> None:
    world.meeting(MeetingKind.FORUM, "Winter forum", WEDNESDAY_WEEK)
    status, reply = world.phone.text("²")
    assert status == 200 and "passed your message to the team" in reply
