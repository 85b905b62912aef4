"""Faults, the way trusted messaging systems are tested: rate limits and server errors during
a fan-out, an unreachable database during a submission, retried events, tampered requests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import urlencode

from slack_bolt import BoltRequest
from sqlalchemy import Engine

from bot.app import create_app
from bot.config import Settings
from bot.delivery.slack import SlackSender
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.sessions import SessionDraft, SessionKind
from bot.wiring import Runtime, build_runtime
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import (
    FeedbackCase,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    ProcessedEvent,
)
from storage.repositories import OutboxRepository
from tests.conftest import (
    BOT_TOKEN,
    DATA_KEY,
    SIGNING_SECRET,
    FakeClock,
    SlackDriver,
    command_body,
    signed_headers,
)
from tests.fakes.slack import Failure, FakeSlack


def test_every_notification_arrives_once_through_429s_and_500s(
    settings: Settings, members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    runtime = members
    with runtime.sessions.begin() as session:
        outbox = OutboxRepository(session)
        for n in range(500):
            outbox.enqueue(key=f"reminder:{n}", channel=OutboxChannel.SLACK_DM,
                           target=f"U0M{n:06d}", payload={"text": f"Reminder {n}"}, now=clock.now)
    for _ in range(50):
        runtime.services.incidents.report(IncidentForm(
            IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone", danger=False), "U0FACIL02")
    fake_slack.fail_every("chat.postMessage", 5, Failure(status=429, retry_after=0))
    fake_slack.fail_every("chat.postMessage", 10, Failure(status=500), offset=3)
    dispatcher = runtime.dispatcher(backoff_factor=0.001)  # quick 5xx retries for the test
    for _ in range(20):
        dispatcher.deliver_due()
        clock.advance(minutes=5)
    sent = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    reminders = [p["text"] for p in sent if p["text"].startswith("Reminder ")]
    assert sorted(reminders) == sorted(f"Reminder {n}" for n in range(500))
    alerts = [p for p in sent if p["channel"] == "U0SAFEG05"]
    assert len(alerts) == 50
    failures = [c for c in fake_slack.calls_to("chat.postMessage", ok_only=False) if not c.ok]
    assert len(failures) > 100  # the faults really happened
    with runtime.sessions() as session:
        statuses = OutboxRepository(session).count_by_status()
    assert statuses[OutboxStatus.PENDING] == 0 and statuses[OutboxStatus.FAILED] == 0


def test_an_unreachable_database_gives_a_kind_error_in_the_modal(
    settings: Settings, members: Runtime, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    slack = SlackDriver(create_app(settings, members.services, client=members.client),
                        fake_slack)
    slack.command("/feedback", "", user_id="U0FACIL02")
    form = slack.opened_view()
    broken = build_runtime(settings, engine=make_engine(f"sqlite:///{tmp_path}/gone/x.db"))
    down = SlackDriver(create_app(settings, broken.services, client=broken.client), fake_slack)
    answers = {"feedback_kind": "suggestion", "feedback_topic": "service",
               "feedback_text": "More tea please", "feedback_identity": "named"}
    response = down.submit(form, answers, user_id="U0FACIL02")
    payload = json.loads(response.body)
    assert response.status == 200 and payload["response_action"] == "errors"
    assert "nothing was saved" in payload["errors"]["feedback_kind"]
    with members.sessions() as session:
        assert session.query(FeedbackCase).count() == 0


def test_a_claim_that_fails_after_the_ack_is_answered_kindly(
    settings: Settings, members: Runtime, fake_slack: FakeSlack, clock: FakeClock,
    tmp_path: Path
) -> None:
    """The click is acknowledged at once and the claim made just after: if the database is
    gone by then, the person still hears, privately, that it didn't work and that it isn't
    their fault; nothing is claimed."""
    [view] = members.services.sessions.create(None, SessionDraft(
        title="Tuesday peer group", kind=SessionKind.PEER_GROUP,
        day=(clock.now + timedelta(days=5)).date(), start_time=dt_time(18, 0),
        end_time=dt_time(19, 30), place="Hope Centre", places=3))
    broken = build_runtime(settings, engine=make_engine(f"sqlite:///{tmp_path}/gone/x.db"))
    down = SlackDriver(create_app(settings, broken.services, client=broken.client), fake_slack)
    card = {"blocks": [{"type": "actions", "block_id": f"session_actions:{view.id}",
                        "elements": [{"type": "button", "action_id": "session_claim",
                                      "value": str(view.id)}]}]}
    response = down.click(card, "session_claim", user_id="U0TRAIN03")
    assert response.status == 200 and response.body == ""
    [answer] = fake_slack.responses
    assert answer.params["response_type"] == "ephemeral"
    assert "wasn't anything you did" in answer.params["text"]
    assert members.services.sessions.get(view.id).facilitators == ()


def test_a_form_that_cannot_open_after_the_ack_still_signposts(
    slack: SlackDriver, members: Runtime, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("views.open", Failure(error="expired_trigger_id"))
    response = slack.command("/incident", user_id="U0FACIL02")
    assert response.status == 200
    [answer] = fake_slack.responses
    assert "999" in answer.params["text"] and "wasn't anything you did" in answer.params["text"]


def test_a_retried_event_is_handled_once(slack: SlackDriver, members: Runtime) -> None:
    event = {"type": "app_home_opened", "user": "U0COORD01", "tab": "home"}
    for retry in range(3):
        body = json.dumps({"token": "x", "team_id": "T0EXAMPLE", "api_app_id": "A0COPROD",
                           "event": event, "type": "event_callback", "event_id": "Ev0RETRY",
                           "event_time": int(time.time())})
        headers = {**signed_headers(body), "content-type": "application/json"}
        if retry:
            headers.update({"x-slack-retry-num": str(retry), "x-slack-retry-reason": "timeout"})
        assert slack.app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
    slack.settle()  # Home is drawn after the acknowledgement
    assert len(slack.fake.calls_to("views.publish")) == 1


def test_opening_home_writes_nothing_on_the_way_to_the_answer(
    slack: SlackDriver, members: Runtime
) -> None:
    """Home is only drawn afresh, so its retries are told apart in memory: a burst of openings
    costs no commit each."""
    for n in range(3):
        body = json.dumps({"token": "x", "team_id": "T0EXAMPLE", "api_app_id": "A0COPROD",
                           "type": "event_callback", "event_id": f"Ev0OPEN{n}",
                           "event_time": int(time.time()),
                           "event": {"type": "app_home_opened", "user": "U0COORD01",
                                     "tab": "home"}})
        headers = {**signed_headers(body), "content-type": "application/json"}
        assert slack.app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
    slack.settle()
    assert slack.fake.calls_to("views.publish")
    with members.sessions() as session:
        assert session.query(ProcessedEvent).count() == 0


def tampered_requests() -> list[tuple[str, dict[str, str]]]:
    now = int(time.time())
    body = command_body("/feedback", "hello", "U0FACIL02", "http://127.0.0.1:9/respond")
    cases: list[tuple[str, dict[str, str]]] = []
    for n in range(10):  # the body changed after signing
        cases.append((body.replace("hello", f"hello{n}"), signed_headers(body)))
    for n in range(10):  # signed with another secret
        cases.append((body, signed_headers(body, secret=f"{SIGNING_SECRET}-{n}")))
    for n in range(10):  # too old, and from the future
        cases.append((body, signed_headers(body, timestamp=now - 301 - n * 400)))
    for n in range(8):
        cases.append((body, signed_headers(body, timestamp=now + 301 + n * 400)))
    good = signed_headers(body)
    for n in range(4):  # headers missing
        missing = dict(good)
        missing.pop(["x-slack-signature", "x-slack-request-timestamp"][n % 2])
        cases.append((body, missing))
    for n in range(4):  # malformed signatures
        broken = dict(good, **{"x-slack-signature": ["", "v0=", "v1=" + "0" * 64, "v0=zz"][n]})
        cases.append((body, broken))
    for n in range(4):  # a valid signature of some other body
        other = urlencode({"command": "/coprod", "text": f"x{n}"})
        cases.append((body, signed_headers(other)))
    return cases


def test_fifty_tampered_requests_are_refused_and_change_nothing(
    slack: SlackDriver, members: Runtime
) -> None:
    cases = tampered_requests()
    assert len(cases) == 50
    for body, headers in cases:
        response = slack.app.dispatch(BoltRequest(body=body, headers=headers))
        assert response.status == 401
    assert [c.method for c in slack.fake.calls if c.method != "auth.test"] == []
    assert slack.fake.responses == []


def _enqueue_dms(runtime: Runtime, count: int, now: datetime) -> None:
    with runtime.sessions.begin() as session:
        outbox = OutboxRepository(session)
        for n in range(count):
            outbox.enqueue(key=f"reminder:{n}", channel=OutboxChannel.SLACK_DM,
                           target=f"U0M{n:06d}", payload={"text": f"Reminder {n}"}, now=now)


def test_an_attempt_that_never_came_back_is_checked_with_slack_before_sending_again(
    runtime: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    """A run died after posting reminder 0 and before posting reminder 1, with neither
    recorded: the next run finds 0 in Slack by its mark and posts only 1."""
    _enqueue_dms(runtime, 2, clock.now)
    with runtime.sessions.begin() as session:
        rows = {r.idempotency_key: r for r in session.query(OutboxMessage)}
        for row in rows.values():
            row.attempts, row.sending_since = 1, clock.now
            row.next_attempt_at = clock.now + timedelta(minutes=2)
    SlackSender(runtime.client).post("U0M000000", {"text": "Reminder 0"}, key="reminder:0")
    clock.advance(minutes=3)
    assert runtime.dispatcher().deliver_due().sent == 2
    texts = [c.params["text"] for c in fake_slack.calls_to("chat.postMessage")]
    assert sorted(texts) == ["Reminder 0", "Reminder 1"]
    assert len(fake_slack.calls_to("conversations.history")) == 2
    with runtime.sessions() as session:
        found = {r.idempotency_key: r for r in session.query(OutboxMessage)}
    assert found["reminder:0"].delivered_ref == "D0M000000:" + \
        fake_slack.history["D0M000000"][0]["ts"]
    assert all(r.status is OutboxStatus.SENT and r.sending_since is None
               for r in found.values())


def test_a_worker_killed_mid_fan_out_delivers_everything_exactly_once_after_restart(
    settings: Settings, engine: Engine, fake_slack: FakeSlack, database_url: str,
    tmp_path: Path
) -> None:
    if database_url.startswith("sqlite"):
        # A file of its own: the killed process leaves its journal behind, as a real crash
        # would, and the rest of the suite's shared file should not have to recover from it.
        database_url = f"sqlite:///{tmp_path / 'killed.db'}"
        engine = make_engine(database_url)
        upgrade(engine)
    runtime = build_runtime(settings.model_copy(update={"database_url": database_url}),
                            engine=engine)
    _enqueue_dms(runtime, 300, datetime.now(UTC))
    fake_slack.latency = 0.01  # so that the kill lands mid-fan-out
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake_slack.api_url, "DATABASE_URL": database_url,
           "COPROD_DATA_KEY": DATA_KEY, "COPROD_DISPATCH_INTERVAL_SECONDS": "0.1",
           "COPROD_DISPATCH_LEASE_SECONDS": "1"}
    command = [sys.executable, "-m", "bot.cli", "worker"]
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = str(root)

    def posted() -> int:
        return len(fake_slack.calls_to("chat.postMessage"))

    first = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        assert fake_slack.wait_for("chat.postMessage", 60, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = posted()
    assert 60 <= at_kill < 300, "the kill must land in the middle of the fan-out"
    with runtime.sessions() as session:
        in_doubt = session.query(OutboxMessage).filter(
            OutboxMessage.sending_since.is_not(None)).count()
    assert in_doubt > 0  # some were taken and never recorded

    second = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with runtime.sessions() as session:
                statuses = OutboxRepository(session).count_by_status()
            if statuses.get(OutboxStatus.SENT, 0) == 300:
                break
            time.sleep(0.1)
    finally:
        second.terminate()
        second.wait(10)
    texts = [c.params["text"] for c in fake_slack.calls_to("chat.postMessage")]
    assert sorted(texts) == sorted(f"Reminder {n}" for n in range(300))  # each exactly once
    assert statuses.get(OutboxStatus.SENT, 0) == 300
