"""Confirmation pages before what cannot be undone (plain forms, no JavaScript needed):
closing the discussion, closing the vote and closing the year (``GET .../confirm/{kind}``),
submitting the plan (the plan form posts to ``.../confirm/submit_plan``, which carries
its fields on; 「入力に戻る」 posts them back to ``.../plan``) and publishing minutes
(``GET .../minutes/{number}/confirm``). Each page states the consequence in words; its
button sends the real POST, and "cancel" goes back without doing anything."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application import outcomes, wording
from console.context import SignedInContext
from console.cycle_view import CycleView, load_cycle, render_cycle
from console.forms import FormError, command_from
from console.messages import text
from console.params import RowId, Year
from console.web import PageNotFound, SignedIn, form_of, lang_of, render

router = APIRouter()

#: Where each confirmed act's form lives (and "cancel" returns to), below the cycle page.
BACK = {"close_discussion": "", "close_vote": "/vote", "close_cycle": "#evaluations"}
#: Form fields never carried on: the confirmation page makes its own.
_OWN_FIELDS = frozenset({"csrf", "command_id"})


def _pairs(form: dict[str, Any]) -> list[tuple[str, str]]:
    """The posted fields as (name, value) pairs, lists spread out, for hidden inputs."""
    pairs: list[tuple[str, str]] = []
    for key, value in form.items():
        if key in _OWN_FIELDS:
            continue
        for one in value if isinstance(value, list) else [value]:
            pairs.append((key, str(one)))
    return pairs


def _confirm(
    request: Request,
    who: SignedIn,
    view: CycleView,
    kind: str,
    lines: list[str],
    action: str,
    back: str,
    hidden: list[tuple[str, str]] | None = None,
    back_form: str | None = None,
) -> HTMLResponse:
    context = {
        "view": view,
        "heading": text("minutes_publish" if kind == "publish" else kind, lang_of(request)),
        "lines": lines,
        "action": action,
        "yes": text("yes_" + kind, lang_of(request)),
        "back": back,
        "hidden": hidden or [],
        "back_form": back_form,
    }
    return render(request, "confirm.html", context, who=who)


@router.get("/councils/{council_id}/{year}/confirm/{kind}", response_class=HTMLResponse)
async def confirm_act(
    request: Request, council_id: str, year: Year, kind: str, ctx: SignedInContext
) -> HTMLResponse:
    """What closing the discussion, the vote or the year will do, and the button."""
    if kind not in BACK:
        raise PageNotFound()
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    if kind not in view.allowed:
        raise PageNotFound()
    lines = outcomes.confirm_lines(kind, view.state, lang_of(request))
    back = view.url + BACK[kind]
    return _confirm(request, who, view, kind, lines, f"{view.url}/{kind}", back)


@router.post("/councils/{council_id}/{year}/confirm/submit_plan", response_class=HTMLResponse)
async def confirm_plan(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The plan as it will be submitted (activities, tasks, dates), and the button; a
    form that cannot be read goes back to the form with its values and the reason."""
    who = ctx.who
    form = await form_of(request, who)
    view = await load_cycle(request, ctx, council_id, year)
    if "submit_plan" not in view.allowed:
        raise PageNotFound()
    lang = lang_of(request)
    try:
        command = command_from("submit_plan", form, who.person_id)
    except FormError as exc:
        error = text("bad_input", lang, detail=str(exc))
        return await render_cycle(
            request, who, view, "plan.html", error, form, 422,
            posted="submit_plan", invalid=exc.field,
        )  # fmt: skip
    lines = outcomes.plan_confirm(view.state, command, lang)
    pairs = _pairs(form)
    return _confirm(
        request, who, view, "submit_plan", lines, f"{view.url}/submit_plan",
        f"{view.url}/plan", pairs, back_form=f"{view.url}/plan",
    )  # fmt: skip


@router.get("/councils/{council_id}/{year}/minutes/{number}/confirm", response_class=HTMLResponse)
async def confirm_publish(
    request: Request, council_id: str, year: Year, number: RowId, ctx: SignedInContext
) -> HTMLResponse:
    """What publishing a meeting's minutes does, and the button."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    meeting = next((m for m in view.state.meetings if m.number == number), None)
    if meeting is None:
        raise PageNotFound()
    lang = lang_of(request)
    line = text("confirm_publish", lang, number=number, date=wording.day(meeting.held_on, lang))
    action = f"{view.url}/minutes/{number}/publish"
    return _confirm(request, who, view, "publish", [line], action, f"{view.url}/minutes")
