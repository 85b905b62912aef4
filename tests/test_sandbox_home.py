"""App Home in the sandbox: a click on it reaches the bot as Slack sends one (the view with its
id, hash and state), so every button on Home works, as it does in Slack. A Home view without
its id is a shape Slack never sends, and the bot drops it (handlers/shapes.py)."""

from __future__ import annotations

import json
from typing import Any

from handlers.ids import ActionId
from tests.conftest import LogRecorder
from tests.test_sandbox import BRAM, FIN, Page, button

# The sandbox served for a test, as tests/test_sandbox.py serves it (a fixture, used by name).
from tests.test_sandbox import page as page


def open_home(page: Page, user: str) -> dict[str, Any]:
    assert page.call("/sandbox/home", {"user": user})["ok"]
    home: dict[str, Any] = page.state(user)["home"]
    assert home is not None
    return home


def click_on_home(page: Page, user: str, action: dict[str, Any]) -> dict[str, Any]:
    """A click on Home, as the page sends it (no channel, no ts, no view id)."""
    answer: dict[str, Any] = page.call("/sandbox/action", {"user": user, "action": action})
    return answer


def test_change_on_home_opens_the_profile_form(page: Page) -> None:
    home = open_home(page, FIN)
    assert click_on_home(page, FIN, button(home["blocks"], ActionId.PROFILE_CHANGE))["ok"]
    form = page.state(FIN)["modal"]
    assert form is not None, "the click never reached the handler"
    assert form["view"]["title"]["text"] == "How we reach you"


def test_going_on_home_is_taken_home_is_redrawn_and_the_answer_comes_as_a_dm(
    page: Page
) -> None:
    home = open_home(page, FIN)
    assert "You haven't said yet" in json.dumps(home["blocks"])
    going = button(home["blocks"], ActionId.MEETING_GOING)
    assert click_on_home(page, FIN, going)["ok"]

    redrawn = page.state(FIN)["home"]
    assert "You're going" in json.dumps(redrawn["blocks"])
    assert redrawn["id"] == home["id"], "Home keeps its id, as in Slack"
    assert redrawn["hash"] != home["hash"]  # published again
    said = [m for m in page.messages(FIN, "D0FINR006") if "you're down for" in m["text"]]
    assert said and "Winter service-user forum" in said[-1]["text"]
    forum = page.box.runtime.services.meetings.upcoming_for(FIN)[0]
    assert forum.my_rsvp is True


def test_a_click_on_home_passes_the_bots_own_check_of_slacks_shapes(
    page: Page, log_lines: LogRecorder
) -> None:
    """Without the view's id (as before), the bot dropped every click on Home as a shape
    Slack never sends, and said so in its log."""
    home = open_home(page, FIN)
    assert click_on_home(page, FIN, button(home["blocks"], ActionId.MEETING_GOING))["ok"]
    assert page.box.runtime.services.meetings.upcoming_for(FIN)[0].my_rsvp is True
    assert not [line for line in log_lines.lines if "shape Slack never sends" in line]


def test_views_publish_answers_in_slacks_shape_and_keeps_the_homes_id(page: Page) -> None:
    view = {"type": "home", "blocks": [{"type": "section",
                                        "text": {"type": "mrkdwn", "text": "Hello"}}]}
    first = page.call("/api/views.publish", {"user_id": FIN, "view": view})
    assert first["ok"] and first["view"]["id"].startswith("V") and first["view"]["hash"]
    again = page.call("/api/views.publish", {"user_id": FIN, "view": view,
                                             "hash": first["view"]["hash"]})
    assert again["view"]["id"] == first["view"]["id"]
    assert again["view"]["hash"] != first["view"]["hash"]
    stale = page.call("/api/views.publish", {"user_id": FIN, "view": view,
                                             "hash": first["view"]["hash"]})
    assert stale == {"ok": False, "error": "hash_conflict"}


def test_a_release_on_home_asks_on_home_and_home_shows_it_done(page: Page) -> None:
    """Found in the sandbox trial: a release from Home so near the day asked only in the DM,
    and Home showed nothing."""
    assert click_on_home(page, BRAM, button(open_home(page, BRAM)["blocks"],
                                            ActionId.SESSION_CLAIM))["ok"]
    home = page.state(BRAM)["home"]
    assert "You're facilitating" in json.dumps(home["blocks"])
    assert page.call("/sandbox/skip", {"hours": 24})["ok"]  # now less than 48 hours away
    assert click_on_home(page, BRAM, button(open_home(page, BRAM)["blocks"],
                                            ActionId.SESSION_RELEASE))["ok"]
    asked = page.state(BRAM)["home"]
    assert "less than 48 hours" in json.dumps(asked["blocks"])
    assert click_on_home(page, BRAM, button(asked["blocks"],
                                            ActionId.SESSION_RELEASE_CONFIRMED))["ok"]
    done = json.dumps(page.state(BRAM)["home"]["blocks"])
    assert "is released" in done and "Nothing booked" in done
    assert page.box.runtime.services.sessions.mine(BRAM) == []
