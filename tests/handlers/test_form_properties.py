"""Property tests on the forms: whatever anyone types - any script, emoji, right-to-left text,
3,000 characters, mrkdwn control sequences - it is stored exactly as typed or gets a field
error; never a server error, and never unescaped mrkdwn in a message."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.wiring import Runtime
from handlers.blocks.feedback import case_notice
from handlers.ids import BlockId, OptionValue
from storage.models import FeedbackCase, Incident
from tests.conftest import SlackDriver

TRICKY = st.sampled_from(["<!channel>", "<!here|here>", "<@U0COORD01>", "<http://x.example|y>",
                          "&amp;", "&lt;", "*bold*", "_it_", "~s~", "`code`", ">quote",
                          "\u202eRTL override", "مرحبا", "שלום", "👩🏽‍🦱", "\u0000", "\r\n",
                          " ", "\t"])
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(TRICKY, st.text(max_size=20)), max_size=30).map("".join),
    st.integers(min_value=2990, max_value=3010).map(lambda n: ("é<" * n)[:n]),
)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=TEXTS)
def test_feedback_text_is_kept_exactly_or_refused_kindly(
    slack: SlackDriver, members: Runtime, text: str
) -> None:
    slack.command("/feedback", "", user_id="U0FACIL02")
    form = slack.opened_view()
    response = slack.submit(form, {BlockId.FB_KIND: "concern", BlockId.FB_TOPIC: "service",
                                   BlockId.FB_TEXT: text,
                                   BlockId.FB_IDENTITY: OptionValue.ANONYMOUS},
                            user_id="U0FACIL02")
    assert response.status == 200
    payload = json.loads(response.body)
    with members.sessions() as session:
        latest = session.query(FeedbackCase).order_by(FeedbackCase.id.desc()).first()
    if payload["response_action"] == "errors":
        assert set(payload["errors"]) == {BlockId.FB_TEXT}
        assert not text.strip() or len(text) > 3000
        return
    assert latest is not None and latest.body == text  # exactly as typed
    from bot.services.feedback import CaseView

    notice = case_notice(CaseView.of(latest), members.settings.timezone)
    for block in notice["blocks"]:
        shown = json.dumps(block.get("text", {}).get("text", ""))
        assert "<" not in shown.replace("<@", "") and ">" not in shown.replace("&gt;", "")


@SETTINGS
@given(text=TEXTS)
def test_incident_text_is_kept_exactly_or_refused_kindly(
    slack: SlackDriver, members: Runtime, text: str
) -> None:
    slack.command("/incident", "", user_id="U0FACIL02")
    response = slack.submit(slack.opened_view(), {
        BlockId.IN_DANGER: "no", BlockId.IN_KIND: "boundary", BlockId.IN_SEVERITY: "low",
        BlockId.IN_WHAT: text}, user_id="U0FACIL02")
    assert response.status == 200
    payload = json.loads(response.body)
    if payload["response_action"] == "errors":
        assert set(payload["errors"]) == {BlockId.IN_WHAT}
        return
    with members.sessions() as session:
        latest = session.query(Incident).order_by(Incident.id.desc()).first()
        assert latest is not None and latest.what_happened == text
