"""A failing channel delays or fails its own delivery, never the cycle: an SMTP outage is
retried with backoff until the server is back, a refusal or three days of errors are
recorded as failed deliveries, and the cycle goes on meanwhile."""

from __future__ import annotations

from collections import Counter
from datetime import date

import store
from domain.commands import SubmitPolicyInput
from domain.model import Step
from store.deliveries import FAILED, PENDING, SENT
from tests.notify.harness import CHAIR_MAIL, COUNCIL, PRINCIPAL_MAIL, YEAR, Harness, wait_until
from tests.workflows.driver import send


def _rows(harness: Harness, template: str) -> list[store.DeliveryRow]:
    with store.session_scope(harness.engine) as session:
        return [r for r in store.deliveries(session, COUNCIL, YEAR) if r.template == template]


def _email_rows(harness: Harness, template: str) -> list[store.DeliveryRow]:
    return [r for r in _rows(harness, template) if r.channel == "email"]


async def test_an_smtp_outage_delays_but_does_not_lose_a_message(harness: Harness) -> None:
    harness.smtp.stop()
    handle = await harness.open_at_approve()

    # approve's step_opened goes to the chair and the principal; SMTP refuses connections.
    await wait_until(
        lambda: (
            {r.attempts for r in _email_rows(harness, "step_opened")[-2:]} == {1}
            and all(r.last_error for r in _email_rows(harness, "step_opened")[-2:])
        )
    )
    for _ in range(3):  # backoff: 5 s, 10 s, 20 s ...
        await harness.env.sleep(60)
    approve_mail = [r for r in _email_rows(harness, "step_opened") if r.status == PENDING]
    assert len(approve_mail) >= 2 and all(r.attempts >= 2 for r in approve_mail)
    assert "Connection refused" in (approve_mail[0].last_error or "")
    assert harness.smtp.received() == []
    # The cycle did not wait for the mail: the principal can go on.
    state = await send(handle, SubmitPolicyInput(actor="n-principal", text="基本方針 第1版"))
    assert state.step is Step.APPROVE

    harness.smtp.start()
    await harness.env.sleep(31 * 60)  # the longest backoff
    await harness.settle()
    received = Counter(str(m["To"]) for m in harness.smtp.received() if m["X-CS-Event"] ==
                       "step_opened")  # fmt: skip
    assert (received[CHAIR_MAIL], received[PRINCIPAL_MAIL]) == (2, 2)  # discuss, approve
    ids = Counter(str(m["Message-ID"]) for m in harness.smtp.received())
    assert max(ids.values()) == 1
    assert all(r.status == SENT for r in _email_rows(harness, "step_opened"))
    await handle.terminate("test done")


async def test_a_refusing_or_failing_webhook_is_recorded_and_the_cycle_goes_on(
    harness: Harness,
) -> None:
    harness.hook.status = 410  # gone: final at once
    handle = await harness.open_at_approve()
    await harness.settle()
    gone = [r for r in _rows(harness, "step_opened") if r.channel == "webhook"]
    assert gone and all(r.status == FAILED and r.attempts == 1 for r in gone)
    assert "HTTP 410" in (gone[0].last_error or "")

    harness.hook.status = 500  # broken for longer than the three days of retries
    await send(handle, SubmitPolicyInput(actor="n-principal", text="基本方針 第1版"))
    await wait_until(lambda: any(r.attempts >= 1 for r in _rows(harness, "vote_needed")
                                 if r.channel == "webhook"))  # fmt: skip
    for _ in range(4):
        await harness.env.sleep(24 * 3600)
    await harness.settle()
    [vote_hook] = [r for r in _rows(harness, "vote_needed") if r.channel == "webhook"]
    assert vote_hook.status == FAILED and vote_hook.attempts > 5
    assert "再試行を打ち切りました" in (vote_hook.last_error or "")
    with store.session_scope(harness.engine) as session:
        assert store.failed_deliveries_count(session, COUNCIL, YEAR) == len(gone) + 1
        # The board sees the permanent failures in its overview.
        [row] = [
            r
            for r in store.overview(session, "notifycity", YEAR, today=date(2027, 6, 1))
            if r.council_id == COUNCIL
        ]
        assert row.failed_notifications == len(gone) + 1
        # Inbox and e-mail were not held up by the broken webhook.
        assert next(n.template for n in store.inbox(session, "n-chair")) == "vote_needed"
    assert (await harness.state(handle)).step is Step.APPROVE
    await handle.terminate("test done")
