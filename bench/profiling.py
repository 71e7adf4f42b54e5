"""Sampling profile of a worker process with py-spy, summarised as its top costs."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Cost:
    """One function's share of the samples: on the stack (inclusive) or on top (self)."""

    function: str
    inclusive: float
    self_time: float


def py_spy_path() -> str:
    """The py-spy binary (``pip install py-spy``); a one-line error when missing."""
    found = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError("py-spy not found: pip install py-spy (needed for --profile)")
    return found


@asynccontextmanager
async def sampling(pid: int, raw_path: Path, rate: int = 100) -> AsyncIterator[None]:
    """Sample ``pid`` while the block runs; write collapsed stacks to ``raw_path``."""
    process = await asyncio.create_subprocess_exec(
        py_spy_path(), "record", "--pid", str(pid), "--rate", str(rate),
        "--format", "raw", "--output", str(raw_path), "--nonblocking",
        # Only the thread holding the GIL: what uses the CPU, not threads waiting for it.
        "--gil",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        await asyncio.wait_for(process.wait(), 60)


def _frame_name(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/module.py:123)"; drop the line.
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = path.rsplit("/wt/bench/", 1)[-1]
    return f"{name} ({path})"


#: Frames every sample passes through (threads, the event loop): they say nothing about
#: where the time goes, so the summary leaves them out.
_PLUMBING = (
    "Thread.", "_worker (", "_WorkItem.run", "<module> (worker/", "_run_code",
    "_run_module_as_main", "Runner.run", "run (asyncio/", "BaseEventLoop.", "Handle._run",
    "_StateChange.", "EpollSelector.select", "BaseSelectorEventLoop.",
)  # fmt: skip


def top_costs(raw_path: Path, limit: int = 15) -> tuple[int, list[Cost]]:
    """Total samples and the ``limit`` costliest functions by inclusive share, leaving out
    the thread and event-loop plumbing every sample passes through."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw_path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";") if "(" in f]
        if not frames:
            continue
        total += count
        for name in set(frames):
            inclusive[name] += count
        own[frames[-1]] += count
    if not total:
        return 0, []
    ranked = [n for n, _ in inclusive.most_common() if not n.startswith(_PLUMBING)]
    return total, [
        Cost(name, inclusive[name] / total, own[name] / total) for name in ranked[:limit]
    ]
