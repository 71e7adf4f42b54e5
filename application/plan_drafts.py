"""The plan form's draft as a use case: who may submit the plan may save what they typed
and find it again when they open the form; submitting the plan drops it.

A draft is kept per council and fiscal year (the last save wins), as the form's fields.
Only fields the plan form has are kept (``a<n>_…`` and ``rows``), each bounded."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from application.context import Context
from application.errors import AppError
from application.permissions import require_council_reader
from domain.rules import PERMISSIONS
from store.plan_drafts import PlanDraft, drop_plan_draft, plan_draft, save_plan_draft

#: The plan form's own fields of one activity (``a<n>_`` before each), and the longest
#: text each may keep; anything else in a posted form is not kept.
_ROW_FIELDS: dict[str, int] = {
    "title": 200, "planned_on": 20, "kind": 32,
    **{f"aim{k}": 1000 for k in range(1, 4)},
    **{f"{name}{k}": 200 for name in ("party", "duty") for k in range(1, 3)},
    **{f"task{k}": 200 for k in range(1, 4)},
    **{f"task{k}_owner": 64 for k in range(1, 4)},
    **{f"task{k}_due": 20 for k in range(1, 4)},
}  # fmt: skip
_ROW = re.compile(r"a(10|[1-9])_([a-z0-9_]+)")


def draft_fields(form: dict[str, object]) -> dict[str, str]:
    """The plan form's fields of ``form``, as texts, each cut to its field's maximum."""
    kept = {}
    for name, value in form.items():
        match = _ROW.fullmatch(name)
        if name == "rows":
            limit = 3
        elif match and match.group(2) in _ROW_FIELDS:
            limit = _ROW_FIELDS[match.group(2)]
        else:
            continue
        one = value[0] if isinstance(value, list) and value else value
        kept[name] = str(one or "")[:limit]
    return kept


def _require_planner(session: Session, ctx: Context, council_id: str) -> None:
    roles = require_council_reader(session, ctx.principal, council_id)
    allowed = PERMISSIONS["submit_plan"]
    if not roles & allowed:
        names = "/".join(sorted(r.value for r in allowed))
        raise AppError("role_needed", roles=names, target=council_id)


def save_draft(ctx: Context, council_id: str, year: int, form: dict[str, object]) -> None:
    """Keep the plan form's fields of ``form`` as the council's draft for ``year``."""
    fields = draft_fields(form)
    saved_by = (ctx.principal.person_id or ctx.principal.actor.id)[:64]

    def work(session: Session) -> None:
        _require_planner(session, ctx, council_id)
        save_plan_draft(session, council_id, year, fields, saved_by, ctx.now())

    ctx.unit_of_work(work)


def load_draft(ctx: Context, council_id: str, year: int) -> PlanDraft | None:
    """The council's saved draft for ``year``, for who may submit the plan."""

    def work(session: Session) -> PlanDraft | None:
        _require_planner(session, ctx, council_id)
        return plan_draft(session, council_id, year)

    return ctx.unit_of_work(work)


def drop_draft(ctx: Context, council_id: str, year: int) -> None:
    """Forget the council's draft for ``year`` (its plan was submitted)."""

    def work(session: Session) -> None:
        _require_planner(session, ctx, council_id)
        drop_plan_draft(session, council_id, year)

    ctx.unit_of_work(work)
