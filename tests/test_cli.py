"""The `coprod` command as a person runs it: real processes, real exit codes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BOT_TOKEN, DATA_KEY, SIGNING_SECRET, command_body, signed_headers
from tests.fakes.slack import FakeSlack

GOOD_AND_BAD = """\
name,slack_user_id,phone,roles,contact,sms_consent
Ada Brightwater,U0COORD01,07700 900101,coordinator;facilitator,both,yes
Bram Okonkwo,U0FACIL02,,facilitator,slack,no
Nobody At All,,,member,slack,no
Dev Patel,,07700 900104,member,sms,yes
Cleo Marsh,U0TRAIN03,not a phone,facilitator;trained,slack,no
"""


def coprod(*args: str, env: dict[str, str], cwd: Path,
           timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd, capture_output=True,
        text=True, timeout=timeout, check=False,
    )


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "COPROD_", "TWILIO_", "SMS_", "DATABASE_"))}
    # The CLI gets a database of its own: a file in the temp folder, or the PostgreSQL one.
    url = (database_url if database_url.startswith("postgresql")
           else f"sqlite:///{tmp_path / 'cli.db'}")
    clean.update({"DATABASE_URL": url, "PYTHONPATH": str(Path(__file__).parent.parent),
                  "COPROD_DATA_KEY": DATA_KEY})
    return clean


def test_serve_without_tokens_explains_what_to_do_and_exits_2(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = coprod("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "not connected to a Slack workspace" in result.stderr
    assert "manifest.yml" in result.stderr
    assert "SLACK_BOT_TOKEN=xoxb-" in result.stderr
    assert "SLACK_APP_TOKEN=xapp-" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_setting_is_one_sentence_not_a_traceback(
    env: dict[str, str], tmp_path: Path
) -> None:
    env["COPROD_TIMEZONE"] = "Atlantis/Lost"
    result = coprod("members", "list", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "The setting COPROD_TIMEZONE is not a time zone name such as Europe/London.")


def test_members_import_keeps_good_rows_names_bad_lines_and_exits_1(
    env: dict[str, str], tmp_path: Path, engine: object
) -> None:
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(GOOD_AND_BAD)
    result = coprod("members", "import", str(csv_file), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Added 3, updated 0, unchanged 0." in result.stdout
    assert "line 4: contact is slack but there is no slack_user_id" in result.stderr
    assert "line 6: the phone number 'not a phone' could not be read" in result.stderr
    assert result.stderr.count("line ") == 2

    again = coprod("members", "import", str(csv_file), env=env, cwd=tmp_path)
    assert "Added 0, updated 0, unchanged 3." in again.stdout

    listing = coprod("members", "list", env=env, cwd=tmp_path)
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["Name", "Slack", "Phone", "Contact", "Texts", "Roles", "Profile"]
    assert any("Dev Patel" in line and "+447700900104" in line and "sms" in line
               for line in lines)
    assert len(lines) == 4


def test_members_import_of_a_missing_file_says_so(env: dict[str, str], tmp_path: Path) -> None:
    result = coprod("members", "import", "nowhere.csv", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "There is no file at nowhere.csv."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serving(env: dict[str, str], cwd: Path,
                  fake_slack: FakeSlack) -> tuple[subprocess.Popen[str], str]:
    """`coprod serve --http`, once it answers /healthz: the process and its URL."""
    port = free_port()
    env.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": fake_slack.api_url})
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--http", "--port", str(port),
         "--host", "127.0.0.1"],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve stopped: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    return process, url


def scheduler_says(url: str) -> dict[str, Any]:
    """/healthz's scheduler part, once this process says it schedules (or after 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
            assert response.status == 200
            health = json.loads(response.read())
        assert health["ok"] is True and health["database"] == "ok"
        if health["scheduler"]["this_process"] or time.monotonic() > deadline:
            return dict(health["scheduler"])
        time.sleep(0.05)


@pytest.fixture
def http_bot(env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack,
             engine: object) -> Iterator[str]:
    process, url = start_serving(env, tmp_path, fake_slack)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_http_answers_healthz_and_a_signed_command(
    http_bot: str, fake_slack: FakeSlack
) -> None:
    # It answers before it schedules (the scheduler starts once the server listens); one
    # process alone schedules, and from then on it says so, and which process it is.
    scheduler = scheduler_says(http_bot)
    assert scheduler["this_process"] is True
    assert scheduler["process"].rsplit(":", 1)[1].isdigit()  # host:pid
    assert fake_slack.calls_to("auth.test"), "the bot checks its token with Slack at start"

    body = command_body("/coprod", "help", "U0NOBODY1", fake_slack.response_url())
    request = urllib.request.Request(http_bot + "/slack/events", data=body.encode(),
                                     headers=signed_headers(body), method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        payload = json.loads(response.read())
    assert "/coprod whoami" in json.dumps(payload)

    forged = urllib.request.Request(
        http_bot + "/slack/events", data=body.encode(),
        headers=signed_headers(body, secret="someone-else"), method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=5)
    assert refused.value.code == 401


def test_sigterm_stops_serve_and_its_scheduler_and_frees_the_lock(
    env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack, engine: object
) -> None:
    from bot.scheduler import scheduler_lock
    from storage.db import make_engine

    process, url = start_serving(env, tmp_path, fake_slack)
    try:
        assert scheduler_says(url)["this_process"] is True
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    said = process.stdout.read() if process.stdout else ""
    assert "Traceback" not in said
    # The next process to start may schedule.
    with scheduler_lock(make_engine(env["DATABASE_URL"]), wait=False) as is_scheduler:
        assert is_scheduler


def test_an_unreachable_database_is_one_sentence(env: dict[str, str], tmp_path: Path) -> None:
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/no/such/folder/coprod.db"
    result = coprod("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "The database at DATABASE_URL could not be opened (unable to open database file).")


def test_feedback_export_names_nobody_and_marks_testimonies(
    env: dict[str, str], tmp_path: Path, engine: object
) -> None:
    from bot.config import load_settings
    from bot.rules.feedback import FeedbackForm
    from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
    from bot.wiring import Runtime, build_runtime
    from storage.migrate import upgrade

    def runtime_at(moment: datetime) -> Runtime:
        return build_runtime(load_settings(env_file=None, database_url=env["DATABASE_URL"],
                                           coprod_data_key=DATA_KEY), clock=lambda: moment)

    earlier = runtime_at(datetime.now(UTC) - timedelta(hours=1))
    upgrade(earlier.engine)
    feedback = earlier.services.feedback
    feedback.submit(FeedbackForm(FeedbackKind.COMPLIMENT, FeedbackTopic.SESSION,
                                 "Best group I've been to", anonymous=False,
                                 testimony_consent=True), "U0FACIL02")
    feedback.submit(FeedbackForm(FeedbackKind.COMPLAINT, FeedbackTopic.SERVICE,
                                 "Private words", anonymous=True), "U0MEMBR06")
    earlier.engine.dispose()
    # Sent anonymously "in an hour" (as the clock moves on): its round is still to come when
    # the export runs, so it is not in it, whatever --until says.
    later = runtime_at(datetime.now(UTC) + timedelta(hours=1))
    later.services.feedback.submit(FeedbackForm(FeedbackKind.SUGGESTION, FeedbackTopic.OTHER,
                                                "Could we have tea", anonymous=True), None)
    later.engine.dispose()

    out = tmp_path / "forum.csv"
    # Through tomorrow: an anonymous case is dated by its delivery round, up to 15 minutes on.
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = coprod("feedback", "export", "--out", str(out), "--until", tomorrow, env=env,
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 case(s)" in result.stdout
    text = out.read_text()
    assert "Best group I've been to" in text and "Private words" not in text
    assert "Suggestion" not in text  # still waiting for its round
    assert "U0FACIL02" not in text and "U0MEMBR06" not in text
    rows = text.splitlines()
    assert rows[0].startswith("case,received,kind,about,status,sent,meeting,testimony")
    assert any("Compliment" in r and ",yes," in r for r in rows)

    bad = coprod("feedback", "export", "--out", str(out), "--since", "last week", env=env,
                 cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "Please give dates like 2026-09-01 for --since and --until."


def test_sessions_add_and_list(env: dict[str, str], tmp_path: Path, engine: object) -> None:
    day = (date.today() + timedelta(days=5)).isoformat()
    made = coprod("sessions", "add", "--title", "Thursday drop-in", "--day", day, "--start",
                  "14:00", "--end", "16:00", "--place", "Hope Centre", "--kind", "drop_in",
                  "--repeat", "fortnightly", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Set up 5 session(s): Thursday drop-in, first on")
    listing = coprod("sessions", "list", "--days", "35", env=env, cwd=tmp_path)
    lines = listing.stdout.splitlines()
    assert len(lines) == 3  # every two weeks from day 5: days 5, 19 and 33
    assert "14:00  Thursday drop-in  [Needs 2 more facilitators, at least one trained]" in lines[0]

    bad = coprod("sessions", "add", "--title", "x", "--day", day, "--start", "16:00", "--end",
                 "14:00", "--place", "Hope Centre", env=env, cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "end: The end needs to be after the start."


def test_incidents_export_counts_without_words(
    env: dict[str, str], tmp_path: Path, engine: object
) -> None:
    from bot.config import load_settings
    from bot.rules.incidents import IncidentForm, IncidentKind, Severity
    from bot.wiring import build_runtime
    from storage.migrate import upgrade

    runtime = build_runtime(load_settings(env_file=None, database_url=env["DATABASE_URL"],
                                          coprod_data_key=DATA_KEY))
    upgrade(runtime.engine)
    for kind, severity in ((IncidentKind.BREACH, Severity.LOW),
                           (IncidentKind.BREACH, Severity.LOW),
                           (IncidentKind.CRISIS, Severity.SERIOUS)):
        runtime.services.incidents.report(
            IncidentForm(kind, severity, "Private account of what happened", danger=False),
            "U0FACIL02")
    runtime.engine.dispose()
    out = tmp_path / "review.csv"
    result = coprod("incidents", "export", "--out", str(out), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "counts of 3 incident(s)" in result.stdout
    rows = out.read_text().splitlines()
    assert rows[0] == ("kind,low,moderate,serious,total,resolved,reopened,spoken with first,"
                       "referred,referred to the council,s42 checks,follow-ups overdue,"
                       "marked possibly serious,reported to the Charity Commission,not reported")
    assert "Guideline breach,2,0,0,2,0,0,0,0,0,0,0,0,0,0" in rows
    assert "Crisis disclosure,0,0,1,1,0,0,0,0,0,0,0,0,0,0" in rows
    assert "Private" not in out.read_text()


def _seeded_runtime(env: dict[str, str], days_ago: int = 10) -> tuple[Any, Any]:
    """The CLI's database with the members in it, on a clock some days back (so a follow-up
    due since is overdue when the CLI runs)."""
    from bot.config import load_settings
    from bot.wiring import build_runtime
    from storage.migrate import upgrade
    from tests.conftest import MEMBERS_CSV, FakeClock

    clock = FakeClock(datetime.now(UTC) - timedelta(days=days_ago))
    runtime = build_runtime(load_settings(env_file=None, database_url=env["DATABASE_URL"],
                                          coprod_data_key=DATA_KEY), clock=clock)
    upgrade(runtime.engine)
    runtime.services.members.import_csv(MEMBERS_CSV)
    return runtime, clock


def _incident(runtime: Any, kind: str, severity: str, what: str) -> int:
    from bot.rules.incidents import IncidentForm, IncidentKind, Severity

    return int(runtime.services.incidents.report(
        IncidentForm(IncidentKind(kind), Severity(severity), what, danger=False),
        "U0FACIL02").incident_id)


def test_incidents_export_counts_what_followed_without_words(
    env: dict[str, str], tmp_path: Path, engine: object
) -> None:
    from bot.rules.safeguarding import (
        Agency,
        Answer,
        CharityDecision,
        CharityDecisionForm,
        FollowUpForm,
        Harm,
        OutcomeForm,
        Referral,
        S42Decision,
        S42Form,
        Spoken,
    )

    lead, trustee = "U0SAFEG05", "U0TRUST08"
    runtime, clock = _seeded_runtime(env)
    services, today = runtime.services, clock().date()
    first = _incident(runtime, "crisis_disclosure", "serious", "Private account one")
    second = _incident(runtime, "crisis_disclosure", "serious", "Private account two")
    _incident(runtime, "safeguarding", "moderate", "Private account three")
    services.safeguarding.record_s42(first, lead, S42Form(
        (Answer.YES, Answer.YES, Answer.NOT_SURE), S42Decision.REFER, "Private reasons", "R1"))
    services.incident_record.resolve(first, lead, OutcomeForm(
        "Private what", Spoken.YES, "Private wishes", "Private decision", "Private why",
        referrals=(Referral(Agency.POLICE, "P1"), Referral(Agency.GP))))
    services.incident_record.reopen(first, lead, "Private reopening")
    services.incident_record.resolve(second, lead, OutcomeForm(
        "Private what", Spoken.NOT_POSSIBLE, "", "Private decision", "Private why",
        no_referral=True, follow_up=FollowUpForm("Private check-in", lead,
                                                 today + timedelta(days=1))))
    for number, decision in ((first, CharityDecision.REPORTED),
                             (second, CharityDecision.NOT_REPORTED)):
        services.oversight.mark_serious(number, lead, [Harm.PEOPLE])
        services.oversight.record_decision(number, trustee, CharityDecisionForm(
            decision, today - timedelta(days=1), "CC-1", "Private because"))
    runtime.engine.dispose()

    out = tmp_path / "review.csv"
    result = coprod("incidents", "export", "--out", str(out), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "counts of 3 incident(s)" in result.stdout
    rows = out.read_text().splitlines()
    # kind, low, moderate, serious, total, resolved, reopened, spoken with first, referred,
    # to the council, s42, follow-ups overdue, marked serious, reported, not reported
    assert "Crisis disclosure,0,0,2,2,1,1,1,1,1,1,1,2,1,1" in rows
    assert "Safeguarding concern,0,1,0,1,0,0,0,0,0,0,0,0,0,0" in rows
    assert "Private" not in out.read_text() and "CC-1" not in out.read_text()


def test_incidents_chronology_for_a_lead_only(
    env: dict[str, str], tmp_path: Path, engine: object
) -> None:
    runtime, _ = _seeded_runtime(env, days_ago=0)
    number = _incident(runtime, "crisis_disclosure", "serious", "Told me about a plan")
    runtime.services.incident_record.add_note(number, "U0SAFEG05", "Spoke with them first")
    runtime.engine.dispose()

    markdown, pdf = tmp_path / "for-referral.md", tmp_path / "for-referral.pdf"
    made = coprod("incidents", "chronology", "--incident", str(number), "--by", "U0SAFEG05",
                  "--out", str(markdown), env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert f"Wrote the chronology of incident #{number}" in made.stdout
    written = markdown.read_text()
    assert "Told me about a plan" in written and "Spoke with them first" in written
    assert coprod("incidents", "chronology", "--incident", str(number), "--by", "U0SAFEG05",
                  "--out", str(pdf), env=env, cwd=tmp_path).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")

    refused = tmp_path / "refused.md"
    for who, incident in (("U0COORD01", number), ("U0SAFEG05", number + 100)):
        result = coprod("incidents", "chronology", "--incident", str(incident), "--by", who,
                        "--out", str(refused), env=env, cwd=tmp_path)
        assert result.returncode == 1
        assert "only a safeguarding lead the incident was sent to can" in result.stderr
        assert "Nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert not refused.exists()
    wrong = coprod("incidents", "chronology", "--incident", str(number), "--by", "U0SAFEG05",
                   "--out", str(tmp_path / "x.txt"), env=env, cwd=tmp_path)
    assert wrong.returncode == 2 and ".md or .pdf" in wrong.stderr
    audit = coprod("audit", env=env, cwd=tmp_path).stdout
    assert "U0SAFEG05  exported chronology" in audit
    assert "U0COORD01  refused exported chronology" in audit


def test_keys_new_and_serve_refuses_without_a_key(env: dict[str, str], tmp_path: Path) -> None:
    from storage.crypto import parse_keys

    made = coprod("keys", "new", env=env, cwd=tmp_path)
    assert made.returncode == 0
    parse_keys(made.stdout.strip())  # a real Fernet key
    env.pop("COPROD_DATA_KEY")
    env.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET})
    refused = coprod("serve", "--http", env=env, cwd=tmp_path)
    assert refused.returncode == 2
    assert "COPROD_DATA_KEY is not set" in refused.stderr and "coprod keys new" in refused.stderr
    env["COPROD_DATA_KEY"] = "not-a-key"
    bad = coprod("serve", "--http", env=env, cwd=tmp_path)
    assert bad.stderr.strip() == ("The setting COPROD_DATA_KEY is not a Fernet key (make one "
                                  "with `coprod keys new`).")


def test_keys_rotate_from_the_command_line(env: dict[str, str], tmp_path: Path,
                                           engine: object) -> None:
    from bot.config import load_settings
    from bot.rules.feedback import FeedbackForm
    from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
    from bot.wiring import build_runtime
    from storage.crypto import configure, new_key
    from storage.migrate import upgrade

    runtime = build_runtime(load_settings(env_file=None, database_url=env["DATABASE_URL"],
                                          coprod_data_key=DATA_KEY))
    upgrade(runtime.engine)
    runtime.services.feedback.submit(FeedbackForm(
        FeedbackKind.SUGGESTION, FeedbackTopic.OTHER, "More plants", anonymous=True), None)
    runtime.engine.dispose()
    env["COPROD_DATA_KEY"] = f"{new_key()},{DATA_KEY}"
    result = coprod("keys", "rotate", env=env, cwd=tmp_path)
    configure(DATA_KEY)
    assert result.returncode == 0, result.stderr
    assert "Re-encrypted" in result.stdout and "remove the old key" in result.stdout


def test_members_erase_needs_yes_and_names_what_it_did(
    env: dict[str, str], tmp_path: Path, engine: object
) -> None:
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(GOOD_AND_BAD)
    coprod("members", "import", str(csv_file), env=env, cwd=tmp_path)
    unsure = coprod("members", "erase", "07700 900104", env=env, cwd=tmp_path)
    assert unsure.returncode == 2 and "--yes" in unsure.stderr
    done = coprod("members", "erase", "07700 900104", "--yes", env=env, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("Erased Dev Patel")
    again = coprod("members", "erase", "07700 900104", "--yes", env=env, cwd=tmp_path)
    assert again.returncode == 1 and "Nobody in the member list" in again.stderr


def test_serve_and_worker_refuse_to_only_print_texts_members_take(
    env: dict[str, str], tmp_path: Path, engine: object
) -> None:
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(GOOD_AND_BAD)  # Ada (both) and Dev (texts only) agreed to texts
    assert coprod("members", "import", str(csv_file), env=env, cwd=tmp_path).returncode == 1
    env.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": "http://127.0.0.1:9/"})  # never reached: it stops first
    sentence = ("2 members take texts in the directory, but SMS_PROVIDER is console, which only "
                "prints texts here and never sends them: set SMS_PROVIDER=twilio with "
                "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER in .env "
                "(see .env.example).")
    for command in (["serve", "--http"], ["worker"]):
        refused = coprod(*command, env=env, cwd=tmp_path)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.strip().splitlines()[-1] == sentence  # after the log lines
