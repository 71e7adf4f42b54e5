"""``doctor``: does the store say what the engine says? For every cycle the store holds as
open, its projections (step, opening and closing times, vision, approval date, the current
step's due date, the pause, every step's due date) are compared with the state of its
workflow, asked with the query. ``repair`` rewrites the store's projections from the
workflow's state, which is the truth while the cycle runs.

Free text (the vision, the pause reason) is shown by a fingerprint, never as written, so
that a difference can be reported anywhere without copying what a council wrote.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from temporalio.client import Client

from application.cycles import CycleFailed, CycleNotStarted, state
from application.records import with_session
from config import Settings
from domain.japan_time import JAPAN
from domain.model import CycleState, PolicyStatus
from store.cycle_projections import (
    DUE_PREFIX,
    StoredProjection,
    as_text,
    rewrite_projections,
    stored_projections,
)

#: Fields whose values are free text: reported by fingerprint.
_TEXT_FIELDS = frozenset({"vision", "paused_reason"})
#: What ``doctor`` says when the engine has no workflow for a cycle the store holds.
MISSING = "(no workflow)"
#: ... and when its workflow ended without ever opening the cycle.
FAILED = "(failed)"


class Difference(BaseModel):
    """One field of one cycle on which the store and the workflow disagree."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    field: str
    store: str | None
    workflow: str | None

    def line(self) -> str:
        """The difference in one line: council, year, field, store value, workflow value."""
        return (
            f"{self.council_id} {self.fiscal_year} {self.field}: "
            f"store={_shown(self.field, self.store)} workflow={_shown(self.field, self.workflow)}"
        )


def _shown(field: str, value: str | None) -> str:
    if value is None:
        return "-"
    if field in _TEXT_FIELDS:
        return f"text#{hashlib.sha256(value.encode()).hexdigest()[:8]}"
    return value


def projected_values(current: CycleState) -> dict[str, date | datetime | str | None]:
    """What the store's cycle row should hold for ``current`` (pure)."""
    approved = next(
        (p for p in current.policies if p.status is PolicyStatus.APPROVED and p.closed_at), None
    )
    return {
        "step": current.step.value,
        "step_opened_at": current.step_opened_at,
        "closed_at": current.closed_at,
        "vision": current.vision,
        "approved_on": (
            None
            if approved is None or approved.closed_at is None
            else approved.closed_at.astimezone(JAPAN).date()
        ),
        "due_on": current.due_dates.get(current.step),
        "paused_since": None if current.paused is None else current.paused.since,
        "paused_reason": None if current.paused is None else current.paused.reason,
    }


def differences(stored: StoredProjection, current: CycleState) -> list[Difference]:
    """Every field on which the store's projection and the workflow's state differ (pure)."""
    expected = {name: as_text(value) for name, value in projected_values(current).items()}
    expected.update({DUE_PREFIX + s.value: d.isoformat() for s, d in current.due_dates.items()})
    names = sorted(set(expected) | set(stored.values), key=lambda n: (n.startswith(DUE_PREFIX), n))
    return [
        Difference(
            council_id=stored.council_id,
            fiscal_year=stored.fiscal_year,
            field=name,
            store=stored.values.get(name),
            workflow=expected.get(name),
        )
        for name in names
        if stored.values.get(name) != expected.get(name)
    ]


class Checkup(BaseModel):
    """What ``check`` found: how many cycles it compared, every difference, and (with
    ``repair``) how many cycles it rewrote and how many it could not (no workflow, or
    the cycle moved on while it was compared)."""

    cycles: int
    differences: list[Difference]
    repaired: int = 0
    unrepaired: int = 0


async def check(
    client: Client,
    settings: Settings,
    municipality_id: str | None = None,
    include_closed: bool = False,
    repair: bool = False,
) -> Checkup:
    """Compare every open cycle in the store (every cycle with ``include_closed``) with
    its workflow; with ``repair``, rewrite the projections of each cycle that differs
    from its workflow's state. A cycle whose workflow the engine does not have is reported
    (field ``workflow``) and never repaired: ``cycle restore`` is the way back for it."""
    stored = await asyncio.to_thread(
        with_session,
        settings,
        lambda session: stored_projections(session, municipality_id, include_closed),
    )
    found: list[Difference] = []
    repaired = unrepaired = 0
    for projection in stored:
        try:
            current = await state(client, projection.council_id, projection.fiscal_year)
        except (CycleNotStarted, CycleFailed) as exc:
            found.append(
                Difference(
                    council_id=projection.council_id,
                    fiscal_year=projection.fiscal_year,
                    field="workflow",
                    store=projection.values.get("step"),
                    workflow=MISSING if isinstance(exc, CycleNotStarted) else FAILED,
                )
            )
            unrepaired += 1
            continue
        differing = differences(projection, current)
        found.extend(differing)
        if repair and differing:
            if await asyncio.to_thread(_rewrite, settings, current):
                repaired += 1
            else:
                unrepaired += 1
    return Checkup(cycles=len(stored), differences=found, repaired=repaired, unrepaired=unrepaired)


def _rewrite(settings: Settings, current: CycleState) -> bool:
    return with_session(
        settings,
        lambda session: rewrite_projections(
            session,
            current.council_id,
            current.fiscal_year,
            projected_values(current),
            {step.value: due for step, due in current.due_dates.items()},
            current.accepted_commands,
        ),
    )
