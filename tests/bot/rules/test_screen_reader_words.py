"""Words for screen readers: pictures out, every word and time kept."""

from __future__ import annotations

import pytest

from bot.rules.communication import has_emoji, without_emoji


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
