"""What one person alone reads is in their style, wherever they clicked or typed: the private
answer to a meeting RSVP or a session click (easy read words, only words for a screen reader,
the crisis line at its foot), App Home, and the /sessions and /meetings lists. Easy read says
"It is online." of a place that is just online, and a reminder on the day or the day before
says "today" or "tomorrow". Driven through the real Bolt app and the outbox."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.rules.communication import (
    CUES,
    DONE,
    EASY_READ,
    STANDARD,
    WARNING,
    Reading,
    Style,
    has_emoji,
)
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from bot.wiring import Runtime
from handlers.blocks.sessions import easy_on, easy_place
from handlers.blocks.text import crisis_footer
from handlers.ids import ActionId
from storage.repositories import MemberRepository
from tests.conftest import FakeClock, SlackDriver
from tests.samples.reading import texts_in

ADA = "U0COORD01"   # coordinator, trained facilitator
BRAM = "U0FACIL02"  # facilitator
CLEO = "U0TRAIN03"  # facilitator
FIN = "U0MEMBR06"   # member
CHANNEL = "C0TUESDAY"
SCREEN_READER = Style(screen_reader=True)
LONDON = ZoneInfo("Europe/London")


def reads_in(runtime: Runtime, slack_user_id: str, style: Style) -> None:
    """Their communication profile, on their row as the profile form leaves it."""
    with runtime.sessions.begin() as session:
        member = MemberRepository(session).get_by_slack_id(slack_user_id)
        assert member is not None
        member.reading = Reading.EASY_READ if style.easy_read else Reading.STANDARD
        member.screen_reader = style.screen_reader
    assert runtime.services.profiles.style_of(slack_user_id) == style


def a_session(runtime: Runtime, day: date, *, place: str = "Hope Centre",
              channel: str | None = CHANNEL) -> int:
    """A peer group at 6pm, needing two facilitators, one of them trained."""
    [view] = runtime.services.sessions.create(None, SessionDraft(
        title="Peer support group", kind=SessionKind.PEER_GROUP, day=day,
        start_time=time(18, 0), end_time=time(20, 0), place=place, channel=channel))
    return view.id


def a_meeting(runtime: Runtime, day: date, *, place: str = "Hope Centre hall") -> int:
    [view] = runtime.services.meetings.create(None, MeetingDraft(
        title="Winter community meeting", kind=MeetingKind.COMMUNITY, day=day,
        start_time=time(18, 0), end_time=time(20, 0), place=place))
    return view.id


def deliver(runtime: Runtime) -> None:
    runtime.dispatcher().deliver_due()


def dms_to(slack: SlackDriver, user: str) -> list[dict[str, Any]]:
    return [c.params for c in slack.fake.calls_to("chat.postMessage")
            if c.params["channel"] == user]


def with_ts(message: dict[str, Any]) -> dict[str, Any]:
    return {"blocks": message["blocks"], "text": message["text"]}


def answered(slack: SlackDriver) -> dict[str, Any]:
    """The last private answer, through the response_url of what was clicked."""
    ephemeral = [r.params for r in slack.fake.responses
                 if r.params.get("replace_original") is False]
    assert ephemeral, "nobody was answered"
    return {"text": ephemeral[-1]["text"], "blocks": ephemeral[-1]["blocks"]}


def words(message: dict[str, Any]) -> str:
    """Every text a person, or their screen reader, meets in a message or a view."""
    return "\n".join(texts_in(message))


def has_cues(message: dict[str, Any]) -> bool:
    said = words(message)
    return any(cue in said for cue in CUES)


def ends_with_the_crisis_line(runtime: Runtime, message: dict[str, Any]) -> bool:
    return bool(message["blocks"][-1] == crisis_footer(
        runtime.services.settings.coprod_crisis_line))


def card_in_channel(slack: SlackDriver) -> dict[str, Any]:
    post = next(c.params for c in slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == CHANNEL)
    return with_ts(post)


def home_of(slack: SlackDriver) -> dict[str, Any]:
    home = slack.fake.calls_to("views.publish")[-1].params
    view = json.loads(home["view"]) if isinstance(home["view"], str) else home["view"]
    return dict(view)


def open_home(slack: SlackDriver, user: str) -> dict[str, Any]:
    slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    return home_of(slack)


def click_on_home(slack: SlackDriver, user: str, view: dict[str, Any], action_id: str) -> None:
    for block in view["blocks"]:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                response = slack.interactive({
                    "type": "block_actions", "team": {"id": "T0EXAMPLE"}, "user": {"id": user},
                    "api_app_id": "A0COPROD", "trigger_id": "1337.45.abcd",
                    "container": {"type": "view", "view_id": "V0HOME"},
                    "view": {**view, "id": "V0HOME", "hash": "1.h", "type": "home",
                             "state": {"values": {}}},
                    "actions": [{**element, "block_id": block["block_id"],
                                 "action_ts": "1700000000.3"}]})
                assert response.status == 200
                return
    raise AssertionError(f"no {action_id} on Home")


# -- answers to an RSVP --------------------------------------------------------------------------
@pytest.mark.parametrize(("style", "said", "not_said"), [
    (EASY_READ, "Thank you. We have you down as going to *Winter community meeting*.\n"
                "It is on Tuesday 8 December at 6pm.", "you're down for"),
    (STANDARD, "Thanks - you're down for Winter community meeting (Tue 8 Dec, 18:00).",
     "We have you down"),
], ids=["easy read", "standard"])
def test_going_on_a_reminder_is_answered_in_the_clickers_style(
    style: Style, said: str, not_said: str, slack: SlackDriver, members: Runtime,
    clock: FakeClock
) -> None:
    reads_in(members, FIN, style)
    a_meeting(members, date(2026, 12, 8))
    clock.now = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # the day before
    assert members.services.reminders.send_due() == 1
    deliver(members)
    reminder = dms_to(slack, FIN)[-1]
    assert "Reminder" in reminder["text"]

    slack.click(with_ts(reminder), ActionId.MEETING_GOING, user_id=FIN, channel="D0MEMBR06")
    answer = answered(slack)
    assert said in words(answer) and not_said not in words(answer)
    assert ends_with_the_crisis_line(members, answer)
    assert members.services.meetings.upcoming_for(FIN)[0].my_rsvp is True


def test_cant_make_it_is_answered_in_easy_read(slack: SlackDriver, members: Runtime) -> None:
    reads_in(members, FIN, EASY_READ)
    a_meeting(members, date(2026, 12, 8))
    deliver(members)  # the invitation
    [invitation] = dms_to(slack, FIN)
    slack.click(with_ts(invitation), ActionId.MEETING_NOT_GOING, user_id=FIN,
                channel="D0MEMBR06")
    said = words(answered(slack))
    assert "Thank you for telling us you can't make *Winter community meeting*." in said
    assert "Thanks for letting us know" not in said


# -- answers to a click on a session card ---------------------------------------------------------
@pytest.mark.parametrize(("style", "said", "not_said"), [
    (EASY_READ, "Lovely. You are coming to *Peer support group*.\n"
                "It is on Wednesday 25 November at 6pm.\nSee you there.", "you're down to"),
    (STANDARD, "Lovely - you're down to come to *Peer support group* (Wed 25 Nov, 18:00). "
               "See you there.", "You are coming"),
], ids=["easy read", "standard"])
def test_ill_attend_in_a_channel_is_answered_in_the_clickers_style(
    style: Style, said: str, not_said: str, slack: SlackDriver, members: Runtime
) -> None:
    """The card in the channel stays standard for everyone; the answer is read by one."""
    reads_in(members, FIN, style)
    a_session(members, date(2026, 11, 25))
    deliver(members)
    slack.click(card_in_channel(slack), ActionId.SESSION_ATTEND, user_id=FIN, channel=CHANNEL)
    answer = answered(slack)
    assert said in words(answer) and not_said not in words(answer)
    assert ends_with_the_crisis_line(members, answer)


def test_claiming_is_answered_in_easy_read_and_without_pictures_for_a_screen_reader(
    slack: SlackDriver, members: Runtime
) -> None:
    reads_in(members, ADA, EASY_READ)
    reads_in(members, CLEO, SCREEN_READER)
    a_session(members, date(2026, 11, 25))
    deliver(members)
    card = card_in_channel(slack)

    slack.click(card, ActionId.SESSION_CLAIM, user_id=BRAM, channel=CHANNEL)
    standard = answered(slack)
    assert "Thank you - you're facilitating" in words(standard) and has_cues(standard)

    slack.click(card, ActionId.SESSION_CLAIM, user_id=CLEO, channel=CHANNEL)
    plain = answered(slack)
    assert "Thank you - you're facilitating" in words(plain)
    assert "Needs a trained facilitator." in words(plain)
    assert not has_cues(plain) and not has_emoji(words(plain))
    assert ends_with_the_crisis_line(members, plain)

    slack.click(card, ActionId.SESSION_CLAIM, user_id=ADA, channel=CHANNEL)
    easy = words(answered(slack))
    assert "Thank you. You have a place to help run *Peer support group*." in easy
    assert "It has the people it needs to run it." in easy
    assert "you're facilitating" not in easy

    reads_in(members, FIN, EASY_READ)  # a member, not a facilitator
    slack.click(card, ActionId.SESSION_CLAIM, user_id=FIN, channel=CHANNEL)
    refused = words(answered(slack))
    assert "The places to help run a session are for facilitators." in refused
    assert "You can still come along. Tap I'll attend." in refused


def test_a_late_release_asks_and_answers_in_easy_read(
    slack: SlackDriver, members: Runtime
) -> None:
    reads_in(members, ADA, EASY_READ)
    session_id = a_session(members, date(2026, 11, 24))  # tomorrow: less than 48 hours
    members.services.rota.claim(session_id, ADA)
    deliver(members)
    slack.click(card_in_channel(slack), ActionId.SESSION_RELEASE, user_id=ADA, channel=CHANNEL)
    question = answered(slack)
    assert question["text"] == "Do you want to give up your place?"
    assert "That is less than 2 days from now." in words(question)
    assert ends_with_the_crisis_line(members, question)

    slack.click(question, ActionId.SESSION_KEEP_PLACE, user_id=ADA, channel=CHANNEL)
    kept = slack.fake.responses[-1].params
    assert kept["replace_original"] is True
    assert "You still have your place. Thank you." in words(kept)

    slack.click(question, ActionId.SESSION_RELEASE_CONFIRMED, user_id=ADA, channel=CHANNEL)
    released = slack.fake.responses[-1].params
    assert released["replace_original"] is True  # in place of the question
    assert "You have given up your place at *Peer support group*." in words(released)
    assert members.services.sessions.get(session_id).facilitators == ()


def test_cant_come_and_release_on_home_are_answered_by_dm_in_their_style(
    slack: SlackDriver, members: Runtime
) -> None:
    reads_in(members, FIN, EASY_READ)
    session_id = a_session(members, date(2026, 11, 27), channel=None)
    members.services.rota.attend(session_id, FIN, True)
    members.services.rota.claim(session_id, BRAM)

    home = open_home(slack, FIN)
    assert "If you cannot come now, tap I can't come after all." in words(home)
    click_on_home(slack, FIN, home, ActionId.SESSION_CANT_COME)
    [answer] = dms_to(slack, FIN)
    assert "No problem. We have taken you off the list for *Peer support group*." in words(
        answer)
    assert ends_with_the_crisis_line(members, answer)

    click_on_home(slack, BRAM, open_home(slack, BRAM), ActionId.SESSION_RELEASE)
    [released] = dms_to(slack, BRAM)
    assert "Your place at *Peer support group* (Fri 27 Nov, 18:00) is released." in words(
        released)


# -- App Home and the lists ----------------------------------------------------------------------
def test_home_and_sessions_leave_out_pictures_for_a_screen_reader(
    slack: SlackDriver, members: Runtime
) -> None:
    reads_in(members, CLEO, SCREEN_READER)
    a_session(members, date(2026, 11, 27))  # needs two facilitators, one trained

    seen = open_home(slack, BRAM)
    assert f"{WARNING} Needs 2 more facilitators, at least one trained" in words(seen)
    heard = open_home(slack, CLEO)
    assert "Needs 2 more facilitators, at least one trained" in words(heard)
    assert not has_cues(heard) and not has_emoji(words(heard))
    assert len(heard["blocks"]) <= 100
    assert heard["blocks"][-1]["type"] == "context" and "999" in words(heard["blocks"][-1])

    listed = slack.payload(slack.command("/sessions", "", user_id=BRAM))
    assert f"{WARNING} Needs 2 more facilitators" in words(listed)
    for typed in ("", "mine", "30"):
        listed = slack.payload(slack.command("/sessions", typed, user_id=CLEO))
        assert not has_cues(listed) and not has_emoji(words(listed)), typed
    assert "Needs 2 more facilitators" in words(
        slack.payload(slack.command("/sessions", "", user_id=CLEO)))
    for typed in ("", "mine"):  # each list ends with the crisis line, as every message does
        assert ends_with_the_crisis_line(
            members, slack.payload(slack.command("/sessions", typed, user_id=BRAM))), typed


def test_meetings_list_leaves_out_pictures_for_a_screen_reader(
    slack: SlackDriver, members: Runtime
) -> None:
    reads_in(members, CLEO, SCREEN_READER)
    meeting = a_meeting(members, date(2026, 12, 8))
    members.services.meetings.answers.rsvp(meeting, CLEO, True)
    members.services.meetings.answers.rsvp(meeting, BRAM, True)
    assert f"{DONE} You're going" in words(slack.payload(slack.command("/meetings", user_id=BRAM)))
    listed = slack.payload(slack.command("/meetings", user_id=CLEO))
    assert "You're going" in words(listed) and not has_cues(listed)
    assert ends_with_the_crisis_line(members, listed)


def test_easy_read_home_says_sessions_and_meetings_in_easy_read(
    slack: SlackDriver, members: Runtime
) -> None:
    reads_in(members, FIN, EASY_READ)
    session_id = a_session(members, date(2026, 11, 27), channel=None)
    members.services.rota.attend(session_id, FIN, True)
    a_meeting(members, date(2026, 12, 8), place="Online")

    home = open_home(slack, FIN)
    said = words(home)
    assert "Type /feedback to tell us what you think." in said
    assert "It is on Friday 27 November, from 6pm to 8pm." in said
    assert "You said you are coming." in said
    assert "This is a community meeting.\nIt is on Tuesday 8 December at 6pm." in said
    assert "It is online." in said and "It is at Online" not in said
    assert "You have not said yet if you can come." in said
    assert "You haven't said yet" not in said and "Tue 8 Dec" not in said
    assert len(home["blocks"]) <= 100
    assert home["blocks"][-1]["type"] == "context" and "999" in words(home["blocks"][-1])

    click_on_home(slack, FIN, home, ActionId.MEETING_GOING)
    assert "You said you are going." in words(home_of(slack))
    [answer] = dms_to(slack, FIN)
    assert "We have you down as going to *Winter community meeting*." in words(answer)

    standard = open_home(slack, BRAM)
    assert "You haven't said yet" in words(standard)
    assert "You have not said yet" not in words(standard)


def test_easy_read_lists_of_sessions_and_meetings(slack: SlackDriver, members: Runtime) -> None:
    reads_in(members, FIN, EASY_READ)
    a_session(members, date(2026, 11, 27))
    a_meeting(members, date(2026, 12, 8))
    sessions = words(slack.payload(slack.command("/sessions", "", user_id=FIN)))
    assert "It is on Friday 27 November, from 6pm to 8pm." in sessions
    assert "Want to come along? Tap I'll attend." in sessions
    assert "Fri 27 Nov" not in sessions
    meetings = words(slack.payload(slack.command("/meetings", "", user_id=FIN)))
    assert "You have not said yet if you can come." in meetings
    assert "Can you come? Tap Going or Can't make it." in meetings
    mine = words(slack.payload(slack.command("/sessions", "mine", user_id=FIN)))
    assert "You are not down for any sessions." in mine


# -- where, and when, in easy read -----------------------------------------------------------------
@pytest.mark.parametrize(("place", "said"), [
    ("Online", "It is online."),
    ("online", "It is online."),
    (" Online. ", "It is online."),
    ("On-line", "It is online."),
    ("Online (Zoom)", "It is online: Zoom."),
    ("Online: https://meet.example.org/abc",
     "It is online. Use this link to join: <https://meet.example.org/abc|Join online>"),
    ("https://meet.example.org/abc",
     "It is online. Use this link to join: <https://meet.example.org/abc|Join online>"),
    ("Online Library, High Street", "It is at Online Library, High Street."),
    ("Hope Centre & hall", "It is at Hope Centre &amp; hall."),
])
def test_easy_read_says_where(place: str, said: str) -> None:
    assert easy_place(place) == said


@pytest.mark.parametrize(("moment", "now", "said"), [
    (datetime(2026, 12, 9, 18, 0, tzinfo=UTC), datetime(2026, 12, 9, 8, 0, tzinfo=UTC),
     "today at 6pm. That is Wednesday 9 December"),
    (datetime(2026, 12, 9, 18, 0, tzinfo=UTC), datetime(2026, 12, 8, 23, 59, tzinfo=UTC),
     "tomorrow at 6pm. That is Wednesday 9 December"),
    (datetime(2026, 12, 9, 18, 30, tzinfo=UTC), datetime(2026, 12, 7, 18, 0, tzinfo=UTC),
     "on Wednesday 9 December at 6:30pm"),
    # By the organisation's calendar: 00:30 on 2 June in London is still 1 June in UTC.
    (datetime(2026, 6, 1, 23, 30, tzinfo=UTC), datetime(2026, 6, 1, 22, 0, tzinfo=UTC),
     "tomorrow at 12:30am. That is Tuesday 2 June"),
])
def test_easy_read_says_today_and_tomorrow(moment: datetime, now: datetime, said: str) -> None:
    assert easy_on(moment, now, LONDON) == said


def test_an_easy_read_session_reminder_on_the_day_says_today(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    reads_in(members, FIN, EASY_READ)
    session_id = a_session(members, date(2026, 12, 9), place="Online")
    members.services.rota.attend(session_id, FIN, True)
    members.services.rota.claim(session_id, BRAM)  # standard

    clock.now = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    assert members.services.reminders.send_due() == 1
    deliver(members)
    tomorrow = dms_to(slack, FIN)[-1]
    assert tomorrow["text"] == (
        "Reminder: Peer support group is tomorrow at 6pm. That is Wednesday 9 December")
    assert "It is tomorrow at 6pm. That is Wednesday 9 December.\nIt is online." in words(
        tomorrow)

    clock.now = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # two hours before
    assert members.services.reminders.send_due() == 1
    deliver(members)
    today = dms_to(slack, FIN)[-1]
    # The day stays beside "today": read a day late, it still says which day.
    assert "It is today at 6pm. That is Wednesday 9 December." in words(today)
    assert "It's on Wed 9 Dec" in words(dms_to(slack, BRAM)[-1])  # the standard words


def test_an_easy_read_meeting_reminder_the_day_before_says_tomorrow(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    reads_in(members, FIN, EASY_READ)
    a_meeting(members, date(2026, 12, 8), place="online")
    clock.now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # a week before
    members.services.reminders.send_due()
    deliver(members)
    week = words(dms_to(slack, FIN)[-1])
    assert "It is on Tuesday 8 December at 6pm." in week and "It is online." in week

    clock.now += timedelta(days=6)
    assert members.services.reminders.send_due() == 1
    deliver(members)
    reminder = dms_to(slack, FIN)[-1]
    assert reminder["text"] == (
        "Reminder: Winter community meeting is tomorrow at 6pm. That is Tuesday 8 December")
    assert "It is tomorrow at 6pm. That is Tuesday 8 December." in words(reminder)
    assert "It is at online" not in words(reminder)
