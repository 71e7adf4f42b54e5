"""The access token page (「アクセストークン」): a person makes tokens for the CLI (shown
once, stored hashed, at most 90 days), sees them with their last use, and revokes them.
Creating and revoking are audit rows, with the actor of the request's context."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from application import access_tokens
from application.errors import AppError
from application.vocabulary import MAX_TOKEN_NAME, TokenRecord
from console.context import ConsoleContext, SignedInContext
from console.params import RowId
from console.web import form_of, now, render, see_other

router = APIRouter()
DEFAULT_DAYS = 30


def _state(token: TokenRecord, at: datetime) -> str:
    if token.revoked_at is not None:
        return "token_revoked"
    expires = token.expires_at
    expires = expires if expires.tzinfo is not None else expires.replace(tzinfo=UTC)
    return "token_expired" if expires <= at else "token_live"


async def _page(
    request: Request, ctx: ConsoleContext, extra: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    who = ctx.who
    rows = await ctx.run(access_tokens.my_tokens)
    at = now()
    context = {
        "tokens": [(row, _state(row, at)) for row in rows],
        "board": any(
            "board_admin" in {r.value for r in roles} for roles in who.viewer.staff_roles.values()
        ),
        "max_name": MAX_TOKEN_NAME,
        "max_days": access_tokens.MAX_LIFETIME.days,
        "default_days": DEFAULT_DAYS,
        "secret": None,
        "error": None,
        **extra,
    }
    return render(request, "tokens.html", context, who=who, status_code=status_code)


@router.get("/tokens", response_class=HTMLResponse)
async def tokens_page(request: Request, ctx: SignedInContext) -> HTMLResponse:
    """The person's tokens and the form to make one."""
    return await _page(request, ctx, {})


@router.post("/tokens", response_class=HTMLResponse)
async def create_token(request: Request, ctx: SignedInContext) -> HTMLResponse:
    """Make a token and show its secret, this once (the answer is never cached)."""
    who = ctx.who
    form = await form_of(request, who)
    name = str(form.get("name", ""))[: MAX_TOKEN_NAME + 1]
    try:
        days = int(str(form.get("days", "")) or "0")
    except ValueError:
        days = 0
    on_behalf = form.get("on_behalf") == "1"
    try:
        made = await ctx.run(access_tokens.create_own, name, days, on_behalf)
    except AppError as exc:
        return await _page(request, ctx, {"error": exc.key}, status_code=422)
    return await _page(request, ctx, {"secret": made.secret})


@router.post("/tokens/{token_id}/revoke", response_model=None)
async def revoke_token(request: Request, ctx: SignedInContext, token_id: RowId) -> Response:
    """Revoke one of the person's own tokens; the CLI is refused from then on."""
    who = ctx.who
    await form_of(request, who)
    await ctx.run(access_tokens.revoke_own, token_id)
    return see_other("/tokens")
