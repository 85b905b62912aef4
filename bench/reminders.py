"""Reminders: how fast one reminder fans out to 2,000 and 10,000 invited members (80% Slack,
20% text) against zero-latency fakes and against fakes with a 50 ms round trip and Slack's one
message per second per channel; and how late reminders are (due time to reaching Slack).

Run: make bench (or .venv/bin/python -m bench.reminders [--members 2000] [--database-url]);
`--latency 0 --late-count 0` gives the zero-latency rows alone (the bot's own overhead)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update

from bench.common import fake_slack_process, fresh_database, percentile
from bot.config import load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.scheduler import build_scheduler
from bot.wiring import build_runtime
from storage.crypto import new_key
from storage.migrate import upgrade
from storage.models import OutboxMessage, OutboxStatus
from tests.fakes.slack import FakeSlack

KEY = new_key()  # made for this run; the bench databases are thrown away


def directory(members: int) -> str:
    rows = ["name,slack_user_id,phone,roles,contact,sms_consent"]
    for n in range(members):
        if n % 5 == 4:
            rows.append(f"Texter {n},,07700 9{n:05d},member,sms,yes")
        else:
            rows.append(f"Member {n},U0M{n:06d},,member,slack,no")
    return "\n".join(rows) + "\n"


class SlowTexts(ConsoleSmsProvider):
    """The console provider with a provider's round trip added."""

    def __init__(self, latency: float) -> None:
        super().__init__(echo=False)
        self.latency = latency

    def send(self, to: str, body: str, not_after: datetime | None = None) -> str:
        time.sleep(self.latency)
        return super().send(to, body, not_after)


def invitations_went_yesterday(engine: Engine) -> None:
    """Saving a meeting invites everyone at once: those invitations are taken as delivered,
    so what is measured is the reminder alone."""
    with engine.begin() as connection:
        connection.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))


def fan_out(members: int, url: str, latency: float) -> None:
    """One reminder to every member, delivered until nothing is left (a 429 from the
    per-channel limit puts a message back until its Retry-After)."""
    fake, api_url = fake_slack_process(latency, 1.0 if latency else None)
    settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                             slack_signing_secret="s", slack_api_url=api_url,
                             database_url=url, coprod_sms_daily_cap=100_000,
                             coprod_data_key=KEY)
    texts = SlowTexts(latency)
    # Daytime in London, so no text is held for quiet hours; the clock runs from there.
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    ticking = time.monotonic()

    def clock() -> datetime:
        return noon + timedelta(seconds=time.monotonic() - ticking)

    setup = build_runtime(settings, sms=texts, clock=lambda: noon - timedelta(days=1))
    upgrade(setup.engine)
    setup.services.members.import_csv(directory(members))
    start = noon + timedelta(hours=1, minutes=30)
    local_start = start.astimezone(settings.timezone)
    setup.services.meetings.create(None, MeetingDraft(
        title="Community meeting", kind=MeetingKind.COMMUNITY, day=local_start.date(),
        start_time=local_start.time(), end_time=(local_start + timedelta(hours=1)).time(),
        place="Hope Centre", channel="C0BENCH"))
    invitations_went_yesterday(setup.engine)
    setup.engine.dispose()
    runtime = build_runtime(settings, sms=texts, clock=clock)
    try:
        began = time.perf_counter()
        assert runtime.services.reminders.send_due() == 1
        queued = time.perf_counter() - began
        dispatcher = runtime.dispatcher()
        began = time.perf_counter()
        total = retried = 0
        while total < members + 1 and time.perf_counter() - began < 600:
            report = dispatcher.deliver_due()
            total, retried = total + report.sent, retried + report.retrying
            if not report.handled:
                time.sleep(0.1)
        delivered = time.perf_counter() - began
    finally:
        fake.terminate()
        runtime.engine.dispose()
    fakes = f"{latency * 1000:.0f} ms round trip, 1 per s per channel" if latency else \
        "zero latency"
    print(f"| {members:,} members | {fakes} | {total:,} | {queued * 1000:.0f} ms | "
          f"{delivered:.2f} s | **{total / delivered:,.0f}** | {len(texts.sent):,} | "
          f"{retried} |")


def lateness(url: str, fake: FakeSlack, count: int) -> list[float]:
    settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                             slack_signing_secret="s", slack_api_url=fake.api_url,
                             database_url=url, coprod_reminder_offsets="default=1m",
                             coprod_data_key=KEY)
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
    invitations_went_yesterday(runtime.engine)
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
        scheduler.shutdown(wait=True)  # no job left running on a database about to go
        runtime.engine.dispose()
    return late


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--latency", type=float, default=0.05,
                        help="the slower fakes' round trip in seconds (0: zero-latency rows only)")
    parser.add_argument("--late-count", type=int, default=5,
                        help="reminders for the lateness measure (0: not measured)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL: an empty database, emptied again between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("# Reminder fan-out (80% Slack DMs, 20% texts, plus the channel post)")
        print("| members | fakes | delivered | queued in | delivered in | per second | texts "
              "| put back (429) |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        runs = 0
        for members in args.members:
            for latency in dict.fromkeys((0.0, args.latency)):
                runs += 1
                fan_out(members, fresh_database(args.database_url, folder, f"f{runs}"), latency)
        if args.late_count <= 0:
            return
        fake = FakeSlack().start()
        try:
            late = lateness(fresh_database(args.database_url, folder, "late"), fake,
                            args.late_count)
        finally:
            fake.stop()
        print()
        print(f"Scheduler lateness, due time to the message reaching Slack ({len(late)} "
              f"reminders, real scheduler): median {statistics.median(late) * 1000:.0f} ms, "
              f"p99 {percentile(late, 0.99) * 1000:.0f} ms, max {max(late) * 1000:.0f} ms.")


if __name__ == "__main__":
    main()
