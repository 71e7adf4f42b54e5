"""The stack ``bench.console_load`` measures, started the way ``make run`` does
(``python -m embedded``: the Temporal dev server, file-backed, plus the worker, plus the
console) in a temporary ``DATA_DIR`` with SQLite; the municipality it loads; the CLI;
and the CPU time each process used."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.processes import _cpu_of
from console.launch import CODEC_ORIGINS_VARIABLE
from console.web import ConsoleSettings
from embedded.launcher import PORT_VARIABLE, UI_PORT_VARIABLE
from embedded.server import free_port

MUNICIPALITY = "loadbench"
#: The seats of every generated council (each person has an e-mail address to sign in).
SEATS: tuple[tuple[str, str], ...] = (
    ("chair", "chair"),
    ("m1", "member"),
    ("m2", "member"),
    ("m3", "member"),
    ("m4", "member"),
    ("principal", "principal"),
    ("coord", "coordinator"),
)
READY_SECONDS = 120.0
_PR_SET_PDEATHSIG = 1
# Loaded here, not in the forked child (embedded/server.py says why).
_LIBC = ctypes.CDLL(None) if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the launcher before exec: SIGTERM when this benchmark dies, even by SIGKILL, so
    no stack outlives it (the launcher then stops its server and console)."""
    assert _LIBC is not None
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def council_id(index: int) -> str:
    """The id of the ``index``-th council."""
    return f"lb-{index:03d}"


def person_id(index: int, seat: str) -> str:
    """The person in ``seat`` of the ``index``-th council."""
    return f"{council_id(index)}-{seat}"


def address(person: str) -> str:
    """The person's (fictional) e-mail address."""
    return f"{person}@loadbench.example.jp"


def municipality_file(councils: int) -> dict[str, object]:
    """A municipality file (``store.municipality_file``) with ``councils`` councils, their
    people and a chief coordinator and board admin; names fictional."""
    staff = [("lb-chief", "chief_coordinator"), ("lb-board", "board_admin")]
    people = [{"id": p, "name": f"ベンチ {p}", "email": address(p)} for p, _ in staff]
    people += [
        {"id": person_id(i, s), "name": f"ベンチ {i} {s}", "email": address(person_id(i, s))}
        for i in range(councils)
        for s, _ in SEATS
    ]
    return {
        "municipality": {"id": MUNICIPALITY, "name": "ベンチ市", "prefecture": "ベンチ県"},
        "schools": [
            {"id": f"{council_id(i)}-s", "name": f"ベンチ第{i}小学校"} for i in range(councils)
        ],
        "people": people,
        "staff": [{"person": p, "role": r} for p, r in staff],
        "councils": [
            {
                "id": council_id(i),
                "name": f"ベンチ第{i}小学校学校運営協議会",
                "schools": [f"{council_id(i)}-s"],
                "members": [{"person": person_id(i, s), "roles": [r]} for s, r in SEATS],
            }
            for i in range(councils)
        ],
    }


def clean_environment(data_dir: Path) -> dict[str, str]:
    """This process's environment without any setting of the project (``Settings``,
    the console's, the launcher's, a CLI token), and ``DATA_DIR=data_dir``: the stack
    runs as ``make run`` with defaults, whatever the caller (a test session) has set."""
    names = {name.upper() for name in ConsoleSettings.model_fields}
    names |= {PORT_VARIABLE, UI_PORT_VARIABLE, CODEC_ORIGINS_VARIABLE, "CS_TOKEN", "CS_TOKEN_FILE"}
    env = {key: value for key, value in os.environ.items() if key.upper() not in names}
    env["DATA_DIR"] = str(data_dir)
    return env


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _own_cpu(pid: int) -> float:
    try:
        return _cpu_of(Path(f"/proc/{pid}/stat").read_text())
    except OSError:  # ended meanwhile
        return 0.0


@dataclass
class Stack:
    """The running ``python -m embedded`` and where its parts are."""

    process: asyncio.subprocess.Process
    data_dir: Path
    console_port: int
    log_path: Path
    temporal: str

    def pids(self) -> dict[str, list[int]]:
        """The processes of each part: ``worker`` (the launcher itself, which runs the
        worker), ``console`` and ``temporal`` (each with its descendants)."""
        launcher = self.process.pid
        parts: dict[str, list[int]] = {"worker": [launcher], "console": [], "temporal": []}
        for child in _descendants(launcher)[1:]:
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"console" in command and any(b"python" in part for part in command[:1]):
                parts["console"] += _descendants(child)
            elif any(b"temporal" in part for part in command[:2]):
                parts["temporal"] += _descendants(child)
        return parts

    def cpu_seconds(self) -> dict[str, float]:
        """CPU (user + system) each part has used so far."""
        return {name: sum(_own_cpu(p) for p in pids) for name, pids in self.pids().items()}

    def cli(self, *arguments: str) -> str:
        """Run ``python -m starter ARGUMENTS`` with the local operator token; its output."""
        env = {**clean_environment(self.data_dir), "TEMPORAL_ADDRESS": self.temporal}
        done = subprocess.run(
            [sys.executable, "-m", "starter", *arguments],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"starter {arguments[0]} failed: {done.stderr.strip()[-400:]}")
        return done.stdout


@contextlib.asynccontextmanager
async def running_stack(data_dir: Path) -> AsyncIterator[Stack]:
    """``python -m embedded`` with ``DATA_DIR=data_dir`` on free loopback ports, until
    the block ends (SIGTERM, then SIGKILL after 40 s)."""
    temporal_port, ui_port, console_port = free_port(), free_port(), free_port()
    env = clean_environment(data_dir)
    env.update(
        {
            "EMBEDDED_TEMPORAL_PORT": str(temporal_port),
            "EMBEDDED_TEMPORAL_UI_PORT": str(ui_port),
            "CONSOLE_HOST": "127.0.0.1",
            "CONSOLE_PORT": str(console_port),
            "CONSOLE_BASE_URL": f"http://127.0.0.1:{console_port}",
        }
    )
    log_path = data_dir / "embedded.log"
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "embedded",
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if _LIBC is not None else None,
        )
    stack = Stack(process, data_dir, console_port, log_path, f"127.0.0.1:{temporal_port}")
    try:
        await _wait_ready(stack)
        yield stack
    finally:
        await _stop(process)


async def _wait_ready(stack: Stack) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if stack.process.returncode is not None:
            raise RuntimeError(f"python -m embedded exited (log: {stack.log_path})")
        log = stack.log_path.read_text(errors="replace")
        if "ready" in log and await _listening(stack.console_port):
            return
        await asyncio.sleep(0.3)
    raise RuntimeError(f"the stack is not ready after {READY_SECONDS:.0f} s ({stack.log_path})")


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 40)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


def write_municipality(path: Path, councils: int) -> None:
    """Write the generated municipality file to ``path``."""
    path.write_text(
        yaml.safe_dump(municipality_file(councils), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
