"""What the worker makes of a workflow payload it cannot authenticate: a refusal marker,
refused when a command brings it and read only when the workflow replays its own history.

The worker's codec (config/converter.py, ``strict``) turns a workflow payload that is not
encrypted for that workflow with a known key (plaintext from ``temporal workflow update
execute --input '{...}'``, a payload of another workflow, a master-key payload, altered
data) into::

    metadata: {"encoding": b"binary/unauthenticated", "unauthenticated": b"<reason>"}
    data:     the original payload serialised, when it could be read at all

It never raises: the SDK decodes a whole activation before the workflow runs, and a codec
error would fail that workflow task on every retry, so one forged command would stop the
cycle. The payload converter then decides, in the workflow:

* an update's argument (converted inside the workflow's event loop): refused with a
  one-line ``ApplicationError`` when the update arrives now (the SDK rejects the update
  before its validator: nothing is recorded, the cycle goes on); read as it is when the
  workflow replays an update its history accepted, before encryption was turned on;
* a start input or a signal (converted before the event loop runs, where replaying or not
  is unknown): handed on as ``Unverified``, which the worker's interceptor
  (worker/command_guard.py) settles inside the workflow: a live start fails the workflow,
  a replayed one reads; a signal is always dropped (see there).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import EncodingPayloadConverter
from temporalio.exceptions import ApplicationError

MARKER_ENCODING = "binary/unauthenticated"
REASON_METADATA = "unauthenticated"
#: The failure type a client sees when its command is refused.
REFUSAL_TYPE = "UnauthenticatedCommand"


class Unauthenticated(StrEnum):
    """Why a workflow payload is not trusted (a short code; never the payload's text)."""

    NOT_ENCRYPTED = "not-encrypted"
    DOES_NOT_DECRYPT = "unknown-key-or-altered"
    NO_WORKFLOW_KEY = "master-key-without-workflow"
    OTHER_WORKFLOW = "key-of-another-workflow"


def marker(reason: Unauthenticated, original: Payload | None) -> Payload:
    """The refusal marker for a payload, holding ``original`` when it could be read."""
    return Payload(
        metadata={
            "encoding": MARKER_ENCODING.encode(),
            REASON_METADATA: reason.value.encode(),
        },
        data=b"" if original is None else original.SerializeToString(),
    )


def refusal(reason: str, what: str = "command") -> ApplicationError:
    """The one-line refusal of a ``what`` whose payload is not authenticated."""
    return ApplicationError(
        f"アプリケーションの鍵で暗号化されていない{_WHAT_JA.get(what, 'コマンド')}は受け付けません"
        f" / refused: the {what} is not encrypted for this workflow with the application's"
        f" key ({reason})",
        type=REFUSAL_TYPE,
        non_retryable=True,
    )


_WHAT_JA = {"command": "コマンド", "start": "開始入力", "signal": "シグナル", "query": "照会"}


@dataclass(frozen=True)
class Unverified:
    """A start input or signal argument whose payload is not authenticated, to be settled
    inside the workflow (worker/command_guard.py): ``read`` it only when replaying."""

    reason: str
    original: Payload | None
    type_hint: type | None
    reader: PydanticPayloadConverter

    def read(self) -> Any:
        """The value the original payload holds; the refusal when there is none."""
        if self.original is None:
            raise refusal(self.reason)
        [value] = self.reader.from_payloads(
            [self.original], None if self.type_hint is None else [self.type_hint]
        )
        return value


class UnauthenticatedPayloadConverter(EncodingPayloadConverter):
    """Reads refusal markers (see the module's docstring); never writes one."""

    def __init__(self, reader: PydanticPayloadConverter) -> None:
        self._reader = reader

    @property
    def encoding(self) -> str:
        """The marker's encoding."""
        return MARKER_ENCODING

    def to_payload(self, value: Any) -> Payload | None:
        """Never: markers come only from the worker's codec."""
        return None

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        """In the workflow's event loop: the value when replaying, else the refusal.
        Before the loop runs (start input, signal): ``Unverified``."""
        reason = payload.metadata.get(REASON_METADATA, b"?").decode("ascii", "replace")
        original = Payload.FromString(payload.data) if payload.data else None
        unverified = Unverified(reason, original, type_hint, self._reader)
        if not workflow.in_workflow():
            return unverified
        if workflow.unsafe.is_replaying():
            # The history accepted it (written before encryption): replay must read it.
            return unverified.read()
        raise refusal(reason)


@functools.cache
def _shared_converters() -> tuple[EncodingPayloadConverter, ...]:
    """The encoding converters every ``CommandPayloadConverter`` delegates to, made once.

    The SDK makes a new payload converter each time it gives a data converter a
    serialization context (every workflow activation, every activity, every client call
    of a workflow: our codec's key depends on the workflow), and a fresh pydantic
    converter starts with an empty cache of type adapters, so each payload's type was
    compiled again. The converters hold no state but that cache (thread-safe), so one set
    serves every instance: 4% of the worker's CPU in ``bench.run``'s profile."""
    reader = PydanticPayloadConverter()
    return (
        UnauthenticatedPayloadConverter(reader),
        *PydanticPayloadConverter().converters.values(),
    )


class CommandPayloadConverter(PydanticPayloadConverter):
    """The pydantic payload converter, plus the refusal markers of the worker's codec."""

    def __init__(self) -> None:
        # Not ``super().__init__()``: that would build the pydantic converters again.
        self._set_converters(*_shared_converters())
