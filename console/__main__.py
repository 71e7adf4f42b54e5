"""``python -m console``: the web console alone, against ``TEMPORAL_ADDRESS`` and
``DATABASE_URL`` (or the SQLite file in ``DATA_DIR``), on ``CONSOLE_HOST``:``CONSOLE_PORT``
(127.0.0.1:8000 by default)."""

from __future__ import annotations

import sys

import uvicorn
from pydantic import ValidationError

from config import settings_error
from config.log_format import configure_logging
from console.app import create_app
from console.web import ConsoleSettings


def main() -> int:
    """Serve the console until interrupted; the exit code."""
    try:
        settings = ConsoleSettings()
    except ValidationError as exc:
        print(f"設定エラー / settings error: {settings_error(exc)}", file=sys.stderr)
        return 2
    print(f"コンソール / console: {settings.console_base_url}", flush=True)
    # Text or JSON (LOG_FORMAT), scrubbed of URLs and e-mail addresses; uvicorn's own
    # loggers go through the same handler (log_config=None).
    configure_logging(settings.log_format)
    uvicorn.run(
        create_app(settings),
        host=settings.console_host,
        port=settings.console_port,
        log_level="warning",
        log_config=None,
        # uvicorn's access log would carry sign-in tokens (the link's query string): off;
        # console/metrics.py logs each request by route template instead.
        access_log=False,
        # Longer than the idle timeout of the proxies in front (nginx 60 s, most load
        # balancers 60 s) and than a phone's pause between taps: a connection the console
        # closes as the next request goes out costs that request (uvicorn's default: 5 s).
        timeout_keep_alive=75,
        # X-Forwarded-* only from the proxies named in CONSOLE_TRUSTED_PROXIES (uvicorn
        # would otherwise believe any loopback client, and its FORWARDED_ALLOW_IPS).
        proxy_headers=bool(settings.console_trusted_proxies),
        forwarded_allow_ips=settings.console_trusted_proxies or None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
