"""Values our buttons and forms never send are answered calmly, not with a server error."""

from __future__ import annotations

import pytest

from bot.wiring import Runtime
from handlers.ids import ActionId, CallbackId
from handlers.payloads import NotOurs, metadata, number
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
    for odd in ("", "x", "1.0", 0, -1, None, True, "1" * 13):
        with pytest.raises(NotOurs):
            number(odd)
    assert metadata({"private_metadata": '{"case": 3}'}) == {"case": 3}
    with pytest.raises(NotOurs):
        metadata({"private_metadata": "[1]"})
