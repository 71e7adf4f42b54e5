"""The commands a cycle has applied, by update id: a command sent again with the same id
answers the first receipt instead of being applied twice.

Temporal itself answers a repeated update id with the first outcome within a run; this is
the workflow's own guard for the same promise (it also holds while the first is still
being recorded), bounded so the workflow's memory stays small over a long year.
"""

from __future__ import annotations

from collections import OrderedDict

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.events import CommandReceipt

#: How many recent command ids a cycle remembers. A year of a busy council is a few
#: hundred commands; a client retries within minutes.
REMEMBERED_IDS = 1000


class AppliedCommands:
    """The receipts of the last ``REMEMBERED_IDS`` applied commands, by update id."""

    def __init__(self) -> None:
        self._receipts: OrderedDict[str, CommandReceipt] = OrderedDict()

    def current(self) -> CommandReceipt | None:
        """The receipt of the update being handled, if its id was applied before."""
        update = workflow.current_update_info()
        return None if update is None else self._receipts.get(update.id)

    def remember(self, receipt: CommandReceipt) -> None:
        """Keep ``receipt`` under the current update's id; forget the oldest beyond the
        bound."""
        update = workflow.current_update_info()
        if update is None:
            return
        self._receipts[update.id] = receipt
        while len(self._receipts) > REMEMBERED_IDS:
            self._receipts.popitem(last=False)
