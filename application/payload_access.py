"""Whose payloads a codec request holds, and whether a board admin may read them.

Each workflow's payloads are encrypted with a key derived for that workflow, and the key's
scope (the workflow id, ``council-cycle/<council>/<year>``) travels in clear in the
payload's metadata (config/converter.py). So the console can say, before decrypting
anything, which cycles and municipalities a request would reveal: a board admin reads
only their own municipality's, and the audit row names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.api.common.v1 import Payload

from application import audit
from application.context import Context
from config.converter import payload_key
from contracts.cycle import council_of_workflow_id
from domain.base import Role
from domain.volunteer_requests import council_of_request_key
from store.models import Council


@dataclass(frozen=True)
class PayloadOwners:
    """The workflows and municipalities the encrypted payloads of a request belong to;
    ``refusal`` (one line, ids only) when they may not be decoded."""

    workflows: tuple[str, ...]
    municipalities: tuple[str, ...]
    plaintext: int
    refusal: str | None = None

    def audit_detail(self) -> dict[str, str]:
        """What the access audit records of the request (ids only)."""
        detail = {
            "workflows": ",".join(self.workflows),
            "municipalities": ",".join(self.municipalities),
            "plaintext": str(self.plaintext),
        }
        if self.refusal is not None:
            detail["refused"] = self.refusal
        return detail


def _municipalities_of(session: Session, councils: Iterable[str]) -> dict[str, str]:
    rows = session.execute(
        select(Council.id, Council.municipality_id).where(Council.id.in_(sorted(set(councils))))
    )
    return {council_id: municipality_id for council_id, municipality_id in rows}


def payload_owners(
    session: Session, payloads: Sequence[Payload], readable_by: frozenset[str]
) -> PayloadOwners:
    """Who owns each encrypted payload, refused unless every one belongs to a cycle of a
    municipality in ``readable_by`` (the admin's). Plaintext is not secret: it passes."""
    plaintext = 0
    workflows: set[str] = set()
    unattributable: set[str] = set()
    for payload in payloads:
        named = payload_key(payload)
        if named is None:
            plaintext += 1
        elif named[1] is None:
            unattributable.add(f"key {named[0]!r} without a workflow")
        else:
            workflows.add(named[1])
    # A council's cycles and its volunteer requests (volunteer-request/<council>/...).
    councils = {w: council_of_workflow_id(w) or council_of_request_key(w) for w in workflows}
    owners = _municipalities_of(session, {c for c in councils.values() if c is not None})
    by_workflow = {w: owners.get(c or "") for w, c in councils.items()}
    municipalities = tuple(sorted({m for m in by_workflow.values() if m is not None}))
    unattributable |= {f"workflow {w}" for w, m in by_workflow.items() if m is None}
    result = PayloadOwners(tuple(sorted(workflows)), municipalities, plaintext)
    if unattributable:
        refusal = (
            "payloads not attributable to a municipality (encrypted before per-workflow keys,"
            f" or of no council's cycle): {', '.join(sorted(unattributable))}"
        )
    elif others := sorted(w for w, m in by_workflow.items() if m not in readable_by):
        refusal = f"payloads of another municipality's cycles: {', '.join(others)}"
    else:
        return result
    return PayloadOwners(result.workflows, result.municipalities, plaintext, refusal[:300])


def authorize_decode(ctx: Context, payloads: Sequence[Payload], namespace: str) -> PayloadOwners:
    """Whose payloads the asker wants decoded, and whether they may (a board admin reads
    only their own municipalities'): recorded in the access audit with the decision, in
    one transaction, before anything decrypted leaves (``refusal`` set when refused)."""
    viewer = ctx.principal.viewer
    staff = viewer.staff_roles.items() if viewer is not None else ()
    readable = frozenset(m for m, roles in staff if Role.BOARD_ADMIN in roles)

    def audited(session: Session) -> PayloadOwners:
        # Read from the payloads' metadata: nothing is decrypted yet.
        owners = payload_owners(session, payloads, readable)
        detail = {"payloads": str(len(payloads)), "namespace": namespace}
        audit.record_in(session, ctx.principal.actor, audit.AuditAction.CODEC_DECODE,
                        f"temporal/{namespace}", detail | owners.audit_detail())  # fmt: skip
        return owners

    return ctx.unit_of_work(audited)
