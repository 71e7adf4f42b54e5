"""The ``update_roster`` update, mixed into the cycle workflow: a directory change
(``load``, an erasure) reaching a running cycle.

The validator asks the pure rules (``domain.roster_update``) on the current state; the
handler applies the same decision and wakes the deadline loop (the step's owners, and so
who is reminded, may have changed). An update id the cycle already applied is answered
with the current state and changes nothing, so ``load`` may resend safely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.cycle import UPDATE_ROSTER
    from domain.model import CycleState
    from domain.refusals import Refusal
    from domain.roster_update import UpdateRosterInput, replace_roster
    from workflows.failures import refused


class RosterUpdates:
    """The roster update. Needs the host workflow's ``_state`` and ``_changes``
    (``CouncilCycleWorkflow``)."""

    if TYPE_CHECKING:
        _state: CycleState | None
        _changes: int

    # Ids of the roster updates applied in this run; rebuilt the same way on replay.
    _roster_update_ids: frozenset[str] = frozenset()

    @workflow.update(name=UPDATE_ROSTER)
    async def update_roster(self, update: UpdateRosterInput) -> CycleState:
        """Put the council's new roster in force from now on."""
        state = self._roster_state()
        if update.update_id in self._roster_update_ids:
            return state
        try:
            self._state = replace_roster(state, update, workflow.now())
        except Refusal as refusal:
            raise refused(refusal) from None
        self._roster_update_ids = self._roster_update_ids | {update.update_id}
        self._changes += 1
        return self._state

    @update_roster.validator
    def _check_update_roster(self, update: UpdateRosterInput) -> None:
        state = self._roster_state()
        if update.update_id in self._roster_update_ids:
            return
        try:
            replace_roster(state, update, workflow.now())
        except Refusal as refusal:
            raise refused(refusal) from None

    def _roster_state(self) -> CycleState:
        if self._state is None:
            raise refused(Refusal("cycle_opening"))
        return self._state
