"""``python -m embedded``: see :mod:`embedded.launcher`."""

from __future__ import annotations

from pydantic import ValidationError

from config import get_settings
from config.log_format import configure_logging
from embedded.launcher import main

if __name__ == "__main__":
    try:
        log_format = get_settings().log_format
    except ValidationError:
        log_format = "text"  # the launcher reports the settings error in one line
    # Text or JSON (LOG_FORMAT); no URL (a webhook's token, a database password) and no
    # e-mail address reaches the log (config/log_format.py).
    configure_logging(log_format)
    main()
