"""The one data converter of every Temporal client, worker and Replayer: pydantic models,
encrypted with AES-256-GCM before they reach the server.

Every payload (workflow inputs and results, update arguments and results, query results,
activity inputs and results, and failure messages with their stack traces) is stored in
Temporal as::

    metadata: {"encoding": b"binary/encrypted", "encryption-key-id": b"<key id>"}
    data:     12-byte nonce + AES-GCM(serialised original payload), the key id as
              associated data

so a history read from the server (or its Web UI, or a backup of its database) holds no
names, minutes or comments. Decoding passes a payload without that encoding through as it
is: histories written before encryption was turned on still replay and read, which is also
how an existing deployment migrates. Workflow IDs and search attributes are never encrypted
(Temporal needs them in clear); they hold only opaque ids and years (docs/privacy.md).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

from config import Settings
from config.payload_keys import PayloadKeyError, PayloadKeys, payload_keys_from

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
NONCE_BYTES = 12


class EncryptionCodec(PayloadCodec):
    """Encrypts with the encrypting key; decrypts with whichever key a payload names."""

    def __init__(self, keys: PayloadKeys) -> None:
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.keys.items()}
        self._encrypting = keys.encrypting

    @property
    def encrypting_key_id(self) -> str:
        """The id new payloads carry in their ``encryption-key-id`` metadata."""
        return self._encrypting

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Each payload, serialised and encrypted with the encrypting key."""
        return [self._encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Each payload decrypted; one that is not encrypted is returned unchanged."""
        return [self._decrypt(payload) for payload in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        key_id = self._encrypting.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._encrypting].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id}, data=nonce + sealed
        )

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode("ascii", "replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyError(
                f"a payload is encrypted with key {key_id!r}, which is not in PAYLOAD_KEYS"
                f" (known: {', '.join(sorted(self._ciphers))}); add it back to decrypt"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, key_id.encode())
        except InvalidTag:
            raise PayloadKeyError(
                f"a payload encrypted with key {key_id!r} does not decrypt: a different key"
                " under that id, or altered data"
            ) from None
        return Payload.FromString(plain)


def encrypted_converter(keys: PayloadKeys) -> DataConverter:
    """The pydantic data converter with payloads and failure texts encrypted by ``keys``."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keys),
        # Failure messages and stack traces go into an encoded (so encrypted) payload too:
        # an activity's error may quote what it was working on.
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def data_converter(settings: Settings) -> DataConverter:
    """The converter for ``settings``' keys; ``PayloadKeyError`` (one line) without keys."""
    return encrypted_converter(payload_keys_from(settings))
