"""Cancelling a session tells everyone signed up, so it is asked first (found in the sandbox
trial, for a meeting: one click on Cancel told everyone invited). Cancel is picked from the
session's menu, whose Slack "are you sure?" would ask before Edit too, so it asks in a private
question. (The /meetings list's Cancel button carries Slack's own: see test_meetings.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.rules.communication import ProfileChoice, Reading
from bot.wiring import Runtime
from handlers.ids import ActionId
from tests.conftest import FakeClock, SlackDriver
from tests.handlers.test_sessions import (
    COORDINATOR,
    FACILITATOR,
    card_menu,
    deliver,
    dms_to,
    make_session,
)


def question(slack: SlackDriver) -> dict[str, Any]:
    """The last private answer: the question asked before a cancellation."""
    asked = [r.params for r in slack.fake.responses if r.params.get("replace_original") is False]
    return {"blocks": asked[-1]["blocks"], "text": asked[-1]["text"]}


def answered(slack: SlackDriver) -> str:
    return json.dumps([r.params for r in slack.fake.responses
                       if r.params.get("replace_original")][-1]["blocks"])


def test_cancel_picked_from_a_sessions_menu_asks_first_and_keep_it_changes_nothing(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    deliver(members)
    slack.interactive(card_menu(slack, session_id, "cancel"))
    slack.settle()
    asked = question(slack)
    words = json.dumps(asked["blocks"])
    assert "Cancel *Tuesday peer group*" in words
    assert "Everyone signed up (1 facilitator and 0 people coming) will be told" in words
    assert members.services.sessions.get(session_id).cancelled is False  # not yet
    deliver(members)
    assert not any("cancelled" in m for m in dms_to(slack.fake, FACILITATOR))

    slack.click(asked, ActionId.SESSION_CANCEL_KEPT, user_id=COORDINATOR)
    assert "Nothing has changed" in answered(slack)
    assert members.services.sessions.get(session_id).cancelled is False

    slack.click(asked, ActionId.SESSION_CANCEL_CONFIRMED, user_id=COORDINATOR)
    assert "is cancelled; everyone signed up is told" in answered(slack)
    assert members.services.sessions.get(session_id).cancelled is True
    deliver(members)
    assert any("has been cancelled" in m for m in dms_to(slack.fake, FACILITATOR))

    # The question answered twice (another copy, say): said kindly, nothing more is sent.
    sent = len(slack.fake.calls_to("chat.postMessage"))
    slack.click(asked, ActionId.SESSION_CANCEL_CONFIRMED, user_id=COORDINATOR)
    deliver(members)
    assert "already cancelled" in answered(slack)
    assert len(slack.fake.calls_to("chat.postMessage")) == sent


@pytest.mark.parametrize("easy_read", [False, True])
def test_only_a_coordinator_can_say_yes_to_cancelling_a_session(
    slack: SlackDriver, members: Runtime, clock: FakeClock, easy_read: bool
) -> None:
    if easy_read:
        members.services.profiles.set_mine(COORDINATOR, ProfileChoice("slack", Reading.EASY_READ))
    session_id = make_session(members, clock)
    slack.interactive(card_menu(slack, session_id, "cancel"))
    slack.settle()
    asked = question(slack)
    if easy_read:
        assert "Do you want to cancel *Tuesday peer group*?" in json.dumps(asked["blocks"])
    slack.click(asked, ActionId.SESSION_CANCEL_CONFIRMED, user_id=FACILITATOR)
    assert "Only a coordinator" in slack.fake.responses[-1].params["text"]
    assert members.services.sessions.get(session_id).cancelled is False
