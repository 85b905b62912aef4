"""Throughput with one and with two web processes on one PostgreSQL database (the larger
set-up: `coprod serve --http --no-scheduler` several times beside a worker), for a Claim click
and a form submission, at 50 concurrent clients spread evenly over the processes.

SQLite is one process by design: without a PostgreSQL URL this says so and measures nothing.

Run: make bench BENCH_DATABASE_URL=postgresql://... (or python -m bench.web_processes
--database-url URL [--requests 600])."""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from bench.ack_latency import Server, claim, post, submission
from bench.common import fresh_database, percentile
from storage.crypto import new_key

CLIENTS = 50


def spread(urls: list[str], make: object, requests: int) -> dict[str, float]:
    assert callable(make)
    turn = itertools.cycle(urls)
    targets = [next(turn) for _ in range(requests)]
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for status, seconds, _ in pool.map(lambda n: post(targets[n], make(n)),
                                           range(requests)):
            latencies.append(seconds)
            errors += status >= 500
    elapsed = time.perf_counter() - started
    return {"rps": requests / elapsed, "median": statistics.median(latencies) * 1000,
            "p99": percentile(latencies, 0.99) * 1000, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print("# Web processes on one PostgreSQL")
    if not args.database_url.startswith("postgresql"):
        print("Needs PostgreSQL (make bench BENCH_DATABASE_URL=postgresql://...): several web "
              "processes share one database only there. Nothing measured.")
        return
    database_url = fresh_database(args.database_url, tempfile.mkdtemp(), "bench")
    key = new_key()
    rows = []
    for count in (1, 2):
        # The first process sets the database up; the next join it.
        servers = [Server("coprod", database_url, key)]
        servers += [Server("coprod", database_url, key) for _ in range(count - 1)]
        try:
            urls = [s.url for s in servers]
            for label, make in (("Claim click", claim), ("form submitted", submission)):
                rows.append((count, label, spread(urls, make, args.requests)))
        finally:
            for server in servers:
                server.stop()
    print(f"{args.requests} requests per row, {CLIENTS} clients, {os.cpu_count()} cores "
          "(the clients share them).")
    print("| web processes | request | req/s | median ms | p99 ms | 5xx |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for count, label, f in rows:
        print(f"| {count} | {label} | {f['rps']:.0f} | {f['median']:.1f} | {f['p99']:.1f} | "
              f"{int(f['errors'])} |")


if __name__ == "__main__":
    main()
