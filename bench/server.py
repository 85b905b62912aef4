"""A server for the benchmarks, run as its own process: Coprod in HTTP mode (with a loopback
fake Slack for its Web API calls), or a bare Bolt app whose listeners only ack.

Run: python -m bench.server coprod|bare --port N --database-url URL"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_bolt import Ack, App
from waitress import serve

SECRET = "bench-signing-secret"
MEMBERS = "name,slack_user_id,phone,roles,contact,sms_consent,induction\n" + "".join(
    f"Facilitator {n},U0F{n:06d},,facilitator;trained,slack,no,boundaries_training\n"
    for n in range(300)) + "Ada Brightwater,U0COORD01,,coordinator,slack,no,\n"


def fake_slack_api(slack_url: str) -> str:
    """The API URL of the fake Slack to use: the one given (a fake in a process of its own,
    shared by the servers measured side by side), else one started inside this process."""
    if slack_url:
        return slack_url
    from tests.fakes.slack import FakeSlack

    return FakeSlack().start().api_url


def bare_app(slack_url: str = "") -> object:
    """Set up as Coprod's app is (same client kind, same loopback fake Slack for auth.test,
    process_before_response), with listeners that only ack."""
    from slack_sdk import WebClient

    app = App(signing_secret=SECRET,
              client=WebClient(token="xoxb-bench", base_url=fake_slack_api(slack_url)),
              process_before_response=True)

    @app.command("/feedback")
    def command(ack: Ack) -> None:
        ack()

    @app.command("/coprod")
    def help_command(ack: Ack) -> None:
        ack()

    @app.event("app_home_opened")
    def home_opened() -> None:
        pass

    @app.action("session_claim")
    def claim(ack: Ack) -> None:
        ack()

    @app.view("feedback_form")
    def submit(ack: Ack) -> None:
        ack()

    from slack_bolt.adapter.wsgi import SlackRequestHandler

    return SlackRequestHandler(app)


def coprod_app(database_url: str, data_key: str = "", slack_url: str = "") -> object:
    from bot.app import create_app, ready_to_serve
    from bot.config import load_settings
    from bot.delivery.sms import ConsoleSmsProvider
    from bot.rules.sessions import SessionDraft, SessionKind
    from bot.sms_web import make_sms_routes
    from bot.web import make_wsgi_app
    from bot.wiring import build_runtime
    from storage.crypto import new_key
    from storage.migrate import upgrade
    api_url = fake_slack_api(slack_url)
    settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                             slack_signing_secret=SECRET, slack_api_url=api_url,
                             database_url=database_url, coprod_data_key=data_key or new_key())
    runtime = build_runtime(settings, sms=ConsoleSmsProvider(echo=False))
    upgrade(runtime.engine)
    if not runtime.services.members.list_members():
        runtime.services.members.import_csv(MEMBERS)
        start = datetime.now(UTC) + timedelta(days=5)
        for title in ("Bench group", "Race group"):  # session 2 is for the last-place race
            runtime.services.sessions.create(None, SessionDraft(
                title=title, kind=SessionKind.PEER_GROUP, day=start.date(),
                start_time=start.time().replace(second=0, microsecond=0, minute=0),
                end_time=start.time().replace(second=0, microsecond=0, minute=59),
                place="Hope Centre", places=3))
    app = create_app(settings, runtime.services, client=runtime.client)
    ready_to_serve()
    print(f"ready fake={api_url.removesuffix('api/')}", flush=True)
    return make_wsgi_app(app, runtime.engine, extra_routes=make_sms_routes(runtime.services))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["coprod", "bare"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", default="")
    # Several web processes on one database share the key that encrypts its words.
    parser.add_argument("--data-key", default="")
    # A fake Slack in a process of its own (bench/fake_slack.py), else one in this process.
    parser.add_argument("--slack-url", default="")
    args = parser.parse_args()
    if args.kind == "bare":
        wsgi = bare_app(args.slack_url)
        print(f"ready pid={os.getpid()}", flush=True)
    else:
        url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        wsgi = coprod_app(url, args.data_key, args.slack_url)
    serve(wsgi, host="127.0.0.1", port=args.port, threads=8, ident="bench",  # type: ignore
          _quiet=True)


if __name__ == "__main__":
    main()
