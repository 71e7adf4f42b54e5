"""A council's cycle of a year: the cycle page, the vote page and the plan form
(``/councils/{council_id}/{year}``, ``.../vote``, ``.../plan``). Each is a plain URL a
notification can link to; each read is scoped."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application.my_page import compare_versions, vote_reasons
from application.volunteer_requests import record_prefill
from console.context import SignedInContext
from console.cycle_view import load_cycle, render_cycle
from console.params import Year
from console.web import PageNotFound, console_of

router = APIRouter()


@router.get("/councils/{council_id}/{year}", response_class=HTMLResponse)
async def cycle_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The cycle page: timeline, meetings, policy, vote, plan, tasks, records, evaluation.
    ``?record=<activity>`` fills in the activity record form from the activity's volunteer
    requests (its day and the confirmed volunteers)."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    activity = request.query_params.get("record", "")[:64]
    if activity and "record_activity" in view.allowed:
        held_on, confirmed = await ctx.run(record_prefill, council_id, year, activity)
        form = {"activity_id": activity, "volunteer_ids": list(confirmed),
                "record_held_on": held_on.isoformat() if held_on else ""}  # fmt: skip
        return await render_cycle(request, who, view, form=form)
    return await render_cycle(request, who, view)


@router.get("/councils/{council_id}/{year}/vote", response_class=HTMLResponse)
async def vote_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The policy under vote, who has voted, and the ballot; once a vote has closed, the
    reasons given with its ballots, and the latest two versions side by side."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    state = view.state
    reasons = await console_of(request).db(lambda s: vote_reasons(s, state))
    policies = state.policies
    compare = compare_versions(policies[-2].text, policies[-1].text) if len(policies) > 1 else None
    extra = {"reasons": reasons, "compare": compare}
    return await render_cycle(request, who, view, "vote.html", extra=extra)


@router.get("/councils/{council_id}/{year}/plan", response_class=HTMLResponse)
async def plan_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The plan form (only for who may submit the plan now)."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    if "submit_plan" not in view.allowed:
        raise PageNotFound()
    return await render_cycle(request, who, view, "plan.html")
