"""A council's cycle of a year: the cycle page, the vote page and the plan form
(``/councils/{council_id}/{year}``, ``.../vote``, ``.../plan``). Each is a plain URL a
notification can link to; each read is scoped."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application.my_page import compare_versions, vote_reasons
from application.plan_drafts import load_draft, save_draft
from application.vocabulary import JAPAN
from application.volunteer_requests import record_prefill
from console.context import SignedInContext
from console.cycle_view import MAX_PLAN_ROWS, load_cycle, render_cycle
from console.params import Year, bounded_int
from console.web import PageNotFound, console_of, form_of, see_other

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
                "activity_held_on": held_on.isoformat() if held_on else ""}  # fmt: skip
        return await render_cycle(request, who, view, form=form, posted="record_activity")
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
    return await render_cycle(request, who, view, "vote.html", reasons=reasons, compare=compare)


@router.get("/councils/{council_id}/{year}/plan", response_class=HTMLResponse)
async def plan_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The plan form (only for who may submit the plan now), as its saved draft left it
    when there is one."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    if "submit_plan" not in view.allowed:
        raise PageNotFound()
    draft = await ctx.run(load_draft, council_id, year)
    if draft is None:
        return await render_cycle(request, who, view, "plan.html")
    saved = draft.saved_at.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M")
    return await render_cycle(
        request, who, view, "plan.html", form=dict(draft.fields), draft_saved=saved
    )


@router.post("/councils/{council_id}/{year}/plan", response_model=None)
async def plan_form_action(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> Response:
    """The plan form's own buttons (they work without JavaScript): 「活動の欄を増やす」
    shows the form again with everything typed and one more empty activity;
    「下書きを保存する」 keeps it as the year's draft and comes back to it; 「入力に戻る」
    on the plan's confirmation page shows the form again with everything typed."""
    who = ctx.who
    form = await form_of(request, who)
    view = await load_cycle(request, ctx, council_id, year)
    if "submit_plan" not in view.allowed:
        raise PageNotFound()
    rows = bounded_int(str(form.get("rows", "1")), 1, MAX_PLAN_ROWS) or 1
    if form.get("plan_action") == "draft":
        await ctx.run(save_draft, council_id, year, form)
        return see_other(f"{view.url}/plan?saved=1#plan-form")
    if form.get("plan_action") != "add":
        return await render_cycle(request, who, view, "plan.html", form=form)
    added = min(rows + 1, MAX_PLAN_ROWS)
    form["rows"] = str(added)
    return await render_cycle(request, who, view, "plan.html", form=form, focus_row=added)
