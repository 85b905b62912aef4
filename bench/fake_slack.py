"""The loopback fake Slack in a process of its own, so that a benchmark measures the bot's
work and not the fake's (both would otherwise share one interpreter lock).

Run: python -m bench.fake_slack [--latency 0.05] [--per-channel 1.0]; prints its API URL."""

from __future__ import annotations

import argparse
import threading

from tests.fakes.slack import FakeSlack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--per-channel", type=float, default=None)
    args = parser.parse_args()
    fake = FakeSlack()
    fake.latency = args.latency
    fake.per_channel_interval = args.per_channel
    fake.start()
    print(fake.api_url, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
