"""``make run`` says where the metrics are, and the worker's address it names answers with
the Temporal SDK's metrics (the worker runs inside the launcher)."""

from __future__ import annotations

import asyncio
import re
import urllib.request
from pathlib import Path

from tests.embedded.launcher_process import (
    Ports,
    launcher_environment,
    read_until_ready,
    start_launcher,
    stop_with_sigint,
)


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        body: bytes = answer.read()
    return body.decode()


async def test_the_launcher_prints_the_metrics_addresses_and_the_workers_answer(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    environ = launcher_environment(tmp_path / "data", Ports.free())
    console = f"http://127.0.0.1:{environ['CONSOLE_PORT']}"
    environ["CONSOLE_BASE_URL"] = console
    launcher = await start_launcher(environ, tmp_path)
    launcher_cleanup.append(launcher)
    lines = await read_until_ready(launcher)
    said = "\n".join(lines)
    assert f"metrics: console {console}/metrics, worker http://127.0.0.1:" in said, said
    assert f"health: {console}/healthz" in said, said
    assert "準備完了 / ready: worker" in lines[-1]  # nothing before it says "ready"
    found = re.search(r"worker (http://127\.0\.0\.1:\d+/metrics)", said)
    assert found is not None
    metrics = ""
    for _ in range(100):  # "ready" is said as the worker starts: give it a moment
        try:
            metrics = await asyncio.to_thread(_fetch, found.group(1))
        except OSError:  # not listening yet
            metrics = ""
        if "temporal_num_pollers" in metrics:
            break
        await asyncio.sleep(0.1)
    assert "temporal_num_pollers" in metrics
    assert await stop_with_sigint(launcher) == 0
