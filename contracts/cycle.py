"""Inputs and names of the council cycle workflow, importable without Temporal.

The CLI, the worker and tests share these so that an update is always called by the same
name with the same model.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.model import CarriedFinding, CycleState

WORKFLOW_NAME = "CouncilCycleWorkflow"
STATE_QUERY = "state"
#: The update a directory change (``load``, an erasure) sends to a running cycle.
UPDATE_ROSTER = "update_roster"


def cycle_workflow_id(council_id: str, fiscal_year: int) -> str:
    """The business key of a council's cycle for one fiscal year. No personal data."""
    return f"council-cycle/{council_id}/{fiscal_year}"


def council_of_workflow_id(workflow_id: str) -> str | None:
    """The council whose cycle ``workflow_id`` is (``cycle_workflow_id``'s inverse), or
    whose opinion or survey it is; ``None`` for any other id."""
    prefix, _, rest = workflow_id.partition("/")
    if prefix == "council-opinion":
        # council-opinion/<council>/<year>/<n>: each opinion of a council (domain.opinions)
        rest, _, number = rest.rpartition("/")
        if not number.isdigit():
            return None
    elif prefix not in ("council-cycle", "council-survey"):
        return None
    council_id, _, year = rest.rpartition("/")
    if not council_id or not year.isdigit():
        return None
    return council_id


def notification_queue(task_queue: str) -> str:
    """The task queue of a cycle's notifications (inbox rows and outside channels), beside
    the cycle's own queue: a burst of notices never queues ahead of the cycle's records."""
    return f"{task_queue}-notifications"


class CycleInput(BaseModel):
    """Start a council's cycle for one fiscal year (April to March)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    council_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    fiscal_year: int = Field(ge=2000, le=2200)
    carried_over: tuple[CarriedFinding, ...] = ()
    # A cycle rebuilt from the store after the engine's data was lost (``cycle restore``):
    # the run carries on from it instead of opening a new cycle at discuss.
    restored: CycleState | None = None
