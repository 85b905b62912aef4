"""Tried as a new user would, in HTTP mode against the fake Slack: /feedback, send it
anonymously, a coordinator sees it and replies, and the case code shows the reply."""

from __future__ import annotations

import json

from slack_bolt import App
from sqlalchemy import Engine

from bot.web import make_wsgi_app
from bot.wiring import Runtime
from handlers.ids import ActionId, BlockId, OptionValue
from tests.conftest import FakeClock, HttpSlackDriver, ServerThread
from tests.fakes.slack import FakeSlack


def test_anonymous_feedback_round_trip_over_http(
    app: App, engine: Engine, members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    with ServerThread(make_wsgi_app(app, engine)) as server:
        slack = HttpSlackDriver(app, fake_slack, url=server.url)
        person = "U0FACIL02"

        assert slack.command("/feedback", "The kettle is broken", user_id=person).status == 200
        form = slack.opened_view()
        answers = {BlockId.FB_KIND: "suggestion", BlockId.FB_TOPIC: "service",
                   BlockId.FB_TEXT: "The kettle is broken",
                   BlockId.FB_IDENTITY: OptionValue.ANONYMOUS}
        sent = json.loads(slack.submit(form, answers, user_id=person).body)
        assert sent["response_action"] == "update"
        confirmation = sent["view"]["blocks"][0]["text"]["text"]
        code = confirmation.split("Your case code is *")[1].split("*")[0]

        clock.advance(minutes=16)
        members.dispatcher().deliver_due()
        [notice] = [c.params for c in fake_slack.calls_to("chat.postMessage")
                    if c.params["channel"] == "U0COORD01"]
        assert "The kettle is broken" in json.dumps(notice["blocks"])
        assert person not in json.dumps(notice)

        assert slack.click(notice, ActionId.FB_REPLY, user_id="U0COORD01").status == 200
        reply = slack.submit(slack.opened_view(),
                             {BlockId.FB_REPLY_TEXT: "A new kettle arrives on Monday."},
                             user_id="U0COORD01")
        assert json.loads(reply.body)["response_action"] == "update"

        status = slack.command("/feedback", f"status {code}", user_id=person)
        assert status.status == 200
        assert "A new kettle arrives on Monday." in slack.text_of(status)
