"""Real receivers on loopback: an SMTP server (aiosmtpd) and an HTTP server that checks
the webhook signature. Both record what reached them, and both can hold a message in
flight so that a test can kill the sender at a chosen moment."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr

from activities.channels.webhook import person_key, verify_signature


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the ``openssl`` CLI."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


HoldAt = Literal["rcpt", "data"]


@dataclass
class Hold:
    """Keeps a message in flight: the receiver signals ``arrived`` and waits for
    ``release``. At ``rcpt`` the message has not been accepted yet; at ``data`` it has."""

    at: HoldAt
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    held: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def arrive(self) -> None:
        """Count one message held here."""
        with self._lock:
            self.held += 1
        self.arrived.set()


class _SmtpHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.startswith("nobody@"):
            return "550 No such user here"
        hold = self._sink.hold
        if hold is not None and hold.at == "rcpt":
            hold.arrive()
            await server.loop.run_in_executor(None, hold.release.wait)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._sink.lock:
            self._sink.messages.append(message)
        hold = self._sink.hold
        if hold is not None and hold.at == "data":
            hold.arrive()
            await server.loop.run_in_executor(None, hold.release.wait)
        return "250 Message accepted"


def _authenticator(login: tuple[str, str]) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
            login
        )
        return AuthResult(success=ok, handled=False)

    return check


class SmtpSink:
    """An aiosmtpd server on loopback that keeps every message it accepted."""

    def __init__(
        self,
        port: int | None = None,
        mode: Literal["plain", "starttls", "ssl"] = "plain",
        cert: tuple[Path, Path] | None = None,
        login: tuple[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.hold: Hold | None = None
        kwargs: dict[str, Any] = {}
        if mode != "plain":
            assert cert is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            if mode == "ssl":
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if login is not None:
            kwargs["authenticator"] = _authenticator(login)
            # Implicit TLS is encrypted too, but aiosmtpd only counts STARTTLS as such.
            kwargs["auth_require_tls"] = mode == "starttls"
            # smtplib's AUTH LOGIN with an initial response stalls aiosmtpd after a
            # refusal; PLAIN is what the sender uses first anyway.
            kwargs["auth_exclude_mechanism"] = ["LOGIN"]
        self._kwargs = kwargs
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        """Listen (again) on the same port; a stopped controller cannot restart."""
        self._controller = Controller(
            _SmtpHandler(self), hostname="127.0.0.1", port=self.port, **self._kwargs
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused, like a server that is down."""
        if self.hold is not None:
            self.hold.release.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def received(self) -> list[EmailMessage]:
        """Every accepted message, in order."""
        with self.lock:
            return list(self.messages)


@dataclass(frozen=True)
class WebhookCall:
    """One POST that reached the webhook server, and whether its signature held."""

    path: str
    delivery_id: str
    payload: dict[str, Any]
    verified: bool


class WebhookSink:
    """An HTTP server on loopback that verifies each request's signature with the
    recipient's key and answers ``status`` (200 unless a test says otherwise)."""

    def __init__(self, secret: SecretStr) -> None:
        self.secret = secret
        self.calls: list[WebhookCall] = []
        self.lock = threading.Lock()
        self.hold: Hold | None = None
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                payload = json.loads(body)
                key = person_key(sink.secret, payload["recipient_id"])
                verified = (
                    verify_signature(
                        key,
                        self.headers["X-CS-Timestamp"],
                        body,
                        self.headers["X-CS-Signature"],
                    )
                    and self.headers["X-CS-Delivery"] == payload["delivery_id"]
                )
                status = sink.status
                if status < 300:
                    with sink.lock:
                        sink.calls.append(
                            WebhookCall(self.path, payload["delivery_id"], payload, verified)
                        )
                hold = sink.hold
                if hold is not None and hold.at == "data":
                    hold.arrive()
                    hold.release.wait()
                self.send_response(status)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> WebhookSink:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self.hold is not None:
            self.hold.release.set()
        self._server.shutdown()
        self._server.server_close()

    def received(self) -> list[WebhookCall]:
        """Every accepted call, in order."""
        with self.lock:
            return list(self.calls)
