"""What a board admin does from the dashboard, each after a confirmation page (plain
forms, no JavaScript): remind every council waiting at a step (the page shows how many
councils and people it will reach first), move a due date, pause with a reason, resume;
and a council's history as a timeline with its Temporal runs, and as CSV.

Every act is the cycle's own update through ``application.board_acts``; the actor is the
signed-in board admin.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application import board_acts, board_pages, board_reads, cycles
from application.cycle_reads import cycle_target, record_read
from application.dashboard import cycle_path
from application.errors import AppError
from application.vocabulary import Step
from console.context import ConsoleContext, SignedInContext
from console.messages import text
from console.params import Year
from console.routers.board import STEPS, board_admin, board_base, csv_download
from console.web import (
    PageNotFound,
    SignedIn,
    form_of,
    lang_of,
    render,
    see_other,
    today,
)

router = APIRouter()

ACTS = ("move", "pause", "resume")
MAX_REASON = 2000


async def _council(
    request: Request, ctx: ConsoleContext, municipality_id: str, council_id: str
) -> SignedIn:
    """The board admin, when ``council_id`` is a council of ``municipality_id``."""
    who = board_admin(ctx, municipality_id)
    found = await ctx.run(board_pages.council_municipality, council_id)
    if found != municipality_id:
        raise PageNotFound()
    return who


def _step(raw: str) -> Step | None:
    return next((s for s in STEPS if s.value == raw), None)


def movable_steps(step: Step | None) -> tuple[Step, ...]:
    """The steps whose due date the rules let the board move now: the current working
    step and those after it. None before the cycle starts or once the year is closed,
    when the rules refuse every act (``cycle_closed``) and the page offers none."""
    if step is None or step not in STEPS:
        return ()
    return STEPS[STEPS.index(step) :]


def _act_fields(params: Any) -> dict[str, str] | None:
    """The act's fields from a form, or ``None`` when they are incomplete or wrong."""
    act = str(params.get("act", ""))
    if act == "pause":
        reason = str(params.get("reason", "")).strip()
        return {"act": act, "reason": reason} if 0 < len(reason) <= MAX_REASON else None
    if act == "resume":
        return {"act": act}
    if act == "move":
        step, due = str(params.get("step", "")), str(params.get("due", ""))[:10]
        try:
            date.fromisoformat(due)
        except ValueError:
            return None
        return {"act": act, "step": step, "due": due} if _step(step) else None
    return None


@router.get("/board/{municipality_id}/{year}/councils/{council_id}", response_class=HTMLResponse)
async def council_board_page(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year, council_id: str
) -> HTMLResponse:
    """One council for the board: its row, the acts' forms and its history timeline."""
    who = await _council(request, ctx, municipality_id, council_id)
    day = today()

    found = await ctx.run(board_pages.council_view, municipality_id, year, council_id, day)
    if found is None:
        raise PageNotFound()
    row, entries = found
    if entries:
        # Who did what, with names and reasons: the timeline is a read of personal data.
        await ctx.run(record_read, f"{cycle_target(council_id, year)}/history", request.url.path)
    lines, unpublished = await ctx.run(
        board_pages.history_lines, municipality_id, council_id, year, entries, lang_of(request)
    )
    context = {
        "row": row,
        "entries": entries,
        "lines": lines,
        "unpublished": unpublished,
        "base": board_base(municipality_id, year),
        "steps": movable_steps(row.step),
        "closed": row.step is Step.CLOSED,
        "cycle": cycle_path(council_id, year),
        "year": year,
        "done": request.query_params.get("done", "") if request.query_params.get("done") in
        ACTS else "",
    }  # fmt: skip
    return render(request, "board_council.html", context, who=who)


@router.get(
    "/board/{municipality_id}/{year}/councils/{council_id}/confirm", response_class=HTMLResponse
)
async def confirm_act(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year, council_id: str
) -> HTMLResponse:
    """The confirmation page of an act: what will change, and the button that does it."""
    who = await _council(request, ctx, municipality_id, council_id)
    fields = _act_fields(request.query_params)
    base = board_base(municipality_id, year)
    if fields is None:
        detail = text("board_act_incomplete", lang_of(request))
        return render(request, "board_done.html",
                      {"error": detail, "back": f"{base}/councils/{council_id}"}, who=who,
                      status_code=422)  # fmt: skip
    name = await ctx.run(board_pages.council_name_of, council_id)
    context = {"fields": fields, "council_id": council_id, "council_name": name, "base": base}
    return render(request, "board_confirm.html", context, who=who)


@router.post("/board/{municipality_id}/{year}/councils/{council_id}/act", response_model=None)
async def do_act(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year, council_id: str
) -> Response:
    """Move a due date, pause or resume, as the signed-in board admin."""
    who = await _council(request, ctx, municipality_id, council_id)
    form = await form_of(request, who)
    fields = _act_fields(form)
    back = f"{board_base(municipality_id, year)}/councils/{council_id}"
    if fields is None:
        raise PageNotFound()
    client = await ctx.temporal()
    try:
        if fields["act"] == "pause":
            await board_acts.pause(client, council_id, year, who.person_id, fields["reason"])
        elif fields["act"] == "resume":
            await board_acts.resume(client, council_id, year, who.person_id)
        else:
            step = _step(fields["step"])
            assert step is not None  # checked by _act_fields
            due = date.fromisoformat(fields["due"])
            await board_acts.move_due_date(client, council_id, year, who.person_id, step, due)
    except cycles.CommandRefused as refusal:
        return render(request, "board_done.html",
                      {"error": refusal.message(lang_of(request)), "back": back}, who=who,
                      status_code=409)  # fmt: skip
    return see_other(f"{back}?done={fields['act']}")


@router.get(
    "/board/{municipality_id}/{year}/councils/{council_id}/history.csv", response_model=None
)
async def history_download(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year, council_id: str
) -> Response:
    """The council's history as the CLI's ``history --csv`` makes it."""
    await _council(request, ctx, municipality_id, council_id)

    content = await ctx.run(board_reads.history_csv, council_id, year)
    return csv_download(content, f"history-{council_id}-{year}.csv")


@router.get("/board/{municipality_id}/{year}/remind", response_class=HTMLResponse)
async def confirm_remind(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """Before a reminder: how many councils and people it will reach."""
    who = board_admin(ctx, municipality_id)
    step = _step(request.query_params.get("step", ""))
    if step is None:
        raise PageNotFound()
    reach = await ctx.run(board_acts.remind_reach_now, municipality_id, year, step)
    # Who the reminders already sent by hand at this step reached, and who has read one.
    receipts = await ctx.run(board_acts.remind_receipts_now, municipality_id, year, step)
    context = {"reach": reach, "receipts": receipts, "base": board_base(municipality_id, year)}
    return render(request, "board_remind.html", context, who=who)


@router.post("/board/{municipality_id}/{year}/remind", response_class=HTMLResponse)
async def send_remind(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """Remind every council waiting at the step (as the preview counted them now)."""
    who = board_admin(ctx, municipality_id)
    form = await form_of(request, who)
    step = _step(str(form.get("step", "")))
    if step is None:
        raise PageNotFound()
    report = await board_acts.remind_municipality(ctx, municipality_id, year, step)
    lang = lang_of(request)
    sent = sum(1 for o in report.outcomes if o.outcome == "sent")
    done = text("board_remind_done", lang, sent=sent, skipped=len(report.outcomes) - sent)
    if report.failures:
        # Councils that could be reminded were; the others are named in one line.
        failed = AppError("remind_failed", count=len(report.failures),
                          details="; ".join(report.failures))  # fmt: skip
        done = f"{done} {failed.message(lang)}"
    context = {
        "done_text": done,
        "back": board_base(municipality_id, year),
    }  # fmt: skip
    return render(request, "board_done.html", context, who=who)
