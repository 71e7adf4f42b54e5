"""The cycle's pages read the store, not the workflow (issue 22): a closed year's cycle
and minutes pages, and an open year's cycle page, render with the Temporal worker
stopped (a state query would get no answer: it waited 10 s and the page said 503), and
the state they show is the one the workflow holds.

One council closes a whole year (the one scenario, ``domain.scenario``) on a real-time
Temporal test server with the real worker, which opens the next year. In the new year
the directory gains a coordinator (sent to the running cycle as ``load`` sends it, not
an event), who records a meeting. Then the worker is stopped and the console
(in-process, real store, real sign-in) is asked for pages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import delete, select
from temporalio.client import Client

import store
from application import identity
from application.actors import local_operator_actor
from application.cycles import connect, send, start_cycle, state, wait_for_state
from application.directory import running_roster_targets, send_rosters
from application.stored_cycles import keep_state, stored_state
from console.app import create_app
from console.web import ConsoleSettings
from domain.japan_time import japan_date
from domain.model import CycleState, Step
from domain.scenario import full_year
from embedded.server import ServerKind, embedded_temporal, free_port
from store.cycle_snapshots import CycleSnapshot
from store.models import CouncilMember, Person
from tests.console.conftest import COUNCIL, YEAR, module_store
from tests.console_hardening.asgi import Answer, call
from worker.main import run_worker

CHAIR = "kushiro-chair@kushiro.example.jp"
BOARD = "kushiro-board"
CLOSED, OPEN = f"/councils/{COUNCIL}/{YEAR}", f"/councils/{COUNCIL}/{YEAR + 1}"
#: Far below the 10 s a state query waited for a stopped worker.
QUICK = 5.0
#: The coordinator the directory gains in the open year.
NEWCOMER = "kushiro-new-coordinator"
OPERATOR = local_operator_actor("tests", "localhost")


@dataclass
class StoreEnv:
    """The console app, the store, a signed-in chair, and the states the workflow held
    (queried while the worker still ran)."""

    app: FastAPI
    database_url: str
    cookie: str
    queried: dict[int, CycleState]
    #: The board admin's session, confirmed with a passkey (the board pages ask for one).
    board_cookie: str

    async def get(
        self, path: str, query: str = "", cookie: str | None = None
    ) -> tuple[Answer, float]:
        """GET ``path`` as the chair (or as ``cookie``'s person); the answer and how long
        it took."""
        started = time.monotonic()
        headers = [("cookie", f"cs_session={cookie or self.cookie}")]
        answer = await call(self.app, "GET", path, query, headers)
        return answer, time.monotonic() - started

    def stored(self, year: int) -> CycleState:
        """The council's cycle of ``year`` as the store gives it."""
        engine = store.make_engine(self.database_url)
        try:
            with store.session_scope(engine) as session:
                found = stored_state(session, COUNCIL, year)
                assert found is not None
                keep_state(session, found, datetime.now(UTC))
                return found.state
        finally:
            engine.dispose()

    def forget_snapshots(self) -> None:
        """Delete every kept snapshot (they are derived: nothing is lost)."""
        engine = store.make_engine(self.database_url)
        try:
            with store.session_scope(engine) as session:
                session.execute(delete(CycleSnapshot))
        finally:
            engine.dispose()

    def snapshot_seqs(self) -> list[int]:
        """The event number of every kept snapshot."""
        engine = store.make_engine(self.database_url)
        try:
            with store.session_scope(engine) as session:
                return sorted(session.scalars(select(CycleSnapshot.seq)))
        finally:
            engine.dispose()


def _sign_in(database_url: str, email: str) -> str:
    engine = store.make_engine(database_url)
    try:
        at = datetime.now(UTC)
        with store.session_scope(engine) as session:
            link = identity.request_link(session, email, "tests", at)
            assert link is not None, email
            return identity.redeem_link(session, link.token, at).cookie
    finally:
        engine.dispose()


def _board_sign_in(database_url: str) -> str:
    """The board admin's session as a passkey sign-in opens it (the ceremony itself is
    the passkey tests' subject, not this module's)."""
    engine = store.make_engine(database_url)
    try:
        with store.session_scope(engine) as session:
            return identity.sign_in_with_passkey(session, BOARD, datetime.now(UTC)).cookie
    finally:
        engine.dispose()


def _add_coordinator(database_url: str) -> None:
    """The directory gains a coordinator on the council (as a ``load`` would)."""
    engine = store.make_engine(database_url)
    try:
        with store.session_scope(engine) as session:
            session.add(Person(id=NEWCOMER, municipality_id="kushiro", name="新任 調整"))
            session.flush()
            session.add(
                CouncilMember(
                    council_id=COUNCIL, person_id=NEWCOMER, role="coordinator", position=99
                )
            )
    finally:
        engine.dispose()


async def _new_coordinator_records_a_meeting(
    client: Client, settings: ConsoleSettings, database_url: str
) -> None:
    """Send the directory's roster to the running year (``load``'s way), then the new
    coordinator records the year's first meeting: accepted on the new roster only."""
    engine = store.make_engine(database_url)
    try:
        with store.session_scope(engine) as session:
            targets = running_roster_targets(session, [COUNCIL])
    finally:
        engine.dispose()
    sent = await send_rosters(settings, targets, "change-1", OPERATOR, client)
    assert [s.problem for s in sent] == [None]
    opened = await state(client, COUNCIL, YEAR + 1)
    assert NEWCOMER in opened.roster.everyone()
    today = japan_date(datetime.now(UTC))
    meeting = full_year(opened.roster, YEAR + 1, today=today).of(Step.DISCUSS)[0]
    await send(client, COUNCIL, YEAR + 1, meeting.model_copy(update={"actor": NEWCOMER}))


@pytest.fixture(scope="module")
async def store_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[StoreEnv]:
    """A closed year and the open year after it, the worker stopped, the console up."""
    tmp: Path = tmp_path_factory.mktemp("from-store")
    database_url = await asyncio.to_thread(module_store, tmp, "from_store")
    async with embedded_temporal(free_port(), tmp / "temporal", ServerKind.TEST_SERVER) as address:
        settings = ConsoleSettings(
            temporal_address=address, data_dir=tmp / "data", database_url=SecretStr(database_url)
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        try:
            client = await connect(settings)
            await start_cycle(client, settings, COUNCIL, YEAR)
            opened = await state(client, COUNCIL, YEAR)
            today = japan_date(datetime.now(UTC))
            for command in full_year(opened.roster, YEAR, today=today).commands():
                await send(client, COUNCIL, YEAR, command)
            await wait_for_state(client, COUNCIL, YEAR + 1)
            await asyncio.to_thread(_add_coordinator, database_url)
            await _new_coordinator_records_a_meeting(client, settings, database_url)
            queried = {
                YEAR: await state(client, COUNCIL, YEAR),
                YEAR + 1: await state(client, COUNCIL, YEAR + 1),
            }
        finally:
            stop.set()
            await worker
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            cookie = await asyncio.to_thread(_sign_in, database_url, CHAIR)
            board = await asyncio.to_thread(_board_sign_in, database_url)
            yield StoreEnv(app, database_url, cookie, queried, board)


async def test_the_store_gives_the_state_the_workflow_held(store_env: StoreEnv) -> None:
    closed, opened = store_env.queried[YEAR], store_env.queried[YEAR + 1]
    assert closed.step is Step.CLOSED and closed.accepted_commands > 20
    assert opened.step is Step.DISCUSS and opened.carried_over
    # The new coordinator's meeting, accepted on the roster the directory sent.
    assert NEWCOMER in opened.roster.everyone()
    assert len(opened.meetings) == 1
    for year, queried in store_env.queried.items():
        assert store_env.stored(year) == queried
    # Kept after the read; thrown away, the next read rebuilds the same state.
    assert closed.accepted_commands in store_env.snapshot_seqs()
    store_env.forget_snapshots()
    assert store_env.stored(YEAR) == closed


async def test_a_closed_years_pages_render_with_the_worker_stopped(store_env: StoreEnv) -> None:
    for path in (CLOSED, f"{CLOSED}/minutes"):
        answer, seconds = await store_env.get(path)
        assert answer.status == 200, (path, answer.status)
        assert seconds < QUICK, (path, seconds)
    page = (await store_env.get(CLOSED))[0].body.decode()
    assert "このサイクルは終了しました。" in page
    minutes = (await store_env.get(f"{CLOSED}/minutes"))[0].body.decode()
    meeting = store_env.queried[YEAR].meetings[0]
    assert meeting.minutes_public[:20] in minutes


async def test_an_open_years_page_renders_with_the_worker_down_and_says_what_is_recording(
    store_env: StoreEnv,
) -> None:
    answer, seconds = await store_env.get(OPEN)
    assert answer.status == 200 and seconds < QUICK
    assert "まだ記録中" not in answer.body.decode()
    # A receipt for a command the store does not hold yet (its recording is still under
    # way): the page is served from the store all the same, and says so.
    ahead = store_env.queried[YEAR + 1].accepted_commands + 2
    answer, seconds = await store_env.get(OPEN, f"done=1&seq={ahead}")
    assert answer.status == 200 and seconds < QUICK
    assert "受け付けた操作のうち 2件はまだ記録中です" in answer.body.decode()


async def test_the_board_is_offered_no_act_on_a_closed_year(store_env: StoreEnv) -> None:
    """Moving a due date and pausing are refused once the year is closed: the board's
    council page of the closed year offers neither and says the year is closed; the
    open year's page offers both, its steps from the current one on."""
    board = store_env.board_cookie
    council = f"/board/kushiro/{{year}}/councils/{COUNCIL}"
    closed, _ = await store_env.get(council.format(year=YEAR), cookie=board)
    assert closed.status == 200
    page = closed.body.decode()
    assert f"{YEAR}年度のサイクルは終了しました。期限の変更や一時停止はできません。" in page
    for form in ('value="move"', 'value="pause"', "<h3>期限の変更</h3>", "<h3>一時停止</h3>"):
        assert form not in page, form

    opened, _ = await store_env.get(council.format(year=YEAR + 1), cookie=board)
    assert opened.status == 200
    page = opened.body.decode()
    assert 'name="act" value="move"' in page and 'name="act" value="pause"' in page
    assert "<h3>期限の変更</h3>" in page and "<h3>一時停止</h3>" in page
    assert "終了しました" not in page
    # The open year is at 話し合い: every working step's due date may still move.
    assert page.count('<option value="') == 6
