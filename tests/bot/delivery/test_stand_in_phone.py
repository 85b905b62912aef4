"""The console provider (the sandbox's stand-in phone) and what it prints."""

from __future__ import annotations

import pytest

from bot.delivery.sms import ConsoleSmsProvider
from tests.conftest import private_problems


def test_the_stand_in_phone_prints_that_a_text_went_never_its_words(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A coordinator's reply by text is typed free text, and the server's output is its log."""
    phone = ConsoleSmsProvider(echo=True)

    phone.send("+447700900104", "Hi Dev, I'll ring you at 11 about what you said", None)

    printed = capsys.readouterr().out.splitlines()
    assert printed == ["[text to +447700****04: 47 characters]"]
    assert private_problems(printed) == []
    assert phone.sent[0].body == "Hi Dev, I'll ring you at 11 about what you said"
