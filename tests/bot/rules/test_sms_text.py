"""Texts: GSM-7 only, counted as the network counts them, two parts at most."""

from __future__ import annotations

import pytest

from bot.rules.sms_text import compose_text, gsm7_length, segments, to_gsm7


@pytest.mark.parametrize(
    ("text", "encoding", "parts"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("[" * 80, "GSM-7", 1),     # extended characters count twice
        ("[" * 81, "GSM-7", 2),
        ("é" * 160, "GSM-7", 1),
        ("a" * 70 + "😊", "UCS-2", 2),
        ("\u0175" * 70, "UCS-2", 1),
        ("\u0175" * 71, "UCS-2", 2),
        ("\u0175" * 134, "UCS-2", 2),
        ("\u0175" * 135, "UCS-2", 3),
        ("\u2018quote\u2019", "UCS-2", 1),
    ],
)
def test_segments(text: str, encoding: str, parts: int) -> None:
    assert segments(text) == (encoding, parts)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("It\u2019s \u201cfine\u201d \u2013 really\u2026", "It's \"fine\" - really..."),
        ("See you 😊 soon", "See you  soon"),
        ("Café crème, crêpe", "Café crème, crepe"),
        ("£5 & €2", "£5 & €2"),
    ],
)
def test_to_gsm7(text: str, plain: str) -> None:
    assert to_gsm7(text) == plain
    assert gsm7_length(to_gsm7(text)) is not None


def test_compose_text_puts_the_organisation_first_and_fits_two_parts() -> None:
    text = compose_text("Riverside Peer Support", "word " * 200)
    assert text.startswith("Riverside Peer Support: word")
    assert segments(text) == ("GSM-7", 2) and text.endswith("...")
    short = compose_text("Riverside", "Forum on Tue 3 Dec at 18:00.")
    assert short == "Riverside: Forum on Tue 3 Dec at 18:00."


@pytest.mark.parametrize(
    ("body", "sent"),
    [
        ("Forum Wed 02 Dec at 18:00", "Riverside: Forum Wed 2 Dec at 18:00"),
        ("Group Thu 26 Nov and Wed 02 Dec", "Riverside: Group Thu 26 Nov and Wed 2 Dec"),
        ("Room 02 Dec", "Riverside: Room 02 Dec"),  # not a day: left as written
        ("Sun 10 Jan", "Riverside: Sun 10 Jan"),
    ],
)
def test_days_in_texts_are_written_as_slack_writes_them(body: str, sent: str) -> None:
    assert compose_text("Riverside", body) == sent


def test_day_and_time() -> None:
    from datetime import datetime

    from bot.rules.sms_text import day_and_time

    assert day_and_time(datetime(2026, 12, 2, 18, 0)) == "Wed 2 Dec at 18:00"


LONG_LINK = "https://teams.example.org/l/meetup-join/" + "a1b2c3d4" * 20


def test_a_link_in_a_text_goes_whole_or_not_at_all() -> None:
    from bot.rules.sms_text import easy_lines_with_place, with_place

    def changed(where: str) -> str:
        return f"The session you're signed up for is now Wed 9 Dec at 18:00, {where}."

    short = with_place(changed, "https://meet.example.org/abc")
    assert short.endswith(", https://meet.example.org/abc.")
    long = with_place(changed, f"Online {LONG_LINK}")
    assert LONG_LINK[:30] not in long and "text us for the link" in long
    easy = easy_lines_with_place(["A session you signed up for has changed."],
                                 f"Online (Zoom) {LONG_LINK}", [])
    assert easy == ["A session you signed up for has changed.", "It is online: Zoom.",
                    "Text us for the link to join."]
    assert easy_lines_with_place(["It has changed."], "Hope Centre & Hall", []) == [
        "It has changed.", "It is at Hope Centre & Hall."]  # a text is not mrkdwn
