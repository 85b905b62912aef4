"""Sessions on App Home, driven as Slack drives it: each person's buttons follow what they hold
(a place they already have, a coordinator's role), and a click on Home visibly changes Home
(found in the sandbox trial)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.rules.communication import ProfileChoice, Reading
from bot.rules.roles import NotAllowed
from bot.wiring import Runtime
from handlers.home import publish_home
from handlers.ids import ActionId, BlockId
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import Failure
from tests.handlers.test_sessions import (
    COORDINATOR,
    EXPIRED,
    FACILITATOR,
    click_on_home,
    dms_to,
    home_of,
    make_session,
)


def open_home(slack: SlackDriver, user: str) -> dict[str, Any]:
    slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    return home_of(slack.fake)


def elements_for(view: dict[str, Any], session_id: int) -> list[dict[str, Any]]:
    """Every button and menu on Home that acts on this session."""
    found = []
    for block in view["blocks"]:
        if block.get("type") != "actions":
            continue
        for element in block["elements"]:
            values = [element.get("value")] + [o["value"].rpartition(":")[2]
                                               for o in element.get("options", [])]
            if str(session_id) in values:
                found.append(element)
    return found


def action_ids(view: dict[str, Any], session_id: int) -> set[str]:
    return {e["action_id"] for e in elements_for(view, session_id)}


def words_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"])


# -- 1: a place already held is shown as held, with Release, never Claim -----------------------
def test_home_says_youre_facilitating_and_offers_release_not_claim(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    assert not members.services.sessions.get(session_id).coverage.covered  # still needs cover
    home = open_home(slack, FACILITATOR)
    ids = action_ids(home, session_id)
    assert ActionId.SESSION_CLAIM not in ids and ActionId.SESSION_WAIT not in ids
    assert ActionId.SESSION_RELEASE in ids
    assert "You're facilitating" in words_of(home)
    assert "Needs one more facilitator" in words_of(home)  # how it is covered, said once
    # Someone else still sees the place to claim.
    other = open_home(slack, EXPIRED)
    assert ActionId.SESSION_CLAIM in action_ids(other, session_id)
    assert "You're facilitating" not in words_of(other)


def test_easy_read_home_says_they_have_a_place_and_does_not_ask_them_to_claim(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    members.services.profiles.set_mine(FACILITATOR, ProfileChoice("slack", Reading.EASY_READ))
    home = open_home(slack, FACILITATOR)
    assert "Tap Claim a place" not in words_of(home)
    assert ActionId.SESSION_CLAIM not in action_ids(home, session_id)


def test_a_session_you_facilitate_shows_once_on_home_never_offered_to_attend(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    """Found in the sandbox trial: a facilitator saw his session under "Your next sessions"
    and again under "Sessions that need cover", offered "I'll attend"."""
    session_id = make_session(members, clock)
    other = make_session(members, clock, days_ahead=11)
    members.services.rota.claim(session_id, FACILITATOR)
    for easy_read in (False, True):
        reading = Reading.EASY_READ if easy_read else Reading.STANDARD
        members.services.profiles.set_mine(FACILITATOR, ProfileChoice("slack", reading))
        home = open_home(slack, FACILITATOR)
        assert len(elements_for(home, session_id)) == 1  # one row of buttons: his own
        assert action_ids(home, session_id) == {ActionId.SESSION_RELEASE}
        # The other session, which he doesn't run, still asks for cover below.
        assert ActionId.SESSION_CLAIM in action_ids(home, other)
        assert ActionId.SESSION_ATTEND in action_ids(home, other)
        if easy_read:
            assert "Want to come along? Tap I'll attend." in words_of(home)  # the other's
            assert words_of(home).count("Tap I'll attend") == 1


def test_someone_coming_who_could_run_it_may_claim_a_place_from_their_own_row(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.attend(session_id, FACILITATOR, True)
    home = open_home(slack, FACILITATOR)
    assert len(elements_for(home, session_id)) == 2  # one row: Claim and their way out
    assert action_ids(home, session_id) == {ActionId.SESSION_CLAIM, ActionId.SESSION_CANT_COME}
    click_on_home(slack, FACILITATOR, home, ActionId.SESSION_CLAIM, str(session_id))
    view = members.services.sessions.get(session_id)
    assert view.facilitators[0].slack_user_id == FACILITATOR
    assert view.attendees == 0  # running it frees their seat: never counted twice
    assert action_ids(home_of(slack.fake), session_id) == {ActionId.SESSION_RELEASE}


def test_a_sessions_list_offers_no_attend_to_someone_running_the_session(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    listed = slack.payload(slack.command("/sessions", "", user_id=FACILITATOR))
    assert ActionId.SESSION_ATTEND not in action_ids(listed, session_id)


# -- 2: buttons follow the person's roles now; the services refuse all the same ----------------
GUS = "U0COORD09"  # a coordinator who doesn't facilitate
A_COORDINATOR_ONLY = ("name,slack_user_id,phone,roles,contact,sms_consent\n"
                      f"Gus Ferreira,{GUS},,coordinator,slack,no\n")


def test_only_coordinators_see_a_sessions_coordinator_menu_on_home(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    assert ActionId.SESSION_MANAGE not in action_ids(open_home(slack, FACILITATOR), session_id)
    assert "(coordinators)" not in words_of(home_of(slack.fake))
    assert ActionId.SESSION_MANAGE in action_ids(open_home(slack, COORDINATOR), session_id)
    # Bram becomes a coordinator: his Home follows.
    members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        f"Bram Okonkwo,{FACILITATOR},,facilitator;coordinator,slack,no\n")
    assert ActionId.SESSION_MANAGE in action_ids(open_home(slack, FACILITATOR), session_id)


def test_a_coordinator_who_doesnt_facilitate_is_offered_no_place_to_claim_on_home(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    assert members.services.members.import_csv(A_COORDINATOR_ONLY).problems == []
    session_id = make_session(members, clock)
    home = open_home(slack, GUS)
    assert "Sessions that need cover" in words_of(home)
    ids = action_ids(home, session_id)
    assert ActionId.SESSION_MANAGE in ids
    assert ActionId.SESSION_CLAIM not in ids and ActionId.SESSION_WAIT not in ids


def test_a_coordinators_menu_sent_from_home_by_someone_else_is_refused(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    """Slack only sends what is on someone's Home, but anyone can send anything: the handler
    and the service both refuse."""
    session_id = make_session(members, clock)
    home = open_home(slack, FACILITATOR)
    for choice in ("cancel", "edit"):
        slack.interactive({
            "type": "block_actions", "team": {"id": "T0EXAMPLE"}, "user": {"id": FACILITATOR},
            "api_app_id": "A0COPROD", "trigger_id": "1337.45.abcd",
            "container": {"type": "view", "view_id": "V0HOME"},
            "view": {**home, "id": "V0HOME", "type": "home"},
            "actions": [{"type": "overflow", "action_id": ActionId.SESSION_MANAGE,
                         "block_id": f"session_actions:{session_id}",
                         "selected_option": {"value": f"{choice}:{session_id}"},
                         "action_ts": "1700000000.3"}]})
        slack.settle()
        assert "Only a coordinator" in dms_to(slack.fake, FACILITATOR)[-1]
    assert members.services.sessions.get(session_id).cancelled is False
    assert not slack.fake.calls_to("views.open")  # no form to edit it
    with pytest.raises(NotAllowed):
        members.services.sessions.cancel(FACILITATOR, session_id)
    assert members.services.sessions.get(session_id).cancelled is False


# -- 3: a release from Home shows on Home, the question before a late one included --------------
def test_a_late_release_from_home_asks_on_home_and_home_shows_it_done(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock, days_ahead=1)  # less than 48 hours away
    members.services.rota.claim(session_id, FACILITATOR)
    home = open_home(slack, FACILITATOR)
    published = len(slack.fake.calls_to("views.publish"))

    click_on_home(slack, FACILITATOR, home, ActionId.SESSION_RELEASE, str(session_id))
    asked = home_of(slack.fake)
    assert len(slack.fake.calls_to("views.publish")) == published + 1
    assert "less than 48 hours" in words_of(asked)  # the question is on Home, not only a DM
    assert ActionId.SESSION_RELEASE_CONFIRMED in action_ids(asked, session_id)
    assert ActionId.SESSION_KEEP_PLACE in action_ids(asked, session_id)
    assert any("less than 48 hours" in m for m in dms_to(slack.fake, FACILITATOR))
    assert len(json.dumps(asked).split("In danger now?")) == 2  # the crisis line once, last
    assert members.services.sessions.get(session_id).facilitators  # nothing released yet

    click_on_home(slack, FACILITATOR, asked, ActionId.SESSION_RELEASE_CONFIRMED,
                  str(session_id))
    done = home_of(slack.fake)
    assert members.services.sessions.get(session_id).facilitators == ()
    assert "is released. Thank you for letting us know." in words_of(done)
    assert "Nothing booked" in words_of(done)
    assert ActionId.SESSION_RELEASE_CONFIRMED not in action_ids(done, session_id)
    # In the DM, the answer takes the place of the question's copy there.
    assert any("is released" in json.dumps(c.params) for c in slack.fake.calls_to("chat.update")
               if c.params["channel"] == "D0FACIL02")
    # What was said stays until Home is next drawn, not for ever.
    assert "is released" not in words_of(open_home(slack, FACILITATOR))


def test_keeping_a_place_from_home_says_so_on_home(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock, days_ahead=1)
    members.services.rota.claim(session_id, FACILITATOR)
    click_on_home(slack, FACILITATOR, open_home(slack, FACILITATOR), ActionId.SESSION_RELEASE,
                  str(session_id))
    click_on_home(slack, FACILITATOR, home_of(slack.fake), ActionId.SESSION_KEEP_PLACE,
                  str(session_id))
    kept = home_of(slack.fake)
    assert "Your place is kept" in words_of(kept)
    assert ActionId.SESSION_KEEP_PLACE not in action_ids(kept, session_id)
    assert ActionId.SESSION_RELEASE in action_ids(kept, session_id)
    assert members.services.sessions.get(session_id).facilitators


def test_the_question_is_still_asked_on_home_when_the_dm_cannot_be_sent(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock, days_ahead=1)
    members.services.rota.claim(session_id, FACILITATOR)
    home = open_home(slack, FACILITATOR)
    slack.fake.fail_next("chat.postMessage", Failure(error="channel_not_found"))
    click_on_home(slack, FACILITATOR, home, ActionId.SESSION_RELEASE, str(session_id))
    asked = home_of(slack.fake)
    assert "less than 48 hours" in words_of(asked)
    assert ActionId.SESSION_RELEASE_CONFIRMED in action_ids(asked, session_id)


def test_a_release_in_good_time_from_home_says_so_on_home(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    click_on_home(slack, FACILITATOR, open_home(slack, FACILITATOR), ActionId.SESSION_RELEASE,
                  str(session_id))
    done = home_of(slack.fake)
    assert "is released. Thank you for letting us know." in words_of(done)
    assert "Nothing booked" in words_of(done)


# -- the same for a /sessions list, which only the person who typed it sees ----------------------
def test_a_sessions_list_offers_each_person_only_their_own_buttons(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    for words in ("", "mine"):
        listed = slack.payload(slack.command("/sessions", words, user_id=FACILITATOR))
        ids = action_ids(listed, session_id)
        assert ActionId.SESSION_MANAGE not in ids and ActionId.SESSION_CLAIM not in ids
        assert ActionId.SESSION_RELEASE in ids and "You're facilitating" in words_of(listed)
    theirs = slack.payload(slack.command("/sessions", "", user_id=COORDINATOR))
    assert {ActionId.SESSION_MANAGE, ActionId.SESSION_CLAIM} <= action_ids(theirs, session_id)
    assert ActionId.SESSION_RELEASE not in action_ids(theirs, session_id)  # not hers to give


def test_an_answer_shown_on_home_never_repeats_a_block_id_home_uses(
    slack: SlackDriver, members: Runtime
) -> None:
    """Slack refuses a view with a block id twice: the answer's is made its own."""
    said = [{"type": "section", "block_id": BlockId.PR_HOME,
             "text": {"type": "mrkdwn", "text": "Thank you."}}]
    publish_home(members.client, members.services, FACILITATOR, just_said=said)
    ids = [b["block_id"] for b in home_of(slack.fake)["blocks"] if "block_id" in b]
    assert len(ids) == len(set(ids)) and f"{BlockId.PR_HOME}:said" in ids
