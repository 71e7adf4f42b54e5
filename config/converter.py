"""The one data converter of every Temporal client, worker and Replayer: pydantic models,
encrypted with AES-256-GCM before they reach the server.

Every payload (workflow inputs and results, update arguments and results, query results,
activity inputs and results, and failure messages with their stack traces) is stored in
Temporal as::

    metadata: {"encoding": b"binary/encrypted", "encryption-key-id": b"<master key id>",
               "encryption-key-scope": b"<workflow id>"}
    data:     12-byte nonce + AES-GCM(serialised original payload), the key id and the
              scope as associated data

so a history read from the server (or its Web UI, or a backup of its database) holds no
names, minutes or comments.

Each workflow's payloads are encrypted with a key of their own: HKDF-SHA256 of the master
key (``PAYLOAD_KEYS``) and the workflow id, which is the business key
``council-cycle/<council>/<year>`` (contracts/cycle.py) and so says whose payload it is.
The console's codec endpoint decodes a payload only for a board admin of the council's
municipality (console/codec.py); a payload with no workflow (none is written today) is
encrypted with the master key itself and carries no scope.

Clients (``encrypted_converter``) pass a payload that is not encrypted through as it is:
histories written before encryption still read. The worker (``worker_converter``) does
not trust one: a command (start input, update argument, signal) that is not encrypted for
its workflow with a known key could come from anyone who reaches the Temporal port, so its
codec turns it into a refusal marker instead (config/command_payloads.py), which the
workflow refuses live and reads only when replaying its own history.
"""

from __future__ import annotations

import dataclasses
import os
from collections import OrderedDict
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

from config import Settings
from config.command_payloads import CommandPayloadConverter, Unauthenticated, marker
from config.payload_keys import KEY_BYTES, PayloadKeyError, PayloadKeys, payload_keys_from

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
#: The workflow id a payload's key is derived for; absent on a master-key payload.
SCOPE_METADATA = "encryption-key-scope"
NONCE_BYTES = 12
#: Derived keys kept at once (a worker touches a few hundred cycles a minute at most).
_DERIVED_CACHE = 4096
_HKDF_INFO = b"community-school payload key\x00"


class _Ciphers:
    """The master keys, and the per-workflow keys derived from them on demand (shared by
    every codec made from one set of keys, so each is derived once)."""

    def __init__(self, keys: PayloadKeys) -> None:
        self.master = dict(keys.keys)
        self.encrypting = keys.encrypting
        self._by_master = {key_id: AESGCM(key) for key_id, key in keys.keys.items()}
        self._derived: OrderedDict[tuple[str, str], AESGCM] = OrderedDict()

    def get(self, key_id: str, scope: str | None) -> AESGCM | None:
        """The cipher of ``key_id`` for ``scope`` (the master's own without one)."""
        if key_id not in self.master:
            return None
        if scope is None:
            return self._by_master[key_id]
        cipher = self._derived.get((key_id, scope))
        if cipher is None:
            derived = HKDF(
                algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=_HKDF_INFO + scope.encode(),
            ).derive(self.master[key_id])  # fmt: skip
            cipher = self._derived[(key_id, scope)] = AESGCM(derived)
            if len(self._derived) > _DERIVED_CACHE:
                self._derived.popitem(last=False)
        else:
            self._derived.move_to_end((key_id, scope))
        return cipher


def scope_of(context: SerializationContext | None) -> str | None:
    """The workflow id a payload of ``context`` belongs to, if it names one."""
    if isinstance(context, WorkflowSerializationContext | ActivitySerializationContext):
        return context.workflow_id or None
    return None


def associated_data(key_id: str, scope: str | None) -> bytes:
    """What AES-GCM authenticates beside the data: the key id, and the scope if any."""
    return key_id.encode() if scope is None else f"{key_id}\x00{scope}".encode()


def payload_key(payload: Payload) -> tuple[str, str | None] | None:
    """The (key id, scope) an encrypted payload names; ``None`` when it is not encrypted."""
    if payload.metadata.get("encoding") != ENCODING:
        return None
    key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode("ascii", "replace")
    raw_scope = payload.metadata.get(SCOPE_METADATA)
    return key_id, None if raw_scope is None else raw_scope.decode("utf-8", "replace")


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    """Encrypts with the encrypting key (derived for the payload's workflow); decrypts
    with whichever key and scope a payload names.

    ``strict`` (the worker's): a payload of a workflow that is not encrypted for that
    workflow with a known key is never raised on and never passed through as it is: it
    becomes a refusal marker (config/command_payloads.py). Raising would fail the whole
    workflow task, again on every retry: a forged command would stop the cycle."""

    def __init__(
        self,
        keys: PayloadKeys,
        *,
        strict: bool = False,
        context: SerializationContext | None = None,
        _ciphers: _Ciphers | None = None,
    ) -> None:
        self._ciphers = _ciphers or _Ciphers(keys)
        self._keys = keys
        self._strict = strict
        self._context = context
        self._scope = scope_of(context)

    @property
    def encrypting_key_id(self) -> str:
        """The id new payloads carry in their ``encryption-key-id`` metadata."""
        return self._ciphers.encrypting

    def with_context(self, context: SerializationContext) -> EncryptionCodec:
        """This codec for the payloads of ``context``'s workflow (its derived key)."""
        return EncryptionCodec(
            self._keys, strict=self._strict, context=context, _ciphers=self._ciphers
        )

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Each payload, serialised and encrypted with the encrypting key."""
        return [self._encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Each payload decrypted. One that is not encrypted is returned unchanged, or, by
        a strict codec decoding a workflow's payloads, as a refusal marker."""
        if self._strict and isinstance(self._context, WorkflowSerializationContext):
            return [self._checked(payload) for payload in payloads]
        return [self.decrypt(payload) for payload in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        key_id = self._ciphers.encrypting
        cipher = self._ciphers.get(key_id, self._scope)
        assert cipher is not None, "the encrypting key is one of the keys"
        nonce = os.urandom(NONCE_BYTES)
        sealed = cipher.encrypt(
            nonce, payload.SerializeToString(), associated_data(key_id, self._scope)
        )
        metadata = {"encoding": ENCODING, KEY_ID_METADATA: key_id.encode()}
        if self._scope is not None:
            metadata[SCOPE_METADATA] = self._scope.encode()
        return Payload(metadata=metadata, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        """``payload`` decrypted (unchanged when not encrypted); ``PayloadKeyError`` (one
        line) when its key is unknown or it does not decrypt."""
        named = payload_key(payload)
        if named is None:
            return payload
        key_id, scope = named
        cipher = self._ciphers.get(key_id, scope)
        if cipher is None:
            raise PayloadKeyError(
                f"a payload is encrypted with key {key_id!r}, which is not in PAYLOAD_KEYS"
                f" (known: {', '.join(sorted(self._ciphers.master))}); add it back to decrypt"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, associated_data(key_id, scope))
        except InvalidTag:
            raise PayloadKeyError(
                f"a payload encrypted with key {key_id!r} does not decrypt: a different key"
                " under that id, or altered data"
            ) from None
        return Payload.FromString(plain)

    def _checked(self, payload: Payload) -> Payload:
        """The decrypted payload when it was encrypted for this workflow with a known key;
        otherwise a refusal marker saying why (holding the readable original, if any, for
        a replay of a history written before)."""
        named = payload_key(payload)
        if named is None:
            return marker(Unauthenticated.NOT_ENCRYPTED, payload)
        try:
            plain = self.decrypt(payload)
        except PayloadKeyError:
            return marker(Unauthenticated.DOES_NOT_DECRYPT, None)
        if named[1] is None:
            return marker(Unauthenticated.NO_WORKFLOW_KEY, plain)
        if named[1] != self._scope:
            return marker(Unauthenticated.OTHER_WORKFLOW, plain)
        return plain


def encrypted_converter(keys: PayloadKeys, *, strict: bool = False) -> DataConverter:
    """The pydantic data converter with payloads and failure texts encrypted by ``keys``;
    ``strict`` for the worker (see ``EncryptionCodec``)."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_converter_class=CommandPayloadConverter,
        payload_codec=EncryptionCodec(keys, strict=strict),
        # Failure messages and stack traces go into an encoded (so encrypted) payload too:
        # an activity's error may quote what it was working on.
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def data_converter(settings: Settings) -> DataConverter:
    """The converter for ``settings``' keys; ``PayloadKeyError`` (one line) without keys."""
    return encrypted_converter(payload_keys_from(settings))


def worker_converter(settings: Settings) -> DataConverter:
    """The worker's converter: ``data_converter``, refusing unauthenticated commands."""
    return encrypted_converter(payload_keys_from(settings), strict=True)
