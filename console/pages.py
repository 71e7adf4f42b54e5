"""The pages: my page, a notice, and per council and year the cycle, the vote and the
plan form. Each is a plain URL a notification can link to; each read is scoped."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application import cycles
from application.console_reads import council_scope, cycle_people, my_councils, read_notice
from application.permissions import (
    allowed_commands,
    may_read_closed_minutes,
    may_read_contacts,
    task_actions,
)
from console.access_log import log_cycle_reads
from console.params import MAX_ROW_ID, RowId, Year, bounded_int
from console.web import (
    PageNotFound,
    SignedIn,
    console_of,
    now,
    render,
    signed_in,
    today,
)
from domain.base import STEP_ORDER, STEP_OWNERS, Role, Step
from domain.model import CycleState, PolicyStatus
from store.volunteers import VolunteerRow

router = APIRouter()

#: The six steps shown on the timeline.
TIMELINE = STEP_ORDER[:6]
#: Activity kinds offered by the plan form (each has a default checklist).
ACTIVITY_KINDS = ("reading", "patrol", "event", "general")
MAX_PLAN_ROWS = 10


@dataclass
class CycleView:
    """Everything the cycle page, the vote page and the plan form show."""

    council_id: str
    council_name: str
    year: int
    state: CycleState
    roles: frozenset[Role]
    allowed: frozenset[str]
    names: dict[str, str]
    closed_minutes: bool
    contacts: bool
    volunteers: list[VolunteerRow] = field(default_factory=list)
    task_actions: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The cycle page's path."""
        return f"/councils/{self.council_id}/{self.year}"

    def name(self, person_id: str | None) -> str:
        """A person's name (the id when the store has none)."""
        if person_id is None:
            return ""
        return self.names.get(person_id, person_id)

    def coordinators(self) -> tuple[str, ...]:
        """Who may own a task here."""
        return self.state.roster.holders_of(Role.COORDINATOR, Role.CHIEF_COORDINATOR)


def days_left(due: date | None) -> int | None:
    """Days from today (Japan) to ``due``; negative once overdue."""
    return None if due is None else (due - today()).days


async def load_cycle(request: Request, who: SignedIn, council_id: str, year: int) -> CycleView:
    """The cycle of ``council_id`` in ``year`` as ``who`` may see it; ``PageNotFound``
    when the council is not theirs (the same answer as for an unknown one)."""
    console = console_of(request)

    scope = await console.db(lambda s: council_scope(s, who.viewer, council_id))
    roles, council_name = scope.roles, scope.council_name
    if not roles:
        raise PageNotFound()
    try:
        state = await cycles.state(console.temporal(), council_id, year, answer_within=10)
    except (cycles.CycleNotStarted, cycles.CycleFailed) as exc:
        raise PageNotFound() from exc
    contacts = may_read_contacts(roles)

    names, registry = await console.db(lambda s: cycle_people(s, state))
    allowed = allowed_commands(state, who.person_id)
    view = CycleView(
        council_id=council_id,
        council_name=council_name,
        year=year,
        state=state,
        roles=roles,
        allowed=allowed,
        names=names,
        closed_minutes=may_read_closed_minutes(roles),
        contacts=contacts,
        volunteers=registry,
    )
    view.task_actions = {
        t.task_id: task_actions(state, who.person_id, t, allowed) for t in state.tasks
    }
    shows_minutes = view.closed_minutes and any(m.minutes_closed for m in state.meetings)
    shows_contacts = contacts and any(v.contact for v in registry)
    await log_cycle_reads(request, who.person_id, council_id, year, shows_minutes, shows_contacts)
    return view


def cycle_context(view: CycleView, who: SignedIn) -> dict[str, Any]:
    """What the cycle templates need besides the view."""
    state = view.state
    policy = state.current_policy
    voters = state.roster.voters()
    return {
        "view": view,
        "state": state,
        "timeline": TIMELINE,
        "step_index": STEP_ORDER.index(state.step),
        "due": state.due_dates.get(state.step),
        "days": days_left(state.due_dates.get(state.step)),
        "policy": policy,
        "voting": policy is not None and policy.status is PolicyStatus.VOTING,
        "voters": voters,
        "my_ballot": None if policy is None else policy.ballots.get(who.person_id),
        "aims": state.aims(),
        "kinds": ACTIVITY_KINDS,
    }


async def render_cycle(
    request: Request,
    who: SignedIn,
    view: CycleView,
    template: str = "cycle.html",
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render one of the cycle's pages, with a refusal or an input error if any."""
    context = cycle_context(view, who)
    context.update({"error": error, "form": form or {}, "rows": _plan_rows(request, form)})
    return render(request, template, context, who=who, status_code=status_code)


def _plan_rows(request: Request, form: dict[str, Any] | None) -> int:
    raw = (form or {}).get("rows") or request.query_params.get("activities", "2")
    rows = bounded_int(raw, 1, MAX_ROW_ID)
    return min(rows, MAX_PLAN_ROWS) if rows is not None else 2


@router.get("/councils/{council_id}/{year}", response_class=HTMLResponse)
async def cycle_page(request: Request, council_id: str, year: Year) -> HTMLResponse:
    """The cycle page: timeline, meetings, policy, vote, plan, tasks, records, evaluation."""
    who = await signed_in(request)
    view = await load_cycle(request, who, council_id, year)
    return await render_cycle(request, who, view)


@router.get("/councils/{council_id}/{year}/vote", response_class=HTMLResponse)
async def vote_page(request: Request, council_id: str, year: Year) -> HTMLResponse:
    """The policy under vote, who has voted, and the ballot."""
    who = await signed_in(request)
    view = await load_cycle(request, who, council_id, year)
    return await render_cycle(request, who, view, "vote.html")


@router.get("/councils/{council_id}/{year}/plan", response_class=HTMLResponse)
async def plan_page(request: Request, council_id: str, year: Year) -> HTMLResponse:
    """The plan form (only for who may submit the plan now)."""
    who = await signed_in(request)
    view = await load_cycle(request, who, council_id, year)
    if "submit_plan" not in view.allowed:
        raise PageNotFound()
    return await render_cycle(request, who, view, "plan.html")


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
async def my_page(request: Request) -> HTMLResponse:
    """What awaits me now, across my councils, and my unread notices."""
    who = await signed_in(request)
    console = console_of(request)

    mine = await console.db(lambda s: my_councils(s, who.viewer))
    names, years, notices = mine.names, mine.years, mine.unread
    found = await asyncio.gather(
        *(_awaiting(console.temporal(), who, c, names[c], years[c]) for c in sorted(names))
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
        (t.task_id, t.title, t.due_on, (t.due_on - today()).days)
        for t in state.tasks
        if t.is_open and t.owner == who.person_id
    ]
    due = state.due_dates.get(state.step)
    return Awaiting(council_id, name, year, state.step, due, days_left(due), act_on, vote, tasks)


@router.get("/notices/{notice_id}", response_class=HTMLResponse)
async def notice_page(request: Request, notice_id: RowId) -> Response:
    """One of my notices; reading it marks it read."""
    who = await signed_in(request)

    notice = await console_of(request).db(lambda s: read_notice(s, who.person_id, notice_id))
    if notice is None:
        raise PageNotFound()
    return render(request, "notice.html", {"notice": notice, "now": now()}, who=who)
