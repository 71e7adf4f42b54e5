"""``python -m worker``: run the worker against ``TEMPORAL_ADDRESS`` until SIGINT/SIGTERM;
``python -m worker --check``: exit 0 when its Temporal server and store answer
(worker/health.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from pydantic import ValidationError

from config import get_settings, settings_error
from config.log_format import configure_logging
from store.db import migrate
from worker.health import check_exit_code
from worker.main import run_worker


async def _main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    settings = get_settings()
    await asyncio.to_thread(migrate, settings.resolved_database_url())
    await run_worker(settings, stop)


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.stdout.flush()
        os._exit(check_exit_code())
    # Text or JSON (LOG_FORMAT); no URL (a webhook's token, a database password) and no
    # e-mail address reaches the log (config/log_format.py).
    try:
        log_format = get_settings().log_format
    except ValidationError:
        log_format = "text"  # the same error is reported in one line below
    configure_logging(log_format)
    code = 0
    try:
        asyncio.run(_main())
    except ValidationError as exc:  # a setting is wrong: name it
        print(f"worker: {settings_error(exc)}", file=sys.stderr)
        code = 1
    except Exception as exc:  # report the failure in one line, then exit non-zero
        print(f"worker: {exc}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # The SDK can crash at interpreter exit after all work is done (TEMPORAL-NOTES #6).
    os._exit(code)
