"""App Home render time and SQL statements, with a small database and with 10,000 sessions and
50,000 notifications: the number of statements must not grow with the data.

Run: make bench (or .venv/bin/python -m bench.app_home [--database-url URL])."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, insert, select

from bench.common import fresh_database, percentile
from bot.config import load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.sessions import SessionKind
from bot.wiring import Runtime, build_runtime
from handlers.home import publish_home
from storage.crypto import new_key
from storage.migrate import upgrade
from storage.models import (
    GroupSession,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    SessionFacilitator,
)
from storage.repositories import MemberRepository
from tests.fakes.slack import FakeSlack

COORDINATOR = "U0COORD01"
TEAM = ("name,slack_user_id,phone,roles,contact,sms_consent\n"
        f"Ada Brightwater,{COORDINATOR},,coordinator;facilitator;trained,slack,no\n"
        "Esme Hart,U0SAFEG05,,safeguarding_lead;trained,slack,no\n"
        "Hana Quill,U0HROFF07,,hr_officer,slack,no\n"
        + "".join(f"Facilitator {n},U0F{n:06d},,facilitator;trained,slack,no\n"
                  for n in range(20)))


def seed(runtime: Runtime, sessions: int, notifications: int, now: datetime, *,
         cases: int = 3, tag: str = "bench") -> None:
    """Sessions every four hours, half past and half to come, one facilitator each (the
    coordinator on every tenth); sent notifications; a few open cases and incidents."""
    with runtime.sessions.begin() as session:
        people = [m.id for m in MemberRepository(session).list_all()]
        first = now - timedelta(hours=4 * (sessions // 2))
        rows: list[dict[str, Any]] = []
        for n in range(sessions):
            starts = first + timedelta(hours=4 * n)
            rows.append({"title": f"Group {n}", "kind": SessionKind.PEER_GROUP,
                         "starts_at": starts, "ends_at": starts + timedelta(hours=1),
                         "place": "Hope Centre", "facilitators_needed": 2,
                         "trained_needed": 1, "facilitator_places": 3, "version": 0,
                         "created_at": now, "updated_at": now})
        for chunk in range(0, len(rows), 1000):
            session.execute(insert(GroupSession), rows[chunk:chunk + 1000])
        ids = list(session.scalars(select(GroupSession.id)
                                   .where(~GroupSession.facilitators.any())
                                   .order_by(GroupSession.id)))
        session.execute(insert(SessionFacilitator), [
            {"session_id": sid, "member_id": people[0] if n % 10 == 0 else people[n % len(people)],
             "claimed_at": now} for n, sid in enumerate(ids)])
        outbox = [{"idempotency_key": f"{tag}:{n}", "channel": OutboxChannel.SLACK_DM,
                   "target": f"U0F{n % 20:06d}", "payload": {"text": f"Notice {n}"},
                   "status": OutboxStatus.SENT, "attempts": 1, "next_attempt_at": now,
                   "created_at": now, "sent_at": now}
                  for n in range(notifications)]
        for chunk in range(0, len(outbox), 5000):
            session.execute(insert(OutboxMessage), outbox[chunk:chunk + 5000])
    for n in range(cases):
        runtime.services.feedback.submit(FeedbackForm(
            kind=FeedbackKind.SUGGESTION, topic=FeedbackTopic.SERVICE,
            text=f"Suggestion {n}", anonymous=False), "U0F000001")
        runtime.services.incidents.report(IncidentForm(
            IncidentKind.CRISIS, Severity.SERIOUS, "Needs someone", danger=False), "U0F000002")


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def measure(url: str, sessions: int, notifications: int, renders: int) -> dict[str, float]:
    fake = FakeSlack().start()
    now = datetime.now(UTC).replace(microsecond=0)
    settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                             slack_signing_secret="s", slack_api_url=fake.api_url,
                             database_url=url, coprod_data_key=new_key())
    runtime = build_runtime(settings, sms=ConsoleSmsProvider(echo=False), clock=lambda: now)
    try:
        upgrade(runtime.engine)
        runtime.services.members.import_csv(TEAM)
        began = time.perf_counter()
        seed(runtime, sessions, notifications, now)
        seeded = time.perf_counter() - began
        publish_home(runtime.client, runtime.services, COORDINATOR)  # warm caches
        times, counts = [], []
        for _ in range(renders):
            with counting() as statements:
                began = time.perf_counter()
                publish_home(runtime.client, runtime.services, COORDINATOR)
                times.append(time.perf_counter() - began)
            counts.append(len(statements))
        blocks = len(fake.calls_to("views.publish")[-1].params["view"]["blocks"])
    finally:
        runtime.engine.dispose()
        fake.stop()
    return {"seeded": seeded, "median": statistics.median(times) * 1000,
            "p99": percentile(times, 0.99) * 1000, "statements": max(counts),
            "fewest": min(counts), "blocks": blocks}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--renders", type=int, default=30)
    args = parser.parse_args()
    print("# App Home for a coordinator (open cases, open incidents, their sessions, sessions "
          "needing cover)")
    print("| sessions | notifications | render median ms | p99 ms | SQL statements | blocks |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for n, (sessions, notifications) in enumerate(((100, 500), (10_000, 50_000))):
            url = fresh_database(args.database_url, folder, f"home{n}")
            f = measure(url, sessions, notifications, args.renders)
            print(f"| {sessions:,} | {notifications:,} | {f['median']:.1f} | {f['p99']:.1f} | "
                  f"{f['statements']:.0f} | {f['blocks']:.0f} |")


if __name__ == "__main__":
    main()
