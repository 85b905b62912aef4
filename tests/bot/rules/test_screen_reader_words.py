"""Words for screen readers: pictures out, every word and time kept."""

from __future__ import annotations

import pytest

from bot.rules.communication import (
    DANGER,
    DONE,
    NEW_DATE,
    WARNING,
    has_emoji,
    without_cues,
    without_emoji,
)


@pytest.mark.parametrize(("given", "read"), [
    (":rotating_light: *Urgent:* call 999", "*Urgent:* call 999"),
    ("\U0001f4c5 New: Winter forum", "New: Winter forum"),
    ("Covered \u2705", "Covered"),
    ("Starts 18:00:30, ends 20:00", "Starts 18:00:30, ends 20:00"),
    ("<https://meet.example/abc|Join online>", "<https://meet.example/abc|Join online>"),
    ("line one :tada:\n:wave: line two", "line one\nline two"),
    ("Rosa \u2764\ufe0f said thanks", "Rosa said thanks"),
    ("\u00a345.00 agreed", "\u00a345.00 agreed"),
])
def test_pictures_are_left_out_and_words_kept(given: str, read: str) -> None:
    assert without_emoji(given) == read
    assert not has_emoji(read)
    assert has_emoji(given) is (given != read)


@pytest.mark.parametrize(("given", "read"), [
    (f"{DANGER} *They said someone may be in immediate danger.*",
     "*They said someone may be in immediate danger.*"),
    (f"{DONE} Covered", "Covered"),
    (f"{WARNING} Needs one more trained facilitator", "Needs one more trained facilitator"),
    (f"{NEW_DATE} New: Winter forum", "New: Winter forum"),
])
def test_our_own_pictures_are_left_out_for_a_screen_reader(given: str, read: str) -> None:
    assert without_cues(given) == read


@pytest.mark.parametrize("said", ["\U0001f44d", "They sent me \U0001f52a", "It was 38\u00b0C",
                                  "\u2705 \u26a0\ufe0f the lift is broken again",
                                  ":rotating_light: help"])
def test_what_people_said_keeps_its_pictures(said: str) -> None:
    """A thumbs-up someone texted is their answer: emptied, it would be lost (and Slack
    refuses an empty section). The same pictures as ours, typed by a person, stay too: ours
    carry a mark no one types."""
    assert without_cues(said) == said
