"""The keys that encrypt Temporal payloads: read from settings, or from a local key file.

``PAYLOAD_KEYS`` lists every key that may decrypt, as ``id:base64key`` separated by commas
(or new lines); each key is 32 random bytes (AES-256). ``PAYLOAD_KEY_ID`` names the one that
encrypts new payloads; it may be left unset when there is only one key. Rotating a key:

1. add the new key to ``PAYLOAD_KEYS`` and set ``PAYLOAD_KEY_ID`` to it, on every worker
   and client;
2. keep the old key in ``PAYLOAD_KEYS`` for as long as any history written with it is kept:
   old payloads name their key in their metadata and still decrypt.

Without ``PAYLOAD_KEYS`` the key file ``<DATA_DIR>/payload-keys`` (same format) is used; the
embedded launcher writes one with a fresh key on first start (``ensure_local_key``).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from config import Settings

#: The key file the embedded default creates in the data directory.
LOCAL_KEY_FILE = "payload-keys"
KEY_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class PayloadKeyError(ValueError):
    """The payload keys are missing or malformed, or a payload's key is unknown (one line)."""


@dataclass(frozen=True)
class PayloadKeys:
    """Keys by id; ``encrypting`` names the one new payloads are encrypted with."""

    keys: dict[str, bytes]
    encrypting: str

    def __post_init__(self) -> None:
        if self.encrypting not in self.keys:
            raise PayloadKeyError(
                f"PAYLOAD_KEY_ID={self.encrypting!r} is not one of the keys in PAYLOAD_KEYS"
                f" ({', '.join(sorted(self.keys))})"
            )

    def __repr__(self) -> str:
        # Never the key bytes, even in a traceback's locals.
        return f"PayloadKeys(ids={sorted(self.keys)}, encrypting={self.encrypting!r})"


def new_key_text(key_id: str) -> str:
    """``id:base64key`` for a fresh random key (for a key file or ``PAYLOAD_KEYS``)."""
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def parse_payload_keys(
    text: str, encrypting: str | None, source: str = "PAYLOAD_KEYS"
) -> PayloadKeys:
    """The keys in ``text`` (``id:base64key`` by comma or line); errors never echo a key."""
    keys: dict[str, bytes] = {}
    entries = [entry.strip() for entry in re.split(r"[,\n]", text) if entry.strip()]
    for position, entry in enumerate(entries, start=1):
        key_id, separator, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not separator or not _KEY_ID.fullmatch(key_id):
            raise PayloadKeyError(
                f"{source}: entry {position} must be id:base64key, the id 1-64 of A-Z a-z 0-9 . _ -"
            )
        try:
            key = base64.b64decode(encoded.strip(), altchars=b"-_", validate=False)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise PayloadKeyError(
                f"{source}: key {key_id!r} must be {KEY_BYTES} bytes in base64 (AES-256)"
            )
        if key_id in keys:
            raise PayloadKeyError(f"{source}: key id {key_id!r} appears twice")
        keys[key_id] = key
    if not keys:
        raise PayloadKeyError(f"{source} holds no key")
    if encrypting is None:
        if len(keys) > 1:
            raise PayloadKeyError(
                f"PAYLOAD_KEY_ID must name the encrypting key when {source} holds several"
            )
        encrypting = next(iter(keys))
    return PayloadKeys(keys, encrypting)


def local_key_path(data_dir: Path) -> Path:
    """Where the embedded default keeps its key file."""
    return data_dir / LOCAL_KEY_FILE


def keys_configured(settings: Settings) -> bool:
    """Whether ``PAYLOAD_KEYS`` is set to something (empty, as in a fresh ``.env``, is unset)."""
    return settings.payload_keys is not None and bool(
        settings.payload_keys.get_secret_value().strip()
    )


def payload_keys_from(settings: Settings) -> PayloadKeys:
    """The keys ``settings`` configure: ``PAYLOAD_KEYS``, else the data directory's key file.

    Raises ``PayloadKeyError`` (one line, no key material) when there is neither."""
    if settings.payload_keys is not None and keys_configured(settings):
        # An empty PAYLOAD_KEY_ID (docker compose passes one through) means "unset".
        encrypting = settings.payload_key_id or None
        return parse_payload_keys(settings.payload_keys.get_secret_value(), encrypting)
    path = local_key_path(settings.data_dir)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise PayloadKeyError(
            f"no payload encryption key: set PAYLOAD_KEYS (id:base64key) and PAYLOAD_KEY_ID,"
            f" or start `python -m embedded` once to create {path}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PayloadKeyError(f"cannot read the payload key file {path}: {exc}") from None
    return parse_payload_keys(text, settings.payload_key_id or None, source=str(path))


def ensure_local_key(data_dir: Path) -> Path | None:
    """Create the data directory (0700) and a key file with a fresh key (0600) unless one
    exists; the new file's path, or ``None`` when there was one already."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = local_key_path(data_dir)
    key_id = f"local-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(2)}"
    try:
        # O_EXCL: two launchers starting at once never overwrite each other's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(new_key_text(key_id) + "\n")
    return path
