"""The checks at the end of a chaos run, for every council: the workflow agrees with the
store (``doctor``), every accepted command is in the audit exactly once, every notice
reached the inbox exactly once and each outside channel at least once (a repeat only
within the documented window), no cycle is stuck, and next year's cycle opened."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from temporalio.client import Client, WorkflowExecutionStatus

from application.commands import CommandRefused
from application.cycles import send, wait_for_state
from application.doctor import check
from bench.chaos_load import Ledger
from bench.chaos_net import Receipts
from bench.population import council_id, member_id, roster
from config import Settings
from contracts.cycle import cycle_workflow_id
from domain.commands import CloseDiscussionInput
from domain.model import Step
from domain.rules import execute, new_cycle, step_opened_notices
from store.models import AuditEvent, Delivery, Notification


@dataclass
class Findings:
    """Counts and the first few problems of each kind (``problems`` fails the run)."""

    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        """Note one problem."""
        self.problems.append(text)


def command_figures(ledger: Ledger, findings: Findings) -> None:
    """What the clients were told: sent / accepted / refused / lost / failed, and any
    unexpected answer (an expected command refused, a refusable one accepted, two
    senders of one update id told different things)."""
    outcomes = Counter(s.outcome for s in ledger.sent)
    findings.figures["commands"] = {
        "sent": len(ledger.sent),
        "accepted": outcomes["accepted"],
        "refused": outcomes["refused"],
        "lost": outcomes["lost"] + outcomes["pending"],
        "failed": outcomes["failed"],
        "sent_twice_at_once": sum(1 for s in ledger.sent if len(s.seqs_seen) > 1),
        "attempts": sum(s.attempts for s in ledger.sent),
        "retries": ledger.retries,
    }
    for s in ledger.sent:
        if s.outcome in ("lost", "pending", "failed"):
            findings.problem(f"{council_id(s.council)} {s.command.kind} {s.outcome}: {s.error}")
        elif (s.outcome == "accepted") != s.expect_accept:
            findings.problem(f"{council_id(s.council)} {s.command.kind}: {s.outcome} unexpectedly")
        if len(set(s.answers)) > 1:
            findings.problem(f"{council_id(s.council)} {s.update_id}: told {s.answers}")
        if len(set(s.seqs_seen)) > 1:
            findings.problem(f"{council_id(s.council)} {s.update_id}: receipts {s.seqs_seen}")


def audit_figures(
    engine: Engine, ledger: Ledger, councils: int, year: int, findings: Findings
) -> None:
    """Every accepted command exactly once in the audit, at the seq its receipt named."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                AuditEvent.council_id,
                AuditEvent.seq,
                AuditEvent.action,
                AuditEvent.actor,
                AuditEvent.command,
            ).where(AuditEvent.fiscal_year == year)
        ).all()
    by_council: dict[str, list[Any]] = {}
    for row in rows:
        by_council.setdefault(row.council_id, []).append(row)
    lost = duplicated = unexplained = 0
    for index in range(councils):
        audit = {row.seq: row for row in by_council.get(council_id(index), [])}
        accepted = [s for s in ledger.sent if s.council == index and s.outcome == "accepted"]
        for s in accepted:
            found = audit.get(s.seq) if s.seq is not None else None
            if found is None or (found.action, found.actor) != (s.command.kind, s.command.actor):
                lost += 1
                findings.problem(f"{council_id(index)} seq {s.seq} {s.command.kind}: not audited")
        copies = Counter(json.dumps(r.command, sort_keys=True) for r in audit.values())
        duplicated += sum(n - 1 for n in copies.values())
        unexplained += len(set(audit) - {s.seq for s in accepted})
    findings.figures["audit"] = {
        "rows": len(rows),
        "lost": lost,
        "duplicated": duplicated,
        "not_from_an_accepted_command": unexplained,
    }
    if duplicated or unexplained:
        findings.problem(f"audit: {duplicated} duplicated, {unexplained} unexplained rows")


def expected_inbox(ledger: Ledger, index: int, year: int) -> Counter[tuple[int, int, str, str]]:
    """(year, event seq, template, recipient) of every notice the rules send for the
    council's accepted commands, replayed in the order of their seqs, with the year's
    opening and next year's."""
    now = datetime.now(UTC)
    state = new_cycle(council_id(index), year, roster(index), now)
    wanted: Counter[tuple[int, int, str, str]] = Counter()
    for notice in step_opened_notices(state):
        for who in set(notice.recipients):
            wanted[(year, 0, notice.template, who)] += 1
    accepted = sorted(
        (s for s in ledger.sent if s.council == index and s.outcome == "accepted"),
        key=lambda s: s.seq or 0,
    )
    for s in accepted:
        decision = execute(state, s.command, now)
        state = decision.state
        for notice in decision.event.notices:
            for who in set(notice.recipients):
                wanted[(year, decision.event.seq, notice.template, who)] += 1
    following = new_cycle(council_id(index), year + 1, roster(index), now)
    for notice in step_opened_notices(following):
        for who in set(notice.recipients):
            wanted[(year + 1, 0, notice.template, who)] += 1
    return wanted


def notification_figures(
    engine: Engine,
    ledger: Ledger,
    councils: int,
    year: int,
    channels: dict[str, Receipts],
    findings: Findings,
) -> None:
    """Inbox exactly once per notice; every outbox row sent and received at least once,
    and never more often than it was attempted (a repeat beyond that is no retry)."""
    with engine.connect() as connection:
        inbox = connection.execute(
            select(
                Notification.council_id,
                Notification.fiscal_year,
                Notification.event_seq,
                Notification.template,
                Notification.recipient_id,
            ).where(Notification.fiscal_year.in_((year, year + 1)))
        ).all()
        outbox = connection.execute(
            select(
                Delivery.delivery_key,
                Delivery.channel,
                Delivery.status,
                Delivery.attempts,
                Delivery.fiscal_year,
            )
        ).all()
    got: dict[str, Counter[tuple[int, int, str, str]]] = {}
    for row in inbox:
        got.setdefault(row.council_id, Counter())[
            (row.fiscal_year, row.event_seq, row.template, row.recipient_id)
        ] += 1
    expected = missing = duplicated = 0
    for index in range(councils):
        wanted = expected_inbox(ledger, index, year)
        have = got.get(council_id(index), Counter())
        expected += sum(wanted.values())
        missing += sum((wanted - have).values())
        duplicated += sum(n - 1 for n in have.values() if n > 1)
        if wanted != have:
            findings.problem(
                f"{council_id(index)} inbox: wanted {dict(wanted - have)} "
                f"extra {dict(have - wanted)}"
            )
    from store.deliveries import delivery_id

    outside: dict[str, dict[str, int]] = {}
    for channel, receipts in channels.items():
        counts, _ = receipts.snapshot()
        rows = [r for r in outbox if r.channel == channel]
        unsent = [r for r in rows if r.status != "sent"]
        never = [r for r in rows if counts[delivery_id(r.delivery_key)] == 0]
        repeated = [r for r in rows if counts[delivery_id(r.delivery_key)] > 1]
        beyond = [r for r in rows if counts[delivery_id(r.delivery_key)] > r.attempts]
        known = {delivery_id(r.delivery_key) for r in rows}
        outside[channel] = {
            "outbox_rows": len(rows),
            "received": sum(counts.values()),
            "not_sent": len(unsent),
            "never_received": len(never),
            "received_twice_within_window": len(repeated) - len(beyond),
            "duplicated_beyond_window": len(beyond),
            "unknown_ids": len(set(counts) - known),
            "refused_while_failing": receipts.refused,
        }
        if unsent or never or beyond or set(counts) - known:
            findings.problem(f"{channel}: {outside[channel]}")
    findings.figures["notifications"] = {
        "inbox_expected": expected,
        "inbox_delivered": len(inbox),
        "inbox_missing": missing,
        "inbox_duplicated": duplicated,
        "outside": outside,
    }


async def liveness_figures(
    client: Client,
    settings: Settings,
    councils: int,
    year: int,
    findings: Findings,
    wait_seconds: float,
) -> None:
    """Each year closed (its workflow completed), next year's cycle open and answering a
    query and a harmless command (a member closing discussion: refused at once), and the
    store agreeing with every workflow (``doctor``)."""
    stuck = not_opened = 0
    semaphore = asyncio.Semaphore(10)

    async def one(index: int) -> None:
        nonlocal stuck, not_opened
        council = council_id(index)
        async with semaphore:
            handle = client.get_workflow_handle(cycle_workflow_id(council, year))
            try:
                await asyncio.wait_for(handle.result(), wait_seconds)
            except Exception as exc:
                stuck += 1
                findings.problem(f"{council} {year}: did not complete ({type(exc).__name__})")
                return
            try:
                nxt = await wait_for_state(client, council, year + 1, wait_seconds)
            except Exception as exc:
                not_opened += 1
                findings.problem(f"{council} {year + 1}: not open ({type(exc).__name__})")
                return
            if nxt.step is not Step.DISCUSS:
                findings.problem(f"{council} {year + 1}: opened at {nxt.step}")
            try:
                await send(
                    client,
                    council,
                    year + 1,
                    CloseDiscussionInput(actor=member_id(index, "m1")),
                    answer_within=wait_seconds,
                )
                findings.problem(f"{council} {year + 1}: a member closed discussion")
            except CommandRefused:
                pass
            except Exception as exc:
                stuck += 1
                findings.problem(f"{council} {year + 1}: no answer ({type(exc).__name__})")
            description = await handle.describe()
            if description.status != WorkflowExecutionStatus.COMPLETED:
                stuck += 1

    await asyncio.gather(*(one(i) for i in range(councils)))
    checkup = await check(client, settings, include_closed=True)
    for difference in checkup.differences[:10]:
        findings.problem(f"doctor: {difference.line()}")
    findings.figures["cycles"] = {
        "closed": councils - stuck,
        "stuck": stuck,
        "next_year_not_opened": not_opened,
        "doctor_cycles": checkup.cycles,
        "doctor_differences": len(checkup.differences),
    }
