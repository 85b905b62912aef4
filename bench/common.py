"""What the benchmarks share: a percentile, a fresh database for each run, and the loopback
fake Slack in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def fresh_database(url: str, folder: str, name: str) -> str:
    if not url:
        return f"sqlite:///{Path(folder) / name}.db"
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def fake_slack_process(latency: float = 0.0,
                       per_channel: float | None = None) -> tuple[subprocess.Popen[str], str]:
    """The fake Slack (`bench/fake_slack.py`) started in a process of its own: the bot under
    measure and the fake would otherwise share one interpreter lock, and the fake's work would
    be counted as the bot's. Returns the process and the fake's API URL."""
    args = [sys.executable, "-m", "bench.fake_slack", "--latency", str(latency)]
    if per_channel:
        args += ["--per-channel", str(per_channel)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()
