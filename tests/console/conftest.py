"""A real environment for the console's browser tests: a real-time Temporal test server on
a free port, the real worker in this process, a fresh store with the Kushiro example
(three members given test addresses so they can sign in), two registered volunteers, the
console as ``python -m console`` on a free port, and Debian's Chromium driven by
Playwright. Mail goes to ``DATA_DIR/mail`` as ``.eml`` files, which the tests read."""

from __future__ import annotations

import asyncio
import email
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from email import policy
from pathlib import Path
from typing import Any

import pytest
import yaml
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    async_playwright,
    expect,
)
from pydantic import SecretStr

import store
from application.cycles import connect, start_cycle, state
from config import Settings
from embedded.server import ServerKind, embedded_temporal, free_port
from store.db import migrate
from tests.cli.conftest import _fresh_postgres
from worker.main import run_worker

REPO_ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
COUNCIL = "kushiro-kushiro"
OTHER_COUNCIL = "kushiro-chuo"
#: Members of Kushiro's council get test addresses here (the example has none for them).
MEMBER_EMAILS = {f"kushiro-kushiro-member-{n}": f"kk-member-{n}@test.example" for n in (1, 2, 3)}
VOLUNTEERS = {"vol-kushiro-1": "読み聞かせの会", "vol-kushiro-2": "見守り 太郎"}
#: A platform authenticator that needs no person: Chromium's virtual one (BROWSER-NOTES).
VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}

if shutil.which("chromium") is None:
    # A fresh machine: install Debian's chromium and the Japanese fonts (make test does
    # this first; a plain pytest run does it here). Never skip: the tests must run.
    subprocess.run(["bash", str(REPO_ROOT / "scripts" / "browser_deps.sh")], check=True)


@dataclass
class ConsoleEnv:
    """The running console and what tests need to drive it."""

    base_url: str
    mail_dir: Path
    settings: Settings
    browser: Browser
    #: Each person's passkeys as their authenticator holds them (private keys included),
    #: so a later browser context of the same person can carry the same passkey.
    passkeys: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    async def authenticator(self, context: BrowserContext, page: Page) -> tuple[CDPSession, str]:
        """A fresh, empty virtual authenticator in ``page``: its CDP session and id."""
        cdp = await context.new_cdp_session(page)
        await cdp.send("WebAuthn.enable")
        made = await cdp.send(
            "WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR}
        )
        return cdp, str(made["authenticatorId"])

    async def confirm_with_passkey(
        self, context: BrowserContext, page: Page, address: str
    ) -> tuple[CDPSession, str]:
        """On the passkey page, confirm the session with the person's passkey: registered
        in this context the first time, carried over from the earlier context after that
        (adding another passkey needs a confirmed session). The authenticator used."""
        cdp, authenticator = await self.authenticator(context, page)
        await page.wait_for_load_state("load")
        kept = self.passkeys.get(address)
        if kept is None:
            await page.get_by_role("button", name="パスキーを登録する").click()
            await expect(page.get_by_text("登録済みのパスキー: 1件")).to_be_visible()
            # The reloaded page's script must be ready, or the click does nothing.
            await page.wait_for_load_state("load")
        else:
            for credential in kept:
                await cdp.send(
                    "WebAuthn.addCredential",
                    {"authenticatorId": authenticator, "credential": credential},
                )
        await page.get_by_role("button", name="パスキーで確認する").click()
        await page.wait_for_url("**/me")
        # Kept with the authenticator's new signature counter, which the server checks.
        held = await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        self.passkeys[address] = list(held["credentials"])
        return cdp, authenticator

    async def state(self, council_id: str = COUNCIL) -> Any:
        """The cycle's state, read through the query."""
        client = await connect(self.settings)
        return await state(client, council_id, YEAR)

    async def context(self, javascript: bool = True) -> BrowserContext:
        """A fresh browser context: one person, own cookies (and JavaScript off when
        asked: every page must work without it)."""
        return await self.browser.new_context(
            base_url=self.base_url, locale="ja-JP", java_script_enabled=javascript
        )

    async def latest_link(self, address: str, after: int = 0) -> str:
        """The sign-in link in the newest mail to ``address``, waiting a little for it
        (the console sends it after answering); only among mails numbered past ``after``."""
        for _ in range(100):
            link = self._newest_link(address, after)
            if link is not None:
                return link
            await asyncio.sleep(0.1)
        raise AssertionError(f"no sign-in mail to {address}")

    def mail_count(self) -> int:
        """How many mails the console has written."""
        return len(list(self.mail_dir.glob("*.eml"))) if self.mail_dir.exists() else 0

    def _newest_link(self, address: str, after: int) -> str | None:
        paths = sorted(self.mail_dir.glob("*.eml")) if self.mail_dir.exists() else []
        for path in reversed(paths[after:]):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == address:
                body = message.get_body(("plain",))
                assert body is not None
                content: str = body.get_content()
                for line in content.splitlines():
                    if "/signin/link?token=" in line:
                        return line.strip()
        return None

    async def sign_in(self, address: str, javascript: bool = True) -> tuple[BrowserContext, Page]:
        """Sign in through the real link flow; a new context on my page (or the passkey
        page, for roles that need one)."""
        context = await self.context(javascript)
        page = await context.new_page()
        await page.goto("/signin")
        before = self.mail_count()
        await page.get_by_label("メールアドレス").fill(address)
        await page.get_by_role("button", name="サインイン用のリンクを送る").click()
        await page.get_by_text("このアドレスが登録されていれば").wait_for()
        await page.goto(await self.latest_link(address, before))
        await page.get_by_role("button", name="サインインを完了する").click()
        await page.wait_for_load_state()
        return context, page


async def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, as ``id: target``."""
    result = await Axe().run(page)
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _municipality_file(tmp: Path) -> Path:
    data = yaml.safe_load((REPO_ROOT / "examples" / "kushiro.yaml").read_text(encoding="utf-8"))
    for person in data["people"]:
        if person["id"] in MEMBER_EMAILS:
            person["email"] = MEMBER_EMAILS[person["id"]]
    path = tmp / "kushiro-test.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def module_store(tmp: Path, name: str, *, seeded: bool = True) -> str:
    """A migrated store of one test module's own (a PostgreSQL database named after
    ``name`` under ``TEST_DATABASE_URL``, else a SQLite file in ``tmp``), with the Kushiro
    example and its volunteers loaded unless ``seeded`` is false."""
    base = os.environ.get("TEST_DATABASE_URL")
    database_url = _fresh_postgres(base, name) if base else f"sqlite:///{tmp / (name + '.db')}"
    migrate(database_url)
    if seeded:
        _seed(database_url, _municipality_file(tmp))
    return database_url


def _seed(database_url: str, path: Path) -> None:
    engine = store.make_engine(database_url)
    try:
        with store.session_scope(engine) as session:
            store.load_municipality(session, store.read_municipality_file(path))
            for volunteer_id, name in VOLUNTEERS.items():
                store.upsert_volunteer(
                    session,
                    "kushiro",
                    store.VolunteerEntry(
                        id=volunteer_id,
                        name=name,
                        contact="0154-00-0000",
                        registered_on=date(YEAR, 4, 1),
                        consent_to_contact=True,
                    ),
                )
    finally:
        engine.dispose()


async def _wait_for_port(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise AssertionError(f"the console exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError("the console did not start within 30 s")


@pytest.fixture(scope="module")
async def console_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ConsoleEnv]:
    """Server, worker, store, console and browser for one test module."""
    tmp = tmp_path_factory.mktemp("console")
    database_url = module_store(tmp, "console")
    async with embedded_temporal(free_port(), tmp / "temporal", ServerKind.TEST_SERVER) as address:
        settings = Settings(
            temporal_address=address,
            data_dir=tmp / "data",
            database_url=SecretStr(database_url),
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "console",
            cwd=REPO_ROOT,
            env={
                **os.environ,
                "TEMPORAL_ADDRESS": address,
                "DATA_DIR": str(settings.data_dir),
                "DATABASE_URL": database_url,
                "CONSOLE_PORT": str(port),
                "CONSOLE_BASE_URL": f"http://localhost:{port}",
            },
        )
        try:
            client = await connect(settings)
            for council_id in (COUNCIL, OTHER_COUNCIL):
                await start_cycle(client, settings, council_id, YEAR)
                await state(client, council_id, YEAR)
            await _wait_for_port(port, process)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=shutil.which("chromium"), args=["--no-sandbox", "--lang=ja-JP"]
                )
                try:
                    yield ConsoleEnv(
                        base_url=f"http://localhost:{port}",
                        mail_dir=settings.data_dir / "mail",
                        settings=settings,
                        browser=browser,
                    )
                finally:
                    await browser.close()
        finally:
            process.terminate()
            await process.wait()
            stop.set()
            await worker
