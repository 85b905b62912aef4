"""Start-up to a healthy /healthz, and memory idle, of the real `coprod serve --http` (on a
database already migrated, with members, as a restart finds it) beside a bare Bolt app served
the same way; and which imports take the time, from `python -X importtime`.

Both start with their bytecode already compiled, as an installed package has it (pip compiles
at install; the image sets PYTHONDONTWRITEBYTECODE). A working tree under
PYTHONDONTWRITEBYTECODE has no current .pyc for the files just edited, and would otherwise
compile them on every start: the compiled bytecode goes to a folder of the bench's own
(PYTHONPYCACHEPREFIX), written by one start that is not counted. `--as-is` measures the
environment as it is instead.

Run: .venv/bin/python -m bench.startup [--runs 5] [--database-url URL] [--as-is]"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.ack_latency import free_port
from bench.common import fresh_database
from bench.server import MEMBERS, SECRET

BARE = """
import sys
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve
app = App(signing_secret=sys.argv[2], client=WebClient(token="xoxb-bench",
          base_url=sys.argv[3]), process_before_response=True)
@app.command("/coprod")
def help_command(ack):
    ack()
serve(SlackRequestHandler(app), host="127.0.0.1", port=int(sys.argv[1]), _quiet=True)
"""

# The bare app plus only what any bot on this project's required stack loads before its first
# answer: SQLAlchemy's ORM with a connection made, and pydantic-settings. No tables, settings
# or listeners of ours: how far below Coprod's figures the target could be reached at all.
FLOOR = """
import sys
import sqlalchemy, sqlalchemy.orm, pydantic_settings
sqlalchemy.create_engine(sys.argv[4]).connect().close()
""" + BARE


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(args: list[str], url: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from exec to the first answer at `url`, and RSS a second after, idle."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    break
            except urllib.error.HTTPError:
                break  # the bare app answers 404: it is up
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 60:
                    raise SystemExit(f"{args[0]} did not start") from None
                time.sleep(0.005)
        took = time.perf_counter() - started
        time.sleep(1.0)
        return took, rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(10)


def slowest_imports(env: dict[str, str], count: int = 14) -> list[tuple[float, str]]:
    """Import time by top-level package (its modules' own time, summed), as `coprod serve`
    imports them before its first answer (APScheduler comes after: bot/cli.py)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c",
         "import bot.cli, bot.app, bot.web, bot.sms_web, bot.wiring, bot.scheduler"],
        env=env, capture_output=True, text=True, check=True)
    by_package: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].split(":")[-1].strip().isdigit():
            package = parts[2].strip().split(".")[0]
            by_package[package] = by_package.get(package, 0.0) + int(
                parts[0].split(":")[-1]) / 1000
    return sorted(((ms, name) for name, ms in by_package.items()), reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--as-is", action="store_true",
                        help="Don't compile bytecode first (see the module's docstring).")
    args = parser.parse_args()
    from tests.fakes.slack import FakeSlack

    fake = FakeSlack().start()
    folder = tempfile.mkdtemp()
    database_url = fresh_database(args.database_url, folder, "startup")
    csv = Path(folder) / "members.csv"
    csv.write_text(MEMBERS)
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": fake.api_url, "DATABASE_URL": database_url,
           "COPROD_DATA_KEY": "dGVzdC1vbmx5LWRhdGEta2V5LW5vdC1mb3ItdXNlLTE=",
           "SMS_PROVIDER": "console"}
    coprod = str(Path(sys.executable).parent / "coprod")
    subprocess.run([coprod, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([coprod, "members", "import", str(csv)], env=env, check=True,
                   capture_output=True)
    if not args.as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
    runs: dict[str, list[tuple[float, float]]] = {"coprod": [], "bare": [], "floor": []}
    for warming in [True] * (not args.as_is) + [False] * args.runs:
        port = free_port()
        coprod_run = start([coprod, "serve", "--http", "--port", str(port)],
                           f"http://127.0.0.1:{port}/healthz", env)
        port = free_port()
        bare_run = start([sys.executable, "-c", BARE, str(port), SECRET, fake.api_url],
                         f"http://127.0.0.1:{port}/", env)
        port = free_port()
        floor_run = start([sys.executable, "-c", FLOOR, str(port), SECRET,
                           fake.api_url, database_url], f"http://127.0.0.1:{port}/", env)
        if not warming:
            runs["coprod"].append(coprod_run)
            runs["bare"].append(bare_run)
            runs["floor"].append(floor_run)
    fake.stop()
    print(f"# Start-up to healthy and idle memory ({args.runs} starts each; "
          f"{'PostgreSQL' if 'postgres' in database_url else 'SQLite'}; "
          f"{os.cpu_count()} cores; "
          f"{'bytecode as found' if args.as_is else 'bytecode compiled beforehand'})")
    print("| process | start-up median / max s | RSS idle median MB |")
    print("| --- | ---: | ---: |")
    for name, found in runs.items():
        times = [t for t, _ in found]
        print(f"| {name} | {statistics.median(times):.2f} / {max(times):.2f} | "
              f"{statistics.median(m for _, m in found):.0f} |")
    print("\nImport time by package on the way to serving (ms):")
    for millis, module in slowest_imports(env):
        print(f"- {millis:.0f} {module.strip()}")


if __name__ == "__main__":
    main()
