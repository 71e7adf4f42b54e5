"""The command routes: parse the form, send the command as the signed-in person through
the application layer, show the page again. A refusal shows the rules' one-line reason
beside the field at fault, with everything typed kept, and nothing changes; success
redirects (POST, then GET) to the section the form was in, so a reload repeats nothing
and the person is back where they were."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from application.plan_drafts import drop_draft
from console.context import ConsoleContext, SignedInContext
from console.cycle_view import (
    TASK_COMMANDS,
    CycleView,
    NotApplied,
    find_cycle,
    load_cycle,
    render_cycle,
    section_of,
    send_command,
)
from console.forms import BUILDERS, FormError, command_from, evaluations_from
from console.messages import text
from console.params import Year
from console.web import PageNotFound, form_of, lang_of, see_other

router = APIRouter()

#: The page each command's form lives on (and returns to on a refusal).
FORM_PAGE = {"cast_vote": "vote.html", "close_vote": "vote.html", "submit_plan": "plan.html"}
#: Where to go after an accepted command, below the cycle page.
AFTER = {"cast_vote": "/vote", "close_vote": "/vote", "submit_plan": ""}


def _anchor(kind: str, form: dict[str, Any]) -> str:
    """Where the page opens after ``kind``: the form's section of the cycle page (a
    task's own card for the tasks' forms); on the vote page, the ballot form."""
    if kind in TASK_COMMANDS:
        task_id = str(form.get("task_id", ""))
        return f"#task-{task_id}" if task_id.replace("-", "").isalnum() else "#tasks"
    if AFTER.get(kind, ""):
        return "#cast_vote" if kind == "cast_vote" else ""
    section = section_of(kind)
    return f"#{section}" if section else ""


@router.post("/councils/{council_id}/{year}/{kind}", response_model=None)
async def give_command(
    request: Request, ctx: SignedInContext, council_id: str, year: Year, kind: str
) -> Response:
    """Give the command ``kind`` to the council's cycle as the signed-in person."""
    who = ctx.who
    form = await form_of(request, who)
    if kind == "evaluate_aims":
        return await _evaluate_aims(request, ctx, council_id, year, form)
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
        return await render_cycle(
            request, who, view, template, error, form, 422, posted=kind, invalid=exc.field
        )
    sent = await send_command(request, ctx, target, command, form)
    if isinstance(sent, NotApplied):
        # The rules said no (409: why, on the page the form came from, with its input and
        # the field at fault marked), or nobody answered (503).
        view = await load_cycle(request, ctx, council_id, year)
        status = 409 if sent.refused else 503
        return await render_cycle(
            request, who, view, template, sent.message, form, status,
            posted=kind, invalid=sent.field if sent.refused else None,
        )  # fmt: skip
    if kind == "submit_plan":
        await ctx.run(drop_draft, council_id, year)
    # The page the person lands on words the outcome from the state (``?done=<kind>``),
    # says whether the store shows it yet (``seq``) and opens at the form's section.
    return see_other(f"{target.url}{AFTER.get(kind, '')}?{sent.done}{_anchor(kind, form)}")


async def _evaluate_aims(
    request: Request, ctx: ConsoleContext, council_id: str, year: int, form: dict[str, Any]
) -> Response:
    """The one evaluation form: each aim rated (and changed) is one ``evaluate_aim``
    command with its own id (the form's id and the aim's), so a form sent again applies
    each aim once; aims left as they were are not sent again."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    lang = lang_of(request)
    base_id = str(form.get("command_id", ""))[:60]
    aim_ids = list(view.state.aims())
    for fields in _changed(view, evaluations_from(form, aim_ids)):
        aim_id = fields["aim_id"]
        number = aim_ids.index(aim_id)
        try:
            command = command_from("evaluate_aim", fields, who.person_id)
        except FormError as exc:
            error = text("bad_input", lang, detail=str(exc))
            return await render_cycle(
                request, who, view, "cycle.html", error, form, 422,
                posted="evaluate_aims", invalid=f"rating-{aim_id}",
            )  # fmt: skip
        one = {"command_id": f"{base_id}.{number}" if base_id else ""}
        sent = await send_command(request, ctx, view, command, one)
        if isinstance(sent, NotApplied):
            view = await load_cycle(request, ctx, council_id, year)
            status = 409 if sent.refused else 503
            return await render_cycle(
                request, who, view, "cycle.html", sent.message, form, status,
                posted="evaluate_aims", invalid=f"rating-{aim_id}",
            )  # fmt: skip
    return see_other(f"{view.url}?done=evaluate_aim#evaluations")


def _changed(view: CycleView, given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The aims whose rating or comment differs from what the cycle holds."""
    changed = []
    for fields in given:
        held = view.state.evaluations.get(fields["aim_id"])
        if held is None or (held.rating.value, held.comment) != (
            fields["rating"],
            fields["comment"],
        ):
            changed.append(fields)
    return changed
