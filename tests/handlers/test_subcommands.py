"""Subcommands typed without what they need, or unknown, explain themselves in one kind
sentence; and what /coprod shows about a person is in the organisation's words."""

from __future__ import annotations

import pytest

from bot.wiring import Runtime
from tests.conftest import SlackDriver

ADA = "U0COORD01"  # coordinator, facilitator, trained; Slack and text
ESME = "U0SAFEG05"  # safeguarding lead, trained
HANA = "U0HROFF07"  # HR officer, Slack only


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("forget", "To ask us to erase what Coprod holds about you, type `/coprod forget me`."),
        ("forget everything", "type `/coprod forget me`"),
        ("consent stop", "To change a consent, type all of it, for example "
                         "`/coprod consent stop texts`."),
    ],
)
def test_coprod_subcommands_missing_a_word_say_what_to_type(
    slack: SlackDriver, members: Runtime, typed: str, expected: str
) -> None:
    text = slack.text_of(slack.command("/coprod", typed, user_id=HANA))
    assert expected in text
    assert "asked a coordinator to erase" not in text
    assert members.services.members.find_by_slack_id(HANA) is not None


def test_consent_on_its_own_shows_consents_without_a_correction(
    slack: SlackDriver, members: Runtime
) -> None:
    text = slack.text_of(slack.command("/coprod", "consent", user_id=HANA))
    assert "*Texts*" in text and "type all of it" not in text


@pytest.mark.parametrize(
    ("command", "typed", "expected"),
    [
        ("/sessions", "tomorrow", "I don't know `/sessions tomorrow`: `/sessions mine` shows "
                                  "yours"),
        ("/sessions", "200", "the next 30 days (up to 90)"),
        ("/meetings", "agendas", "I don't know `/meetings agendas`: `/meetings agenda` adds"),
    ],
)
def test_unknown_words_after_sessions_or_meetings_are_named_before_the_list(
    slack: SlackDriver, members: Runtime, command: str, typed: str, expected: str
) -> None:
    text = slack.text_of(slack.command(command, typed, user_id=HANA))
    assert expected in text
    assert ("Sessions in the next 14 days" if command == "/sessions" else "Coming meetings") \
        in text


def test_known_words_carry_no_correction(slack: SlackDriver, members: Runtime) -> None:
    for command, typed in (("/sessions", ""), ("/sessions", "30"), ("/meetings", "")):
        assert "I don't know" not in slack.text_of(slack.command(command, typed, user_id=HANA))


def test_meetings_agenda_with_words_after_it_is_still_the_agenda(
    slack: SlackDriver, members: Runtime
) -> None:
    text = slack.text_of(slack.command("/meetings", "agenda tea urn", user_id=HANA))
    assert "There's no forum or community meeting planned yet to add an item to." in text


@pytest.mark.parametrize(
    ("user", "roles", "reached"),
    [
        (ADA, "Roles: member, facilitator, trained facilitator (DBS-checked), coordinator",
         "We reach you by: Slack and text"),
        (ESME, "Roles: member, trained facilitator (DBS-checked), safeguarding lead",
         "We reach you by: Slack and text"),
        (HANA, "Roles: member, HR officer", "We reach you by: Slack"),
    ],
)
def test_whoami_and_mydata_say_roles_and_contact_in_plain_words(
    slack: SlackDriver, members: Runtime, user: str, roles: str, reached: str
) -> None:
    for typed in ("whoami", "mydata"):
        summary = slack.payload(slack.command("/coprod", typed, user_id=user))["blocks"]
        words = next(b["text"]["text"] for b in summary
                     if b["type"] == "section" and "Roles:" in b["text"]["text"])
        assert roles in words and reached in words
        assert "_lead" not in words and "hr_officer" not in words and "by: slack" not in words
