"""The worker process: hosts the cycle workflow and its activities on one task queue."""

from __future__ import annotations

import asyncio
import compileall
import inspect
import logging
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.channels import Senders
from activities.channels.email import SmtpSender
from activities.channels.webhook import WebhookSender
from activities.cycle_activities import CycleActivities
from activities.delivery_activities import DeliveryActivities
from activities.task_activities import TaskActivities
from config import Settings
from store.db import make_engine
from workflows.council_cycle import CouncilCycleWorkflow

log = logging.getLogger(__name__)

#: Threads for the synchronous store activities; SQLite serialises writes anyway and
#: PostgreSQL's pool is sized to match.
ACTIVITY_THREADS = 16
#: Activity tasks the worker holds at once: more than its threads on purpose, so that a
#: burst of tasks waits in the thread pool's queue, first come first served, instead of in
#: the server's task queue. The Temporal test server (our embedded server) hands out its
#: backlog newest first, and with only as many slots as threads the oldest record of a
#: busy minute waited up to 56 s behind newer ones (bench/README.md). Queued tasks count
#: against their start-to-close timeout; a store activity that times out in the queue is
#: retried, and every one is idempotent.
ACTIVITY_SLOTS = 128


async def connect(settings: Settings) -> Client:
    """A client for ``settings``' server, always with the pydantic data converter."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )


def tuned_worker(
    client: Client,
    task_queue: str,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    executor: ThreadPoolExecutor,
) -> Worker:
    """A worker with this project's settings (slots, sandbox, thread pool). The benchmark's
    baseline worker is built here too, so both are measured with the same settings."""
    precompile_workflow_modules(workflows)
    with warnings.catch_warnings():
        # The SDK warns when slots outnumber the executor's threads: here that is the
        # point (see ``ACTIVITY_SLOTS``).
        warnings.filterwarnings("ignore", "Worker max_concurrent_activities is", UserWarning)
        return Worker(
            client,
            task_queue=task_queue,
            workflows=workflows,
            activities=activities,
            activity_executor=executor,
            max_concurrent_activities=ACTIVITY_SLOTS,
        )


def precompile_workflow_modules(workflows: Sequence[type]) -> None:
    """Write the bytecode of the workflows' packages once, at start.

    The sandbox imports a workflow's module afresh for every workflow it starts. Without
    cached bytecode (``PYTHONDONTWRITEBYTECODE=1``, set in many images and on the
    benchmark's machines) every one of those imports compiled the source again: 58% of
    creating a workflow instance in the benchmark's profile. A read-only tree keeps
    working, only slower, and says so in the log."""
    for folder in sorted({Path(inspect.getfile(w)).parent for w in workflows}):
        if not compileall.compile_dir(folder, maxlevels=0, quiet=2):
            log.warning("could not write the bytecode of %s: workflows start slower", folder)


def senders_from(settings: Settings) -> Senders:
    """The outside channels ``settings`` configure; a channel left unset is logged as off."""
    senders = Senders(
        email=SmtpSender.from_settings(settings), webhook=WebhookSender.from_settings(settings)
    )
    if senders.email is None:
        log.warning("SMTP_HOST is not set: no e-mail is sent (inbox only)")
    if senders.webhook is None:
        log.warning("WEBHOOK_SECRET is not set: no webhook is sent")
    return senders


def activities_for(engine: Engine, senders: Senders) -> list[Callable[..., Any]]:
    """Every activity the cycle workflow calls, bound to ``engine`` and ``senders``."""
    cycle = CycleActivities(engine, senders)
    delivery = DeliveryActivities(engine, senders)
    return [
        cycle.load_council,
        cycle.record_cycle_opened,
        cycle.record_event,
        cycle.notify,
        delivery.deliver,
        delivery.record_delivery_failed,
        TaskActivities(engine).check_volunteers,
    ]


def create_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
    """A worker for the cycle workflow and its activities against ``settings``' store."""
    engine = make_engine(settings.resolved_database_url())
    return tuned_worker(
        client,
        settings.task_queue,
        [CouncilCycleWorkflow],
        activities_for(engine, senders_from(settings)),
        executor,
    )


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Run the worker until ``stop`` is set, then shut down cleanly. The store must be
    migrated already: each process entry point does that once, before it starts."""
    client = await connect(settings)
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        worker = create_worker(client, settings, executor)
        async with worker:
            log.info(
                "worker running: server=%s queue=%s", settings.temporal_address, settings.task_queue
            )
            await stop.wait()
            log.info("worker stopping")
