"""The command routes: parse the form, send the command as the signed-in person through
the application layer, show the page again. A refusal shows the rules' one-line reason
and nothing changes; success redirects (POST, then GET), so a reload repeats nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.context import SignedInContext
from console.cycle_view import (
    NotApplied,
    find_cycle,
    load_cycle,
    render_cycle,
    send_command,
)
from console.forms import BUILDERS, FormError, command_from
from console.messages import text
from console.params import Year
from console.web import PageNotFound, form_of, lang_of, see_other

router = APIRouter()

#: The page each command's form lives on (and returns to on a refusal).
FORM_PAGE = {"cast_vote": "vote.html", "close_vote": "vote.html", "submit_plan": "plan.html"}
#: Where to go after an accepted command, below the cycle page.
AFTER = {"cast_vote": "/vote", "close_vote": "/vote", "submit_plan": ""}


@router.post("/councils/{council_id}/{year}/{kind}", response_model=None)
async def give_command(
    request: Request, ctx: SignedInContext, council_id: str, year: Year, kind: str
) -> Response:
    """Give the command ``kind`` to the council's cycle as the signed-in person."""
    who = ctx.who
    form = await form_of(request, who)
    if kind not in BUILDERS:
        raise PageNotFound()
    # The state is read only when the form comes back (a refusal, a bad field): the
    # rules decide the command, and the page the redirect names reads it anyway.
    target = await find_cycle(ctx, council_id, year)
    template = FORM_PAGE.get(kind, "cycle.html")
    lang = lang_of(request)
    try:
        command = command_from(kind, form, who.person_id)
    except FormError as exc:
        error = text("bad_input", lang, detail=str(exc))
        view = await load_cycle(request, ctx, council_id, year)
        return await render_cycle(request, who, view, template, error, form, 422)
    sent = await send_command(request, ctx, target, command, form)
    if isinstance(sent, NotApplied):
        # The rules said no (409: why, on the page the form came from, with its input),
        # or nobody answered (503).
        view = await load_cycle(request, ctx, council_id, year)
        status = 409 if sent.refused else 503
        return await render_cycle(request, who, view, template, sent.message, form, status)
    return see_other(f"{target.url}{AFTER.get(kind, '')}?{sent.done}")
