"""A cycle's state read from the store, for pages: the kept snapshot moved on by the
events recorded since, through the rules (``store.cycle_snapshots``). No workflow query,
no replay of a Temporal history: a page renders with the worker stopped, and a closed
year costs one row.

Events are applied in their numbers' order and stop at the first gap: an event accepted
by the workflow but not recorded yet (two updates' recording activities landed out of
order) leaves the state just before it, and ``StoredState.recording`` counts what was
recorded past it, so the page can say that more is still being recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from application.restore import redo_recorded
from domain.model import CycleState
from domain.rules import new_cycle
from store.cycle_snapshots import StoredCycle, keep_snapshot, stored_cycle


@dataclass(frozen=True)
class StoredState:
    """The state the store holds, as of its event ``state.accepted_commands``, and how
    many events were recorded past a gap (still waiting for an earlier one)."""

    state: CycleState
    recording: int

    @property
    def seq(self) -> int:
        """The number of the last event the state includes."""
        return self.state.accepted_commands


def stored_state(
    session: Session, council_id: str, fiscal_year: int, now: datetime
) -> StoredState | None:
    """The council's cycle of ``fiscal_year`` as the store holds it; ``None`` when the
    store has not recorded its opening. Keeps the rebuilt state when it moved on.

    Raises ``RestoreFailed`` when the rules, applied again, decide an event differently
    from what was recorded (then only the workflow knows the state)."""
    found = stored_cycle(session, council_id, fiscal_year)
    if found is None:
        return None
    state = _start(found, council_id, fiscal_year)
    for row in found.events:
        if row.seq != state.accepted_commands + 1:
            break
        state = redo_recorded(state, row)
    if state.accepted_commands > found.snapshot_seq:
        keep_snapshot(
            session, found.cycle_id, state.accepted_commands, state.model_dump_json(), now
        )
    recording = sum(1 for row in found.events if row.seq > state.accepted_commands)
    return StoredState(state=state, recording=recording)


def _start(found: StoredCycle, council_id: str, fiscal_year: int) -> CycleState:
    if found.snapshot is not None:
        return CycleState.model_validate_json(found.snapshot)
    opening = found.opening
    assert opening is not None, "a cycle without a snapshot comes with its opening"
    setup = opening.setup
    return new_cycle(
        council_id,
        fiscal_year,
        setup.roster,
        opening.started_at,
        vote_rule=setup.vote_rule,
        carried_over=list(opening.carried_over),
        deadline_rules=setup.deadline_rules,
        rule_changes=setup.rule_changes,
    )
