"""The Temporal Web UI reads an encrypted history through the console's codec endpoint:
the real dev server's UI (started here with ``--ui-codec-endpoint``) shows the decoded
workflow input to a signed-in board admin whose session a passkey confirmed, and nothing
decoded to anyone else (no session: 401; a member or a board admin without the passkey:
403). Every decode is an access-audit row."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from playwright.async_api import BrowserContext, Page, Response, async_playwright, expect
from pydantic import SecretStr
from sqlalchemy import select

import store
from application.cycles import connect, start_cycle, state
from config import Settings
from contracts.cycle import cycle_workflow_id
from embedded.server import ServerKind, free_port, running_temporal_server
from store.audit_log import AccessAuditRow
from tests.console.conftest import (
    COUNCIL,
    MEMBER_EMAILS,
    REPO_ROOT,
    YEAR,
    ConsoleEnv,
    _wait_for_port,
    module_store,
)
from worker.main import run_worker

BOARD = "board@kushiro.example.jp"
MEMBER = MEMBER_EMAILS["kushiro-kushiro-member-1"]
#: A key of the cycle's input: on the page only once the input is decoded.
DECODED_MARK = "carried_over"


@dataclass
class CodecEnv:
    """The console, the Web UI and the workflow to look at."""

    console: ConsoleEnv
    ui_url: str
    endpoint: str
    workflow_id: str
    run_id: str
    database_url: str

    def workflow_page(self) -> str:
        return (
            f"{self.ui_url}/namespaces/default/workflows/{quote(self.workflow_id, safe='')}"
            f"/{self.run_id}/history"
        )

    def decodes(self) -> list[AccessAuditRow]:
        engine = store.make_engine(self.database_url)
        try:
            with store.session_scope(engine) as session:
                rows = session.scalars(
                    select(AccessAuditRow).where(AccessAuditRow.action == "codec_decode")
                ).all()
                session.expunge_all()
                return list(rows)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
async def codec_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CodecEnv]:
    tmp = tmp_path_factory.mktemp("codec")
    database_url = module_store(tmp, "codec")
    console_port, ui_port = free_port(), free_port()
    endpoint = f"http://localhost:{console_port}/codec"
    ui_url = f"http://localhost:{ui_port}"
    async with running_temporal_server(
        free_port(), tmp / "temporal", ServerKind.DEV_SERVER, ui_port=ui_port,
        codec_endpoint=endpoint,
    ) as server:  # fmt: skip
        settings = Settings(
            temporal_address=server.address,
            data_dir=tmp / "data",
            database_url=SecretStr(database_url),
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", cwd=REPO_ROOT,
            env={
                **os.environ,
                "TEMPORAL_ADDRESS": server.address,
                "DATA_DIR": str(settings.data_dir),
                "DATABASE_URL": database_url,
                "CONSOLE_PORT": str(console_port),
                "CONSOLE_BASE_URL": f"http://localhost:{console_port}",
                "CODEC_ALLOWED_ORIGINS": json.dumps([ui_url]),
            },
        )  # fmt: skip
        try:
            client = await connect(settings)
            await start_cycle(client, settings, COUNCIL, YEAR)
            await state(client, COUNCIL, YEAR)
            run = await client.get_workflow_handle(cycle_workflow_id(COUNCIL, YEAR)).describe()
            await _wait_for_port(console_port, process)
            async with async_playwright() as playwright:
                import shutil

                browser = await playwright.chromium.launch(
                    executable_path=shutil.which("chromium"), args=["--no-sandbox", "--lang=ja-JP"]
                )
                try:
                    yield CodecEnv(
                        console=ConsoleEnv(
                            base_url=f"http://localhost:{console_port}",
                            mail_dir=settings.data_dir / "mail",
                            settings=settings,
                            browser=browser,
                        ),
                        ui_url=ui_url,
                        endpoint=endpoint,
                        workflow_id=cycle_workflow_id(COUNCIL, YEAR),
                        run_id=run.run_id,
                        database_url=database_url,
                    )
                finally:
                    await browser.close()
        finally:
            process.terminate()
            await process.wait()
            stop.set()
            await worker


async def _with_passkey(context: BrowserContext, page: Page) -> None:
    """Register a passkey (a virtual authenticator) and confirm the session with it."""
    cdp = await context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                     "hasUserVerification": True, "isUserVerified": True}},
    )  # fmt: skip
    await page.get_by_role("button", name="パスキーを登録する").click()
    await expect(page.get_by_text("登録済みのパスキー: 1件")).to_be_visible()
    await page.get_by_role("button", name="パスキーで確認する").click()
    await page.wait_for_url("**/me")


async def _ui_settings(context: BrowserContext, endpoint: str) -> None:
    """The Web UI's own codec settings (its "Codec Server" dialog, kept in the browser):
    this endpoint, with cross-origin credentials, so the console's cookie goes along."""
    values = {"endpoint": endpoint, "includeCredentials": True,
              "overrideRemoteCodecConfiguration": True}  # fmt: skip
    script = "".join(
        f"window.localStorage.setItem({json.dumps(k)}, {json.dumps(json.dumps(v))});"
        for k, v in values.items()
    )
    await context.add_init_script(script)


async def _open_in_ui(env: CodecEnv, context: BrowserContext) -> tuple[Page, list[int]]:
    """The workflow's page in the Web UI; the statuses of the codec calls it made."""
    await _ui_settings(context, env.endpoint)
    page = await context.new_page()
    statuses: list[int] = []

    def seen(response: Response) -> None:
        if response.url.startswith(env.endpoint) and response.request.method == "POST":
            statuses.append(response.status)

    page.on("response", seen)
    await page.goto(env.workflow_page())
    # The UI long-polls a running workflow, so the network never idles: wait for its
    # codec calls instead.
    for _ in range(300):
        if statuses:
            break
        await asyncio.sleep(0.1)
    return page, statuses


async def _fetch_decode(page: Page, endpoint: str) -> Any:
    """A decode call from the Web UI's origin, with the browser's credentials."""
    return await page.evaluate(
        """async (url) => {
            const r = await fetch(url + "/decode", {method: "POST", credentials: "include",
              headers: {"Content-Type": "application/json", "X-Namespace": "default"},
              body: JSON.stringify({payloads: []})});
            return r.status;
        }""",
        endpoint,
    )


async def test_the_web_ui_decodes_for_a_board_admin_with_a_passkey(codec_env: CodecEnv) -> None:
    context, page = await codec_env.console.sign_in(BOARD)
    await _with_passkey(context, page)
    before = len(codec_env.decodes())
    ui, statuses = await _open_in_ui(codec_env, context)
    await expect(ui.get_by_text(DECODED_MARK).first).to_be_visible(timeout=30000)
    assert statuses and set(statuses) == {200}, statuses
    rows = codec_env.decodes()[before:]
    assert rows and all(r.actor == "person:kushiro-board" for r in rows)
    assert all(int(r.detail["payloads"]) >= 0 and r.detail["namespace"] == "default" for r in rows)
    await context.close()


async def test_nobody_signed_in_gets_nothing_decoded(codec_env: CodecEnv) -> None:
    context = await codec_env.console.context()
    before = len(codec_env.decodes())
    ui, statuses = await _open_in_ui(codec_env, context)
    await asyncio.sleep(2)
    assert await ui.get_by_text(DECODED_MARK).count() == 0
    assert statuses and set(statuses) == {401}, statuses
    assert len(codec_env.decodes()) == before
    await context.close()


@pytest.mark.parametrize("who", ["member", "board_without_passkey"])
async def test_others_are_refused_and_nothing_is_decoded(codec_env: CodecEnv, who: str) -> None:
    context, _ = await codec_env.console.sign_in(MEMBER if who == "member" else BOARD)
    before = len(codec_env.decodes())
    ui, statuses = await _open_in_ui(codec_env, context)
    await asyncio.sleep(2)
    assert await ui.get_by_text(DECODED_MARK).count() == 0
    assert statuses and set(statuses) == {403}, statuses
    assert await _fetch_decode(ui, codec_env.endpoint) == 403
    assert len(codec_env.decodes()) == before
    await context.close()


async def test_other_origins_get_no_cors_answer(codec_env: CodecEnv) -> None:
    context = await codec_env.console.context()
    page = await context.new_page()
    await page.goto(codec_env.console.base_url + "/signin")
    answer = await page.request.fetch(
        codec_env.endpoint + "/decode", method="OPTIONS",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )  # fmt: skip
    assert answer.status == 403
    assert "access-control-allow-origin" not in answer.headers
    await context.close()
