"""Reading a message the way the readability test scores it: the words a person sees (blocks,
not buttons, not the crisis line every message ends with), mrkdwn taken out, one line one
sentence, and textstat's Flesch reading ease over them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import textstat  # type: ignore[import-untyped]

# Targets, stated: Flesch reading ease 60 is "plain English" (readable by most 13-to-15 year
# olds); 80 is "easy" (most 11 year olds), what easy read asks for. An easy-read sentence is
# at most 15 words, as easy-read guides advise.
STANDARD_TARGET = 60.0
EASY_READ_TARGET = 80.0
EASY_READ_LONGEST_SENTENCE = 15

MENTION = re.compile(r"<[@#][A-Z0-9]+(?:\|[^>]*)?>")
LINK = re.compile(r"<([^|>]+)\|([^>]+)>")
BARE_LINK = re.compile(r"<(https?://[^>]+)>")
# A web address as a text shows it, with no mrkdwn around it (a full stop after it ends the
# sentence, it is not part of the address).
RAW_LINK = re.compile(r"https?://[^\s<>|]*[^\s<>|.,;:!?)]")
# An anonymous case's reference ("A-21DE13") is a name made of random characters: scored as a
# short name, the same every run, or the score would move with the characters drawn.
CASE_REFERENCE = re.compile(r"\bA-[0-9A-Z]{6}\b")
MARKS = re.compile(r"[*_~`>]|^\s*[-\u2022]\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[A-Za-z0-9\u00a3'\u2019-]+")


def visible_lines(payload: dict[str, Any], crisis_footer: dict[str, Any] | None = None,
                  typed: Sequence[str] = ()) -> list[str]:
    """Each line a person reads in a Slack message, as plain words."""
    texts: list[str] = []
    for block in payload.get("blocks") or []:
        if block == crisis_footer:
            continue
        if block.get("type") in ("section", "header"):
            if block.get("text"):
                texts.append(block["text"]["text"])
            texts += [field["text"] for field in block.get("fields") or []]
        elif block.get("type") == "context":
            texts += [e["text"] for e in block.get("elements", []) if "text" in e]
        elif block.get("type") == "rich_text":
            texts.append(_rich_text_words(block))
    return plain_lines("\n".join(texts), typed)


def _rich_text_words(element: dict[str, Any]) -> str:
    """The words of a rich text block (a quoted document, a list), however deep."""
    if element.get("type") == "text":
        return str(element.get("text", ""))
    parts = [_rich_text_words(child) for child in element.get("elements") or []]
    joiner = "\n" if element.get("type") in ("rich_text", "rich_text_list") else ""
    return joiner.join(parts)


def plain_lines(mrkdwn: str, typed: Sequence[str] = ()) -> list[str]:
    """The lines of a message as plain words, without what people typed into it (`typed`):
    the score is of our words, the template's, not of theirs."""
    text = MENTION.sub("Sam", mrkdwn)
    text = CASE_REFERENCE.sub("Ref", text)
    text = LINK.sub(r"\2", text)
    text = BARE_LINK.sub("the link", text)
    text = RAW_LINK.sub("the link", text)  # read as a link, as in Slack: not as words
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    for words in sorted(typed, key=len, reverse=True):
        text = text.replace(words, "")
    lines = (MARKS.sub("", line).strip(" \"'") for line in text.split("\n"))
    return [line for line in lines if WORD.search(line)]


@dataclass(frozen=True)
class Score:
    ease: float
    longest_sentence: int  # in words
    words: int


def score(lines: list[str]) -> Score:
    """One line is one sentence (a line without a full stop still ends one)."""
    prose = " ".join(line if line[-1] in ".!?" else f"{line}." for line in lines)
    sentences = [s for s in SENTENCE_END.split(prose) if WORD.search(s)]
    return Score(ease=round(float(textstat.flesch_reading_ease(prose)), 1),
                 longest_sentence=max((len(WORD.findall(s)) for s in sentences), default=0),
                 words=len(WORD.findall(prose)))


# Filled by the readability test as it runs; printed at the end of the run (tests/conftest.py).
TABLE: dict[str, dict[str, Score]] = {}


COLUMNS = ("Slack", "Slack, easy read", "text", "text, easy read")


def readability_table() -> str:
    """The table as Markdown (the README keeps a copy): reading ease, and the longest
    sentence in words for easy read."""
    lines = ["| message | " + " | ".join(COLUMNS) + " |",
             "| --- | " + " | ".join("---:" for _ in COLUMNS) + " |"]
    for kind in sorted(TABLE):
        cells = []
        for column in COLUMNS:
            found = TABLE[kind].get(column)
            if found is None:
                cells.append("")
            elif found.words == 0:
                cells.append("their words")
            elif "easy" in column:
                cells.append(f"{found.ease:.0f} ({found.longest_sentence}w)")
            else:
                cells.append(f"{found.ease:.0f}")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lowest = {column: min((TABLE[k][column].ease for k in TABLE
                           if column in TABLE[k] and TABLE[k][column].words), default=0.0)
              for column in COLUMNS}
    lines.append("| lowest | " + " | ".join(f"{lowest[c]:.0f}" for c in COLUMNS) + " |")
    return "\n".join(lines)


def texts_in(message: Any) -> list[str]:
    """Every text a person, or their screen reader, meets in a message or a view: each
    "text" string however deep (a section's, a button's, a context element's)."""
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, str) and key == "text":
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)

    walk(message)
    return found
