"""The `coprod` command line: serve, worker, db, members."""

from __future__ import annotations

import _thread
import csv
import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

import typer
from slack_bolt import App
from slack_bolt.error import BoltError
from sqlalchemy.exc import OperationalError

from bot.cli_involvement import involvement_cli
from bot.config import Settings, SettingsError, load_settings
from bot.delivery.sms import NoSmsProvider
from bot.logs import configure_logging
from bot.rules.coverage import coverage_words
from bot.rules.directory import CsvShapeError, parse_phone
from bot.rules.feedback_words import KIND_WORDS, MEETING_WORDS, STATUS_WORDS, TOPIC_WORDS
from bot.rules.incidents import INCIDENT_KIND_WORDS, SEVERITY_WORDS, Severity
from bot.rules.meetings import MeetingDraft, MeetingKind, MeetingRepeat, series_words
from bot.rules.sessions import InvalidSession, Repeat, SessionDraft, SessionKind
from bot.scheduler import build_scheduler, scheduler_lock
from bot.services.meetings import InvalidMeeting
from bot.services.members import MemberView
from bot.services.privacy import NotInDirectory
from bot.wiring import Runtime, build_runtime
from storage import crypto
from storage.migrate import upgrade

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger("coprod")

cli = typer.Typer(help="Coprod: a Slack bot for co-produced, peer-led organisations.",
                  no_args_is_help=True, add_completion=False)
db_cli = typer.Typer(help="The database.", no_args_is_help=True)
members_cli = typer.Typer(help="The member directory.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(members_cli, name="members")
keys_cli = typer.Typer(help="The key that encrypts people's words at rest.",
                       no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")
feedback_cli = typer.Typer(help="Feedback cases.", no_args_is_help=True)
cli.add_typer(feedback_cli, name="feedback")
sessions_cli = typer.Typer(help="Sessions and the facilitator rota.", no_args_is_help=True)
cli.add_typer(sessions_cli, name="sessions")
incidents_cli = typer.Typer(help="Incidents.", no_args_is_help=True)
cli.add_typer(incidents_cli, name="incidents")
meetings_cli = typer.Typer(help="Forums, community meetings, AGM, trustees.",
                           no_args_is_help=True)
cli.add_typer(meetings_cli, name="meetings")
cli.add_typer(involvement_cli, name="involvement")

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"

NO_DATA_KEY = (
    "COPROD_DATA_KEY is not set, and Coprod won't store people's words unencrypted. Make a key "
    "with `coprod keys new`, put it in .env as COPROD_DATA_KEY=..., and keep a copy somewhere "
    "safe: without it the stored feedback and incidents can't be read."
)

NO_SMS_PROVIDER = (
    "{who} in the directory, but SMS_PROVIDER is console, which only prints texts here and "
    "never sends them: set SMS_PROVIDER=twilio with "
    "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER in .env (see .env.example)."
)

NO_SLACK_GUIDANCE = """\
Coprod is not connected to a Slack workspace yet. To connect it:

  1. Open https://api.slack.com/apps and choose "Create New App", then "From a manifest".
  2. Pick your workspace and paste the contents of {manifest}.
  3. Choose "Install to Workspace" and allow it.
  4. Copy the "Bot User OAuth Token" (starts xoxb-) from "OAuth & Permissions"
     into a file called .env here, as:       SLACK_BOT_TOKEN=xoxb-...
  5. Copy the "Signing Secret" from "Basic Information" into .env as:
                                             SLACK_SIGNING_SECRET=...
  6. For Socket Mode (the easy start, no public URL needed): in "Basic Information",
     under "App-Level Tokens", generate a token with the connections:write scope
     and add it to .env as:                  SLACK_APP_TOKEN=xapp-...
  7. Run `make run` (or `coprod serve`) again.

For production, use HTTP mode instead: turn Socket Mode off in the app settings, set the
request URLs to https://YOUR-HOST/slack/events, and run `coprod serve --http --port 3000`.
Every setting is described in .env.example.
"""


def _day_and_times(day: str, start: str, end: str, *, example: str) -> tuple[date, time, time]:
    """The --day, --start and --end options, or a plain sentence and exit 2."""
    try:
        return date.fromisoformat(day), time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        typer.echo(f"Please give --day like {example} and --start and --end like 18:00.",
                   err=True)
        raise typer.Exit(2) from None


def _refuse(errors: Mapping[str, str]) -> NoReturn:
    """A form's field errors, one line each, and exit 2."""
    for field, message in errors.items():
        typer.echo(f"{field}: {message}", err=True)
    raise typer.Exit(2)


def _period(settings: Settings, since: str, until: str) -> tuple[date, date, datetime, datetime]:
    """The days asked for (default: the last three months) and their bounds in local time."""
    tz = settings.timezone
    try:
        last_day = date.fromisoformat(until) if until else datetime.now(tz).date()
        first_day = date.fromisoformat(since) if since else last_day - timedelta(days=91)
    except ValueError:
        typer.echo("Please give dates like 2026-09-01 for --since and --until.", err=True)
        raise typer.Exit(2) from None
    if first_day > last_day:
        typer.echo("--since is after --until; please swap them.", err=True)
        raise typer.Exit(2)
    return (first_day, last_day, datetime.combine(first_day, time.min, tzinfo=tz),
            datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz))


SINCE_HELP = "First day, e.g. 2026-09-01 (default: three months ago)."
UNTIL_HELP = "Last day, inclusive (default: today)."


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def _runtime(settings: Settings) -> Runtime:
    """The process's pieces, with the database brought up to date first."""
    runtime = build_runtime(settings)
    try:
        upgrade(runtime.engine)
    except OperationalError as error:
        reason = str(error.orig).splitlines()[0][:200] if error.orig else type(error).__name__
        typer.echo(f"The database at DATABASE_URL could not be opened ({reason}).", err=True)
        raise typer.Exit(2) from None
    return runtime


def _stop_on_sigterm() -> None:
    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


@cli.command()
def serve(
    http: bool = typer.Option(False, "--http",
                              help="Serve HTTP (production) instead of Socket Mode."),
    port: int = typer.Option(3000, "--port", help="Port for --http."),
    host: str = typer.Option("0.0.0.0", "--host", help="Address for --http."),  # noqa: S104
    no_scheduler: bool = typer.Option(False, "--no-scheduler",
                                      help="Leave scheduling to a `coprod worker`."),
    threads: int = typer.Option(8, "--threads", help="Worker threads for --http."),
) -> None:
    """Start the bot."""
    configure_logging()
    settings = _settings()
    _refuse_without_slack(settings, http)
    from bot.app import create_app, ready_to_serve

    runtime = _runtime(settings)
    _refuse_to_print_texts(runtime)
    try:
        app = create_app(settings, runtime.services, client=runtime.client)
    except BoltError as error:
        typer.echo(f"Slack did not accept SLACK_BOT_TOKEN ({_first_line(error)}). "
                   "Check the token in .env.", err=True)
        raise typer.Exit(2) from None

    ready_to_serve()
    _stop_on_sigterm()
    if no_scheduler:
        # A web process only: it must not take the scheduler's lock from the workers.
        _answer_slack(app, runtime, http=http, host=host, port=port, threads=threads)
        return
    with scheduler_lock(runtime.engine, wait=False) as is_scheduler:
        if not is_scheduler:
            log.info("another Coprod process is scheduling; this one only answers Slack")
            _answer_slack(app, runtime, http=http, host=host, port=port, threads=threads)
            return
        scheduling = SchedulerOnceListening(runtime)
        try:
            _answer_slack(app, runtime, http=http, host=host, port=port, threads=threads,
                          on_listening=scheduling.start_soon)
        finally:
            scheduling.stop()
        if scheduling.failed:
            raise typer.Exit(1)


class SchedulerOnceListening:
    """The scheduler of a `coprod serve` that holds the lock, started in a thread of its own
    once the server listens: loading APScheduler and the first run of every job would
    otherwise stand between a start and the first answer. /healthz says this process schedules
    only from when it does (the scheduler's start writes that down)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.failed = False
        self._scheduler: BaseScheduler | None = None
        self._stopped = False
        self._turn = threading.Lock()

    def start_soon(self) -> None:
        threading.Thread(target=self._start, name="coprod-scheduler-start", daemon=True).start()

    def _start(self) -> None:
        try:
            scheduler = build_scheduler(self.runtime.dispatcher(),
                                        self.runtime.settings.coprod_dispatch_interval_seconds,
                                        services=self.runtime.services)
            with self._turn:
                if self._stopped:
                    return
                scheduler.start()
                self._scheduler = scheduler
        except Exception as error:  # a process that can't schedule must not look as if it does
            log.error("the scheduler could not start (%s); Coprod is stopping",
                      type(error).__name__)
            self.failed = True
            _thread.interrupt_main()

    def stop(self) -> None:
        """Stops the scheduler, or keeps it from starting if it has not yet."""
        with self._turn:
            self._stopped = True
            if self._scheduler is not None:
                self._scheduler.shutdown(wait=False)


def _refuse_without_slack(settings: Settings, http: bool) -> None:
    """Stops with one clear sentence when what serving needs is not set."""
    if not settings.slack_bot_token or (http and not settings.slack_signing_secret) or (
        not http and not settings.slack_app_token
    ):
        typer.echo(NO_SLACK_GUIDANCE.format(manifest=MANIFEST), err=True)
        if settings.slack_bot_token and not http and not settings.slack_app_token:
            typer.echo("SLACK_APP_TOKEN is not set: add it for Socket Mode, or use --http.",
                       err=True)
        raise typer.Exit(2)
    if not settings.coprod_data_key:
        typer.echo(NO_DATA_KEY, err=True)
        raise typer.Exit(2)


def _refuse_to_print_texts(runtime: Runtime) -> None:
    """The console provider only prints texts (it is for the sandbox and trying things out):
    a real bot with members who take texts would mark their reminders sent and send nothing."""
    if runtime.settings.sms_provider != "console":
        return
    takers = runtime.services.members.how_many_take_texts()
    if takers:
        who = "1 member takes texts" if takers == 1 else f"{takers} members take texts"
        typer.echo(NO_SMS_PROVIDER.format(who=who), err=True)
        raise typer.Exit(2)
    # Nobody takes texts today; if someone is added while this runs, their texts fail with
    # the reason (seen in /coprod deliveries) rather than being printed and marked sent.
    runtime.sms = NoSmsProvider()


def _answer_slack(app: App, runtime: Runtime, *, http: bool, host: str, port: int,
                  threads: int, on_listening: Callable[[], None] | None = None) -> None:
    """Serves Slack (HTTP or Socket Mode) until stopped; `on_listening` is called once the
    HTTP socket listens (in Socket Mode, just before connecting)."""
    try:
        if http:
            from bot.sms_web import make_sms_routes
            from bot.web import make_wsgi_app, serve_http

            log.info("Coprod is listening on http://%s:%d/slack/events", host, port)
            serve_http(make_wsgi_app(app, runtime.engine,
                                     extra_routes=make_sms_routes(runtime.services),
                                     calendar=runtime.services.sessions.calendar_file,
                                     health=runtime.services.health.report),
                       host, port, threads, on_listening=on_listening)
        else:
            from bot.socket_mode import AppTokenRefused, serve_socket_mode

            log.info("Coprod is connecting to Slack with Socket Mode")
            if on_listening is not None:
                on_listening()
            try:
                serve_socket_mode(app, runtime.settings.slack_app_token or "")
            except AppTokenRefused as refused:
                typer.echo(str(refused), err=True)
                raise typer.Exit(2) from None
    except KeyboardInterrupt:
        log.info("Coprod is stopping")


@cli.command()
def sandbox(
    port: int = typer.Option(3000, "--port", help="Port for the sandbox page."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
) -> None:
    """Try Coprod without Slack: the real bot behind a local page that stands in for Slack."""
    configure_logging()
    settings = _settings()
    from bot.sandbox.server import Sandbox
    from bot.web import serve_http

    try:
        box = Sandbox(settings, port)
    except OperationalError as error:
        reason = str(error.orig).splitlines()[0][:200] if error.orig else type(error).__name__
        typer.echo(f"The sandbox database could not be opened ({reason}).", err=True)
        raise typer.Exit(2) from None
    box.seed()
    box.scheduler.start()
    _stop_on_sigterm()
    typer.echo(f"Coprod sandbox: open http://localhost:{port}/ in your browser.")
    typer.echo("To connect a real Slack workspace instead, see README.md (Connecting Slack).")
    try:
        serve_http(box.wsgi, host, port, threads=16)
    except KeyboardInterrupt:
        log.info("sandbox stopping")
    finally:
        box.scheduler.shutdown(wait=False)


@cli.command()
def worker(
    health_port: int = typer.Option(0, "--health-port",
                                    help="Answer GET /healthz on this port (0: don't)."),
) -> None:
    """Run the scheduler and the delivery dispatcher alone (for several web processes)."""
    configure_logging()
    settings = _settings()
    if not settings.coprod_data_key:
        typer.echo(NO_DATA_KEY, err=True)
        raise typer.Exit(2)
    runtime = _runtime(settings)
    _refuse_to_print_texts(runtime)
    _stop_on_sigterm()
    if health_port:
        _answer_health_checks(runtime, health_port)
    log.info("worker waiting to become the scheduler (a second worker is a hot standby)")
    try:
        with scheduler_lock(runtime.engine, wait=True):
            log.info("worker is the scheduler now")
            _schedule_until_stopped(runtime)
    except KeyboardInterrupt:
        log.info("worker stopped")


def _schedule_until_stopped(runtime: Runtime) -> None:
    """Schedules until SIGTERM; then the batch in hand is sent and written down, and nothing
    is left claimed, before the lock is released for the standby."""
    dispatcher = runtime.dispatcher()
    scheduler = build_scheduler(dispatcher, runtime.settings.coprod_dispatch_interval_seconds,
                                services=runtime.services, blocking=True)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        log.info("worker stopping: finishing the batch in hand")
        dispatcher.stop()
        scheduler.shutdown(wait=True)


def _answer_health_checks(runtime: Runtime, port: int) -> None:
    """A worker's /healthz, for a container's or a load balancer's health check."""
    from waitress.server import create_server

    from bot.web import health_only_app

    server = create_server(health_only_app(runtime.engine, runtime.services.health.report),
                           host="0.0.0.0", port=port, threads=1, ident="coprod")  # noqa: S104
    threading.Thread(target=server.run, name="coprod-health", daemon=True).start()


@cli.command()
def status() -> None:
    """Whether the database answers, which process schedules, and when the outbox last went
    out - what /healthz says, for an operator."""
    settings = _settings()
    runtime = _runtime(settings)
    found = runtime.services.health.report()
    if not found.database:
        typer.echo("Database: not answering.", err=True)
        raise typer.Exit(1)
    typer.echo("Database: answering.")
    if found.scheduler is None:
        typer.echo("Scheduler: no process has scheduled yet (start `coprod worker`, or "
                   "`coprod serve` without --no-scheduler).")
        raise typer.Exit(1)
    tz = settings.timezone
    since = found.scheduling_since.astimezone(tz) if found.scheduling_since else None
    typer.echo(f"Scheduler: {found.scheduler}" + (f", since {since:%Y-%m-%d %H:%M:%S}"
                                                   if since else ""))
    if found.last_dispatch_at is None:
        typer.echo("Outbox: not run yet by this scheduler.")
        raise typer.Exit(1)
    ago = (runtime.services.clock() - found.last_dispatch_at).total_seconds()
    typer.echo(f"Outbox: last run {ago:.0f} s ago "
               f"({found.last_dispatch_at.astimezone(tz):%H:%M:%S}).")
    # Several missed ticks in a row: the scheduling process is stuck or gone.
    if ago > max(60.0, 6 * settings.coprod_dispatch_interval_seconds):
        typer.echo("That is longer than it should be: is the worker running?", err=True)
        raise typer.Exit(1)


@cli.command()
def audit(
    since: str = typer.Option("", "--since", help=SINCE_HELP),
    until: str = typer.Option("", "--until", help=UNTIL_HELP),
) -> None:
    """Who read or acted on which feedback case or incident, or looked at or changed someone's
    communication profile, and when (never what it said)."""
    settings = _settings()
    first_day, last_day, start, end = _period(settings, since, until)
    runtime = _runtime(settings)
    from storage.repositories import AuditRepository

    with runtime.sessions() as session:
        entries = AuditRepository(session).list_between(start, end)
        rows = [(e.at, e.actor_slack_id, e.action, e.subject) for e in entries]
    typer.echo(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} from {first_day} to "
               f"{last_day}:")
    for at, actor, action, subject in rows:
        typer.echo(f"{at.astimezone(settings.timezone):%Y-%m-%d %H:%M}  "
                   f"{actor or '(by case code)'}  {action}  {subject}")


@keys_cli.command("new")
def keys_new() -> None:
    """Print a new key for COPROD_DATA_KEY."""
    typer.echo(crypto.new_key())


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt everything under the first key. Put the new key first in COPROD_DATA_KEY,
    the old one after a comma, run this, then remove the old key."""
    settings = _settings()
    if not settings.coprod_data_key:
        typer.echo(NO_DATA_KEY, err=True)
        raise typer.Exit(2)
    runtime = _runtime(settings)
    from storage.keys import rotate_all

    try:
        changed = rotate_all(runtime.engine)
    except crypto.DataKeyError as error:
        typer.echo(f"{error}. Nothing was changed.", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Re-encrypted {changed} stored value(s) under the first key. You can now "
               "remove the old key from COPROD_DATA_KEY.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or update the database tables."""
    settings = _settings()
    _runtime(settings)
    typer.echo("The database is up to date.")


@members_cli.command("import")
def members_import(
    file: Path = typer.Argument(..., help="CSV with the columns in the README."),
) -> None:
    """Add or update members from a CSV file. Importing the same file twice changes nothing."""
    settings = _settings()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        typer.echo(f"There is no file at {file}.", err=True)
        raise typer.Exit(2) from None
    except UnicodeDecodeError:
        typer.echo(f"{file} is not a UTF-8 text file; save it as CSV UTF-8 and try again.",
                   err=True)
        raise typer.Exit(2) from None
    runtime = _runtime(settings)
    try:
        report = runtime.services.members.import_csv(text)
    except CsvShapeError as error:
        typer.echo(f"{file} could not be imported: {error}.", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Added {report.added}, updated {report.updated}, "
               f"unchanged {report.unchanged}.")
    if report.problems:
        typer.echo(f"{len(report.problems)} row(s) were not imported:", err=True)
        for problem in report.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)


@members_cli.command("erase")
def members_erase(
    who: str = typer.Argument(..., help="Their Slack user id (U0...) or phone number."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: this can't be undone."),
) -> None:
    """Erase a member and what is theirs; safeguarding records are kept, as the law requires."""
    settings = _settings()
    if not yes:
        typer.echo("This erases a member for good. Run it again with --yes to go ahead.",
                   err=True)
        raise typer.Exit(2)
    runtime = _runtime(settings)
    identifier = who.strip()
    if not identifier.upper().startswith(("U", "W")):
        try:
            identifier = parse_phone(identifier)
        except ValueError as error:
            typer.echo(f"{error}.", err=True)
            raise typer.Exit(2) from None
    else:
        identifier = identifier.upper()
    try:
        done = runtime.services.privacy.erase(identifier)
    except NotInDirectory:
        typer.echo(f"Nobody in the member list has {who}.", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Erased {done.name}: " + (", ".join(f"{v} {k}" for k, v in done.removed.items())
                                           or "nothing else was held") + ".")
    if done.kept_for_safeguarding:
        typer.echo("Kept: their name on safeguarding records only, as the law requires; no "
                   "Slack id, phone or contact details.")


def _profile_in_brief(member: MemberView) -> str:
    """"easy read, screen reader, quiet 21:00-08:00"; "standard" when nothing was chosen."""
    words = [member.reading.value.replace("_", " ")]
    if member.screen_reader:
        words.append("screen reader")
    if member.quiet is not None:
        words.append(f"quiet {member.quiet}")
    return ", ".join(words)


@members_cli.command("list")
def members_list() -> None:
    """Show who is who."""
    settings = _settings()
    runtime = _runtime(settings)
    members = runtime.services.members.list_members()
    if not members:
        typer.echo("No members yet. Add them with: coprod members import FILE.csv")
        return
    rows = [("Name", "Slack", "Phone", "Contact", "Texts", "Roles", "Profile")]
    for m in members:
        rows.append((
            m.name,
            m.slack_user_id or "-",
            m.phone or "-",
            m.contact.value,
            "yes" if m.sms_consent else "no",
            ", ".join(sorted(r.value for r in m.roles)),
            _profile_in_brief(m),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())



@feedback_cli.command("export")
def feedback_export(
    out: Path = typer.Option(..., "--out", help="Where to write the CSV."),
    since: str = typer.Option("", "--since", help=SINCE_HELP),
    until: str = typer.Option("", "--until", help=UNTIL_HELP),
) -> None:
    """Write the period's feedback as a CSV for the service-user forum: no names at all, and
    the words only of compliments people agreed to share as testimonies."""
    settings = _settings()
    tz = settings.timezone
    first_day, last_day, start, end = _period(settings, since, until)
    runtime = _runtime(settings)
    cases = runtime.services.feedback.cases_between(start, end)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "received", "kind", "about", "status", "sent", "meeting",
                         "testimony", "testimony_words"])
        for case in cases:
            writer.writerow([
                case.id,
                case.created_at.astimezone(tz).date().isoformat(),
                KIND_WORDS[case.kind],
                TOPIC_WORDS[case.topic],
                STATUS_WORDS[case.status],
                "anonymously" if case.anonymous else "with a name",
                MEETING_WORDS[case.meeting],
                "yes" if case.testimony_consent else "",
                case.body if case.testimony_consent else "",
            ])
    typer.echo(f"Wrote {len(cases)} case(s) from {first_day} to {last_day} to {out}.")


# What followed the incidents, counted per kind (after the severities and the total).
INCIDENT_OUTCOME_COLUMNS = (
    "resolved", "reopened", "spoken with first", "referred", "referred to the council",
    "s42 checks", "follow-ups overdue", "marked possibly serious",
    "reported to the Charity Commission", "not reported")


@incidents_cli.command("export")
def incidents_export(
    out: Path = typer.Option(..., "--out", help="Where to write the CSV."),
    since: str = typer.Option("", "--since", help=SINCE_HELP),
    until: str = typer.Option("", "--until", help=UNTIL_HELP),
) -> None:
    """Counts of the period's incidents by kind and severity, and what followed them, for the
    quarterly review. No names and no words from any report."""
    settings = _settings()
    first_day, last_day, start, end = _period(settings, since, until)
    runtime = _runtime(settings)
    rows = runtime.services.safeguarding.export_counts(start, end)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", *[SEVERITY_WORDS[s][0].lower() for s in Severity], "total",
                         *INCIDENT_OUTCOME_COLUMNS])
        for row in rows:
            writer.writerow([
                INCIDENT_KIND_WORDS[row.kind], *[row.severity[s] for s in Severity], row.total,
                row.resolved, row.reopened, row.spoken_first, row.referred,
                row.referred_to_council, row.s42_checks, row.follow_ups_overdue,
                row.marked_serious, row.reported, row.not_reported])
    typer.echo(f"Wrote the counts of {sum(r.total for r in rows)} incident(s) from {first_day} "
               f"to {last_day} to {out}.")


@incidents_cli.command("chronology")
def incidents_chronology(
    incident: int = typer.Option(..., "--incident", help="The incident's number."),
    by: str = typer.Option(..., "--by", help="Your Slack user id (U0...): a safeguarding "
                                             "lead the incident was sent to."),
    out: Path = typer.Option(..., "--out", help="Where to write it: FILE.md or FILE.pdf."),
) -> None:
    """One incident's full chronology for a referral, as Markdown or PDF. Only a safeguarding
    lead it was sent to may export it; every export and refusal is on the audit log."""
    from bot.services.cases import Refused
    from handlers.chronology import SUFFIXES, chronology_markdown, chronology_pdf

    if out.suffix.lower() not in SUFFIXES:
        typer.echo(f"Please give --out a file name ending {' or '.join(SUFFIXES)}.", err=True)
        raise typer.Exit(2)
    settings = _settings()
    runtime = _runtime(settings)
    try:
        record = runtime.services.safeguarding.chronology(incident, by.strip().upper())
    except Refused:
        typer.echo(f"{by.strip()} can't export a chronology of incident #{incident}: only a "
                   "safeguarding lead the incident was sent to can, and the number must be "
                   "right. Nothing was written.", err=True)
        raise typer.Exit(1) from None
    if out.suffix.lower() == ".pdf":
        out.write_bytes(chronology_pdf(record, settings.timezone))
    else:
        out.write_text(chronology_markdown(record, settings.timezone), encoding="utf-8")
    typer.echo(f"Wrote the chronology of incident #{incident} to {out}. It holds personal "
               "details: keep it safe, share it only with the agency you are referring to, "
               "and delete it when it is no longer needed.")


@meetings_cli.command("add")
def meetings_add(
    title: str = typer.Option(..., "--title"),
    kind: MeetingKind = typer.Option(..., "--kind"),
    day: str = typer.Option(..., "--day", help="The (first) day, e.g. 2027-01-12."),
    start: str = typer.Option(..., "--start", help="e.g. 18:00 (local time)."),
    end: str = typer.Option(..., "--end", help="e.g. 20:00."),
    place: str = typer.Option(..., "--place"),
    invited: str = typer.Option("everyone", "--invited", help="everyone, or a role."),
    channel: str = typer.Option("", "--channel", help="Slack channel id for reminders."),
    repeat: MeetingRepeat = typer.Option(MeetingRepeat.NONE, "--repeat"),
) -> None:
    """Set up a meeting, or a series that keeps its weekday ("second Tuesday")."""
    settings = _settings()
    on, starts, ends = _day_and_times(day, start, end, example="2027-01-12")
    draft = MeetingDraft(title=title, kind=kind, day=on, start_time=starts, end_time=ends,
                         place=place, invited=invited, channel=channel or None, repeat=repeat)
    runtime = _runtime(settings)
    try:
        made = runtime.services.meetings.create(None, draft)
    except InvalidMeeting as invalid:
        _refuse(invalid.errors)
    days = ", ".join(f"{m.starts_at.astimezone(settings.timezone):%d %b %Y %H:%M}"
                     for m in made[:6])
    more = " ..." if len(made) > 6 else ""
    typer.echo(f"Set up {len(made)} meeting(s), {series_words(repeat, on)}: {days}{more}")


@meetings_cli.command("list")
def meetings_list(days: int = typer.Option(120, "--days")) -> None:
    """Coming meetings and who said they're going."""
    settings = _settings()
    runtime = _runtime(settings)
    tz = settings.timezone
    with runtime.sessions() as session:
        from storage.repositories import MeetingRepository

        now = datetime.now(tz)
        found = MeetingRepository(session).list_starting_between(now, now + timedelta(days=days))
        views = runtime.services.meetings.views(found)
    if not views:
        typer.echo(f"No meetings in the next {days} days.")
    for view in views:
        typer.echo(f"#{view.id}  {view.starts_at.astimezone(tz):%a %d %b %Y %H:%M}  "
                   f"{view.title}  going: {len(view.going)}")


@sessions_cli.command("add")
def sessions_add(
    title: str = typer.Option(..., "--title", help="What the session is called."),
    day: str = typer.Option(..., "--day", help="The day, e.g. 2026-12-01."),
    start: str = typer.Option(..., "--start", help="Start time, e.g. 18:00 (local time)."),
    end: str = typer.Option(..., "--end", help="End time, e.g. 20:00."),
    place: str = typer.Option(..., "--place", help="Where, or the online link."),
    kind: SessionKind = typer.Option(SessionKind.PEER_GROUP, "--kind"),
    channel: str = typer.Option("", "--channel", help="Slack channel id for the card."),
    needed: int = typer.Option(2, "--facilitators-needed"),
    trained: int = typer.Option(1, "--trained-needed"),
    places: int = typer.Option(3, "--places", help="Facilitator places."),
    capacity: int = typer.Option(0, "--capacity", help="Participant places (0: no limit)."),
    repeat: Repeat = typer.Option(Repeat.NONE, "--repeat"),
) -> None:
    """Set up a session (or a weekly or fortnightly series)."""
    settings = _settings()
    on, starts, ends = _day_and_times(day, start, end, example="2026-12-01")
    draft = SessionDraft(
        title=title, kind=kind, day=on, start_time=starts, end_time=ends, place=place,
        channel=channel or None, facilitators_needed=needed, trained_needed=trained,
        places=places, capacity=capacity or None, repeat=repeat)
    runtime = _runtime(settings)
    try:
        made = runtime.services.sessions.create(None, draft)
    except InvalidSession as invalid:
        _refuse(invalid.errors)
    tz = settings.timezone
    first = made[0]
    typer.echo(f"Set up {len(made)} session(s): {first.title}, first on "
               f"{first.starts_at.astimezone(tz):%a %d %b %Y %H:%M}.")


@sessions_cli.command("list")
def sessions_list(days: int = typer.Option(14, "--days", help="How far ahead.")) -> None:
    """The coming sessions and whether each is covered."""
    settings = _settings()
    runtime = _runtime(settings)
    tz = settings.timezone
    views = runtime.services.sessions.upcoming(days)
    if not views:
        typer.echo(f"No sessions in the next {days} days.")
        return
    for view in views:
        _, words = coverage_words(view.coverage)
        names = ", ".join(f.name + (" (trained)" if f.trained else "") for f in view.facilitators)
        typer.echo(f"#{view.id}  {view.starts_at.astimezone(tz):%a %d %b %H:%M}  {view.title}  "
                   f"[{words}]  {names or 'nobody yet'}")


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def main() -> None:
    try:
        cli()
    except SettingsError as error:  # pragma: no cover - settings are read inside commands
        print(error, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
