"""My page (``/me``): what awaits me across my councils, and one of my notices
(``/notices/{notice_id}``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application.console_reads import my_councils, read_notice
from application.cycle_reads import stored_states
from application.permissions import allowed_commands
from application.vocabulary import STEP_OWNERS, CycleState, Step
from console.context import SignedInContext
from console.cycle_view import days_left
from console.params import RowId
from console.web import PageNotFound, SignedIn, console_of, now, render, today

router = APIRouter()


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
    tasks: list[tuple[str, str, date, int]]


@router.get("/me", response_class=HTMLResponse)
async def my_page(request: Request, ctx: SignedInContext) -> HTMLResponse:
    """What awaits me now, across my councils, and my unread notices."""
    who = ctx.who
    console = console_of(request)

    mine = await console.db(lambda s: my_councils(s, who.viewer))
    names, years, notices = mine.names, mine.years, mine.unread
    # Each council's latest year, read from the store (no workflow query).
    states = await stored_states(ctx, {c: years[c][0] for c in names if years[c]})
    found = [_awaiting(who, c, names[c], years[c], states.get(c)) for c in sorted(names)]
    return render(
        request, "me.html", {"councils": found, "notices": notices, "today": today()}, who=who
    )


def _awaiting(
    who: SignedIn, council_id: str, name: str, years: list[int], state: CycleState | None
) -> Awaiting:
    if not years:
        return Awaiting(council_id, name, None, None, None, None, False, False, [])
    year = years[0]
    if state is None:
        return Awaiting(council_id, name, year, None, None, None, False, False, [])
    allowed = allowed_commands(state, who.person_id)
    policy = state.current_policy
    vote = "cast_vote" in allowed and policy is not None and who.person_id not in policy.ballots
    roles = state.roster.roles_of(who.person_id)
    owners = STEP_OWNERS.get(state.step, ())
    act_on = state.step is not Step.CLOSED and bool(roles & set(owners)) and bool(allowed)
    tasks = [
        (t.task_id, t.title, t.due_on, (t.due_on - today()).days)
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
