"""Keeping URLs and secrets out of logs, error texts and stored failure texts.

A webhook URL is often a secret itself (LINE and Slack bridges put their token in the
path), and a database URL may carry a password: any ``scheme://...`` in a text that leaves
the process (a log line, an exception's message, ``deliveries.last_error``) is replaced by
``[URL]``. The worker's log handlers run every record through ``RedactingFilter`` as a last
line of defence; the senders build their messages without URLs in the first place.
"""

from __future__ import annotations

import logging
import re

REDACTED_URL = "[URL]"
# A scheme, "://", then anything up to white space or a closing quote/bracket; a trailing
# full stop, comma or colon belongs to the sentence.
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{1,31}://[^\s'\"<>)\]]*[^\s'\"<>)\].,:;]")


def redact(text: str) -> str:
    """``text`` with every URL replaced by ``[URL]``."""
    return _URL.sub(REDACTED_URL, text)


class RedactingFilter(logging.Filter):
    """A handler filter that redacts URLs in a record's message and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops it."""
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def redact_logging() -> None:
    """Add ``RedactingFilter`` to every handler of the root logger (after its set-up)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
