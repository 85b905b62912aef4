"""Meetings and reminders, driven as Slack and Twilio drive them, under freezegun."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory
from sqlalchemy import Engine

from bot.app import create_app
from bot.config import Settings
from bot.delivery.twilio import TwilioSmsProvider
from bot.rules.lifecycle import RequestStatus
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.texting import RsvpFor, RsvpSubject
from bot.sms_web import make_sms_routes
from bot.web import make_wsgi_app
from bot.wiring import Runtime, build_runtime
from handlers.ids import ActionId, BlockId
from storage.models import (
    AgendaItem,
    MeetingRsvp,
    OutboxChannel,
    OutboxMessage,
    ReminderLog,
)
from storage.repositories import MemberRepository, OutboxRepository
from tests.conftest import MEMBERS_CSV, ServerThread, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio
from tests.handlers.test_easy_read_forms import reads_easy
from tests.test_texting_over_http import PUBLIC, Phone

COORDINATOR = "U0COORD01"
FACILITATOR = "U0FACIL02"
DEV = "+447700900104"   # texts only
ESME = "+447700900105"  # Slack and texts


@dataclass
class World:
    runtime: Runtime
    slack: SlackDriver
    twilio: FakeTwilio
    clock: FrozenDateTimeFactory
    engine: Engine
    settings: Settings

    def deliver(self) -> None:
        self.runtime.dispatcher().deliver_due()

    def forum(self, *, set_invitations_aside: bool = True, **changes: Any) -> int:
        values: dict[str, Any] = {
            "title": "Winter forum", "kind": MeetingKind.FORUM, "day": date(2026, 12, 8),
            "start_time": time(18, 0), "end_time": time(20, 0), "place": "Hope Centre",
            "channel": "C0FORUM"}
        values.update(changes)
        made = self.runtime.services.meetings.create(None, MeetingDraft(**values))[0].id
        if set_invitations_aside:
            # Invitations go at once (their own tests say how): delivered and set aside, so
            # what a test counts after this is the reminders.
            self.deliver()
            self.slack.fake.calls.clear()
            self.slack.fake.responses.clear()
            self.twilio.texts.clear()
        return made

    def restart(self) -> None:
        """A new process on the same database: new services, nothing kept in memory."""
        self.runtime = build_runtime(self.settings, engine=self.engine, sms=self.runtime.sms)

    def texts(self, number: str = DEV) -> list[str]:
        return [t.params["Body"] for t in self.twilio.texts if t.params["To"] == number]

    def dms(self, user: str) -> list[dict[str, Any]]:
        return [c.params for c in self.slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == user]

    def text_in(self, body: str, from_number: str) -> str:
        """A text arriving from a member's phone, signed as Twilio signs it; our reply."""
        routes = make_sms_routes(self.runtime.services)
        wsgi = make_wsgi_app(self.slack.app, self.engine, extra_routes=routes)
        with ServerThread(wsgi) as server:
            _, reply = Phone(server.url, self.twilio.auth_token).text(body, from_number)
        return reply

    def rsvps(self) -> int:
        with self.runtime.sessions() as session:
            return session.query(MeetingRsvp).count()


@pytest.fixture
def world(settings: Settings, engine: Engine, fake_slack: FakeSlack,
          fake_twilio: FakeTwilio) -> Iterator[World]:
    texting = settings.model_copy(update={
        "twilio_auth_token": fake_twilio.auth_token, "coprod_public_url": PUBLIC})
    with freeze_time("2026-11-30 12:00:00", tick=False) as frozen:  # a Monday, GMT
        provider = TwilioSmsProvider("AC0000000000000000000000000000test",
                                     fake_twilio.auth_token, "+447700900999",
                                     api_url=fake_twilio.url)
        runtime = build_runtime(texting, engine=engine, sms=provider)
        runtime.services.members.import_csv(MEMBERS_CSV)
        app = create_app(texting, runtime.services, client=runtime.client)
        yield World(runtime, SlackDriver(app, fake_slack), fake_twilio, frozen, engine,
                    texting)


def test_a_coordinator_sets_up_a_quarterly_forum_from_slack(world: World) -> None:
    slack = world.slack
    slack.command("/meetings", "new", user_id=COORDINATOR)
    form = slack.opened_view()
    answers = {BlockId.MT_TITLE: "Service-user forum", BlockId.MT_KIND: "forum",
               BlockId.MT_DAY: "2027-01-12", BlockId.MT_START: "18:00",
               BlockId.MT_END: "20:00", BlockId.MT_PLACE: "Hope Centre",
               BlockId.MT_INVITED: "everyone", BlockId.MT_REPEAT: "quarterly"}
    saved = json.loads(slack.submit(form, answers, user_id=COORDINATOR).body)
    assert "every third month, second Tuesday" in json.dumps(saved["view"])
    listing = slack.text_of(slack.command("/meetings", "", user_id=COORDINATOR))
    assert "Tue 12 Jan, 18:00-20:00" in listing and "Going (0)" in listing

    bad = dict(answers, **{BlockId.MT_DAY: "2026-11-01"})
    slack.command("/meetings", "new", user_id=COORDINATOR)
    errors = json.loads(slack.submit(slack.opened_view(), bad, user_id=COORDINATOR).body)
    assert "That day has already passed" in errors["errors"][BlockId.MT_DAY]
    refused = slack.text_of(slack.command("/meetings", "new", user_id=FACILITATOR))
    assert "Only a coordinator can set up meetings" in refused


def test_each_reminder_goes_once_to_each_invited_member_their_own_way(world: World) -> None:
    meeting_id = world.forum()
    reminders = world.runtime.services.reminders
    world.clock.move_to("2026-12-01 18:00:00")  # seven days before
    assert reminders.send_due() == 1
    assert reminders.send_due() == 0
    world.deliver()
    assert len(world.texts(DEV)) == 1 and "Reply YES or NO" in world.texts(DEV)[0]
    assert len(world.texts(ESME)) == 1 and len(world.dms("U0SAFEG05")) == 1
    assert len(world.dms(FACILITATOR)) == 1 and world.texts("+447700900103") == []
    channel = [c for c in world.slack.fake.calls_to("chat.postMessage")
               if c.params["channel"] == "C0FORUM"]
    assert len(channel) == 1 and "Agenda so far" in json.dumps(channel[0].params["blocks"])
    assert ActionId.MEETING_GOING in json.dumps(world.dms(FACILITATOR)[0]["blocks"])

    world.clock.move_to("2026-12-07 18:00:00")
    assert reminders.send_due() == 1
    world.deliver()
    assert len(world.texts(DEV)) == 2 and len(world.dms(FACILITATOR)) == 2
    assert meeting_id


def test_a_reminder_due_at_night_waits_for_9am_for_text_members(world: World) -> None:
    world.forum(day=date(2026, 12, 2), start_time=time(22, 0), end_time=time(23, 0))
    world.clock.move_to("2026-12-01 22:00:00")  # the 1-day reminder, at 22:00
    assert world.runtime.services.reminders.send_due() == 1
    world.deliver()
    assert world.texts(DEV) == [] and len(world.dms(FACILITATOR)) == 1  # Slack goes now
    world.clock.move_to("2026-12-02 09:00:00")
    world.deliver()
    assert len(world.texts(DEV)) == 1


def test_no_reminder_once_the_meeting_has_started(world: World) -> None:
    world.forum(day=date(2026, 12, 1), start_time=time(18, 0), end_time=time(20, 0))
    world.clock.move_to("2026-12-01 18:05:00")
    assert world.runtime.services.reminders.send_due() == 0
    world.deliver()
    assert world.twilio.texts == [] and world.slack.fake.calls_to("chat.postMessage") == []
    with world.runtime.sessions() as session:
        states = {(r.label, r.state) for r in session.query(ReminderLog)}
    assert states == {("7d", "missed"), ("1d", "missed"), ("2h", "missed")}


def test_after_a_restart_nothing_is_lost_or_doubled(world: World) -> None:
    world.forum()
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    world.restart()  # the bot stops before delivering, and starts again
    assert world.runtime.services.reminders.send_due() == 0
    world.deliver()
    assert len(world.texts(DEV)) == 1
    world.clock.move_to("2026-12-07 19:00:00")  # down over the 1-day mark: sent late, once
    world.restart()
    assert world.runtime.services.reminders.send_due() == 1
    world.restart()
    assert world.runtime.services.reminders.send_due() == 0
    world.deliver()
    assert len(world.texts(DEV)) == 2
    with world.runtime.sessions() as session:
        keys = [o.idempotency_key for o in session.query(OutboxMessage)]
    assert len(keys) == len(set(keys))


def test_two_schedulers_at_once_never_both_send(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    world.forum()
    world.clock.move_to("2026-12-01 18:00:00")
    other = build_runtime(world.settings, engine=world.engine, sms=world.runtime.sms)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda r: r.services.reminders.send_due(),
                                [world.runtime, other]))
    assert sorted(results) == [0, 1]
    with world.runtime.sessions() as session:
        assert session.query(ReminderLog).filter_by(state="sent").count() == 1


def test_import_a_text_member_invite_them_and_their_yes_shows_in_slack(world: World) -> None:
    """Tried as a new user would: a member with only a phone, a forum, the text, YES."""
    world.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Gwen Ellis,,07700 900188,member,sms,yes\n")
    world.forum()
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    world.deliver()
    assert "Service-user forum on Tue 8 Dec at 18:00" in world.texts("+447700900188")[0]
    app = world.slack.app
    routes = make_sms_routes(world.runtime.services)
    with ServerThread(make_wsgi_app(app, world.engine, extra_routes=routes)) as server:
        phone = Phone(server.url, world.twilio.auth_token)
        _, reply = phone.text("YES", from_number="+447700900188")
    assert "you're down for the service-user forum" in reply
    listing = world.slack.text_of(world.slack.command("/meetings", "", user_id=COORDINATOR))
    assert "Going (1): Gwen Ellis" in listing


def test_rsvp_by_button(world: World) -> None:
    world.forum()
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    world.deliver()
    [reminder] = world.dms(FACILITATOR)
    world.slack.click(reminder, ActionId.MEETING_GOING, user_id=FACILITATOR,
                      channel="D0FACIL02")
    assert "you're down for Winter forum" in world.slack.fake.responses[-1].params["text"]
    mine = world.slack.text_of(world.slack.command("/meetings", "", user_id=FACILITATOR))
    assert "You're going" in mine and "Going (" not in mine  # names are for coordinators


def test_anonymous_agenda_items_keep_nobody_and_go_out_with_the_7_day_reminder(
    world: World
) -> None:
    world.forum()
    world.slack.command("/meetings", "agenda", user_id=FACILITATOR)
    form = world.slack.opened_view()
    world.slack.submit(form, {BlockId.AG_TEXT: "Can we talk about the <b>bus</b> times?",
                              BlockId.AG_ANONYMOUS: ["anonymous"]}, user_id=FACILITATOR)
    with world.runtime.sessions() as session:
        [item] = session.query(AgendaItem).all()
        assert item.member_id is None and (item.created_at.minute % 15, item.created_at.second) \
            == (0, 0)
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    world.deliver()
    channel = next(c.params for c in world.slack.fake.calls_to("chat.postMessage")
                   if c.params["channel"] == "C0FORUM")
    assert "Can we talk about the &lt;b&gt;bus&lt;/b&gt; times?" in json.dumps(channel["blocks"])


def test_asking_to_present_to_the_trustees(world: World) -> None:
    world.forum(kind=MeetingKind.TRUSTEES, title="Trustees' meeting", invited="trustee")
    world.slack.command("/meetings", "present", user_id=FACILITATOR)
    world.slack.submit(world.slack.opened_view(),
                       {BlockId.PR_SUBJECT: "Evening sessions for working members"},
                       user_id=FACILITATOR)
    world.deliver()
    [request] = world.dms(COORDINATOR)
    assert "first fifteen minutes" in json.dumps(request["blocks"])
    world.slack.click(request, ActionId.PRESENT_ACCEPT, user_id=COORDINATOR)
    world.deliver()
    assert any("you're on for the first fifteen minutes" in m["text"]
               for m in world.dms(FACILITATOR))


def test_an_easy_read_member_adds_to_the_agenda_and_asks_to_present_in_easy_read(
    world: World
) -> None:
    reads_easy(world.runtime, FACILITATOR)
    world.forum()
    world.slack.command("/meetings", "agenda", user_id=FACILITATOR)
    form = world.slack.opened_view()
    assert form["blocks"][1]["label"]["text"] == "What do you want to talk about?"
    added = world.slack.payload(world.slack.submit(
        form, {BlockId.AG_TEXT: "Evening sessions"}, user_id=FACILITATOR))
    assert "Thank you. We added your item." in json.dumps(added["view"])

    world.forum(kind=MeetingKind.TRUSTEES, title="Trustees' meeting", invited="trustee")
    world.slack.command("/meetings", "present", user_id=FACILITATOR)
    # A modal of its own (forum() set the calls so far aside, the agenda form's with them).
    form = {**world.slack.opened_view(), "id": "V0PRESENT"}
    assert "You can talk in the first 15 minutes." in json.dumps(form)
    asked = world.slack.payload(world.slack.submit(
        form, {BlockId.PR_SUBJECT: "Evening sessions"}, user_id=FACILITATOR))
    assert "Thank you. We sent your request to the coordinators." in json.dumps(asked["view"])

    # Someone on the standard words gets those.
    world.slack.command("/meetings", "agenda", user_id=COORDINATOR)
    assert world.slack.opened_view()["blocks"][1]["label"]["text"] == "Your item"


def test_cancelling_tells_the_invited(world: World) -> None:
    meeting_id = world.forum()
    world.runtime.services.meetings.cancel(COORDINATOR, meeting_id)
    world.deliver()
    assert any("has been cancelled" in m["text"] for m in world.dms(FACILITATOR))
    assert any("is cancelled" in t for t in world.texts(DEV))
    world.clock.move_to("2026-12-01 18:00:00")
    assert world.runtime.services.reminders.send_due() == 0


def test_cancelling_redraws_every_invitation_and_reminder_already_posted(world: World) -> None:
    """The channel posts and DMs that asked "Can you come?" say it is off and offer no
    Going / Can't make it (found in the sandbox: they stayed as they were)."""
    meeting_id = world.forum(set_invitations_aside=False)
    world.deliver()
    world.clock.move_to("2026-12-01 18:00:00")
    assert world.runtime.services.reminders.send_due() == 1
    world.deliver()
    posted = world.slack.fake.calls_to("chat.postMessage")
    in_channel = [c for c in posted if c.params["channel"] == "C0FORUM"]
    assert len(in_channel) == 2  # the invitation and the reminder

    world.runtime.services.meetings.cancel(COORDINATOR, meeting_id)
    world.deliver()

    updates = world.slack.fake.calls_to("chat.update")
    assert len(updates) == len(posted)
    for update in updates:
        drawn = json.dumps(update.params["blocks"])
        assert "has been cancelled" in drawn
        assert ActionId.MEETING_GOING not in drawn and ActionId.MEETING_NOT_GOING not in drawn
    assert sum(u.params["channel"] == "C0FORUM" for u in updates) == 2


@pytest.mark.parametrize("easy_read", [False, True])
def test_a_cancelled_meetings_old_messages_read_as_marked_off_beside_the_one_notice(
    world: World, easy_read: bool
) -> None:
    """Found in the sandbox trial: the DM showed the same "Sorry - ... has been cancelled."
    three times (the invitation redrawn, the reminder redrawn and the notice)."""
    if easy_read:
        reads_easy(world.runtime, FACILITATOR)
    meeting_id = world.forum(set_invitations_aside=False)
    world.deliver()
    world.clock.move_to("2026-12-01 18:00:00")
    assert world.runtime.services.reminders.send_due() == 1
    world.deliver()
    world.runtime.services.meetings.cancel(COORDINATOR, meeting_id)
    world.deliver()

    mine = [c.params for c in world.slack.fake.calls_to("chat.update")
            if c.params["channel"] == "D0FACIL02"]
    assert len(mine) == 2  # the invitation and the reminder, each redrawn where it is
    drawn = [json.dumps(u["blocks"]) for u in mine]
    if easy_read:
        assert any("This was an invitation to *Winter forum*." in d for d in drawn)
        assert any("This was a reminder about *Winter forum*." in d for d in drawn)
    else:
        assert any("This invitation is for a meeting that has been cancelled" in d
                   for d in drawn)
        assert any("This reminder is for a meeting that has been cancelled" in d
                   for d in drawn)
    [notice] = [m for m in world.dms(FACILITATOR)
                if "cancelled" in json.dumps(m["blocks"])]  # the one that tells them
    said = json.dumps(notice["blocks"])
    assert "Sorry" in said
    assert all(said != d for d in drawn) and drawn[0] != drawn[1]
    assert not any("Sorry" in d for d in drawn)
    for d in drawn:
        assert ActionId.MEETING_GOING not in d and ActionId.MEETING_NOT_GOING not in d


def test_nobody_hears_of_a_cancellation_of_a_meeting_they_never_heard_of(
    world: World,
) -> None:
    meeting_id = world.forum(set_invitations_aside=False)  # invitations queued, not yet sent
    world.runtime.services.meetings.cancel(COORDINATOR, meeting_id)
    world.deliver()
    assert world.dms(FACILITATOR) == [] and world.texts(DEV) == []


def test_session_reminders_use_the_same_machinery(world: World) -> None:
    from bot.rules.sessions import SessionDraft, SessionKind

    sessions = world.runtime.services.sessions
    [session] = sessions.create(None, SessionDraft(
        title="Tuesday group", kind=SessionKind.PEER_GROUP, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    world.runtime.services.rota.claim(session.id, FACILITATOR)
    world.clock.move_to("2026-12-07 18:00:00")
    assert world.runtime.services.reminders.send_due() == 1
    world.deliver()
    assert "you're facilitating" in json.dumps(world.dms(FACILITATOR)[-1]["blocks"])


def test_the_next_reminder_time_is_known_for_the_scheduler(world: World) -> None:
    world.forum()
    reminders = world.runtime.services.reminders
    assert reminders.next_due_at() is not None
    assert reminders.next_due_at().isoformat().startswith("2026-12-01T18:00")  # type: ignore


def test_a_member_not_invited_is_refused_kindly_and_told_nothing_about_it(
    world: World
) -> None:
    meeting_id = world.forum(title="Budget planning", invited="coordinator")
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    world.deliver()
    [reminder] = world.dms(COORDINATOR)  # only the coordinator is invited
    assert world.dms("U0MEMBR06") == []
    # A member sends a click for it anyway (a forwarded message, a crafted request).
    world.slack.click(reminder, ActionId.MEETING_GOING, user_id="U0MEMBR06",
                      channel="D0MEMBR06")
    said = world.slack.fake.responses[-1].params["text"]
    assert "isn't one you're invited to" in said
    assert "Budget planning" not in said and "Dec" not in said and "18:00" not in said
    assert world.rsvps() == 0

    # By text: a YES to an invitation for it (say their role changed since) says no more.
    with world.runtime.sessions.begin() as session:
        dev = MemberRepository(session).get_by_phone(DEV)
        assert dev is not None
        OutboxRepository(session).enqueue(
            key="old-invitation", channel=OutboxChannel.SMS, target=str(dev.id),
            payload={"text": "Coming? Reply YES or NO."}, now=world.runtime.services.clock(),
            rsvp_for=RsvpFor(RsvpSubject.MEETING, meeting_id).stored)
    world.deliver()
    reply = world.text_in("YES", DEV)
    assert "couldn't match your reply to a meeting you're invited to" in reply
    assert "Budget planning" not in reply and "Dec" not in reply
    assert world.rsvps() == 0

    world.slack.click(reminder, ActionId.MEETING_GOING, user_id=COORDINATOR)
    assert "you're down for Budget planning" in world.slack.fake.responses[-1].params["text"]
    assert world.rsvps() == 1


def test_a_request_to_present_goes_through_each_step_and_the_member_hears_each_one(
    world: World
) -> None:
    world.runtime.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Ivy Stone,U0COORD09,,coordinator,slack,no\n")
    world.forum(kind=MeetingKind.TRUSTEES, title="Trustees' meeting", invited="trustee")
    world.slack.command("/meetings", "present", user_id=FACILITATOR)
    world.slack.submit(world.slack.opened_view(),
                       {BlockId.PR_SUBJECT: "Evening sessions for working members"},
                       user_id=FACILITATOR)
    world.deliver()
    [mine], [theirs] = world.dms(COORDINATOR), world.dms("U0COORD09")
    assert ActionId.PRESENT_ACKNOWLEDGE in json.dumps(theirs["blocks"])

    world.slack.click(mine, ActionId.PRESENT_ACKNOWLEDGE, user_id=COORDINATOR)
    world.deliver()
    assert "has seen your request to present" in world.dms(FACILITATOR)[-1]["text"]
    updates = world.slack.fake.calls_to("chat.update")
    assert len(updates) == 2  # every coordinator's copy, drawn again
    seen = json.dumps(updates[-1].params["blocks"])
    assert f"Seen by <@{COORDINATOR}>" in seen and ActionId.PRESENT_ACKNOWLEDGE not in seen

    world.slack.click(theirs, ActionId.PRESENT_ANOTHER_DATE, user_id="U0COORD09")
    world.deliver()
    assert "find another date with you" in world.dms(FACILITATOR)[-1]["text"]
    closed = json.dumps(world.slack.fake.calls_to("chat.update")[-1].params["blocks"])
    assert "Another date suggested by <@U0COORD09>" in closed
    assert ActionId.PRESENT_ACCEPT not in closed

    told = len(world.dms(FACILITATOR))
    world.slack.click(mine, ActionId.PRESENT_ACCEPT, user_id=COORDINATOR)  # a stale button
    world.deliver()
    assert len(world.dms(FACILITATOR)) == told  # a closed request stays closed
    refused = world.slack.click(mine, ActionId.PRESENT_ACCEPT, user_id=FACILITATOR)
    assert refused.status == 200
    assert "Only a coordinator" in world.slack.fake.responses[-1].params["text"]


def test_a_reminder_for_a_meeting_cancelled_before_delivery_is_not_sent(world: World) -> None:
    meeting_id = world.forum()
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    world.runtime.services.meetings.cancel(COORDINATOR, meeting_id)
    world.deliver()  # drawn at delivery, from the meeting as it is now
    assert all("Reminder" not in m["text"] for m in world.dms(FACILITATOR))
    assert any("has been cancelled" in m["text"] for m in world.dms(FACILITATOR))
    assert all("Reply YES or NO" not in t for t in world.texts(DEV))


def test_reminders_are_stored_as_notices_that_name_nobody(world: World) -> None:
    world.forum(title="Jo's leaving do")
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    with world.runtime.sessions() as session:
        rows = session.query(OutboxMessage).all()
        texts = [r for r in rows if r.channel is OutboxChannel.SMS]
        assert rows and all(r.payload["notice"] in ("reminder.meeting", "meeting.invitation")
                            for r in rows)
        assert all("Jo" not in json.dumps(r.payload) and "Jo" not in r.idempotency_key
                   for r in rows)
        assert {r.rsvp_for for r in texts} == {RsvpFor(RsvpSubject.MEETING, 1).stored} or \
            all(RsvpFor.read(r.rsvp_for) is not None for r in texts)


def test_an_anonymous_agenda_item_shows_nowhere_before_its_round(world: World) -> None:
    meeting_id = world.forum()
    meetings = world.runtime.services.meetings
    world.clock.move_to("2026-12-01 18:01:00")  # the 7-day reminder is due
    world.runtime.services.reminders.send_due()
    world.slack.command("/meetings", "agenda", user_id=FACILITATOR)
    world.slack.submit(world.slack.opened_view(), {
        BlockId.AG_TEXT: "Evening sessions for working members",
        BlockId.AG_ANONYMOUS: ["anonymous"]}, user_id=FACILITATOR)  # out at 18:15
    world.slack.command("/meetings", "agenda", user_id=COORDINATOR)
    world.slack.submit(world.slack.opened_view(), {BlockId.AG_TEXT: "The heating is broken"},
                       user_id=COORDINATOR)
    world.deliver()  # the reminder is drawn now, before the anonymous item's round
    posted = json.dumps([c.params for c in world.slack.fake.calls_to("chat.postMessage")])
    assert "The heating is broken" in posted and "Evening sessions" not in posted
    assert meetings.get(meeting_id).agenda == ("The heating is broken",)
    assert all(v.agenda == ("The heating is broken",)
               for v in [*meetings.upcoming_for(FACILITATOR), *meetings.agenda_choices(
                   FACILITATOR)])

    world.clock.move_to("2026-12-01 18:15:00")
    assert meetings.get(meeting_id).agenda == ("Evening sessions for working members",
                                               "The heating is broken")


def test_only_a_member_invited_may_add_to_an_agenda_and_others_learn_nothing(
    world: World
) -> None:
    world.forum(title="Coordinators' forum", invited="coordinator")
    refused = world.slack.text_of(world.slack.command("/meetings", "agenda",
                                                      user_id=FACILITATOR))
    assert "no forum or community meeting planned" in refused  # none they may add to
    world.slack.command("/meetings", "agenda", user_id=COORDINATOR)
    form = world.slack.opened_view()
    for who, anonymous, told in ((FACILITATOR, None, "isn't one you're invited to"),
                                 (FACILITATOR, ["anonymous"], "isn't one you're invited to"),
                                 ("U0NOBODY9", None, "not in our member list")):
        # The coordinator's form, sent by someone else (a crafted request).
        answer = world.slack.submit(form, {BlockId.AG_TEXT: "Could we have tea",
                                           BlockId.AG_ANONYMOUS: anonymous}, user_id=who)
        errors = json.loads(answer.body)["errors"]
        assert list(errors) == [BlockId.AG_MEETING] and told in errors[BlockId.AG_MEETING]
        assert "Coordinators' forum" not in errors[BlockId.AG_MEETING]
    with world.runtime.sessions() as session:
        assert session.query(AgendaItem).count() == 0
    saved = world.slack.submit(form, {BlockId.AG_TEXT: "Could we have tea"},
                               user_id=COORDINATOR)
    assert json.loads(saved.body)["response_action"] == "update"


def test_a_step_whose_coordinator_was_erased_says_a_coordinator(world: World) -> None:
    from sqlalchemy import update

    from handlers.notices import NoticeRenderer
    from storage.models import PresentRequest

    world.forum(kind=MeetingKind.TRUSTEES, title="Trustees' meeting", invited="trustee")
    request = world.runtime.services.meetings.request_to_present(
        FACILITATOR, "Evening sessions for working members")
    world.runtime.services.meetings.step_present(request.id, COORDINATOR,
                                                 RequestStatus.ACKNOWLEDGED)
    with world.runtime.sessions.begin() as session:  # as erasing the coordinator leaves it
        session.execute(update(PresentRequest).values(decided_by=None))
    drawn = NoticeRenderer(world.runtime.services)(
        {"notice": "meeting.present-request", "request_id": request.id},
        OutboxChannel.SLACK_DM)
    assert "Seen by a coordinator." in json.dumps(drawn["blocks"])
    assert "None" not in json.dumps(drawn)


def test_a_coordinator_records_an_answer_given_by_phone_and_it_says_who(world: World) -> None:
    meeting_id = world.forum()
    slack = world.slack
    listing = slack.payload(slack.command("/meetings", "", user_id=COORDINATOR))
    slack.click(listing, ActionId.MEETING_RECORD_ANSWER, user_id=COORDINATOR)
    form = slack.opened_view()
    assert json.loads(form["private_metadata"]) == {"meeting": meeting_id}
    people = next(b for b in form["blocks"] if b.get("block_id") == BlockId.RA_MEMBER)
    dev = next(o["value"] for o in people["element"]["options"]
               if o["text"]["text"] == "Dev Patel")
    done = json.loads(slack.submit(form, {BlockId.RA_MEMBER: dev, BlockId.RA_GOING: "yes"},
                                   user_id=COORDINATOR).body)
    assert done["response_action"] == "update"
    assert "Recorded: Dev Patel is going to Winter forum" in json.dumps(done["view"])
    with world.runtime.sessions() as session:
        [answer] = session.query(MeetingRsvp).all()
        assert (answer.going, answer.recorded_by) == (True, COORDINATOR)
    shown = slack.text_of(slack.command("/meetings", "", user_id=COORDINATOR))
    assert "Going (1): Dev Patel" in shown
    assert f"Dev Patel: going, recorded by <@{COORDINATOR}>" in shown

    # Someone else's click or form is refused, and changes nothing.
    slack.click(listing, ActionId.MEETING_RECORD_ANSWER, user_id=FACILITATOR)
    assert "Only a coordinator" in slack.fake.responses[-1].params["text"]
    refused = json.loads(slack.submit({**form, "id": "V0OTHER"}, {
        BlockId.RA_MEMBER: dev, BlockId.RA_GOING: "no"}, user_id=FACILITATOR).body)
    assert "Only a coordinator" in refused["errors"][BlockId.RA_MEMBER]
    with world.runtime.sessions() as session:
        [answer] = session.query(MeetingRsvp).all()
        assert answer.going is True

    # Their own answer later is theirs: it no longer says a coordinator recorded it.
    world.clock.move_to("2026-12-01 18:00:00")
    world.runtime.services.reminders.send_due()
    world.deliver()
    assert "can't come to the service-user forum" in world.text_in("Sorry, can't make it", DEV)
    with world.runtime.sessions() as session:
        [answer] = session.query(MeetingRsvp).all()
        assert (answer.going, answer.recorded_by) == (False, None)


def test_erasing_a_coordinator_keeps_the_answers_they_recorded_but_not_their_id(
    world: World
) -> None:
    meeting_id = world.forum()
    with world.runtime.sessions() as session:
        dev = MemberRepository(session).get_by_phone(DEV)
        assert dev is not None
        dev_id = dev.id
    world.runtime.services.meetings.answers.record(COORDINATOR, meeting_id, dev_id, True)
    world.runtime.services.privacy.erase(COORDINATOR)
    with world.runtime.sessions() as session:
        [answer] = session.query(MeetingRsvp).all()
        assert (answer.member_id, answer.going, answer.recorded_by) == (dev_id, True, None)


def test_going_from_the_meetings_list_redraws_the_list_with_the_answer(world: World) -> None:
    world.forum()
    slack = world.slack
    listing = slack.payload(slack.command("/meetings", "", user_id=FACILITATOR))
    assert "You haven't said yet" in json.dumps(listing["blocks"])
    slack.click(listing, ActionId.MEETING_GOING, user_id=FACILITATOR, channel="C0GENERAL")
    [redrawn] = [r.params for r in slack.fake.responses if r.params.get("replace_original")]
    assert "You're going" in json.dumps(redrawn["blocks"])
    assert "You haven't said yet" not in json.dumps(redrawn["blocks"])
    assert "you're down for Winter forum" in slack.fake.responses[-1].params["text"]


def test_saving_a_meeting_announces_it_and_invites_everyone_at_once(world: World) -> None:
    world.clock.move_to("2026-11-30 22:00:00")  # late: texts wait for the morning
    slack = world.slack
    slack.command("/meetings", "new", user_id=COORDINATOR)
    answers = {BlockId.MT_TITLE: "Winter forum", BlockId.MT_KIND: "forum",
               BlockId.MT_DAY: "2026-12-08", BlockId.MT_START: "18:00",
               BlockId.MT_END: "20:00", BlockId.MT_PLACE: "Hope Centre",
               BlockId.MT_CHANNEL: "C0FORUM", BlockId.MT_INVITED: "everyone",
               BlockId.MT_REPEAT: "none"}
    slack.submit(slack.opened_view(), answers, user_id=COORDINATOR)
    world.deliver()
    [announced] = [c.params for c in slack.fake.calls_to("chat.postMessage")
                   if c.params["channel"] == "C0FORUM"]
    assert "Winter forum" in announced["text"]
    assert ActionId.MEETING_GOING in json.dumps(announced["blocks"])
    [invited] = world.dms(FACILITATOR)
    assert ActionId.MEETING_NOT_GOING in json.dumps(invited["blocks"])
    assert world.texts(DEV) == []  # quiet hours
    world.clock.move_to("2026-12-01 09:00:00")
    world.deliver()
    [text] = world.texts(DEV)
    assert "You're invited" in text and "Reply YES or NO" in text
    assert "you're down for the service-user forum" in world.text_in("YES", DEV)
    # The seven-day reminder still goes in its time, once.
    assert world.runtime.services.reminders.send_due() == 0
    world.clock.move_to("2026-12-01 18:00:00")
    assert world.runtime.services.reminders.send_due() == 1


def test_an_invitation_takes_the_place_of_a_reminder_already_due(world: World) -> None:
    world.forum(set_invitations_aside=False, day=date(2026, 12, 3))  # three days ahead
    world.deliver()
    assert len(world.texts(DEV)) == 1 and len(world.dms(FACILITATOR)) == 1
    assert world.runtime.services.reminders.send_due() == 0  # no 7-day "reminder" on top
    world.clock.move_to("2026-12-02 18:00:00")
    assert world.runtime.services.reminders.send_due() == 1  # the 1-day one goes as usual


def test_cancel_in_the_meetings_list_asks_first_saying_everyone_invited_is_told(
    world: World,
) -> None:
    """Slack asks before it goes (found in the sandbox trial, whose page showed no such
    question: one click told everyone invited)."""
    world.forum()
    listing = world.slack.payload(world.slack.command("/meetings", "", user_id=COORDINATOR))
    [cancel] = [e for b in listing["blocks"] if b.get("type") == "actions"
                for e in b["elements"] if e["action_id"] == ActionId.MEETING_CANCEL]
    confirm = cancel["confirm"]
    assert confirm["title"]["text"] == "Cancel this meeting?"
    assert "Winter forum" in confirm["text"]["text"]  # which meeting, said plainly
    assert "everyone invited will be told" in confirm["text"]["text"]
    assert confirm["confirm"]["text"] == "Yes, cancel it"
    assert confirm["deny"]["text"] == "Go back"


def test_cancelling_from_the_meetings_list_redraws_the_list_without_it(world: World) -> None:
    """Found in the sandbox trial: the coordinator's /meetings card still listed a meeting
    after it was cancelled, Cancel button and all."""
    world.forum()
    world.forum(title="Spring forum", day=date(2026, 12, 15))
    slack = world.slack
    listing = slack.payload(slack.command("/meetings", "", user_id=COORDINATOR))
    assert "Winter forum" in json.dumps(listing["blocks"])
    slack.click(listing, ActionId.MEETING_CANCEL, user_id=COORDINATOR, channel="C0GENERAL")
    [redrawn] = [r.params for r in slack.fake.responses if r.params.get("replace_original")]
    drawn = json.dumps(redrawn["blocks"])
    assert "Winter forum" not in drawn and "Spring forum" in drawn
    assert drawn.count(ActionId.MEETING_CANCEL) == 1  # only the meeting still going ahead
    assert "is cancelled" in slack.fake.responses[-1].params["text"]

    # The same stale card clicked again (another copy of it, say): drawn again, and told.
    slack.fake.responses.clear()
    slack.click(listing, ActionId.MEETING_CANCEL, user_id=COORDINATOR, channel="C0GENERAL")
    [again] = [r.params for r in slack.fake.responses if r.params.get("replace_original")]
    assert "Winter forum" not in json.dumps(again["blocks"])
    assert "already cancelled" in slack.fake.responses[-1].params["text"]


NEW_FORUM = {BlockId.MT_TITLE: "Winter forum", BlockId.MT_KIND: "forum",
             BlockId.MT_DAY: "2026-12-08", BlockId.MT_START: "18:00", BlockId.MT_END: "20:00",
             BlockId.MT_PLACE: "Hope Centre", BlockId.MT_INVITED: "everyone"}


@pytest.mark.parametrize("repeat", ["none", "monthly"])
def test_a_double_clicked_save_is_confirmed_twice_and_makes_one_meeting(
    world: World, repeat: str
) -> None:
    """Found in the sandbox trial: the second copy of the Save said "Already sent", as if
    something had gone wrong. It is the same meeting, so it gets the same confirmation."""
    slack = world.slack
    slack.command("/meetings", "new", user_id=COORDINATOR)
    form = slack.opened_view()
    answers = {**NEW_FORUM, BlockId.MT_REPEAT: repeat}
    first = json.loads(slack.submit(form, answers, user_id=COORDINATOR).body)
    again = json.loads(slack.submit(form, answers, user_id=COORDINATOR).body)
    assert first["view"]["title"]["text"] == "Meeting saved"
    assert again == first
    with world.runtime.sessions() as session:
        from storage.models import Meeting

        made = session.query(Meeting).count()
    assert made == 1 if repeat == "none" else f"{made} meetings are made" in json.dumps(first)
    world.deliver()
    assert len(world.dms(FACILITATOR)) == 1  # one invitation



def test_going_clicked_twice_on_an_invitation_thanks_them_once(world: World) -> None:
    """Found in the sandbox trial: a double click on Going sent two identical messages."""
    world.forum(set_invitations_aside=False)
    world.deliver()
    [invitation] = world.dms(FACILITATOR)
    slack = world.slack
    for _ in range(2):
        slack.click(invitation, ActionId.MEETING_GOING, user_id=FACILITATOR,
                    channel="D0FACIL02")
    thanked = [r for r in slack.fake.responses if "you're down for" in r.params["text"]]
    assert len(thanked) == 1
    assert world.rsvps() == 1
    # A change of mind is a new answer, and is thanked for.
    slack.click(invitation, ActionId.MEETING_NOT_GOING, user_id=FACILITATOR,
                channel="D0FACIL02")
    assert "can't make" in slack.fake.responses[-1].params["text"]


def test_a_text_reminder_to_someone_who_answered_says_their_answer(world: World) -> None:
    """Found in the sandbox trial: a text-only member who had replied YES was asked "Coming?
    Reply YES or NO" again by the reminder."""
    world.forum(set_invitations_aside=False)
    world.deliver()
    assert "you're down for" in world.text_in("YES", DEV)
    world.twilio.texts.clear()
    world.clock.move_to("2026-12-01 18:00:00")
    assert world.runtime.services.reminders.send_due() == 1
    world.deliver()
    [reminded] = world.texts(DEV)
    assert "You said you're coming. Reply NO if you can't now." in reminded
    assert "Reply YES or NO" not in reminded
    assert "Reply YES or NO" in world.texts(ESME)[0]  # not answered yet: still asked
    assert "can't come" in world.text_in("NO", DEV)  # and a NO to it changes the answer

    world.clock.move_to("2026-12-07 18:00:00")
    world.twilio.texts.clear()
    world.runtime.services.reminders.send_due()
    world.deliver()
    [again] = world.texts(DEV)
    assert "You said you can't come. Reply YES if you can now." in again


def test_an_easy_read_text_reminder_says_their_answer_too() -> None:
    from datetime import UTC, datetime

    from bot.services.meetings import MeetingView
    from handlers.blocks.meetings import easy_reminder

    starts = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    view = MeetingView(1, MeetingKind.FORUM, "Winter forum", starts,
                       starts.replace(hour=20), "Hope Centre", None, "everyone", False, (), 0,
                       ())
    words = {answered: easy_reminder(view, UTC, with_agenda=False, now=starts,
                                     answered=answered)["sms"]
             for answered in (None, True, False)}
    assert "Can you come? Reply YES or NO." in words[None]
    assert "You said you are coming.\nIf you cannot come now, reply NO." in words[True]
    assert "You said you cannot come.\nIf you can come now, reply YES." in words[False]
    assert all("YES or NO" not in words[a] for a in (True, False))


def test_a_cancellation_is_texted_only_to_those_told_of_the_meeting_by_text(
    world: World
) -> None:
    """Found in the sandbox trial: someone on Slack and texts, whose invitation text was held
    for the night, got a text in the morning cancelling a meeting no text had told them of."""
    world.clock.move_to("2026-11-30 22:00:00")  # texts wait for the morning; Slack goes now
    meeting_id = world.forum(set_invitations_aside=False)
    world.deliver()
    assert len(world.dms("U0SAFEG05")) == 1 and world.texts(ESME) == []
    world.runtime.services.meetings.cancel(COORDINATOR, meeting_id)
    world.deliver()
    world.clock.move_to("2026-12-01 09:00:00")
    world.deliver()
    assert any("has been cancelled" in m["text"] for m in world.dms("U0SAFEG05"))
    assert world.texts(ESME) == [] and world.texts(DEV) == []


def test_a_cancellation_is_texted_to_those_the_invitation_reached_by_text(world: World) -> None:
    meeting_id = world.forum(set_invitations_aside=False)
    world.deliver()
    assert len(world.texts(ESME)) == 1 and len(world.texts(DEV)) == 1
    world.runtime.services.meetings.cancel(COORDINATOR, meeting_id)
    world.deliver()
    assert "is cancelled" in world.texts(ESME)[-1] and "is cancelled" in world.texts(DEV)[-1]
