"""What we text straight back to a text is in the sender's own style: easy read (one idea a
line, everyday words, whole days and times, what to do next last) for a member who chose it,
the standard words for everyone else, and for a number we don't know. Driven through the
signed Twilio webhook; the words themselves are checked for GSM-7, two parts, and reading
ease."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.rules.communication import EASY_READ, STANDARD, Reading, Style
from bot.rules.meetings import EVERYONE, MeetingDraft, MeetingKind
from bot.rules.sms_text import NAME_ROOM, TWO_PARTS, compose_text, gsm7_length, segments
from bot.rules.texting import (
    AskWhich,
    Happened,
    Invitation,
    RsvpFor,
    RsvpSubject,
    TextBack,
    TextOutcome,
)
from handlers.blocks.texting import easy_words, text_back
from storage.models import MeetingRsvp, OutboxChannel, TextQuestion
from storage.repositories import MemberRepository, OutboxRepository
from tests.conftest import FakeClock
from tests.samples.reading import (
    EASY_READ_LONGEST_SENTENCE,
    EASY_READ_TARGET,
    plain_lines,
    score,
)
from tests.test_texting_over_http import DEV, World, world

__all__ = ["world"]  # the fixture, used by name below

ORG = "Riverside Peer Support"
LONDON = ZoneInfo("Europe/London")
STRANGER = "+447700900555"


def said(twiml: str) -> str:
    """The one text in a webhook's answer, as the phone shows it."""
    [message] = re.findall(r"<Message>(.*?)</Message>", twiml, re.DOTALL)
    return html.unescape(message)


def reads(world: World, reading: Reading, phone: str = DEV) -> None:
    with world.runtime.sessions.begin() as session:
        member = MemberRepository(session).get_by_phone(phone)
        assert member is not None
        member.reading = reading


def meeting(world: World, kind: MeetingKind, day: date, at: time = time(18, 0), *,
            invited: str = EVERYONE) -> int:
    """A meeting, its invitation texted to Dev (as World.meeting, at any time, and to Dev
    even when it is not for them: say their role changed since)."""
    [made] = world.runtime.services.meetings.create(None, MeetingDraft(
        title=kind.value, kind=kind, day=day, start_time=at, end_time=time(at.hour + 1, 0),
        place="Hope Centre", invited=invited))
    with world.runtime.sessions.begin() as session:
        member = MemberRepository(session).get_by_phone(DEV)
        assert member is not None
        OutboxRepository(session).enqueue(
            key=f"invite:meeting:{made.id}", channel=OutboxChannel.SMS, target=str(member.id),
            payload={"text": "Coming? Reply YES or NO."}, now=world.runtime.services.clock(),
            rsvp_for=RsvpFor(RsvpSubject.MEETING, made.id).stored)
    world.deliver()
    return made.id


# -- texting's own answers, in each style --------------------------------------------------------
CRISIS = "{crisis}"
EXCHANGES: dict[Reading, list[tuple[str, str]]] = {
    Reading.EASY_READ: [
        ("Running late, the bus broke down",
         "Thank you for your text.\nWe have passed it on to our team.\n"
         f"Are you in danger now? Call 999.\nTo talk to someone: {CRISIS}"),
        ("HELP", "We send texts about groups and meetings.\nTo stop them, text STOP.\n"
                 f"Are you in danger now? Call 999.\nTo talk to someone: {CRISIS}"),
        ("STOP", "You will not get any more texts from us.\nTo get texts again, text START."),
        ("START", "You will get texts from us again.\nTo stop them, text STOP.\n"
                  "For help, text HELP."),
    ],
    Reading.STANDARD: [
        ("Running late, the bus broke down",
         "Thank you, we've passed your message to the team. In danger now? Call 999. "
         f"To talk: {CRISIS}"),
        ("HELP", "We text about sessions and meetings. Text STOP to stop. In danger now? "
                 f"Call 999. To talk: {CRISIS}"),
        ("STOP", "You won't get any more texts from us. Text START to begin again."),
        ("START", "You'll get texts from us again. Text STOP to stop, HELP for help."),
    ],
}


@pytest.mark.parametrize("reading", list(Reading))
def test_stop_start_help_and_a_message_are_answered_in_the_members_style(
    world: World, reading: Reading
) -> None:
    reads(world, reading)
    crisis = world.runtime.settings.coprod_crisis_line
    for sent, expected in EXCHANGES[reading]:
        status, twiml = world.phone.text(sent)
        assert status == 200
        assert said(twiml) == f"{ORG}: " + expected.replace(CRISIS, crisis), sent
    assert world.dev().has_sms_consent  # STOP, then START, did what they say


def test_an_easy_read_reply_never_repeats_what_they_typed(world: World) -> None:
    reads(world, Reading.EASY_READ)
    text = said(world.phone.text("My anxiety is bad today, can someone ring me")[1])
    assert "anxiety" not in text and "ring" not in text
    assert "We have passed it on to our team.\nAre you in danger now? Call 999." in text


def test_a_number_we_dont_know_gets_the_standard_words(world: World) -> None:
    reads(world, Reading.EASY_READ)  # Dev's choice is Dev's alone
    first = said(world.phone.text("Hi is this the group?", from_number=STRANGER)[1])
    assert first == (f"{ORG}: Thank you for your text. We don't know this number yet, so "
                     "we've passed it to the team. In danger now? Call 999. To talk: "
                     f"{world.runtime.services.settings.coprod_crisis_line}")
    helped = said(world.phone.text("HELP", from_number=STRANGER)[1])
    assert helped.startswith(f"{ORG}: We text about sessions and meetings.")


# -- asking which invitation a yes or no is for ------------------------------------------------
def test_easy_read_asks_which_one_a_line_at_a_time_and_the_number_answers_it(
    world: World
) -> None:
    reads(world, Reading.EASY_READ)
    meeting(world, MeetingKind.COMMUNITY, date(2026, 12, 8))
    agm = meeting(world, MeetingKind.AGM, date(2026, 12, 10))
    meeting(world, MeetingKind.FORUM, date(2026, 12, 16))
    asked = said(world.phone.text("YES")[1])
    assert asked.split("\n") == [
        f"{ORG}: You said YES.", "We sent you more than one.", "Which one is it for?",
        "Text 1 for the community meeting on Tuesday 8 December.",
        "Text 2 for the yearly meeting (the AGM) on Thursday 10 December.",
        "Text 3 for the service-user forum on Wednesday 16 December."]
    world.phone.text("2")
    with world.runtime.sessions() as session:
        answers = {r.meeting_id: r.going for r in session.query(MeetingRsvp)}
    assert answers == {agm: True}


def test_easy_read_offers_three_choices_and_standard_up_to_five(world: World) -> None:
    days = [date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10), date(2026, 12, 15)]
    for day in days:
        meeting(world, MeetingKind.COMMUNITY, day)
    offered = {}
    for reading in (Reading.EASY_READ, Reading.STANDARD):
        reads(world, reading)
        text = said(world.phone.text("yes")[1])
        with world.runtime.sessions() as session:
            [question] = session.query(TextQuestion).all()
            offered[reading] = len(question.choices.split())
        assert ("Wednesday 9 December" in text) is (reading is Reading.EASY_READ)
    assert offered == {Reading.EASY_READ: 3, Reading.STANDARD: 4}


def test_two_choices_on_one_day_say_their_times(world: World) -> None:
    reads(world, Reading.EASY_READ)
    meeting(world, MeetingKind.COMMUNITY, date(2026, 12, 8))
    meeting(world, MeetingKind.COMMUNITY, date(2026, 12, 8), at=time(10, 30))
    asked = said(world.phone.text("NO")[1])
    assert asked.split("\n")[1:] == [
        "We sent you more than one.", "Which one is it for?",
        "Text 1 for the community meeting on Tuesday 8 December at 10:30am.",
        "Text 2 for the community meeting on Tuesday 8 December at 6pm."]
    assert asked.startswith(f"{ORG}: You said NO.")


@pytest.mark.parametrize("reading", list(Reading))
def test_a_choice_that_has_started_is_explained_in_the_members_style(
    world: World, clock: FakeClock, reading: Reading
) -> None:
    reads(world, reading)
    meeting(world, MeetingKind.COMMUNITY, date(2026, 11, 24))  # Tuesday; now is Monday
    meeting(world, MeetingKind.FORUM, date(2026, 12, 2))
    world.phone.text("yes")
    clock.now = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # the first has started
    text = said(world.phone.text("1")[1])
    assert text == f"{ORG}: " + ({
        Reading.EASY_READ: "Sorry.\nThat one has started, or it is not going ahead.\n"
                           "So we cannot take your answer for it now.",
        Reading.STANDARD: "Sorry, that one has started or been cancelled, so we can't take "
                          "an answer for it now."}[reading])


# -- the words themselves -------------------------------------------------------------------------
WHEN = datetime(2026, 12, 8, 18, 0, tzinfo=LONDON)
WHAT = {Happened.COMING: "Community meeting", Happened.NOT_COMING: "AGM",
        Happened.FULL: "Peer group", Happened.CANCELLED: "meeting",
        Happened.AGREED: "Boundaries policy", Happened.NOT_AGREED: "Ground rules"}
CRISIS_LINE = "Samaritans, free, day or night: 116 123"


def outcome(happened: Happened) -> TextOutcome:
    dated = happened in (Happened.COMING, Happened.NOT_COMING, Happened.FULL)
    return TextOutcome(happened, WHAT.get(happened, ""), WHEN if dated else None)


def invitation(number: int, subject: RsvpSubject, label: str, day: int) -> Invitation:
    return Invitation(RsvpFor(subject, number), label, label,
                      datetime(2026, 12, day, 18, 0, tzinfo=LONDON), False)


ASK = AskWhich(True, (invitation(1, RsvpSubject.MEETING, "Community meeting", 8),
                      invitation(2, RsvpSubject.MEETING, "AGM", 10),
                      invitation(3, RsvpSubject.MEETING, "Service-user forum", 16)))
# Every reply a member can be sent; a number we don't know is answered in the standard style.
REPLIES: dict[str, TextOutcome | AskWhich] = {
    **{h.value: outcome(h) for h in Happened if h is not Happened.UNKNOWN_NUMBER},
    "which one": ASK,
}


def worded(said_: TextOutcome | AskWhich, style: Style, org: str = ORG,
           crisis: str = CRISIS_LINE) -> str:
    return text_back(TextBack(said_, style), org_name=org, crisis_line=crisis, tz=LONDON)


@pytest.mark.parametrize("kind", list(REPLIES))
def test_every_easy_reply_reads_easily(kind: str) -> None:
    text = worded(REPLIES[kind], EASY_READ)
    # The organisation's name it starts with is a name, and left out of the score.
    found = score(plain_lines(text.removeprefix(f"{ORG}: ")))
    assert found.ease >= EASY_READ_TARGET, (kind, found)
    assert found.longest_sentence <= EASY_READ_LONGEST_SENTENCE, (kind, found)


@pytest.mark.parametrize("kind", list(REPLIES))
def test_every_reply_has_its_own_easy_words_in_plain_gsm7_and_two_parts(kind: str) -> None:
    easy, standard = worded(REPLIES[kind], EASY_READ), worded(REPLIES[kind], STANDARD)
    assert easy != standard
    assert "\n" in easy and "\n" not in standard  # one idea a line
    for text in (easy, standard):
        assert segments(text)[0] == "GSM-7" and (gsm7_length(text) or 0) <= TWO_PARTS
        assert text.startswith(f"{ORG}: ")
    # Whole days and times as people say them, never the abbreviations.
    assert not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Dec) |\d\d:\d\d", easy), easy


def test_stop_and_help_say_what_carriers_and_people_need_in_both_styles() -> None:
    for style in (STANDARD, EASY_READ):
        stop = worded(TextOutcome(Happened.STOPPED), style)
        assert "any more texts" in stop and re.search(r"\b[Tt]ext START\b", stop)
        helped = worded(TextOutcome(Happened.HELP), style)
        assert "999" in helped and CRISIS_LINE in helped and "STOP" in helped


def test_a_long_easy_reply_keeps_its_last_line_whole() -> None:
    org = "Riverside Peer Support and Recovery Network for Ashford, Bexley and Croydon"
    long_crisis = ("Samaritans, free, day or night, from any phone, even with no credit: "
                   "116 123. Or text SHOUT to 85258, free, at any time of the day or night.")
    whole = "\n".join(easy_words(TextOutcome(Happened.HELP), long_crisis, LONDON))
    assert len(f"{org}: {whole}") > TWO_PARTS  # too long to send whole
    helped = worded(TextOutcome(Happened.HELP), EASY_READ, org, long_crisis)
    assert helped.endswith(f"...\nTo talk to someone: {long_crisis}")
    assert (gsm7_length(helped) or 0) <= TWO_PARTS
    long_ones = AskWhich(False, tuple(
        invitation(n, RsvpSubject.MEETING, "Trustees' meeting", 30) for n in range(1, 4)))
    asked = worded(long_ones, EASY_READ, org)
    assert (gsm7_length(asked) or 0) <= TWO_PARTS and "Text 1 for" in asked
    assert asked.endswith("\nText 3 for the trustees' meeting on Wednesday 30 December at 6pm.")
    # Every choice line is whole, not only the last: what tells two apart (here the time of
    # the first two) is never cut. The lines above the choices go first.
    different = AskWhich(True, (
        Invitation(RsvpFor(RsvpSubject.MEETING, 1), "AGM", "AGM",
                   datetime(2026, 9, 30, 10, 30, tzinfo=LONDON), False),
        Invitation(RsvpFor(RsvpSubject.MEETING, 2), "AGM", "AGM",
                   datetime(2026, 9, 30, 11, 30, tzinfo=LONDON), False),
        Invitation(RsvpFor(RsvpSubject.SESSION, 3), "Other", "Hearing voices group",
                   datetime(2026, 9, 30, 18, 30, tzinfo=LONDON), False)))
    whole_lines = ["Text 1 for the yearly meeting (the AGM) on Wednesday 30 September at 10:30am.",
                   "Text 2 for the yearly meeting (the AGM) on Wednesday 30 September at 11:30am.",
                   "Text 3 for the session on Wednesday 30 September."]
    for name in (org, "N" * NAME_ROOM, ORG):
        asked = worded(different, EASY_READ, name)
        assert (gsm7_length(asked) or 0) <= TWO_PARTS and "..." not in asked, name
        shown = [line for line in asked.split("\n") if line.startswith("Text ")]
        assert shown == whole_lines, name  # all three offered, all three whole
        assert "Hearing" not in asked  # by kind, never by title
    assert worded(different, EASY_READ, ORG).startswith(f"{ORG}: You said YES.\n")


def test_a_long_policy_title_is_cut_at_a_word_with_nothing_stray() -> None:
    titles = ("Boundaries and confidentiality policy for volunteers and staff",
              "Complaints policy for our volunteers, and everyone else")
    ask = AskWhich(True, tuple(invitation(n, RsvpSubject.POLICY, title, 1 + n)
                               for n, title in enumerate(titles, start=1)))
    lines = worded(ask, EASY_READ).split("\n")[-2:]
    assert lines == ["Text 1 for our boundaries and confidentiality policy...",
                     "Text 2 for our complaints policy for our volunteers..."]
    standard = worded(ask, STANDARD)
    assert "1 for Boundaries and... Wed 2 Dec, 2 for Complaints policy for our... Thu 3 Dec" \
        in standard


def test_compose_text_keeps_the_last_line_only_when_asked() -> None:
    body = "\n".join(["A line of words that goes on for a while."] * 9 + ["Reply YES or NO."])
    kept = compose_text(ORG, body, keep_last_line=True)
    assert kept.endswith("...\nReply YES or NO.") and (gsm7_length(kept) or 0) <= TWO_PARTS
    cut = compose_text(ORG, body)
    assert cut.endswith("...") and "Reply YES or NO." not in cut
    assert compose_text(ORG, "Short.\nReply YES.", keep_last_line=True) == (
        f"{ORG}: Short.\nReply YES.")


def test_easy_read_names_kinds_without_abbreviations() -> None:
    lines = easy_words(TextOutcome(Happened.NOT_COMING, "AGM", WHEN), CRISIS_LINE, LONDON)
    assert lines[1] == "You cannot come to the yearly meeting (the AGM)."
    assert lines[2] == "It is on Tuesday 8 December at 6pm."
    assert easy_words(TextOutcome(Happened.CANCELLED, "session"), CRISIS_LINE, LONDON)[1] \
        == "That session is not going ahead now."

