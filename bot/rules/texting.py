"""Texting rules: what a reply means, which open invitation a yes or no answers, what answering
it did (for the words texted back), and when a text may go out (quiet hours, the daily cap)."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.rules.communication import STANDARD, Style
from bot.rules.forms import is_whole_number
from bot.rules.sessions import SESSION_KIND_WORDS, SessionKind
from bot.rules.sms_text import TWO_PARTS, gsm7_length, room_beside, to_gsm7, whole_words

# The words carriers and Twilio treat as opting out and back in, each only as the whole text
# (we take them after our own "Text" too: classify_reply).
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                           "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})

QUIET_FROM = time(21, 0)
QUIET_UNTIL_WEEKDAY = time(9, 0)
QUIET_UNTIL_WEEKEND = time(10, 0)


class Reply(enum.StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    YES = "yes"
    NO = "no"
    OTHER = "other"


def classify_reply(body: str) -> Reply:
    """One word (any case, trailing punctuation ignored) is a keyword, and so is one with our
    instruction copied before it ("Text STOP", as our texts say it, stops texts too). Anything
    longer is a message for the team. START is also YES to Twilio, but here START always
    means opt in."""
    words = body.strip().split()
    if len(words) == 2 and words[0].strip(".!,:").lower() in INSTRUCTIONS:
        words = words[1:]
    if len(words) != 1:
        return Reply.OTHER
    word = words[0].strip(".!,").upper()
    if word in OPT_OUT_WORDS:
        return Reply.STOP
    if word in OPT_IN_WORDS:
        return Reply.START
    if word in HELP_WORDS:
        return Reply.HELP
    said = read_reply(word)
    if said is not None and said.going is not None and not said.words:
        return Reply.YES if said.going else Reply.NO
    return Reply.OTHER


class RsvpSubject(enum.StrEnum):
    """What a reply by text can answer: a YES or NO (a meeting, a session, a policy to agree
    to), or a number (a wellbeing check's "Reply 1 ..., 2 ..., 3 ...")."""

    MEETING = "meeting"
    SESSION = "session"
    POLICY = "policy"
    WELLBEING = "wellbeing"


@dataclass(frozen=True)
class RsvpFor:
    """The meeting or session a text invites someone to, so that a YES or NO to it can be
    answered. Stored as "meeting:12" on the text's outbox row (and as the subject of the
    reminder log): built and read only here."""

    subject: RsvpSubject
    id: int

    @property
    def stored(self) -> str:
        return f"{self.subject.value}:{self.id}"

    @classmethod
    def read(cls, stored: str | None) -> RsvpFor | None:
        """The invitation a stored value names; None for anything else."""
        subject, _, number = (stored or "").partition(":")
        if subject not in set(RsvpSubject) or not is_whole_number(number):
            return None
        return cls(RsvpSubject(subject), int(number))


# -- a conversation about invitations ------------------------------------------------------------
# How people say yes and no, once a reply is made plain (lower case, no punctuation, "can't" as
# "cant"). Symbols and emoji count as words of their own.
YES_SAYINGS = frozenset({"yes", "y", "ye", "yeah", "yea", "yep", "yup", "ya", "yah", "aye",
                         "ok", "okay", "k", "kk", "sure", "definitely", "absolutely"})
NO_SAYINGS = frozenset({"no", "n", "nope", "nah", "cant", "cannot", "wont", "not", "unable"})
SYMBOL_SAYINGS = {
    "\U0001f44d": "yes", "\U0001f44c": "yes", "\u2713": "yes", "\u2714": "yes",
    "\u2705": "yes", "\u2611": "yes",
    "\U0001f44e": "no", "\u2717": "no", "\u2718": "no", "\u274c": "no", "\u274e": "no",
}
# Words that change nothing about a yes or no ("yes please", "sorry, can't make it"). A reply
# with any other word that names none of the person's invitations is for the team to read.
FILLER = frozenset({
    "please", "pls", "plz", "thanks", "thank", "thankyou", "thx", "ta", "cheers", "you",
    "sorry", "afraid", "unfortunately", "i", "im", "ill", "id", "will", "shall", "would", "be",
    "there", "to", "the", "for", "a", "an", "at", "on", "of", "and", "me", "we", "x", "xx",
    "xxx", "make", "it", "come", "coming", "go", "going", "attend", "attending", "can", "able",
    "that", "this", "one", "fine", "great", "lovely", "love", "like", "see", "so", "oh", "hi",
    "hello", "really", "very", "much", "just", "next", "course", "count", "in", "thats",
})
# An answer of up to this many words ("yes please", "no sorry") is only an answer; anything
# longer is also shown to a coordinator, in case it says more.
ANSWER_WORDS = 2


def says_more_than_an_answer(body: str) -> bool:
    return len(re.findall(r"[^\W_]+", as_answered(body))) > ANSWER_WORDS


MAX_CHOICES = 5  # numbered choices in one question; five still fit in two parts
EASY_READ_CHOICES = 3  # easy read: fewer choices, each on a line of its own
QUESTION_STANDS = timedelta(days=3)  # how long "1" or "2" answers the question we asked


@dataclass(frozen=True)
class Said:
    """A reply as read: its yes or no (None if neither), a number ("1"), and the other words,
    which may name an invitation."""

    going: bool | None
    number: int | None
    words: tuple[str, ...]


# The words our texts ask for an answer with ("Text 3", "Reply YES or NO"): copied before the
# answer, they are not part of it.
INSTRUCTIONS = frozenset({"text", "txt", "reply", "send"})
# A number written as a word, up to the most choices we ever offer ("three").
NUMBER_NAMES = {name: n for n, name in enumerate(
    ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"), start=1)
    if n <= MAX_CHOICES}
# An answer as copied from our texts: our instruction first ("Text 3", "Reply YES"), then a
# sign that a number follows ("number 2", "no. 2", "#2"; "no 2" without the dot is a NO),
# then the number, as a digit or a word.
_INSTRUCTED = re.compile(r"^\W*(?:" + "|".join(sorted(INSTRUCTIONS)) + r")\b[\s.:,!-]*(?=\S)",
                         re.IGNORECASE)
_NUMBER_SIGN = re.compile(r"^\W*(?:(?:number|num)\b|no\s*\.|\#)[\s.:#]*(?=\d|[a-z])",
                          re.IGNORECASE)
_NUMBER_FIRST = re.compile(r"^\W*(?P<number>\d|" + "|".join(NUMBER_NAMES) + r")\b(?P<rest>.*)$",
                           re.IGNORECASE | re.DOTALL)


def as_answered(body: str) -> str:
    """A reply with our instruction it copied left out ("Text 3" is "3", "Reply YES" is
    "YES"), and a number it begins with as a digit: "number 2", "no. 2", "#2", "three".
    A number written as a word counts only on its own or set off ("Three, please call"),
    so that "One more thing..." stays a message."""
    rest = _INSTRUCTED.sub("", body, count=1)
    signed = _NUMBER_SIGN.sub("", rest, count=1)
    first = _NUMBER_FIRST.match(signed)
    if first is None:
        return rest
    number, after = first["number"].lower(), first["rest"]
    if number.isdigit():
        return f"{number}{after}"
    set_off = not after.strip() or after.lstrip()[:1] in ",.;:!-)" or \
        all(word in FILLER for word in _plain_words(after))
    return f"{NUMBER_NAMES[number]}{after}" if set_off else rest


def _plain_words(body: str) -> list[str]:
    text = body.lower().replace("\u2019", "").replace("'", "")
    for symbol, word in SYMBOL_SAYINGS.items():
        text = text.replace(symbol, f" {word} ")
    return re.sub(r"[\W_]+", " ", text).split()


def _stem(word: str) -> str:
    """"meetings" and "meeting", "thursdays" and "thursday", name the same thing."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


# A day of the month before one of these is a date ("Tuesday 8 December"), not a number.
MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec"})


def read_reply(body: str) -> Said | None:
    """What a reply says. None when it says both yes and no, or gives two numbers: that is
    for a person to read."""
    yes = no = False
    numbers: list[int] = []
    words: list[str] = []
    plain = _plain_words(as_answered(body))
    for at, word in enumerate(plain):
        if word in YES_SAYINGS:
            yes = True
        elif word in NO_SAYINGS:
            no = True
        elif is_whole_number(word) and len(word) == 1 and not (
                at + 1 < len(plain) and plain[at + 1] in MONTHS):
            numbers.append(int(word))
        elif word not in FILLER:
            words.append(_stem(word))
    if (yes and no) or len(numbers) > 1:
        return None
    return Said(going=True if yes else False if no else None,
                number=numbers[0] if numbers else None, words=tuple(words))


def chosen_number(body: str) -> int | None:
    """The number a reply begins with ("3", "3 please call me", "Text 3", "number 3",
    "three"), answering a question we asked by number; None when it says yes or no, or does
    not begin with a number."""
    said = read_reply(body)
    if said is None or said.number is None or said.going is not None \
            or not _begins_with(body, said.number):
        return None
    return said.number


def _begins_with(body: str, number: int) -> bool:
    return _plain_words(as_answered(body))[:1] == [str(number)]


@dataclass(frozen=True)
class Invitation:
    """An invitation texted to someone and still open (not started, not cancelled), as a
    reply to it is read. `label` is what a text may call it ("Community meeting"): never the
    title, which a text does not carry; the title's words only help recognise it."""

    rsvp: RsvpFor
    label: str
    title: str
    starts_at: datetime  # in the organisation's time zone
    answered: bool


# What a text calls a kind of thing whose own word says nothing alone: a session of the kind
# "Other" is a session ("you're down for the session on...", never "the other").
TEXT_NAMES = {SESSION_KIND_WORDS[SessionKind.OTHER]: "Session"}


def text_name(kind: str) -> str:
    """"Community meeting", "Peer group"; "Session" for a session of the kind Other."""
    return TEXT_NAMES.get(kind, kind)


def names_of(invitation: Invitation, today: date) -> frozenset[str]:
    """The words that name an invitation in a reply: its kind, its title's words, its day."""
    day = invitation.starts_at.date()
    weekday = f"{day:%A}".lower()
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        day.day % 10, "th")
    words = {*_plain_words(invitation.label), *_plain_words(text_name(invitation.label)),
             *_plain_words(invitation.title), weekday,
             weekday[:3], weekday[:4], f"{weekday[:3]}s", f"{weekday[:4]}s",
             str(day.day), f"{day.day}{suffix}", f"{day:%B}".lower(), f"{day:%b}".lower()}
    if day == today:
        words |= {"today", "tonight"}
    elif day == today + timedelta(days=1):
        words.add("tomorrow")
    return frozenset(_stem(w) for w in words)


@dataclass(frozen=True)
class Asked:
    """A question we texted ("Reply 1 for..., 2 for..."): the yes or no it was asked about,
    and the choices in the order offered. Stored as "meeting:3 session:7"; read only here."""

    going: bool
    choices: tuple[RsvpFor, ...]

    @property
    def stored(self) -> str:
        return " ".join(choice.stored for choice in self.choices)

    @classmethod
    def read(cls, going: bool, stored: str) -> Asked | None:
        choices = tuple(RsvpFor.read(part) for part in stored.split())
        if not choices or any(c is None for c in choices):
            return None
        return cls(going, tuple(c for c in choices if c is not None))


@dataclass(frozen=True)
class Answer:
    """Record this yes or no for this invitation."""

    rsvp: RsvpFor
    going: bool


@dataclass(frozen=True)
class AskWhich:
    """Several invitations fit: ask which, with numbered choices."""

    going: bool
    choices: tuple[Invitation, ...]


@dataclass(frozen=True)
class NoLongerOpen:
    """A number for a choice that has since started or been cancelled."""


@dataclass(frozen=True)
class Relay:
    """Not an answer we can take: the team reads it."""


Decision = Answer | AskWhich | NoLongerOpen | Relay


def _named(words: Sequence[str], invitations: Sequence[Invitation],
           today: date) -> list[Invitation] | None:
    """The invitations the words name: those named by every word, else any named by one.
    None when a word names none of them (the reply says something else)."""
    names = {inv.rsvp: names_of(inv, today) for inv in invitations}
    if any(not any(w in names[inv.rsvp] for inv in invitations) for w in words):
        return None
    every = [inv for inv in invitations if all(w in names[inv.rsvp] for w in words)]
    return every or [inv for inv in invitations if any(w in names[inv.rsvp] for w in words)]


def decide_answer(body: str, invitations: Sequence[Invitation], asked: Asked | None,
                  today: date, most: int = MAX_CHOICES) -> Decision:
    """What a member's reply does, given their open invitations and the question we last
    asked them. A plain yes or no answers the invitations they have not answered yet (or, once
    they have answered all, changes an answer); one that names an invitation answers that
    one; a number answers the question we asked. Several that fit: ask which, offering the
    `most` soonest."""
    said = read_reply(body)
    if said is None:
        return Relay()
    words, number = said.words, said.number
    if number is not None and asked is None:
        words, number = (*words, str(number)), None  # not a choice: a day of the month?
    named = _named(words, invitations, today)
    # A number our reply begins with answers our question whatever follows it: most often our
    # own line copied back ("Text 2 for the yearly meeting (the AGM) on..."); anything more is
    # also read by a person (says_more_than_an_answer).
    if named is None and not (number is not None and _begins_with(body, number)):
        return Relay()
    if number is not None and asked is not None:
        if not 1 <= number <= len(asked.choices):
            return Relay()
        going = asked.going if said.going is None else said.going
        chosen = next((i for i in invitations if i.rsvp == asked.choices[number - 1]), None)
        return Answer(chosen.rsvp, going) if chosen else NoLongerOpen()
    if said.going is None:
        return Relay()
    pool = named if words else ([i for i in invitations if not i.answered] or named)
    if not pool:
        return Relay()
    if len(pool) == 1:
        return Answer(pool[0].rsvp, said.going)
    soonest = sorted(pool, key=lambda i: (i.starts_at, i.rsvp.stored))[:most]
    return AskWhich(said.going, offered_whole(said.going, soonest))


def offered_whole(going: bool, choices: Sequence[Invitation]) -> tuple[Invitation, ...]:
    """The choices a question offers: as many as its text shows whole, so that the numbers
    kept for the answer are exactly the numbers the member read. The standard question is one
    line of them all; easy read's (handlers/blocks/texting.py) has at most EASY_READ_CHOICES,
    a line each, which always fit whole beside a name of NAME_ROOM characters."""
    offered = tuple(choices)
    while len(offered) > 1 and _question_length(AskWhich(going, offered)) > room_beside(""):
        offered = offered[:-1]
    return offered


def _question_length(ask: AskWhich) -> int:
    return gsm7_length(to_gsm7(which_question(ask))) or TWO_PARTS


# -- what a text did, for the words texted straight back --------------------------------------
class Happened(enum.StrEnum):
    """What a text someone sent us did. The words for each, standard and easy read, are in
    handlers/blocks/texting.py."""

    # Texting's own answers.
    STOPPED = "stopped"  # no more texts until they text START
    STARTED = "started"
    HELP = "help"
    PASSED_ON = "passed on"  # a message for the team to read
    UNKNOWN_NUMBER = "unknown number"  # passed on, from a number not in the member list
    UNKNOWN_START = "start from unknown"  # START from a number not in the member list
    NO_LONGER_OPEN = "no longer open"  # a number for a choice since started or cancelled
    # A YES or NO to a meeting or a session.
    COMING = "coming"
    NOT_COMING = "not coming"
    FULL = "full"
    CANCELLED = "cancelled"
    NOT_INVITED = "not invited"
    # A YES or NO to a policy.
    AGREED = "agreed"
    NOT_AGREED = "not agreed"
    POLICY_UPDATED = "policy updated"
    # A number answering a wellbeing check.
    CHECK_NOT_UNDERSTOOD = "check not understood"
    CONTACT_ASKED = "contact asked"  # someone will get in touch today
    CONTACT_ALREADY_ASKED = "contact already asked"
    CHECK_MIXED = "check mixed"
    CHECK_WELL = "check well"


@dataclass(frozen=True)
class TextOutcome:
    """What answering by text did, as an area's desk tells it: `what` is the kind of thing it
    was ("Community meeting", "session") or our policy's name, never a title, which a text
    does not carry; `when` is when it starts (in the organisation's time zone)."""

    happened: Happened
    what: str = ""
    when: datetime | None = None


@dataclass(frozen=True)
class TextBack:
    """The reply to text straight back, as data, and the style to word it in: the member's
    own, or standard for a number we don't know. `said` is what happened, the question asking
    which invitation a yes or no is for, or (from a desk that words its own answers) the words
    themselves, in the standard style."""

    said: TextOutcome | AskWhich | str
    style: Style = STANDARD


def which_question(ask: AskWhich) -> str:
    """"Which is your YES for? Reply 1 for Community meeting Thu 26 Nov, 2 for ..."."""
    days = [f"{whole_words(text_name(i.label), 30)} {i.starts_at:%a} {i.starts_at.day} "
            f"{i.starts_at:%b}" for i in ask.choices]
    labels = [f"{day} {i.starts_at:%H:%M}" if days.count(day) > 1 else day
              for day, i in zip(days, ask.choices, strict=True)]
    choices = ", ".join(f"{n} for {label}" for n, label in enumerate(labels, start=1))
    return f"Which is your {'YES' if ask.going else 'NO'} for? Reply {choices}."


def quiet_hours_release(now: datetime, tz: tzinfo) -> datetime | None:
    """When a non-urgent text held for quiet hours may go: nothing between 21:00 and 09:00
    (10:00 at weekends). None means it may go now."""
    local = now.astimezone(tz)
    if QUIET_UNTIL_WEEKDAY <= local.time() < QUIET_FROM and not (
            local.weekday() >= 5 and local.time() < QUIET_UNTIL_WEEKEND):
        return None
    day = local.date() if local.time() < QUIET_FROM else local.date() + timedelta(days=1)
    until = QUIET_UNTIL_WEEKEND if day.weekday() >= 5 else QUIET_UNTIL_WEEKDAY
    return datetime.combine(day, until, tzinfo=tz)


def next_morning(now: datetime, tz: tzinfo) -> datetime:
    """The start of tomorrow's texting day, for a text over the daily cap."""
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    until = QUIET_UNTIL_WEEKEND if tomorrow.weekday() >= 5 else QUIET_UNTIL_WEEKDAY
    return datetime.combine(tomorrow, until, tzinfo=tz)


def start_of_day(now: datetime, tz: tzinfo) -> datetime:
    return datetime.combine(now.astimezone(tz).date(), time.min, tzinfo=tz)
