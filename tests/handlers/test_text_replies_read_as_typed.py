"""A member answers a text the way they were asked to, in the words they were shown: "If you
would, text 3." is answered "Text 3", and "Text 1 for ..." is answered "Text 1". Each is the
number, never a message passed on (the safety of a wellbeing check depends on it: a "3" asks
for someone to get in touch). And a "which one?" question shows every choice whole, offering
only the choices it shows. Driven through the signed Twilio webhook."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time

import pytest
from sqlalchemy import Engine

from bot.config import Settings
from bot.rules.communication import Reading
from bot.rules.involvement import Wellbeing
from bot.rules.meetings import MeetingKind
from bot.rules.sms_text import NAME_ROOM, TWO_PARTS, gsm7_length
from storage.models import InboundText, MeetingRsvp, TextQuestion
from tests.conftest import FakeClock, ServerThread, SlackDriver, texting_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.twilio import FakeTwilio
from tests.handlers.test_easy_read_answers_by_text import reply
from tests.handlers.test_easy_read_texts import meeting, reads, said
from tests.handlers.test_wellbeing import HANA, answer_of, involve, posted
from tests.test_texting_over_http import DEV, Phone, World, world

__all__ = ["world"]  # the fixture, used by name below

ASKED_FOR_CONTACT = ("Thank you.\nWe have asked someone to get in touch with you today.\n"
                     "Are you in danger now? Call 999.")


def relayed(world: World) -> list[str]:
    """What was passed on to the team as a message of the member's own."""
    with world.runtime.sessions() as session:
        return [text.body for text in session.query(InboundText)]


# -- a wellbeing check: "If you would, text 3." ---------------------------------------------------
@pytest.mark.parametrize("sent", ["Text 3", "text 3", "three", "Three.", "send 3", "Reply 3",
                                  "number 3", "No. 3", "#3", "Text 3 please", "3."])
def test_text_3_as_asked_asks_for_someone_to_get_in_touch(world: World, sent: str) -> None:
    reads(world, Reading.EASY_READ)
    check_id = involve(world.runtime, DEV)
    world.runtime.services.wellbeing.send_wellbeing_checks()
    world.deliver()
    assert reply(world, "2").endswith("\nIf you would, text 3.")  # what they are told

    assert reply(world, sent) == ASKED_FOR_CONTACT
    assert answer_of(world.runtime, check_id) is Wellbeing.SUPPORT
    world.deliver()
    told = [m for m in posted(world.slack.fake) if m["channel"] == HANA]
    assert len(told) == 1 and told[0]["text"].startswith("Dev Patel")  # the work's contact
    assert relayed(world) == []  # an answer, not a message to read


@pytest.mark.parametrize("reading", list(Reading))
def test_a_check_answered_in_words_the_standard_way_too(world: World, reading: Reading) -> None:
    reads(world, reading)
    check_id = involve(world.runtime, DEV)
    world.runtime.services.wellbeing.send_wellbeing_checks()
    world.deliver()
    reply(world, "Reply 3")
    assert answer_of(world.runtime, check_id) is Wellbeing.SUPPORT


def test_no_without_its_full_stop_is_still_a_no_not_a_number(world: World) -> None:
    reads(world, Reading.EASY_READ)
    check_id = involve(world.runtime, DEV)
    world.runtime.services.wellbeing.send_wellbeing_checks()
    world.deliver()
    assert reply(world, "One more thing, can someone ring me").startswith(
        "Thank you for your text.\nWe have passed it on to our team.\nAre you in danger now?")
    assert answer_of(world.runtime, check_id) is None  # a message: never read as "1 OK"
    assert relayed(world) == ["One more thing, can someone ring me"]


# -- the "which one?" question: "Text 1 for ..." --------------------------------------------------
def three_meetings(world: World) -> dict[str, int]:
    return {"community": meeting(world, MeetingKind.COMMUNITY, date(2026, 12, 8)),
            "agm": meeting(world, MeetingKind.AGM, date(2026, 12, 10)),
            "forum": meeting(world, MeetingKind.FORUM, date(2026, 12, 16))}


def answers(world: World) -> dict[int, bool]:
    with world.runtime.sessions() as session:
        return {r.meeting_id: r.going for r in session.query(MeetingRsvp)}


SECOND = "Text 2 for the yearly meeting (the AGM) on Thursday 10 December."


@pytest.mark.parametrize("sent", ["Text 2", "text 2", "two", "number 2", "Send 2.", "No.2",
                                  "Reply 2", "Text 2 please", SECOND])
def test_text_2_as_shown_answers_the_second_choice(world: World, sent: str) -> None:
    reads(world, Reading.EASY_READ)
    made = three_meetings(world)
    assert SECOND in reply(world, "YES").split("\n")
    assert reply(world, sent).startswith("Thank you.\nYou are coming to the yearly meeting")
    assert answers(world) == {made["agm"]: True}
    # Only the whole line copied back is more than an answer: a person reads it as well.
    assert relayed(world) == ([SECOND] if sent == SECOND else [])


def test_no_2_without_its_full_stop_changes_a_yes_to_a_no(world: World) -> None:
    made = three_meetings(world)
    reply(world, "YES")
    reply(world, "no 2")
    assert answers(world) == {made["agm"]: False}


# -- every choice shown whole, and only those shown offered ----------------------------------------
# A name as long as a text leaves room for (bot/rules/sms_text.py NAME_ROOM).
LONG_NAME = "Riverside Peer Support and Recovery, Kent & Sussex"
AGM_DAY = date(2026, 12, 30)  # a Wednesday in December: the longest day names there are
AGM_TIMES = (time(10, 30), time(11, 30), time(18, 30))
WHOLE_CHOICES = [
    "Text 1 for the yearly meeting (the AGM) on Wednesday 30 December at 10:30am.",
    "Text 2 for the yearly meeting (the AGM) on Wednesday 30 December at 11:30am.",
    "Text 3 for the yearly meeting (the AGM) on Wednesday 30 December at 6:30pm.",
]


@pytest.fixture
def long_named(settings: Settings, engine: Engine, clock: FakeClock, fake_slack: FakeSlack,
               fake_twilio: FakeTwilio) -> Iterator[World]:
    """The texting world of an organisation with a long name."""
    named = settings.model_copy(update={"coprod_org_name": LONG_NAME})
    app, runtime, wsgi = texting_bot(named, engine, clock, fake_twilio)
    with ServerThread(wsgi) as server:
        yield World(runtime, SlackDriver(app, fake_slack), Phone(server.url,
                                                                  fake_twilio.auth_token),
                    fake_twilio)


def test_every_choice_line_shown_is_whole_and_its_number_answers_it(long_named: World) -> None:
    assert len(LONG_NAME) == NAME_ROOM
    world = long_named
    reads(world, Reading.EASY_READ)
    made = [meeting(world, MeetingKind.AGM, AGM_DAY, at) for at in AGM_TIMES]
    status, twiml = world.phone.text("YES")
    assert status == 200
    asked = said(twiml)
    assert (gsm7_length(asked) or 0) <= TWO_PARTS  # too long with every line: some go
    lines = asked.removeprefix(f"{LONG_NAME}: ").split("\n")
    shown = [line for line in lines if line.startswith("Text ")]
    # What tells the three apart (the time) is on every line: none is cut.
    assert shown == WHOLE_CHOICES
    assert "..." not in asked and lines[0] == "You said YES."
    with world.runtime.sessions() as session:
        [question] = session.query(TextQuestion).all()
        offered = question.choices.split()
    assert offered == [f"meeting:{m}" for m in made]  # exactly the choices shown, in order

    reply(world, "Text 3")
    assert answers(world) == {made[2]: True}
