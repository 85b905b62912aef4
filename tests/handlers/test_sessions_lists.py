"""A /sessions list, which only the person who typed it sees, redrawn in place from the state
now after a click in it (found in the sandbox trial: it still offered a place just taken)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.rules.communication import ProfileChoice, Reading
from bot.wiring import Runtime
from handlers.ids import ActionId
from tests.conftest import FakeClock, SlackDriver
from tests.handlers.test_home_sessions import action_ids
from tests.handlers.test_sessions import COORDINATOR, FACILITATOR, make_session


def redrawn(slack: SlackDriver) -> list[dict[str, Any]]:
    """What replaced the clicked message through its response_url, in order."""
    return [r.params for r in slack.fake.responses if r.params.get("replace_original")
            and r.params.get("response_type") != "ephemeral"]


def click_in_list(slack: SlackDriver, listed: dict[str, Any], action_id: str, value: str,
                  user: str) -> None:
    """A click in an ephemeral list, as Slack sends it: no `message` comes with it."""
    for block in listed["blocks"]:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id and element.get("value") == value:
                response = slack.interactive({
                    "type": "block_actions", "team": {"id": "T0EXAMPLE"}, "user": {"id": user},
                    "api_app_id": "A0COPROD", "trigger_id": "1337.44.abcd",
                    "container": {"type": "message", "message_ts": "1700000000.000009",
                                  "channel_id": "C0GENERAL", "is_ephemeral": True},
                    "channel": {"id": "C0GENERAL"},
                    "response_url": slack.fake.response_url(f"list-{action_id}"),
                    "actions": [{"type": "button", "action_id": action_id,
                                 "block_id": block["block_id"], "value": value,
                                 "action_ts": "1700000000.2"}]})
                assert response.status == 200
                return
    raise AssertionError(f"no {action_id} for {value} in the list")


@pytest.mark.parametrize("words", ["", "mine", "30"])
def test_a_claim_in_a_sessions_list_redraws_that_list_as_its_reader_sees_it_now(
    slack: SlackDriver, members: Runtime, clock: FakeClock, words: str
) -> None:
    session_id = make_session(members, clock)
    if words == "mine":  # her own sessions: one she facilitates, given up from the list
        members.services.rota.claim(session_id, COORDINATOR)
        listed = slack.payload(slack.command("/sessions", words, user_id=COORDINATOR))
        click_in_list(slack, listed, ActionId.SESSION_RELEASE, str(session_id), COORDINATOR)
        [now] = redrawn(slack)
        assert "Your sessions" in json.dumps(now["blocks"])
        assert "Tuesday peer group" not in json.dumps(now["blocks"])
        assert "You're not down for any sessions yet" in json.dumps(now["blocks"])
        return
    listed = slack.payload(slack.command("/sessions", words, user_id=COORDINATOR))
    assert "(0 of 3 places)" in json.dumps(listed["blocks"])
    click_in_list(slack, listed, ActionId.SESSION_CLAIM, str(session_id), COORDINATOR)
    [now] = redrawn(slack)
    text = json.dumps(now["blocks"])
    assert "(1 of 3 places)" in text and "You're facilitating" in text
    ids = action_ids(now, session_id)
    assert ActionId.SESSION_RELEASE in ids and ActionId.SESSION_CLAIM not in ids
    assert ActionId.SESSION_MANAGE in ids  # still hers as a coordinator
    assert f"next {words or 14} days" in text  # the same list, drawn again
    assert "In danger now?" in text  # it ends as every message does

    click_in_list(slack, now, ActionId.SESSION_RELEASE, str(session_id), COORDINATOR)
    again = redrawn(slack)[-1]
    assert "(0 of 3 places)" in json.dumps(again["blocks"])
    assert ActionId.SESSION_CLAIM in action_ids(again, session_id)


def test_a_sessions_list_is_redrawn_in_its_readers_easy_read(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.profiles.set_mine(FACILITATOR, ProfileChoice("slack", Reading.EASY_READ))
    listed = slack.payload(slack.command("/sessions", "", user_id=FACILITATOR))
    click_in_list(slack, listed, ActionId.SESSION_CLAIM, str(session_id), FACILITATOR)
    [now] = redrawn(slack)
    text = json.dumps(now["blocks"])
    assert "You have a place to help run it." in text and "Tap Claim a place" not in text
    assert ActionId.SESSION_MANAGE not in action_ids(now, session_id)  # not a coordinator


def test_a_number_of_days_too_long_to_read_is_answered_with_the_next_14_days(
        slack: SlackDriver, members: Runtime) -> None:
    # int() refuses a number of more than 4,300 digits: never a 5xx, the usual list instead.
    answer = slack.command("/sessions", "9" * 5000, user_id="U0FACIL02")
    assert answer.status == 200
    assert "Sessions in the next 14 days" in slack.text_of(answer)
