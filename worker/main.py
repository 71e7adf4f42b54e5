"""The worker process: hosts the cycle workflow and its activities on its task queue, and
the notification activities on the queue beside it; or one half of that, workflows or
activities, when ``WORKER_ROLE`` splits them over two processes."""

from __future__ import annotations

import asyncio
import compileall
import inspect
import logging
import warnings
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from activities.audit_anchor_activities import AuditAnchorActivities
from activities.channels import Senders
from activities.channels.email import SmtpSender
from activities.channels.webhook import WebhookSender
from activities.cycle_activities import CycleActivities
from activities.delivery_activities import DeliveryActivities
from activities.opinion_activities import OpinionActivities
from activities.task_activities import TaskActivities
from activities.volunteer_request_activities import RequestActivities
from config import (
    DEFAULT_ACTIVITY_SLOTS,
    DEFAULT_ACTIVITY_THREADS,
    DEFAULT_NOTIFY_THREADS,
    Settings,
    WorkerRole,
)
from config.converter import worker_converter
from config.payload_keys import PayloadKeys, payload_keys_from
from contracts.cycle import notification_queue
from store.db import make_engine
from worker.command_guard import CommandGuard
from worker.daily_jobs import start_daily_anchor
from worker.telemetry import metrics_runtime
from workflows.audit_anchor import AuditAnchorWorkflow
from workflows.council_cycle import CouncilCycleWorkflow
from workflows.council_opinion import CouncilOpinionWorkflow
from workflows.council_survey import CouncilSurveyWorkflow
from workflows.volunteer_request import VolunteerRequestWorkflow

log = logging.getLogger(__name__)

#: Threads for the synchronous store activities (``WORKER_ACTIVITY_THREADS``). Few on
#: purpose: a store activity is mostly Python work under the interpreter lock, so threads
#: beyond a handful only take turns on it. On PostgreSQL, 24 store threads at once cost
#: 74 ms of CPU per benchmark cycle against 48 ms for 4, and the 4 finished sooner; in the
#: benchmark, 4 instead of 16 took the engine from 2.36 to 2.59–2.71 cycles/s
#: (bench/README.md). SQLite serialises writes anyway. PostgreSQL's pool is sized to match.
ACTIVITY_THREADS = DEFAULT_ACTIVITY_THREADS
#: Activity tasks the worker holds at once (``WORKER_ACTIVITY_SLOTS``): more than its
#: threads on purpose, so that a
#: burst of tasks waits in the thread pool's queue, first come first served, instead of in
#: the server's task queue. The Temporal test server (our embedded server) hands out its
#: backlog newest first, and with only as many slots as threads the oldest record of a
#: busy minute waited up to 56 s behind newer ones (bench/README.md). Queued tasks count
#: against their start-to-close timeout; a store activity that times out in the queue is
#: retried, and every one is idempotent.
ACTIVITY_SLOTS = DEFAULT_ACTIVITY_SLOTS
#: Threads for the notification activities, on their own queue (``serving``,
#: ``WORKER_NOTIFY_THREADS``): deliveries wait on outside servers (up to their socket
#: timeouts), so several run side by side.
NOTIFY_THREADS = DEFAULT_NOTIFY_THREADS


async def connect(settings: Settings) -> Client:
    """A client for ``settings``' server, always with the worker's encrypting pydantic
    converter (config/converter.py), which refuses a command not encrypted with the
    application's key; ``PayloadKeyError`` (one line) when no key is configured."""
    address = settings.worker_metrics_address
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=worker_converter(settings),
        # The SDK's Prometheus metrics (worker/telemetry.py) when an address is set.
        runtime=metrics_runtime(address) if address else None,
    )


def tuned_worker(
    client: Client,
    task_queue: str,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    executor: ThreadPoolExecutor,
    slots: int = ACTIVITY_SLOTS,
    *,
    local_only: bool = False,
) -> Worker:
    """A worker with this project's settings (slots, sandbox, thread pool). The benchmark's
    baseline worker is built here too, so both are measured with the same settings.
    ``local_only``: ``activities`` run only as its workflows' local activities (this
    worker takes no activity task from the server)."""
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
            max_concurrent_activities=slots,
            no_remote_activities=local_only,
            # Settles the commands the worker's codec could not authenticate
            # (worker/command_guard.py); a no-op for a client without that codec.
            interceptors=[CommandGuard()],
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
        email=SmtpSender.from_settings(settings),
        webhook=WebhookSender.from_settings(settings),
        console_base_url=settings.console_base_url,
    )
    if senders.email is None:
        log.warning("SMTP_HOST is not set: no e-mail is sent (inbox only)")
    if senders.webhook is None:
        log.warning("WEBHOOK_SECRET is not set: no webhook is sent")
    return senders


def cycle_activities(
    engine: Engine, senders: Senders, keys: PayloadKeys | None = None
) -> list[Callable[..., Any]]:
    """The activities the cycle waits for (its records and checks), on the cycle's queue;
    and the volunteer requests' record."""
    cycle = CycleActivities(engine, senders)
    opinions = OpinionActivities(engine)
    return [
        opinions.load_opinion_setup,
        opinions.record_opinion,
        opinions.record_survey,
        cycle.load_council,
        cycle.record_cycle_opened,
        cycle.record_event,
        TaskActivities(engine).check_volunteers,
        RequestActivities(engine, senders, keys).record_volunteer_request,
    ]


def notification_activities(
    engine: Engine, senders: Senders, keys: PayloadKeys | None = None
) -> list[Callable[..., Any]]:
    """The activities that run beside the cycle (inbox, outbox, outside channels), on the
    notification queue (``contracts.cycle.notification_queue``); and the volunteer
    requests' notices (signing reply links with ``keys``)."""
    delivery = DeliveryActivities(engine, senders)
    return [
        RequestActivities(engine, senders, keys).notify_volunteers,
        CycleActivities(engine, senders).notify,
        delivery.deliver,
        delivery.record_delivery_failed,
        AuditAnchorActivities(engine, senders).publish_audit_anchor,
    ]


@asynccontextmanager
async def serving_queues(
    client: Client,
    task_queue: str,
    role: WorkerRole,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    notifications: Sequence[Callable[..., Any]],
    threads: int = ACTIVITY_THREADS,
    notify_threads: int = NOTIFY_THREADS,
    slots: int = ACTIVITY_SLOTS,
    local_activities: Sequence[Callable[..., Any]] = (),
) -> AsyncIterator[None]:
    """Serve ``workflows`` and ``activities`` on ``task_queue`` and ``notifications`` on the
    queue beside it, as much of it as ``role`` says, while the block runs. Each queue gets
    a worker with its own threads, so a burst of notices never queues ahead of the records
    a council is waiting for. The benchmark's baseline is served here too.

    ``local_activities`` (some of ``activities``) are the ones the workflows run as local
    activities: a worker that serves the workflows without the activities
    (``WORKER_ROLE=workflows``) still runs these itself; the activities' worker keeps them
    too, for runs that began before they became local."""
    serves_workflows = role is not WorkerRole.ACTIVITIES
    serves_activities = role is not WorkerRole.WORKFLOWS
    if serves_activities:
        cycle_queue_activities, local_only = list(activities), False
    else:
        cycle_queue_activities, local_only = list(local_activities), True
    with (
        ThreadPoolExecutor(max_workers=threads) as cycle_pool,
        ThreadPoolExecutor(max_workers=notify_threads) as notify_pool,
    ):
        workers = [
            tuned_worker(
                client,
                task_queue,
                workflows if serves_workflows else [],
                cycle_queue_activities,
                cycle_pool,
                slots,
                local_only=local_only,
            )
        ]
        if serves_activities:
            workers.append(
                tuned_worker(
                    client, notification_queue(task_queue), [], notifications, notify_pool, slots
                )
            )
        async with AsyncExitStack() as running:
            for worker in workers:
                await running.enter_async_context(worker)
            yield


@asynccontextmanager
async def serving(
    client: Client,
    task_queue: str,
    engine: Engine,
    senders: Senders,
    threads: int = ACTIVITY_THREADS,
    notify_threads: int = NOTIFY_THREADS,
    slots: int = ACTIVITY_SLOTS,
    role: WorkerRole = WorkerRole.ALL,
    keys: PayloadKeys | None = None,
) -> AsyncIterator[None]:
    """Serve the cycle workflow and its activities on ``task_queue``, and its
    notifications on the queue beside it (``serving_queues``), while the block runs; the
    daily audit anchor (``workflows.audit_anchor``) and the volunteer requests
    (``workflows.volunteer_request``) are served alongside."""
    async with serving_queues(
        client,
        task_queue,
        role,
        [
            CouncilCycleWorkflow,
            CouncilOpinionWorkflow,
            CouncilSurveyWorkflow,
            AuditAnchorWorkflow,
            VolunteerRequestWorkflow,
        ],
        cycle_activities(engine, senders, keys),
        notification_activities(engine, senders, keys),
        threads=threads,
        notify_threads=notify_threads,
        slots=slots,
        # The cycle records each command's event locally (workflows/event_recording.py).
        local_activities=[CycleActivities(engine, senders).record_event],
    ):
        yield


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Run the workers until ``stop`` is set, then shut down cleanly. The store must be
    migrated already: each process entry point does that once, before it starts."""
    client = await connect(settings)
    threads, notify_threads = settings.worker_activity_threads, settings.worker_notify_threads
    engine = make_engine(settings.resolved_database_url(), connections=threads + notify_threads)
    async with serving(
        client,
        settings.task_queue,
        engine,
        senders_from(settings),
        threads=threads,
        notify_threads=notify_threads,
        slots=settings.worker_activity_slots,
        role=settings.worker_role,
        keys=payload_keys_from(settings),
    ):
        await start_daily_anchor(client, settings.task_queue)
        log.info(
            "worker running: server=%s queue=%s (+ %s) role=%s metrics=%s",
            settings.temporal_address,
            settings.task_queue,
            notification_queue(settings.task_queue),
            settings.worker_role.value,
            settings.worker_metrics_address or "off",
        )
        await stop.wait()
        log.info("worker stopping")
