"""Per-workflow payload keys and the worker's strict codec, on their own: what each kind
of payload a forger could send becomes, and that a scope cannot be moved or faked."""

from __future__ import annotations

import json

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.converter import ActivitySerializationContext, WorkflowSerializationContext

from config.command_payloads import (
    MARKER_ENCODING,
    REASON_METADATA,
    CommandPayloadConverter,
    Unauthenticated,
    Unverified,
)
from config.converter import SCOPE_METADATA, EncryptionCodec
from config.payload_keys import PayloadKeyError, new_key_text, parse_payload_keys
from contracts.cycle import council_of_workflow_id, cycle_workflow_id

KEYS = parse_payload_keys(new_key_text("k1"), None)
CYCLE_A = cycle_workflow_id("kushiro-kushiro", 2026)
CYCLE_B = cycle_workflow_id("asahikawa-koyo", 2026)
PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps("議事録").encode())


def _in(workflow_id: str, *, strict: bool = False) -> EncryptionCodec:
    context = WorkflowSerializationContext(namespace="default", workflow_id=workflow_id)
    return EncryptionCodec(KEYS, strict=strict).with_context(context)


def _reason(payload: Payload) -> str:
    assert payload.metadata["encoding"] == MARKER_ENCODING.encode()
    return payload.metadata[REASON_METADATA].decode()


async def test_each_workflow_has_its_own_key_named_in_clear() -> None:
    [for_a] = await _in(CYCLE_A).encode([PLAIN])
    assert for_a.metadata[SCOPE_METADATA] == CYCLE_A.encode()
    # An activity of the cycle writes under the same scope as the cycle itself.
    activity = ActivitySerializationContext(
        namespace="default", activity_id="1", activity_type="record_event",
        activity_task_queue="q", workflow_id=CYCLE_A, workflow_type="w", is_local=False,
    )  # fmt: skip
    [from_activity] = await EncryptionCodec(KEYS).with_context(activity).encode([PLAIN])
    assert from_activity.metadata[SCOPE_METADATA] == CYCLE_A.encode()
    # Any client with the master keys reads either (the scope is in the metadata).
    assert await EncryptionCodec(KEYS).decode([for_a, from_activity]) == [PLAIN, PLAIN]


async def test_a_scope_cannot_be_moved_to_another_workflow() -> None:
    [for_a] = await _in(CYCLE_A).encode([PLAIN])
    moved = Payload(metadata={**for_a.metadata, SCOPE_METADATA: CYCLE_B.encode()}, data=for_a.data)
    with pytest.raises(PayloadKeyError, match="does not decrypt"):
        await EncryptionCodec(KEYS).decode([moved])
    unscoped = Payload(
        metadata={k: v for k, v in for_a.metadata.items() if k != SCOPE_METADATA},
        data=for_a.data,
    )
    with pytest.raises(PayloadKeyError, match="does not decrypt"):
        await EncryptionCodec(KEYS).decode([unscoped])


async def test_the_strict_codec_never_raises_and_says_why() -> None:
    strict_b = _in(CYCLE_B, strict=True)
    [genuine] = await _in(CYCLE_B).encode([PLAIN])
    [of_a] = await _in(CYCLE_A).encode([PLAIN])
    [master] = await EncryptionCodec(KEYS).encode([PLAIN])
    [other_key] = await EncryptionCodec(parse_payload_keys(new_key_text("k1"), None)).encode(
        [PLAIN]
    )
    altered = Payload(metadata=genuine.metadata, data=genuine.data[:-1] + b"\x00")
    decoded = await strict_b.decode([genuine, PLAIN, of_a, master, other_key, altered])
    assert decoded[0] == PLAIN
    reasons = [_reason(p) for p in decoded[1:]]
    assert reasons == [
        Unauthenticated.NOT_ENCRYPTED,
        Unauthenticated.OTHER_WORKFLOW,
        Unauthenticated.NO_WORKFLOW_KEY,
        Unauthenticated.DOES_NOT_DECRYPT,
        Unauthenticated.DOES_NOT_DECRYPT,
    ]
    # What could be read is kept (for the replay of a history written before); what could
    # not is not.
    assert [Payload.FromString(p.data) if p.data else None for p in decoded[1:]] == [
        PLAIN, PLAIN, PLAIN, None, None,
    ]  # fmt: skip
    # A client's codec (not strict) passes plaintext through as before.
    assert await _in(CYCLE_B).decode([PLAIN]) == [PLAIN]


async def test_outside_a_workflow_a_marker_is_left_for_the_guard_to_settle() -> None:
    [marked] = await _in(CYCLE_B, strict=True).decode([PLAIN])
    [value] = CommandPayloadConverter().from_payloads([marked], [str])
    assert isinstance(value, Unverified)
    assert value.reason == Unauthenticated.NOT_ENCRYPTED and value.read() == "議事録"
    # Without an original (altered data) there is nothing to read: only the refusal.
    [gone] = await _in(CYCLE_B, strict=True).decode(
        [Payload(metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"x"})]
    )
    [unreadable] = CommandPayloadConverter().from_payloads([gone], [str])
    with pytest.raises(Exception, match="refused: the command is not encrypted"):
        unreadable.read()


def test_a_cycles_workflow_id_names_its_council() -> None:
    assert council_of_workflow_id(CYCLE_A) == "kushiro-kushiro"
    assert council_of_workflow_id(cycle_workflow_id("a/b", 2027)) == "a/b"
    for other in ("council-cycle/x", "other/x/2026", "council-cycle//2026", "x"):
        assert council_of_workflow_id(other) is None
