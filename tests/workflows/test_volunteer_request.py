"""The volunteer request workflow on the time-skipping server, with the real store:
the deadline closes it, it fills and keeps a waiting list, it reminds the confirmed the
day before at 09:00 JST, and cancelling the activity tells the confirmed volunteers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

import store
from application import volunteer_requests as use
from application.commands import CommandRefused
from application.context import Context
from domain.japan_time import JAPAN
from domain.volunteer_requests import (
    NoticeKind,
    Place,
    Reply,
    RequestSpec,
    RequestState,
    Status,
    remind_at,
)
from store import volunteer_requests as rows
from tests.requests.support import japan_day, operator_context, register_volunteers


@pytest.fixture(scope="module")
def temporal_env(module_temporal_env: WorkflowEnvironment) -> WorkflowEnvironment:
    """This module's workflows sleep weeks: they run on a server of the module's own
    (``module_temporal_env``), and so does the worker ``task_queue`` starts."""
    return module_temporal_env


COUNCIL = "testcity-c1"


@pytest.fixture
async def ctx(
    temporal_env: WorkflowEnvironment, engine: Engine, task_queue: str
) -> AsyncIterator[Context]:
    """The operator's context, its clock the test server's. Afterwards every request of
    the test is ended: a timer of a workflow whose worker is gone would hold up the
    server's time skipping in the next test."""
    start = await temporal_env.get_current_time()
    offset = start - datetime.now(start.tzinfo)
    yield operator_context(
        engine, task_queue, temporal_env.client, clock=lambda: datetime.now(start.tzinfo) + offset
    )
    with store.session_scope(engine) as session:
        keys = [r.key for r in rows.requests_of(session, [COUNCIL], japan_day(start).year)]
        keys += [r.key for r in rows.requests_of(session, [COUNCIL], japan_day(start).year - 1)]
    for key in keys:
        handle = temporal_env.client.get_workflow_handle(key)
        if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
            await handle.terminate("test over")


async def _request(
    ctx: Context, engine: Engine, needed: int, reply_in: int, held_in: int, people: int
) -> tuple[str, list[str]]:
    now = ctx.now()
    activity = f"a-{uuid.uuid4().hex[:8]}"
    volunteers = register_volunteers(
        engine, "testcity", f"v{uuid.uuid4().hex[:6]}", people, japan_day(now, -30)
    )
    fiscal_year = japan_day(now).year if japan_day(now).month >= 4 else japan_day(now).year - 1
    view = await use.create_request(
        ctx,
        use.NewRequest(
            council_id=COUNCIL, fiscal_year=fiscal_year, activity_id=activity, title="読み聞かせ",
            needed=needed, held_on=japan_day(now, held_in), place="図書室",
            reply_by=japan_day(now, reply_in), public=True,
        ),
    )  # fmt: skip
    return view.key, volunteers


async def _eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 20)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


def _notices(engine: Engine, key: str) -> list[rows.NoticeLine]:
    with store.session_scope(engine) as session:
        return rows.notices(session, key)


def _view(engine: Engine, key: str) -> rows.RequestView:
    with store.session_scope(engine) as session:
        return rows.request_view(session, key)


async def _answer(ctx: Context, key: str, volunteer: str, reply: Reply) -> None:
    command_id = f"{key.replace('/', '.')}.{volunteer}-{reply.value}"
    await use.record_answer(ctx, key, volunteer, reply, command_id)


async def test_fill_then_waiting_list_and_a_drop_out_promotes(ctx: Context, engine: Engine) -> None:
    key, (v1, v2, v3, v4) = await _request(ctx, engine, 2, 5, 10, 4)
    await use.send_request(ctx, key, [v1, v2, v3, v4], command_id=f"send-{uuid.uuid4().hex}")
    for volunteer in (v1, v2, v3):
        await _answer(ctx, key, volunteer, Reply.CAN)
    # The same command id again is applied once.
    await _answer(ctx, key, v3, Reply.CAN)
    fill = _view(engine, key).fill
    assert (fill.confirmed, fill.needed, fill.waiting, fill.invited) == (2, 2, 1, 1)
    await _answer(ctx, key, v1, Reply.CANNOT)
    with store.session_scope(engine) as session:
        places = {a.volunteer_id: a.place for a in rows.answers(session, key)}
    assert places == {v1: Place.DECLINED, v2: Place.CONFIRMED, v3: Place.CONFIRMED,
                      v4: Place.INVITED}  # fmt: skip
    await _eventually(lambda: any(n.kind is NoticeKind.PROMOTED for n in _notices(engine, key)))
    told = {(n.volunteer_id, n.kind) for n in _notices(engine, key)}
    assert {(v1, NoticeKind.CONFIRMED), (v2, NoticeKind.CONFIRMED), (v3, NoticeKind.WAITING),
            (v3, NoticeKind.PROMOTED)} <= told  # fmt: skip
    assert {v for v, kind in told if kind is NoticeKind.INVITED} == {v1, v2, v3, v4}
    with store.session_scope(engine) as session:
        held_on, confirmed = rows.confirmed_for_activity(
            session, COUNCIL, _view(engine, key).fiscal_year, _view(engine, key).activity_id
        )
    assert held_on == _view(engine, key).held_on and confirmed == (v2, v3)


async def test_the_deadline_closes_the_request(
    ctx: Context, engine: Engine, temporal_env: WorkflowEnvironment
) -> None:
    key, (v1, v2) = await _request(ctx, engine, 3, 1, 10, 2)
    await _answer(ctx, key, v1, Reply.CAN)
    await temporal_env.sleep(timedelta(days=2, hours=1))
    await _eventually(lambda: _view(engine, key).status is Status.CLOSED)
    with pytest.raises(CommandRefused) as refused:
        await _answer(ctx, key, v2, Reply.CAN)
    assert refused.value.code == "request_not_open"
    assert _view(engine, key).fill.confirmed == 1


async def test_reminder_the_day_before_at_nine_japan_time(
    ctx: Context, engine: Engine, temporal_env: WorkflowEnvironment
) -> None:
    key, (v1, v2) = await _request(ctx, engine, 1, 1, 3, 2)
    await _answer(ctx, key, v1, Reply.CAN)
    await _answer(ctx, key, v2, Reply.CAN)  # waiting: not reminded
    view = _view(engine, key)
    await temporal_env.sleep(timedelta(days=3, hours=12))
    await _eventually(lambda: any(n.kind is NoticeKind.REMINDER for n in _notices(engine, key)))
    reminders = [n for n in _notices(engine, key) if n.kind is NoticeKind.REMINDER]
    assert [n.volunteer_id for n in reminders] == [v1]
    expected = remind_at(rows_spec_of(view))
    at = reminders[0].created_at.astimezone(JAPAN)
    assert (at.date(), at.hour) == (view.held_on - timedelta(days=1), 9)
    assert abs((at - expected).total_seconds()) < 60


async def test_cancelling_the_activity_tells_the_confirmed_volunteers(
    ctx: Context, engine: Engine
) -> None:
    key, (v1, v2, v3) = await _request(ctx, engine, 1, 3, 10, 3)
    await _answer(ctx, key, v1, Reply.CAN)
    await _answer(ctx, key, v2, Reply.CAN)
    await _answer(ctx, key, v3, Reply.CANNOT)
    view = _view(engine, key)
    cancelled = await use.cancel_for_activity(ctx, COUNCIL, view.fiscal_year, view.activity_id)
    assert cancelled == 1
    await _eventually(lambda: any(n.kind is NoticeKind.CANCELLED for n in _notices(engine, key)))
    told = {n.volunteer_id for n in _notices(engine, key) if n.kind is NoticeKind.CANCELLED}
    assert told == {v1, v2}
    assert _view(engine, key).status is Status.CANCELLED
    result = (
        await (await ctx.temporal()).get_workflow_handle(key, result_type=RequestState).result()
    )
    assert result.status is Status.CANCELLED


def rows_spec_of(view: rows.RequestView) -> RequestSpec:
    """The domain spec of a stored request (for the domain's clock rules)."""
    return RequestSpec(
        council_id=view.council_id, fiscal_year=view.fiscal_year, number=view.number,
        activity_id=view.activity_id, title=view.title, needed=view.needed,
        held_on=view.held_on, reply_by=view.reply_by,
    )  # fmt: skip
