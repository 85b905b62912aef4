"""Socket Mode acknowledgement latency: the real app answering `/coprod help` through the
client `coprod serve` uses (Bolt's aiohttp adapter, bot/socket_mode.py) and through Bolt's
default adapter for comparison, against the loopback Socket Mode stand-in: one envelope at a
time, ten at once, the five envelopes right after Slack's routine refresh, and the recovery
from a connection dropped without a close frame (time to the next ack, CPU meanwhile).

Latency runs from handing the envelope to the stand-in to its ack arriving back.
Run: make bench (or .venv/bin/python -m bench.socket_mode [--envelopes 300] [--refreshes 10])."""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App

from bench.common import fresh_database, percentile
from bot.app import create_app
from bot.config import load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.socket_mode import PING_INTERVAL, open_socket_mode
from bot.wiring import build_runtime
from storage.crypto import new_key
from storage.migrate import upgrade
from tests.fakes.slack import FakeSlack
from tests.fakes.socket_mode import APP_TOKEN, Envelope, FakeSocketMode

HELP = {"command": "/coprod", "text": "help", "user_id": "U0NOBODY1", "team_id": "T0EXAMPLE",
        "channel_id": "C0GENERAL", "api_app_id": "A0COPROD", "trigger_id": "1.2.3",
        "response_url": "http://127.0.0.1:9/none"}


@contextmanager
def coprods_client(app: App) -> Iterator[None]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    handler = asyncio.run_coroutine_threadsafe(open_socket_mode(app, APP_TOKEN), loop).result(10)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(handler.close_async(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


@contextmanager
def bolts_default_client(app: App) -> Iterator[None]:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(app, APP_TOKEN)
    handler.connect()
    try:
        yield
    finally:
        handler.close()


def row(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} "
            f"| {percentile(ms, 0.99):.1f} | {max(ms):.1f} |")


def measure(stand_in: FakeSocketMode, envelopes: int, refreshes: int) -> list[str]:
    def one() -> float:
        envelope = stand_in.send("slash_commands", HELP)
        stand_in.wait_for_ack(envelope, timeout=90)
        return stand_in.latency(envelope)

    def at_once(count: int) -> list[float]:
        sent: list[Envelope] = [stand_in.send("slash_commands", HELP) for _ in range(count)]
        for envelope in sent:
            stand_in.wait_for_ack(envelope, timeout=90)
        return [stand_in.latency(e) for e in sent]

    for _ in range(20):  # warm up
        one()
    single = [one() for _ in range(envelopes)]
    burst = [v for _ in range(max(1, envelopes // 10)) for v in at_once(10)]
    first, next_four = [], []
    for _ in range(refreshes):
        connections = stand_in.connections
        stand_in.refresh()
        latencies = at_once(5)
        first.append(latencies[0])
        next_four += latencies[1:]
        stand_in.wait_for_connections(connections + 1)
    time.sleep(1)  # let the retired connections close before the drop is timed
    cpu, wall = time.process_time(), time.perf_counter()
    stand_in.drop()
    recovered = one()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return [row("one at a time", single), row("ten at once", burst),
            row("first envelope after a refresh", first),
            row("next four after a refresh", next_four),
            f"| dropped connection: next ack after | 1 | {recovered * 1000:.0f} | | | "
            f"CPU {cpu / wall:.0%} of a core |"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--envelopes", type=int, default=300)
    parser.add_argument("--refreshes", type=int, default=10)
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # the default client's error lines while it recovers
    fake = FakeSlack().start()
    clients: list[tuple[str, Callable[[App], Any]]] = [
        (f"Coprod's (Bolt's aiohttp adapter, ping every {PING_INTERVAL:g} s)", coprods_client),
        ("Bolt's default (slack_sdk's built-in client)", bolts_default_client),
    ]
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database_url, folder, "bench")
        settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                                 slack_api_url=fake.api_url, database_url=url,
                                 coprod_data_key=new_key())
        runtime = build_runtime(settings, sms=ConsoleSmsProvider(echo=False))
        upgrade(runtime.engine)
        app = create_app(settings, runtime.services, client=runtime.client)
        for name, client in clients:
            with FakeSocketMode(fake) as stand_in, client(app):
                assert stand_in.wait_for_connections(1)
                lines = measure(stand_in, args.envelopes, args.refreshes)
            print(f"\n### Socket Mode acknowledgement: {name}, /coprod help")
            print("| envelopes | n | median ms | p95 ms | p99 ms | max ms |")
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            print("\n".join(lines), flush=True)
    fake.stop()


if __name__ == "__main__":
    main()
