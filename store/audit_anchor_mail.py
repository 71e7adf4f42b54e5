"""Who gets the daily audit anchor and what it says: every municipality's board admins,
the notice filed under the municipality's first council (the inbox files every notice
under a council; a board admin is on the roster of every council of the municipality)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.audit_anchor import Anchor
from store.models import Council, MunicipalityStaff


class AnchorRecipients(NamedTuple):
    """One municipality's board admins and the council their notice is filed under."""

    municipality_id: str
    council_id: str
    people: tuple[str, ...]


def board_admins_by_municipality(session: Session) -> list[AnchorRecipients]:
    """The board admins of every municipality that has a council, by municipality id.
    A municipality without a council is left out (its notices would have nowhere to be
    filed); ``starter audit anchor`` serves it."""
    by_municipality = select(Council.municipality_id, func.min(Council.id)).group_by(
        Council.municipality_id
    )
    first_council = {muni: council for muni, council in session.execute(by_municipality)}
    admins: dict[str, list[str]] = {}
    rows = session.execute(
        select(MunicipalityStaff.municipality_id, MunicipalityStaff.person_id)
        .where(MunicipalityStaff.role == "board_admin")
        .order_by(MunicipalityStaff.municipality_id, MunicipalityStaff.position)
    )
    for municipality_id, person_id in rows:
        held = admins.setdefault(municipality_id, [])
        if person_id not in held:
            held.append(person_id)
    return [
        AnchorRecipients(muni, first_council[muni], tuple(people))
        for muni, people in sorted(admins.items())
        if muni in first_council
    ]


def anchor_message(day: str, anchors: Sequence[Anchor]) -> tuple[str, str]:
    """Subject and body of the day's anchor mail, Japanese first, the lines as printed by
    ``starter audit anchor``."""
    lines = "\n".join(anchor.line() for anchor in anchors)
    subject = f"監査記録の照合値 {day}（audit anchor）"
    body = (
        f"{day} 時点の監査記録の照合値（アンカー）です。このメールは削除せずに保管してください。\n"
        "データベースを書き換えられても、この値と照合すれば記録の改ざん・末尾の欠落が分かります"
        "（IT担当: python -m starter audit verify --anchor '<下の行>'）。\n\n"
        f"{lines}\n\n"
        f"The audit anchors as of {day}: keep this message. Checked against them, "
        "a rewritten or cut-off audit shows (python -m starter audit verify --anchor "
        "'<the line above>')."
    )
    return subject, body
