"""``python -m bench.baseline``: the baseline worker, with the engine worker's settings.

No-op activities run on thread pools of the engine's sizes (the same ``WORKER_*``
settings, ``WORKER_ROLE`` included; the notify activity on the notification queue, as the
engine's), served by ``worker.main.serving_queues`` as the engine's are, so slots, sandbox
and roles are identical.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from temporalio import activity

from bench.baseline_workflow import LOAD, NOTIFY, OPENED, RECORD, BaselineWorkflow, NoopInput
from config import get_settings
from worker.main import connect, serving_queues


@activity.defn(name=LOAD)
def bench_load(data: NoopInput) -> bool:
    """Stands in for ``load_council``."""
    return True


@activity.defn(name=OPENED)
def bench_opened(data: NoopInput) -> bool:
    """Stands in for ``record_cycle_opened``."""
    return True


@activity.defn(name=RECORD)
def bench_record(data: NoopInput) -> bool:
    """Stands in for ``record_event``."""
    return True


@activity.defn(name=NOTIFY)
def bench_notify(data: NoopInput) -> int:
    """Stands in for ``notify``."""
    return 0


async def _main() -> None:
    settings = get_settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    client = await connect(settings)
    async with serving_queues(
        client,
        settings.task_queue,
        settings.worker_role,
        [BaselineWorkflow],
        [bench_load, bench_opened, bench_record],
        [bench_notify],
        threads=settings.worker_activity_threads,
        notify_threads=settings.worker_notify_threads,
        slots=settings.worker_activity_slots,
        local_activities=[bench_record],
    ):
        logging.info(
            "baseline worker running: queue=%s role=%s",
            settings.task_queue,
            settings.worker_role.value,
        )
        await stop.wait()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    code = 0
    try:
        asyncio.run(_main())
    except Exception as exc:  # one line, non-zero exit
        print(f"baseline worker: {exc}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the SDK can crash at interpreter exit (TEMPORAL-NOTES #6)
