"""The question before a late release ("less than 48 hours away: release your place?") asked
on App Home comes as a DM too. Once it is answered in one place, the other copy says so when
clicked, kindly, and the DM copy no longer offers its buttons (found in the sandbox trial: the
DM kept live buttons that did nothing visible once the place was released from Home)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.rules.communication import ProfileChoice, Reading
from bot.wiring import Runtime
from handlers.ids import ActionId
from tests.conftest import FakeClock, SlackDriver
from tests.handlers.test_home_sessions import open_home
from tests.handlers.test_sessions import FACILITATOR, click_on_home, home_of, make_session

DM = "D0FACIL02"


def the_dm_question(slack: SlackDriver) -> dict[str, Any]:
    """The question as it was posted to their DM, with its ts."""
    [call] = [c for c in slack.fake.calls_to("chat.postMessage")
              if c.params["channel"] == FACILITATOR
              and ActionId.SESSION_RELEASE_CONFIRMED in json.dumps(c.params["blocks"])]
    [ts] = [m["ts"] for m in slack.fake.history[DM] if m["text"] == call.params["text"]]
    return {"blocks": call.params["blocks"], "text": call.params["text"], "ts": ts}


def answered_in_place(slack: SlackDriver) -> dict[str, Any]:
    """The last answer that took the place of the message clicked."""
    return [r.params for r in slack.fake.responses if r.params.get("replace_original")][-1]


def asked_on_home(slack: SlackDriver, members: Runtime, clock: FakeClock) -> int:
    session_id = make_session(members, clock, days_ahead=1)  # less than 48 hours away
    members.services.rota.claim(session_id, FACILITATOR)
    click_on_home(slack, FACILITATOR, open_home(slack, FACILITATOR), ActionId.SESSION_RELEASE,
                  str(session_id))
    return session_id


def test_the_dm_copy_of_a_question_answered_on_home_offers_no_buttons_and_answers_kindly(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = asked_on_home(slack, members, clock)
    question = the_dm_question(slack)
    click_on_home(slack, FACILITATOR, home_of(slack.fake),
                  ActionId.SESSION_RELEASE_CONFIRMED, str(session_id))
    assert members.services.sessions.get(session_id).facilitators == ()
    # The DM question is answered where it is: no buttons left in it.
    updates = [c.params for c in slack.fake.calls_to("chat.update")
               if c.params["channel"] == DM and c.params["ts"] == question["ts"]]
    assert updates, "the DM copy of the question was left as it was"
    assert '"actions"' not in json.dumps(updates[-1]["blocks"])
    assert "is released" in json.dumps(updates[-1]["blocks"])

    # A copy clicked all the same (drawn before, say) says it is done, visibly.
    for button in (ActionId.SESSION_RELEASE_CONFIRMED, ActionId.SESSION_KEEP_PLACE):
        slack.click(question, button, user_id=FACILITATOR, channel=DM, ts=question["ts"])
        answer = json.dumps(answered_in_place(slack)["blocks"])
        assert "already" in answer and "released" in answer, answer
        assert "Your place is kept" not in answer and "nothing to release" not in answer
        assert '"actions"' not in answer
    assert members.services.sessions.get(session_id).facilitators == ()


@pytest.mark.parametrize("easy_read", [False, True])
def test_a_question_answered_in_the_dm_is_answered_kindly_when_clicked_again_on_home(
    slack: SlackDriver, members: Runtime, clock: FakeClock, easy_read: bool
) -> None:
    if easy_read:
        members.services.profiles.set_mine(FACILITATOR,
                                           ProfileChoice("slack", Reading.EASY_READ))
    session_id = asked_on_home(slack, members, clock)
    asked = home_of(slack.fake)
    question = the_dm_question(slack)
    slack.click(question, ActionId.SESSION_RELEASE_CONFIRMED, user_id=FACILITATOR, channel=DM,
                ts=question["ts"])
    assert members.services.sessions.get(session_id).facilitators == ()
    click_on_home(slack, FACILITATOR, asked, ActionId.SESSION_KEEP_PLACE, str(session_id))
    home = json.dumps(home_of(slack.fake))
    said = ("already given up your place" if easy_read
            else "already released")
    assert said in home
    assert "Your place is kept" not in home and "You still have your place" not in home
