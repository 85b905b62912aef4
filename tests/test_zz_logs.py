"""Runs last: every log line of the whole suite holds no one's words and no phone number.

The suite types feedback, incidents, texts and replies through every flow; none of what was
typed, and no full phone number, may appear in any log line (ours or the libraries')."""

from __future__ import annotations

import re

from tests.conftest import LogRecorder

TYPED_IN_TESTS = [
    "They said they had a plan", "plan to hurt themselves", "The heating is broken",
    "Could we have tea", "The group ran late", "Loved the group", "Running late",
    "No problem, see you soon", "Tea is on from next week", "kettle is broken",
    "Crossed a line", "Spoke with them", "my private words", "Staff member Kim",
    "Told me about a plan", "Best group I've been to", "Evening sessions for working",
    "bus</b> times", "It was on Tuesday", "The Tuesday group really helps",
]
FULL_UK_MOBILE = re.compile(r"(\+44|\b0)7\d{3}\s?\d{6}\b")


def test_no_free_text_or_phone_number_in_any_log_line() -> None:
    lines = LogRecorder.lines
    assert lines, "the suite logs something: this test must run after the others"
    for line in lines:
        assert not FULL_UK_MOBILE.search(line), line
        for words in TYPED_IN_TESTS:
            assert words not in line, line
