"""App Home asks the database the same number of questions however much history there is
(the benchmark in bench/app_home.py shows it with 10,000 sessions and 50,000 notifications)."""

from __future__ import annotations

import threading

from bench.app_home import COORDINATOR, TEAM, counting, seed
from bot.wiring import Runtime
from handlers.home import publish_home
from tests.conftest import FakeClock
from tests.fakes.slack import FakeSlack


def statements_for_home(runtime: Runtime) -> int:
    with counting() as statements:
        publish_home(runtime.client, runtime.services, COORDINATOR)
    return len(statements)


def test_app_home_statements_do_not_grow_with_the_data(
    runtime: Runtime, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    runtime.services.members.import_csv(TEAM)
    seed(runtime, 12, 40, clock.now, tag="small")
    small = statements_for_home(runtime)
    blocks_before = len(fake_slack.calls_to("views.publish")[-1].params["view"]["blocks"])
    seed(runtime, 240, 800, clock.now + clock.now.resolution, cases=0, tag="large")
    large = statements_for_home(runtime)
    blocks_after = len(fake_slack.calls_to("views.publish")[-1].params["view"]["blocks"])
    assert blocks_after > blocks_before  # the bigger rota really is on the page
    assert small == large
    assert small < 60


def test_home_with_nothing_open_waits_for_no_writer(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    """A member with no cases or incidents sent to them has Home drawn from reads alone, so a
    burst of openings never queues behind (or in front of) form submissions for SQLite's one
    writer."""
    runtime.services.members.import_csv(TEAM)
    drawn = threading.Event()
    with runtime.sessions.begin():  # another request's write transaction, held open
        worker = threading.Thread(target=lambda: (
            publish_home(runtime.client, runtime.services, "U0F000001"), drawn.set()))
        worker.start()
        assert drawn.wait(10), "Home waited for the writer"
    worker.join(10)
    assert fake_slack.calls_to("views.publish")
