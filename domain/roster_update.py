"""A changed directory reaching a running cycle: the council's new roster.

The roster decides who may act (``rules._check_actor_and_step`` asks it on every
command), so replacing it takes effect from the next command: a removed member is refused
from that moment and a new one accepted. What the removed member already did stays (a
ballot they cast is no longer counted: the tally counts current voters only; a task they
own stays theirs until the chief coordinator reassigns it).

The change itself is recorded in the store's directory audit by whoever changed the
directory; the cycle keeps the id of the last update it applied so a repeated update
(a retry, or ``load`` run twice) changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from domain.base import Frozen, Step, working_copy
from domain.model import CycleState, Roster
from domain.refusals import Refusal

UpdateId = Annotated[str, Field(min_length=1, max_length=100)]


class UpdateRosterInput(Frozen):
    """The council's whole roster as the directory now has it, with the id of this
    update (the same id for every cycle one directory change is sent to) and who made
    the change (``cli:<user>`` today, the signed-in person later)."""

    update_id: UpdateId
    changed_by: Annotated[str, Field(min_length=1, max_length=100)]
    roster: Roster


def replace_roster(state: CycleState, update: UpdateRosterInput, at: datetime) -> CycleState:
    """``state`` with ``update.roster`` in force; raise ``Refusal`` when the cycle is closed
    or the roster would leave nobody on it. ``at`` is when it took effect (unused for now:
    the directory audit has the time)."""
    del at
    if state.step is Step.CLOSED:
        raise Refusal("cycle_closed", year=str(state.fiscal_year))
    if not update.roster.entries:
        raise Refusal("empty_roster")
    draft = working_copy(state)
    draft.roster = update.roster
    return draft
