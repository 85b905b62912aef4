"""Values our buttons and forms never send are answered calmly, not with a server error."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.wiring import Runtime
from handlers.blocks.text import OUT_OF_DATE
from handlers.ids import ActionId, CallbackId
from handlers.payloads import NotOurs, metadata, number
from storage.models import OutboxMessage
from tests.conftest import SlackDriver

LEAD = "U0SAFEG05"


@pytest.mark.parametrize("value", ["abc", "", "1.5", None, [], "0", "-3", True, "9" * 20])
def test_a_button_value_we_never_sent_gets_no_server_error(
    slack: SlackDriver, members: Runtime, value: object
) -> None:
    response = slack.interactive({
        "type": "block_actions", "user": {"id": LEAD}, "api_app_id": "A0COPROD",
        "trigger_id": "1.2.3", "team": {"id": "T0EXAMPLE"},
        "actions": [{"action_id": ActionId.IN_ACKNOWLEDGE, "block_id": "b", "value": value,
                     "type": "button"}],
        "response_url": slack.fake.response_url()})
    assert response.status == 200
    # Nothing was done and nothing was said.
    assert [c.method for c in slack.fake.calls if c.method != "auth.test"] == []


def test_a_note_form_with_odd_metadata_gets_no_server_error(
    slack: SlackDriver, members: Runtime
) -> None:
    response = slack.interactive({
        "type": "view_submission", "user": {"id": LEAD}, "api_app_id": "A0COPROD",
        "team": {"id": "T0EXAMPLE"},
        "view": {"id": "V1", "type": "modal", "callback_id": CallbackId.INCIDENT_NOTE,
                 "private_metadata": "not json", "state": {"values": {}}, "blocks": []}})
    assert response.status == 200


def test_record_numbers_are_digits_above_zero() -> None:
    assert number("12") == 12 and number(7) == 7
    for odd in ("", "x", "1.0", 0, -1, None, True, "1" * 13, "²", "①", "٣"):
        with pytest.raises(NotOurs):
            number(odd)
    assert metadata({"private_metadata": '{"case": 3}'}) == {"case": 3}
    with pytest.raises(NotOurs):
        metadata({"private_metadata": "[1]"})


@pytest.mark.parametrize("action_id", [
    ActionId.MEETING_GOING, ActionId.MEETING_NOT_GOING, ActionId.MEETING_CANCEL,
    ActionId.PRESENT_ACCEPT, ActionId.TX_REPLY])
@pytest.mark.parametrize("value", ["abc", "0", "1.5"])
def test_an_odd_value_on_a_meetings_or_texting_button_does_nothing(
    slack: SlackDriver, members: Runtime, action_id: ActionId, value: str
) -> None:
    from bot.rules.meetings import MeetingDraft, MeetingKind

    members.services.meetings.create(None, MeetingDraft(
        title="Winter forum", kind=MeetingKind.FORUM, day=date(2026, 12, 8),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre"))
    response = slack.interactive({
        "type": "block_actions", "user": {"id": "U0COORD01"}, "api_app_id": "A0COPROD",
        "trigger_id": "1.2.3", "team": {"id": "T0EXAMPLE"},
        "actions": [{"action_id": action_id, "block_id": "b", "value": value,
                     "type": "button"}],
        "response_url": slack.fake.response_url()})
    assert response.status == 200
    assert [c.method for c in slack.fake.calls if c.method != "auth.test"] == []
    # Not "that meeting has been cancelled": only that the button is out of date.
    [answer] = slack.fake.responses
    assert answer.params["text"] == OUT_OF_DATE
    assert answer.params["response_type"] == "ephemeral"
    [meeting] = members.services.meetings.upcoming_for("U0COORD01")
    assert not meeting.cancelled and meeting.going == () and meeting.not_going == 0


def test_a_text_reply_form_with_odd_metadata_sends_nothing(
    slack: SlackDriver, members: Runtime
) -> None:
    response = slack.interactive({
        "type": "view_submission", "user": {"id": "U0COORD01"}, "api_app_id": "A0COPROD",
        "team": {"id": "T0EXAMPLE"},
        "view": {"id": "V1", "type": "modal", "callback_id": CallbackId.TEXT_REPLY,
                 "private_metadata": '{"text": "x"}', "state": {"values": {}}, "blocks": []}})
    assert response.status == 200
    with members.sessions() as session:
        assert session.query(OutboxMessage).count() == 0
