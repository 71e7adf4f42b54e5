"""``python -m embedded``: see :mod:`embedded.launcher`."""

from __future__ import annotations

import logging

from config.redaction import redact_logging
from embedded.launcher import main

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    redact_logging()  # no URL (a webhook's token, a database password) reaches the log
    main()
