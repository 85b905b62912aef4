"""A yes, no or number texted back to an invitation, a policy or a wellbeing check is answered
in the member's own style: the sandbox trial's easy-read member (Dev Patel, texts only) gets
easy read for every answer, and a standard member the standard words. Driven through the
signed Twilio webhook."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.rules.communication import Reading
from bot.rules.meetings import MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from tests.conftest import FakeClock
from tests.handlers.test_easy_read_texts import ORG, meeting, reads, said
from tests.handlers.test_policies import publish
from tests.handlers.test_wellbeing import involve
from tests.samples.reading import (
    EASY_READ_LONGEST_SENTENCE,
    EASY_READ_TARGET,
    plain_lines,
    score,
)
from tests.test_texting_over_http import World, world

__all__ = ["world"]  # the fixture, used by name below


def reply(world: World, body: str) -> str:
    status, twiml = world.phone.text(body)
    assert status == 200
    return said(twiml).removeprefix(f"{ORG}: ")


def reads_easily(text: str) -> bool:
    found = score(plain_lines(text))
    return found.ease >= EASY_READ_TARGET and \
        found.longest_sentence <= EASY_READ_LONGEST_SENTENCE


def test_the_sandbox_trial_in_easy_read(world: World) -> None:
    """Dev Patel chose easy read, and has three meetings texted to them."""
    reads(world, Reading.EASY_READ)
    meeting(world, MeetingKind.COMMUNITY, date(2026, 12, 8))
    meeting(world, MeetingKind.AGM, date(2026, 12, 10))
    meeting(world, MeetingKind.FORUM, date(2026, 12, 16))
    assert reply(world, "YES").split("\n") == [
        "You said YES.", "We sent you more than one.", "Which one is it for?",
        "Text 1 for the community meeting on Tuesday 8 December.",
        "Text 2 for the yearly meeting (the AGM) on Thursday 10 December.",
        "Text 3 for the service-user forum on Wednesday 16 December."]
    coming = reply(world, "1")
    assert coming == ("Thank you.\nYou are coming to the community meeting.\n"
                      "It is on Tuesday 8 December at 6pm.\nSee you there.")
    not_coming = reply(world, "no to the AGM")
    assert not_coming == ("Thank you for telling us.\n"
                          "You cannot come to the yearly meeting (the AGM).\n"
                          "It is on Thursday 10 December at 6pm.\nThat is fine.")
    assert reads_easily(coming) and reads_easily(not_coming)


def test_the_sandbox_trial_in_the_standard_style(world: World) -> None:
    meeting(world, MeetingKind.COMMUNITY, date(2026, 12, 8))
    meeting(world, MeetingKind.AGM, date(2026, 12, 10))
    meeting(world, MeetingKind.FORUM, date(2026, 12, 16))
    assert reply(world, "YES") == ("Which is your YES for? Reply 1 for Community meeting "
                                   "Tue 8 Dec, 2 for AGM Thu 10 Dec, 3 for Service-user "
                                   "forum Wed 16 Dec.")
    assert reply(world, "1") == ("Thanks, you're down for the community meeting on Tue 8 Dec "
                                 "at 18:00. See you there.")
    assert reply(world, "no to the AGM") == ("Thanks for letting us know you can't come to "
                                             "the AGM on Thu 10 Dec at 18:00.")


def session_texted(world: World, clock: FakeClock, kind: SessionKind, *,
                   capacity: int | None = None) -> int:
    start = clock.now + timedelta(days=2)  # Wednesday 25 November
    [made] = world.runtime.services.sessions.create(None, SessionDraft(
        title="Wednesday group", kind=kind, day=start.date(), start_time=time(18, 30),
        end_time=time(20, 0), place="Hope Centre", capacity=capacity))
    world.invite(f"invite:session:{made.id}", session_id=made.id)
    world.deliver()
    return made.id


@pytest.mark.parametrize("reading", list(Reading))
def test_a_session_answered_by_text(world: World, clock: FakeClock, reading: Reading) -> None:
    reads(world, reading)
    full = session_texted(world, clock, SessionKind.DROP_IN, capacity=1)
    world.runtime.services.rota.attend(full, "U0MEMBR06", wants=True)  # Fin takes the place
    said_full = reply(world, "yes")
    said_no = reply(world, "no")
    session_texted(world, clock, SessionKind.PEER_GROUP)
    said_yes = reply(world, "yes to the peer group")
    if reading is Reading.EASY_READ:
        assert said_full == ("Sorry.\nThe drop-in is full.\n"
                             "It is on Wednesday 25 November at 6:30pm.\n"
                             "Someone from our team will get in touch.")
        assert said_no.startswith("Thank you for telling us.\nYou cannot come to the drop-in.")
        assert said_yes == ("Thank you.\nYou are coming to the peer group.\n"
                            "It is on Wednesday 25 November at 6:30pm.\nSee you there.")
        assert all(reads_easily(s) for s in (said_full, said_no, said_yes))
    else:
        assert said_full == ("Sorry, the drop-in on Wed 25 Nov at 18:30 is full. "
                             "A coordinator will be in touch.")
        assert said_no == ("Thanks for letting us know you can't come to the drop-in on "
                           "Wed 25 Nov at 18:30.")
        assert said_yes == ("Thanks, you're down for the peer group on Wed 25 Nov at 18:30. "
                            "See you there.")


@pytest.mark.parametrize("reading", list(Reading))
def test_a_policy_answered_by_text(world: World, reading: Reading) -> None:
    reads(world, reading)
    publish(world.runtime)
    world.deliver()
    agreed = reply(world, "YES")
    publish(world.runtime, "Ground rules", facilitators=False)
    world.deliver()
    declined = reply(world, "No thanks")
    if reading is Reading.EASY_READ:
        assert agreed == ("Thank you.\nYou have read our boundaries policy.\n"
                          "And you agree with it.\nWe have made a note of that.")
        assert declined == ("Thank you for telling us.\nThat is fine.\n"
                            "Do you want to talk about our ground rules?\n"
                            "Someone from our team will be glad to.\nJust text us.")
        assert reads_easily(agreed) and reads_easily(declined)
    else:
        assert agreed == ("Thank you. We've noted that you've read and agree to our "
                          "boundaries policy.")
        assert declined == ("Thank you for letting us know. That's fine - if you'd like to "
                            "talk about our ground rules, a coordinator will be glad to.")


WELLBEING_EXCHANGES = {
    Reading.EASY_READ: [
        ("7", "Sorry, we did not understand.\nPlease text 1, 2 or 3."),
        ("1", "Thank you for telling us.\nTake care."),
        ("2", "Thank you for telling us.\nWould you like someone to get in touch?\n"
              "If you would, text 3."),
        ("3", "Thank you.\nWe have asked someone to get in touch with you today.\n"
              "Are you in danger now? Call 999."),
        ("3", "Thank you.\nWe have already asked someone to get in touch with you."),
    ],
    Reading.STANDARD: [
        ("7", "Sorry, we didn't catch that. Please reply 1, 2 or 3."),
        ("1", "Thank you for letting us know. Take care."),
        ("2", "Thank you for telling us. If you'd like someone to get in touch, just reply 3."),
        ("3", "Thank you. We've asked someone to get in touch with you today. In danger now? "
              "Call 999."),
        ("3", "Thank you. We've already asked someone to get in touch with you."),
    ],
}


@pytest.mark.parametrize("reading", list(Reading))
def test_a_wellbeing_check_answered_by_number(world: World, reading: Reading) -> None:
    reads(world, reading)
    involve(world.runtime, "+447700900104")
    world.runtime.services.wellbeing.send_wellbeing_checks()
    world.deliver()
    for sent, expected in WELLBEING_EXCHANGES[reading]:
        assert reply(world, sent) == expected, sent


@pytest.mark.parametrize("reading", list(Reading))
def test_a_meeting_they_are_not_invited_to(world: World, reading: Reading) -> None:
    reads(world, reading)
    meeting(world, MeetingKind.TRUSTEES, date(2026, 12, 3), invited="trustee")
    assert reply(world, "YES") == {
        Reading.EASY_READ: "Sorry.\nWe could not find a meeting you are invited to.\n"
                           "Do you think you should be invited?\n"
                           "Please ask someone in our team.",
        Reading.STANDARD: "Sorry, we couldn't match your reply to a meeting you're invited "
                          "to. A coordinator can help if you think you should be."}[reading]
