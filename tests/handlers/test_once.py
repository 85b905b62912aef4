"""A form is acted on once, however many times the same submission arrives."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from sqlalchemy import Engine

from bot.web import make_wsgi_app
from bot.wiring import Runtime
from handlers.ids import BlockId
from storage.models import FeedbackCase, Incident, OutboxMessage, ProcessedEvent
from tests.conftest import HttpSlackDriver, ServerThread, SlackDriver
from tests.fakes.slack import FakeSlack

REPORTER = "U0FACIL02"
CRISIS = {BlockId.IN_DANGER: "no", BlockId.IN_KIND: "crisis_disclosure",
          BlockId.IN_SEVERITY: "serious", BlockId.IN_WHAT: "Told me about a plan"}


def count(runtime: Runtime, table: type[Any]) -> int:
    with runtime.sessions() as session:
        return session.query(table).count()


def test_the_same_report_sent_twice_pages_people_once(
    slack: SlackDriver, members: Runtime
) -> None:
    slack.command("/incident", "", user_id=REPORTER)
    form = slack.opened_view()
    first = json.loads(slack.submit(form, CRISIS, user_id=REPORTER).body)
    again = json.loads(slack.submit(form, CRISIS, user_id=REPORTER).body)
    assert first["response_action"] == "update" and "Report sent" in json.dumps(first)
    assert again["view"]["title"]["text"] == "Already sent"
    assert count(members, Incident) == 1
    members.dispatcher().deliver_due()
    assert len([c for c in slack.fake.calls_to("chat.postMessage")
                if c.params["channel"] == "U0SAFEG05"]) == 1


def test_a_form_sent_back_for_a_fix_can_be_sent_again(
    slack: SlackDriver, members: Runtime
) -> None:
    slack.command("/incident", "", user_id=REPORTER)
    form = slack.opened_view()
    fix = json.loads(slack.submit(form, {**CRISIS, BlockId.IN_WHAT: ""}, user_id=REPORTER).body)
    assert fix["response_action"] == "errors"
    sent = json.loads(slack.submit(form, CRISIS, user_id=REPORTER).body)
    assert sent["response_action"] == "update" and count(members, Incident) == 1


def test_copies_racing_each_other_over_http_make_one_record(
    app: App, engine: Engine, members: Runtime, fake_slack: FakeSlack
) -> None:
    with ServerThread(make_wsgi_app(app, engine)) as server:
        http_slack = HttpSlackDriver(app, fake_slack, url=server.url)
        http_slack.command("/feedback", "", user_id=REPORTER)
        form = http_slack.opened_view()
        answers = {BlockId.FB_KIND: "suggestion", BlockId.FB_TOPIC: "service",
                   BlockId.FB_TEXT: "Could we have tea", BlockId.FB_IDENTITY: "named"}
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(
                lambda _: http_slack.submit(form, answers, user_id=REPORTER).status, range(8)))
    assert statuses == [200] * 8
    assert count(members, FeedbackCase) == 1
    with members.sessions() as session:
        stored = [e.event_id for e in session.query(ProcessedEvent)]
        rows = session.query(OutboxMessage).count()
    # Only a keyed digest of the form is kept: not Slack's id for it, nor who sent it.
    assert len(stored) == 1 and "V0FORM" not in stored[0] and REPORTER not in stored[0]
    assert rows >= 1
