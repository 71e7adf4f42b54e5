"""``python -m bench.chaos``: councils run whole years on the real Temporal dev server and
PostgreSQL while the worker is killed, the server restarted, the store cut off and the
e-mail and webhook receivers fail; then every council is checked. Prints a table, writes
JSON (``--json``) and exits 1 when anything was lost, duplicated or stuck.

The faults fire at points drawn from ``--seed`` (logged as they fire), so a run can be
repeated; the timing of a busy machine still varies from run to run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from temporalio.client import Client

import store
from bench.chaos_checks import (
    Findings,
    audit_figures,
    command_figures,
    liveness_figures,
    notification_figures,
)
from bench.chaos_faults import Injector, TemporalServer, Worker, schedule
from bench.chaos_load import Driver, Ledger, LoadSettings, load_councils
from bench.chaos_net import SmtpReceiver, StoreProxy, WebhookReceiver
from bench.cycle_plan import bench_fiscal_year, cycle_commands, now_utc
from bench.overview_timing import recreate_postgres
from config import Settings
from config.converter import data_converter
from config.payload_keys import new_key_text
from embedded.server import free_port

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cs_chaos"


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    add = parser.add_argument
    add("--councils", type=int, default=50, help="councils, each runs one whole year")
    add("--kills", type=int, default=20, help="worker SIGKILLs")
    add("--server-restarts", type=int, default=1, help="Temporal server restarts")
    add("--store-cut", type=float, default=60.0, help="seconds the store is cut off (0: never)")
    add(
        "--channel-outage",
        type=float,
        default=45.0,
        help="seconds the SMTP and webhook receivers answer errors (0: never)",
    )
    add("--clients", type=int, default=4, help="concurrent client connections")
    add("--concurrency", type=int, default=25, help="councils driven at once")
    add(
        "--duplicate-rate",
        type=float,
        default=0.15,
        help="share of commands sent twice at once from two clients, under one update id",
    )
    add(
        "--noise-rate",
        type=float,
        default=0.2,
        help="chance, before each command, of a command the rules refuse",
    )
    add("--attempt-timeout", type=float, default=30.0, help="seconds before re-sending")
    add(
        "--command-deadline",
        type=float,
        default=900.0,
        help="seconds after which an unanswered command counts as lost",
    )
    add(
        "--final-wait",
        type=float,
        default=900.0,
        help="seconds each year may take to finish after its last command",
    )
    add("--seed", type=int, default=None, help="the seed of the fault points (default: random)")
    add(
        "--postgres-url",
        default=os.environ.get("CHAOS_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="the store's database: dropped and created afresh",
    )
    add("--workdir", type=Path, help="keep logs and the server's database here")
    add("--json", type=Path, help="write the result here")
    args = parser.parse_args(argv)
    if args.councils < 1 or args.clients < 1 or args.concurrency < 1:
        parser.error("--councils, --clients and --concurrency must be at least 1")
    if make_url(args.postgres_url).get_backend_name() != "postgresql":
        parser.error("--postgres-url must be a PostgreSQL URL (the store is cut off by a proxy)")
    return args


def _say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """The whole run; the result as a dict (``problems`` empty when all is well)."""
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    _say(f"seed {seed}; workdir {workdir}")
    year = bench_fiscal_year(now_utc())
    url = make_url(args.postgres_url)
    recreate_postgres(args.postgres_url)
    store.migrate(args.postgres_url)
    engine = store.make_engine(args.postgres_url)
    smtp, webhook = SmtpReceiver().start(), WebhookReceiver().start()
    proxy = await StoreProxy(url.host or "127.0.0.1", url.port or 5432).start()
    load_councils(engine, args.councils, webhook.url)
    keys, secret = new_key_text("chaos"), uuid.uuid4().hex
    os.environ.update(
        {
            "PAYLOAD_KEYS": keys,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_MODE": "plain",
            "SMTP_TIMEOUT_SECONDS": "5",
            "WEBHOOK_SECRET": secret,
            "WEBHOOK_TIMEOUT_SECONDS": "5",
        }
    )
    server = TemporalServer(free_port(), workdir / "temporal")
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    queue = f"chaos-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        temporal_address=server.address,
        task_queue=queue,
        database_url=args.postgres_url,
        payload_keys=keys,
    )
    worker = Worker(server.address, via_proxy, queue, workdir)
    faults = schedule(rng, args.kills, args.server_restarts, args.store_cut, args.channel_outage)
    for number, fault in enumerate(faults, 1):
        _say(f"planned fault {number}: {fault.kind} at {fault.at:.3f}, {fault.seconds:.1f} s")
    ledger = Ledger()
    planned = args.councils * len(cycle_commands(0, year))
    injector = Injector(
        faults,
        planned,
        worker,
        server,
        proxy,
        [smtp.receipts, webhook.receipts],
        lambda: ledger.accepted,
        _say,
    )
    started = time.monotonic()
    findings = Findings()
    try:
        await server.start()
        await worker.start()
        clients = [
            await Client.connect(server.address, data_converter=data_converter(settings))
            for _ in range(args.clients)
        ]
        load = LoadSettings(
            year, args.attempt_timeout, args.command_deadline, args.duplicate_rate, args.noise_rate
        )
        driver = Driver(clients, settings, load, ledger, seed, lambda: None)
        finished = asyncio.Event()
        faults_task = asyncio.create_task(injector.run(finished))
        councils = iter(range(args.councils))

        async def lane() -> None:
            for index in councils:
                try:
                    await driver.council(index)
                except Exception as exc:
                    findings.problem(f"council {index}: {type(exc).__name__}: {exc}")
                _say(f"council {index} sent its year ({ledger.accepted}/{planned} accepted)")

        await asyncio.gather(*(lane() for _ in range(min(args.concurrency, args.councils))))
        load_seconds = time.monotonic() - started
        _say(f"load done in {load_seconds:.0f} s; faults left: {len(faults) - len(injector.done)}")
        finished.set()
        await faults_task
        _say("checking every council")
        await liveness_figures(clients[0], settings, args.councils, year, findings, args.final_wait)
        command_figures(ledger, findings)
        audit_figures(engine, ledger, args.councils, year, findings)
        notification_figures(
            engine,
            ledger,
            args.councils,
            year,
            {"email": smtp.receipts, "webhook": webhook.receipts},
            findings,
        )
    finally:
        await worker.stop()
        await server.stop()
        await proxy.stop()
        smtp.stop()
        webhook.stop()
        engine.dispose()
    injector.recoveries(ledger.accepted_at)
    return {
        "seed": seed,
        "command": "python -m bench.chaos " + " ".join(sys.argv[1:]),
        "councils": args.councils,
        "fiscal_year": year,
        "wall_seconds": round(time.monotonic() - started, 1),
        "load_seconds": round(load_seconds, 1),
        **findings.figures,
        "faults": fault_figures(injector, worker),
        "problems": findings.problems,
    }


def fault_figures(injector: Injector, worker: Worker) -> dict[str, Any]:
    """Faults injected by kind, with the time to recover (p50 / max) of each kind."""
    figures: dict[str, Any] = {"worker_crashes_on_their_own": worker.crashes, "log": []}
    kinds: dict[str, list[float | None]] = {}
    for injected in injector.done:
        kinds.setdefault(injected.fault.kind, []).append(injected.recovery_seconds)
        figures["log"].append(
            {
                "kind": injected.fault.kind,
                "at": round(injected.fault.at, 4),
                "accepted_before": injected.accepted_before,
                "seconds": round(injected.fault.seconds, 1),
                "recovery_seconds": None
                if injected.recovery_seconds is None
                else round(injected.recovery_seconds, 1),
            }
        )
    for kind, times in kinds.items():
        known = [t for t in times if t is not None]
        figures[kind] = {
            "injected": len(times),
            "recovery_p50_s": round(statistics.median(known), 1) if known else None,
            "recovery_max_s": round(max(known), 1) if known else None,
            "not_measured": len(times) - len(known),
        }
    return figures


def table(result: dict[str, Any]) -> str:
    """The result as a Markdown table."""
    c, a, n = result["commands"], result["audit"], result["notifications"]
    cyc, f = result["cycles"], result["faults"]
    rows = [
        ("seed", result["seed"]),
        ("councils (whole years)", result["councils"]),
        ("commands sent / accepted / refused", f"{c['sent']} / {c['accepted']} / {c['refused']}"),
        (
            "commands lost / failed / duplicated in the audit",
            f"{c['lost'] + a['lost']} / {c['failed']} / {a['duplicated']}",
        ),
        (
            "sent twice at once (same update id) / re-sends after a failure",
            f"{c['sent_twice_at_once']} / {c['retries']}",
        ),
        (
            "inbox notices expected / delivered / duplicated",
            f"{n['inbox_expected']} / {n['inbox_delivered']} / {n['inbox_duplicated']}",
        ),
    ]
    for channel, o in n["outside"].items():
        rows.append(
            (
                f"{channel}: outbox / received / never received",
                f"{o['outbox_rows']} / {o['received']} / {o['never_received']}",
            )
        )
        rows.append(
            (
                f"{channel}: repeats within the window / beyond it",
                f"{o['received_twice_within_window']} / {o['duplicated_beyond_window']}",
            )
        )
    rows += [
        (
            "cycles closed / stuck / next year not opened",
            f"{cyc['closed']} / {cyc['stuck']} / {cyc['next_year_not_opened']}",
        ),
        (
            "doctor: cycles compared / differences",
            f"{cyc['doctor_cycles']} / {cyc['doctor_differences']}",
        ),
    ]
    for kind in ("worker_kill", "server_restart", "store_cut", "channel_outage"):
        if kind in f:
            k = f[kind]
            rows.append(
                (
                    f"{kind}: injected, recovery p50 / max (s)",
                    f"{k['injected']}, {k['recovery_p50_s']} / {k['recovery_max_s']}",
                )
            )
    rows.append(("worker crashes on their own", f["worker_crashes_on_their_own"]))
    rows.append(("wall time (s)", result["wall_seconds"]))
    lines = ["| figure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run, print, write; 1 when anything was lost, duplicated or stuck."""
    args = arguments(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(run(args, args.workdir))
    else:
        with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
            result = asyncio.run(run(args, Path(tmp)))
    print(table(result))
    for problem in result["problems"][:30]:
        print(f"PROBLEM: {problem}")
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
