"""`coprod sandbox`: the real bot (same app, services, scheduler and outbox, in HTTP mode)
behind a page that stands in for Slack and for members' phones."""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import secrets
import shlex
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlencode

from twilio.request_validator import RequestValidator

from bot.app import create_app
from bot.config import DEFAULT_DATABASE_URL, Settings
from bot.delivery.sms import ConsoleSmsProvider
from bot.rules.directory import CsvShapeError
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from bot.sandbox.standin import SlackStandIn, handle_api, kept_history, restore_history
from bot.scheduler import build_scheduler
from bot.sms_web import make_sms_routes
from bot.web import make_wsgi_app
from bot.wiring import Runtime, build_runtime
from storage import crypto
from storage.migrate import upgrade

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)
PAGE = Path(__file__).with_name("page.html")
SANDBOX_DATABASE = "sqlite:///coprod-sandbox.db"
TWILIO_TOKEN = "sandbox-twilio-token"  # noqa: S105 - only the sandbox's own phone panel uses it
CHANNELS = {"C0GENERAL": "general", "C0GROUPS": "peer-groups", "C0FORUM": "forum"}

# Made-up people, with phone numbers from Ofcom's range kept for drama.
SEED_MEMBERS = """\
name,slack_user_id,phone,roles,contact,sms_consent,trained_until,induction,reading,\
screen_reader,quiet_hours
Ada Brightwater,U0ADA0001,07700 900101,coordinator;facilitator;trained,both,yes,2027-06-30,\
boundaries_training,standard,no,
Bram Okonkwo,U0BRAM002,,facilitator,slack,no,,boundaries_training,standard,no,
Cleo Marsh,U0CLEO003,,facilitator;trained,slack,no,2027-09-30,boundaries_training,standard,no,
Esme Hart,U0ESME004,07700 900105,safeguarding_lead;trained,both,yes,,boundaries_training,\
standard,no,
Hana Quill,U0HANA005,,hr_officer,slack,no,,,standard,no,
Fin Rowe,U0FINR006,,member,slack,no,,,standard,no,
Tom Reyes,U0TOMR007,,trustee,slack,no,,,standard,no,
Dev Patel,,07700 900104,member,sms,yes,,,standard,no,
"""


class SandboxClock:
    """Real time, plus however far the page has skipped ahead."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


class PhoneLog(ConsoleSmsProvider):
    """The console provider, keeping every text both ways for the phone panel."""

    def __init__(self, clock: SandboxClock) -> None:
        super().__init__(echo=True)
        self.clock = clock
        self.log: list[dict[str, str]] = []
        self._log_lock = threading.Lock()
        self.on_change: Callable[[], None] = lambda: None  # the sandbox keeps every text

    def send(self, to: str, body: str, valid_until: datetime | None) -> str:
        provider_id = super().send(to, body, valid_until)
        self.note(to, "in", body)
        return provider_id

    def note(self, phone: str, direction: str, body: str) -> None:
        with self._log_lock:
            self.log.append({"phone": phone, "direction": direction, "body": body,
                             "at": self.clock().isoformat()})
        self.on_change()


SANDBOX_KEY_FILE = Path("coprod-sandbox.key")
HISTORY_SUFFIX = "-history.json"
# The calls that change the history.
KEPT_API_CALLS = ("/api/chat.", "/api/views.publish", "/api/files.completeUploadExternal")


def history_file(database_url: str) -> Path:
    """Where the stand-in keeps channel history: beside a SQLite database, so deleting the
    one is seen by the other; in the working folder otherwise."""
    if database_url.startswith("sqlite:///") and not database_url.endswith(":memory:"):
        database = Path(database_url.removeprefix("sqlite:///"))
        return database.with_name(database.stem + HISTORY_SUFFIX)
    return Path("coprod-sandbox" + HISTORY_SUFFIX)


def reset_words(database_url: str, history: Path) -> str:
    """How to start the sandbox afresh, for the page."""
    if database_url.startswith("sqlite:///"):
        database = database_url.removeprefix("sqlite:///")
        return (f"Messages, texts and data are kept when the sandbox restarts. To start again "
                f"from scratch, stop it and delete {database} (and {history.name} beside it).")
    return (f"Messages, texts and data are kept when the sandbox restarts. To start again from "
            f"scratch, stop it, empty the database DATABASE_URL names, and delete {history}.")


def cli_words(database_url: str, own_key: bool) -> str:
    """How to point `coprod …` commands (the exports) at the sandbox's data, for the page:
    they read DATABASE_URL and COPROD_DATA_KEY, which the sandbox sets only for itself."""
    if database_url.startswith("sqlite:///") and not database_url.endswith(":memory:"):
        database_url = "sqlite:///" + str(Path(database_url.removeprefix("sqlite:///")).resolve())
    key = (f' COPROD_DATA_KEY="$(cat {shlex.quote(str(SANDBOX_KEY_FILE.resolve()))})"'
           if own_key else "")
    return ("To run coprod commands on the sandbox's data, such as coprod involvement export "
            f"--out claims.csv, start them with: DATABASE_URL={shlex.quote(database_url)}{key}")


def sandbox_key() -> str:
    """The sandbox's own data key, kept beside its database so a restart can read it."""
    if SANDBOX_KEY_FILE.exists():
        return SANDBOX_KEY_FILE.read_text().strip()
    key = crypto.new_key()
    SANDBOX_KEY_FILE.write_text(key + "\n")
    SANDBOX_KEY_FILE.chmod(0o600)
    return key


def sandbox_settings(settings: Settings, port: int) -> Settings:
    base = f"http://127.0.0.1:{port}"
    database = settings.database_url
    data_key = settings.coprod_data_key
    if database == DEFAULT_DATABASE_URL:
        database = SANDBOX_DATABASE  # never mixed with a real organisation's data
        data_key = data_key or sandbox_key()
    return settings.model_copy(update={
        "slack_bot_token": "xoxb-sandbox", "slack_signing_secret": secrets.token_hex(16),
        "slack_app_token": None, "slack_api_url": base + "/api/", "database_url": database,
        "sms_provider": "console", "twilio_auth_token": TWILIO_TOKEN,
        "coprod_public_url": base, "coprod_data_key": data_key or sandbox_key()})


class Sandbox:
    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = sandbox_settings(settings, port)
        self.clock = SandboxClock()
        self.phones = PhoneLog(self.clock)
        self.runtime: Runtime = build_runtime(self.settings, clock=self.clock, sms=self.phones)
        upgrade(self.runtime.engine)
        self.standin = SlackStandIn(bot_url=self.settings.coprod_public_url or "",
                                    signing_secret=self.settings.slack_signing_secret or "",
                                    channels=CHANNELS)
        self.app = create_app(self.settings, self.runtime.services, client=self.runtime.client,
                              token_verification=False)
        self.bot = make_wsgi_app(self.app, self.runtime.engine,
                                 extra_routes=make_sms_routes(self.runtime.services),
                                 calendar=self.runtime.services.sessions.calendar_file,
                                 health=self.runtime.services.health.report)
        self.scheduler = build_scheduler(self.runtime.dispatcher(), 1,
                                         services=self.runtime.services)
        self.history = history_file(self.settings.database_url)
        self.reset_words = reset_words(self.settings.database_url, self.history)
        self.cli_words = cli_words(self.settings.database_url, not settings.coprod_data_key)
        self._history_lock = threading.Lock()
        if self.runtime.services.members.list_members():
            self.load_history()
        else:  # a fresh database: history kept from an earlier one would point at nothing
            self.history.unlink(missing_ok=True)
        self.phones.on_change = self.save_history

    # -- history kept across restarts, beside the database ------------------------------------
    def load_history(self) -> None:
        try:
            kept = json.loads(self.history.read_text())
        except FileNotFoundError:
            return
        except ValueError:
            log.warning("sandbox history unreadable: starting it afresh")
            return
        restore_history(self.standin.workspace, kept)
        self.phones.log = list(kept.get("texts", []))
        self.clock.offset = timedelta(seconds=float(kept.get("skipped_seconds", 0)))

    def save_history(self) -> None:
        # Taken and written under one lock, so an older picture never overwrites a newer one.
        with self._history_lock:
            kept = {**kept_history(self.standin.workspace), "texts": list(self.phones.log),
                    "skipped_seconds": self.clock.offset.total_seconds()}
            partial = self.history.with_name(self.history.name + ".part")
            partial.write_text(json.dumps(kept))
            partial.replace(self.history)

    def seed(self) -> None:
        """Made-up people, a session and a forum, so there is something to try at once."""
        services = self.runtime.services
        if services.members.list_members():
            return
        services.members.import_csv(SEED_MEMBERS)
        tz = self.settings.timezone
        soon = (self.clock() + timedelta(days=2)).astimezone(tz)
        services.sessions.create(None, SessionDraft(
            title="Peer support group", kind=SessionKind.PEER_GROUP, day=soon.date(),
            start_time=soon.replace(hour=18, minute=0).time(),
            end_time=soon.replace(hour=20, minute=0).time(), place="Hope Centre, room 2",
            channel="C0GROUPS"))
        later = (self.clock() + timedelta(days=9)).astimezone(tz)
        services.meetings.create(None, MeetingDraft(
            title="Winter service-user forum", kind=MeetingKind.FORUM, day=later.date(),
            start_time=later.replace(hour=18, minute=0).time(),
            end_time=later.replace(hour=19, minute=30).time(), place="Hope Centre hall",
            channel="C0FORUM"))

    def skip(self, hours: float) -> None:
        self.clock.offset += timedelta(hours=hours)
        if not self.scheduler.running:
            return
        # Everything is derived from the database: running the jobs now catches up at once.
        for job in self.scheduler.get_jobs():
            job.modify(next_run_time=datetime.now(UTC))
        self.scheduler.wakeup()

    # -- the page's API -----------------------------------------------------------------------
    def members(self) -> list[dict[str, Any]]:
        people = []
        for m in self.runtime.services.members.list_members():
            people.append({"id": m.slack_user_id, "name": m.name, "phone": m.phone,
                           "roles": sorted(r.value for r in m.roles),
                           "contact": m.contact.value})
            if m.slack_user_id:
                self.standin.workspace.names[m.slack_user_id] = m.name
        return people

    def state(self, user: str) -> dict[str, Any]:
        return {**self.standin.state_for(user), "members": self.members(),
                "texts": self.phones.log, "now": self.clock().isoformat(),
                "timezone": self.settings.coprod_timezone, "reset": self.reset_words,
                "cli": self.cli_words + self.cli_day_words()}

    def cli_day_words(self) -> str:
        """The exports end at the real today by default: after skipping ahead, what was done
        on the sandbox's later days needs --until."""
        tz = self.settings.timezone
        sandbox_day = self.clock().astimezone(tz).date()
        if sandbox_day <= datetime.now(tz).date():
            return ""
        return (f". The sandbox is ahead of today, so add --until {sandbox_day.isoformat()} "
                "to include what was done on its later days.")

    def text_in(self, phone: str, body: str) -> dict[str, Any]:
        """A member's text, posted to /sms/inbound signed as Twilio signs it."""
        self.phones.note(phone, "out", body)
        params = {"From": phone, "To": "+447700900999", "Body": body,
                  "MessageSid": f"SMsandbox{secrets.token_hex(8)}"}
        url = (self.settings.coprod_public_url or "") + "/sms/inbound"
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
        request = urllib.request.Request(url, data=urlencode(params).encode(), method="POST",
                                         headers={"X-Twilio-Signature": signature})
        with urllib.request.urlopen(request, timeout=10) as response:
            twiml = response.read().decode()
        for reply in re.findall(r"<Message>(.*?)</Message>", twiml, re.DOTALL):
            self.phones.note(phone, "in", _unescape_xml(reply))
        return {"ok": True}

    def handle(self, path: str, body: dict[str, Any], query: dict[str, str]) -> Any:
        answer = self._handle(path, body, query)
        # The page then shows what the person would see a moment after their click: the
        # bot's work after its acknowledgement included.
        self.app.after_ack.wait_idle()
        if path != "/sandbox/state":
            self.save_history()
        return answer

    def _handle(self, path: str, body: dict[str, Any], query: dict[str, str]) -> Any:
        user = str(body.get("user") or query.get("user") or "")
        standin = self.standin
        if path == "/sandbox/state":
            return self.state(user)
        if path == "/sandbox/command":
            return standin.command(user, str(body.get("channel", "C0GENERAL")),
                                   str(body.get("text", "")))
        if path == "/sandbox/action":
            return standin.action(user, body["action"], channel=body.get("channel"),
                                  ts=body.get("ts"), view_id=body.get("view_id"),
                                  values=body.get("values"))
        if path == "/sandbox/submit":
            return standin.submit(user, str(body["view_id"]), body.get("values", {}))
        if path == "/sandbox/close":
            standin.close(user)
            return {"ok": True}
        if path == "/sandbox/shortcut":
            return standin.shortcut(user, str(body["channel"]), str(body["ts"]),
                                    str(body["callback_id"]))
        if path == "/sandbox/home":
            standin.home_opened(user)
            return {"ok": True}
        if path == "/sandbox/text":
            return self.text_in(str(body["phone"]), str(body["body"]))
        if path == "/sandbox/skip":
            self.skip(float(body.get("hours", 1)))
            return {"ok": True, "now": self.clock().isoformat()}
        if path == "/sandbox/import":
            try:
                report = self.runtime.services.members.import_csv(str(body.get("csv", "")))
            except CsvShapeError as error:
                return {"ok": False, "problems": [str(error)]}
            return {"ok": True, "added": report.added, "updated": report.updated,
                    "problems": [str(p) for p in report.problems]}
        return None

    def wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/" and method == "GET":
            page = PAGE.read_bytes()
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Length", str(len(page)))])
            return [page]
        if path.startswith("/api/") and method == "POST":
            raw = _read(environ)
            answer = handle_api(self.standin.workspace, path.removeprefix("/api/"), raw,
                                environ.get("CONTENT_TYPE", ""))
            if answer.get("ok") and path.startswith(KEPT_API_CALLS):
                self.save_history()
            return _json(start_response, answer)
        if path.startswith("/upload/") and method == "POST":
            # The upload URL files.getUploadURLExternal gave out: the bytes as they are.
            raw = _read(environ)
            if not self.standin.workspace.uploads.receive(path.removeprefix("/upload/"), raw):
                return _plain(start_response, b"Not found", "404 Not Found")
            return _plain(start_response, f"OK - {len(raw)}".encode())
        if path.startswith("/files/") and method == "GET":
            return self.download(path, environ, start_response)
        if path.startswith("/respond/") and method == "POST":
            raw = _read(environ)
            payload = json.loads(raw or b"{}") if raw.strip().startswith(b"{") else {
                k: v[0] for k, v in parse_qs(raw.decode()).items()}
            self.standin.workspace.respond(path.removeprefix("/respond/"), payload)
            self.save_history()
            return _json(start_response, {"ok": True})
        if path.startswith("/sandbox/"):
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            body = json.loads(_read(environ) or b"{}") if method == "POST" else {}
            try:
                answer = self.handle(path, body, query)
            except Exception as error:  # shown on the page, kindly; the bot carries on
                log.warning("sandbox request %s failed: %s", path, type(error).__name__)
                answer = {"ok": False, "error": type(error).__name__}
            if answer is None:
                return _json(start_response, {"ok": False, "error": "not found"},
                             "404 Not Found")
            return _json(start_response, answer)
        return list(self.bot(environ, start_response))

    def download(self, path: str, environ: WSGIEnvironment,
                 start_response: StartResponse) -> list[bytes]:
        """A shared file's link: /files/F…/name?user=U…, for whoever can see where it was
        shared (Slack asks for a signed-in member of the conversation; the page says who)."""
        file_id = path.removeprefix("/files/").partition("/")[0]
        user = parse_qs(environ.get("QUERY_STRING", "")).get("user", [""])[0]
        shared = self.standin.workspace.uploads.download(file_id, user)
        if shared is None or shared.content is None:
            return _plain(start_response, b"This file isn't shared with you, or no longer "
                                          b"exists.", "404 Not Found")
        kind = mimetypes.guess_type(shared.name)[0] or "application/octet-stream"
        start_response("200 OK", [
            ("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else "")),
            ("Content-Length", str(len(shared.content))),
            ("Content-Disposition", f"attachment; filename*=UTF-8''{quote(shared.name)}")])
        return [shared.content]


def _plain(start_response: StartResponse, body: bytes, status: str = "200 OK") -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


def _unescape_xml(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _read(environ: WSGIEnvironment) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


def _json(start_response: StartResponse, payload: Any, status: str = "200 OK") -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]
