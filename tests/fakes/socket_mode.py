"""A loopback stand-in for Slack's Socket Mode: `apps.connections.open` on the fake Web API,
and a WebSocket server on 127.0.0.1 that says hello, sends envelopes and records the acks.

It can also misbehave as the real network does: ask for a refresh (`disconnect`,
`refresh_requested`), drop the TCP connection without a close frame, or go silent (stop
reading, so pings are never answered) while keeping the connection open.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.fakes.slack import FakeSlack

APP_TOKEN = "xapp-1-A0COPROD-1-test"


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    received_at: float  # time.perf_counter()
    connection: int


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    offered_at: float  # when the test handed it over; Slack's 3 s run from about here
    sent_at: float | None = None
    connection: int | None = None


@dataclass
class _Link:
    number: int
    ws: ServerConnection
    opened_at: float
    retired: bool = False  # told to refresh: new envelopes go to the next connection
    closed_at: float | None = None
    silent: bool = False
    outbox: asyncio.Queue[str] = field(default_factory=asyncio.Queue)


class FakeSocketMode:
    """Run with `with FakeSocketMode(fake_slack) as socket_mode:`; every method is safe to call
    from the test's thread."""

    def __init__(self, web_api: FakeSlack, app_token: str = APP_TOKEN) -> None:
        self.web_api = web_api
        self.app_token = app_token
        self.acks: list[Ack] = []
        self.envelopes: dict[str, Envelope] = {}
        self.opened: list[float] = []  # each apps.connections.open that succeeded
        self._links: list[_Link] = []
        self._ids = itertools.count(1)
        self._changed = threading.Condition()  # also how a test waits for something to happen
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Server | None = None
        self.port = 0

    # -- control ------------------------------------------------------------------------------
    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        self._server = self._run(self._serve())
        self.port = self._server.sockets[0].getsockname()[1]
        self.web_api.methods["apps.connections.open"] = self._open_connection
        return self

    def __exit__(self, *exc: object) -> None:
        self.web_api.methods.pop("apps.connections.open", None)
        self._run(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def _run(self, coroutine: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _serve(self) -> Server:
        # No keepalive pings from this side: the client's own pings are what is under test.
        return await serve(self._session, "127.0.0.1", 0, ping_interval=None)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
            for link in self._links:
                link.ws.transport.abort()
            await asyncio.wait_for(self._server.wait_closed(), 5)

    def _open_connection(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if token.startswith(("xoxb-", "xoxp-")):
            return {"ok": False, "error": "not_allowed_token_type"}
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        with self._changed:
            self.opened.append(time.perf_counter())
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={next(self._ids)}"}

    # -- what a test does ---------------------------------------------------------------------
    def send(self, type: str, payload: dict[str, Any],
             accepts_response_payload: bool | None = None) -> Envelope:
        """Hands an envelope to the newest live connection (waiting for one after a refresh
        or a drop, as Slack holds it back); returns at once."""
        if accepts_response_payload is None:
            accepts_response_payload = type != "events_api"
        envelope = Envelope(f"env-{next(self._ids)}", type, payload, time.perf_counter())
        with self._changed:
            self.envelopes[envelope.envelope_id] = envelope
        message = json.dumps({"envelope_id": envelope.envelope_id, "type": type,
                              "payload": payload,
                              "accepts_response_payload": accepts_response_payload,
                              "retry_attempt": 0, "retry_reason": ""})
        asyncio.run_coroutine_threadsafe(self._deliver(envelope, message), self._loop)
        return envelope

    def refresh(self) -> None:
        """Slack's routine "please reconnect": the client is expected to open a new connection."""
        self._run(self._on_current(self._refresh))

    def drop(self) -> None:
        """The TCP connection ends with no WebSocket close frame."""
        self._run(self._on_current(self._drop))

    def go_silent(self) -> None:
        """The server stops reading: pings go unanswered, the TCP connection stays open."""
        self._run(self._on_current(self._silence))

    def wait_for_ack(self, envelope: Envelope, timeout: float = 5.0) -> Ack:
        with self._changed:
            found = self._changed.wait_for(lambda: self.ack_of(envelope), timeout)
        assert found, f"{envelope.type} envelope was not acknowledged within {timeout} s"
        return found

    def ack_of(self, envelope: Envelope) -> Ack | None:
        return next((a for a in self.acks if a.envelope_id == envelope.envelope_id), None)

    def latency(self, envelope: Envelope) -> float:
        """Seconds from handing the envelope over to its ack."""
        ack = self.ack_of(envelope)
        assert ack is not None
        return ack.received_at - envelope.offered_at

    def wait_for_connections(self, count: int, timeout: float = 10.0) -> bool:
        """Waits until `count` connections have been said hello to, in all."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._links) >= count, timeout)

    @property
    def connections(self) -> int:
        with self._changed:
            return len(self._links)

    @property
    def live_connections(self) -> int:
        with self._changed:
            return sum(1 for link in self._links if link.closed_at is None)

    # -- the server side ----------------------------------------------------------------------
    async def _session(self, ws: ServerConnection) -> None:
        with self._changed:
            link = _Link(len(self._links) + 1, ws, time.perf_counter())
        await ws.send(json.dumps({"type": "hello", "num_connections": 1,
                                  "debug_info": {"host": "fake", "approximate_connection_time":
                                                 18060},
                                  "connection_info": {"app_id": "A0COPROD"}}))
        with self._changed:
            self._links.append(link)
            self._changed.notify_all()
        writer = asyncio.create_task(self._write(link))
        try:
            async for raw in ws:
                received = time.perf_counter()
                message = json.loads(raw)
                if "envelope_id" in message:
                    with self._changed:
                        self.acks.append(Ack(message["envelope_id"], message.get("payload"),
                                             received, link.number))
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            writer.cancel()
            with self._changed:
                link.closed_at = time.perf_counter()
                self._changed.notify_all()

    async def _write(self, link: _Link) -> None:
        while True:
            message = await link.outbox.get()
            await link.ws.send(message)

    def _live(self) -> _Link | None:
        with self._changed:
            usable = [link for link in self._links
                      if not link.retired and link.closed_at is None and not link.silent]
        return usable[-1] if usable else None

    async def _deliver(self, envelope: Envelope, message: str) -> None:
        while (link := self._live()) is None:
            await asyncio.sleep(0.005)
        envelope.sent_at, envelope.connection = time.perf_counter(), link.number
        link.outbox.put_nowait(message)

    async def _on_current(self, action: Any) -> None:
        link = self._live()
        assert link is not None, "no live Socket Mode connection"
        await action(link)

    async def _refresh(self, link: _Link) -> None:
        link.retired = True
        link.outbox.put_nowait(json.dumps({"type": "disconnect", "reason": "refresh_requested",
                                           "debug_info": {"host": "fake"}}))

    async def _drop(self, link: _Link) -> None:
        link.retired = True
        link.ws.transport.abort()

    async def _silence(self, link: _Link) -> None:
        link.silent = True
        link.ws.transport.pause_reading()
