"""Acknowledgement latency over HTTP, Coprod beside a bare Bolt app measured in the same run on
the same server set-up (waitress, 8 threads, each in its own process): a /feedback command
(Coprod opens the modal), a Claim click, and a form submission, at 1, 10 and 50 concurrent
clients. Also start-up time to a healthy /healthz, and memory idle and at peak.

Run: make bench (or .venv/bin/python -m bench.ack_latency [--requests 300])."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bench.common import fake_slack_process, fresh_database, percentile
from bench.server import SECRET

VERIFIER = SignatureVerifier(SECRET)
# Where the bot's answers to clicks go: the fake Slack inside the Coprod server process.
RESPOND_TO = ["http://127.0.0.1:9/none"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: str) -> tuple[int, float, str]:
    stamp = str(int(time.time()))
    kind = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    headers = {"Content-Type": kind,
               "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": VERIFIER.generate_signature(timestamp=stamp, body=body) or ""}
    request = urllib.request.Request(url + "/slack/events", data=body.encode(), headers=headers,
                                     method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, time.perf_counter() - started, text
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - started, ""


def command(n: int) -> str:
    return urlencode({"command": "/feedback", "text": "", "user_id": f"U0F{n % 300:06d}",
                      "team_id": "T0BENCH", "channel_id": "C0BENCH",
                      "response_url": RESPOND_TO[0], "trigger_id": f"t{n}"})


def help_command(n: int) -> str:
    return urlencode({"command": "/coprod", "text": "help", "user_id": f"U0F{n % 300:06d}",
                      "team_id": "T0BENCH", "channel_id": "C0BENCH",
                      "response_url": RESPOND_TO[0], "trigger_id": f"t{n}"})


def home_opened(n: int) -> str:
    """Sent as JSON, as Slack sends events (`post` tells the two apart by the first brace)."""
    return json.dumps({
        "token": "unused", "team_id": "T0BENCH", "api_app_id": "A0BENCH",
        "type": "event_callback", "event_id": f"Ev{n:08d}{time.time_ns()}",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": f"U0F{n % 300:06d}", "channel": "D0BENCH",
                  "tab": "home", "event_ts": f"{time.time():.6f}"}})


def claim(n: int, session_id: int = 1, respond_to: str = "") -> str:
    payload = {"type": "block_actions", "user": {"id": f"U0F{n % 300:06d}"},
               "team": {"id": "T0BENCH"}, "api_app_id": "A0BENCH", "trigger_id": f"t{n}",
               "container": {"type": "message", "message_ts": "1.1", "channel_id": "C0BENCH"},
               "channel": {"id": "C0BENCH"}, "message": {"ts": "1.1", "blocks": []},
               "response_url": respond_to or RESPOND_TO[0],
               "actions": [{"type": "button", "action_id": "session_claim",
                            "block_id": f"session_actions:{session_id}",
                            "value": str(session_id), "action_ts": "1.1"}]}
    return urlencode({"payload": json.dumps(payload)})


SUBMITTED = itertools.count(1)


def submission(n: int) -> str:
    # Each submission is a new form (Slack gives every opened modal an id of its own): the
    # same id twice is a copy, answered "already sent" without doing the work.
    form_id = next(SUBMITTED)
    values = {
        "feedback_kind": {"feedback_kind_chosen": {"type": "static_select",
                                                   "selected_option": {"value": "suggestion"}}},
        "feedback_topic": {"feedback_topic_chosen": {"type": "static_select",
                                                     "selected_option": {"value": "service"}}},
        "feedback_text": {"feedback_text_typed": {"type": "plain_text_input",
                                                  "value": f"Bench suggestion {n}"}},
        "feedback_identity": {"feedback_identity_chosen": {
            "type": "radio_buttons", "selected_option": {"value": "named"}}},
    }
    payload = {"type": "view_submission", "user": {"id": f"U0F{n % 300:06d}"},
               "team": {"id": "T0BENCH"}, "api_app_id": "A0BENCH",
               "view": {"id": f"V{form_id}", "callback_id": "feedback_form", "type": "modal",
                        "blocks": [], "state": {"values": values}}}
    return urlencode({"payload": json.dumps(payload)})


REQUESTS: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("/coprod help", help_command), ("/feedback (modal opened)", command),
    ("Claim click", claim), ("form submitted", submission), ("App Home opened", home_opened))


class Server:
    def __init__(self, kind: str, database_url: str = "", data_key: str = "",
                 slack_url: str = "") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "bench.server", kind, "--port", str(self.port)]
        if database_url:
            args += ["--database-url", database_url]
        if data_key:
            args += ["--data-key", data_key]
        if slack_url:
            args += ["--slack-url", slack_url]
        started = time.perf_counter()
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True)
        ready = self.process.stdout.readline() if self.process.stdout else ""
        if "fake=" in ready:
            RESPOND_TO[0] = ready.split("fake=")[1].strip() + "respond/bench"
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    break
            except urllib.error.HTTPError:
                break  # the bare app answers 404, which is "up"
            except OSError:
                if time.perf_counter() - started > 60:
                    raise SystemExit(f"{kind} server did not start") from None
                time.sleep(0.02)
        self.startup = time.perf_counter() - started
        self.peak_kb = 0
        self._watching = True
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def rss_kb(self) -> int:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _watch(self) -> None:
        while self._watching:
            self.peak_kb = max(self.peak_kb, self.rss_kb())
            time.sleep(0.05)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settle(self, most: float = 60.0) -> None:
        """Waits until the work the last row left behind (answers after acks, notices being
        delivered) is done: the process using under a tenth of a core over a quarter second.
        Each row then measures a burst arriving at a quiet bot, not the tail of the last."""
        deadline = time.perf_counter() + most
        before = self.cpu_seconds()
        while time.perf_counter() < deadline:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - before < 0.025:
                return
            before = now

    def stop(self) -> None:
        self._watching = False
        self.process.terminate()
        self.process.wait(10)


def measure(url: str, make: Callable[[int], str], clients: int,
            requests: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for status, seconds, _ in pool.map(lambda n: post(url, make(n)), range(requests)):
            latencies.append(seconds)
            errors += status >= 500
    elapsed = time.perf_counter() - started
    return {"median": statistics.median(latencies) * 1000,
            "p95": percentile(latencies, 0.95) * 1000, "p99": percentile(latencies, 0.99) * 1000,
            "rps": requests / elapsed, "errors": errors}


def race(url: str, database_url: str, claims: int = 200) -> dict[str, float]:
    """Everyone clicks Claim on the same session (3 places) at once. The answers come back
    through the response URL to a fake Slack in this process, which notes when each arrived."""
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import SessionFacilitator
    from tests.fakes.slack import FakeSlack

    answers = FakeSlack().start()
    started: dict[int, float] = {}

    def one(n: int) -> tuple[int, float, str]:
        body = claim(n, session_id=2, respond_to=answers.response_url(f"race-{n}"))
        started[n] = time.perf_counter()
        return post(url, body)

    with ThreadPoolExecutor(claims) as pool:
        results = list(pool.map(one, range(claims)))
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        told = {int(c.method.rsplit("-", 1)[1]) for c in answers.responses
                if c.method.startswith("/respond/race-")}
        if len(told) >= claims:
            break
        time.sleep(0.05)
    first_answer: dict[int, float] = {}
    for call in answers.responses:
        n = int(call.method.rsplit("-", 1)[1])
        first_answer.setdefault(n, call.received_at - started[n])
    engine = make_engine(database_url)
    with engine.connect() as connection:
        claimed = connection.scalar(select(func.count()).select_from(SessionFacilitator)
                                    .where(SessionFacilitator.session_id == 2))
    engine.dispose()
    answered = list(first_answer.values()) or [0.0]
    return {"claimed": float(claimed or 0), "errors": sum(s >= 500 for s, _, _ in results),
            "ack_p99": percentile([t for _, t, _ in results], 0.99) * 1000,
            "told": len(first_answer), "answer_p99": percentile(answered, 0.99) * 1000,
            "answer_max": max(answered) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--only", default="",
                        help="measure only the requests whose name contains this")
    parser.add_argument("--clients", default="1,10,50", help="client counts, comma separated")
    args = parser.parse_args()
    database_url = fresh_database(args.database_url, tempfile.mkdtemp(), "bench")
    rows = []
    # One fake Slack for both, in a process of its own, as Slack is: what the bot does after
    # its acks is measured; what the fake does to answer it is not.
    fake, slack_url = fake_slack_process()
    servers = {"coprod": Server("coprod", database_url, slack_url=slack_url),
               "bare": Server("bare", slack_url=slack_url)}
    idle = {name: s.rss_kb() for name, s in servers.items()}
    try:
        for label, make in REQUESTS:
            if args.only not in label:
                continue
            for clients in (int(n) for n in args.clients.split(",")):
                for server in servers.values():
                    server.settle()
                figures = {name: measure(s.url, make, clients, args.requests)
                           for name, s in servers.items()}
                rows.append((label, clients, figures))
        servers["coprod"].settle()
        raced = race(servers["coprod"].url, database_url)
    finally:
        peaks = {name: s.peak_kb for name, s in servers.items()}
        startups = {name: s.startup for name, s in servers.items()}
        for server in servers.values():
            server.stop()
        fake.terminate()
    print(f"# Acknowledgement latency over HTTP ({args.requests} requests per row; "
          f"{os.cpu_count()} cores; {'PostgreSQL' if 'postgres' in database_url else 'SQLite'})")
    print("| request | clients | Coprod median / p95 / p99 ms | Coprod req/s | bare Bolt median "
          "/ p95 / p99 ms | bare req/s | p99 ratio | 5xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, clients, f in rows:
        c, b = f["coprod"], f["bare"]
        print(f"| {label} | {clients} | {c['median']:.1f} / {c['p95']:.1f} / {c['p99']:.1f} | "
              f"{c['rps']:.0f} | {b['median']:.1f} / {b['p95']:.1f} / {b['p99']:.1f} | "
              f"{b['rps']:.0f} | {c['p99'] / b['p99']:.2f} | {int(c['errors'])} |")
    print()
    print(f"Start-up to healthy: Coprod {startups['coprod']:.2f} s, bare Bolt "
          f"{startups['bare']:.2f} s. RSS idle: Coprod {idle['coprod'] / 1024:.0f} MB, bare "
          f"{idle['bare'] / 1024:.0f} MB; peak under load: Coprod {peaks['coprod'] / 1024:.0f} MB,"
          f" bare {peaks['bare'] / 1024:.0f} MB.")
    print()
    print(f"Last-place race: 200 claims at once for 3 places: {raced['claimed']:.0f} claimed, "
          f"{raced['told']:.0f} of 200 told their outcome, {raced['errors']:.0f} 5xx; "
          f"acknowledged p99 {raced['ack_p99']:.1f} ms; outcome in their Slack p99 "
          f"{raced['answer_p99']:.1f} ms, max {raced['answer_max']:.1f} ms.")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
