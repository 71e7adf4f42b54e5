"""My page (``/me``): what awaits me across my councils, and one of my notices
(``/notices/{notice_id}``)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application import cycles
from application.console_reads import my_councils, read_notice
from application.my_page import KINDS, NextAction, next_actions
from application.vocabulary import Step
from console.context import SignedInContext
from console.params import RowId
from console.web import PageNotFound, SignedIn, console_of, now, render, safe_next, today

router = APIRouter()


@dataclass(frozen=True)
class Awaiting:
    """One council's part of my page: its name, its open year and step, and what I
    should do next there (``application.my_page.next_actions``)."""

    council_id: str
    council_name: str
    year: int | None
    step: Step | None
    actions: list[NextAction]


@dataclass(frozen=True)
class ToDo:
    """One next action on my page, with the council it is for."""

    council_name: str
    action: NextAction


@router.get("/me", response_class=HTMLResponse)
async def my_page(request: Request, ctx: SignedInContext) -> HTMLResponse:
    """What I should do next, soonest first, each with its button; my unread notices;
    my councils."""
    who = ctx.who
    console = console_of(request)

    client = await ctx.temporal()
    mine = await console.db(lambda s: my_councils(s, who.viewer))
    names, years, notices = mine.names, mine.years, mine.unread
    found = await asyncio.gather(
        *(_awaiting(client, who, c, names[c], years[c]) for c in sorted(names))
    )
    todo = [ToDo(c.council_name, a) for c in found for a in c.actions]
    # Soonest first; what has no date after; the order of ``KINDS`` within a day.
    todo.sort(key=lambda t: (t.action.due or date.max, KINDS.index(t.action.kind)))
    context = {"councils": found, "todo": todo, "notices": notices, "today": today()}
    return render(request, "me.html", context, who=who)


async def _awaiting(
    client: Any, who: SignedIn, council_id: str, name: str, years: list[int]
) -> Awaiting:
    if not years:
        return Awaiting(council_id, name, None, None, [])
    year = years[0]
    try:
        state = await cycles.state(client, council_id, year, answer_within=10)
    except cycles.CycleError:
        return Awaiting(council_id, name, year, None, [])
    return Awaiting(council_id, name, year, state.step, next_actions(state, who.person_id, today()))


@router.get("/notices/{notice_id}", response_class=HTMLResponse)
async def notice_page(request: Request, notice_id: RowId, ctx: SignedInContext) -> Response:
    """One of my notices; reading it marks it read."""
    who = ctx.who

    console = console_of(request)
    notice = await console.db(lambda s: read_notice(s, who.person_id, notice_id))
    if notice is None:
        raise PageNotFound()
    lines = notice_lines(notice.body)
    context = {
        "notice": notice,
        "lines": lines,
        "action": None
        if any(href for _, href in lines)
        else notice_action(notice.template, notice.council_id, notice.fiscal_year),
        "now": now(),
    }
    return render(request, "notice.html", context, who=who)


def notice_lines(body: str) -> list[tuple[str, str | None]]:
    """The notice's lines, each with the page it links to: a line that carries an address
    ("出席: https://…/councils/…/calls/k1?answer=attend") becomes its words and a link
    to that page of this console (its path only: a notice never links elsewhere); any
    other line is text only."""
    lines: list[tuple[str, str | None]] = []
    for line in body.splitlines():
        found = _ADDRESS.search(line)
        if found is None:
            lines.append((line, None))
            continue
        parts = urlsplit(found.group(0))
        path = safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
        words = line[: found.start()].strip().rstrip(":：").strip()
        lines.append((words or path, path))
    return lines


_ADDRESS = re.compile(r"https?://\S+")


#: The page below a cycle where each kind of notice is acted on (the cycle page else).
_NOTICE_PAGES = {"vote_needed": "/vote", "vote_result": "/vote#reasons"}


def notice_action(template: str, council_id: str, fiscal_year: int) -> str:
    """The page a notice's button opens: where its reader acts on it."""
    below = _NOTICE_PAGES.get(template, "#tasks" if template.startswith("task_") else "")
    return f"/councils/{council_id}/{fiscal_year}{below}"
