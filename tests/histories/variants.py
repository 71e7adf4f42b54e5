"""Variants of the cycle workflow that replay tests expect to break the recorded histories.

In a module of their own, importing only the workflow: the sandbox re-imports the module
a workflow class is defined in, and a test module's other imports have no place there.
"""

from __future__ import annotations

from temporalio import workflow

# Passed through like the workflow's own imports: re-imported inside the sandbox, the
# catalogue behind domain's refusals would read its files there.
with workflow.unsafe.imports_passed_through():
    from contracts.cycle import WORKFLOW_NAME, CycleInput
    from domain.rule_changes import RULE_CHANGES
    from workflows.council_cycle import CouncilCycleWorkflow, CycleResult


@workflow.defn(name=WORKFLOW_NAME)
class ReorderedCycle(CouncilCycleWorkflow):
    """The cycle with one harmless-looking change: a timer before anything else."""

    @workflow.run
    async def run(self, data: CycleInput) -> CycleResult:
        """Sleep a second, then run the cycle."""
        await workflow.sleep(1)
        return await super().run(data)


@workflow.defn(name=WORKFLOW_NAME)
class CycleBeforeRuleChanges(CouncilCycleWorkflow):
    """The cycle as it was before the changes of ``domain.rule_changes`` and before each
    command was recorded locally: none is ever switched on and no patch marker is
    written. ``record --before`` records with it."""

    @workflow.run
    async def run(self, data: CycleInput) -> CycleResult:
        """Run the cycle."""
        return await super().run(data)

    def _rule_changes(self) -> tuple[str, ...]:
        return ()

    def _record_locally(self) -> bool:
        return False  # and each command recorded by a normal activity, as then


@workflow.defn(name=WORKFLOW_NAME)
class UnguardedCycle(CouncilCycleWorkflow):
    """The rule changes made without ``workflow.patched``: every cycle gets them, also one
    replaying a history recorded before them. This is what the patch prevents."""

    @workflow.run
    async def run(self, data: CycleInput) -> CycleResult:
        """Run the cycle."""
        return await super().run(data)

    def _rule_changes(self) -> tuple[str, ...]:
        return RULE_CHANGES


@workflow.defn(name=WORKFLOW_NAME)
class DeprecatedPatchCycle(CouncilCycleWorkflow):
    """The second stage of a change: ``workflow.deprecate_patch`` instead of ``patched``,
    the change always on. Deployable once no cycle started before the change runs."""

    @workflow.run
    async def run(self, data: CycleInput) -> CycleResult:
        """Run the cycle."""
        return await super().run(data)

    def _rule_changes(self) -> tuple[str, ...]:
        for change in RULE_CHANGES:
            workflow.deprecate_patch(change)
        return RULE_CHANGES
