"""A worker killed in the middle of sending, against real receivers on loopback.

Two moments, both in one run: the SMTP server holds each message before accepting it
(at RCPT), and the webhook server holds each call after accepting it. The worker (its own
process) is killed with SIGKILL while both are held; a new worker takes over once the
attempts time out. What actually arrives:

* e-mail: every message exactly once: the killed attempt never got it accepted;
* webhook: every call twice with the same delivery id: this is the window between the
  receiver accepting and the outbox recording ``sent`` that no sender can close alone;
  the receiver drops the repeat by ``X-CS-Delivery``, leaving each message once.

Afterwards replaying every ``deliver`` and ``notify`` sends nothing at all.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

import store
from activities.cycle_activities import CycleActivities
from activities.delivery_activities import DeliveryActivities, DeliveryOutcome
from contracts.activities import DeliverInput, NotifyInput
from domain.events import Notice
from store.deliveries import SENDING, SENT
from tests.notify.conftest import senders_for
from tests.notify.harness import COUNCIL, SECRET, YEAR, Harness, wait_until
from tests.notify.loopback import Hold, SmtpSink, WebhookSink
from worker.main import serving

ROOT = Path(__file__).parents[2]
#: discuss opens: chair and principal by mail, chair and coordinator by webhook;
#: approve opens: principal and chair by mail, chair by webhook.
MAILS, HOOKS = 4, 3


async def _start_worker_process(
    env: WorkflowEnvironment, queue: str, database_url: str, smtp: SmtpSink
) -> asyncio.subprocess.Process:
    target = env.client.service_client.config.target_host
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.notify.worker_process",
        target, queue, database_url, str(smtp.port), SECRET.get_secret_value(),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    assert line.strip() == b"ready", line
    return process


def _rows(engine: Engine) -> list[store.DeliveryRow]:
    with store.session_scope(engine) as session:
        return store.deliveries(session, COUNCIL, YEAR)


async def test_a_worker_killed_mid_send_loses_nothing_and_repeats_only_a_known_id(
    env: WorkflowEnvironment,
    notify_engine: Engine,
    database_url: str,
    smtp: SmtpSink,
    hook: WebhookSink,
    queue: str,
) -> None:
    smtp.hold = Hold("rcpt")
    hook.hold = Hold("data")
    process = await _start_worker_process(env, queue, database_url, smtp)
    harness = Harness(env, notify_engine, smtp, hook, queue)
    try:
        handle = await harness.open_at_approve()
        await wait_until(
            lambda: (
                (smtp.hold is not None and smtp.hold.held == MAILS)
                and (hook.hold is not None and hook.hold.held == HOOKS)
            )
        )
        assert [r.status for r in _rows(notify_engine)] == [SENDING] * (MAILS + HOOKS)
    finally:
        process.kill()
        await process.wait()
    assert smtp.received() == []  # held before acceptance: nothing accepted
    assert len(hook.received()) == HOOKS  # accepted, but the answer never got back
    for sink in (smtp, hook):
        assert sink.hold is not None
        sink.hold.release.set()
        sink.hold = None

    async with serving(env.client, queue, notify_engine, senders_for(smtp), threads=4):
        # The server will not skip its clock past attempts still outstanding, so the
        # killed ones time out in real time: 8 x 3 s + 10 s with its senders.
        await harness.settle(within=120)
        rows = _rows(notify_engine)
        assert [(r.status, r.attempts) for r in rows] == [(SENT, 2)] * (MAILS + HOOKS)
        await handle.terminate("test done")

    mail_ids = Counter(str(m["X-CS-Delivery"]) for m in smtp.received())
    assert len(mail_ids) == MAILS and set(mail_ids.values()) == {1}
    hook_ids = Counter(call.delivery_id for call in hook.received())
    assert len(hook_ids) == HOOKS and set(hook_ids.values()) == {2}
    assert all(call.verified for call in hook.received())
    assert {r.delivery_id for r in rows} == set(mail_ids) | set(hook_ids)

    # A retried or replayed activity never sends again.
    deliver = DeliveryActivities(notify_engine, senders_for(smtp)).deliver
    for row in rows:
        outcome = ActivityEnvironment().run(deliver, DeliverInput(delivery_key=row.delivery_key))
        assert outcome is DeliveryOutcome.ALREADY_DONE
    notify = CycleActivities(notify_engine, senders_for(smtp)).notify
    replay = NotifyInput(
        council_id=COUNCIL, fiscal_year=YEAR, event_seq=0, step="discuss",
        notice=Notice(template="step_opened", recipients=("n-chair",),
                      params={"step": "discuss", "due": "2027-04-30"}),
    )  # fmt: skip
    again = ActivityEnvironment().run(notify, replay)
    assert again.inbox_new == 0 and set(again.deliveries) <= {r.delivery_key for r in rows}
    assert len(_rows(notify_engine)) == MAILS + HOOKS
    assert len(smtp.received()) == MAILS and len(hook.received()) == 2 * HOOKS
