"""Reply keywords and the hours texts may go out, table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.rules.sms_text import (
    NAME_ROOM,
    TWO_PARTS,
    compose_text,
    gsm7_length,
    segments,
    whole_words,
)
from bot.rules.texting import (
    MAX_CHOICES,
    Answer,
    Asked,
    AskWhich,
    Invitation,
    NoLongerOpen,
    Relay,
    Reply,
    RsvpFor,
    RsvpSubject,
    Said,
    chosen_number,
    classify_reply,
    decide_answer,
    next_morning,
    quiet_hours_release,
    read_reply,
    says_more_than_an_answer,
    text_name,
    which_question,
)

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("body", "reply"),
    [
        ("STOP", Reply.STOP), ("stop", Reply.STOP), (" Unsubscribe. ", Reply.STOP),
        ("STOPALL", Reply.STOP), ("quit", Reply.STOP), ("START", Reply.START),
        ("unstop", Reply.START), ("HELP", Reply.HELP), ("info", Reply.HELP),
        ("Yes", Reply.YES), ("y", Reply.YES), ("YES!", Reply.YES), ("no", Reply.NO),
        ("please stop", Reply.OTHER), ("yes please", Reply.OTHER), ("", Reply.OTHER),
        ("Running late, sorry", Reply.OTHER),
        # Copied with our instruction: the keyword still counts (stopping is honoured
        # however it is asked for), and a number is still not a keyword.
        ("Text STOP", Reply.STOP), ("reply stop.", Reply.STOP), ("Text START", Reply.START),
        ("text HELP", Reply.HELP), ("Reply YES", Reply.YES), ("Text NO", Reply.NO),
        ("Text 3", Reply.OTHER), ("three", Reply.OTHER), ("Text STOP please", Reply.OTHER),
        # "no" alone is NO, with or without its full stop; "No. 3" is a number.
        ("NO", Reply.NO), ("No.", Reply.NO), ("No. 3", Reply.OTHER), ("No 3", Reply.OTHER),
    ],
)
def test_classify_reply(body: str, reply: Reply) -> None:
    assert classify_reply(body) is reply


@pytest.mark.parametrize(
    ("utc", "release"),
    [
        # Monday 23 Nov 2026 (London is on GMT): daytime goes at once.
        ((2026, 11, 23, 9, 0), None),
        ((2026, 11, 23, 20, 59), None),
        ((2026, 11, 23, 21, 0), (2026, 11, 24, 9, 0)),
        ((2026, 11, 24, 2, 30), (2026, 11, 24, 9, 0)),
        ((2026, 11, 23, 8, 59), (2026, 11, 23, 9, 0)),
        # Friday night and Saturday morning wait until 10:00 on Saturday.
        ((2026, 11, 27, 22, 0), (2026, 11, 28, 10, 0)),
        ((2026, 11, 28, 9, 30), (2026, 11, 28, 10, 0)),
        ((2026, 11, 28, 10, 0), None),
        # Summer time: 21:00 in London is 20:00 UTC.
        ((2027, 6, 14, 20, 0), (2027, 6, 15, 9, 0)),
    ],
)
def test_quiet_hours(utc: tuple[int, ...], release: tuple[int, ...] | None) -> None:
    now = datetime(*utc, tzinfo=UTC)
    expected = datetime(*release, tzinfo=LONDON) if release else None
    assert quiet_hours_release(now, LONDON) == expected


def test_next_morning_for_the_daily_cap() -> None:
    assert next_morning(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), LONDON) == datetime(
        2026, 11, 24, 9, 0, tzinfo=LONDON)
    assert next_morning(datetime(2026, 11, 27, 15, 0, tzinfo=UTC), LONDON) == datetime(
        2026, 11, 28, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("meeting:12", RsvpFor(RsvpSubject.MEETING, 12)),
        ("session:7", RsvpFor(RsvpSubject.SESSION, 7)),
        (None, None), ("", None), ("meeting:", None), ("meeting:x", None),
        ("incident:3", None), ("session:-1", None), ("12", None),
    ],
)
def test_what_a_yes_or_no_answers_is_read_back_as_stored(stored: str | None,
                                                         read: RsvpFor | None) -> None:
    assert RsvpFor.read(stored) == read
    if read is not None:
        assert read.stored == stored


# -- the conversation about invitations ----------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "going"),
    [
        ("YES", True), ("yes please", True), ("Yes please!", True), ("yeah", True),
        ("Yep.", True), ("y", True), ("ok", True), ("Okay thanks", True), ("sure", True),
        ("\U0001f44d", True), ("yes \U0001f44d", True), ("\U0001f44d\U0001f3fd", True),
        ("\u2713", True), ("\u2705", True), ("YES, I'll be there x", True),
        ("no", False), ("NO.", False), ("nope", False), ("n", False), ("can't", False),
        ("Can\u2019t make it, sorry", False), ("cannot", False), ("sorry no", False),
        ("No thank you", False), ("\u2717", False), ("\U0001f44e", False),
        ("I won't be able to come", False),
    ],
)
def test_the_common_ways_people_say_yes_and_no(body: str, going: bool) -> None:
    assert read_reply(body) == Said(going=going, number=None, words=())


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("1", Said(None, 1, ())), (" 2. ", Said(None, 2, ())), ("yes 1", Said(True, 1, ())),
        ("Yes to the community meeting tomorrow",
         Said(True, None, ("community", "meeting", "tomorrow"))),
        ("no to the forums", Said(False, None, ("forum",))),
        ("Running late", Said(None, None, ("running", "late"))),
        ("", Said(None, None, ())),
        ("yes no", None), ("\U0001f44d \U0001f44e", None), ("1 or 2", None),
    ],
)
def test_what_a_reply_says(body: str, said: Said | None) -> None:
    assert read_reply(body) == said


# A number as people send it back, copying our "If you would, text 3." or "Text 1 for ...":
# each is the number, for a wellbeing check and for our "which one?" question alike.
@pytest.mark.parametrize(
    ("body", "number"),
    [
        ("3", 3), ("3.", 3), (" 3 ", 3), ("3 please", 3), ("3 please call me", 3), ("#3", 3),
        ("# 2", 2), ("Text 3", 3), ("text 3", 3), ("TEXT 3!", 3), ("Text 1", 1),
        ("Txt 2", 2), ("Reply 3", 3), ("reply: 3", 3), ("send 3", 3), ("Send 3.", 3),
        ("number 2", 2), ("Number 2.", 2), ("num 2", 2), ("no. 2", 2), ("No.2", 2),
        ("No. 3 please", 3), ("Text number 3", 3), ("Text no. 3", 3), ("three", 3),
        ("Three.", 3), ("THREE!", 3), ("one", 1), ("two please", 2), ("Text three", 3),
        ("number two", 2), ("Three, please call me", 3), ("five", MAX_CHOICES),
        ("Text 1 for the community meeting", 1),
    ],
)
def test_a_number_sent_back_as_it_was_asked_for_is_that_number(body: str, number: int) -> None:
    assert chosen_number(body) == number
    said = read_reply(body)
    assert said is not None and said.number == number


@pytest.mark.parametrize(
    "body",
    [
        # A yes or no is not a number: "No 3" (no full stop) is a NO, as "3 no" is.
        "No 3", "no 2", "3 no", "yes 2", "NO", "No.", "no", "Yes",
        # A number word only on its own or set off: "One more thing" is a message.
        "One more thing", "One of those days, can someone call", "two of us are coming",
        # More than the most we ever offer, a time, a date, other words.
        "six", "3pm", "30", "3rd", "Text", "Text me", "send me the link", "numbers",
        "number", "#", "", "1 or 2",
    ],
)
def test_what_is_not_a_number_sent_back(body: str) -> None:
    assert chosen_number(body) is None


@pytest.mark.parametrize(
    ("body", "more"),
    [("Text 3", False), ("Text 3 please", False), ("Reply YES please", False),
     ("no. 2", False), ("3 please", False), ("Three, please call me", True),
     ("yes please, see you", True)],
)
def test_our_instruction_copied_is_not_more_than_an_answer(body: str, more: bool) -> None:
    assert says_more_than_an_answer(body) is more


LONDON_TODAY = date(2026, 11, 25)  # a Wednesday
COMMUNITY = Invitation(RsvpFor(RsvpSubject.MEETING, 1), "Community meeting", "Community meeting",
                       datetime(2026, 11, 26, 18, 0, tzinfo=LONDON), answered=False)
FORUM = Invitation(RsvpFor(RsvpSubject.MEETING, 2), "Service-user forum", "Winter forum",
                   datetime(2026, 12, 2, 18, 0, tzinfo=LONDON), answered=False)
GROUP = Invitation(RsvpFor(RsvpSubject.SESSION, 7), "Peer group", "Tuesday group",
                   datetime(2026, 12, 1, 18, 0, tzinfo=LONDON), answered=False)
ANSWERED_FORUM = Invitation(FORUM.rsvp, FORUM.label, FORUM.title, FORUM.starts_at,
                            answered=True)
ASKED_YES = Asked(True, (COMMUNITY.rsvp, FORUM.rsvp))


@pytest.mark.parametrize(
    ("body", "open_", "asked", "decision"),
    [
        # One open question: any yes or no answers it.
        ("Yes please", [FORUM], None, Answer(FORUM.rsvp, True)),
        ("\U0001f44d", [FORUM], None, Answer(FORUM.rsvp, True)),
        ("sorry no", [FORUM], None, Answer(FORUM.rsvp, False)),
        # Several: ask which (soonest first), unless the reply names one.
        ("YES", [FORUM, COMMUNITY], None, AskWhich(True, (COMMUNITY, FORUM))),
        ("no", [FORUM, COMMUNITY, GROUP], None, AskWhich(False, (COMMUNITY, GROUP, FORUM))),
        ("Yes to the community meeting tomorrow", [FORUM, COMMUNITY], None,
         Answer(COMMUNITY.rsvp, True)),
        ("no to the forum", [FORUM, COMMUNITY], None, Answer(FORUM.rsvp, False)),
        ("yes winter forum", [FORUM, COMMUNITY], None, Answer(FORUM.rsvp, True)),
        ("yes thursday", [FORUM, COMMUNITY], None, Answer(COMMUNITY.rsvp, True)),
        ("yes wed 2 dec", [FORUM, COMMUNITY], None, Answer(FORUM.rsvp, True)),
        ("yes tuesday's group", [FORUM, GROUP], None, Answer(GROUP.rsvp, True)),
        ("yes to the meeting", [FORUM, COMMUNITY], None, Answer(COMMUNITY.rsvp, True)),
        ("yes to both meetings", [FORUM, COMMUNITY], None, Relay()),
        # What they have answered already waits behind what they haven't...
        ("yes", [ANSWERED_FORUM, COMMUNITY], None, Answer(COMMUNITY.rsvp, True)),
        # ...but can still be changed, by name, or when it is all that is open.
        ("no to the forum", [ANSWERED_FORUM, COMMUNITY], None, Answer(FORUM.rsvp, False)),
        ("no", [ANSWERED_FORUM], None, Answer(FORUM.rsvp, False)),
        # A number answers the question we asked, with the yes or no given then.
        ("1", [FORUM, COMMUNITY], ASKED_YES, Answer(COMMUNITY.rsvp, True)),
        ("2", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, True)),
        ("2 no", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, False)),
        ("3", [FORUM, COMMUNITY], ASKED_YES, Relay()),
        ("1", [FORUM], ASKED_YES, NoLongerOpen()),
        ("1", [FORUM, COMMUNITY], None, Relay()),
        # The number copied with our instruction, or written as a word, answers it too.
        ("Text 2", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, True)),
        ("Text 1.", [FORUM, COMMUNITY], ASKED_YES, Answer(COMMUNITY.rsvp, True)),
        ("number 2", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, True)),
        ("two", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, True)),
        ("Send 1", [FORUM, COMMUNITY], ASKED_YES, Answer(COMMUNITY.rsvp, True)),
        ("No. 2", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, True)),
        ("no 2", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, False)),
        ("Text 1 for the community meeting", [FORUM, COMMUNITY], ASKED_YES,
         Answer(COMMUNITY.rsvp, True)),
        ("Text 3", [FORUM, COMMUNITY], ASKED_YES, Relay()),
        # Our whole line copied back: its date is a date, not a second number.
        ("Text 2 for the service-user forum on Wednesday 2 December.", [FORUM, COMMUNITY],
         ASKED_YES, Answer(FORUM.rsvp, True)),
        ("yes wednesday 2 december", [FORUM, COMMUNITY], ASKED_YES, Answer(FORUM.rsvp, True)),
        # A number that does not begin the reply, with words that name nothing: for a person.
        ("My 2 kids are ill", [FORUM, COMMUNITY], ASKED_YES, Relay()),
        ("1 or 2", [FORUM, COMMUNITY], ASKED_YES, Relay()),
        ("Reply YES", [FORUM], None, Answer(FORUM.rsvp, True)),
        ("Text NO to the forum", [FORUM, COMMUNITY], None, Answer(FORUM.rsvp, False)),
        # Anything else is for the team.
        ("yes", [], None, Relay()),
        ("Yes but can someone call me?", [FORUM], None, Relay()),
        ("No, I'm not well", [FORUM], None, Relay()),
        ("yes no", [FORUM], None, Relay()),
        ("community meeting", [FORUM, COMMUNITY], None, Relay()),
        ("Running late", [FORUM], ASKED_YES, Relay()),
    ],
)
def test_which_invitation_a_reply_answers(body: str, open_: list[Invitation],
                                          asked: Asked | None, decision: object) -> None:
    assert decide_answer(body, open_, asked, LONDON_TODAY) == decision


def test_the_question_offers_short_numbered_choices_in_plain_gsm7() -> None:
    question = which_question(AskWhich(True, (COMMUNITY, FORUM)))
    assert question == ("Which is your YES for? Reply 1 for Community meeting Thu 26 Nov, "
                        "2 for Service-user forum Wed 2 Dec.")
    same_day = Invitation(RsvpFor(RsvpSubject.MEETING, 3), "Community meeting", "Late one",
                          datetime(2026, 11, 26, 20, 0, tzinfo=LONDON), answered=False)
    assert "1 for Community meeting Thu 26 Nov 18:00, 2 for Community meeting Thu 26 Nov " \
           "20:00" in which_question(AskWhich(False, (COMMUNITY, same_day)))
    five = tuple(Invitation(RsvpFor(RsvpSubject.MEETING, n), "Trustees' meeting", "Board",
                            datetime(2026, 12, n, 18, 0, tzinfo=LONDON), answered=False)
                 for n in range(1, 6))
    text = compose_text("Riverside Peer Support", which_question(AskWhich(True, five)))
    assert segments(text) == ("GSM-7", 2) and "5 for Trustees' meeting Sat 5 Dec." in text


def test_a_question_is_stored_and_read_back() -> None:
    assert ASKED_YES.stored == "meeting:1 meeting:2"
    assert Asked.read(True, "meeting:1 meeting:2") == ASKED_YES
    assert Asked.read(True, "meeting:1 rubbish") is None and Asked.read(False, "") is None


OTHER_SESSION = Invitation(RsvpFor(RsvpSubject.SESSION, 8), "Other", "Hearing voices group",
                           datetime(2026, 11, 25, 18, 30, tzinfo=LONDON), answered=False)


def test_a_session_of_the_kind_other_is_a_session_in_texts() -> None:
    assert text_name("Other") == "Session" and text_name("Peer group") == "Peer group"
    question = which_question(AskWhich(True, (OTHER_SESSION, COMMUNITY)))
    assert question.startswith("Which is your YES for? Reply 1 for Session Wed 25 Nov, ")
    assert decide_answer("yes to the session", [OTHER_SESSION, COMMUNITY], None,
                         LONDON_TODAY) == Answer(OTHER_SESSION.rsvp, True)


def _policy(number: int, title: str) -> Invitation:
    """A policy sent on Thursday 5 November, at a different hour from the others."""
    return Invitation(RsvpFor(RsvpSubject.POLICY, number), title, title,
                      datetime(2026, 11, 5, 8 + number, 0, tzinfo=LONDON), answered=False)


def test_a_question_offers_only_the_choices_its_text_shows_whole() -> None:
    """Five long titles do not fit in two parts: the question offers fewer, so the numbers
    kept for the answer are the numbers shown, and the last one shown is whole."""
    long_ones = [_policy(n, f"Safeguarding adults and children policy {n}") for n in range(1, 6)]
    asked = decide_answer("yes", long_ones, None, LONDON_TODAY)
    assert isinstance(asked, AskWhich) and 1 < len(asked.choices) < 5
    assert asked.choices == tuple(long_ones[:len(asked.choices)])  # soonest first
    text = compose_text("N" * NAME_ROOM, which_question(asked))
    assert (gsm7_length(text) or 0) <= TWO_PARTS and not text.endswith("...")
    last = len(asked.choices)
    assert text.endswith(f", {last} for Safeguarding adults and... Thu 5 Nov {8 + last}:00.")
    # Short ones all fit: five are offered.
    all_five = decide_answer("yes", [_policy(n, "Ground rules") for n in range(1, 6)], None,
                             LONDON_TODAY)
    assert isinstance(all_five, AskWhich) and len(all_five.choices) == 5


@pytest.mark.parametrize(
    ("text", "most", "cut"),
    [
        ("Boundaries policy", 40, "Boundaries policy"),
        ("Boundaries and confidentiality policy for volunteers", 40,
         "Boundaries and confidentiality policy..."),
        # Never "policy ." nor half a word, nor a comma before the dots.
        ("Boundaries and confidentiality policy  for everyone", 40,
         "Boundaries and confidentiality policy..."),
        ("Hope Centre, 12 Long Road", 15, "Hope Centre..."),
        ("Supercalifragilistic", 10, ""),
        ("  spaced   out  ", 40, "spaced out"),
    ],
)
def test_whole_words(text: str, most: int, cut: str) -> None:
    assert whole_words(text, most) == cut
    assert len(whole_words(text, most)) <= most
