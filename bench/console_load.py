"""``python -m bench.console_load``: the web console under load, on the stack ``make run``
starts (Temporal dev server file-backed, worker, console; SQLite) in a temporary
``DATA_DIR``.

Generates a municipality of ``--councils`` councils (seven people each, plus a chief
coordinator and a board admin), loads it and starts the cycles through the CLI (with the
local operator token), signs every person in through the real link flow (the link read
from ``DATA_DIR/mail``), brings a third of the councils to an open vote, a third to the
coordinate step with 30 tasks, and opens a meeting call on each. Then, per offered rate,
posts commands through the console's forms (votes, call replies, meetings, task
completions), open loop, while a probe chair on a council with no other load opens her
cycle page and votes every second. Prints a table per rate and writes JSON (``--json``).
The probe's council also has a closed year (the year before, walked whole by ``starter
demo``): after the rates, its cycle and minutes pages are timed against the open year's
(``--page-rounds`` each, no other load). See bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.console_load_drive import Probe, Tally, Workload, offered_load, probe
from bench.console_load_people import TIMEOUT, Council, in_turn, prepare, sign_in_all
from bench.console_load_stack import (
    MUNICIPALITY,
    SEATS,
    Stack,
    council_id,
    person_id,
    running_stack,
    write_municipality,
)
from domain.japan_time import current_fiscal_year, japan_date

KINDS = ("vote", "call", "tasks")


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.console_load", description=__doc__)
    add = parser.add_argument
    add("--councils", type=int, default=41, help="councils under load (plus the probe's)")
    add("--rates", default="5,20,50", help="offered commands per second, comma-separated")
    add("--seconds", type=float, default=60.0, help="seconds of load per rate")
    add("--pool", type=int, default=64, help="commands in flight at most (more are shed)")
    add("--drain", type=float, default=30.0, help="seconds to wait for the last answers")
    add("--page-rounds", type=int, default=40, help="closed/open page timings per page")
    add("--json", type=Path, help="write the result here")
    add("--data-dir", type=Path, help="DATA_DIR to use (kept); default: a temporary one")
    args = parser.parse_args(argv)
    try:
        args.rate_list = [float(r) for r in args.rates.split(",")]
    except ValueError:
        parser.error(f"--rates: numbers separated by commas, got {args.rates!r}")
    if not 1 <= args.councils <= 500:
        parser.error("--councils must be 1-500")
    if any(not 0 < r <= 500 for r in args.rate_list) or not 1 <= args.seconds <= 3600:
        parser.error("--rates must be in (0, 500] and --seconds in [1, 3600]")
    if args.pool < 1:
        parser.error("--pool must be at least 1")
    if not 1 <= args.page_rounds <= 1000:
        parser.error("--page-rounds must be 1-1000")
    return args


def _say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def _ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0] * 1000, 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000, 1)


async def run(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    """Set up, load at each rate, measure; the result."""
    year, today = current_fiscal_year(), japan_date(datetime.now(UTC))
    # The councils under load are 0 .. N-1; council N is the probe's, with no other load.
    total = args.councils + 1
    municipality_path = data_dir / "municipality.yaml"
    write_municipality(municipality_path, total)
    _say(f"DATA_DIR {data_dir}; starting python -m embedded")
    async with running_stack(data_dir) as stack:
        _say(f"console on 127.0.0.1:{stack.console_port}; loading {total} councils")
        await asyncio.to_thread(stack.cli, "load", str(municipality_path), "--yes")
        years = ("--year", str(year))
        # The probe's council walks last year whole first: a closed year, 40-odd events.
        # Closing it opens this year, which ``cycle start`` then finds running.
        probe_id, last_year = council_id(args.councils), str(year - 1)
        await asyncio.to_thread(stack.cli, "demo", "--council", probe_id, "--year", last_year)
        await asyncio.to_thread(stack.cli, "cycle", "start", "--municipality", MUNICIPALITY, *years)
        people_ids = [person_id(i, s) for i in range(total) for s, _ in SEATS]
        people = await sign_in_all(people_ids, stack.console_port, data_dir / "mail", _say)
        councils = [Council(i, year, KINDS[i % 3]) for i in range(args.councils)]
        probe_council = Council(args.councils, year, "vote")
        steps = [lambda c=c: prepare(c, people, today) for c in [*councils, probe_council]]
        started = time.monotonic()
        await in_turn(steps, 4)
        _say(f"councils ready in {time.monotonic() - started:.1f} s")
        workload = Workload(councils, people, today)
        chair = people[person_id(args.councils, "chair")]
        rates = []
        for rate in args.rate_list:
            rates.append(await _one_rate(args, stack, workload, chair, probe_council.url, rate))
            _say(table([rates[-1]]).splitlines()[-1])
        pages = await closed_and_open_pages(chair, probe_council.url, year, args.page_rounds)
        _say(pages_table(pages))
    return {
        "command": "python -m bench.console_load " + " ".join(sys.argv[1:]),
        "councils": args.councils,
        "people_signed_in": len(people),
        "seconds_per_rate": args.seconds,
        "pool": args.pool,
        "rates": rates,
        "closed_vs_open_pages": pages,
    }


async def _one_rate(
    args: argparse.Namespace, stack: Stack, workload: Workload, chair: Any, url: str, rate: float
) -> dict[str, Any]:
    _say(f"offering {rate:g} commands/s for {args.seconds:g} s")
    load_before = os.getloadavg()[0]
    cpu_before = stack.cpu_seconds()
    stop = asyncio.Event()
    probing = asyncio.create_task(probe(chair, url, stop))
    tally: Tally = await offered_load(workload, rate, args.seconds, args.pool, args.drain)
    stop.set()
    found: Probe = await probing
    cpu_after = stack.cpu_seconds()
    elapsed = max(tally.last_done - tally.first_sent, args.seconds)
    commands = tally.ok + len(found.command)
    cpu = {name: round(cpu_after[name] - cpu_before.get(name, 0.0), 2) for name in cpu_after}
    return {
        "offered_per_s": rate,
        "sent": tally.sent,
        "ok": tally.ok,
        "achieved_per_s": round(tally.ok / elapsed, 2),
        "errors": dict(tally.errors),
        "shed": tally.shed,
        "by_kind": dict(tally.kinds),
        "probe": {
            "page_ms": {f"p{q}": _ms(found.page, q) for q in (50, 95, 99)},
            "command_ms": {f"p{q}": _ms(found.command, q) for q in (50, 95, 99)},
            "pages": len(found.page),
            "commands": len(found.command),
            "errors": dict(found.errors),
        },
        "cpu_seconds": cpu,
        # How quiet the machine was: the 1-minute load average before and after.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cpu_ms_per_command": {
            name: round(1000 * seconds / commands, 1) if commands else None
            for name, seconds in {**cpu, "total": sum(cpu.values())}.items()
        },
    }


async def closed_and_open_pages(
    chair: Any, open_url: str, year: int, rounds: int
) -> dict[str, dict[str, Any]]:
    """The probe chair opens the closed year's cycle and minutes pages and the open
    year's, in turn, ``rounds`` times each; p50/p95 (ms) and failures per page."""
    closed_url = open_url.removesuffix(f"/{year}") + f"/{year - 1}"
    pages = {
        "closed cycle": closed_url,
        "closed minutes": f"{closed_url}/minutes",
        "open cycle": open_url,
        "open minutes": f"{open_url}/minutes",
    }
    timings: dict[str, list[float]] = {name: [] for name in pages}
    failures: dict[str, int] = dict.fromkeys(pages, 0)
    for _ in range(rounds):
        for name, url in pages.items():
            tick = time.monotonic()
            try:
                answer = await chair.browser.get(url, TIMEOUT)
            except (TimeoutError, OSError):
                failures[name] += 1
                continue
            if answer.status == 200:
                timings[name].append(time.monotonic() - tick)
            else:
                failures[name] += 1
    return {
        name: {"p50": _ms(found, 50), "p95": _ms(found, 95), "failed": failures[name]}
        for name, found in timings.items()
    }


def pages_table(pages: dict[str, dict[str, Any]]) -> str:
    """The closed-vs-open page timings as a Markdown table, with the closed/open ratio."""
    lines = ["| page | p50 ms | p95 ms | failed | p95 closed/open |", "|---|---|---|---|---|"]
    for name, found in pages.items():
        kind = name.split(" ", 1)[1]
        opened = pages.get(f"open {kind}", {}).get("p95")
        ratio = (
            f"{found['p95'] / opened:.2f}"
            if name.startswith("closed") and found["p95"] and opened
            else ""
        )
        lines.append(f"| {name} | {found['p50']} | {found['p95']} | {found['failed']} | {ratio} |")
    return "\n".join(lines)


def table(rates: list[dict[str, Any]]) -> str:
    """The rates as a Markdown table."""
    head = (
        "| offered/s | achieved/s | errors | shed | page p50/p95/p99 ms"
        " | command p50/p95/p99 ms | CPU ms/command console / worker / temporal / total |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in rates:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(r["errors"].items())) or "0"
        p, c, cpu = r["probe"]["page_ms"], r["probe"]["command_ms"], r["cpu_ms_per_command"]
        lines.append(
            f"| {r['offered_per_s']:g} | {r['achieved_per_s']} | {errors} | {r['shed']}"
            f" | {p['p50']} / {p['p95']} / {p['p99']} | {c['p50']} / {c['p95']} / {c['p99']}"
            f" | {cpu['console']} / {cpu['worker']} / {cpu['temporal']} / {cpu['total']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, write the JSON."""
    args = arguments(argv)
    if args.data_dir is not None:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(run(args, args.data_dir.resolve()))
    else:
        with tempfile.TemporaryDirectory(prefix="console-load-") as tmp:
            result = asyncio.run(run(args, Path(tmp)))
    print(table(result["rates"]))
    print(pages_table(result["closed_vs_open_pages"]))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
