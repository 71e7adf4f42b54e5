"""``python -m bench.baseline``: the baseline worker, with the engine worker's settings.

No-op activities run on thread pools of the engine's sizes (the same ``WORKER_*``
settings; the notify activity on the notification queue, as the engine's), and both
workers are built by ``worker.main.tuned_worker`` so slots and sandbox are identical.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from temporalio import activity

from bench.baseline_workflow import LOAD, NOTIFY, OPENED, RECORD, BaselineWorkflow, NoopInput
from config import get_settings
from worker.main import connect, tuned_worker
from workflows.inputs import notification_queue


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
    with (
        ThreadPoolExecutor(max_workers=settings.worker_activity_threads) as executor,
        ThreadPoolExecutor(max_workers=settings.worker_notify_threads) as notify_executor,
    ):
        worker = tuned_worker(
            client,
            settings.task_queue,
            [BaselineWorkflow],
            [bench_load, bench_opened, bench_record],
            executor,
            settings.worker_activity_slots,
        )
        notify_worker = tuned_worker(
            client,
            notification_queue(settings.task_queue),
            [],
            [bench_notify],
            notify_executor,
            settings.worker_activity_slots,
        )
        async with worker, notify_worker:
            logging.info("baseline worker running: queue=%s", settings.task_queue)
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
