"""How long from a serious incident's form being submitted to the first escalation DM leaving
the bot, over 200 incidents: the real app, real scheduler and dispatcher (with the nudge),
SQLite in a temp folder, and a loopback fake Slack that notes when each message arrives.

Run: make bench (or .venv/bin/python -m bench.incident_latency [--database-url URL])."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from urllib.parse import urlencode

from slack_bolt import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bench.common import fresh_database, percentile
from bot.app import create_app
from bot.config import load_settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.scheduler import build_scheduler
from bot.wiring import build_runtime
from storage.crypto import new_key
from storage.migrate import upgrade
from tests.fakes.slack import FakeSlack

SECRET = "bench-signing-secret"
LEAD = "U0LEAD001"
DIRECTORY = (
    "name,slack_user_id,phone,roles,contact,sms_consent\n"
    f"Lee Ward,{LEAD},,safeguarding_lead;trained,slack,no\n"
    "Ada Brightwater,U0COORD01,,coordinator,slack,no\n"
    "Bram Okonkwo,U0REPORT1,,facilitator,slack,no\n"
)


def submission(n: int) -> str:
    values = {
        "incident_danger": {"incident_danger_chosen": {
            "type": "radio_buttons", "selected_option": {"value": "no"}}},
        "incident_kind": {"incident_field": {
            "type": "static_select", "selected_option": {"value": "crisis_disclosure"}}},
        "incident_severity": {"incident_field": {
            "type": "radio_buttons", "selected_option": {"value": "serious"}}},
        "incident_what": {"incident_field": {"type": "plain_text_input",
                                             "value": f"Bench report {n}"}},
    }
    payload = {"type": "view_submission", "team": {"id": "T0BENCH"},
               "user": {"id": "U0REPORT1"}, "api_app_id": "A0BENCH",
               "view": {"id": f"V{n}", "callback_id": "incident_form", "type": "modal",
                        "private_metadata": "{}", "state": {"values": values}, "blocks": []}}
    return urlencode({"payload": json.dumps(payload)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--incidents", type=int, default=200)
    args = parser.parse_args()
    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database_url, folder, "bench")
        settings = load_settings(env_file=None, slack_bot_token="xoxb-bench",
                                 slack_signing_secret=SECRET, slack_api_url=fake.api_url,
                                 database_url=url, coprod_data_key=new_key())
        runtime = build_runtime(settings, sms=ConsoleSmsProvider(echo=False))
        upgrade(runtime.engine)
        runtime.services.members.import_csv(DIRECTORY)
        app = create_app(settings, runtime.services, client=runtime.client)
        scheduler = build_scheduler(runtime.dispatcher(), 5, services=runtime.services)
        scheduler.start()
        verifier = SignatureVerifier(SECRET)
        acks, first_dm = [], []
        try:
            for n in range(args.incidents):
                body = submission(n)
                stamp = str(int(time.time()))
                headers = {"content-type": "application/x-www-form-urlencoded",
                           "x-slack-request-timestamp": stamp,
                           "x-slack-signature": verifier.generate_signature(timestamp=stamp,
                                                                            body=body)}
                before = len(fake.calls_to("chat.postMessage"))
                started = time.perf_counter()
                response = app.dispatch(BoltRequest(body=body, headers=headers))
                acks.append(time.perf_counter() - started)
                assert response.status == 200, response.body
                deadline = started + 10
                while len(fake.calls_to("chat.postMessage")) <= before:
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"incident {n}: no DM within 10 s")
                    time.sleep(0.0005)
                first_dm.append(fake.calls_to("chat.postMessage")[before].received_at - started)
        finally:
            scheduler.shutdown(wait=False)
            fake.stop()
            runtime.engine.dispose()
    ms = 1000
    print(f"# Incident: form submitted -> first escalation DM leaves the bot "
          f"({args.incidents} incidents, {runtime.engine.dialect.name}, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()})")
    print("| measure | median ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, values in (("form acknowledged", acks), ("first DM sent", first_dm)):
        print(f"| {name} | {statistics.median(values) * ms:.1f} | "
              f"{percentile(values, 0.95) * ms:.1f} | {percentile(values, 0.99) * ms:.1f} | "
              f"{max(values) * ms:.1f} |")


if __name__ == "__main__":
    main()
