"""Connections to Slack kept open between calls (bot/delivery/connections.py), through the
real slack_sdk client and urllib, against loopback servers."""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.delivery.connections import (
    IDLE_LIMIT,
    KeptConnections,
    _may_go_again,
    keep_connections_alive,
    opener,
)
from bot.delivery.slack import make_web_client
from tests.fakes.slack import Failure, FakeSlack


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    keep_connections_alive()  # as every Coprod process does when it starts (bot/wiring.py)
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def test_calls_from_one_thread_share_one_connection(slack: FakeSlack) -> None:
    client = make_web_client("xoxb-test", slack.api_url)

    for n in range(5):
        client.chat_postMessage(channel="C0SESSIONS", text=f"message {n}")

    assert len(slack.calls_to("chat.postMessage")) == 5
    assert slack.connections_opened == 1


def test_a_connection_the_server_closed_while_idle_is_not_reused(slack: FakeSlack) -> None:
    client = make_web_client("xoxb-test", slack.api_url)
    client.chat_postMessage(channel="C0SESSIONS", text="first")

    slack.drop_connections()
    assert slack.wait_until_no_connections()
    client.chat_postMessage(channel="C0SESSIONS", text="second")

    assert [c.params["text"] for c in slack.calls_to("chat.postMessage")] == ["first", "second"]
    assert slack.connections_opened == 2


def test_an_error_status_is_still_urllibs_error_and_the_next_call_works(
        slack: FakeSlack) -> None:
    client = make_web_client("xoxb-test", slack.api_url, backoff_factor=0.0)
    slack.fail_next("chat.postMessage", Failure(status=500), times=3)

    with pytest.raises(Exception, match="internal_error"):
        client.chat_postMessage(channel="C0SESSIONS", text="fails three times")
    answer = client.chat_postMessage(channel="C0SESSIONS", text="then works")

    assert answer["ok"] is True
    assert [c.status for c in slack.calls_to("chat.postMessage", ok_only=False)] == [
        500, 500, 500, 200]


def test_a_connection_idle_too_long_is_not_reused(slack: FakeSlack) -> None:
    now = [1000.0]
    open_url = opener(KeptConnections(clock=lambda: now[0])).open
    url = slack.api_url + "auth.test"

    for wait in (0.0, IDLE_LIMIT - 1, IDLE_LIMIT + 1):
        now[0] += wait
        with open_url(url, data=b"") as answer:
            assert b'"ok": true' in answer.read()

    assert slack.connections_opened == 2


def test_an_answer_closed_before_its_end_leaves_its_connection_unused(
        slack: FakeSlack) -> None:
    open_url = opener(KeptConnections()).open
    url = slack.api_url + "auth.test"

    with open_url(url, data=b"") as answer:
        assert answer.read(5) == b'{"ok"'
    with open_url(url, data=b"") as answer:
        assert b'"ok": true' in answer.read()

    assert slack.connections_opened == 2


def test_a_thread_closes_its_connections_when_it_ends(slack: FakeSlack) -> None:
    client = make_web_client("xoxb-test", slack.api_url)
    worker = threading.Thread(target=lambda: client.auth_test())
    worker.start()
    worker.join()

    assert slack.calls_to("auth.test")
    assert slack.wait_until_no_connections()


class ClosesEverySecondRequest:
    """A server that answers a connection's first request and, like a server timing out an
    idle connection just as a request arrives, closes it on the second without answering."""

    ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
              b"Content-Length: 11\r\n\r\n{\"ok\":true}")

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.requests = 0
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/api/auth.test"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                for answered in (True, False):
                    if not self._read_request(connection):
                        break
                    self.requests += 1
                    if answered:
                        connection.sendall(self.ANSWER)

    @staticmethod
    def _read_request(connection: socket.socket) -> bool:
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(4096)
            if not chunk:
                return False
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += connection.recv(4096)
        return True


def test_a_post_the_server_dropped_once_sent_is_not_sent_again_here() -> None:
    """The server may have acted on it: slack_sdk's retry handler decides, as before."""
    server = ClosesEverySecondRequest()
    open_url = opener(KeptConnections()).open
    try:
        with open_url(server.url, data=b"token=xoxb-test") as answer:
            assert answer.read() == b'{"ok":true}'
        with pytest.raises(http.client.RemoteDisconnected):
            open_url(server.url, data=b"token=xoxb-test")
    finally:
        server.listener.close()
    assert (server.connections, server.requests) == (1, 2)


def test_a_get_the_server_dropped_goes_again_on_a_new_connection() -> None:
    server = ClosesEverySecondRequest()
    open_url = opener(KeptConnections()).open
    try:
        answers = []
        for _ in range(2):
            with open_url(server.url) as answer:
                answers.append(answer.read())
    finally:
        server.listener.close()

    assert answers == [b'{"ok":true}', b'{"ok":true}']
    assert (server.connections, server.requests) == (2, 3)


@pytest.mark.parametrize(("method", "body", "error", "sent", "again"), [
    ("POST", b"channel=C1", URLError(BrokenPipeError()), False, True),
    ("POST", b"channel=C1", URLError(ssl.SSLEOFError()), False, True),
    ("POST", b"channel=C1", http.client.RemoteDisconnected(), True, False),
    ("POST", b"channel=C1", URLError(TimeoutError()), False, False),
    ("POST", io.BytesIO(b"channel=C1"), URLError(BrokenPipeError()), False, False),
    ("GET", None, http.client.RemoteDisconnected(), True, True),
])
def test_what_may_go_again_on_a_new_connection(
        method: str, body: Any, error: BaseException, sent: bool, again: bool) -> None:
    request = urllib.request.Request("http://127.0.0.1:9/api/chat.postMessage", data=body,
                                     method=method)
    assert _may_go_again(request, error, sent=sent) is again


def test_an_answer_still_being_read_is_not_cut_short_by_the_next_request(
        slack: FakeSlack) -> None:
    open_url = opener(KeptConnections()).open
    url = slack.api_url + "auth.test"

    first = open_url(url, data=b"")
    with open_url(url, data=b"") as second:
        assert b'"ok": true' in second.read()
    assert b'"ok": true' in first.read()
    first.close()
    assert slack.connections_opened == 2


def test_a_fresh_connection_refused_is_urllibs_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as gone:
        port = gone.getsockname()[1]

    with pytest.raises(URLError) as raised:
        opener(KeptConnections()).open(f"http://127.0.0.1:{port}/api/auth.test", data=b"")
    assert isinstance(raised.value.reason, ConnectionRefusedError)


def test_http_errors_are_urllibs(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", Failure(status=429, retry_after=7))
    request = urllib.request.Request(slack.api_url + "chat.postMessage", data=b"channel=C1")

    with pytest.raises(HTTPError) as raised:
        opener(KeptConnections()).open(request)

    assert raised.value.code == 429
    assert raised.value.headers["Retry-After"] == "7"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made for this test (as Slack's own would be
    checked: by name and by a trusted issuer, here the test's own)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "coprod-test")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
            ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return cert_file, key_file


def test_https_connections_are_kept_and_still_checked(slack: FakeSlack, tmp_path: Path) -> None:
    cert_file, key_file = _self_signed(tmp_path)
    serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    serving.load_cert_chain(cert_file, key_file)
    slack.server.socket = serving.wrap_socket(slack.server.socket, server_side=True)
    url = slack.url.replace("http://", "https://") + "api/auth.test"
    trusting = ssl.create_default_context(cafile=str(cert_file))

    open_url = opener(KeptConnections(), trusting).open
    for _ in range(3):
        with open_url(url, data=b"") as answer:
            assert b'"ok": true' in answer.read()
    assert slack.connections_opened == 1

    with pytest.raises(URLError) as refused:  # Python's own defaults don't know the issuer
        opener(KeptConnections()).open(url, data=b"")
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
