"""Who may run the cycles and the store, as use cases: each function checks the
principal (``application.permissions``) before it reads or changes anything, and gives
the command what it needs (its targets, its rows).

- ``cycle start`` and ``cycle restore``: the board admin of the council's (or the named)
  municipality; the board runs the programme and designates the councils.
- ``doctor``: with ``--municipality`` its board admin; over every municipality the local
  operator only.
- ``audit verify``: the local operator or a board admin (row counts only, no content).
- ``cycle status``: a role on the council; closed minutes to its members and the board.
- A cycle command (``meeting``, ``vote cast`` …): the person it is sent as must sit on
  the council; ``remind`` (every council of a municipality): the person must be of the
  municipality. The rules still decide which role may give which command (exit 3).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

import store
from application import audit
from application.errors import AppError
from application.permissions import (
    may_read_closed_minutes,
    require_actor_of_municipality,
    require_actor_on_council,
    require_auditor,
    require_board,
    require_board_of_council,
    require_council_reader,
    require_local_operator,
)
from application.principal import Principal
from application.records import with_session
from config import Settings
from domain.model import CycleState
from store.audit_anchor import Anchor
from store.recorded_years import open_cycles_of


def start_targets(
    config: Settings, who: Principal, council_id: str | None, municipality_id: str | None
) -> list[str]:
    """The councils ``cycle start`` may start for ``who``: the one named (its board's),
    or every council of the municipality (its board's; ``no_councils`` when it has none)."""

    def check(session: Session) -> list[str]:
        if council_id is not None:
            require_board_of_council(session, who, council_id)
            return [council_id]
        assert municipality_id is not None
        require_board(session, who, municipality_id)
        found = store.council_ids(session, municipality_id)
        if not found:
            raise AppError("no_councils", municipality=municipality_id)
        return found

    return with_session(config, check)


def restore_targets(
    config: Settings,
    who: Principal,
    council_id: str | None,
    municipality_id: str | None,
    fiscal_year: int | None,
    current_year: int,
) -> list[tuple[str, int]]:
    """The (council, year) pairs ``cycle restore`` may restore for ``who``."""

    def check(session: Session) -> list[tuple[str, int]]:
        if council_id is not None:
            require_board_of_council(session, who, council_id)
            return [(council_id, fiscal_year if fiscal_year is not None else current_year)]
        assert municipality_id is not None
        require_board(session, who, municipality_id)
        found = [
            (c, y)
            for c, y in open_cycles_of(session, municipality_id)
            if fiscal_year is None or y == fiscal_year
        ]
        if not found:
            raise AppError("no_councils", municipality=municipality_id)
        return found

    return with_session(config, check)


def may_run_doctor(config: Settings, who: Principal, municipality_id: str | None) -> None:
    """Refuse in one line unless ``who`` may compare (and repair) these cycles."""
    if municipality_id is None:
        require_local_operator(who)
        return
    with_session(config, lambda session: require_board(session, who, municipality_id))


def verify_audit(config: Settings, who: Principal) -> list[audit.ChainReport]:
    """``audit.verify`` for an auditor (``permissions.require_auditor``)."""
    require_auditor(who)
    return audit.verify(config)


def audit_anchors(config: Settings, who: Principal) -> list[Anchor]:
    """``audit.anchors`` for an auditor (``permissions.require_auditor``)."""
    require_auditor(who)
    return audit.anchors(config)


def verify_audit_anchors(config: Settings, who: Principal, kept: list[Anchor]) -> str | None:
    """``audit.verify_anchors`` for an auditor (``permissions.require_auditor``)."""
    require_auditor(who)
    return audit.verify_anchors(config, kept)


def may_read_cycle(config: Settings, who: Principal, council_id: str) -> bool:
    """Refuse in one line unless the council is ``who``'s to see; whether they may read
    its closed minutes too."""
    return with_session(
        config, lambda s: may_read_closed_minutes(require_council_reader(s, who, council_id))
    )


def cycle_as_seen(
    config: Settings,
    who: Principal,
    state: CycleState,
    minutes_allowed: bool,
    command: str,
) -> CycleState:
    """The state as ``who`` may see it: closed minutes blanked for those who may not
    read them; when they are shown, the read is an audit row."""
    if not any(meeting.minutes_closed for meeting in state.meetings):
        return state
    if minutes_allowed:
        audit.record(
            config,
            who.actor,
            audit.AuditAction.READ_PERSONAL_DATA,
            f"councils/{state.council_id}/cycles/{state.fiscal_year}/closed-minutes",
            {"command": command},
        )
        return state
    meetings = [meeting.model_copy(update={"minutes_closed": ""}) for meeting in state.meetings]
    return state.model_copy(update={"meetings": meetings})


def may_run_demo(config: Settings, who: Principal, council_id: str) -> None:
    """The demo speaks for every member of the council: a token that may act on behalf
    (a board admin's so flagged, or the local operator's), of the council's board."""
    if not who.may_act_on_behalf:
        raise AppError("on_behalf_refused")
    with_session(config, lambda session: require_board_of_council(session, who, council_id))


def may_send(config: Settings, actor_id: str, council_id: str) -> None:
    """Refuse in one line unless the person a cycle command is sent as sits on the
    council (or oversees it)."""
    with_session(config, lambda session: require_actor_on_council(session, actor_id, council_id))


def may_remind(config: Settings, actor_id: str, municipality_id: str) -> None:
    """Refuse in one line unless the person ``remind`` is sent as is of the
    municipality (the rules then refuse anyone but its board, as for every council)."""
    with_session(
        config,
        lambda session: require_actor_of_municipality(session, actor_id, municipality_id),
    )
