"""Sessions and the rota, driven as Slack drives them, with the outbox delivering to fake Slack."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from slack_bolt import App
from sqlalchemy import Engine

from bot.app import create_app
from bot.config import Settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.rules.sessions import Repeat, SessionDraft, SessionKind
from bot.web import make_wsgi_app
from bot.wiring import Runtime, build_runtime
from handlers.ids import ActionId, BlockId
from storage.models import DebriefRequest, GroupSession, Member, SessionAttendee
from tests.conftest import (
    MEMBERS_CSV,
    FakeClock,
    HttpSlackDriver,
    ServerThread,
    SlackDriver,
)
from tests.fakes.slack import FakeSlack

COORDINATOR = "U0COORD01"   # Ada: coordinator, facilitator, trained until 2027-06-30
FACILITATOR = "U0FACIL02"   # Bram: facilitator, not trained
EXPIRED = "U0TRAIN03"       # Cleo: facilitator, training expired 2025-01-31
MEMBER = "U0MEMBR06"        # Fin: member
CHANNEL = "C0TUESDAY"


def make_session(runtime: Runtime, clock: FakeClock, *, days_ahead: float = 10,
                 places: int = 3, channel: str | None = CHANNEL,
                 capacity: int | None = None) -> int:
    start = (clock.now + timedelta(days=days_ahead)).astimezone(runtime.settings.timezone)
    [view] = runtime.services.sessions.create(None, SessionDraft(
        title="Tuesday peer group", kind=SessionKind.PEER_GROUP, day=start.date(),
        start_time=time(start.hour, 0), end_time=time(start.hour, 59), place="Hope Centre",
        channel=channel, places=places, capacity=capacity))
    return view.id


def deliver(runtime: Runtime) -> None:
    runtime.dispatcher().deliver_due()


def card_text(fake: FakeSlack) -> str:
    """The channel card as it stands after every post and update."""
    posts = [c.params for c in fake.calls_to("chat.postMessage") if c.params["channel"] == CHANNEL]
    updates = [c.params for c in fake.calls_to("chat.update") if c.params["channel"] == CHANNEL]
    latest = (updates or posts)[-1]
    return json.dumps(latest["blocks"])


def card_message(fake: FakeSlack) -> dict[str, Any]:
    post = next(c.params for c in fake.calls_to("chat.postMessage")
                if c.params["channel"] == CHANNEL)
    return {"blocks": post["blocks"], "text": post["text"]}


def card_menu(slack: SlackDriver, session_id: int, choice: str,
              user: str = COORDINATOR) -> dict[str, Any]:
    """A pick from a session card's menu ("edit" or "cancel"), as Slack sends it."""
    return {"type": "block_actions", "team": {"id": "T0EXAMPLE"},
            "user": {"id": user}, "api_app_id": "A0COPROD", "trigger_id": "t-menu",
            "container": {"type": "message", "message_ts": "1", "channel_id": CHANNEL},
            "response_url": slack.fake.response_url("manage"),
            "actions": [{"type": "overflow", "action_id": ActionId.SESSION_MANAGE,
                         "block_id": f"session_actions:{session_id}",
                         "selected_option": {"value": f"{choice}:{session_id}"},
                         "action_ts": "1"}]}


def dms_to(fake: FakeSlack, user: str) -> list[str]:
    return [json.dumps(c.params) for c in fake.calls_to("chat.postMessage")
            if c.params["channel"] == user]


def said(fake: FakeSlack) -> str:
    """The last ephemeral answer sent through response_url."""
    ephemeral = [r.params for r in fake.responses if r.params.get("replace_original") is False]
    return ephemeral[-1]["text"]


# -- creating --------------------------------------------------------------------------------
def session_answers(day: date, **changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        BlockId.SS_TITLE: "Tuesday peer group", BlockId.SS_KIND: "peer_group",
        BlockId.SS_DAY: day.isoformat(), BlockId.SS_START: "18:00", BlockId.SS_END: "20:00",
        BlockId.SS_PLACE: "Hope Centre, room 2", BlockId.SS_CHANNEL: CHANNEL,
        BlockId.SS_NEEDED: 2, BlockId.SS_TRAINED: 1, BlockId.SS_PLACES: 3,
        BlockId.SS_REPEAT: "none"}
    answers.update(changes)
    return answers


def test_a_coordinator_sets_up_a_session_and_its_card_is_posted(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    listing = slack.command("/sessions", "", user_id=COORDINATOR)
    assert "New session" in listing.body
    slack.command("/sessions", "new", user_id=COORDINATOR)
    form = slack.opened_view()
    day = (clock.now + timedelta(days=9)).date()
    saved = json.loads(slack.submit(form, session_answers(day), user_id=COORDINATOR).body)
    assert saved["response_action"] == "update"
    assert "is set up" in json.dumps(saved["view"])
    deliver(members)
    card = card_text(slack.fake)
    assert "Tuesday peer group" in card and "18:00-20:00" in card
    assert "Needs 2 more facilitators, at least one trained" in card
    assert ActionId.SESSION_CLAIM in card


@pytest.mark.parametrize(
    ("changes", "block", "words"),
    [
        ({BlockId.SS_DAY: "2026-11-01"}, BlockId.SS_DAY, "That day has already passed"),
        ({BlockId.SS_END: "17:00"}, BlockId.SS_END, "after the start"),
        ({BlockId.SS_NEEDED: 4}, BlockId.SS_PLACES, "fewer places than the 4"),
        ({BlockId.SS_NEEDED: 1}, BlockId.SS_NEEDED, "nobody runs a group alone"),
    ],
)
def test_the_session_form_explains_what_to_fix(
    slack: SlackDriver, members: Runtime, clock: FakeClock, changes: dict[str, Any],
    block: str, words: str
) -> None:
    slack.command("/sessions", "new", user_id=COORDINATOR)
    answers = session_answers((clock.now + timedelta(days=9)).date(), **changes)
    payload = json.loads(slack.submit(slack.opened_view(), answers, user_id=COORDINATOR).body)
    assert payload["response_action"] == "errors"
    assert words in payload["errors"][block]
    with members.sessions() as session:
        assert session.query(GroupSession).count() == 0


def test_only_coordinators_set_up_sessions(slack: SlackDriver, members: Runtime,
                                           clock: FakeClock) -> None:
    answer = slack.text_of(slack.command("/sessions", "new", user_id=FACILITATOR))
    assert "Only a coordinator can set up sessions" in answer
    assert slack.fake.calls_to("views.open") == []
    assert "New session" not in slack.command("/sessions", "", user_id=FACILITATOR).body
    # A forged form submission is refused on the server too.
    slack.command("/sessions", "new", user_id=COORDINATOR)
    answers = session_answers((clock.now + timedelta(days=9)).date())
    payload = json.loads(slack.submit(slack.opened_view(), answers, user_id=FACILITATOR).body)
    assert payload["errors"][BlockId.SS_TITLE] == "Only a coordinator can do that."


# -- claiming --------------------------------------------------------------------------------
def test_two_facilitators_one_trained_make_it_covered_and_a_release_tells_everyone(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    deliver(members)
    card = card_message(slack.fake)

    slack.click(card, ActionId.SESSION_CLAIM, user_id=FACILITATOR, channel=CHANNEL)
    assert "you're facilitating" in said(slack.fake)
    deliver(members)
    assert "Needs one more facilitator, and they must be trained" in card_text(slack.fake)

    slack.click(card, ActionId.SESSION_CLAIM, user_id=COORDINATOR, channel=CHANNEL)
    deliver(members)
    assert "Covered" in card_text(slack.fake) and "(trained)" in card_text(slack.fake)
    redrawn = [r.params for r in slack.fake.responses if r.params.get("replace_original")]
    assert "Covered" in json.dumps(redrawn[-1]["blocks"])  # the clicked card at once

    slack.click(card, ActionId.SESSION_RELEASE, user_id=FACILITATOR, channel=CHANNEL)
    assert "released" in said(slack.fake)
    deliver(members)
    assert "Needs one more facilitator" in card_text(slack.fake)
    told = dms_to(slack.fake, COORDINATOR)
    assert any("Bram Okonkwo has released their place" in m for m in told)
    assert members.services.sessions.get(session_id).coverage.covered is False


def test_expired_training_counts_as_a_facilitator_but_not_trained(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    make_session(members, clock)
    deliver(members)
    card = card_message(slack.fake)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=EXPIRED, channel=CHANNEL)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=FACILITATOR, channel=CHANNEL)
    deliver(members)
    assert "Needs a trained facilitator" in card_text(slack.fake)


def test_the_last_place_is_kept_for_a_trained_facilitator(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    make_session(members, clock, places=2)
    deliver(members)
    card = card_message(slack.fake)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=FACILITATOR, channel=CHANNEL)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=EXPIRED, channel=CHANNEL)
    assert "kept for a trained facilitator" in said(slack.fake)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=COORDINATOR, channel=CHANNEL)
    assert "you're facilitating" in said(slack.fake)


def test_someone_who_is_not_a_facilitator_is_told_who_to_ask(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    make_session(members, clock)
    deliver(members)
    slack.click(card_message(slack.fake), ActionId.SESSION_CLAIM, user_id=MEMBER,
                channel=CHANNEL)
    answer = said(slack.fake)
    assert "Places are for facilitators" in answer and "Ada Brightwater" in answer


def test_a_late_release_asks_first_and_then_alerts_coordinators(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock, days_ahead=1)
    members.services.rota.claim(session_id, FACILITATOR)
    members.services.rota.claim(session_id, COORDINATOR)
    deliver(members)
    card = card_message(slack.fake)
    slack.click(card, ActionId.SESSION_RELEASE, user_id=FACILITATOR, channel=CHANNEL)
    question = [r.params for r in slack.fake.responses][-1]
    assert "less than 48 hours" in json.dumps(question["blocks"])
    assert len(members.services.sessions.get(session_id).facilitators) == 2

    slack.click(question, ActionId.SESSION_RELEASE_CONFIRMED, user_id=FACILITATOR,
                channel=CHANNEL)
    deliver(members)
    assert len(members.services.sessions.get(session_id).facilitators) == 1
    assert any("less than 48 hours away" in m for m in dms_to(slack.fake, COORDINATOR))


def test_many_claims_for_the_last_places_at_once_over_http(
    app: App, engine: Engine, members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    rows = "".join(f"Volunteer {i},U0VOL{i:04d},,facilitator;trained,slack,no,,"
                   "boundaries_training\n" for i in range(16))
    members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent,trained_until,induction\n" + rows)
    session_id = make_session(members, clock, places=3)
    deliver(members)
    card = card_message(fake_slack)

    with ServerThread(make_wsgi_app(app, engine)) as server:
        http = HttpSlackDriver(app, fake_slack, url=server.url)

        def claim(i: int) -> int:
            return http.click(card, ActionId.SESSION_CLAIM, user_id=f"U0VOL{i:04d}",
                              channel=CHANNEL).status

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(claim, range(16)))
    assert statuses == [200] * 16
    answers = [r.params["text"] for r in fake_slack.responses
               if r.params.get("replace_original") is False]
    assert sum("you're facilitating" in a for a in answers) == 3
    assert sum("has just been taken" in a for a in answers) == 13
    assert len(members.services.sessions.get(session_id).facilitators) == 3


# -- waiting list ----------------------------------------------------------------------------
def test_a_freed_place_is_offered_to_the_waiting_list_first(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock, places=2)
    deliver(members)
    card = card_message(slack.fake)  # as first posted, with Claim a place
    rota = members.services.rota
    rota.claim(session_id, COORDINATOR)
    rota.claim(session_id, FACILITATOR)
    deliver(members)
    assert "Join the waiting list" in card_text(slack.fake)
    slack.click(card, ActionId.SESSION_CLAIM, user_id=EXPIRED, channel=CHANNEL)
    rota.join_waiting_list(session_id, EXPIRED)

    rota.release(session_id, FACILITATOR)
    deliver(members)
    [offer] = [json.loads(m) for m in dms_to(slack.fake, EXPIRED)]
    assert "A facilitator place has come up" in offer["text"]
    # Held for Cleo: nobody else can take it meanwhile.
    assert rota.claim(session_id, "U0SAFEG05").decision.value == "held_for_offer"
    slack.click(offer, ActionId.SESSION_TAKE_OFFER, user_id=EXPIRED, channel="D0TRAIN03")
    assert "you're facilitating" in said(slack.fake)
    view = members.services.sessions.get(session_id)
    assert [f.name for f in view.facilitators] == ["Ada Brightwater", "Cleo Marsh"]
    assert view.waiting == 0


def test_a_freed_place_is_not_held_for_someone_still_missing_their_induction(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    # Gus is a facilitator who hasn't done the boundaries training yet.
    members.services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Gus Ferreira,U0GUSF009,,facilitator,slack,no\n")
    session_id = make_session(members, clock, places=2)
    rota = members.services.rota
    rota.claim(session_id, COORDINATOR)
    rota.claim(session_id, FACILITATOR)
    rota.join_waiting_list(session_id, "U0GUSF009")
    rota.join_waiting_list(session_id, EXPIRED)  # Cleo, inducted, behind him

    rota.release(session_id, FACILITATOR)
    deliver(members)
    assert dms_to(slack.fake, "U0GUSF009") == []  # nothing held for a place he couldn't take
    [offer] = [json.loads(m) for m in dms_to(slack.fake, EXPIRED)]
    assert "A facilitator place has come up" in offer["text"]


def test_an_offer_not_taken_in_time_opens_the_place(
    members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock, places=2)
    rota = members.services.rota
    rota.claim(session_id, COORDINATOR)
    rota.claim(session_id, FACILITATOR)
    rota.join_waiting_list(session_id, EXPIRED)
    rota.release(session_id, FACILITATOR)
    assert members.services.sessions.get(session_id).held_places == 1
    clock.advance(hours=3)
    assert rota.expire_offers() == 1
    view = members.services.sessions.get(session_id)
    assert view.held_places == 0 and view.free_places == 1


def test_attending_and_capacity(slack: SlackDriver, members: Runtime, clock: FakeClock) -> None:
    session_id = make_session(members, clock, capacity=1)
    deliver(members)
    card = card_message(slack.fake)
    slack.click(card, ActionId.SESSION_ATTEND, user_id=MEMBER, channel=CHANNEL)
    assert "you're down to come" in said(slack.fake)
    slack.click(card, ActionId.SESSION_ATTEND, user_id=FACILITATOR, channel=CHANNEL)
    assert "is full" in said(slack.fake)
    slack.click(card, ActionId.SESSION_ATTEND, user_id=MEMBER, channel=CHANNEL)
    assert "taken you off the list" in said(slack.fake)
    assert members.services.sessions.get(session_id).attendees == 0


# -- warnings --------------------------------------------------------------------------------
def test_coverage_alerts_go_once_at_each_threshold(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    texts = ConsoleSmsProvider(echo=False)
    with freeze_time("2026-11-23 09:00:00", tick=False) as frozen:
        runtime = build_runtime(settings, engine=engine, sms=texts)  # the real clock, frozen
        runtime.services.members.import_csv(MEMBERS_CSV)
        [view] = runtime.services.sessions.create(None, SessionDraft(
            title="Drop-in", kind=SessionKind.DROP_IN, day=date(2026, 12, 3),
            start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
            channel=CHANNEL))
        rota = runtime.services.rota
        dispatcher = runtime.dispatcher()

        def alerts() -> list[str]:
            dispatcher.deliver_due()
            return [m for m in dms_to(fake_slack, COORDINATOR) if "not covered yet" in m]

        assert rota.send_coverage_alerts() == 0  # ten days ahead: too early
        frozen.move_to("2026-11-26 18:00:00")  # 7 days before (London is on GMT)
        assert rota.send_coverage_alerts() == 1
        assert rota.send_coverage_alerts() == 0
        assert len(alerts()) == 1 and "less than a week away" in alerts()[0]
        frozen.move_to("2026-11-30 18:00:00")
        assert rota.send_coverage_alerts() == 1
        assert "less than three days away" in alerts()[-1]
        assert texts.sent == []  # no texts before the last day
        frozen.move_to("2026-12-02 18:30:00")
        assert rota.send_coverage_alerts() == 1
        assert rota.send_coverage_alerts() == 0
        assert len(alerts()) == 3 and "less than a day away" in alerts()[-1]
        # Ada and Esme's phone numbers take texts; only Ada is a coordinator.
        assert [t.to for t in texts.sent] == ["+447700900101"]
        assert texts.sent[0].body.startswith("Riverside Peer Support: The session on Thu 3 Dec")
        calls = [c for c in fake_slack.calls_to("chat.postMessage")
                 if c.params["channel"] == CHANNEL and "Can you help?" in json.dumps(c.params)]
        assert len(calls) == 3
        assert view.id


def test_no_alert_for_a_covered_session(members: Runtime, clock: FakeClock) -> None:
    session_id = make_session(members, clock, days_ahead=2)
    members.services.rota.claim(session_id, COORDINATOR)
    members.services.rota.claim(session_id, FACILITATOR)
    assert members.services.rota.send_coverage_alerts() == 0


# -- after the session -----------------------------------------------------------------------
def test_after_a_session_facilitators_are_asked_how_they_are(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock, days_ahead=1)
    members.services.rota.claim(session_id, COORDINATOR)
    members.services.rota.claim(session_id, FACILITATOR)
    clock.advance(days=1, hours=2)
    assert members.services.aftercare.send_check_ins() == 2
    members.services.aftercare.send_check_ins()
    deliver(members)
    [check_in] = [json.loads(m) for m in dms_to(slack.fake, FACILITATOR)
                  if "How are you after" in m]
    slack.click(check_in, ActionId.SESSION_OK_AFTER, user_id=FACILITATOR, channel="D0FACIL02")
    with members.sessions() as session:
        assert session.query(DebriefRequest).count() == 0  # "I'm OK" leaves no record

    slack.click(check_in, ActionId.SESSION_DEBRIEF, user_id=FACILITATOR, channel="D0FACIL02")
    deliver(members)
    [request] = [json.loads(m) for m in dms_to(slack.fake, COORDINATOR)
                 if "would like a debrief" in m]
    slack.click(request, ActionId.SESSION_DEBRIEF_ARRANGED, user_id=COORDINATOR)
    deliver(members)
    assert any("has arranged your debrief" in m for m in dms_to(slack.fake, FACILITATOR))
    with members.sessions() as session:
        [row] = session.query(DebriefRequest).all()
        assert row.arranged_by == COORDINATOR


GUS = "U0COORD09"  # a second coordinator, for the tests that need two


def checked_in(slack: SlackDriver, members: Runtime, clock: FakeClock) -> dict[str, Any]:
    """Ada and Bram facilitated a session yesterday: Bram's check-in, as he received it."""
    session_id = make_session(members, clock, days_ahead=1)
    members.services.rota.claim(session_id, COORDINATOR)
    members.services.rota.claim(session_id, FACILITATOR)
    clock.advance(days=1, hours=2)
    members.services.aftercare.send_check_ins()
    deliver(members)
    [check_in] = [json.loads(m) for m in dms_to(slack.fake, FACILITATOR)
                  if "How are you after" in m]
    return check_in


def updates_in(fake: FakeSlack, channel: str) -> list[str]:
    return [json.dumps(c.params) for c in fake.calls_to("chat.update")
            if c.params["channel"] == channel]


def debrief_tasks(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [json.loads(m) for m in dms_to(fake, user) if "would like a debrief" in m]


def test_only_a_facilitator_of_the_session_may_ask_for_a_debrief(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    check_in = checked_in(slack, members, clock)
    for someone in (MEMBER, EXPIRED, "U0NOBODY"):  # a member, a facilitator of others, nobody
        response = slack.click(check_in, ActionId.SESSION_DEBRIEF, user_id=someone)
        assert response.status == 200
        assert "Only the facilitators of a session can ask" in said(slack.fake)
    deliver(members)
    assert debrief_tasks(slack.fake, COORDINATOR) == []
    with members.sessions() as session:
        assert session.query(DebriefRequest).count() == 0


def test_a_debrief_is_acknowledged_then_arranged_and_the_facilitator_hears_each_step(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    members.services.members.import_csv(MEMBERS_CSV + f"Gus Lowe,{GUS},,coordinator,slack,no,\n")
    check_in = checked_in(slack, members, clock)
    slack.click(check_in, ActionId.SESSION_DEBRIEF, user_id=FACILITATOR, channel="D0FACIL02")
    deliver(members)
    [for_ada], [for_gus] = debrief_tasks(slack.fake, COORDINATOR), debrief_tasks(slack.fake, GUS)

    slack.click(for_gus, ActionId.SESSION_DEBRIEF_ACKNOWLEDGE, user_id=GUS, channel="D0COORD09")
    deliver(members)
    assert any(f"<@{GUS}> has seen your request for a debrief" in m
               for m in dms_to(slack.fake, FACILITATOR))
    # Ada's copy of the task shows that Gus has taken it on.
    ada_copy = updates_in(slack.fake, "D0COORD01")[-1]
    assert "is arranging it" in ada_copy
    assert ActionId.SESSION_DEBRIEF_ACKNOWLEDGE not in ada_copy

    slack.click(for_ada, ActionId.SESSION_DEBRIEF_ARRANGED, user_id=COORDINATOR)
    deliver(members)
    assert any(f"<@{COORDINATOR}> has arranged your debrief" in m
               for m in dms_to(slack.fake, FACILITATOR))
    assert f"Arranged by <@{COORDINATOR}>" in updates_in(slack.fake, "D0COORD09")[-1]

    # Closed now: a late "can't arrange" from an old copy changes nothing and tells nobody.
    told = len(dms_to(slack.fake, FACILITATOR))
    slack.click(for_gus, ActionId.SESSION_DEBRIEF_DECLINE, user_id=GUS, channel="D0COORD09")
    deliver(members)
    assert len(dms_to(slack.fake, FACILITATOR)) == told
    slack.click(for_ada, ActionId.SESSION_DEBRIEF_DECLINE, user_id=FACILITATOR)
    assert said(slack.fake) == "Only a coordinator can do that."
    with members.sessions() as session:
        [row] = session.query(DebriefRequest).all()
        assert (row.status.value, row.arranged_by) == ("arranged", COORDINATOR)


def test_a_debrief_that_cannot_be_arranged_is_said_kindly(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    check_in = checked_in(slack, members, clock)
    slack.click(check_in, ActionId.SESSION_DEBRIEF, user_id=FACILITATOR, channel="D0FACIL02")
    deliver(members)
    [task] = debrief_tasks(slack.fake, COORDINATOR)
    slack.click(task, ActionId.SESSION_DEBRIEF_DECLINE, user_id=COORDINATOR)
    redrawn = [r.params for r in slack.fake.responses if r.params.get("replace_original")]
    assert "couldn't arrange it" in json.dumps(redrawn[-1]["blocks"])
    deliver(members)
    assert any("can't arrange a debrief" in m and "ask another coordinator" in m
               for m in dms_to(slack.fake, FACILITATOR))


# -- cancel, DST, series, calendar, CLI ------------------------------------------------------
def test_cancelling_tells_everyone_signed_up_by_their_own_way(
    slack: SlackDriver, members: Runtime, clock: FakeClock, console_sms: ConsoleSmsProvider
) -> None:
    session_id = make_session(members, clock)
    rota = members.services.rota
    rota.claim(session_id, FACILITATOR)
    with members.sessions.begin() as session:
        # Dev only takes texts: he is down to attend, so he must hear by text.
        dev = session.query(Member).filter_by(phone="+447700900104").one()
        found = session.get(GroupSession, session_id)
        assert found is not None
        found.attendees.append(SessionAttendee(member_id=dev.id, joined_at=clock.now))
    deliver(members)
    slack.click(card_message(slack.fake), ActionId.SESSION_CLAIM, user_id=COORDINATOR,
                channel=CHANNEL)
    manage = card_menu(slack, session_id, "cancel")
    assert slack.interactive(manage).status == 200
    slack.settle()
    asked = [r.params for r in slack.fake.responses][-1]  # are you sure? (see its own tests)
    slack.click(asked, ActionId.SESSION_CANCEL_CONFIRMED, user_id=COORDINATOR)
    deliver(members)
    assert any("has been cancelled" in m for m in dms_to(slack.fake, FACILITATOR))
    assert any("is cancelled" in t.body for t in console_sms.sent if t.to == "+447700900104")
    assert "Cancelled" in card_text(slack.fake)
    assert ActionId.SESSION_CLAIM not in card_text(slack.fake)


def test_a_session_the_day_after_the_clocks_change_shows_its_local_time(
    slack: SlackDriver, members: Runtime
) -> None:
    [view] = members.services.sessions.create(None, SessionDraft(
        title="Spring group", kind=SessionKind.PEER_GROUP, day=date(2027, 3, 29),
        start_time=time(18, 0), end_time=time(19, 30), place="Hope Centre", channel=CHANNEL))
    assert view.starts_at.utctimetuple().tm_hour == 17
    deliver(members)
    assert "Mon 29 Mar, 18:00-19:30" in card_text(slack.fake)


def test_a_weekly_series_is_made_ahead_and_kept_ahead(members: Runtime, clock: FakeClock) -> None:
    made = members.services.sessions.create(None, SessionDraft(
        title="Weekly group", kind=SessionKind.PEER_GROUP, day=date(2026, 11, 24),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre",
        repeat=Repeat.WEEKLY))
    assert len(made) == 9
    assert {m.starts_at.astimezone(members.settings.timezone).hour for m in made} == {18}
    assert members.services.sessions.extend_series() == 0
    # Made up to eight weeks past the first day (24 Nov: 19 Jan); then kept eight weeks ahead.
    clock.advance(weeks=2)
    assert members.services.sessions.extend_series() == 1  # 26 Jan
    clock.advance(weeks=2)
    assert members.services.sessions.extend_series() == 2  # 2 and 9 Feb
    assert members.services.sessions.extend_series() == 0


def test_add_to_calendar_serves_an_ics_only_with_the_right_link(
    settings: Settings, engine: Engine, members: Runtime, clock: FakeClock,
    fake_slack: FakeSlack
) -> None:
    public = settings.model_copy(update={"coprod_public_url": "https://coprod.example.org"})
    runtime = build_runtime(public, engine=engine, clock=clock, sms=members.sms)
    session_id = make_session(runtime, clock)
    deliver(runtime)
    link = next(e["url"] for b in card_message(fake_slack)["blocks"]
                if b.get("type") == "actions" for e in b["elements"] if e.get("url"))
    path = link.removeprefix("https://coprod.example.org")
    app = create_app(public, runtime.services, client=runtime.client)
    with ServerThread(make_wsgi_app(app, engine,
                                    calendar=runtime.services.sessions.calendar_file)) as server:
        with urllib.request.urlopen(server.url + path, timeout=5) as response:
            ics = response.read().decode()
            assert response.headers["Content-Type"].startswith("text/calendar")
        assert "BEGIN:VEVENT" in ics and "SUMMARY:Tuesday peer group" in ics
        assert f"UID:session-{session_id}@coprod" in ics
        wrong = path.replace(".ics", "0.ics")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.url + wrong, timeout=5)
        assert missing.value.code == 404


def test_editing_a_session_tells_those_signed_up(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    deliver(members)
    manage = card_menu(slack, session_id, "edit")
    slack.interactive(manage)
    form = slack.opened_view()
    assert form["title"]["text"] == "Edit session"
    assert BlockId.SS_REPEAT not in {b.get("block_id") for b in form["blocks"]}
    place = next(b for b in form["blocks"] if b.get("block_id") == BlockId.SS_PLACE)
    assert place["element"]["initial_value"] == "Hope Centre"
    day = next(b for b in form["blocks"] if b.get("block_id") == BlockId.SS_DAY)
    answers = session_answers(date.fromisoformat(day["element"]["initial_date"]),
                              **{BlockId.SS_PLACE: "Library, upstairs room"})
    answers.pop(BlockId.SS_REPEAT)
    saved = json.loads(slack.submit(form, answers, user_id=COORDINATOR).body)
    assert "is updated" in json.dumps(saved["view"])
    deliver(members)
    assert any("has changed" in m and "Library, upstairs room" in m
               for m in dms_to(slack.fake, FACILITATOR))
    assert "Library, upstairs room" in card_text(slack.fake)

    manage["user"] = {"id": FACILITATOR}
    manage["actions"][0]["selected_option"] = {"value": f"cancel:{session_id}"}
    slack.interactive(manage)
    assert "Only a coordinator" in said(slack.fake)
    assert members.services.sessions.get(session_id).cancelled is False


def test_editing_a_session_moves_its_card_to_the_channel_picked(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    deliver(members)
    manage = card_menu(slack, session_id, "edit")
    slack.interactive(manage)
    form = slack.opened_view()
    day = next(b for b in form["blocks"] if b.get("block_id") == BlockId.SS_DAY)
    answers = session_answers(date.fromisoformat(day["element"]["initial_date"]),
                              **{BlockId.SS_CHANNEL: "C0THURSDAY"})
    answers.pop(BlockId.SS_REPEAT)
    slack.submit(form, answers, user_id=COORDINATOR)
    deliver(members)
    assert members.services.sessions.get(session_id).channel_id == "C0THURSDAY"
    [moved] = [c.params for c in slack.fake.calls_to("chat.postMessage")
               if c.params["channel"] == "C0THURSDAY"]
    assert "Tuesday peer group" in moved["text"] and ActionId.SESSION_CLAIM in json.dumps(moved)
    # The card already posted is kept up to date where it is.
    assert "18:00-20:00" in card_text(slack.fake)


@pytest.mark.parametrize("change", ["covered", "cancelled", "started"])
def test_a_coverage_alert_is_not_sent_once_it_is_no_longer_needed(
    members: Runtime, clock: FakeClock, fake_slack: FakeSlack, change: str
) -> None:
    session_id = make_session(members, clock, days_ahead=2)
    deliver(members)  # the card
    assert members.services.rota.send_coverage_alerts() == 1  # to Ada, and in the channel
    if change == "covered":
        members.services.rota.claim(session_id, COORDINATOR)
        members.services.rota.claim(session_id, FACILITATOR)
    elif change == "cancelled":
        members.services.sessions.cancel(COORDINATOR, session_id)
    else:
        clock.advance(days=2, hours=1)
    deliver(members)
    posted = json.dumps([c.params for c in fake_slack.calls_to("chat.postMessage")])
    assert "not covered yet" not in posted and "Can you help?" not in posted


def test_claiming_from_app_home_answers_the_person_and_redraws_home(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    session_id = make_session(members, clock)
    slack.event({"type": "app_home_opened", "user": FACILITATOR, "tab": "home"})
    [home] = [c.params for c in slack.fake.calls_to("views.publish")]
    view = json.loads(home["view"]) if isinstance(home["view"], str) else home["view"]
    claim = next(e for b in view["blocks"] if b.get("type") == "actions"
                 for e in b["elements"] if e.get("action_id") == ActionId.SESSION_CLAIM)
    response = slack.interactive({
        "type": "block_actions", "team": {"id": "T0EXAMPLE"}, "user": {"id": FACILITATOR},
        "api_app_id": "A0COPROD", "trigger_id": "1337.45.abcd",
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {**view, "id": "V0HOME", "type": "home"},
        "actions": [{**claim, "block_id": "home", "action_ts": "1700000000.3"}]})
    slack.settle()
    assert response.status == 200
    [answer] = [c.params for c in slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == FACILITATOR]
    assert "Tuesday peer group" in answer["text"]
    assert len(slack.fake.calls_to("views.publish")) == 2  # Home drawn again, as it is now
    assert members.services.sessions.get(session_id).facilitators[0].slack_user_id == FACILITATOR


def test_a_release_alert_stays_true_as_the_session_changes(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    rota = members.services.rota
    session_id = make_session(members, clock, days_ahead=1)
    rota.claim(session_id, FACILITATOR)
    rota.claim(session_id, EXPIRED)
    rota.release(session_id, FACILITATOR, confirmed=True)
    deliver(members)
    [alert] = [c.params for c in slack.fake.calls_to("chat.postMessage")
               if c.params["channel"] == COORDINATOR and "released" in c.params["text"]]
    assert ActionId.SESSION_CLAIM in json.dumps(alert["blocks"])
    members.services.sessions.cancel(COORDINATOR, session_id)
    deliver(members)
    # The coordinator's copy is redrawn in place: no place is offered in a cancelled session.
    redrawn = [c.params for c in slack.fake.calls_to("chat.update")
               if c.params["channel"] == "D0COORD01" and "released" in c.params["text"]]
    assert redrawn and ActionId.SESSION_CLAIM not in json.dumps(redrawn[-1]["blocks"])


# -- messages that stay true (issue 16, items 5 and 6) ---------------------------------------
def calls_in_channel(fake: FakeSlack) -> list[dict[str, Any]]:
    """The call for cover in the channel as it stands: posted, then each redraw of it."""
    posted = [c.params for c in fake.calls_to("chat.postMessage")
              if c.params["channel"] == CHANNEL and "Can you help?" in c.params["text"]]
    updates = [c.params for c in fake.calls_to("chat.update")  # all but the card's
               if c.params["channel"] == CHANNEL
               and not c.params["text"].startswith("Tuesday peer group,")]
    return posted + updates


@pytest.mark.parametrize(("change", "words"), [
    ("covered", "Covered now - thank you"),
    ("cancelled", "has been cancelled, so no cover is needed"),
    ("started", "has started, so this call for cover is closed"),
])
def test_a_posted_call_for_cover_says_it_is_answered_once_no_cover_is_needed(
    members: Runtime, clock: FakeClock, fake_slack: FakeSlack, change: str, words: str
) -> None:
    session_id = make_session(members, clock, days_ahead=2)
    assert members.services.rota.send_coverage_alerts() == 1
    deliver(members)
    [call] = calls_in_channel(fake_slack)
    assert ActionId.SESSION_CLAIM in json.dumps(call["blocks"])
    if change == "covered":
        members.services.rota.claim(session_id, FACILITATOR)
        deliver(members)
        # Still short: the call is redrawn, still asking, with the words now.
        assert "and they must be trained" in json.dumps(calls_in_channel(fake_slack)[-1])
        members.services.rota.claim(session_id, COORDINATOR)
    elif change == "cancelled":
        members.services.sessions.cancel(COORDINATOR, session_id)
    else:
        clock.advance(days=2, minutes=1)
        assert members.services.sessions.close_started() == 1
    deliver(members)
    latest = calls_in_channel(fake_slack)[-1]
    assert words in json.dumps(latest["blocks"])
    assert '"actions"' not in json.dumps(latest["blocks"])  # no buttons left to press
    # The coordinator's alert says the same in place, and offers no place either.
    alert = alerts_to_coordinator(fake_slack)[0]
    assert alert["text"].startswith("Not covered yet")
    assert ActionId.SESSION_CLAIM in json.dumps(alert["blocks"])
    redrawn = alerts_to_coordinator(fake_slack)[-1]
    assert words in json.dumps(redrawn["blocks"])
    assert '"actions"' not in json.dumps(redrawn["blocks"])


def alerts_to_coordinator(fake: FakeSlack) -> list[dict[str, Any]]:
    """The coordinator's coverage alert as it stands: sent, then each redraw of it."""
    sent = [c.params for c in fake.calls_to("chat.postMessage")
            if c.params["channel"] == COORDINATOR
            and c.params["text"].startswith("Not covered yet")]
    return sent + [c.params for c in fake.calls_to("chat.update")  # all but release alerts
                   if c.params["channel"] == "D0COORD01" and "released" not in c.params["text"]]


def test_a_card_is_redrawn_once_as_its_session_starts_and_offers_nothing(
    members: Runtime, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    make_session(members, clock, days_ahead=1)
    deliver(members)
    assert ActionId.SESSION_CLAIM in card_text(fake_slack)
    sessions = members.services.sessions
    assert sessions.close_started() == 0  # not started yet
    clock.advance(days=1, minutes=1)
    assert sessions.close_started() == 1
    assert sessions.close_started() == 0  # once
    deliver(members)
    card = card_text(fake_slack)
    assert "Started - places are closed now" in card
    for gone in (ActionId.SESSION_CLAIM, ActionId.SESSION_RELEASE, ActionId.SESSION_ATTEND):
        assert gone not in card
    assert len(fake_slack.calls_to("chat.update")) == 1


def home_of(fake: FakeSlack) -> dict[str, Any]:
    home = fake.calls_to("views.publish")[-1].params
    view = json.loads(home["view"]) if isinstance(home["view"], str) else home["view"]
    return dict(view)


def click_on_home(slack: SlackDriver, user: str, view: dict[str, Any], action_id: str,
                  value: str) -> None:
    for block in view["blocks"]:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id and element.get("value") == value:
                response = slack.interactive({
                    "type": "block_actions", "team": {"id": "T0EXAMPLE"}, "user": {"id": user},
                    "api_app_id": "A0COPROD", "trigger_id": "1337.45.abcd",
                    "container": {"type": "view", "view_id": "V0HOME"},
                    "view": {**view, "id": "V0HOME", "type": "home"},
                    "actions": [{**element, "block_id": block["block_id"],
                                 "action_ts": "1700000000.3"}]})
                slack.settle()
                assert response.status == 200
                return
    raise AssertionError(f"no {action_id} for {value} on Home")


def test_app_home_has_coming_meetings_and_a_facilitators_own_release(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    from bot.rules.meetings import MeetingDraft, MeetingKind

    session_id = make_session(members, clock)
    members.services.rota.claim(session_id, FACILITATOR)
    day = (clock.now + timedelta(days=20)).date()
    [meeting] = members.services.meetings.create(None, MeetingDraft(
        title="Winter forum", kind=MeetingKind.FORUM, day=day, start_time=time(18),
        end_time=time(20), place="Hope Centre"))
    slack.event({"type": "app_home_opened", "user": FACILITATOR, "tab": "home"})
    home = home_of(slack.fake)
    assert len(home["blocks"]) <= 100
    text = json.dumps(home)
    assert "Coming meetings" in text and "Winter forum" in text
    assert "You haven't said yet" in text

    click_on_home(slack, FACILITATOR, home, ActionId.MEETING_GOING, str(meeting.id))
    assert "You're going" in json.dumps(home_of(slack.fake))  # Home drawn again, answered
    assert any("you're down for Winter forum" in m for m in dms_to(slack.fake, FACILITATOR))

    click_on_home(slack, FACILITATOR, home_of(slack.fake), ActionId.SESSION_RELEASE,
                  str(session_id))
    assert any("is released" in m for m in dms_to(slack.fake, FACILITATOR))
    assert members.services.sessions.get(session_id).facilitators == ()
    assert "Nothing booked" in json.dumps(home_of(slack.fake))


def test_a_coordinators_alert_is_one_drawing_for_all_and_a_wrong_button_is_answered_kindly(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    """A coverage alert's buttons are the card's, the same for every coordinator (its
    drawing, redrawn with the card, can't know its reader): Claim pressed by one already
    running it, or Release by one who isn't, says so kindly and changes nothing."""
    session_id = make_session(members, clock, days_ahead=2)
    members.services.rota.claim(session_id, COORDINATOR)
    assert members.services.rota.send_coverage_alerts() == 1
    deliver(members)
    [alert] = alerts_to_coordinator(slack.fake)
    buttons = json.dumps(alert["blocks"])
    assert ActionId.SESSION_CLAIM in buttons and ActionId.SESSION_RELEASE in buttons

    slack.click(alert, ActionId.SESSION_CLAIM, user_id=COORDINATOR, channel="D0COORD01")
    assert "You already have a place at *Tuesday peer group*" in said(slack.fake)
    members.services.rota.release(session_id, COORDINATOR, confirmed=True)
    slack.click(alert, ActionId.SESSION_RELEASE, user_id=COORDINATOR, channel="D0COORD01")
    assert "You don't have a place at *Tuesday peer group*" in said(slack.fake)
    assert "nothing to release" in said(slack.fake)
    assert members.services.sessions.get(session_id).facilitators == ()
