"""Where a request's time goes, per kind of request: Coprod in HTTP mode under load from 20
clients while py-spy samples it, then the share of samples spent in each part (Bolt, our own
code by layer, SQLAlchemy, the database driver, encryption, the web server) and the frames
that take the most time themselves.

Run: .venv/bin/python -m bench.profile_requests [--requests 600] [--database-url URL]
(py-spy comes with the test extras; it reads the server's stacks from outside, so nothing in
the code changes to be profiled)."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.ack_latency import REQUESTS, Server, measure
from bench.common import fake_slack_process, fresh_database

# The first part of a frame's file path that names what the time is spent in.
# py-spy names a frame "function (package/module.py:line)".
PARTS = (
    ("our handlers", "(handlers/"), ("our services", "(bot/services/"),
    ("our rules", "(bot/rules/"), ("our delivery", "(bot/delivery/"),
    ("our storage", "(storage/"), ("our app and web", "(bot/"),
    ("slack_bolt", "(slack_bolt/"), ("slack_sdk", "(slack_sdk/"),
    ("sqlalchemy", "(sqlalchemy/"), ("sqlite3 / psycopg", "(sqlite3/"),
    ("cryptography", "(cryptography/"), ("pydantic", "(pydantic"),
    ("json", "(json/"),
)
# A request's work: everything under the WSGI app waitress calls (the wait for the answer),
# and the work left until after the acknowledgement (bot/after_ack.py: a modal opened).
ANSWERING = "(bot/web.py"
AFTER_ACK = "(bot/after_ack.py"


def part_of(frame: str) -> str | None:
    for name, marker in PARTS:
        if marker in frame:
            return name
    if "psycopg" in frame:
        return "sqlite3 / psycopg"
    return None


def read_raw(path: Path, marker: str) -> tuple[Counter[str], Counter[str], int]:
    """py-spy's raw output (one collapsed stack and its count per line): samples in which
    each part appears (inclusive), the frames that were on top (self), and the total, over
    the stacks that hold `marker` only (answering a request, or the work after its ack)."""
    inclusive: Counter[str] = Counter()
    on_top: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit() or marker not in stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        for part in {p for p in map(part_of, frames) if p}:
            inclusive[part] += count
        on_top[frames[-1].strip()] += count
    return inclusive, on_top, total


def report(title: str, inclusive: Counter[str], on_top: Counter[str], total: int) -> None:
    print(f"\n{title}: {total} samples")
    if not total:
        return
    print("| part | share |")
    print("| --- | ---: |")
    for part, count in inclusive.most_common():
        print(f"| {part} | {100 * count / total:.0f}% |")
    print("\nFrames taking the most time themselves:")
    for frame, count in on_top.most_common(6):
        print(f"- {100 * count / total:.1f}% {frame[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    database_url = fresh_database(args.database_url, tempfile.mkdtemp(), "profile")
    fake, slack_url = fake_slack_process()  # its work is not the bot's: not sampled
    server = Server("coprod", database_url, slack_url=slack_url)
    print(f"# Where the time goes, per request ({args.requests} requests from 20 clients; "
          f"{'PostgreSQL' if 'postgres' in database_url else 'SQLite'}; "
          f"{os.cpu_count()} cores; py-spy at 250 samples/s)")
    try:
        for label, make in REQUESTS:
            measure(server.url, make, 10, 50)  # warm: first imports and caches
            out = Path(tempfile.mkdtemp()) / "raw.txt"
            spying = subprocess.Popen(
                [spy, "record", "--pid", str(server.process.pid), "--rate", "250",
                 "--format", "raw", "--output", str(out), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            figures = measure(server.url, make, 20, args.requests)
            spying.send_signal(signal.SIGINT)
            spying.wait(30)
            print(f"\n## {label}: {figures['rps']:.0f} req/s, p99 {figures['p99']:.1f} ms")
            report("Answering (until the HTTP response)", *read_raw(out, ANSWERING))
            report("After the acknowledgement", *read_raw(out, AFTER_ACK))
    finally:
        server.stop()
        fake.terminate()


if __name__ == "__main__":
    main()
