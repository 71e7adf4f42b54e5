"""The board's year: which fiscal years its pages can show, and opening a fiscal year's
cycles for every council of the municipality from the console.

Opening is the CLI's ``cycle start --municipality`` (``operations.start_targets`` and
``operations.start_cycles``): the board admin of the municipality, each council's start
idempotent by its workflow id, so a repeated request starts nothing twice. The page
asks first, with ``opening_preview``'s count of the cycles that will start.
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

import store
from application import operations
from application.context import Context
from application.cycles import StartOutcome
from application.permissions import require_board
from domain.japan_time import current_fiscal_year
from store.models import Council, Cycle
from store.recorded_years import held_years
from store.volunteers import require_municipality


class OpeningPreview(BaseModel):
    """What opening ``fiscal_year`` would do: councils in all, and how many of their
    cycles would start (the others run or ran already)."""

    model_config = ConfigDict(frozen=True)

    municipality_id: str
    municipality_name: str
    fiscal_year: int
    councils: int
    to_start: int


class OpeningReport(BaseModel):
    """What opening did: started, already there, and failures (one line each)."""

    model_config = ConfigDict(frozen=True)

    fiscal_year: int
    started: int
    already: int
    failures: tuple[str, ...]


def fiscal_years(ctx: Context, municipality_id: str) -> list[int]:
    """The fiscal years with a cycle of the municipality's councils, and this one (the
    default), newest first: the board's year switcher."""
    this_year = current_fiscal_year(ctx.now())

    def read(session: Session) -> list[int]:
        require_board(session, ctx.principal, municipality_id)
        years = session.scalars(
            select(Cycle.fiscal_year)
            .join(Council, Council.id == Cycle.council_id)
            .where(Council.municipality_id == municipality_id)
            .distinct()
        )
        return sorted({*years, this_year}, reverse=True)

    return ctx.unit_of_work(read)


def opening_preview(ctx: Context, municipality_id: str, fiscal_year: int) -> OpeningPreview:
    """How many cycles opening ``fiscal_year`` would start, for its board admin."""

    def read(session: Session) -> OpeningPreview:
        require_board(session, ctx.principal, municipality_id)
        municipality = require_municipality(session, municipality_id)
        councils = store.council_ids(session, municipality_id)
        held = held_years(session, councils, fiscal_year)
        return OpeningPreview(
            municipality_id=municipality_id,
            municipality_name=municipality.name,
            fiscal_year=fiscal_year,
            councils=len(councils),
            to_start=len(councils) - len(held),
        )

    return ctx.unit_of_work(read)


async def open_year(ctx: Context, municipality_id: str, fiscal_year: int) -> OpeningReport:
    """Start ``fiscal_year``'s cycle of every council of the municipality (those running
    or closed already are left alone), as the CLI's ``cycle start --municipality``."""
    councils = await asyncio.to_thread(operations.start_targets, ctx, None, municipality_id)
    results, failures = await operations.start_cycles(ctx, councils, fiscal_year)
    started = sum(1 for r in results if r.outcome is StartOutcome.STARTED)
    return OpeningReport(
        fiscal_year=fiscal_year,
        started=started,
        already=len(results) - started,
        failures=tuple(failures),
    )
