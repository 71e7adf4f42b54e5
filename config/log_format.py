"""The processes' log lines: text by default, one JSON object per line with
``LOG_FORMAT=json`` (time, level, logger, message, and the access log's route, status and
duration). URLs (config/redaction.py) and e-mail addresses are taken out of every line:
a log must never carry a token's query string or a person's address."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Literal

from config.redaction import RedactingFilter, redact

REDACTED_EMAIL = "[email]"
_EMAIL = re.compile(r"[^\s@<>\"'(),;:\[\]]+@[^\s@<>\"'(),;:\[\]]+\.[A-Za-z]{2,}")
#: The request fields the console's access log adds to its records (``extra=``).
REQUEST_FIELDS = ("method", "route", "status", "duration_ms")


def scrub(text: str) -> str:
    """``text`` without URLs and e-mail addresses."""
    return _EMAIL.sub(REDACTED_EMAIL, redact(text))


class ScrubbingFilter(RedactingFilter):
    """Redacts URLs (as ``RedactingFilter``) and e-mail addresses in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops it."""
        super().filter(record)
        record.msg = scrub(str(record.msg))
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``time``, ``level``, ``logger``, ``message``, the
    request fields when the record has them, and ``error`` for an exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(self.formatException(record.exc_info))
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def configure_logging(log_format: Literal["text", "json"], level: int = logging.INFO) -> None:
    """Send every log record to stderr in ``log_format``, scrubbed; replaces the root
    logger's handlers (call once, at the start of a process)."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(ScrubbingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
