"""``python -m worker``: run the worker against ``TEMPORAL_ADDRESS`` until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from pydantic import ValidationError

from config import get_settings, settings_error
from config.redaction import redact_logging
from store.db import migrate
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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    redact_logging()  # no URL (a webhook's token, a database password) reaches the log
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
