"""The parts of the chaos run that stand between the worker and the outside world, all
controlled by the script: a TCP proxy in front of PostgreSQL that can cut the store off,
and loopback SMTP and webhook receivers that can be told to fail."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from embedded.server import LOOPBACK, free_port

_CHUNK = 65536


class StoreProxy:
    """An asyncio TCP proxy from a local port to the database server. ``cut()`` closes
    every connection and refuses new ones (accepted, then closed at once: what a dropped
    network looks like to the client); ``restore()`` lets connections through again. The
    database server itself is never touched."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.cut_off = False
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> StoreProxy:
        """Listen on ``127.0.0.1:<port>``."""
        self._server = await asyncio.start_server(self._serve, LOOPBACK, self.port)
        return self

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        self._close_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        """Close every connection now and refuse new ones until ``restore``."""
        self.cut_off = True
        self._close_all()

    def restore(self) -> None:
        """Let connections through again."""
        self.cut_off = False

    def _close_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut_off:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            for end in (writer, up_writer):
                self._writers.discard(end)
                end.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
    writer.transport.abort()


class Receipts:
    """What one outside channel received: each delivery id and how often, with the time
    of each arrival. ``failing`` makes the receiver answer an error (nothing recorded)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.arrivals: list[float] = []
        self.failing = False
        self.refused = 0

    def accept(self, delivery_id: str) -> None:
        """Record one delivery that the receiver is about to acknowledge."""
        with self.lock:
            self.counts[delivery_id] += 1
            self.arrivals.append(time.monotonic())

    def refuse(self) -> None:
        """Count one attempt answered with an error while failing."""
        with self.lock:
            self.refused += 1

    def snapshot(self) -> tuple[Counter[str], list[float]]:
        """A copy of the counts and arrival times."""
        with self.lock:
            return Counter(self.counts), list(self.arrivals)


class _SmtpHandler:
    def __init__(self, receipts: Receipts) -> None:
        self._receipts = receipts

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._receipts.failing:
            self._receipts.refuse()
            # 4xx: a temporary failure, which the sender retries.
            return "451 Requested action aborted: local error in processing"
        delivery = _header(envelope.content, b"X-CS-Delivery")
        if delivery is None:
            return "554 no X-CS-Delivery header"
        self._receipts.accept(delivery)
        return "250 Message accepted"


def _header(content: bytes, name: bytes) -> str | None:
    head = content.split(b"\r\n\r\n", 1)[0]
    for line in head.splitlines():
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower():
            return value.strip().decode()
    return None


class SmtpReceiver:
    """A plain SMTP server on loopback (aiosmtpd)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.receipts = Receipts()
        self._controller = Controller(
            _SmtpHandler(self.receipts), hostname=LOOPBACK, port=self.port
        )

    def start(self) -> SmtpReceiver:
        """Serve in a background thread."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._controller.stop()


class WebhookReceiver:
    """An HTTP server on loopback that records each POST's ``X-CS-Delivery`` (503 while
    failing, which the sender retries)."""

    def __init__(self) -> None:
        self.receipts = receipts = Receipts()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receipts.failing:
                    receipts.refuse()
                    self.send_response(503)
                else:
                    delivery = json.loads(body).get("delivery_id")
                    receipts.accept(str(delivery or self.headers["X-CS-Delivery"]))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.url = f"http://{LOOPBACK}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> WebhookReceiver:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
