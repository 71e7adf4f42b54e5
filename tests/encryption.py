"""The payload keys of the test session: every test client, worker, Replayer and CLI
subprocess encrypts its Temporal payloads with them (config/converter.py)."""

from __future__ import annotations

import os

from temporalio.converter import DataConverter

from config.converter import encrypted_converter
from config.payload_keys import PayloadKeys, new_key_text, parse_payload_keys

#: ``PAYLOAD_KEYS`` for this session: one fresh key, so nothing depends on a fixed secret.
#: A test's helper subprocess (tests/notify/worker_process.py) inherits it through
#: ``CS_TEST_PAYLOAD_KEYS`` instead of making one of its own.
TEST_PAYLOAD_KEYS = os.environ.get("CS_TEST_PAYLOAD_KEYS") or new_key_text("test-session")
os.environ["CS_TEST_PAYLOAD_KEYS"] = TEST_PAYLOAD_KEYS
TEST_KEYS: PayloadKeys = parse_payload_keys(TEST_PAYLOAD_KEYS, None)


def encrypting_converter() -> DataConverter:
    """The encrypting converter with the session's key (what the worker and CLI use here)."""
    return encrypted_converter(TEST_KEYS)
