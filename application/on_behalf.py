"""Acting on behalf of another person (``--as``), as a use case: only a principal whose
token "may act on behalf", only for a person of a municipality whose board the principal
is, and each use is an audit row (issue 20: the faces only parse, call and render)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from application.audit import AuditAction, record_in
from application.context import Context
from application.errors import AppError
from application.permissions import BOARD, load_viewer


def act_on_behalf(ctx: Context, person_id: str, command: str) -> str:
    """``person_id`` once the principal may send ``command`` as them (recorded in the
    audit); ``AppError`` in one line otherwise, with nothing written."""
    who = ctx.principal
    if not who.may_act_on_behalf:
        raise AppError("on_behalf_refused")

    def check_and_record(session: Session) -> None:
        person = load_viewer(session, person_id)
        if person is None or not who.holds(session, person.municipality_id, BOARD):
            raise AppError("on_behalf_outside", person=person_id)
        record_in(
            session,
            who.actor,
            AuditAction.ACT_ON_BEHALF,
            f"people/{person_id}",
            {"on_behalf_of": person_id, "command": command},
        )

    ctx.unit_of_work(check_and_record)
    return person_id
