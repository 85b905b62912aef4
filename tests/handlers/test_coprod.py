"""/coprod as Slack sends it: signed, dispatched through the real Bolt app."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest

from bot.app import create_app
from bot.config import Settings
from bot.wiring import build_runtime
from storage.db import make_engine
from tests.conftest import SlackDriver, command_body, signed_headers
from tests.fakes.slack import FakeSlack


def test_help_explains_commands_and_signposts_crisis_support(slack: SlackDriver) -> None:
    response = slack.command("/coprod", "help", user_id="U0NOBODY1")
    payload = slack.payload(response)
    text = slack.text_of(response)
    assert payload.get("response_type", "ephemeral") == "ephemeral"
    assert "Riverside Peer Support" in text
    assert "/coprod whoami" in text
    for command in ("/feedback", "/sessions", "/meetings", "/incident", "/involve"):
        assert f"`{command}`" in text, command
    assert "999" in text


def test_no_words_means_help(slack: SlackDriver) -> None:
    text = slack.text_of(slack.command("/coprod", "", user_id="U0NOBODY1"))
    assert "/coprod whoami" in text


def test_unknown_word_is_named_safely_and_help_follows(slack: SlackDriver) -> None:
    text = slack.text_of(slack.command("/coprod", "<!channel> please", user_id="U0NOBODY1"))
    assert "&lt;!channel&gt; please" in text
    assert "<!channel>" not in text
    assert "/coprod whoami" in text


def test_whoami_shows_roles_and_training(slack: SlackDriver, members: object) -> None:
    text = slack.text_of(slack.command("/coprod", "whoami", user_id="U0COORD01"))
    assert "Ada Brightwater" in text
    assert "coordinator" in text and "trained facilitator" in text
    assert "30 June 2027" in text
    assert "you've agreed to receive them" in text


def test_whoami_says_which_quiet_hours_hold_their_messages(slack: SlackDriver,
                                                           members: object) -> None:
    # Ada takes texts: the organisation's quiet hours hold them, though she chose none.
    ada = slack.text_of(slack.command("/coprod", "whoami", user_id="U0COORD01"))
    assert ("Quiet hours: 21:00 to 09:00, 10:00 at weekends (the organisation's, for texts; "
            "urgent safety messages still come)") in ada
    # Bram has Slack only and chose none: nothing holds his messages.
    bram = slack.text_of(slack.command("/coprod", "whoami", user_id="U0FACIL02"))
    assert "Quiet hours: none" in bram


def test_whoami_for_someone_not_in_the_directory_is_kind(slack: SlackDriver) -> None:
    text = slack.text_of(slack.command("/coprod", "whoami", user_id="U0STRANGR"))
    assert "not in our member list yet" in text
    assert "999" in text


def test_deliveries_is_for_coordinators_only(slack: SlackDriver, members: object) -> None:
    refused = slack.text_of(slack.command("/coprod", "deliveries", user_id="U0FACIL02"))
    assert "Only a coordinator can do that." in refused
    assert "Waiting to send" not in refused
    allowed = slack.text_of(slack.command("/coprod", "deliveries", user_id="U0COORD01"))
    assert "Waiting to send: *0*" in allowed


def test_bad_signature_is_refused_with_401(slack: SlackDriver) -> None:
    body = command_body("/coprod", "help", "U0NOBODY1", slack.fake.response_url())
    headers = signed_headers(body, secret="not-the-signing-secret")
    response = slack.app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401


def test_tampered_body_is_refused_with_401(slack: SlackDriver) -> None:
    body = command_body("/coprod", "help", "U0NOBODY1", slack.fake.response_url())
    headers = signed_headers(body)
    tampered = body.replace("U0NOBODY1", "U0COORD01")
    assert slack.app.dispatch(BoltRequest(body=tampered, headers=headers)).status == 401


def test_timestamp_older_than_five_minutes_is_refused_with_401(slack: SlackDriver) -> None:
    body = command_body("/coprod", "help", "U0NOBODY1", slack.fake.response_url())
    old = int(time.time()) - 6 * 60
    response = slack.app.dispatch(
        BoltRequest(body=body, headers=signed_headers(body, timestamp=old)))
    assert response.status == 401
    fresh = int(time.time()) - 4 * 60
    response = slack.app.dispatch(
        BoltRequest(body=body, headers=signed_headers(body, timestamp=fresh)))
    assert response.status == 200


def test_missing_signature_headers_are_refused(slack: SlackDriver) -> None:
    body = urlencode({"command": "/coprod", "text": "help", "user_id": "U0NOBODY1"})
    response = slack.app.dispatch(
        BoltRequest(body=body, headers={"content-type": "application/x-www-form-urlencoded"}))
    assert response.status == 401


def test_a_failing_listener_gets_a_kind_answer_and_logs_no_words(
    settings: Settings, fake_slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A real fault, not a mock: the database file cannot be opened.
    broken = build_runtime(settings, engine=make_engine(f"sqlite:///{tmp_path}/no/such/dir.db"))
    driver = SlackDriver(create_app(settings, broken.services, client=broken.client), fake_slack)
    with caplog.at_level(logging.INFO):
        response = driver.command("/coprod", "whoami my private words", user_id="U0COORD01")
    payload = json.loads(response.body)
    assert response.status == 200
    assert "something went wrong on our side" in payload["text"]
    assert "999" in payload["text"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "OperationalError" in logged
    assert "private words" not in logged
