"""A loopback stand-in for Slack's Web API that records every call, for the tests.

It answers the methods Coprod uses in Slack's own response shapes, and can be told to answer
429 with Retry-After, a 5xx, or a Slack error for the next few calls of a method.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections under load (a one-second SYN
    # retry each), which would be measured as the bot's latency.
    request_queue_size = 256


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int
    ok: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    received_at: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class UploadedFile:
    """A file shared through files.getUploadURLExternal, the upload POST and
    files.completeUploadExternal, as Slack would hold it."""

    id: str
    filename: str
    title: str
    content: bytes
    channel: str
    initial_comment: str


@dataclass(frozen=True)
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[Call] = []  # what arrived at response_url
        self._failures: dict[str, deque[Failure]] = {}
        self._every: dict[str, list[tuple[int, int, Failure]]] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Condition()  # also how a test waits for a call to arrive
        self._ts = itertools.count(1)
        # For benchmarks: a round trip like the real one, and Slack's one message per second
        # per channel (a second post to a channel within it is answered 429, Retry-After 1).
        self.latency = 0.0
        self.per_channel_interval: float | None = None
        self._last_post: dict[str, float] = {}
        # What each conversation holds (for conversations.history), metadata included.
        self.history: dict[str, list[dict[str, Any]]] = {}
        # Methods answered by another stand-in (the Socket Mode one), from params and headers.
        self.methods: dict[str, Callable[[dict[str, Any], dict[str, str]], dict[str, Any]]] = {}
        # Files: asked for (id -> filename), their bytes as uploaded, and those shared.
        self._upload_names: dict[str, str] = {}
        self._uploaded: dict[str, bytes] = {}
        self.files: list[UploadedFile] = []
        # Connections, kept alive between calls as Slack keeps them (HTTP/1.1).
        self.connections_opened = 0
        self._open: set[socket.socket] = set()
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- control ------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.drop_connections()
        self.server.server_close()

    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    def wait_until_no_connections(self, timeout: float = 10.0) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: not self._open, timeout)

    def drop_connections(self) -> None:
        """Closes every open connection, as a server does with those idle too long."""
        with self._lock:
            open_now = list(self._open)
        for connection in open_now:
            with contextlib.suppress(OSError):  # the client closed it first
                connection.shutdown(socket.SHUT_RDWR)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, name: str = "r1") -> str:
        return self.url + f"respond/{name}"

    def fail_next(self, method: str, failure: Failure, times: int = 1) -> None:
        with self._lock:
            self._failures.setdefault(method, deque()).extend([failure] * times)

    def fail_every(self, method: str, n: int, failure: Failure, offset: int = 0) -> None:
        """Every n-th call of a method fails (counting from 1, shifted by offset)."""
        with self._lock:
            self._every.setdefault(method, []).append((n, offset, failure))

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.responses.clear()
            self._failures.clear()
            self._every.clear()
            self._counts.clear()
            self._last_post.clear()
            self.history.clear()
            self._upload_names.clear()
            self._uploaded.clear()
            self.files.clear()
        self.latency, self.per_channel_interval = 0.0, None

    def _channel_limit(self, channel: str) -> Failure | None:
        """Called under the lock."""
        if self.per_channel_interval is None:
            return None
        now = time.monotonic()
        if now - self._last_post.get(channel, -1e9) < self.per_channel_interval:
            return Failure(status=429, retry_after=1)
        self._last_post[channel] = now
        return None

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls
                    if c.method == method and (c.ok or not ok_only)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> bool:
        """Waits (on the calls arriving, not a sleep) until `count` good calls to `method`."""
        with self._lock:
            return self._lock.wait_for(
                lambda: sum(1 for c in self.calls if c.method == method and c.ok) >= count,
                timeout)

    # -- answers ------------------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://example.slack.com/", "team": "Example",
                    "user": "coprod", "team_id": "T0EXAMPLE", "user_id": "U0BOT",
                    "bot_id": "B0BOT", "is_enterprise_install": False}
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            # Posting to a user id lands in the app's DM with them, which has a D id.
            if channel.startswith(("U", "W")):
                channel = "D" + channel[1:]
            ts = f"1700000000.{next(self._ts):06d}"
            message = {"type": "message", "text": params.get("text", ""), "ts": ts,
                       "bot_id": "B0BOT"}
            metadata = params.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            with self._lock:
                self.history.setdefault(channel, []).append(
                    {**message, **({"metadata": metadata} if metadata else {})})
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "conversations.history":
            channel = str(params.get("channel", ""))
            with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
            with self._lock:
                # Newest first, as Slack returns them. `oldest` is not applied: the fake's ts
                # are a counter, not wall-clock times.
                found = [dict(m) for m in reversed(self.history.get(channel, []))]
            if not with_metadata:
                for message in found:
                    message.pop("metadata", None)
            return {"ok": True, "messages": found, "has_more": False}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts"),
                    "text": params.get("text", "")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = params.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            return {"ok": True, "view": {**(view or {}), "id": f"V{next(self._ts):08d}",
                                         "hash": "h"}}
        if method == "conversations.open":
            users = str(params.get("users", ""))
            return {"ok": True, "channel": {"id": "D" + users[1:]}}
        if method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
            return self._files(method, params)
        if method == "users.info":
            user = str(params.get("user", ""))
            return {"ok": True, "user": {"id": user, "name": user.lower(),
                                         "profile": {"real_name": user}, "tz": "Europe/London"}}
        return {"ok": False, "error": "unknown_method"}

    def _files(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "files.getUploadURLExternal":
            if not params.get("filename") or not str(params.get("length", "")).isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{next(self._ts):08d}"
            with self._lock:
                self._upload_names[file_id] = str(params["filename"])
            return {"ok": True, "file_id": file_id, "upload_url": self.url + f"upload/{file_id}"}
        files = params.get("files")
        listed = json.loads(files) if isinstance(files, str) else files or []
        with self._lock:
            if not listed or any(f.get("id") not in self._uploaded for f in listed):
                return {"ok": False, "error": "file_not_found"}
            shared = [UploadedFile(f["id"], self._upload_names[f["id"]],
                                   str(f.get("title") or ""), self._uploaded[f["id"]],
                                   str(params.get("channel_id") or ""),
                                   str(params.get("initial_comment") or ""))
                      for f in listed]
            self.files.extend(shared)
        return {"ok": True, "files": [{"id": f.id, "name": f.filename, "title": f.title}
                                      for f in shared]}

    def uploaded(self, suffix: str = "") -> list[UploadedFile]:
        """The files shared so far (those whose name ends with `suffix`)."""
        with self._lock:
            return [f for f in self.files if f.filename.endswith(suffix)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps the connection for the next call
            # An answer's head and body go in two writes: without this, Nagle's algorithm holds
            # the body until the client acknowledges the head, which it delays (40 ms a call).
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with fake._lock:
                    fake.connections_opened += 1
                    fake._open.add(self.connection)

            def finish(self) -> None:
                with fake._lock:
                    fake._open.discard(self.connection)
                    fake._lock.notify_all()
                super().finish()

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                self.path = path
                self._answer(dict(parse_qsl(query)))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    self._receive_file(self.path.removeprefix("/upload/"), data)
                    return
                raw = data.decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params: dict[str, Any] = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                self._answer(params)

            def _receive_file(self, file_id: str, data: bytes) -> None:
                """The upload step: the file's bytes, as they are, to the URL we gave out."""
                with fake._lock:
                    known = file_id in fake._upload_names
                    if known:
                        fake._uploaded[file_id] = data
                    fake.calls.append(Call("upload", {"file_id": file_id, "length": len(data)},
                                           200 if known else 404, known))
                    fake._lock.notify_all()
                self.send_response(200 if known else 404)
                body = b"OK - " + str(len(data)).encode()
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _answer(self, params: dict[str, Any]) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                if self.path.startswith("/respond/"):
                    with fake._lock:
                        fake.responses.append(Call(self.path, params, 200, True, headers))
                    self._send(200, {"ok": True})
                    return
                method = self.path.removeprefix("/api/")
                if fake.latency:
                    time.sleep(fake.latency)
                with fake._lock:
                    queue = fake._failures.get(method)
                    failure = queue.popleft() if queue else None
                    if failure is None and method == "chat.postMessage":
                        failure = fake._channel_limit(str(params.get("channel", "")))
                    count = fake._counts[method] = fake._counts.get(method, 0) + 1
                    for n, offset, periodic in fake._every.get(method, []):
                        if failure is None and (count + offset) % n == 0:
                            failure = periodic
                if failure is not None:
                    status = failure.status
                    body = {"ok": False, "error": failure.error or
                            ("ratelimited" if status == 429 else "internal_error")}
                    extra = ({"Retry-After": str(failure.retry_after)}
                             if failure.retry_after is not None else {})
                elif method in fake.methods:
                    status, body, extra = 200, fake.methods[method](params, headers), {}
                else:
                    status, body, extra = 200, fake.answer(method, params), {}
                with fake._lock:
                    fake.calls.append(Call(method, params, status, bool(body.get("ok")), headers))
                    fake._lock.notify_all()
                self._send(status, body, extra)

            def _send(self, status: int, body: dict[str, Any],
                      extra: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler
