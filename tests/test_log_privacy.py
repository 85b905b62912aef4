"""The per-test log check (tests/conftest.py) catches what it is there to catch."""

from __future__ import annotations

import logging

from tests.conftest import LogRecorder, private_problems


def test_a_phone_number_or_typed_words_in_a_log_line_are_caught() -> None:
    assert private_problems(["bot: texted +447700900104"]) == ["bot: texted +447700900104"]
    assert private_problems(["bot: case said Loved the group"]) != []
    assert private_problems(["bot: texted member 4", "bot: case 3 received"]) == []


def test_the_recorder_sees_this_tests_lines(log_lines: LogRecorder) -> None:
    logging.getLogger("bot.example").info("incident %d reported", 7)
    assert "bot.example: incident 7 reported" in log_lines.lines
