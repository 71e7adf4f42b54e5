"""A tiny HTTP/1.1 client for ``bench.console_load`` (the venv has neither httpx nor
aiohttp): keep-alive connections to one loopback console, a cookie jar per browser,
``Content-Length`` and chunked bodies. Enough for server-rendered pages and forms."""

from __future__ import annotations

import asyncio
import contextlib
import re
import urllib.parse
from dataclasses import dataclass, field

#: The longest answer read (the biggest console page is far smaller).
MAX_BODY = 4 * 1024 * 1024
_CSRF = re.compile(rb'name="csrf" value="([^"]+)"')


class _ClosedBeforeAnswer(Exception):
    """The connection closed before the first byte of an answer."""


class HttpError(Exception):
    """The connection broke or the answer was not HTTP/1.1."""


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes

    def csrf(self) -> str:
        """The page's CSRF field; ``HttpError`` when the page has none."""
        found = _CSRF.search(self.body)
        if found is None:
            raise HttpError(f"no csrf field in a {self.status} answer")
        return found.group(1).decode()


@dataclass
class Browser:
    """One person's browser: cookies, and at most ``connections`` open connections to the
    console, from ``source`` (a loopback address: the console limits sign-ins per client)."""

    host: str
    port: int
    source: str = "127.0.0.1"
    connections: int = 2
    cookies: dict[str, str] = field(default_factory=dict)
    _idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = field(default_factory=list)
    _slots: asyncio.Semaphore | None = None

    async def get(self, path: str, limit: float) -> Answer:
        """``GET path``."""
        return await self.request("GET", path, None, limit)

    async def post(self, path: str, form: list[tuple[str, str]], limit: float) -> Answer:
        """``POST path`` with an url-encoded form."""
        return await self.request("POST", path, urllib.parse.urlencode(form).encode(), limit)

    async def request(self, method: str, path: str, body: bytes | None, limit: float) -> Answer:
        """One request on a kept-alive connection (a fresh one if none is idle); cookies
        sent and stored. ``TimeoutError`` after ``limit`` seconds."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.connections)
        async with self._slots:
            async with asyncio.timeout(limit):
                reader, writer, reused = await self._connection()
                try:
                    answer = await self._exchange(reader, writer, method, path, body)
                except _ClosedBeforeAnswer:
                    writer.close()
                    if not reused:
                        raise HttpError("the console closed the connection") from None
                    # The console closed a kept-alive connection as this request went out
                    # (its idle timeout): nothing was read, so a browser sends the request
                    # again on a new connection, and so does this one.
                    reader, writer = await self._open()
                    try:
                        answer = await self._exchange(reader, writer, method, path, body)
                    except BaseException:
                        writer.close()
                        raise
                except BaseException:
                    writer.close()
                    raise
        for line in answer.set_cookies:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in rest.lower() or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        if answer.headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self._idle.append((reader, writer))
        return answer

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        """An idle kept-alive connection (``True``: reused) or a new one."""
        while self._idle:
            reader, writer = self._idle.pop()
            if not writer.is_closing() and not reader.at_eof():
                return reader, writer, True
            writer.close()
        reader, writer = await self._open()
        return reader, writer, False

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port, local_addr=(self.source, 0))

    async def _exchange(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        method: str,
        path: str,
        body: bytes | None,
    ) -> Answer:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
            await writer.drain()
            status_line = await reader.readline()
        except ConnectionError as closed:
            raise _ClosedBeforeAnswer() from closed
        if not status_line:
            raise _ClosedBeforeAnswer()
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise HttpError(f"not an HTTP answer: {status_line[:40]!r}")
        headers: dict[str, str] = {}
        cookies: list[str] = []
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            key, value = name.strip().lower(), value.strip()
            if key == "set-cookie":
                cookies.append(value)
            headers[key] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            data = await _chunked(reader)
        else:
            length = int(headers.get("content-length", "0"))
            if length > MAX_BODY:
                raise HttpError(f"answer of {length} bytes")
            data = await reader.readexactly(length)
        return Answer(int(parts[1]), headers, cookies, data)

    async def close(self) -> None:
        """Close every idle connection."""
        for _, writer in self._idle:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        self._idle.clear()


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    data = bytearray()
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            await reader.readline()
            return bytes(data)
        data += await reader.readexactly(size)
        await reader.readline()
        if len(data) > MAX_BODY:
            raise HttpError("chunked answer too large")


def location_path(answer: Answer) -> str:
    """The path (and query) a redirect points to."""
    target = urllib.parse.urlsplit(answer.headers.get("location", ""))
    return target.path + (f"?{target.query}" if target.query else "")
