"""The public pages (no sign-in): a council's published minutes (never the closed part),
its approved basic policy and its yearly report figures; and the municipality's index of
its councils. The pages render ``application.public_pages``' models and nothing else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application import public_pages
from application.vocabulary import NotFound
from console.context import VisitorContext
from console.params import Year
from console.web import PageNotFound, render

router = APIRouter()


@router.get("/public/councils/{council_id}/{year}", response_class=HTMLResponse)
async def council_public_page(
    request: Request, ctx: VisitorContext, council_id: str, year: Year
) -> HTMLResponse:
    """A council's public page for ``year``."""

    try:
        page = await ctx.run(public_pages.council_public, council_id[:64], year)
    except NotFound as exc:
        raise PageNotFound() from exc
    return render(request, "public_council.html", {"page": page})


@router.get("/public/municipalities/{municipality_id}/{year}", response_class=HTMLResponse)
async def municipality_index(
    request: Request, ctx: VisitorContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """The municipality's public index of its councils."""

    try:
        index, name = await ctx.run(public_pages.municipality_public, municipality_id[:64], year)
    except NotFound as exc:
        raise PageNotFound() from exc
    return render(request, "public_index.html", {"index": index, "name": name})
