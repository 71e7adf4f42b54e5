"""Temporal holds only ciphertext: a whole year's history names nobody and quotes nothing,
and rotating the encrypting key keeps old histories readable."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import History
from temporalio.client import Client, WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from activities.channels import Senders
from config.converter import ENCODING, KEY_ID_METADATA, EncryptionCodec, encrypted_converter
from config.payload_keys import PayloadKeyError, new_key_text, parse_payload_keys
from contracts.cycle import CycleInput, cycle_workflow_id, notification_queue
from domain.model import CycleState, Step
from embedded.server import ServerKind, embedded_temporal, free_port
from tests.workflows.conftest import FIXTURES
from tests.workflows.driver import COUNCIL, send, to_close, to_plan, wait_open
from worker.main import cycle_activities, notification_activities
from workflows.council_cycle import CouncilCycleWorkflow

RECORDED = Path(__file__).parent.parent / "histories" / "full_cycle.json"


def _personal_strings() -> list[str]:
    """Names from the test council's file, and every minute, comment and free text the
    driver sends: none of them may appear in Temporal."""
    municipality = yaml.safe_load((FIXTURES / "testcity.yaml").read_text(encoding="utf-8"))
    names = [person["name"] for person in municipality["people"]]
    names += [council["name"] for council in municipality["councils"]]
    texts = [
        "目指す子ども像について熟議した",  # public minutes
        "個別の支援について（非公開）",  # closed minutes
        "ふるさとを誇り、自ら学ぶ子ども",  # vision draft
        "基本方針 第1版",
        "地域の視点が足りない",  # a vote's comment
        "保険は学校で加入済み",  # a waived task's reason
        "人手不足",  # an evaluation's comment
        "読み聞かせ",  # an activity's title
    ]
    return names + texts


def _found_in(history: WorkflowHistory, needles: list[str]) -> list[str]:
    """The needles present in the history's raw protobuf bytes or its JSON."""
    raw = History(events=history.events).SerializeToString()
    as_json = history.to_json()
    return [n for n in needles if n.encode() in raw or n in as_json]


def _keys(text: str, encrypting: str | None = None) -> DataConverter:
    return encrypted_converter(parse_payload_keys(text, encrypting))


def _client(env: WorkflowEnvironment, converter: DataConverter) -> Client:
    config = env.client.config()
    config["data_converter"] = converter
    return Client(**config)


def test_the_search_finds_names_in_a_history_written_in_clear() -> None:
    # The recorded fixture predates encryption: the same search must find them there, or
    # the test below could pass by searching wrongly.
    history = WorkflowHistory.from_json(cycle_workflow_id(COUNCIL, 2026), RECORDED.read_text())
    found = _found_in(history, _personal_strings())
    # (Names are not there even in clear: the cycle carries person ids, and the notices
    # look names up in their activities. They are searched for all the same.)
    assert {"個別の支援について（非公開）", "地域の視点が足りない", "人手不足"} <= set(found)


async def test_a_full_year_leaves_no_name_minute_or_comment_in_temporal(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    handle = await temporal_env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=2005),
        id=cycle_workflow_id(COUNCIL, 2005),
        task_queue=task_queue,
    )
    await wait_open(handle)
    for command in [*to_plan(2005), *to_close(2005)]:
        state = await send(handle, command)
    assert state.step is Step.CLOSED
    await handle.result()

    # Fetched with no codec at all: exactly what the server stores and shows.
    raw_client = _client(temporal_env, DataConverter())
    history = await raw_client.get_workflow_handle(handle.id).fetch_history()
    assert len(history.events) > 50
    assert _found_in(history, _personal_strings()) == []
    payloads = [
        payload
        for event in history.events
        for field in ("workflow_execution_started_event_attributes",)
        if event.HasField(field)
        for payload in getattr(event, field).input.payloads
    ]
    assert payloads and all(p.metadata["encoding"] == ENCODING for p in payloads)
    # The same history replays with the key, and reads in full.
    replayer = Replayer(
        workflows=[CouncilCycleWorkflow], data_converter=temporal_env.client.data_converter
    )
    replayed = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert replayed.replay_failure is None


@asynccontextmanager
async def _uncached_worker(client: Client, queue: str, engine: Engine) -> AsyncIterator[None]:
    """The cycle's worker without a workflow cache: a cached workflow's tasks go to its
    worker's sticky queue, which the test server keeps after that worker has stopped."""
    senders = Senders()
    with ThreadPoolExecutor(max_workers=2) as pool:
        cycle = Worker(
            client, task_queue=queue, workflows=[CouncilCycleWorkflow],
            activities=cycle_activities(engine, senders), activity_executor=pool,
            max_cached_workflows=0,
        )  # fmt: skip
        notices = Worker(
            client, task_queue=notification_queue(queue),
            activities=notification_activities(engine, senders), activity_executor=pool,
        )  # fmt: skip
        async with cycle, notices:
            yield


def _key_ids(history: WorkflowHistory) -> set[str]:
    """The key ids named by the payloads the history's updates carried."""
    ids = set()
    for event in history.events:
        if event.HasField("workflow_execution_update_accepted_event_attributes"):
            attributes = event.workflow_execution_update_accepted_event_attributes
            for payload in attributes.accepted_request.input.args.payloads:
                ids.add(payload.metadata[KEY_ID_METADATA].decode())
    return ids


async def test_a_rotated_key_still_reads_old_history_and_encrypts_with_the_new_one(
    engine: Engine, testcity: None, tmp_path: Path
) -> None:
    # A real-time server of its own: two clients with two key sets, one worker after the
    # other, as in a deployment that rotates its key.
    async with embedded_temporal(free_port(), tmp_path, ServerKind.TEST_SERVER) as address:
        await _rotate_on(address, engine)


async def _rotate_on(address: str, engine: Engine) -> None:
    key_a, key_b = new_key_text("key-a"), new_key_text("key-b")
    with_a = _keys(key_a)
    rotated = _keys(f"{key_a},{key_b}", "key-b")
    queue = f"rotate-{uuid.uuid4().hex[:8]}"
    workflow_id = cycle_workflow_id(COUNCIL, 2007)
    commands = to_plan(2007)

    client_a = await Client.connect(address, data_converter=with_a)
    async with _uncached_worker(client_a, queue, engine):
        handle = await client_a.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=COUNCIL, fiscal_year=2007),
            id=workflow_id,
            task_queue=queue,
        )
        await wait_open(handle)
        for command in commands[:3]:
            await send(handle, command)
    written_with_a = await client_a.get_workflow_handle(workflow_id).fetch_history()
    assert _key_ids(written_with_a) == {"key-a"}

    # A is demoted to decrypt-only, B encrypts. A fresh worker replays A's history to go on.
    client_rotated = await Client.connect(address, data_converter=rotated)
    async with _uncached_worker(client_rotated, queue, engine):
        handle_rotated = client_rotated.get_workflow_handle(workflow_id)
        for command in commands[3:6]:
            state: CycleState = await send(handle_rotated, command)
        # The six commands; a past year's deadline alerts are counted as they fire.
        assert state.accepted_commands - len(state.alerts_sent) == 6
        assert state.meetings[0].minutes_closed == "個別の支援について（非公開）"
    history = await handle_rotated.fetch_history()
    assert _key_ids(history) == {"key-a", "key-b"}
    replayer = Replayer(workflows=[CouncilCycleWorkflow], data_converter=rotated)
    assert (await replayer.replay_workflow(history)).replay_failure is None

    # Without A, old payloads cannot be read, and the error says which key is missing.
    only_b = EncryptionCodec(parse_payload_keys(key_b, None))
    started = history.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    with pytest.raises(PayloadKeyError, match="encrypted with key 'key-a', which is not in"):
        await only_b.decode([started])
    await handle_rotated.terminate("test over")


async def test_a_payload_without_encryption_passes_through_and_a_forged_one_fails() -> None:
    codec = EncryptionCodec(parse_payload_keys(new_key_text("k"), None))
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"clear"')
    assert await codec.decode([plain]) == [plain]
    (sealed,) = await codec.encode([plain])
    assert b"clear" not in sealed.data
    assert await codec.decode([sealed]) == [plain]
    tampered = Payload(metadata=sealed.metadata, data=sealed.data[:-1] + b"\x00")
    with pytest.raises(PayloadKeyError, match="does not decrypt"):
        await codec.decode([tampered])
