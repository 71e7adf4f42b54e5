"""The public pages (no sign-in): a council's published minutes (never the closed part),
its approved basic policy and its yearly report figures; and the municipality's index of
its councils. The pages render ``application.public_pages``' models and nothing else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

import store
from application.public_pages import PublicIndex, PublicPage, public_index_page, public_page
from console.context import VisitorContext
from console.params import Year
from console.web import PageNotFound, console_of, render

router = APIRouter()


@router.get("/public/councils/{council_id}/{year}", response_class=HTMLResponse)
async def council_public_page(
    request: Request, ctx: VisitorContext, council_id: str, year: Year
) -> HTMLResponse:
    """A council's public page for ``year``."""

    def read(session: Session) -> PublicPage:
        try:
            return public_page(session, council_id[:64], year)
        except store.NotFound as exc:
            raise PageNotFound() from exc

    page = await console_of(request).db(read)
    return render(request, "public_council.html", {"page": page})


@router.get("/public/municipalities/{municipality_id}/{year}", response_class=HTMLResponse)
async def municipality_index(
    request: Request, ctx: VisitorContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """The municipality's public index of its councils."""

    def read(session: Session) -> tuple[PublicIndex, str]:
        try:
            index = public_index_page(session, municipality_id[:64], year)
            return index, store.municipality_name(session, municipality_id)
        except store.NotFound as exc:
            raise PageNotFound() from exc

    index, name = await console_of(request).db(read)
    return render(request, "public_index.html", {"index": index, "name": name})
