"""Jobs the worker keeps running beside the cycles: today the daily audit anchor
(``workflows.audit_anchor``). Started at every worker start; one already running is left
as it is, so restarts and several workers never start a second one."""

from __future__ import annotations

import logging

from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts.audit_anchor import AUDIT_ANCHOR_WORKFLOW_ID, AuditAnchorInput
from workflows.audit_anchor import AuditAnchorWorkflow

log = logging.getLogger(__name__)


async def start_daily_anchor(
    client: Client, task_queue: str
) -> WorkflowHandle[AuditAnchorWorkflow, None]:
    """Start the daily audit-anchor workflow on ``task_queue`` unless it runs already;
    its handle either way."""
    try:
        return await client.start_workflow(
            AuditAnchorWorkflow.run,
            AuditAnchorInput(),
            id=AUDIT_ANCHOR_WORKFLOW_ID,
            task_queue=task_queue,
        )
    except WorkflowAlreadyStartedError:
        log.info("the daily audit anchor is running already")
        return client.get_workflow_handle(AUDIT_ANCHOR_WORKFLOW_ID)
