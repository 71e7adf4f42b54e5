"""Real processes for the operations tests: consoles (``python -m console``) and workers
(``python -m worker``) on free loopback ports, with their stderr kept in files, and a
small cookie-keeping HTTP client (the standard library's, off the event loop)."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from embedded.server import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60.0


@dataclass
class Answer:
    """One HTTP answer: status, headers (lower-case names) and body text."""

    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """Cookies for one origin at a time; requests go to ``base`` (``http://127.0.0.1:N``)."""

    cookies: dict[str, str] = field(default_factory=dict)

    async def get(self, base: str, path: str) -> Answer:
        """GET ``path`` on ``base``, keeping the cookies it sets."""
        return await asyncio.to_thread(self._send, base, "GET", path, None)

    async def post(self, base: str, path: str, form: dict[str, str]) -> Answer:
        """POST ``form`` (url-encoded) to ``path`` on ``base``."""
        return await asyncio.to_thread(self._send, base, "POST", path, form)

    def _send(self, base: str, method: str, path: str, form: dict[str, str] | None) -> Answer:
        parts = urllib.parse.urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookie = rest.split(";", 1)[0]
                    if cookie in ('""', "") or "Max-Age=0" in value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = cookie
            found = {name.lower(): value for name, value in response.getheaders()}
            return Answer(response.status, found, text)
        finally:
            connection.close()


def csrf_in(page: str) -> str:
    """The CSRF token in a rendered page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


@dataclass
class Process:
    """A started child process, its stderr file, and the port it serves on."""

    process: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def base(self) -> str:
        """Its HTTP origin."""
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[str]:
        """What it wrote to stderr so far, line by line."""
        return [line for line in self.log.read_text(encoding="utf-8").splitlines() if line]

    async def stop(self) -> None:
        """SIGTERM, then wait (kill after 20 s)."""
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def _wait_for_port(port: int, process: asyncio.subprocess.Process, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + START_TIMEOUT_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"{what} exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError(f"{what} did not listen on {port} within {START_TIMEOUT_SECONDS:g} s")


async def start(module: str, env: dict[str, str], port: int, log: Path) -> Process:
    """``python -m module`` with ``env`` over this environment; waits until ``port``
    listens (the console's HTTP port, or the worker's metrics port)."""
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    started = Process(process, port, log)
    try:
        await _wait_for_port(port, process, f"python -m {module}")
    except BaseException:
        await started.stop()
        raise
    return started


async def start_console(env: dict[str, str], log: Path) -> Process:
    """A console on a free port (its base URL on 127.0.0.1)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    return await start(
        "console", {**env, "CONSOLE_PORT": str(port), "CONSOLE_BASE_URL": base}, port, log
    )


async def start_worker(env: dict[str, str], log: Path) -> Process:
    """A worker with its metrics on a free port."""
    port = free_port()
    return await start("worker", {**env, "WORKER_METRICS_ADDRESS": f"127.0.0.1:{port}"}, port, log)


async def run_check(env: dict[str, str]) -> tuple[int, str]:
    """``python -m worker --check`` with ``env``: its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        "--check",
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode()
