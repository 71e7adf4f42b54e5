"""``LOG_FORMAT=json``: one JSON object per record, scrubbed of addresses and URLs."""

from __future__ import annotations

import json
import logging

import pytest

from config.log_format import JsonFormatter, ScrubbingFilter, configure_logging


def _formatted(message: str, *args: object, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("console.access", logging.INFO, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(record, name, value)
    ScrubbingFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed: dict[str, object] = json.loads(line)
    return parsed


def test_a_record_is_one_json_object_with_the_request_fields() -> None:
    record = _formatted("GET %s %d", "/me", 200, route="/me", status=200, duration_ms=3.5)
    assert record["logger"] == "console.access" and record["level"] == "INFO"
    assert record["message"] == "GET /me 200"
    assert (record["route"], record["status"], record["duration_ms"]) == ("/me", 200, 3.5)
    assert str(record["time"]).endswith("+00:00")


def test_addresses_and_token_urls_never_reach_the_line() -> None:
    record = _formatted(
        "mail to %s failed; link %s", "taro.yamada@school.example.jp",
        "http://localhost:8000/signin/link?token=abc123",
    )  # fmt: skip
    message = str(record["message"])
    assert "taro.yamada" not in message and "school.example" not in message
    assert "abc123" not in message and "[email]" in message and "[URL]" in message


def test_json_logging_writes_one_parsable_line_per_record(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging("json")
    try:
        logging.getLogger("worker.main").warning("no mail for %s", "hanako@example.org")
        try:
            raise ValueError("bad value from someone@example.org")
        except ValueError:
            logging.getLogger("worker.main").exception("failed")
    finally:
        # Give pytest back its own handlers: ours writes to this test's captured stderr.
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
    lines = capsys.readouterr().err.strip().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["message"] for r in records] == ["no mail for [email]", "failed"]
    assert "ValueError" in records[1]["error"] and "example.org" not in lines[1]
