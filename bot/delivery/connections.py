"""Connections to Slack kept open between calls, a few per thread.

slack_sdk's WebClient, and the WebhookClient behind Bolt's `respond`, send every call through
urllib's `urlopen`, which opens a new connection for each request and closes it after: against
Slack, a TCP and TLS handshake (several round trips) before every message posted, modal opened
or card updated; on loopback, a third of a fan-out's sending time. Bolt also makes a new
WebClient for every request, so a client of our own could not carry connections between
calls. urllib's default opener can: `keep_connections_alive()` installs one whose HTTP and
HTTPS handlers keep each thread's connections open (HTTP/1.1 keep-alive), for every urllib
caller in the process. Everything else urllib does (redirects, HTTPError for 4xx and 5xx,
proxies from the environment) is unchanged.

A connection the server has closed while it was idle is found before use (its socket reads as
ready: the server's FIN). If the close crosses a request while it is being sent, the request
goes once more on a new connection, as urllib would have sent it in the first place; a POST
that fails once sent is not sent again here (the server may have acted on it), and slack_sdk's
retry handler decides, as it did before. A connection idle for longer than servers and NAT
usually keep one (`IDLE_LIMIT`) is not reused, and one whose answer was not read to the end
never is."""

from __future__ import annotations

import http.client
import select
import ssl
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.error import URLError

# Slack's edge keeps an idle connection for about a minute; NAT gateways drop silent ones after
# a few. Reusing one they have dropped without a word would cost the call's whole timeout.
IDLE_LIMIT = 30.0
# Connections a thread keeps at most (Slack's API, response URLs, a test's fakes): the oldest
# used goes first.
PER_THREAD = 4

Key = tuple[object, str, object, tuple[tuple[str, int], ...]]  # how, where, timeout, TLS
Connect = Callable[..., http.client.HTTPConnection]


class _Answer(http.client.HTTPResponse):
    """An answer that remembers being closed before its body was read to the end: the rest of
    the body would still be on the connection, in the way of the next answer."""

    closed_early = False

    def close(self) -> None:
        if self.fp is not None:  # read to the end, http.client lets go of fp itself
            self.closed_early = True
        super().close()


def _let_go(connection: http.client.HTTPConnection) -> None:
    """Gives up a connection without cutting short an answer someone may still be reading from
    it (HTTPConnection.close would close that answer too): the socket is closed once the answer
    lets go of it, as urllib's own do_open leaves it."""
    sock, connection.sock = connection.sock, None
    if sock is not None:
        sock.close()


class _Held:
    """One thread's open connections, with the last answer each gave and when. Letting go of
    them when the thread ends (this object goes with the thread) keeps their sockets from being
    left to the garbage collector."""

    def __init__(self) -> None:
        self.by_key: OrderedDict[Key, tuple[http.client.HTTPConnection,
                                            http.client.HTTPResponse, float]] = OrderedDict()

    def __del__(self) -> None:
        for connection, _, _ in self.by_key.values():
            _let_go(connection)
        self.by_key.clear()


class KeptConnections:
    """The open connections of each thread, by server (and timeout and TLS settings)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._local = threading.local()

    def _held(self) -> _Held:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = _Held()
        return held

    def take(self, key: Key) -> http.client.HTTPConnection | None:
        """This thread's connection for `key`, if it can carry another request: its last
        answer was read to the end, the server has not closed it, and it is not too old."""
        found = self._held().by_key.pop(key, None)
        if found is None:
            return None
        connection, answer, used_at = found
        if (answer.isclosed() and not getattr(answer, "closed_early", True)
                and not answer.will_close and connection.sock is not None
                and self._clock() - used_at < IDLE_LIMIT and not _readable(connection.sock)):
            return connection
        _let_go(connection)
        return None

    def keep(self, key: Key, connection: http.client.HTTPConnection,
             answer: http.client.HTTPResponse) -> None:
        held = self._held()
        held.by_key[key] = (connection, answer, self._clock())
        while len(held.by_key) > PER_THREAD:
            _, (oldest, _, _) = held.by_key.popitem(last=False)
            _let_go(oldest)


def _readable(sock: Any) -> bool:
    """An idle kept-alive connection has nothing to read unless the server has closed it.
    (poll, not select: select refuses descriptors numbered 1024 and over.)"""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


# A request failing with these while it was being sent found the connection already closed by
# the server (over TLS a reset shows as an unexpected end of the stream), so it was never acted
# on and may go again. Once sent, a POST is not sent again here: the server may have acted on it
# before the connection dropped (slack_sdk's own retry handler decides then, as before).
CLOSED_BEFORE_SENT = (ConnectionError, ssl.SSLEOFError)
REPEATABLE = frozenset({"GET", "HEAD", "OPTIONS"})


def _may_go_again(req: urllib.request.Request, error: BaseException, *, sent: bool) -> bool:
    if not (req.data is None or isinstance(req.data, bytes | bytearray | memoryview)):
        return False  # a file or an iterator: the first try used it up
    if isinstance(error, URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if sent:
        return req.get_method() in REPEATABLE and isinstance(error, ConnectionError)
    return isinstance(error, CLOSED_BEFORE_SENT)


class _KeepAlive:
    """do_open for urllib's HTTP and HTTPS handlers, on a kept connection where there is one.
    Mixed in before the handler, so `https_open`'s context and hostname checking still apply."""

    connections: KeptConnections

    def do_open(self, http_class: Connect, req: urllib.request.Request,
                **http_conn_args: Any) -> http.client.HTTPResponse:
        if req._tunnel_host:  # type: ignore[attr-defined]  # through a proxy: as urllib does
            return super().do_open(http_class, req, **http_conn_args)  # type: ignore[misc]
        host = req.host
        if not host:
            raise URLError("no host given")
        headers = dict(req.unredirected_hdrs)
        headers.update({k: v for k, v in req.headers.items() if k not in headers})
        headers = {name.title(): value for name, value in headers.items()}
        key: Key = (http_class, host, req.timeout,  # type: ignore[attr-defined]
                    tuple(sorted((name, id(value)) for name, value in http_conn_args.items())))
        while True:
            kept = self.connections.take(key)
            connection = kept or self._connect(http_class, host, req, http_conn_args)
            sent = False
            try:
                try:
                    connection.request(req.get_method(), req.selector, req.data, headers,
                                       encode_chunked=req.has_header("Transfer-encoding"))
                except OSError as error:
                    raise URLError(error) from error
                sent = True
                answer = connection.getresponse()
            except BaseException as error:
                connection.close()
                if kept is not None and _may_go_again(req, error, sent=sent):
                    continue  # on a new connection this time, so this happens once at most
                raise
            self.connections.keep(key, connection, answer)
            answer.url = req.get_full_url()  # type: ignore[attr-defined]
            answer.msg = answer.reason  # type: ignore[assignment]  # urllib's callers read it so
            return answer


    @staticmethod
    def _connect(http_class: Connect, host: str,
                 req: urllib.request.Request,
                 http_conn_args: dict[str, Any]) -> http.client.HTTPConnection:
        connection = http_class(host, timeout=req.timeout,  # type: ignore[attr-defined]
                                **http_conn_args)
        connection.response_class = _Answer
        return connection


class KeepAliveHTTPHandler(_KeepAlive, urllib.request.HTTPHandler):
    def __init__(self, connections: KeptConnections) -> None:
        super().__init__()
        self.connections = connections


class KeepAliveHTTPSHandler(_KeepAlive, urllib.request.HTTPSHandler):
    def __init__(self, connections: KeptConnections,
                 context: ssl.SSLContext | None = None) -> None:
        super().__init__(context=context)
        self.connections = connections


def opener(connections: KeptConnections,
           context: ssl.SSLContext | None = None) -> urllib.request.OpenerDirector:
    """`context`: the TLS settings for HTTPS (None: Python's defaults, which verify the
    server's certificate and name)."""
    return urllib.request.build_opener(KeepAliveHTTPHandler(connections),
                                       KeepAliveHTTPSHandler(connections, context))


KEPT = KeptConnections()
_installing = threading.Lock()
_installed = False


def keep_connections_alive() -> None:
    """Makes urllib's default opener keep connections open: slack_sdk's clients use it when
    given no SSL context or proxy of their own, as Coprod's are not. Once per process, as it
    starts (bot/wiring.py)."""
    global _installed
    with _installing:
        if not _installed:
            urllib.request.install_opener(opener(KEPT))
            _installed = True
