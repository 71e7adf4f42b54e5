"""The validator's decision, kept for the handler of the same update.

Deciding a command (``domain.rules.execute``: a working copy of the state, the handler, the
event) is the cycle workflow's largest own cost, and every update needs it twice: the
validator decides to refuse or accept, the handler to apply. The SDK runs the handler
straight after its validator, so the handler can use the validator's decision, but only
when it was made for this update, on this very state object, at this very workflow time:
the same inputs to the pure rules, so the decision they would make again. Anything else
(a replay, which skips validators; a handler that awaited something first while another
update moved the state) decides afresh.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.model import CycleState
    from domain.rules import Decision


class _Kept(NamedTuple):
    update_id: str
    state: CycleState
    at: datetime
    decision: Decision


class DecisionMemo:
    """Holds at most one decision: the last validator's."""

    def __init__(self) -> None:
        self._kept: _Kept | None = None

    def keep(self, state: CycleState, at: datetime, decision: Decision) -> None:
        """Remember what the current update's validator decided on ``state`` at ``at``."""
        update = workflow.current_update_info()
        self._kept = None if update is None else _Kept(update.id, state, at, decision)

    def forget(self) -> None:
        """Drop the kept decision (the validator refused, or is about to decide again)."""
        self._kept = None

    def take(self, state: CycleState, at: datetime) -> Decision | None:
        """The kept decision if it was made for the current update on ``state`` (the same
        object) at ``at``; ``None`` otherwise. Either way nothing is kept afterwards."""
        kept, self._kept = self._kept, None
        update = workflow.current_update_info()
        if kept is None or update is None or kept.update_id != update.id:
            return None
        if kept.state is not state or kept.at != at:
            return None
        return kept.decision
