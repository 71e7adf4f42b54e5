"""Issue 22 items 5 and 6 against real processes on loopback: two consoles and two
workers (``python -m console`` / ``python -m worker``) on one store (PostgreSQL when
``TEST_DATABASE_URL`` is set, SQLite otherwise) and one Temporal test server. Sessions and
sign-in rate limits hold across the consoles; /metrics, /healthz, /readyz, the worker's
metrics and ``--check``, and ``LOG_FORMAT=json`` logs without personal data."""

from __future__ import annotations

import asyncio
import email
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email import policy
from pathlib import Path

import pytest

from application.cycles import connect, start_cycle, state
from config import Settings
from embedded.server import ServerKind, embedded_temporal, free_port
from store.db import migrate
from tests.console.conftest import COUNCIL, MEMBER_EMAILS, YEAR, module_store
from tests.ops.processes import Browser, Process, csrf_in, run_check, start_console, start_worker

MEMBER = "kk-member-1@test.example"
#: A person of the example who may record a meeting and needs no passkey.
PRINCIPAL = "kushiro-principal@kushiro.example.jp"
CYCLE = f"/councils/{COUNCIL}/{YEAR}"
#: What no log line or metric may carry: the people's addresses and ids.
PERSONAL = [*MEMBER_EMAILS.values(), *MEMBER_EMAILS]


@dataclass
class Cluster:
    """Two consoles and two workers on one store and one Temporal server."""

    consoles: list[Process]
    workers: list[Process]
    env: dict[str, str]
    mail_dir: Path
    settings: Settings


@pytest.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """The processes, with the Kushiro example loaded and one cycle started."""
    tmp = tmp_path_factory.mktemp("ops")
    database_url = module_store(tmp, "ops")
    async with embedded_temporal(free_port(), tmp / "temporal", ServerKind.TEST_SERVER) as address:
        env = {
            "TEMPORAL_ADDRESS": address,
            "DATA_DIR": str(tmp / "data"),
            "DATABASE_URL": database_url,
            "LOG_FORMAT": "json",
        }
        started: list[Process] = []
        try:
            for n in (1, 2):
                started.append(await start_worker(env, tmp / f"worker-{n}.log"))
            for n in (1, 2):
                started.append(await start_console(env, tmp / f"console-{n}.log"))
            settings = Settings(temporal_address=address, data_dir=tmp / "data")
            client = await connect(settings)
            await start_cycle(client, settings, COUNCIL, YEAR)
            await state(client, COUNCIL, YEAR)  # answered by a worker: the workflow ran
            yield Cluster(started[2:], started[:2], env, tmp / "data" / "mail", settings)
        finally:
            for process in reversed(started):
                await process.stop()


async def _sign_in(cluster: Cluster, base: str, address: str) -> Browser:
    browser = Browser()
    page = await browser.get(base, "/signin")
    before = set(cluster.mail_dir.glob("*.eml")) if cluster.mail_dir.exists() else set()
    sent = await browser.post(base, "/signin", {"email": address, "csrf": csrf_in(page.body)})
    assert sent.status == 200
    token = await _link_token(cluster.mail_dir, before, address)
    link = await browser.get(base, f"/signin/link?token={token}")
    opened = await browser.post(base, "/signin/link", {"token": token, "csrf": csrf_in(link.body)})
    assert opened.status == 303 and opened.headers["location"] == "/me"
    return browser


def _token_in_new_mail(mail_dir: Path, before: set[Path], address: str) -> str | None:
    for path in sorted(set(mail_dir.glob("*.eml")) - before):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(("plain",))
        found = re.search(r"/signin/link\?token=([\w-]+)", body.get_content() if body else "")
        if message["To"] == address and found:
            return found.group(1)
    return None


async def _link_token(mail_dir: Path, before: set[Path], address: str) -> str:
    # The console sends the mail after answering: wait a little for it.
    for _ in range(100):
        token = await asyncio.to_thread(_token_in_new_mail, mail_dir, before, address)
        if token is not None:
            return token
        await asyncio.sleep(0.1)
    raise AssertionError(f"no sign-in mail to {address}")


async def test_a_session_opened_on_one_console_works_on_the_other(cluster: Cluster) -> None:
    first, second = cluster.consoles
    browser = await _sign_in(cluster, first.base, MEMBER)
    mine = await browser.get(second.base, "/me")
    assert mine.status == 200
    # Signing out on the second console ends the session on the first too.
    signed_out = await browser.post(second.base, "/signout", {"csrf": csrf_in(mine.body)})
    assert signed_out.status == 303
    again = await browser.get(first.base, "/me")
    assert again.status == 303 and again.headers["location"] == "/signin"


async def test_the_sign_in_rate_limit_counts_requests_on_both_consoles(cluster: Cluster) -> None:
    first, second = cluster.consoles
    browser = Browser()
    csrf = csrf_in((await browser.get(first.base, "/signin")).body)
    statuses = []
    for n in range(6):  # five links per address; the sixth, on either console, is refused
        console = (first, second)[n % 2]
        sent = await browser.post(
            console.base, "/signin", {"email": "ops@test.example", "csrf": csrf}
        )
        statuses.append(sent.status)
    assert statuses == [200, 200, 200, 200, 200, 429]


async def test_a_command_sent_to_both_consoles_under_one_id_is_done_once(
    cluster: Cluster,
) -> None:
    first, second = cluster.consoles
    browser = await _sign_in(cluster, first.base, PRINCIPAL)
    page = (await browser.get(first.base, CYCLE)).body
    attendance = re.findall(r'name="attendance" value="([^"]+)"', page)
    assert attendance, "no attendance boxes on the cycle page"
    form = {
        "csrf": csrf_in(page),
        "command_id": "ops-same-form-twice",
        "held_on": f"{YEAR}-04-20",
        "attendance": attendance[0],
        "minutes_public": "第1回",
        "minutes_closed": "",
        "vision_draft": "",
    }
    # The same form, sent once to each console (a retry through the load balancer).
    for console in (first, second):
        sent = await browser.post(console.base, f"{CYCLE}/record_meeting", form)
        assert sent.status == 303, sent.body[:500]
    client = await connect(cluster.settings)
    assert len((await state(client, COUNCIL, YEAR)).meetings) == 1


async def test_health_and_readiness_answer(cluster: Cluster) -> None:
    for console in cluster.consoles:
        browser = Browser()
        assert (await browser.get(console.base, "/healthz")).status == 200
        ready = await browser.get(console.base, "/readyz")
        assert (ready.status, ready.body) == (200, "ok\n")


async def test_console_metrics_are_labelled_by_route_template(cluster: Cluster) -> None:
    console = cluster.consoles[0]
    browser = Browser()
    await browser.get(console.base, "/signin")
    await browser.get(console.base, "/lang/en?next=/me")
    await browser.get(console.base, "/no/such/page")
    await browser.get(console.base, "/static/style.css")
    # A request is counted once its answer has gone out: a file's answer may still be
    # closing when the next request (the scrape) is served, so scrape until it is in.
    for _ in range(50):
        text = (await browser.get(console.base, "/metrics")).body
        if 'route="/static"' in text:
            break
        await asyncio.sleep(0.1)
    assert 'console_requests_total{method="GET",route="/signin",status="200"}' in text
    assert 'route="/lang/{code}"' in text and "/lang/en" not in text
    assert 'route="unmatched",status="404"' in text and "/no/such" not in text
    # A static file counts under its mount, not as a route nobody matched.
    assert 'route="/static",status="200"' in text and "style.css" not in text
    assert "console_request_duration_seconds_bucket" in text
    assert "console_sign_ins_total" in text and "process_cpu_seconds_total" in text
    for secret in (*PERSONAL, "token=", "@"):
        assert secret not in text


async def test_worker_metrics_show_the_sdks_task_metrics(cluster: Cluster) -> None:
    texts = [(await Browser().get(w.base, "/metrics")).body for w in cluster.workers]
    assert all("temporal_num_pollers" in text for text in texts)
    assert any("temporal_workflow_task_execution_latency" in text for text in texts)
    assert any("temporal_workflow_task_schedule_to_start_latency" in text for text in texts)


async def test_the_worker_check_passes_while_temporal_and_the_store_answer(
    cluster: Cluster,
) -> None:
    code, out = await run_check(cluster.env)
    assert (code, out.strip()) == (0, "worker check: ok")


async def test_json_logs_parse_and_carry_no_personal_data(cluster: Cluster) -> None:
    await test_health_and_readiness_answer(cluster)  # at least one access line each
    access = []
    for process in (*cluster.consoles, *cluster.workers):
        for line in process.log_lines():
            record = json.loads(line)
            assert {"time", "level", "logger", "message"} <= set(record), line
            assert not any(secret in line for secret in PERSONAL), line
            assert "token=" not in line, line
            if record["logger"] == "console.access":
                access.append(record)
    assert {"route", "status", "duration_ms"} <= set(access[0])
    assert any(r["route"] == "/readyz" and r["status"] == 200 for r in access)


async def test_readyz_is_503_and_the_check_fails_once_temporal_is_gone(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'gone.db'}"
    migrate(database_url)
    env = {"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url}
    async with embedded_temporal(free_port(), tmp_path / "t", ServerKind.TEST_SERVER) as address:
        env["TEMPORAL_ADDRESS"] = address
        console = await start_console(env, tmp_path / "console.log")
        try:
            assert (await Browser().get(console.base, "/readyz")).status == 200
        except BaseException:
            await console.stop()
            raise
    try:
        gone = await Browser().get(console.base, "/readyz")
        assert gone.status == 503
        assert gone.body.startswith("not ready: temporal:") and "store" not in gone.body
        assert len(gone.body.strip().splitlines()) == 1
        assert (await Browser().get(console.base, "/healthz")).status == 200
    finally:
        await console.stop()
    code, out = await run_check(env)
    assert code == 1 and "temporal: not connected" in out and "store" not in out
