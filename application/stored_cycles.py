"""A cycle's state read from the store, for pages: the kept snapshot moved on by the
events recorded since, through the rules (``store.cycle_snapshots``). No workflow query,
no replay of a Temporal history: a page renders with the worker stopped, and a closed
year costs one row.

The read only reads (``stored_state``, in a read-only session); keeping the moved-on
state is a write of its own (``keep_state``), done when the state is ``KEEP_EVERY`` events
past the kept one or closed, so page reads take the write lock at most every other event.

A roster change the directory sends a running cycle is not an event: an open cycle's
state carries the directory's current roster (what the workflow was sent), and an event
the rules refuse on the older roster is applied again on the directory's. A closed year
keeps the roster of its last state read while it was open.

Events are applied in their numbers' order and stop at the first gap: an event accepted
by the workflow but not recorded yet (two updates' recording activities landed out of
order) leaves the state just before it, and ``StoredState.recording`` counts what was
recorded past it, so the page can say that more is still being recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from application.restore import RestoreFailed, redo_recorded
from domain.model import CycleState, Roster, Step
from domain.rules import new_cycle
from store.cycle_snapshots import StoredCycle, keep_snapshot, stored_cycle
from store.directory import council_roster

#: A read keeps the state it rebuilt once it is this many events past the kept one (a
#: read in between applies the few events since: a millisecond or so each).
KEEP_EVERY = 2


@dataclass(frozen=True)
class StoredState:
    """The state the store holds, as of its event ``state.accepted_commands``, how many
    events were recorded past a gap (still waiting for an earlier one), and the cycle's
    row and kept snapshot's event (for ``keep_state``)."""

    state: CycleState
    recording: int
    cycle_id: int
    kept_seq: int

    @property
    def seq(self) -> int:
        """The number of the last event the state includes."""
        return self.state.accepted_commands

    @property
    def worth_keeping(self) -> bool:
        """Whether ``keep_state`` should keep this state: ``KEEP_EVERY`` events past the
        kept one, or the year's final state."""
        moved = self.seq - self.kept_seq
        return moved >= KEEP_EVERY or (moved > 0 and self.state.step is Step.CLOSED)


def stored_state(session: Session, council_id: str, fiscal_year: int) -> StoredState | None:
    """The council's cycle of ``fiscal_year`` as the store holds it; ``None`` when the
    store has not recorded its opening. Only reads.

    Raises ``RestoreFailed`` when the rules, applied again, decide an event differently
    from what was recorded (then only the workflow knows the state)."""
    found = stored_cycle(session, council_id, fiscal_year)
    if found is None:
        return None
    state = _start(found, council_id, fiscal_year)
    directory: list[Roster] = []

    def current_roster() -> Roster:
        # The council's roster as the directory has it now (read once, when needed).
        if not directory:
            directory.append(council_roster(session, council_id) or Roster(entries=()))
        return directory[0]

    for row in found.events:
        if row.seq != state.accepted_commands + 1:
            break
        try:
            state = redo_recorded(state, row)
        except RestoreFailed:
            # A roster change (``update_roster``) is not an event: the workflow decided
            # this one on the roster the directory sent it since. Again on that roster.
            roster = current_roster()
            if state.step is Step.CLOSED or not roster.entries or roster == state.roster:
                raise
            state = redo_recorded(state.model_copy(update={"roster": roster}), row)
    if state.step is not Step.CLOSED:
        # An open cycle has the directory's roster: every change of it is sent to the
        # running cycle (``application.directory.send_rosters``) once the store holds it.
        roster = current_roster()
        if roster.entries and roster != state.roster:
            state = state.model_copy(update={"roster": roster})
    recording = sum(1 for row in found.events if row.seq > state.accepted_commands)
    return StoredState(
        state=state, recording=recording, cycle_id=found.cycle_id, kept_seq=found.snapshot_seq
    )


def keep_state(session: Session, stored: StoredState, now: datetime) -> None:
    """Keep ``stored``'s state for the next reads (over an older kept one only)."""
    keep_snapshot(session, stored.cycle_id, stored.seq, stored.state.model_dump_json(), now)


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
