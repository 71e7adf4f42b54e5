"""My page (``/me``): what awaits me across my councils, and one of my notices
(``/notices/{notice_id}``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application import cycles
from application.console_reads import my_councils, read_notice
from application.permissions import allowed_commands
from application.vocabulary import STEP_OWNERS, CycleState, Step
from console.context import SignedInContext
from console.cycle_view import days_left
from console.params import RowId
from console.web import PageNotFound, SignedIn, console_of, now, render, today

router = APIRouter()


class MyTask(NamedTuple):
    """A task of mine on my page: its title, due date and the activity it is for."""

    task_id: str
    title: str
    due: date
    days: int
    activity: str


def _activity_title(state: CycleState, activity_id: str) -> str:
    activity = state.activity(activity_id)
    return activity.title if activity is not None else ""


@dataclass(frozen=True)
class Awaiting:
    """One council's part of my page."""

    council_id: str
    council_name: str
    year: int | None
    step: Step | None
    due: date | None
    days: int | None
    act_on_step: bool
    vote: bool
    tasks: list[MyTask]


@router.get("/me", response_class=HTMLResponse)
async def my_page(request: Request, ctx: SignedInContext) -> HTMLResponse:
    """What awaits me now, across my councils, and my unread notices."""
    who = ctx.who
    console = console_of(request)

    client = await ctx.temporal()
    mine = await console.db(lambda s: my_councils(s, who.viewer))
    names, years, notices = mine.names, mine.years, mine.unread
    found = await asyncio.gather(
        *(_awaiting(client, who, c, names[c], years[c]) for c in sorted(names))
    )
    return render(
        request, "me.html", {"councils": found, "notices": notices, "today": today()}, who=who
    )


async def _awaiting(
    client: Any, who: SignedIn, council_id: str, name: str, years: list[int]
) -> Awaiting:
    if not years:
        return Awaiting(council_id, name, None, None, None, None, False, False, [])
    year = years[0]
    try:
        state = await cycles.state(client, council_id, year, answer_within=10)
    except cycles.CycleError:
        return Awaiting(council_id, name, year, None, None, None, False, False, [])
    allowed = allowed_commands(state, who.person_id)
    policy = state.current_policy
    vote = "cast_vote" in allowed and policy is not None and who.person_id not in policy.ballots
    roles = state.roster.roles_of(who.person_id)
    owners = STEP_OWNERS.get(state.step, ())
    act_on = state.step is not Step.CLOSED and bool(roles & set(owners)) and bool(allowed)
    tasks = [
        MyTask(
            t.task_id,
            t.title,
            t.due_on,
            (t.due_on - today()).days,
            _activity_title(state, t.activity_id),
        )
        for t in state.tasks
        if t.is_open and t.owner == who.person_id
    ]
    due = state.due_dates.get(state.step)
    return Awaiting(council_id, name, year, state.step, due, days_left(due), act_on, vote, tasks)


@router.get("/notices/{notice_id}", response_class=HTMLResponse)
async def notice_page(request: Request, notice_id: RowId, ctx: SignedInContext) -> Response:
    """One of my notices; reading it marks it read."""
    who = ctx.who

    notice = await console_of(request).db(lambda s: read_notice(s, who.person_id, notice_id))
    if notice is None:
        raise PageNotFound()
    return render(request, "notice.html", {"notice": notice, "now": now()}, who=who)
