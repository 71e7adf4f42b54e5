"""Names and inputs of the daily audit-anchor mail, importable without Temporal: the
workflow, its activity and the worker that starts it share them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

AUDIT_ANCHOR_WORKFLOW = "AuditAnchorWorkflow"
#: One daily job per Temporal namespace and task queue; no personal data in it.
AUDIT_ANCHOR_WORKFLOW_ID = "audit-anchor/daily"
PUBLISH_AUDIT_ANCHOR = "publish_audit_anchor"
#: The notification template (and ``X-CS-Event``) of the anchor mail.
AUDIT_ANCHOR_TEMPLATE = "audit_anchor"


class AuditAnchorInput(BaseModel):
    """The daily job's input (nothing yet: kept as a model so that fields can be added
    without breaking running histories)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PublishAnchorInput(BaseModel):
    """Mail the anchors of ``day`` (Japan time, ``YYYY-MM-DD``) to the board admins: one
    notice per person and day, so a retry never mails twice."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
