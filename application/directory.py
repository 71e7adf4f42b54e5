"""Governed directory changes: ``load`` shows its diff and applies it only once
confirmed; every field changed is a directory-audit row; a roster change reaches the
running cycles of the councils concerned (the ``update_roster`` update).

Two steps, for the CLI and the console alike: ``plan_load`` runs the load in a
transaction it rolls back and returns the diff; ``apply_load`` runs it again, checks that
the diff is still the one shown (someone else may have changed the directory meanwhile),
writes the audit in the same transaction and commits; then ``send_rosters`` puts the new
rosters in force in the running cycles.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session
from temporalio.client import Client

import store
from application import cycles
from application.audit import Actor, AuditAction, record_in
from application.errors import AppError
from application.records import read_municipality
from config import Settings
from domain.model import Roster
from domain.roster_update import UpdateRosterInput
from store.audit_log import DirectoryAuditRow, append
from store.directory_queries import open_cycles as store_open_cycles

if TYPE_CHECKING:
    from application.context import Context


class RosterTarget(BaseModel):
    """A running cycle whose council's roster changed, and the roster it must take."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    roster: Roster


class LoadPlan(BaseModel):
    """What loading the file would change (nothing is changed yet)."""

    model_config = ConfigDict(frozen=True)

    name: str
    summary: store.LoadSummary

    @property
    def changes(self) -> tuple[store.DirectoryChange, ...]:
        """The diff, one field a line, personal values masked."""
        return self.summary.changes


class LoadApplied(BaseModel):
    """A confirmed load: what changed, under which change id, and the cycles to update."""

    model_config = ConfigDict(frozen=True)

    name: str
    change_id: str
    summary: store.LoadSummary
    rosters: tuple[RosterTarget, ...]


def plan_load(ctx: Context, path: Path) -> LoadPlan:
    """The diff that loading ``path`` would make, computed on the store and rolled back."""
    data = read_municipality(path)

    def dry_run(session: Session) -> store.LoadSummary:
        summary = store.load_municipality(session, data)
        session.rollback()
        return summary

    return LoadPlan(name=data.municipality.name, summary=ctx.unit_of_work(dry_run))


def apply_load(ctx: Context, path: Path, shown: tuple[store.DirectoryChange, ...]) -> LoadApplied:
    """Load ``path`` if it makes exactly the changes ``shown`` (what the person
    confirmed), audit every change, and return the running cycles whose roster changed.
    ``AppError('directory_moved')`` and nothing changed when the diff is no longer the
    one shown."""
    data = read_municipality(path)
    change_id = str(uuid.uuid4())
    actor = ctx.principal.actor

    def apply(session: Session) -> LoadApplied:
        summary = store.load_municipality(session, data)
        if summary.changes != shown:
            session.rollback()
            raise AppError("directory_moved")
        at = datetime.now(UTC)
        muni = data.municipality.id
        for change in summary.changes:
            append(
                session,
                DirectoryAuditRow,
                at=at,
                actor=actor.id,
                change_id=change_id,
                municipality_id=muni,
                **change.model_dump(),
            )
        if summary.changes:
            record_in(
                session,
                actor,
                AuditAction.DIRECTORY_CHANGE,
                f"municipalities/{muni}",
                {"change_id": change_id, "changes": str(len(summary.changes))},
                at,
            )
        targets = _roster_targets(session, muni, summary.changes)
        return LoadApplied(
            name=data.municipality.name, change_id=change_id, summary=summary, rosters=targets
        )

    return ctx.unit_of_work(apply)


def councils_concerned(
    session: Session, municipality_id: str, changes: tuple[store.DirectoryChange, ...]
) -> list[str]:
    """The councils whose roster ``changes`` touch: a member's role on one council, or a
    staff role (on every council of the municipality)."""
    concerned: set[str] = set()
    for change in changes:
        parts = change.target.split("/")
        if parts[0] == "councils" and len(parts) > 2 and parts[2] == "members":
            concerned.add(parts[1])
        elif parts[0] == "municipalities" and len(parts) > 2 and parts[2] == "staff":
            concerned.update(store.council_ids(session, municipality_id))
    return sorted(concerned)


def running_roster_targets(session: Session, council_ids: list[str]) -> tuple[RosterTarget, ...]:
    """The open cycles of ``council_ids`` with each council's roster as the store has it."""
    open_cycles = store_open_cycles(session, council_ids)
    rosters = {c: store.council_setup(session, c).roster for c in {c for c, _ in open_cycles}}
    return tuple(
        RosterTarget(council_id=council, fiscal_year=year, roster=rosters[council])
        for council, year in open_cycles
    )


def _roster_targets(
    session: Session, municipality_id: str, changes: tuple[store.DirectoryChange, ...]
) -> tuple[RosterTarget, ...]:
    session.flush()
    return running_roster_targets(session, councils_concerned(session, municipality_id, changes))


class RosterSent(BaseModel):
    """Whether one running cycle took its new roster, and if not, why (one line)."""

    council_id: str
    fiscal_year: int
    problem: str | None = None


async def send_rosters(
    config: Settings,
    targets: tuple[RosterTarget, ...],
    change_id: str,
    actor: Actor,
    client: Client | None = None,
) -> list[RosterSent]:
    """Send each target cycle its new roster (update id: the change id, so resending is
    harmless). A cycle that cannot take it is reported, not raised: the others still
    get theirs. ``client`` defaults to one connected by ``config``."""
    if not targets:
        return []
    if client is None:
        client = await cycles.connect(config)
    sent = []
    for target in targets:
        update = UpdateRosterInput(update_id=change_id, changed_by=actor.id, roster=target.roster)
        problem: str | None = None
        try:
            await cycles.update_roster(client, target.council_id, target.fiscal_year, update)
        except cycles.CommandRefused as exc:
            problem = exc.message("en")
        except cycles.CycleError as exc:
            problem = exc.message("en")
        sent.append(
            RosterSent(
                council_id=target.council_id, fiscal_year=target.fiscal_year, problem=problem
            )
        )
    return sent


async def sync_rosters(ctx: Context, municipality_id: str) -> list[RosterSent]:
    """Send the store's roster to every open cycle of the municipality: what to do after
    a load whose roster did not reach a cycle (the directory was saved already)."""

    def read(session: Session) -> tuple[RosterTarget, ...]:
        return running_roster_targets(session, store.council_ids(session, municipality_id))

    targets = ctx.unit_of_work(read)
    return await send_rosters(ctx.config, targets, f"sync-{uuid.uuid4()}", ctx.principal.actor)
