"""A new meeting's Save pressed twice at once, over HTTP as Slack sends it: one meeting, and the
same confirmation for each copy."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from sqlalchemy import Engine

from bot.web import make_wsgi_app
from bot.wiring import Runtime
from handlers.ids import BlockId
from storage.models import Meeting
from tests.conftest import HttpSlackDriver, ServerThread
from tests.fakes.slack import FakeSlack

COORDINATOR = "U0COORD01"
NEW_FORUM = {BlockId.MT_TITLE: "Winter forum", BlockId.MT_KIND: "forum",
             BlockId.MT_DAY: "2026-12-08", BlockId.MT_START: "18:00", BlockId.MT_END: "20:00",
             BlockId.MT_PLACE: "Hope Centre", BlockId.MT_INVITED: "everyone",
             BlockId.MT_REPEAT: "none"}


def test_copies_of_a_save_racing_each_other_are_all_confirmed_as_saved(
    app: App, engine: Engine, members: Runtime, fake_slack: FakeSlack
) -> None:
    with ServerThread(make_wsgi_app(app, engine)) as server:
        http_slack = HttpSlackDriver(app, fake_slack, url=server.url)
        http_slack.command("/meetings", "new", user_id=COORDINATOR)
        form = http_slack.opened_view()
        with ThreadPoolExecutor(6) as pool:
            answered = list(pool.map(
                lambda _: json.loads(http_slack.submit(form, NEW_FORUM,
                                                       user_id=COORDINATOR).body), range(6)))
    assert [a["view"]["title"]["text"] for a in answered] == ["Meeting saved"] * 6
    with members.sessions() as session:
        assert session.query(Meeting).count() == 1
