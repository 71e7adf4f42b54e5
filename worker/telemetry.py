"""The worker's Prometheus metrics: the Temporal SDK's own runtime telemetry (workflow and
activity task latencies, schedule-to-start, polls, slots) served at
``http://WORKER_METRICS_ADDRESS/metrics``. The port doubles as the worker's liveness probe:
it answers while the process (and its SDK core) runs."""

from __future__ import annotations

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

#: One runtime per bind address and process: a second would try to bind the port again.
_RUNTIMES: dict[str, Runtime] = {}


class MetricsAddressError(ValueError):
    """``WORKER_METRICS_ADDRESS`` is not a usable ``host:port``."""


def metrics_runtime(bind_address: str) -> Runtime:
    """The SDK runtime serving Prometheus metrics on ``bind_address`` (``host:port``);
    ``MetricsAddressError`` in one line when that is not an address or cannot be bound."""
    found = _RUNTIMES.get(bind_address)
    if found is not None:
        return found
    host, _, port = bind_address.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise MetricsAddressError(
            f"WORKER_METRICS_ADDRESS must be host:port, got {bind_address[:100]!r}"
        )
    try:
        runtime = Runtime(
            telemetry=TelemetryConfig(
                metrics=PrometheusConfig(bind_address=bind_address, durations_as_seconds=True)
            )
        )
    except Exception as exc:  # the SDK core's bind error: say which setting, in one line
        raise MetricsAddressError(
            f"WORKER_METRICS_ADDRESS={bind_address}: cannot serve metrics there ({exc})"
        ) from exc
    _RUNTIMES[bind_address] = runtime
    return runtime
