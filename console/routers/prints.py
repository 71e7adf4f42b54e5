"""A4 print pages of a council's public minutes and of its basic school-management policy
(``/councils/<c>/<y>/minutes/print``, ``/councils/<c>/<y>/policy/print``), linked from
the minutes page and the policy section of the cycle page.

Each carries the council's name, the date of issue in 和暦 (Japan time) and the issuer,
and prints on A4 (``@page`` in the style sheet). Only what the public may read: the
public minutes (never the closed part) and the policy's text.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application.vocabulary import JAPAN, PolicyStatus, Role, wareki
from console.context import SignedInContext
from console.cycle_view import CycleView, load_cycle
from console.params import Year
from console.web import render, today

router = APIRouter()


def _issued(view: CycleView, role: Role) -> dict[str, Any]:
    """The print's heading: council, date of issue (和暦, Japan time), issuer."""
    holders = view.state.roster.holders_of(role)
    return {
        "view": view,
        "issued_on": wareki(today()),
        "issuer_role": role.value,
        "issuer_name": view.name(holders[0]) if holders else "",
    }


@router.get("/councils/{council_id}/{year}/minutes/print", response_class=HTMLResponse)
async def minutes_print(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The year's public minutes on A4: each meeting's current published version (or
    its draft, marked as one), issued by the council's chair."""
    view = await load_cycle(request, ctx, council_id, year)
    published = {v.meeting_number: v for v in view.state.public_minutes if v.corrected_at is None}
    meetings = [(m, published.get(m.number), wareki(m.held_on)) for m in view.state.meetings]
    context = {**_issued(view, Role.CHAIR), "meetings": meetings}
    return render(request, "minutes_print.html", context, who=ctx.who)


@router.get("/councils/{council_id}/{year}/policy/print", response_class=HTMLResponse)
async def policy_print(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The basic school-management policy on A4: the approved version (else the latest,
    marked with its state), issued by the principal."""
    view = await load_cycle(request, ctx, council_id, year)
    policies = view.state.policies
    approved = [p for p in policies if p.status is PolicyStatus.APPROVED]
    policy = approved[-1] if approved else (policies[-1] if policies else None)
    approved_on = (
        wareki(policy.closed_at.astimezone(JAPAN).date())
        if policy is not None
        and policy.closed_at is not None
        and policy.status is PolicyStatus.APPROVED
        else None
    )
    context = {**_issued(view, Role.PRINCIPAL), "policy": policy, "approved_on": approved_on}
    return render(request, "policy_print.html", context, who=ctx.who)
