"""The codec endpoint decodes a board admin's own municipality's payloads only: a Kushiro
admin (passkey-confirmed) posting Asahikawa's encrypted payloads gets a one-line 403 and
nothing decoded, and the audit row says which cycles and municipalities were asked for.

The payloads are written by the real codec in the context of each cycle's workflow, as
every client and worker writes them into a history (``temporal workflow show`` prints
exactly these); the console runs as its own process and is called over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict, ParseDict
from sqlalchemy import select
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import WorkflowSerializationContext

import store
from application import identity
from config import Settings
from config.converter import EncryptionCodec
from contracts.cycle import cycle_workflow_id
from embedded.server import ServerKind, embedded_temporal, free_port
from store.audit_log import AccessAuditRow
from tests.console.conftest import REPO_ROOT, _wait_for_port, module_store
from tests.encryption import TEST_KEYS

KUSHIRO_CYCLE = cycle_workflow_id("kushiro-kushiro", 2026)
ASAHIKAWA_CYCLE = cycle_workflow_id("asahikawa-koyo", 2026)
SECRET = "個別の支援について（非公開）"


@dataclass
class CodecCall:
    """The console, the sessions of the two municipalities' board admins, the store."""

    endpoint: str
    cookies: dict[str, str]
    database_url: str

    async def decode(self, who: str, payloads: list[Payload]) -> tuple[int, Any]:
        """POST the payloads to ``/codec/decode`` as ``who``; the status and JSON body."""
        body = json.dumps(MessageToDict(Payloads(payloads=payloads))).encode()
        request = urllib.request.Request(
            self.endpoint + "/decode", data=body, method="POST",
            headers={"Content-Type": "application/json", "X-Namespace": "default",
                     "Cookie": f"cs_session={self.cookies[who]}"},
        )  # fmt: skip

        def call() -> tuple[int, Any]:
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return answer.status, json.loads(answer.read())
            except urllib.error.HTTPError as refused:
                return refused.code, json.loads(refused.read())

        return await asyncio.to_thread(call)

    def decodes(self) -> list[AccessAuditRow]:
        """Every ``codec_decode`` audit row, oldest first."""
        engine = store.make_engine(self.database_url)
        try:
            with store.session_scope(engine) as session:
                rows = session.scalars(
                    select(AccessAuditRow)
                    .where(AccessAuditRow.action == "codec_decode")
                    .order_by(AccessAuditRow.at)
                ).all()
                session.expunge_all()
                return list(rows)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
async def codec_call(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CodecCall]:
    tmp = tmp_path_factory.mktemp("codec-municipality")
    database_url = module_store(tmp, "codecmuni", seeded=False)
    engine = store.make_engine(database_url)
    try:
        with store.session_scope(engine) as session:
            for name in ("kushiro", "asahikawa"):
                path = REPO_ROOT / "examples" / f"{name}.yaml"
                store.load_municipality(session, store.read_municipality_file(path))
            now = datetime.now(UTC)
            cookies = {
                who: identity.sign_in_with_passkey(session, f"{who}-board", now).cookie
                for who in ("kushiro", "asahikawa")
            }
    finally:
        engine.dispose()
    async with embedded_temporal(free_port(), tmp / "temporal", ServerKind.TEST_SERVER) as address:
        settings = Settings(temporal_address=address, data_dir=tmp / "data")
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", cwd=REPO_ROOT,
            env={**os.environ, "TEMPORAL_ADDRESS": address, "DATA_DIR": str(settings.data_dir),
                 "DATABASE_URL": database_url, "CONSOLE_PORT": str(port),
                 "CONSOLE_BASE_URL": f"http://localhost:{port}"},
        )  # fmt: skip
        try:
            await _wait_for_port(port, process)
            yield CodecCall(f"http://localhost:{port}/codec", cookies, database_url)
        finally:
            process.terminate()
            await process.wait()


async def _written_for(workflow_id: str, text: str) -> Payload:
    """A payload as the application writes it into ``workflow_id``'s history."""
    context = WorkflowSerializationContext(namespace="default", workflow_id=workflow_id)
    plain = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text).encode())
    [sealed] = await EncryptionCodec(TEST_KEYS).with_context(context).encode([plain])
    assert text.encode() not in sealed.data
    return sealed


async def test_an_admin_reads_their_own_municipalitys_cycle(codec_call: CodecCall) -> None:
    payload = await _written_for(KUSHIRO_CYCLE, SECRET)
    status, body = await codec_call.decode("kushiro", [payload])
    assert status == 200, body
    decoded = ParseDict(body, Payloads())
    assert json.loads(decoded.payloads[0].data) == SECRET
    row = codec_call.decodes()[-1]
    assert row.actor == "person:kushiro-board"
    assert row.detail["workflows"] == KUSHIRO_CYCLE
    assert row.detail["municipalities"] == "kushiro"
    assert "refused" not in row.detail


async def test_another_municipalitys_payloads_are_refused_and_audited(
    codec_call: CodecCall,
) -> None:
    theirs = await _written_for(ASAHIKAWA_CYCLE, SECRET)
    mine = await _written_for(KUSHIRO_CYCLE, "公開の議事録")
    before = len(codec_call.decodes())
    # Alone, or hidden among the admin's own: the whole request is refused.
    for payloads in ([theirs], [mine, theirs]):
        status, body = await codec_call.decode("kushiro", payloads)
        assert status == 403, body
        assert body["error"] == f"payloads of another municipality's cycles: {ASAHIKAWA_CYCLE}"
        assert SECRET not in json.dumps(body, ensure_ascii=False)
        assert "payloads" not in body
    rows = codec_call.decodes()[before:]
    assert len(rows) == 2 and all(r.actor == "person:kushiro-board" for r in rows)
    assert rows[0].detail["workflows"] == ASAHIKAWA_CYCLE
    assert rows[0].detail["municipalities"] == "asahikawa"
    assert rows[1].detail["workflows"] == f"{ASAHIKAWA_CYCLE},{KUSHIRO_CYCLE}"
    assert rows[1].detail["municipalities"] == "asahikawa,kushiro"
    assert all(r.detail["refused"].startswith("payloads of another") for r in rows)
    # Asahikawa's own admin reads it.
    status, _ = await codec_call.decode("asahikawa", [theirs])
    assert status == 200


async def test_a_payload_of_no_municipality_is_refused(codec_call: CodecCall) -> None:
    # Encrypted with the master key itself (no workflow: written before per-workflow keys,
    # or by the codec's own encode): it cannot be attributed, so no admin reads it here.
    [unscoped] = await EncryptionCodec(TEST_KEYS).encode(
        [Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(SECRET).encode())]
    )
    status, body = await codec_call.decode("kushiro", [unscoped])
    assert status == 403 and body["error"].startswith("payloads not attributable"), body
    assert codec_call.decodes()[-1].detail["refused"].startswith("payloads not attributable")
    # Nor does a payload named after a cycle of no known council.
    status, body = await codec_call.decode(
        "kushiro", [await _written_for(cycle_workflow_id("nowhere", 2026), SECRET)]
    )
    assert status == 403 and "workflow council-cycle/nowhere/2026" in body["error"], body
