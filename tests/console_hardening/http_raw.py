"""Plain HTTP/1.1 over a loopback socket, for what a client library hides: a body
declared far larger than what is sent, a chunked body sent until the server answers, and
any X-Forwarded-For."""

from __future__ import annotations

import select
import socket
from dataclasses import dataclass
from urllib.parse import urlencode

ANON_CSRF = "hardening-anonymous-csrf"


@dataclass(frozen=True)
class Reply:
    """A response's status, head and body, and how many body bytes were sent before it."""

    status: int
    head: str
    body: bytes
    sent: int


def _read_reply(sock: socket.socket, sent: int) -> Reply:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    length = next(
        (
            int(line.split(":", 1)[1])
            for line in text.split("\r\n")
            if line.lower().startswith("content-length:")
        ),
        None,
    )
    while length is not None and len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Reply(int(text.split(" ", 2)[1]), text, body, sent)


def request(
    port: int,
    method: str,
    path: str,
    fields: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Reply:
    """One request with a complete body (a form of ``fields`` unless ``body`` is given)."""
    if body is None:
        body = urlencode(fields or []).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    head = _head(method, path, {**(headers or {}), "Content-Length": str(len(body))})
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + body)
        return _read_reply(sock, len(body))


def declared_but_not_sent(
    port: int, path: str, declared: int, sent: int, headers: dict[str, str]
) -> Reply:
    """Declare a ``declared``-byte body, send only ``sent`` bytes of it, and read the answer:
    it can only come if the server answers without reading the body."""
    head = _head("POST", path, {**headers, "Content-Length": str(declared)})
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b"x" * sent)
        return _read_reply(sock, sent)


def chunked_until_answered(
    port: int, path: str, budget: int, headers: dict[str, str], start: bytes = b""
) -> Reply:
    """Stream a chunked body of up to ``budget`` bytes (``start``, then filler), stopping
    as soon as the server answers (or stops reading)."""
    head = _head("POST", path, {**headers, "Transfer-Encoding": "chunked"})
    piece = 64 * 1024
    chunk = f"{piece:x}\r\n".encode() + b"x" * piece + b"\r\n"
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + f"{len(start):x}\r\n".encode() + start + b"\r\n" if start else head)
        sent = len(start)
        while sent < budget:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += piece
        else:
            sock.sendall(b"0\r\n\r\n")
        return _read_reply(sock, sent)


def _head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: localhost",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
