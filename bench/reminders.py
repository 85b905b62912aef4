"""Reminders: how late they are (due time to the message reaching Slack), and how fast a
reminder fans out to 2,000 invited members (80% Slack, 20% text) against zero-latency fakes.

Run: make bench (or .venv/bin/python -m bench.reminders [--members 2000])."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.incident_latency import percentile
from bot.config import load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.scheduler import build_scheduler
from bot.wiring import build_runtime
from storage.migrate import upgrade
from tests.fakes.slack import FakeSlack


def directory(members: int) -> str:
    rows = ["name,slack_user_id,phone,roles,contact,sms_consent"]
    for n in range(members):
        if n % 5 == 4:
            rows.append(f"Texter {n},,07700 9{n:05d},member,sms,yes")
        else:
            rows.append(f"Member {n},U0M{n:06d},,member,slack,no")
    return "\n".join(rows) + "\n"


def fan_out(members: int, url: str, fake: FakeSlack) -> None:
    settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                             slack_signing_secret="s", slack_api_url=fake.api_url,
                             database_url=url, coprod_sms_daily_cap=100_000)
    texts = ConsoleSmsProvider(echo=False)
    # Daytime in London on a fixed clock, so no text is held for quiet hours.
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    setup = build_runtime(settings, sms=texts, clock=lambda: now - timedelta(days=1))
    upgrade(setup.engine)
    setup.services.members.import_csv(directory(members))
    start = now + timedelta(hours=1, minutes=30)
    local_start = start.astimezone(settings.timezone)
    setup.services.meetings.create(None, MeetingDraft(
        title="Community meeting", kind=MeetingKind.COMMUNITY, day=local_start.date(),
        start_time=local_start.time(), end_time=(local_start + timedelta(hours=1)).time(),
        place="Hope Centre", channel="C0BENCH"))
    setup.engine.dispose()
    runtime = build_runtime(settings, sms=texts, clock=lambda: now)
    began = time.perf_counter()
    assert runtime.services.reminders.send_due() == 1
    queued = time.perf_counter() - began
    dispatcher = runtime.dispatcher()
    began = time.perf_counter()
    report = dispatcher.deliver_due()
    delivered = time.perf_counter() - began
    total = report.sent
    print(f"| fan-out to {members} members | {total} notifications | queued in "
          f"{queued * 1000:.0f} ms | delivered in {delivered:.2f} s | "
          f"{total / delivered:.0f} per second | {len(texts.sent)} texts |")
    runtime.engine.dispose()


def lateness(url: str, fake: FakeSlack, count: int) -> list[float]:
    settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                             slack_signing_secret="s", slack_api_url=fake.api_url,
                             database_url=url, coprod_reminder_offsets="default=1m")
    runtime = build_runtime(settings, sms=ConsoleSmsProvider(echo=False))
    upgrade(runtime.engine)
    runtime.services.members.import_csv("name,slack_user_id,phone,roles,contact,sms_consent\n"
                                        "Ada,U0ADA0001,,member,slack,no\n")
    tz = settings.timezone
    # Whole minutes at least a minute away, so every reminder falls due after the start.
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=2)
    due = []
    for n in range(count):
        # Meetings start on whole minutes; the reminders fall due one minute before.
        start = (base + timedelta(minutes=n)).replace(second=0)
        runtime.services.meetings.create(None, MeetingDraft(
            title=f"Meeting {n}", kind=MeetingKind.OTHER, day=start.astimezone(tz).date(),
            start_time=start.astimezone(tz).time(),
            end_time=(start + timedelta(minutes=30)).astimezone(tz).time(), place="Online",
            channel=f"C0LATE{n:03d}"))
        due.append(start - timedelta(minutes=1))
    scheduler = build_scheduler(runtime.dispatcher(), 5, services=runtime.services)
    scheduler.start()
    late = []
    try:
        for n, when in enumerate(due):
            channel = f"C0LATE{n:03d}"
            deadline = time.time() + (when - datetime.now(UTC)).total_seconds() + 30
            while not [c for c in fake.calls_to("chat.postMessage")
                       if c.params["channel"] == channel]:
                if time.time() > deadline:
                    raise SystemExit(f"reminder {n} never arrived")
                time.sleep(0.005)
            call = next(c for c in fake.calls_to("chat.postMessage")
                        if c.params["channel"] == channel)
            arrived = datetime.now(UTC) - timedelta(seconds=time.perf_counter()
                                                    - call.received_at)
            late.append((arrived - when).total_seconds())
    finally:
        scheduler.shutdown(wait=False)
        runtime.engine.dispose()
    return late


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--late-count", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    fake = FakeSlack().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            print("# Reminders")
            print("| measure | | | | | |")
            print("| --- | --- | --- | --- | --- | --- |")
            fan_out(args.members, args.database_url or f"sqlite:///{Path(folder) / 'f.db'}",
                    fake)
            fake.reset()
            late = lateness(args.database_url or f"sqlite:///{Path(folder) / 'l.db'}", fake,
                            args.late_count)
            print(f"| lateness, due to Slack ({len(late)} reminders) | median "
                  f"{statistics.median(late) * 1000:.0f} ms | p99 "
                  f"{percentile(late, 0.99) * 1000:.0f} ms | max {max(late) * 1000:.0f} ms | | |")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
