"""A loopback stand-in for Twilio's Messages API that records every text, for the tests."""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections under load (a one-second SYN
    # retry each), which would be measured as the bot's latency.
    request_queue_size = 256


@dataclass(frozen=True)
class SentText:
    account_sid: str
    params: dict[str, str]


class FakeTwilio:
    def __init__(self, auth_token: str = "twilio-test-token") -> None:  # noqa: S107
        self.auth_token = auth_token
        self.texts: list[SentText] = []
        self._errors: deque[tuple[int, int]] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def refuse_next(self, status: int, code: int) -> None:
        with self._lock:
            self._errors.append((status, code))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                parts = self.path.split("/")
                # /2010-04-01/Accounts/{sid}/Messages.json
                if len(parts) != 5 or parts[4] != "Messages.json":
                    self._send(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                sid = parts[3]
                expected = base64.b64encode(f"{sid}:{fake.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    self._send(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                params = dict(parse_qsl(self.rfile.read(length).decode()))
                with fake._lock:
                    error = fake._errors.popleft() if fake._errors else None
                if error is not None:
                    status, code = error
                    self._send(status, {"code": code, "message": "refused", "status": status})
                    return
                with fake._lock:
                    fake.texts.append(SentText(sid, params))
                message_sid = f"SM{next(fake._ids):032d}"
                self._send(201, {"sid": message_sid, "account_sid": sid, "status": "queued",
                                 "to": params.get("To"), "from": params.get("From"),
                                 "body": params.get("Body"), "num_segments": "1"})

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
