"""What a text says of a session or meeting, and where it is: its kind, never its title (a
title like "Hearing voices group" is a health detail on a lock screen), a session of the kind
"Other" called a session, and a link to join only whole (part of a link leads nowhere), in
both styles. Driven as the reminders and invitations really go: through the outbox to the fake
Twilio, and through the signed webhook for replies."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from bot.rules.communication import Reading
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from bot.rules.sms_text import TWO_PARTS, gsm7_length
from tests.conftest import FakeClock
from tests.handlers.test_easy_read_answers_by_text import reply
from tests.handlers.test_easy_read_texts import ORG, reads
from tests.test_texting_over_http import World, texts_to, world

__all__ = ["world"]  # the fixture, used by name below

ADA = "U0COORD01"  # a coordinator and facilitator, reached by Slack and by text
ADA_PHONE = "+447700900101"
# A link to join as Teams writes them: too long to go whole in a text beside the rest.
TEAMS = ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ1ZTk1ZDItYjVhNS00YzQ5LWE4"
         "ZjgtZGE0NzQ2MzY1NDAx%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab"
         "-2d7cd011db47%22%2c%22Oid%22%3a%22b0f8f1a2-6b2e-4c9a-9d2e-3c1f2a4b5c6d%22%7d")
ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ123456"


def session_reminded(world: World, clock: FakeClock, *, title: str, place: str,
                     kind: SessionKind = SessionKind.PEER_GROUP) -> list[str]:
    """A session Dev said YES to by text and Ada facilitates, and the texts its reminder the
    day before sends: Dev's, then Ada's."""
    start = clock.now + timedelta(days=2)  # Wednesday 25 November
    [made] = world.runtime.services.sessions.create(None, SessionDraft(
        title=title, kind=kind, day=start.date(), start_time=time(18, 30),
        end_time=time(20, 0), place=place))
    world.invite(f"invite:session:{made.id}", session_id=made.id)
    world.deliver()
    reply(world, "yes")
    world.runtime.services.rota.claim(made.id, ADA)
    world.deliver()
    world.twilio.texts.clear()
    clock.now = datetime(2026, 11, 24, 18, 30, tzinfo=clock.now.tzinfo)  # the day before
    assert world.runtime.services.reminders.send_due() == 1
    world.deliver()
    [to_dev], [to_ada] = texts_to(world.twilio), texts_to(world.twilio, ADA_PHONE)
    return [to_dev, to_ada]


@pytest.mark.parametrize("reading", list(Reading))
def test_a_session_reminder_text_names_its_kind_never_its_title(
    world: World, clock: FakeClock, reading: Reading
) -> None:
    reads(world, reading)
    to_dev, to_ada = session_reminded(world, clock, title="Hearing voices group",
                                      place="Hope Centre")
    for text in (to_dev, to_ada):
        assert "Hearing" not in text and "voices" not in text, text
    if reading is Reading.EASY_READ:
        lines = to_dev.removeprefix(f"{ORG}: ").split("\n")
        assert lines[0] == "Reminder: you are coming to the peer group."
        assert lines[2:] == ["It is at Hope Centre.", "Are you still coming? Reply YES or NO."]
    else:
        assert to_dev == (f"{ORG}: Reminder: Peer group on Wed 25 Nov at 18:30, Hope Centre. "
                          "Still coming? Reply YES or NO.")
    # Ada chose the standard style; she runs it, so is asked nothing.
    assert to_ada == (f"{ORG}: Reminder: you're facilitating the peer group on Wed 25 Nov at "
                      "18:30, Hope Centre.")


@pytest.mark.parametrize("reading", list(Reading))
def test_a_session_of_the_kind_other_is_a_session(
    world: World, clock: FakeClock, reading: Reading
) -> None:
    reads(world, reading)
    to_dev, to_ada = session_reminded(world, clock, title="Hearing voices group",
                                      place="Hope Centre", kind=SessionKind.OTHER)
    assert to_ada.startswith(f"{ORG}: Reminder: you're facilitating the session on Wed 25 Nov")
    assert to_dev.startswith(f"{ORG}: " + {
        Reading.EASY_READ: "Reminder: you are coming to the session.\n",
        Reading.STANDARD: "Reminder: Session on Wed 25 Nov at 18:30, Hope Centre."}[reading])
    said = reply(world, "no")
    assert said == {
        Reading.EASY_READ: "Thank you for telling us.\nYou cannot come to the session.\n"
                           "It is on Wednesday 25 November at 6:30pm.\nThat is fine.",
        Reading.STANDARD: "Thanks for letting us know you can't come to the session on "
                          "Wed 25 Nov at 18:30."}[reading]
    assert "other" not in said.lower()


@pytest.mark.parametrize("reading", list(Reading))
def test_a_session_online_with_a_link_too_long_for_a_text(
    world: World, clock: FakeClock, reading: Reading
) -> None:
    reads(world, reading)
    to_dev, to_ada = session_reminded(world, clock, title="Tuesday group",
                                      place=f"Online (Teams) {TEAMS}")
    for text in (to_dev, to_ada):
        assert "https://" not in text and "teams.microsoft" not in text, text
        assert (gsm7_length(text) or 0) <= TWO_PARTS
    assert to_ada.endswith("18:30, online on Teams, text us for the link.")
    if reading is Reading.EASY_READ:
        assert "\nIt is online: Teams.\nText us for the link to join.\n" in to_dev
    else:
        assert "18:30, online on Teams, text us for the link. Still coming?" in to_dev


# -- meetings ----------------------------------------------------------------------------------
def invited_to_forum(world: World, place: str) -> str:
    """A forum for everyone set up, and the invitation texted to Dev."""
    world.twilio.texts.clear()
    world.runtime.services.meetings.create(None, MeetingDraft(
        title="Winter forum", kind=MeetingKind.FORUM, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place=place))
    world.deliver()
    [text] = texts_to(world.twilio)
    assert (gsm7_length(text) or 0) <= TWO_PARTS and text.startswith(f"{ORG}: ")
    return text.removeprefix(f"{ORG}: ")


# Where, as each style texts it: a link whole, or where to get it; "Online (Zoom)" as words.
WHERE = {
    Reading.EASY_READ: [
        (TEAMS, "It is online.\nText us for the link to join."),
        (f"Online: {TEAMS}", "It is online.\nText us for the link to join."),
        (ZOOM, f"It is online.\nJoin here: {ZOOM}"),
        (f"Online (Zoom) {ZOOM}", f"It is online: Zoom.\nJoin here: {ZOOM}"),
        ("Online (Zoom)", "It is online: Zoom."),
        ("online - Teams", "It is online: Teams."),
        ("Online", "It is online."),
        ("Hope Centre & hall", "It is at Hope Centre & hall."),
        ("Online Library, High Street", "It is at Online Library, High Street."),
    ],
    Reading.STANDARD: [
        (TEAMS, "Service-user forum on Tue 8 Dec at 18:00, online, text us for the link."),
        (f"Online: {TEAMS}",
         "Service-user forum on Tue 8 Dec at 18:00, online, text us for the link."),
        (ZOOM, f"Service-user forum on Tue 8 Dec at 18:00, {ZOOM}."),
        (f"Online (Zoom) {ZOOM}",
         f"Service-user forum on Tue 8 Dec at 18:00, Online (Zoom) {ZOOM}."),
        ("Online (Zoom)", "Service-user forum on Tue 8 Dec at 18:00, Online (Zoom)."),
        ("Hope Centre, 12 Long Road, Ashford, next to the station, in the back room upstairs",
         "Service-user forum on Tue 8 Dec at 18:00, Hope Centre, 12 Long Road, Ashford, next "
         "to the station..."),
    ],
}


@pytest.mark.parametrize(("reading", "place", "where"),
                         [(r, p, w) for r, cases in WHERE.items() for p, w in cases],
                         ids=[f"{r.value}: {p[:32]}" for r, cases in WHERE.items()
                              for p, _ in cases])
def test_an_invitation_text_says_where_with_a_link_only_whole(
    world: World, reading: Reading, place: str, where: str
) -> None:
    reads(world, reading)
    text = invited_to_forum(world, place)
    assert where in text, text
    assert text.count("https://") == where.count("https://")  # never part of a link
