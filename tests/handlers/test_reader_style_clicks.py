"""A message clicked in someone's DM is redrawn at once in their style (easy read, words for a
screen reader), exactly as the outbox redraws that copy a moment later, so it never flickers to
the standard words and back; a message clicked in a channel, which everyone reads, stays
standard. Driven through the real Bolt app, with real flows (tests/samples) setting things up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import pytest

from bot.notices import Notice
from bot.rules.communication import DANGER, EASY_READ, STANDARD, Reading, Style, has_emoji
from bot.rules.sessions import SessionDraft, SessionKind
from bot.services.aftercare import CheckIn, DebriefRequested
from bot.services.breaches import BreachFollowUp
from bot.services.declarations import DeclarationToReader
from bot.services.expenses import ClaimToCoordinators
from bot.services.feedback import CaseNotice, MeetingTask
from bot.services.incidents import IncidentAlert
from bot.services.meetings import PresentRequested
from bot.services.oversight import SeriousIncidentNotice
from bot.wiring import Runtime
from handlers.blocks import sessions as session_blocks
from handlers.blocks.text import crisis_footer
from handlers.ids import ActionId
from handlers.payloads import clicked_in_dm
from storage.repositories import MemberRepository
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.samples import SampleKey, SampleWorld, every_sample
from tests.samples.reading import texts_in

ADA = "U0COORD01"   # coordinator, trained facilitator
BRAM = "U0FACIL02"  # facilitator
ESME = "U0SAFEG05"  # safeguarding lead
HANA = "U0HROFF07"  # HR officer
TOM = "U0TRUST08"   # trustee
SAMPLES = every_sample()
EASY_SCREEN_READER = Style(easy_read=True, screen_reader=True)


@pytest.fixture
def world(members: Runtime, slack: SlackDriver, fake_slack: FakeSlack,
          clock: FakeClock) -> SampleWorld:
    return SampleWorld(members, slack, fake_slack, clock)


def reads_in(world: SampleWorld, slack_user_id: str, style: Style) -> None:
    """Their communication profile, set on their row as the profile form would leave it."""
    with world.runtime.sessions.begin() as session:
        member = MemberRepository(session).get_by_slack_id(slack_user_id)
        assert member is not None
        member.reading = Reading.EASY_READ if style.easy_read else Reading.STANDARD
        member.screen_reader = style.screen_reader
    assert world.services.profiles.style_of(slack_user_id) == style


def a_session(world: SampleWorld, *, days_ahead: int) -> int:
    """A peer group at 6pm in its channel, needing two facilitators, one of them trained."""
    [view] = world.services.sessions.create(None, SessionDraft(
        title="Tuesday peer group", kind=SessionKind.PEER_GROUP,
        day=(world.clock.now + timedelta(days=days_ahead)).date(), start_time=time(18, 0),
        end_time=time(20, 0), place="Hope Centre", channel="C0TUESDAY"))
    return view.id


def dm_of(slack_user_id: str) -> str:
    return "D" + slack_user_id[1:]


def delivered(world: SampleWorld, to: str, button: str) -> dict[str, Any]:
    """The newest message posted to `to` (a person or a channel) with this button on it, with
    the ts Slack gave it."""
    fake = world.fake_slack
    message = next(c.params for c in reversed(fake.calls_to("chat.postMessage"))
                   if c.params["channel"] == to and button in json.dumps(c.params["blocks"]))
    mark = message["metadata"]
    mark = json.loads(mark) if isinstance(mark, str) else mark
    place = dm_of(to) if to.startswith("U") else to
    [ts] = [m["ts"] for m in fake.history[place] if m.get("metadata") == mark]
    return {**message, "ts": ts}


def click(world: SampleWorld, message: dict[str, Any], button: str, user: str,
          where: str) -> dict[str, Any]:
    """Clicks the button where the message is; what the handler redrew it as, at once."""
    world.slack.click(message, button, user_id=user, channel=where, ts=message["ts"])
    redraws = [r.params for r in world.fake_slack.responses if r.params.get("replace_original")]
    assert redraws, "the clicked message was not redrawn"
    return shown(redraws[-1])


def outbox_redraw(world: SampleWorld, where: str, ts: str) -> dict[str, Any]:
    """The outbox's redraw of the message at `where`/`ts`, sent as the scheduler would."""
    world.deliver()
    updates = [c.params for c in world.fake_slack.calls_to("chat.update")
               if c.params["channel"] == where and c.params["ts"] == ts]
    assert updates, "the outbox did not redraw the clicked copy"
    return shown(updates[-1])


def shown(message: dict[str, Any]) -> dict[str, Any]:
    return {"text": message["text"], "blocks": message["blocks"]}


def words_of(message: dict[str, Any]) -> list[str]:
    return texts_in(message)


def has_pictures(message: dict[str, Any]) -> bool:
    return any(has_emoji(words) for words in words_of(message)) or '"emoji"' in json.dumps(
        message)


# -- every handler that redraws a notice someone clicked in their DM --------------------------
@dataclass(frozen=True)
class Clicked:
    """A notice someone is sent as a DM, and the button on it they click."""

    kind: type[Notice]
    reader: str
    button: ActionId


CLICKS = [
    Clicked(IncidentAlert, ESME, ActionId.IN_ACKNOWLEDGE),          # handlers/incidents.py
    Clicked(SeriousIncidentNotice, TOM, ActionId.SI_ACKNOWLEDGE),   # handlers/oversight.py
    Clicked(CaseNotice, ADA, ActionId.FB_ACKNOWLEDGE),              # handlers/feedback.py
    Clicked(MeetingTask, ADA, ActionId.FB_MEETING_ACKNOWLEDGE),     # handlers/feedback.py
    Clicked(BreachFollowUp, ADA, ActionId.BR_ACKNOWLEDGE),          # handlers/breaches.py
    Clicked(DeclarationToReader, HANA, ActionId.DECLARATION_ACKNOWLEDGE),  # declarations.py
    Clicked(ClaimToCoordinators, ADA, ActionId.CLAIM_APPROVE),      # handlers/expenses.py
    Clicked(PresentRequested, ADA, ActionId.PRESENT_ACKNOWLEDGE),   # handlers/meetings.py
    Clicked(DebriefRequested, ADA, ActionId.SESSION_DEBRIEF_ACKNOWLEDGE),  # sessions.py
]


@pytest.mark.parametrize("style", [STANDARD, EASY_READ, EASY_SCREEN_READER],
                         ids=lambda style: style.name)
@pytest.mark.parametrize("clicked", CLICKS, ids=lambda clicked: clicked.kind.kind)
def test_a_notice_clicked_in_a_dm_is_redrawn_at_once_as_the_outbox_redraws_it(
    clicked: Clicked, style: Style, world: SampleWorld
) -> None:
    reads_in(world, clicked.reader, style)
    SAMPLES[SampleKey(clicked.kind)](world)
    world.deliver()
    message = delivered(world, clicked.reader, clicked.button)
    dm = dm_of(clicked.reader)

    at_once = click(world, message, clicked.button, clicked.reader, dm)
    assert at_once != shown(message), "the click changed nothing"
    # The outbox draws each copy in its reader's style; the click drew the same message.
    assert at_once == outbox_redraw(world, dm, message["ts"])
    assert at_once["blocks"][-1] == crisis_footer(world.services.settings.coprod_crisis_line)
    if style.screen_reader:
        assert not has_pictures(at_once)


def test_an_easy_read_lead_sees_the_easy_read_alert_at_once_on_acknowledging(
    world: SampleWorld
) -> None:
    reads_in(world, ESME, EASY_READ)
    SAMPLES[SampleKey(IncidentAlert)](world)  # urgent: someone may be in danger
    world.deliver()
    alert = delivered(world, ESME, ActionId.IN_ACKNOWLEDGE)

    at_once = click(world, alert, ActionId.IN_ACKNOWLEDGE, ESME, dm_of(ESME))
    assert at_once["text"].startswith("Urgent: report number")
    assert at_once["text"].endswith("someone has picked it up")
    words = "\n".join(words_of(at_once))
    assert f"<@{ESME}> picked it up on " in words
    assert "Acknowledged by" not in words  # the standard alert's words
    assert ActionId.IN_ACKNOWLEDGE not in json.dumps(at_once)
    assert at_once == outbox_redraw(world, dm_of(ESME), alert["ts"])


def test_a_standard_lead_sees_the_standard_alert_at_once(world: SampleWorld) -> None:
    SAMPLES[SampleKey(IncidentAlert)](world)  # urgent: someone may be in danger
    world.deliver()
    alert = delivered(world, ESME, ActionId.IN_ACKNOWLEDGE)

    at_once = click(world, alert, ActionId.IN_ACKNOWLEDGE, ESME, dm_of(ESME))
    words = "\n".join(words_of(at_once))
    assert f"Acknowledged by <@{ESME}>" in words and "picked it up" not in words
    assert DANGER in words  # pictures stay for those who see them
    assert at_once == outbox_redraw(world, dm_of(ESME), alert["ts"])


def test_a_screen_reader_user_gets_the_alert_redrawn_without_pictures(
    world: SampleWorld
) -> None:
    reads_in(world, ESME, Style(screen_reader=True))  # standard words, no pictures
    SAMPLES[SampleKey(IncidentAlert)](world)  # urgent: someone may be in danger
    world.deliver()
    alert = delivered(world, ESME, ActionId.IN_ACKNOWLEDGE)
    assert not has_pictures(alert)  # as delivered

    at_once = click(world, alert, ActionId.IN_ACKNOWLEDGE, ESME, dm_of(ESME))
    assert not has_pictures(at_once)
    words = "\n".join(words_of(at_once))
    assert "They said someone may be in immediate danger." in words
    assert f"Acknowledged by <@{ESME}>" in words
    assert at_once == outbox_redraw(world, dm_of(ESME), alert["ts"])


# -- channels, which everyone reads -------------------------------------------------------------
def test_a_card_clicked_in_its_channel_stays_standard_whoever_clicks(
    world: SampleWorld
) -> None:
    reads_in(world, BRAM, EASY_SCREEN_READER)
    session_id = a_session(world, days_ahead=9)
    world.deliver()
    channel = world.services.sessions.get(session_id).channel_id
    assert channel is not None
    card = delivered(world, channel, ActionId.SESSION_CLAIM)

    at_once = click(world, card, ActionId.SESSION_CLAIM, BRAM, channel)
    standard = session_blocks.card_payload(
        STANDARD, world.services.sessions.card_for(session_id), world.services)
    assert at_once["text"] == standard["text"]
    assert at_once["blocks"][:-1] == standard["blocks"]  # then the crisis line, as delivered
    assert at_once == outbox_redraw(world, channel, card["ts"])
    assert has_pictures(at_once)  # the coverage symbol, for everyone who reads the channel


# -- sessions: an alert with the card's buttons, and the check-in ------------------------------
def test_claiming_from_a_release_alert_in_a_dm_shows_the_card_in_the_clickers_style(
    world: SampleWorld
) -> None:
    reads_in(world, ADA, EASY_READ)
    session_id = a_session(world, days_ahead=1)
    world.services.rota.claim(session_id, BRAM)
    world.services.rota.release(session_id, BRAM, confirmed=True)  # late: the coordinators hear
    world.deliver()
    alert = delivered(world, ADA, ActionId.SESSION_CLAIM)

    at_once = click(world, alert, ActionId.SESSION_CLAIM, ADA, dm_of(ADA))
    easy = session_blocks.card_payload(
        EASY_READ, world.services.sessions.card_for(session_id), world.services)
    assert at_once == {"text": easy["text"], "blocks": [
        *easy["blocks"], crisis_footer(world.services.settings.coprod_crisis_line)]}


@pytest.mark.parametrize(("button", "words"), [
    (ActionId.SESSION_OK_AFTER, "Good to hear you are OK."),
    (ActionId.SESSION_DEBRIEF, "They will set up a debrief with you."),
])
def test_answering_the_check_in_is_said_back_in_their_style(
    button: ActionId, words: str, world: SampleWorld
) -> None:
    reads_in(world, BRAM, EASY_SCREEN_READER)
    SAMPLES[SampleKey(CheckIn)](world)  # Ada and Bram ran a session last night
    world.deliver()
    check_in = delivered(world, BRAM, button)

    at_once = click(world, check_in, button, BRAM, dm_of(BRAM))
    assert words in "\n".join(words_of(at_once))
    assert at_once["blocks"][-1] == crisis_footer(world.services.settings.coprod_crisis_line)
    assert not has_pictures(at_once)


# -- where a click was ----------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "in_dm"), [
    ({"container": {"type": "message", "channel_id": "D0COORD01"},
      "channel": {"id": "D0COORD01"}}, True),
    ({"channel": {"id": "D0COORD01"}}, True),
    ({"container": {"type": "message", "channel_id": "C0TUESDAY"},
      "channel": {"id": "C0TUESDAY"}}, False),
    ({"container": {"type": "message", "channel_id": "G0PRIVATE"}}, False),
    ({"container": {"type": "view", "view_id": "V0HOME"}, "view": {"type": "home"}}, False),
    ({}, False),
])
def test_a_click_is_in_a_dm_only_when_slack_says_the_conversation_is_one(
    body: dict[str, Any], in_dm: bool
) -> None:
    assert clicked_in_dm(body) is in_dm
