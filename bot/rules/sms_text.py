"""Texts that arrive whole: plain GSM-7, the organisation's name first, at most two parts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

# The GSM 03.38 basic set (plus the space); anything else would turn the whole text to UCS-2
# and halve its length.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")  # each costs two characters
REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...",
    "\u00a0": " ", "\u2022": "-",
}
TWO_PARTS = 306  # 2 x 153 characters once a text is split
# Texts are worded to fit two parts beside an organisation's name of up to this many characters
# (the "Name: " every text starts with): a web link goes in only if it fits whole beside one,
# and a question offers only as many choices as fit whole.
NAME_ROOM = 50
# "Wed 02 Dec" as strftime's %d writes it; Slack and people write "Wed 2 Dec".
PADDED_DAY = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) 0([1-9]) "
                        r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def day_and_time(moment: datetime) -> str:
    """"Wed 2 Dec at 18:00", as a text says when (the moment already in local time)."""
    return f"{moment:%a} {moment.day} {moment:%b at %H:%M}"


def room_beside(words: str) -> int:
    """Characters left for the rest of a text once it has these words, in two parts beside an
    organisation's name of NAME_ROOM characters."""
    length = gsm7_length(to_gsm7(words))
    return TWO_PARTS - NAME_ROOM - len(": ") - (TWO_PARTS if length is None else length)


def is_link(text: str) -> bool:
    """A web link on its own: a text shows it whole or not at all, since part of one leads
    nowhere (or somewhere else)."""
    return text.startswith(("https://", "http://")) and not any(c.isspace() for c in text)


def whole_words(text: str, most: int) -> str:
    """`text` if it has at most `most` characters; else as many of its words as fit with
    "..." to show the cut, never part of a word, a space or a comma before the dots ("" when
    not even its first word fits)."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    cut = text[: max(most - 2, 0)]  # "..." takes 3; one more shows whether a word ends
    kept = cut.rsplit(" ", 1)[0].rstrip(" ,;:-.(\u2013\u2014") if " " in cut else ""
    return f"{kept}..." if kept else ""


def gsm7_length(text: str) -> int | None:
    """Characters counted as the network counts them, or None if the text is not GSM-7."""
    length = 0
    for char in text:
        if char in GSM7_BASIC:
            length += 1
        elif char in GSM7_EXTENDED:
            length += 2
        else:
            return None
    return length


def segments(text: str) -> tuple[str, int]:
    """The encoding a phone would use and how many parts the text is sent in."""
    length = gsm7_length(text)
    if length is not None:
        return "GSM-7", 1 if length <= 160 else -(-length // 153)
    units = len(text.encode("utf-16-le")) // 2
    return "UCS-2", 1 if units <= 70 else -(-units // 67)


def to_gsm7(text: str) -> str:
    """Curly quotes and dashes made plain; accents kept where GSM-7 has them, else dropped;
    anything else (an emoji) left out rather than let it turn the text into UCS-2."""
    out = []
    for char in text:
        char = REPLACEMENTS.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in char):
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(plain)
    return "".join(out)


def compose_text(org_name: str, body: str, *, keep_last_line: bool = False) -> str:
    """The organisation's name first, days written as Slack writes them ("Wed 2 Dec"), GSM-7
    only, cut to two parts at a word boundary. `keep_last_line`: the last line (in easy read,
    what to do next) is kept whole, and the lines before it are cut instead."""
    text = to_gsm7(PADDED_DAY.sub(r"\1 \2 \3", f"{org_name}: {body}"))
    if (gsm7_length(text) or 0) <= TWO_PARTS:
        return text
    before, newline, last = text.rpartition("\n")
    room = TWO_PARTS - (gsm7_length(last) or 0) - 1
    if keep_last_line and newline and room >= len(org_name) + 10:
        return f"{_cut(before, room)}\n{last}"
    return _cut(text, TWO_PARTS)


def _cut(text: str, most: int) -> str:
    """Cut at a word boundary, with "..." to show it, to at most `most` characters."""
    while (gsm7_length(text) or 0) > most:
        text = text[: most - 3].rsplit(" ", 1)[0].rstrip("\n") + "..."
    return text


# -- where, in a text ---------------------------------------------------------------------
# A place that is just a way of meeting, not somewhere to go: "It is online.", never "It is at
# Online." What follows one of these after a mark ("Online: a link", "Online (Zoom)") is said too.
ONLINE_WORDS = ("online", "on-line", "on line", "virtual", "video call")
PLACE_MOST = 60  # a place's words in a text; a link goes whole or not at all (sms_text.is_link)
# Where to get a link that does not fit whole: every member who gets texts can text us, and a
# texts-only member has nothing else to look in.
EASY_ASK_FOR_LINK = "Text us for the link to join."
ASK_FOR_LINK = "text us for the link"


def _where_in_text(place: str) -> tuple[bool, str, str]:
    """A place as a text says it: whether it is online, its words (the service it is on,
    "Zoom", for an online one) and a link to join ("" if none), as easy_place reads them."""
    tokens = place.split()
    links = [t.rstrip(".,;:)]") for t in tokens if is_link(t.rstrip(".,;:)]"))]
    link = links[-1] if links else ""
    words = " ".join(t for t in tokens if t.rstrip(".,;:)]") not in links)
    words = words.strip(" .,:;()[]-\u2013\u2014")
    lowered = words.casefold()
    way = next((w for w in ONLINE_WORDS if lowered == w or lowered.startswith(w)), None)
    rest = words[len(way):].lstrip() if way else ""
    if (way is None or rest[:1].isalnum()) and (words or not link):
        return False, words, link  # "Online Library" is somewhere to go
    return True, rest.strip(" .,:;()[]-\u2013\u2014"), link


def place_in_text(place: str, room: int) -> str:
    """Where, in a standard text: as written when it fits (a link in it whole); else its words
    cut at a word boundary, and for a link that does not fit whole, where to get it."""
    place = " ".join(place.split())
    online, words, link = _where_in_text(place)
    most = min(room, PLACE_MOST)
    if len(place) <= (room if link else most):
        return place
    if not link:
        return whole_words(place, most) or place[:most]
    said = f", {ASK_FOR_LINK}" if online else f" ({ASK_FOR_LINK})"
    where = whole_words(words, most - len(said) - len("online on "))
    return f"online on {where}{said}" if online and where else f"{where or 'online'}{said}"


def easy_place_in_text(place: str, room: int) -> list[str]:
    """Where, in an easy-read text: plain words (a text is not mrkdwn), "It is online." or
    "It is online: Zoom." for one with nowhere to go, and a link to join only whole, when it
    fits in `room` characters; else where to get it."""
    online, words, link = _where_in_text(place)
    words = whole_words(words, PLACE_MOST) or words[:PLACE_MOST]
    if not (online or words):
        return []
    said = f"It is online: {words}" if online and words else \
        "It is online" if online else f"It is at {words}"
    lines = [said if said.endswith(".") else f"{said}."]
    if link:
        join = f"Join here: {link}"
        fits = len(join) <= room - len(lines[0]) - len("\n")
        lines.append(join if fits else EASY_ASK_FOR_LINK)
    return lines


def easy_lines_with_place(before: list[str], place: str, after: list[str]) -> list[str]:
    """An easy-read text's lines with where in the middle, the link in it only if the whole
    text keeps it whole."""
    room = room_beside("\n".join(line for line in [*before, *after] if line)) - len("\n")
    return [*before, *easy_place_in_text(place, room), *after]


def with_place(words: Callable[[str], str], place: str) -> str:
    """A standard text's words with where in them, a link in it only whole."""
    return words(place_in_text(place, room_beside(words(""))))
