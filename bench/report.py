"""The benchmark's figures: percentiles, ratios, the printed table and the JSON file."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.drive import PhaseTimes


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def phase_figures(times: PhaseTimes) -> dict[str, Any]:
    """Cycles per second and update round trips (ms) of one phase, also by update."""
    ups = times.update_seconds
    return {
        "runs": times.runs,
        "wall_seconds": round(times.wall_seconds, 3),
        "cycles_per_second": round(times.runs / times.wall_seconds, 2) if times.wall_seconds else 0,
        "updates": len(ups),
        "update_p50_ms": round(percentile(ups, 50) * 1000, 2),
        "update_p95_ms": round(percentile(ups, 95) * 1000, 2),
        "update_p99_ms": round(percentile(ups, 99) * 1000, 2),
        "rpc_retries": times.rpc_retries,
        "open_queries_per_cycle": round(times.open_queries / max(times.runs, 1), 2),
        **_cpu_figures(times),
        "update_ms_by_name": {
            name: {
                "count": len(values),
                "p50": round(percentile(values, 50) * 1000, 1),
                "p99": round(percentile(values, 99) * 1000, 1),
                "max": round(max(values) * 1000, 1),
            }
            for name, values in sorted(times.update_seconds_by_name.items())
        },
    }


def _cpu_figures(times: PhaseTimes) -> dict[str, float]:
    """CPU milliseconds per cycle: of the worker, the server, PostgreSQL, and their sum."""
    runs = max(times.runs, 1)
    parts = {
        "worker_cpu_ms_per_cycle": times.worker_cpu_seconds,
        "server_cpu_ms_per_cycle": times.server_cpu_seconds,
        "postgres_cpu_ms_per_cycle": times.postgres_cpu_seconds,
    }
    figures = {name: round(seconds * 1000 / runs, 1) for name, seconds in parts.items()}
    figures["cpu_ms_per_cycle"] = round(sum(parts.values()) * 1000 / runs, 1)
    return figures


def machine() -> dict[str, Any]:
    """Where the run happened."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        mem_kib = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
    import os

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
    }


def _ratio(value: Any) -> str:
    return "" if value is None else f"{value:.2f}×"


def print_table(result: dict[str, Any], console: Console) -> None:
    """The figures as one table: engine, baseline and the ratio between them."""
    engine, baseline = result["engine"], result.get("baseline")
    ratios = result.get("ratios", {})
    table = Table(
        title=f"ベンチマーク / benchmark: {result['councils']} councils ({result['mode']})"
    )
    table.add_column("figure")
    table.add_column("engine", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("ratio", justify="right")
    table.add_column("target", justify="right")

    def row(label: str, key: str, ratio_key: str | None = None, target: str = "") -> None:
        table.add_row(
            label,
            f"{engine[key]}",
            "" if baseline is None else f"{baseline[key]}",
            _ratio(ratios.get(ratio_key)) if ratio_key else "",
            target,
        )

    row("cycles/s", "cycles_per_second", "cycle_cost", "cost ≤ 1.25×")
    row("CPU per cycle (ms): worker + server + PostgreSQL", "cpu_ms_per_cycle", "cpu_per_cycle")
    row("  of which the worker", "worker_cpu_ms_per_cycle")
    row("  of which the Temporal server", "server_cpu_ms_per_cycle")
    row("  of which PostgreSQL", "postgres_cpu_ms_per_cycle")
    row("update p50 (ms)", "update_p50_ms", "update_p50")
    row("update p95 (ms)", "update_p95_ms", "update_p95")
    row("update p99 (ms)", "update_p99_ms", "update_p99", "≤ 1.5×")
    mem = result["memory_mib"]
    table.add_row(
        "worker peak RSS (MiB)",
        f"{mem['engine_worker_peak']}",
        "" if mem.get("baseline_worker_peak") is None else f"{mem['baseline_worker_peak']}",
        "",
        "≤ 1024",
    )
    if mem.get("server_rss") is not None:
        table.add_row("server RSS now / peak (MiB)", f"{mem['server_rss']} / {mem['server_peak']}")
    store_figures = result["store"]
    table.add_row("store rows written/s", f"{store_figures['rows_per_second']}")
    for backend, figures in result.get("overview", {}).items():
        table.add_row(
            f"overview {backend} median / max (ms)",
            f"{figures['median_ms']:.1f} / {figures['max_ms']:.1f}",
            "",
            "",
            "≤ 200",
        )
    console.print(table)


def write_json(result: dict[str, Any], path: Path) -> None:
    """The whole result as indented JSON."""
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
