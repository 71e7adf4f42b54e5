"""``python -m bench.run``: the engine's cost against a bare Temporal workflow, in one run.

Starts a fresh in-memory Temporal test server (unless ``TEMPORAL_ADDRESS`` is set), a fresh
SQLite store with N generated councils, and two worker processes with the same settings:
the engine's (``python -m worker``) and the baseline's (``python -m bench.baseline``).
Councils are driven in rounds that alternate baseline and engine, so both see the same
server fill-up and the same machine noise. See ``bench/README.md`` for every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import traceback
import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, func, select
from temporalio.client import Client

import store
from bench import population
from bench.baseline_workflow import (
    ADVANCE_UPDATE,
    BASELINE_WORKFLOW,
    OPENED_QUERY,
    AdvanceInput,
    BaselineInput,
)
from bench.cycle_plan import (
    Shape,
    advance_commands,
    bench_fiscal_year,
    cycle_commands,
    now_utc,
    shape,
)
from bench.drive import PhaseTimes, Run, Update, drive
from bench.history_check import event_counts, require_same_work
from bench.overview_timing import (
    copy_store,
    every_municipality,
    one_municipality,
    recreate_postgres,
    summary_of_all,
    time_query,
)
from bench.processes import (
    WorkerGroup,
    cpu_seconds,
    memory_kib,
    postgres_cpu_seconds,
    worker_group,
)
from bench.profiling import sampling, top_costs
from bench.report import machine, phase_figures, print_table, write_json
from bench.servers import add_server_pid_argument, check_server_pid, temporal_server
from config import get_settings
from config.converter import data_converter
from config.payload_keys import new_key_text
from contracts.cycle import STATE_QUERY, WORKFLOW_NAME, CycleInput, cycle_workflow_id
from domain.events import CommandReceipt
from store.models import Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cs_bench"
DEFAULT_STORE_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cs_bench_store"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--councils", type=int, default=1000, help="councils to run (1000)")
    parser.add_argument("--concurrency", type=int, default=50, help="councils at once (50)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds (4)")
    parser.add_argument("--json", type=Path, help="write the result here as JSON")
    parser.add_argument(
        "--advance-only",
        action="store_true",
        help="national scale: start every cycle and advance it one step; engine only",
    )
    parser.add_argument("--profile", type=Path, help="py-spy both workers into this dir")
    parser.add_argument(
        "--split-workers",
        action="store_true",
        help="run each side as two processes, workflows and activities (WORKER_ROLE)",
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL overview")
    parser.add_argument(
        "--store",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the engine's store during the run: a fresh SQLite file (default) or the "
        "PostgreSQL database of --store-postgres-url, recreated",
    )
    parser.add_argument(
        "--store-postgres-url",
        default=os.environ.get("BENCH_STORE_POSTGRES_URL", DEFAULT_STORE_POSTGRES_URL),
    )
    parser.add_argument("--workdir", type=Path, help="keep the store and logs here (default: temp)")
    add_server_pid_argument(parser)
    args = parser.parse_args(argv)
    if args.councils < 1 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--councils, --concurrency and --rounds must be at least 1")
    check_server_pid(parser, args.server_pid)
    return args


def engine_run(index: int, fiscal_year: int, advance_only: bool) -> Run:
    """The engine's workflow for one council."""
    cid = population.council_id(index)
    commands = (advance_commands if advance_only else cycle_commands)(index, fiscal_year)
    return Run(
        workflow=WORKFLOW_NAME,
        workflow_id=cycle_workflow_id(cid, fiscal_year),
        arg=CycleInput(council_id=cid, fiscal_year=fiscal_year),
        open_query=STATE_QUERY,
        updates=tuple(Update(c.kind, c, CommandReceipt) for c in commands),
        await_result=not advance_only,
    )


def baseline_run(index: int, fiscal_year: int, cycle: Shape) -> Run:
    """The baseline's workflow for one council: the same updates and activities."""
    last = cycle.updates - 1
    return Run(
        workflow=BASELINE_WORKFLOW,
        workflow_id=f"bench-baseline/{population.council_id(index)}/{fiscal_year}",
        arg=BaselineInput(opening_notices=cycle.opening_notices, open_child=cycle.closes),
        open_query=OPENED_QUERY,
        updates=tuple(
            Update(ADVANCE_UPDATE, AdvanceInput(notices=n, closes=cycle.closes and i == last), int)
            for i, n in enumerate(cycle.notices_per_update)
        ),
        await_result=cycle.closes,
    )


def count_rows(engine: Engine) -> int:
    """Rows in every table of the store."""
    with engine.connect() as connection:
        return sum(
            connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        )


def _cpu(workers: WorkerGroup, server_pid: int | None) -> tuple[float, float, float]:
    """CPU seconds so far of the workers, the server (0 when not ours) and PostgreSQL."""
    server = cpu_seconds(server_pid) if server_pid else 0.0
    return workers.cpu_seconds(), server, postgres_cpu_seconds()


def _mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


async def benchmark(args: argparse.Namespace, workdir: Path, console: Console) -> dict[str, Any]:
    """Run the whole benchmark in ``workdir``; return the result."""
    now = now_utc()
    fiscal_year = bench_fiscal_year(now)
    commands = (advance_commands if args.advance_only else cycle_commands)(0, fiscal_year)
    cycle = shape(0, commands, fiscal_year, now)
    url = f"sqlite:///{workdir / 'bench.db'}"
    if args.store == "postgresql":
        url = args.store_postgres_url
        recreate_postgres(url)
    store.migrate(url)
    engine = store.make_engine(url)
    with console.status(f"loading {args.councils} councils into the store"):
        load_started = asyncio.get_running_loop().time()
        population.load(engine, args.councils)
        load_seconds = asyncio.get_running_loop().time() - load_started
    rows_before = count_rows(engine)
    suffix = uuid.uuid4().hex[:8]
    engine_times, baseline_times = PhaseTimes(), PhaseTimes()
    result: dict[str, Any] = {
        "mode": "advance-only" if args.advance_only else "full-cycle",
        "councils": args.councils,
        "concurrency": args.concurrency,
        "rounds": 1 if args.advance_only else args.rounds,
        "fiscal_year": fiscal_year,
        "machine": machine(),
        "shape": {"updates": cycle.updates, "activities": cycle.activities},
        "worker_processes_per_side": 2 if args.split_workers else 1,
    }
    async with AsyncExitStack() as stack:
        address, server_pid, server_text = await stack.enter_async_context(
            temporal_server(workdir / "temporal", args.server_pid)
        )
        result["server"] = server_text
        # Encrypted as in production; the worker processes inherit the key.
        os.environ.setdefault("PAYLOAD_KEYS", new_key_text("bench"))
        client = await Client.connect(address, data_converter=data_converter(get_settings()))
        split = args.split_workers
        engine_worker = await stack.enter_async_context(
            worker_group(
                "worker", address, url, f"bench-engine-{suffix}", workdir / "engine.log", split
            )
        )
        baseline_worker = None
        if not args.advance_only:
            baseline_worker = await stack.enter_async_context(
                worker_group(
                    "bench.baseline",
                    address,
                    url,
                    f"bench-baseline-{suffix}",
                    workdir / "baseline.log",
                    split,
                )
            )
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            # Both sides, to compare them function by function; with --split-workers the
            # workflow process is "worker" and the activity process "activities".
            for side, group in (("engine", engine_worker), ("baseline", baseline_worker)):
                if group is None:
                    continue
                for process, name in zip(group.processes, ("worker", "activities"), strict=False):
                    raw = args.profile / f"{side}-{name}.pyspy.txt"
                    await stack.enter_async_context(sampling(process.pid, raw))
        rounds = 1 if args.advance_only else min(args.rounds, args.councils)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=console) as progress:
            bars = {"engine": progress.add_task("engine", total=args.councils)}
            if baseline_worker is not None:
                bars["baseline"] = progress.add_task("baseline", total=args.councils)
            for r in range(rounds):
                chunk = range(r * args.councils // rounds, (r + 1) * args.councils // rounds)
                phases = ["baseline", "engine"] if baseline_worker is not None else ["engine"]
                for phase in phases if r % 2 == 0 else phases[::-1]:
                    runs: Iterator[Run]
                    if phase == "engine":
                        runs = (engine_run(i, fiscal_year, args.advance_only) for i in chunk)
                        queue, times = f"bench-engine-{suffix}", engine_times
                    else:
                        runs = (baseline_run(i, fiscal_year, cycle) for i in chunk)
                        queue, times = f"bench-baseline-{suffix}", baseline_times
                    bar = bars[phase]
                    worker = engine_worker if phase == "engine" else baseline_worker
                    assert worker is not None
                    cpu_before = _cpu(worker, server_pid)
                    await drive(client, queue, runs, args.concurrency, times,
                                lambda bar=bar: progress.advance(bar))  # type: ignore[misc]  # fmt: skip
                    cpu_after = _cpu(worker, server_pid)
                    used = [a - b for a, b in zip(cpu_after, cpu_before, strict=True)]
                    times.worker_cpu_seconds += used[0]
                    times.server_cpu_seconds += used[1]
                    times.postgres_cpu_seconds += used[2]
        engine_peak = engine_worker.peak_rss_kib()
        baseline_peak = None if baseline_worker is None else baseline_worker.peak_rss_kib()
        server_mem = memory_kib(server_pid) if server_pid else {}
        result["history_check"] = {
            "engine": await event_counts(
                client, engine_run(0, fiscal_year, args.advance_only).workflow_id
            )
        }
        if baseline_worker is not None:
            checked = result["history_check"]
            checked["baseline"] = await event_counts(
                client, baseline_run(0, fiscal_year, cycle).workflow_id
            )
            require_same_work(checked["engine"], checked["baseline"])
    result["engine"] = phase_figures(engine_times)
    result["memory_mib"] = {
        "engine_worker_peak": _mib(engine_peak),
        "baseline_worker_peak": _mib(baseline_peak),
        "server_rss": _mib(server_mem.get("VmRSS")),
        "server_peak": _mib(server_mem.get("VmHWM")),
    }
    if baseline_worker is not None:
        base = phase_figures(baseline_times)
        eng = result["engine"]
        result["baseline"] = base
        result["ratios"] = {
            "cycle_cost": round(engine_times.wall_seconds / baseline_times.wall_seconds, 3),
            "cpu_per_cycle": round(eng["cpu_ms_per_cycle"] / base["cpu_ms_per_cycle"], 3),
            **{
                f"update_{p}": round(eng[f"update_{p}_ms"] / base[f"update_{p}_ms"], 3)
                for p in ("p50", "p95", "p99")
            },
        }
    written = count_rows(engine) - rows_before
    result["store"] = {
        "backend": engine.dialect.name,
        "load_seconds": round(load_seconds, 1),
        "rows_written": written,
        "rows_per_second": round(written / engine_times.wall_seconds, 1),
    }
    today = now.date()
    queries = {
        "one municipality": one_municipality,
        "all councils": every_municipality,
        "summary of all": summary_of_all,
    }
    # The overview is timed on both databases: the one the run wrote, and a copy of it in
    # the other (SQLite in the work directory, or PostgreSQL at --postgres-url).
    engines = {engine.dialect.name: engine}
    if args.store == "postgresql":
        copy_url = f"sqlite:///{workdir / 'overview-copy.db'}"
        store.migrate(copy_url)
        engines["sqlite"] = store.make_engine(copy_url)
        copy_store(engine, engines["sqlite"])
    elif not args.no_postgres:
        with console.status("copying the store to PostgreSQL for the overview"):
            recreate_postgres(args.postgres_url)
            store.migrate(args.postgres_url)
            engines["postgresql"] = store.make_engine(args.postgres_url)
            copy_store(engine, engines["postgresql"])
    result["overview"] = {
        f"{backend} {label}": time_query(db, lambda s, q=query: q(s, fiscal_year, today))  # type: ignore[misc]
        for backend, db in engines.items()
        for label, query in queries.items()
    }
    for db in engines.values():
        db.dispose()
    if args.profile:
        total, costs = top_costs(args.profile / "engine-worker.pyspy.txt")
        result["profile"] = {
            "samples": total,
            "top": [
                {
                    "function": c.function,
                    "inclusive": round(c.inclusive, 3),
                    "self": round(c.self_time, 3),
                }
                for c in costs
            ],
        }
    return result


def main(argv: list[str]) -> int:
    """Run, print the table (and the profile's top costs), write the JSON."""
    args = parse_args(argv)
    console = Console()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=False)
        result = asyncio.run(benchmark(args, args.workdir.resolve(), console))
    else:
        with tempfile.TemporaryDirectory(prefix="cs-bench-") as workdir:
            result = asyncio.run(benchmark(args, Path(workdir), console))
    print_table(result, console)
    for cost in result.get("profile", {}).get("top", []):
        console.print(f"{cost['inclusive']:6.1%} {cost['self']:6.1%}  {cost['function']}")
    if args.json:
        write_json(result, args.json)
    return 0


if __name__ == "__main__":
    code = 1
    try:
        code = main(sys.argv[1:])
    except Exception as exc:  # one line on stderr (the traceback in bench-error.log)
        trace = Path(tempfile.gettempdir()) / "bench-error.log"
        trace.write_text(traceback.format_exc(), encoding="utf-8")
        while isinstance(exc, ExceptionGroup):  # a failed lane: show the first cause
            exc = exc.exceptions[0]
        print(f"bench: {type(exc).__name__}: {exc} (traceback: {trace})", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the SDK can crash at interpreter exit (TEMPORAL-NOTES #6)
